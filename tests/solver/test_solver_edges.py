"""Solver helpers no oracle test reached: a search with nothing left open for the count's
estimate, the budgeted counting visitor and the integer programme's optima against brute force,
and the extremes visitor's pruning with tiny blocks against the whole table."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from simulator import load_scenario
from simulator.compiled import compile_scenario
from simulator.solver import BudgetedCount, make_plan, rule_regions, run_search, zopa_threshold
from simulator.solver.budget import OverBudget
from simulator.solver.estimate import estimate_open
from tests import oracle
from tests.analysis.conftest import ROOT
from tests.solver.test_solve_oracle import monkeypatch_blocks  # noqa: F401 (fixture)
from tests.strategies import scenarios

CAR = ROOT / "scenarios" / "textbook_car.yaml"


def test_nothing_open_is_an_exact_estimate_of_what_was_found() -> None:
    cs = compile_scenario(load_scenario(CAR))
    plan = make_plan(cs, rule_regions(cs, "all"))
    e = estimate_open(plan, [], zopa_threshold(cs, cs.reservation), 7)
    assert (e.value, e.low, e.high, e.samples) == (7.0, 7.0, 7.0, 0)


def test_a_budgeted_count_is_the_zopa_or_stops_at_its_budget() -> None:
    s = load_scenario(CAR)
    cs = compile_scenario(s)
    plan = make_plan(cs, rule_regions(cs, "all"))
    visitor = BudgetedCount(cs, zopa_threshold(cs, cs.reservation), budget=10**6)
    run_search(plan, visitor)
    assert visitor.count == oracle.solve_oracle(s).counts["zopa"] > 0
    with pytest.raises(OverBudget):
        run_search(plan, BudgetedCount(cs, zopa_threshold(cs, cs.reservation), budget=1))


@pytest.mark.parametrize("criterion", ["utilitarian", "egalitarian"])
def test_the_integer_programmes_optimum_is_the_brute_force_one(criterion: str) -> None:
    """``milp.optimum`` over the ZOPA of the car (two parties) and the siting deal (six): its
    package's sum of utilities, or smallest gain over the reservations, is the brute-force
    maximum. No caller in the package uses these two criteria; they are public."""
    from simulator.solver import milp

    for path in (CAR, ROOT / "scenarios" / "siting_six.yaml"):
        s = load_scenario(path)
        cs = compile_scenario(s)
        d = cs.reservation
        threshold = zopa_threshold(cs, d)
        rows = [
            r
            for r in oracle.enumerate_rows(s)
            if r.consistent
            and not r.crossed
            and all(u >= t for u, t in zip(r.u, threshold, strict=True))
        ]

        def value(u: np.ndarray, d: np.ndarray = d) -> float:
            return float(u.sum() if criterion == "utilitarian" else (u - d).min())

        found = milp.optimum(cs, rule_regions(cs, "all"), threshold, criterion, d)
        if not rows:
            assert found is None
            continue
        best = max(value(np.array(r.u)) for r in rows)
        u = next(np.array(r.u) for r in oracle.enumerate_rows(s) if r.outcome == tuple(found))
        assert value(u) == pytest.approx(best, abs=1e-9)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(scenarios(max_issues=4, max_options=3))
def test_extremes_with_tiny_blocks_are_the_whole_tables(monkeypatch_blocks, scenario) -> None:  # noqa: F811
    """Each party's least and largest utility over the packages that cross no rule, by the
    search with blocks so small that it prunes nodes (``ExtremesVisitor.keep``), against the
    whole table."""
    import itertools

    from simulator.compiled import crossed_rules, evaluate_utilities
    from simulator.solver import ExtremesVisitor

    cs = compile_scenario(scenario)
    regions = rule_regions(cs, "all")
    outcomes = np.array(list(itertools.product(*[range(k) for k in cs.sizes])))
    ok = ~crossed_rules(cs, outcomes).any(axis=1)
    u = evaluate_utilities(cs, outcomes)[ok]
    for high in (False, True):
        visitor = ExtremesVisitor(cs.n_parties, high=high)
        run_search(make_plan(cs, regions), visitor)
        want_low = u.min(axis=0) if len(u) else np.full(cs.n_parties, np.inf)
        assert visitor.low.tolist() == want_low.tolist()
        if high:
            want_high = u.max(axis=0) if len(u) else np.full(cs.n_parties, -np.inf)
            assert visitor.high.tolist() == want_high.tolist()


def test_the_space_a_plan_searches_is_the_product_of_the_allowed_options() -> None:
    """``space_size``: the packages whose every option some red line leaves allowed (a line on one
    issue prunes its options before the search), and none when a line leaves an issue nothing."""
    import dataclasses

    from simulator.model import Rule
    from simulator.solver.search import space_size

    s = load_scenario(CAR)
    cs = compile_scenario(s)
    # the car's one-issue lines: no price 20 for the dealer, no "none" warranty for the buyer
    assert space_size(make_plan(cs, rule_regions(cs, "all"))) == 3 * 2 * 3
    assert space_size(make_plan(cs, rule_regions(cs, "none"))) == 4 * 3 * 3
    never = Rule("no_delivery", "not", issue="delivery", options=("fast", "standard", "slow"))
    buyer = dataclasses.replace(s.parties[0], red_lines=(*s.parties[0].red_lines, never))
    closed = compile_scenario(dataclasses.replace(s, parties=(buyer, s.parties[1])))
    assert space_size(make_plan(closed, rule_regions(closed, "all"))) == 0


@pytest.mark.parametrize("scope", ["all", "feasible", "zopa"])
def test_the_zopa_frontier_is_named_for_its_scope(scope: str) -> None:
    """Whatever frontier is asked for, the result's ZOPA frontier says it is the ZOPA's, and the
    other its own scope: the car, by enumeration."""
    from simulator.solver import solve

    result = solve(load_scenario(CAR), frontier=scope)
    assert result.stats.method == "enumerate"
    assert result.zopa_frontier.scope == "zopa" and result.frontier.scope == scope
