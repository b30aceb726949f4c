"""Ratification probabilities and expected-utility packages against brute force.

The oracle enumerates every outcome with ``tests/oracle.py`` and every joint outcome of the
independent ratifier votes (2^T of them) in exact fractions; nothing here reads the code under
test's partition into cells or its dynamic programme.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable
from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.analysis.ratification import party_ratification, pass_probability, ratification
from simulator.analysis.ratified_solve import expected_solve, ratification_cells, with_ratification
from simulator.formats import load_scenario
from simulator.model import Ratification, Scenario
from simulator.solver import SOLUTIONS, solve
from tests import oracle
from tests.strategies import conditions, scenarios

PROBABILITIES = [Fraction(k, 4) for k in range(5)]


@st.composite
def ratified_scenarios(draw: st.DrawFn, agreement: bool = False, min_terms: int = 0) -> Scenario:
    """A random small scenario whose parties carry up to 2 terms each, every term its own
    ratifier."""
    s = draw(scenarios(max_issues=3, max_options=3, max_parties=3, agreement=agreement))
    parties = []
    for party in s.parties:
        terms = tuple(
            Ratification(
                f"v{j}",
                draw(conditions(s.issues)),
                float(draw(st.sampled_from(PROBABILITIES))),
            )
            for j in range(draw(st.integers(min_terms, 2)))
        )
        parties.append(dataclasses.replace(party, ratification=terms))
    return dataclasses.replace(s, parties=tuple(parties))


def oracle_pass(
    s: Scenario,
    named: dict[str, str],
    accepts: list[bool],
    q: Callable[[Ratification], float] = lambda t: t.probability,
) -> Fraction:
    """P(the rule is met by the parties that accept and whose every matching vote approves),
    over all 2^T joint votes, each term approving with probability ``q(term)``."""
    terms = [(p, t) for p, party in enumerate(s.parties) for t in party.ratification]
    n = len(s.parties)
    quorum = n if s.agreement is None else s.agreement.quorum_of(n)
    veto = () if s.agreement is None else s.agreement.veto
    total = Fraction(0)
    for votes in itertools.product([True, False], repeat=len(terms)):
        weight = math.prod(
            (Fraction(q(t)) if v else 1 - Fraction(q(t)))
            for (_, t), v in zip(terms, votes, strict=True)
        )
        yes = [
            accepts[p]
            and all(
                v
                for (q, t), v in zip(terms, votes, strict=True)
                if q == p and oracle.holds(t.when, named)
            )
            for p in range(n)
        ]
        met = sum(yes) >= quorum and all(
            y for y, party in zip(yes, s.parties, strict=True) if party.id in veto
        )
        total += weight if met else 0
    return total


@settings(max_examples=60, deadline=None)
@given(ratified_scenarios(agreement=True), st.data())
def test_pass_probability_matches_enumerating_the_votes(s: Scenario, data: st.DataObject) -> None:
    rows = oracle.enumerate_rows(s)
    row = rows[data.draw(st.integers(0, len(rows) - 1))]
    accepts = data.draw(st.lists(st.booleans(), min_size=len(s.parties), max_size=len(s.parties)))
    rho = party_ratification(s, row.outcome)
    assert pass_probability(s, rho, accepts) == oracle_pass(s, row.named, accepts)
    assert pass_probability(s, rho) == oracle_pass(s, row.named, [True] * len(s.parties))


@settings(max_examples=40, deadline=None)
@given(ratified_scenarios(agreement=True, min_terms=1), st.data())
def test_the_range_is_exact_at_the_ends_and_brackets_every_draw(
    s: Scenario, data: st.DataObject
) -> None:
    """Terms get ranges around their probability; the reported bounds equal the oracle at the
    low and high ends, and a probability drawn inside every range stays between them."""
    from simulator.analysis.ratification import package_ratification
    from simulator.model import Uncertainty
    from simulator.results import Point

    parties = []
    for party in s.parties:
        terms = []
        for t in party.ratification:
            low = data.draw(st.sampled_from([x for x in PROBABILITIES if x <= t.probability]))
            high = data.draw(st.sampled_from([x for x in PROBABILITIES if x >= t.probability]))
            terms.append(
                dataclasses.replace(t, probability_range=Uncertainty(float(low), float(high)))
            )
        parties.append(dataclasses.replace(party, ratification=tuple(terms)))
    s = dataclasses.replace(s, parties=tuple(parties))
    rows = oracle.enumerate_rows(s)
    row = rows[data.draw(st.integers(0, len(rows) - 1))]
    point = Point(row.outcome, row.u, row.index)
    pkg = package_ratification(s, point, np.zeros(len(s.parties)), "x", "x")
    everyone = [True] * len(s.parties)
    low = oracle_pass(s, row.named, everyone, lambda t: t.probability_range.low)  # type: ignore[union-attr]
    high = oracle_pass(s, row.named, everyone, lambda t: t.probability_range.high)  # type: ignore[union-attr]
    assert pkg.ratified_range == (low, high)
    mid = oracle_pass(
        s,
        row.named,
        everyone,
        lambda t: (t.probability_range.low + t.probability_range.high) / 2,  # type: ignore[union-attr]
    )
    assert low <= mid <= high and low <= pkg.ratified <= high


def expected_oracle(s: Scenario) -> dict[str, tuple[float, ...] | None]:
    """Each solution's expected utilities, chosen by brute force over the zone's outcomes."""
    nominal = oracle.solve_oracle(s)
    d0 = [p.reservation for p in s.parties]
    d = oracle.rule_disagreement(s, d0, nominal.frontiers["zopa"])
    beta = [p.bargaining_power for p in s.parties]
    rows = []
    for r in nominal.zopa:
        p = float(oracle_pass(s, r.named, [True] * len(s.parties)))
        eu = tuple(di + p * (u - di) for u, di in zip(r.u, d, strict=True))
        rows.append(dataclasses.replace(r, u=eu))
    front = oracle.frontier(rows)
    out = {}
    for name in SOLUTIONS:
        best = oracle.best(front, name, d, beta)
        out[name] = None if best is None else best.u
    return out


@settings(max_examples=100, deadline=None)
@given(st.one_of(ratified_scenarios(min_terms=1), ratified_scenarios(agreement=True, min_terms=1)))
def test_expected_packages_match_brute_force(s: Scenario) -> None:
    found = expected_solve(solve(s))
    want = expected_oracle(s)
    got = {p.name: p.expected for p in found.packages if p.name in SOLUTIONS}
    for name in SOLUTIONS:
        if want[name] is None:
            assert name not in got
        else:
            assert np.allclose(got[name], want[name], atol=1e-9), name


@settings(max_examples=30, deadline=None)
@given(ratified_scenarios())
def test_every_package_ratified_gives_the_nominal_packages(s: Scenario) -> None:
    sure = dataclasses.replace(
        s,
        parties=tuple(
            dataclasses.replace(
                p,
                ratification=tuple(dataclasses.replace(t, probability=1.0) for t in p.ratification),
            )
            for p in s.parties
        ),
    )
    nominal = solve(sure)
    chosen = with_ratification(nominal, "expected").solutions
    for name, point in nominal.solutions.items():
        other = chosen[name]
        assert (point is None) == (other is None)
        if point is not None and other is not None:
            assert point.utilities == other.utilities


def test_without_terms_nominal_mode_leaves_the_result_as_it_was() -> None:
    result = solve(load_scenario("scenarios/textbook_car.yaml"))
    assert with_ratification(result, "nominal") is result
    assert "ratification" not in result.to_dict()


def car_with_a_vote(probability: float) -> Scenario:
    """The car deal where the dealer's board must approve any three-year warranty."""
    s = load_scenario("scenarios/textbook_car.yaml")
    dealer = s.party("dealer")
    from simulator.model import Condition

    vote = Ratification(
        "board", Condition.of({"warranty": ["three_years"]}), probability, ratifier="board"
    )
    parties = tuple(
        dataclasses.replace(p, ratification=(vote,)) if p is dealer else p for p in s.parties
    )
    return dataclasses.replace(s, parties=parties)


def test_a_risky_vote_moves_the_nash_package_away_from_it() -> None:
    s = car_with_a_vote(0.25)
    nominal = solve(s)
    assert nominal.solutions["nash"] is not None
    assert s.issues[1].option_ids[nominal.solutions["nash"].outcome[1]] == "three_years"
    found = with_ratification(nominal, "expected")
    nash = found.solutions["nash"]
    assert nash is not None and s.issues[1].option_ids[nash.outcome[1]] != "three_years"
    assert found.to_dict()["ratification"]["mode"] == "expected"
    assert ratification_cells(s) == [
        {"warranty": ("none", "one_year")},
        {"warranty": ("three_years",)},
    ]
    # the result and its JSON say over how many cells the expected solve ran
    assert found.ratification.cells == 2 and found.to_dict()["ratification"]["cells"] == 2


def test_nominal_report_gives_each_package_its_probability_and_expected_utility() -> None:
    s = car_with_a_vote(0.25)
    r = ratification(solve(s))
    nash = next(p for p in r.packages if p.name == "nash")
    assert nash.ratified == Fraction(1, 4) and nash.stands == Fraction(1, 4)
    d = [p.reservation for p in s.parties]
    assert nash.expected == tuple(
        0.25 * u + 0.75 * x for u, x in zip(nash.point.utilities, d, strict=True)
    )


def test_evaluate_reports_each_proposal_and_rechooses_partial_completions() -> None:
    """A complete proposal's probability is the product of its matching terms; a partial one's
    expected Nash completion is the expected solve of the scenario restricted to it."""
    from simulator.analysis.ratified_solve import proposal_ratification
    from simulator.evaluate import evaluate_proposals
    from simulator.model import Proposal
    from simulator.outcome_space import restrict_to_proposal

    s = car_with_a_vote(0.25)
    open_offer = Proposal("open", {"delivery": ("fast",)})
    s = dataclasses.replace(s, proposals=(*s.proposals, open_offer))
    evaluations = evaluate_proposals(s)
    risk, updated = proposal_ratification(s, evaluations, "expected")
    by_name = {p.name: p for p in risk.packages}
    for e in evaluations:
        if e.complete:
            warranty = e.proposal.options["warranty"][0]
            assert by_name[e.proposal.id].ratified == (
                Fraction(0.25) if warranty == "three_years" else 1
            )
    want = expected_solve(solve(restrict_to_proposal(s, open_offer)))
    nash = next(p for p in want.packages if p.name == "nash")
    (after,) = [e for e in updated if e.proposal.id == "open"]
    assert after.nash_completion is not None
    assert after.nash_completion.outcome == nash.point.outcome
    (before,) = [e for e in evaluations if e.proposal.id == "open"]
    assert before.nash_completion is not None  # the nominal choice differs: a three-year warranty
    assert before.nash_completion.outcome != nash.point.outcome
    assert by_name["open"].expected == nash.expected


def test_the_explorer_answers_what_the_command_prints(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``View.solve_json`` is ``bargain solve --json`` (less ``seconds``), ratification included."""
    import json
    import subprocess
    import sys

    from simulator.explorer.session import Explorer
    from simulator.formats.yaml_writer import dump_scenario_yaml

    path = tmp_path / "vote.yaml"
    path.write_text(dump_scenario_yaml(car_with_a_vote(0.25)), encoding="utf-8")
    view = Explorer(load_scenario(path), str(path)).view([])
    printed = subprocess.run(
        [sys.executable, "-m", "simulator", "solve", str(path), "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    want = json.loads(printed)
    want.pop("seconds")
    assert view.solve_json() == want and "ratification" in want


@settings(max_examples=40, deadline=None)
@given(ratified_scenarios(min_terms=1), st.data())
def test_completion_range_matches_every_completion(s: Scenario, data: st.DataObject) -> None:
    """The least and largest P(ratified) over a partial proposal's consistent completions, against
    every completion enumerated."""
    from simulator.analysis.ratified_solve import completion_range
    from simulator.model import Proposal

    options = {}
    for issue in s.issues:
        if data.draw(st.booleans()):
            chosen = data.draw(st.lists(st.sampled_from(issue.option_ids), min_size=1, unique=True))
            options[issue.id] = tuple(chosen)
    proposal = Proposal("p", options)
    everyone = [True] * len(s.parties)
    found = [
        oracle_pass(s, r.named, everyone)
        for r in oracle.enumerate_rows(s)
        if r.consistent and all(r.named[i] in opts for i, opts in options.items())
    ]
    want = (min(found), max(found)) if found else None
    assert completion_range(s, proposal) == want


def test_who_accepts_each_car_package_at_the_table() -> None:
    """``accepts`` of every package of the car deal against the oracle: a party accepts when it
    gets its reservation and none of its own red lines is crossed (both reasons occur)."""
    from simulator.analysis.ratification import package_ratification
    from simulator.results import Point

    s = car_with_a_vote(0.5)
    d = np.array([p.reservation for p in s.parties])
    reasons = set()
    for row in oracle.enumerate_rows(s):
        point = Point(row.outcome, row.u, row.index)
        found = package_ratification(s, point, d, "x", "x").accepts
        for k, party in enumerate(s.parties):
            own = any(c.startswith(f"{party.id}:") for c in row.crossed)
            assert found[k] == (row.u[k] >= d[k] and not own)
            reasons.add((row.u[k] >= d[k], own))
    assert {(True, True), (False, False)} <= reasons
