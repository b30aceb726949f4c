"""Counts and bargaining solutions without the frontier (``solve(frontier="none")``,
:mod:`simulator.solver.optimum_search`) against the frontier path and the brute-force oracle:
the same counts and the same packages, tie-breaks included, also with tiny blocks so that the
bounds prune at every depth, and on a relaxed December Ukraine zone."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from simulator.analysis.edits.text import apply_edits
from simulator.compiled import compile_scenario
from simulator.errors import ScenarioError
from simulator.formats import load_scenario, loads_scenario_yaml
from simulator.model import Scenario
from simulator.solver import (
    SOLUTIONS,
    make_plan,
    optimum_point,
    rule_regions,
    solve,
    zone_ideal,
)
from simulator.solver.optimum_search import _hyperplane
from tests import oracle
from tests.kwdefaults import set_keyword_defaults
from tests.solver.test_solve_oracle import monkeypatch_blocks  # noqa: F401 (fixture)
from tests.strategies import agreements, scenarios

SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ROOT = Path(__file__).resolve().parents[2]

#: Two parties tied on every criterion: the tie-break (normalised sum, then index) decides.
TIES = """
name: ties
issues:
  - {id: a, options: [x, y, z]}
  - {id: b, options: [x, y]}
parties:
  - id: p
    preferences:
      a: {weight: 0.5, table: {x: 0.5, y: 0.25, z: 0.75}}
      b: {weight: 0.5, table: {x: 0.25, y: 0.5}}
  - id: q
    preferences:
      a: {weight: 0.5, table: {x: 0.5, y: 0.75, z: 0.25}}
      b: {weight: 0.5, table: {x: 0.5, y: 0.25}}
"""


def relaxed_december() -> Scenario:
    """December with Ukraine's Donbas and Russia's NATO lines dropped: 2.7 million packages."""
    edits = ["ukraine drops redline donbas_withdrawal_at_most_1"]
    edits.append("russia drops redline nato_at_least_3")
    return apply_edits(load_scenario(ROOT / "scenarios" / "ukraine_2025-12.yaml"), edits)


def _outcomes(solutions) -> dict[str, tuple[int, ...] | None]:
    return {n: None if p is None else tuple(p.outcome) for n, p in solutions.items()}


def _check(scenario: Scenario) -> None:
    fast = solve(scenario, frontier="none")
    full = solve(scenario)
    want = oracle.solve_oracle(scenario)
    assert fast.counts == full.counts
    assert fast.counts.zopa == want.counts["zopa"]
    got = _outcomes(fast.solutions)
    assert got == _outcomes(full.solutions)
    for name in SOLUTIONS:
        row = want.solutions[name]
        assert got[name] == (None if row is None else row.outcome), name
        if row is not None:
            assert fast.solutions[name].utilities == tuple(float(x) for x in row.u)
    assert fast.frontier.scope == fast.zopa_frontier.scope == "none"
    assert fast.stats.frontier_outcomes == "not computed"
    assert fast.to_dict()["frontier"] is None
    assert (fast.closest is None) == (full.closest is None)


@SETTINGS
@given(scenarios(max_issues=4, max_options=4, min_parties=3, max_parties=4))
@example(loads_scenario_yaml(TIES))
def test_counts_and_solutions_match_the_frontier_and_the_oracle(scenario: Scenario) -> None:
    _check(scenario)


@SETTINGS
@given(scenarios(max_issues=5, max_options=4, min_parties=2, max_parties=4))
def test_with_tiny_blocks(monkeypatch_blocks, scenario: Scenario) -> None:  # noqa: F811
    _check(scenario)


def test_each_optimum_with_a_tiny_inner_block() -> None:
    scenario = relaxed_december()
    cs = compile_scenario(scenario)
    regions = rule_regions(cs, "all")
    ideal = zone_ideal(cs, regions, cs.reservation)
    full = solve(cs).solutions
    plan = make_plan(cs, regions, inner_block=64)
    for name in SOLUTIONS:
        found = optimum_point(cs, regions, cs.reservation, name, ideal, plan=plan)
        assert found is not None and full[name] is not None
        assert (found.outcome, found.utilities) == (full[name].outcome, full[name].utilities)


def test_a_relaxed_december_zone() -> None:
    """Four parties, a zone of 2.7 million packages (Ukraine's Donbas and Russia's NATO lines
    dropped): the same counts and packages as the frontier path."""
    scenario = relaxed_december()
    fast, full = solve(scenario, frontier="none"), solve(scenario)
    assert fast.counts == full.counts and fast.counts.zopa > 10**6
    assert _outcomes(fast.solutions) == _outcomes(full.solutions)
    for name in SOLUTIONS:
        assert np.array_equal(fast.solutions[name].utilities, full.solutions[name].utilities)


def test_not_under_a_decision_rule() -> None:
    from hypothesis import find

    scenario = find(scenarios(agreement=True), lambda s: s.agreement is not None)
    assert agreements is not None
    with pytest.raises(ScenarioError, match="decision rule"):
        solve(scenario, frontier="none")


def test_empty_zone_gives_the_closest_outcome() -> None:
    december = load_scenario(ROOT / "scenarios" / "ukraine_2025-12.yaml")
    fast, full = solve(december, frontier="none"), solve(december)
    assert fast.counts == full.counts and fast.counts.zopa == 0
    assert all(p is None for p in fast.solutions.values())
    assert fast.closest is not None and full.closest is not None
    assert fast.closest.point.outcome == full.closest.point.outcome


@pytest.fixture
def bitsets_at_once(monkeypatch):
    """Count by the inner block's bitsets from the first leaf (not after 2^26 outcomes)."""
    from simulator.solver import reach_count

    monkeypatch.setattr(reach_count, "BITSET_AFTER", 0)
    yield


@SETTINGS
@given(scenarios(max_issues=5, max_options=4, min_parties=2, max_parties=4))
def test_bitset_counts_match_the_oracle(bitsets_at_once, scenario: Scenario) -> None:
    from simulator.solver import count_outcomes, zopa_threshold

    cs = compile_scenario(scenario)
    want = oracle.solve_oracle(scenario).counts
    threshold = zopa_threshold(cs, cs.reservation)
    assert count_outcomes(cs, rule_regions(cs, "all"), threshold) == want["zopa"]
    plan = make_plan(cs, rule_regions(cs, "all"), inner_block=4)
    from simulator.solver import run_search
    from simulator.solver.visitors import ZoneVisitor

    visitor = ZoneVisitor(cs, threshold, count=True, frontier=False)
    run_search(plan, visitor, batch_nodes=3)
    assert visitor.count == want["zopa"]


#: The outer issue ``o`` decides the red line inside the block (``a``, ``b``): below ``o = x`` the
#: inner package both prefer is out, and the frontier is made of inner packages it dominates.
INSIDE = """
name: inside
issues:
  - {id: o, options: [x, y]}
  - {id: a, options: [lo, mid, hi]}
  - {id: b, options: [lo, mid, hi]}
parties:
  - id: p
    preferences:
      o: {weight: 0.5, table: {x: 1, y: 0}}
      a: {weight: 0.25, table: {lo: 0, mid: 0.5, hi: 1}}
      b: {weight: 0.25, table: {lo: 1, mid: 0.25, hi: 0.75}}
    red_lines:
      - {id: not_both_high, exclude: {o: [x], a: [hi], b: [hi]}}
  - id: q
    preferences:
      o: {weight: 0.5, table: {x: 1, y: 0}}
      a: {weight: 0.25, table: {lo: 0.25, mid: 0.5, hi: 1}}
      b: {weight: 0.25, table: {lo: 0, mid: 0.5, hi: 1}}
"""


@pytest.fixture
def middle_blocks(monkeypatch):
    """Inner blocks of a few issues, so that rules look inside them and several nodes share
    them: the frontier pass filters candidates by the inner front of each pattern of regions."""
    from simulator.solver import search as search_mod

    monkeypatch.setattr(search_mod, "INNER_BLOCK", 12)
    set_keyword_defaults(monkeypatch, search_mod, "make_plan", inner_block=12)
    yield


@settings(SETTINGS, max_examples=300)
@given(scenarios(max_issues=5, max_options=3, min_parties=2, max_parties=3))
@example(loads_scenario_yaml(INSIDE))
def test_frontiers_with_regions_inside_the_block(middle_blocks, scenario: Scenario) -> None:
    want = oracle.solve_oracle(scenario)
    for scope in ("feasible", "zopa"):
        got = solve(scenario, frontier=scope)
        assert sorted(tuple(int(k) for k in o) for o in got.frontier.outcomes) == sorted(
            r.outcome for r in want.frontiers[scope]
        )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    scenarios(max_issues=4, max_options=3, min_parties=2, max_parties=3),
    st.lists(st.sampled_from([0.0, 0.25, 0.5, 1.0, 3.0]), min_size=3, max_size=3),
    st.floats(-2, 2),
)
def test_a_cut_bounds_the_weighted_sum_of_the_positions_left(
    scenario: Scenario, weights: list[float], need: float
) -> None:
    """``_hyperplane``'s ``rest[l]`` is the largest ``w . u`` the positions from ``l`` on can add
    (brute force over their allowed options, terms aside): a bound any smaller prunes packages
    that meet the cut; ``need`` is lowered only by the rounding margin."""
    cs = compile_scenario(scenario)
    plan = make_plan(cs, rule_regions(cs, "all"))
    assume(not plan.empty)  # an issue with no allowed option: nothing to bound
    w = np.array(weights[: cs.n_parties])
    same, rest, term, lowered = _hyperplane(plan, w, need)
    assert same is w and len(rest) == len(plan.order) + 1
    for pos in range(len(plan.order) + 1):
        issues = plan.order[pos:]
        choices = [[int(j) for j in plan.allowed[i]] for i in issues]
        sums = [
            sum(float(w @ cs.values[i][:, j]) for i, j in zip(issues, pick, strict=True))
            for pick in itertools.product(*choices)
        ]
        assert rest[pos] == pytest.approx(max(sums, default=0.0), abs=1e-12)
    assert np.allclose(term, cs.term_bonus @ w, rtol=0, atol=1e-15)
    assert need - 1e-8 * (1 + abs(need)) <= lowered < need
