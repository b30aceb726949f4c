"""The integer programme's frontier in float units (utilities that no moderate integer scale
makes exact: random real weights) against enumeration. HiGHS meets "w_1 >= previous + 1e-7"
within its feasibility tolerance of 1e-7 with the previous point itself; the sweep then steps
further instead of failing (found by the sampled mutation run of issue 22)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.compiled import compile_scenario
from simulator.solver import solve
from simulator.solver.milp_program import integer_scale
from simulator.synthetic import synthetic_scenario


@pytest.mark.parametrize("seed", range(5))
def test_the_float_sweep_finds_every_frontier_vector(seed: int) -> None:
    scenario = synthetic_scenario(4, 4, 2, seed=seed)
    assert integer_scale(compile_scenario(scenario)) is None  # the float sweep, not integers
    milp = solve(scenario, method="milp", frontier="all")
    every = solve(scenario, method="enumerate", frontier="all")
    assert milp.stats["milp_integer_units"] is False
    got = milp.frontier.utilities[np.lexsort(milp.frontier.utilities.T[::-1])]
    want = np.unique(every.frontier.utilities, axis=0)
    assert got.shape == want.shape
    assert np.abs(got - want).max() <= 1e-9
