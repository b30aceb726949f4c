"""The vectorised solver against the brute-force oracle on random small scenarios."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.compiled import compile_scenario, crossed_rules, evaluate_utilities
from simulator.solver import search as search_mod
from simulator.solver import solve
from tests import oracle
from tests.kwdefaults import set_keyword_defaults
from tests.strategies import scenarios

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _vectors(rows: list[oracle.Row]) -> list[tuple[tuple[int, ...], tuple[float, ...]]]:
    return sorted((r.outcome, r.u) for r in rows)


def _check(scenario, frontier="zopa"):
    result = solve(scenario, frontier=frontier)
    ref = oracle.solve_oracle(scenario)
    assert result.counts.to_dict() == ref.counts
    got = sorted(
        (tuple(int(k) for k in o), tuple(float(x) for x in u))
        for o, u in zip(result.frontier.outcomes, result.frontier.utilities, strict=True)
    )
    assert got == _vectors(ref.frontiers[frontier])
    assert result.frontier.size == len(ref.frontiers[frontier])
    zgot = sorted(tuple(int(k) for k in o) for o in result.zopa_frontier.outcomes)
    assert zgot == sorted(r.outcome for r in ref.frontiers["zopa"])
    for name, pt in result.solutions.items():
        want = ref.solutions[name]
        if want is None:
            assert pt is None, name
        else:
            assert pt is not None, name
            assert pt.outcome == want.outcome, name
            assert pt.utilities == want.u, name
    if ref.closest is None:
        assert result.closest is None
    else:
        assert result.closest is not None
        c = result.closest
        assert max(c.shortfall) == ref.closest_shortfall
        assert len(c.crossed) == ref.closest_crossed
        assert c.point.outcome == ref.closest.outcome
    return result


@settings(SETTINGS, max_examples=50)
@given(scenarios(), st.sampled_from(["all", "feasible", "zopa"]))
def test_solver_matches_oracle(scenario, frontier):
    """At the production sizes these scenarios fit in one inner block: the leaf path."""
    _check(scenario, frontier)


@settings(SETTINGS, max_examples=100)
@given(scenarios(), st.sampled_from(["all", "feasible", "zopa"]))
def test_solver_matches_oracle_when_it_branches(monkeypatch_blocks, scenario, frontier):
    """The same default scenarios with blocks of two outcomes, so that the branch and bound
    branches on every one of more than two outcomes (checked: the plan has outer levels)."""
    cs = compile_scenario(scenario)
    tracked = np.ones(len(cs.regions), dtype=bool)
    plan = search_mod.make_plan(cs, tracked)
    if plan.remaining[0] > 2:
        assert plan.n_outer >= 1 and plan.block_size <= 2
    _check(scenario, frontier)


@SETTINGS
@given(scenarios(max_issues=5, max_options=4))
def test_solver_matches_oracle_with_tiny_blocks(monkeypatch_blocks, scenario):
    """Force many outer levels, tiny leaves and batches so the branch and bound really branches."""
    _check(scenario, "feasible")


@pytest.fixture
def monkeypatch_blocks(monkeypatch):
    monkeypatch.setattr(search_mod, "INNER_BLOCK", 2)
    monkeypatch.setattr(search_mod, "LEAF_OUTCOMES", 4)
    monkeypatch.setattr(search_mod, "BATCH_NODES", 3)
    monkeypatch.setattr(search_mod, "INNER_FRONT_MIN_NODES", 0)
    set_keyword_defaults(monkeypatch, search_mod, "make_plan", inner_block=2)
    yield


@SETTINGS
@given(scenarios(max_issues=3, max_options=3))
def test_whole_table_evaluation_matches_oracle(scenario):
    cs = compile_scenario(scenario)
    rows = oracle.enumerate_rows(scenario)
    outcomes = np.array([r.outcome for r in rows])
    u = evaluate_utilities(cs, outcomes)
    assert [tuple(x) for x in u.tolist()] == [r.u for r in rows]
    crossed = crossed_rules(cs, outcomes)
    labels = [r.label for r in cs.rules]
    for row, flags in zip(rows, crossed, strict=True):
        red = tuple(
            lbl for lbl, f, ref in zip(labels, flags, cs.rules, strict=True) if f and ref.owner >= 0
        )
        assert red == row.crossed
        assert row.consistent == (
            not any(f for f, ref in zip(flags, cs.rules, strict=True) if ref.owner < 0)
        )


@SETTINGS
@given(scenarios(max_issues=4, max_options=4))
def test_worst_case_disagreement_matches_the_whole_table(scenario):
    """``disagreement="worst"``: the closed form (additive scenarios) and the search (with
    interaction terms) both give ``max(reservation, min over every outcome)``, bit for bit."""
    import itertools
    import sys

    solve_mod = sys.modules["simulator.solver.solve"]
    cs = compile_scenario(scenario)
    outcomes = np.array(list(itertools.product(*[range(k) for k in cs.sizes])))
    want = np.maximum(cs.reservation, evaluate_utilities(cs, outcomes).min(axis=0))
    assert solve_mod.disagreement_point(cs, "worst").tolist() == want.tolist()
    visitor = sys.modules["simulator.solver.visitors"].ExtremesVisitor(cs.n_parties)
    search_mod.run_search(search_mod.make_plan(cs, solve_mod.rule_regions(cs, "none")), visitor)
    assert np.maximum(cs.reservation, visitor.low).tolist() == want.tolist()
