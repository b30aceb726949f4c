"""The closest package and the scale-invariant solutions do not depend on a party's utility scale
(issue 16, item 2), and the utility ranges they are normalised by are exact."""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from simulator.compiled import compile_scenario, crossed_rules, evaluate_utilities
from simulator.formats.yaml_reader import loads_scenario_yaml
from simulator.formats.yaml_writer import dump_scenario_yaml
from simulator.model import Condition, Interaction, Preference, Scenario
from simulator.outcome_space import outcome_grid
from simulator.solver import SOLUTIONS, rule_regions, solve, utility_ranges
from tests.strategies import scenarios

SCALE_FREE = [n for n, c in SOLUTIONS.items() if "scale_invariance" in c.axioms]


@settings(max_examples=60, deadline=None, database=None)
@given(scenarios(max_issues=4, max_options=4, max_parties=3))
def test_utility_ranges_are_the_enumerated_extremes(s: Scenario) -> None:
    cs = compile_scenario(s)
    grid = outcome_grid(cs.sizes)
    u = evaluate_utilities(cs, grid)
    regions = rule_regions(cs, "consistency")
    constraints = [r for r, rule in enumerate(cs.rules) if rule.owner < 0]
    ok = ~crossed_rules(cs, grid)[:, constraints].any(axis=1)
    got, exact = utility_ranges(cs, regions)
    assert exact
    if not ok.any():
        assert np.isnan(got).all()
        return
    assert got[:, 0].tolist() == u[ok].min(axis=0).tolist()
    assert got[:, 1].tolist() == u[ok].max(axis=0).tolist()


def rescaled(s: Scenario, p: int, a: float, b: float) -> Scenario:
    """Party ``p``'s utility as ``a u + b``: weights, bonuses and cap times ``a``, a bonus ``b``
    that every package earns, reservation ``a d + b``; written as YAML with
    ``normalize_weights: false`` and read back, as an analyst would write it."""
    party = s.parties[p]
    first = s.issues[0]
    everywhere = Condition(((first.id, first.option_ids),))
    prefs = {k: dataclasses.replace(v, weight=v.weight * a) for k, v in party.preferences.items()}
    if not prefs:  # a party that values nothing: give it a weight-0 preference to scale
        prefs = {first.id: Preference(0.0)}
    terms = tuple(dataclasses.replace(t, bonus=t.bonus * a) for t in party.interactions)
    party = dataclasses.replace(
        party,
        preferences=prefs,
        interactions=(*terms, Interaction("shift_by_b", everywhere, b)),
        reservation=party.reservation * a + b,
        utility_cap=None if party.utility_cap is None else party.utility_cap * a + b,
    )
    parties = tuple(party if i == p else q for i, q in enumerate(s.parties))
    return loads_scenario_yaml(dump_scenario_yaml(dataclasses.replace(s, parties=parties)))


@settings(max_examples=80, deadline=None, database=None)
@given(
    scenarios(max_issues=4, max_options=3, max_parties=3),
    st.data(),
    st.sampled_from([0.25, 0.5, 2.0, 4.0]),
    st.sampled_from([-0.5, -0.25, 0.0, 0.25, 0.5]),
)
def test_affine_rescaling_leaves_the_packages_unchanged(
    s: Scenario, data: st.DataObject, a: float, b: float
) -> None:
    """Powers of two keep ``a u + b`` exact in floating point, so equal keys stay equal bit for bit
    (the invariance itself holds for any ``a > 0``; see :mod:`simulator.solver.closest`)."""
    p = data.draw(st.integers(0, len(s.parties) - 1))
    cap = s.parties[p].utility_cap
    assume(cap is None or cap * a + b >= 0)  # a cap is a utility >= 0
    before, after = solve(s), solve(rescaled(s, p, a, b))
    assert before.counts.to_dict() == after.counts.to_dict()
    if before.closest is None:
        assert after.closest is None
    else:
        assert after.closest is not None
        assert after.closest.point.outcome == before.closest.point.outcome
        assert after.closest.crossed == before.closest.crossed
    for name in SCALE_FREE:
        x, y = before.solutions.get(name), after.solutions.get(name)
        assert (x is None) == (y is None), name
        if x is not None and y is not None:
            assert y.outcome == x.outcome, name


def test_a_nash_tie_is_broken_the_same_way_at_any_scale() -> None:
    """Two packages with equal Nash products, (1, 1/4) and (1/2, 1/2): the raw utilitarian sum
    prefers the first, and after the second party's utility is multiplied by 4 the second; the
    normalised gains tie-break keeps one package whatever the scale."""
    from simulator.model import Issue, Option, Party

    issue = Issue("x", (Option("a"), Option("b")))

    def party(pid: str, table: tuple[float, float]) -> Party:
        return Party(pid, {"x": Preference(1.0, "table", table=table)})

    s = Scenario("tie", issues=(issue,), parties=(party("p", (1.0, 0.5)), party("q", (0.25, 0.5))))
    for name in SCALE_FREE:
        base = solve(s).solutions[name]
        assert base is not None
        for a in (0.25, 4.0):
            got = solve(rescaled(s, 1, a, 0.0)).solutions[name]
            assert got is not None and got.outcome == base.outcome, (name, a)
