"""The compiler against the model's own definitions (issue 22: a mutation run of ``compiled.py``).

The hypothesis scenarios of ``tests/strategies.py`` are dyadic, ordinal and without exponents or
deal bonuses, so the compiler's numeric positions, exponents, default spreads, deal bonus and
caps were checked only by a few hand-picked files. Here every compiled utility is compared with
the plain-Python oracle (``tests/oracle.py``, which reads the model directly) on scenarios with
all of them, with decimal weights and values that are not binary fractions, and every membership
test with brute force.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.compiled import (
    QUANTUM,
    as_compiled,
    compile_scenario,
    crossed_rules,
    evaluate_utilities,
    in_target,
    preference_values,
    quantise,
    weighted_tables,
)
from simulator.model import Interaction, Issue, Option, Party, Preference, Rule, Scenario
from tests import oracle
from tests import strategies as base

DECIMALS = (0.0, 0.1, 0.25, 0.3, 0.35, 0.6, 0.7, 1.0)


@st.composite
def issues(draw: st.DrawFn) -> tuple[Issue, ...]:
    """One to three issues, each ordinal or numeric (values in any order, repeats allowed)."""
    out = []
    for i in range(draw(st.integers(1, 3))):
        k = draw(st.integers(1, 4))
        if draw(st.booleans()):
            values = draw(
                st.lists(st.sampled_from([-3.0, 0.0, 0.5, 2.0, 7.0]), min_size=k, max_size=k)
            )
            options = tuple(Option(f"o{j}", value=v) for j, v in enumerate(values))
        else:
            options = tuple(Option(f"o{j}") for j in range(k))
        out.append(Issue(f"i{i}", options))
    return tuple(out)


@st.composite
def preferences(draw: st.DrawFn, issue: Issue) -> Preference:
    weight = draw(st.sampled_from(DECIMALS))
    exponent = draw(st.sampled_from([1.0, 1.0, 0.5, 2.0]))
    kind = draw(st.sampled_from(["table", "linear", "ideal"]))
    if kind == "table":
        table = tuple(draw(st.sampled_from(DECIMALS)) for _ in issue.options)
        return Preference(weight, "table", table=table, exponent=exponent)
    if kind == "linear":
        direction = draw(st.sampled_from(["increasing", "decreasing"]))
        return Preference(weight, "linear", direction=direction, exponent=exponent)
    spread = draw(st.sampled_from([None, 0.5, 1.0, 3.0]))
    peak = draw(st.sampled_from(issue.option_ids))
    return Preference(weight, "ideal", peak=peak, spread=spread, exponent=exponent)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    iss = draw(issues())
    parties = []
    for p in range(draw(st.integers(1, 3))):
        chosen = draw(st.lists(st.sampled_from(iss), unique_by=lambda i: i.id, min_size=1))
        inter = tuple(
            Interaction(
                f"t{j}", draw(base.conditions(iss)), draw(st.sampled_from([-0.3, 0.1, 0.35]))
            )
            for j in range(draw(st.integers(0, 2)))
        )
        parties.append(
            Party(
                f"p{p}",
                {i.id: draw(preferences(i)) for i in chosen},
                interactions=inter,
                red_lines=tuple(
                    draw(base.rules(iss, f"r{j}")) for j in range(draw(st.integers(0, 2)))
                ),
                utility_cap=draw(st.sampled_from([None, None, 0.6, 1.0])),
                deal_bonus=draw(st.sampled_from([0.0, 0.0, 0.3, 0.5])),
            )
        )
    constraints = tuple(draw(base.rules(iss, f"c{j}")) for j in range(draw(st.integers(0, 1))))
    return Scenario("compiled", iss, tuple(parties), constraints=constraints)


def exact_utility(party: Party, s: Scenario, named: dict[str, str]) -> float:
    """The model's definition: ``lambda + (1 - lambda) * min(cap, weighted values + bonuses)``."""
    lam = party.deal_bonus
    return lam + (1 - lam) * oracle.utility(party, s, named)


def grid(s: Scenario) -> np.ndarray:
    return np.array(list(itertools.product(*[range(len(i.options)) for i in s.issues])))


@settings(max_examples=150, deadline=None, database=None)
@given(scenarios())
def test_compiled_utilities_are_the_model_s_within_the_rounding(s: Scenario) -> None:
    cs = compile_scenario(s)
    outcomes = grid(s)
    u = evaluate_utilities(cs, outcomes)
    assert u.shape == (len(outcomes), len(s.parties))
    # each of the n + T + 1 quantised numbers of a sum (the deal bonus is one) is within half a
    # quantum of its exact value; 1e-15 covers the oracle's own float products
    tol = (cs.n_issues + len(cs.terms) + 1) * QUANTUM / 2 + 1e-15
    for o, row in zip(outcomes, u, strict=True):
        named = {i.id: i.options[k].id for i, k in zip(s.issues, o, strict=True)}
        want = [exact_utility(p, s, named) for p in s.parties]
        assert np.abs(row - want).max() <= tol, (o, row, want)
    # the rounding slack covers two such sums that are equal in exact arithmetic
    assert cs.rounding_slack >= 2 * (cs.n_issues + len(cs.terms)) * QUANTUM / 2 + QUANTUM
    assert cs.n_outcomes == len(outcomes)
    assert cs.n_parties == len(s.parties) and cs.n_issues == len(s.issues)
    # below its cap, a utility is a sum of quantised numbers: itself a multiple of the quantum
    below = u[u < cs.cap[None, :]]
    assert np.array_equal(quantise(below), below)


@settings(max_examples=100, deadline=None, database=None)
@given(scenarios(), st.data())
def test_membership_is_the_brute_force_one(s: Scenario, data: st.DataObject) -> None:
    """``crossed_rules`` and ``in_target`` against the oracle's rule checks and utilities."""
    cs = compile_scenario(s)
    outcomes = grid(s)
    rows = oracle.enumerate_rows(s)
    crossed = crossed_rules(cs, outcomes)
    assert crossed.shape == (len(outcomes), len(cs.rules))
    # one RuleRef per rule: the constraints first (owner -1), then each party's red lines
    want = [(-1, c.id, f"constraint:{c.id}") for c in s.constraints] + [
        (p, r.id, f"{party.id}:{r.id}")
        for p, party in enumerate(s.parties)
        for r in party.red_lines
    ]
    assert [(r.owner, r.id, r.label) for r in cs.rules] == want
    assert [r.is_red_line for r in cs.rules] == [o >= 0 for o, _, _ in want]
    assert cs.rule_owner.tolist() == [o for o, _, _ in want]
    for row, flags in zip(rows, crossed, strict=True):
        red = tuple(r.label for r, f in zip(cs.rules, flags, strict=True) if f and r.is_red_line)
        assert red == row.crossed
    regions = np.array(
        data.draw(st.lists(st.booleans(), min_size=len(cs.regions), max_size=len(cs.regions))),
        dtype=bool,
    )
    threshold = (
        None
        if data.draw(st.booleans())
        else np.array([data.draw(st.sampled_from([-1.0, 0.0, 0.3, 0.6])) for _ in s.parties])
    )
    got = in_target(cs, regions, threshold, outcomes)
    u = evaluate_utilities(cs, outcomes)
    for k, o in enumerate(outcomes):
        inside = any(
            on and all(m[o[i]] for i, m in zip(reg.issues, reg.masks, strict=True))
            for reg, on in zip(cs.regions, regions, strict=True)
        )
        reaches = threshold is None or bool(np.all(u[k] >= threshold))
        assert got[k] == (not inside and reaches)
    assert in_target(cs, regions, threshold, outcomes[:0]).tolist() == []


@settings(max_examples=60, deadline=None, database=None)
@given(scenarios(), st.integers(1, 3), st.data())
def test_many_weightings_at_once_are_each_compiled_alone(
    s: Scenario, count: int, data: st.DataObject
) -> None:
    """``weighted_tables`` on ``(S, P, n)`` weights is, bit for bit, the tables
    ``compile_scenario`` builds for each weighting, deal bonus included (a party without a
    preference on an issue has no values there, whatever its weight)."""
    shape = (count, len(s.parties), len(s.issues))
    weights = np.array(
        data.draw(
            st.lists(
                st.sampled_from(DECIMALS),
                min_size=count * shape[1] * shape[2],
                max_size=count * shape[1] * shape[2],
            )
        )
    ).reshape(shape)
    many = weighted_tables(s, weights)
    for j in range(count):
        parties = tuple(
            dataclasses.replace(
                party,
                preferences={
                    issue.id: dataclasses.replace(
                        party.preferences[issue.id], weight=float(weights[j, p, i])
                    )
                    for i, issue in enumerate(s.issues)
                    if issue.id in party.preferences
                },
            )
            for p, party in enumerate(s.parties)
        )
        alone = compile_scenario(dataclasses.replace(s, parties=parties))
        for table, want in zip(many, alone.values, strict=True):
            assert np.array_equal(table[j], want)


def test_numeric_positions_and_default_spread() -> None:
    """Values follow the options' numeric values, not their order; an ideal without a spread
    reaches 0 at the farthest option; an exponent applies to the value; an issue whose
    options all sit at one value is worth 1 to a linear preference."""
    issue = Issue(
        "troops", (Option("a", value=10.0), Option("b", value=0.0), Option("c", value=40.0))
    )
    assert preference_values(Preference(1.0, "linear"), issue).tolist() == [0.25, 0.0, 1.0]
    down = preference_values(Preference(1.0, "linear", direction="decreasing"), issue)
    assert down.tolist() == [0.75, 1.0, 0.0]
    ideal = preference_values(Preference(1.0, "ideal", peak="a"), issue)
    assert ideal.tolist() == [1.0, 1 - 10 / 30, 0.0]
    squared = preference_values(Preference(1.0, "linear", exponent=2.0), issue)
    assert squared.tolist() == [0.0625, 0.0, 1.0]
    flat = Issue("flat", (Option("a", value=5.0), Option("b", value=5.0)))
    for direction in ("increasing", "decreasing"):
        pref = Preference(1.0, "linear", direction=direction)
        assert preference_values(pref, flat).tolist() == [1.0, 1.0]
    assert preference_values(Preference(1.0, "ideal", peak="a"), flat).tolist() == [1.0, 1.0]
    values = preference_values(Preference(1.0, "linear"), issue)
    assert not values.flags.writeable  # cached and shared: nobody may change it


def test_a_deal_bonus_lifts_the_cap_with_the_utility() -> None:
    """With ``lambda = 0.5`` and a cap of 0.6, a package worth 1 is worth
    ``0.5 + 0.5 * min(1, 0.6) = 0.8``; ``as_compiled`` passes a compiled scenario through."""
    issue = Issue("x", (Option("a"), Option("b")))
    party = Party("p", {"x": Preference(1.0, "linear")}, utility_cap=0.6, deal_bonus=0.5)
    other = Party("q", {"x": Preference(1.0, "linear")})
    cs = compile_scenario(Scenario("cap", (issue,), (party, other)))
    assert cs.cap.tolist() == [0.8, np.inf]
    assert evaluate_utilities(cs, np.array([[0], [1]])).tolist() == [[0.5, 0.0], [0.8, 1.0]]
    assert as_compiled(cs) is cs


def test_an_empty_list_of_outcomes_has_empty_answers() -> None:
    """An empty set of outcomes (an empty frontier, say), given as a plain list, has no
    utilities, crosses nothing and is in no target: arrays of shape ``(0, ...)``, no error."""
    issue = Issue("x", (Option("a"), Option("b")))
    plain = compile_scenario(Scenario("plain", (issue,), (Party("p", {}), Party("q", {}))))
    assert plain.rule_owner[plain.region_rule].shape == (0,)  # an index array, even empty
    no_b = Rule("no_b", "not", issue="x", options=("b",))
    party = Party("p", {"x": Preference(1.0, "linear")}, red_lines=(no_b,))
    s = Scenario("empty", (issue,), (party, Party("q", {"x": Preference(1.0, "linear")})))
    cs = compile_scenario(s)
    assert evaluate_utilities(cs, []).shape == (0, 2)
    assert crossed_rules(cs, []).shape == (0, 1)
    assert in_target(cs, np.ones(1, dtype=bool), np.zeros(2), []).shape == (0,)


def test_preference_weights_are_float_with_zero_where_a_party_has_no_preference() -> None:
    """``(P, n)`` float64 as documented, even when every weight is written as an integer."""
    from simulator.compiled import preference_weights

    issues = (Issue("x", (Option("a"), Option("b"))), Issue("y", (Option("c"),)))
    p = Party("p", {"x": Preference(2, "linear"), "y": Preference(1, "linear")})
    q = Party("q", {"x": Preference(0, "linear"), "y": Preference(3, "linear")})
    w = preference_weights(Scenario("w", issues, (p, q)))
    assert w.dtype == np.float64 and w.tolist() == [[2.0, 1.0], [0.0, 3.0]]
    # integer reservations and powers: float arrays all the same, so a float can be stored in them
    whole = tuple(dataclasses.replace(x, reservation=0, bargaining_power=2) for x in (p, q))
    cs = compile_scenario(Scenario("w", issues, whole))
    assert cs.reservation.dtype == cs.power.dtype == np.float64
    r = Party("r", {"y": Preference(0.5, "linear")})
    assert preference_weights(Scenario("w", issues, (p, r))).tolist() == [[2.0, 1.0], [0.0, 0.5]]
