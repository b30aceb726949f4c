"""The batched solver (``solve_samples``) against ``solve()`` on each sample's own scenario."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.analysis.sampling import Draw, sampled_scenario, stacked
from simulator.compiled import (
    compile_scenario,
    crossed_rules,
    evaluate_utilities,
    preference_weights,
)
from simulator.errors import ScenarioError
from simulator.formats import load_scenario
from simulator.model import Scenario
from simulator.outcome_space import outcome_grid
from simulator.solver import SOLUTIONS, solve, zopa_threshold
from simulator.solver.batch import solve_samples
from tests.strategies import scenarios

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROOT = Path(__file__).resolve().parents[2]


@st.composite
def scenario_and_draws(draw: st.DrawFn) -> tuple[Scenario, list[Draw]]:
    """A random scenario and a few samples of its weights, reservations and red lines."""
    scenario = draw(scenarios(max_issues=3, max_options=4, max_parties=3))
    n_p, n = len(scenario.parties), len(scenario.issues)
    n_red = sum(len(p.red_lines) for p in scenario.parties)
    dyadic = st.integers(0, 16).map(lambda k: k / 16)
    samples = []
    for _ in range(draw(st.integers(1, 4))):
        weights = np.array(draw(st.lists(dyadic, min_size=n_p * n, max_size=n_p * n)))
        reservation = np.array(draw(st.lists(dyadic, min_size=n_p, max_size=n_p)))
        holds = np.array(draw(st.lists(st.booleans(), min_size=n_red, max_size=n_red)), bool)
        samples.append(Draw(weights.reshape(n_p, n), reservation, holds))
    return scenario, samples


def _check_against_solve(scenario: Scenario, samples: list[Draw]) -> None:
    cs = compile_scenario(scenario)
    found = solve_samples(cs, *stacked(samples), solutions=tuple(SOLUTIONS))
    grid = found.candidates
    for s, draw in enumerate(samples):
        own = compile_scenario(sampled_scenario(scenario, draw))
        result = solve(own)
        assert int(found.zopa[s]) == result.counts.zopa
        for name, rows in found.solutions.items():
            point = result.solutions[name]
            got = None if rows[s] < 0 else tuple(int(k) for k in grid[rows[s]])
            assert got == (None if point is None else point.outcome), name
        # ZOPA membership, outcome by outcome, evaluated directly on the sample's own scenario
        u = evaluate_utilities(own, grid)
        ok = ~crossed_rules(own, grid).any(axis=1)
        ok &= np.all(u >= zopa_threshold(own, own.reservation), axis=1)
        assert found.in_zopa[s].tolist() == ok.tolist()


@SETTINGS
@given(scenario_and_draws())
def test_every_sample_matches_its_own_solve(pair: tuple[Scenario, list[Draw]]) -> None:
    _check_against_solve(*pair)


def test_the_car_with_sampled_weights_matches_solve() -> None:
    car = load_scenario(str(ROOT / "scenarios" / "textbook_car.yaml"))
    rng = np.random.default_rng(5)
    base = preference_weights(car)
    samples = []
    for _ in range(20):
        weights = base * rng.uniform(0.5, 1.5, base.shape)
        samples.append(Draw(weights, rng.uniform(0.2, 0.6, 2), rng.random(2) < 0.7))
    _check_against_solve(car, samples)


def test_candidates_restrict_the_answer_and_shapes_are_checked() -> None:
    car = load_scenario(str(ROOT / "scenarios" / "textbook_car.yaml"))
    cs = compile_scenario(car)
    w, r = preference_weights(car)[None], cs.reservation[None]
    whole = solve_samples(cs, w, r)
    some = outcome_grid(cs.sizes)[::3]
    part = solve_samples(cs, w, r, candidates=some)
    assert part.in_zopa[0].tolist() == whole.in_zopa[0][::3].tolist()
    with pytest.raises(ScenarioError, match="weights must be"):
        solve_samples(cs, w[0], r)
