"""Edge cases of solver helpers that no oracle test reaches: a search with nothing left open for
the count's estimate, and the budgeted counting visitor against the brute-force ZOPA."""

from __future__ import annotations

import pytest

from simulator import load_scenario
from simulator.compiled import compile_scenario
from simulator.solver import BudgetedCount, make_plan, rule_regions, run_search, zopa_threshold
from simulator.solver.budget import OverBudget
from simulator.solver.estimate import estimate_open
from tests import oracle
from tests.analysis.conftest import ROOT

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
