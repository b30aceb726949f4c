"""``max_utility``: the largest utility of one party over a target set, against enumeration."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.compiled import compile_scenario, crossed_rules, evaluate_utilities
from simulator.model import Scenario
from simulator.outcome_space import outcome_grid
from simulator.solver import max_utility, rule_regions, zopa_threshold
from tests.strategies import scenarios


@settings(max_examples=60, deadline=None)
@given(scenarios(), st.data())
def test_max_utility_is_the_enumerated_maximum(s: Scenario, data: st.DataObject) -> None:
    cs = compile_scenario(s)
    p = data.draw(st.integers(0, cs.n_parties - 1))
    threshold = zopa_threshold(cs, cs.reservation)
    threshold[p] = -np.inf
    grid = outcome_grid(cs.sizes)
    u = evaluate_utilities(cs, grid)
    ok = ~crossed_rules(cs, grid).any(axis=1) & np.all(u >= threshold, axis=1)
    expected = float(u[ok, p].max()) if ok.any() else -np.inf
    assert max_utility(cs, rule_regions(cs, "all"), threshold, p) == expected
