"""Randomness through ``rng``: the same integer seed gives the same result, whichever way it is
passed (``rng=``, positionally, the older ``seed=``), and a generator seeded alike gives the same
result as its seed where the function draws from one generator."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from simulator.analysis import monte_carlo
from simulator.formats import load_scenario
from simulator.rng import as_generator, choose, root_seed
from simulator.solver.stream import utility_cloud
from simulator.synthetic import synthetic_scenario

ROOT = Path(__file__).resolve().parents[1]


def test_synthetic_scenarios_depend_on_the_seed_only() -> None:
    a = synthetic_scenario(4, 5, 3, seed=7, red_lines=2)
    assert synthetic_scenario(4, 5, 3, rng=7, red_lines=2) == a
    assert synthetic_scenario(4, 5, 3, rng=np.random.default_rng(7), red_lines=2) == a
    assert synthetic_scenario(4, 5, 3, rng=8, red_lines=2) != a
    assert synthetic_scenario(4, 5, 3) == synthetic_scenario(4, 5, 3, seed=0)


def test_monte_carlo_depends_on_the_seed_only() -> None:
    car = load_scenario(str(ROOT / "scenarios" / "textbook_car.yaml"))
    a = monte_carlo(car, 30, 3, workers=1)
    for b in (monte_carlo(car, 30, rng=3, workers=1), monte_carlo(car, 30, seed=3, workers=1)):
        assert b.to_dict() == a.to_dict() and b.nash == a.nash
    assert a.seed == 3
    drawn = monte_carlo(car, 30, rng=np.random.default_rng(1), workers=1)
    again = monte_carlo(car, 30, rng=np.random.default_rng(1), workers=1)
    assert drawn.to_dict() == again.to_dict()
    assert monte_carlo(car, 30, drawn.seed, workers=1).to_dict() == drawn.to_dict()


def test_sampled_utility_clouds_depend_on_the_seed_only() -> None:
    s = synthetic_scenario(5, 4, 3, seed=2, red_lines=3)
    kwargs = {"exact_limit": 0, "stream_limit": 0, "samples": (300, 200)}
    a = utility_cloud(s, seed=7, **kwargs)
    for rng in (7, np.random.default_rng(7)):
        b = utility_cloud(s, rng=rng, **kwargs)
        assert b.feasible.tolist() == a.feasible.tolist()
        assert b.infeasible.tolist() == a.infeasible.tolist()
    assert a.seed == 7 and "seed 7" in a.description


def test_the_helpers() -> None:
    assert root_seed(5) == 5 and choose(0, 4) == 4 and choose(9, None) == 9
    g = np.random.default_rng(3)
    assert as_generator(g) is g
