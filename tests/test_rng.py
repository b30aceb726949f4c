"""The rng convention: its helpers, and the same integer seed giving the same result however it is
passed (``rng=``, positionally, the former ``seed=``) to Monte Carlo, synthetic scenarios and
sampled utility clouds (the protocols' runs are tested in tests/analysis)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator.analysis import monte_carlo
from simulator.formats import load_scenario
from simulator.rng import UNSET, pick_rng, root_seed, seed_of
from simulator.solver.stream import utility_cloud
from simulator.synthetic import synthetic_scenario

ROOT = Path(__file__).resolve().parents[1]


def test_seed_is_the_former_name_of_rng() -> None:
    assert pick_rng(0, UNSET) == 0
    assert pick_rng(0, 9) == 9
    assert pick_rng(0, None) is None  # seed=None kept its meaning: fresh entropy
    g = np.random.default_rng(1)
    assert pick_rng(g, UNSET) is g


@pytest.mark.parametrize("rng", [1, None, np.random.default_rng(0)])
def test_rng_and_seed_together_are_refused(rng: object) -> None:
    with pytest.raises(TypeError, match="not both"):
        pick_rng(rng, 3)  # type: ignore[arg-type]


def test_only_an_int_is_recorded_as_a_seed() -> None:
    assert seed_of(7) == 7 and seed_of(np.int64(7)) == 7
    assert seed_of(None) is None and seed_of(np.random.default_rng(7)) is None


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


def test_a_root_seed_is_the_integer_or_one_draw() -> None:
    assert root_seed(5) == 5
    g, h = np.random.default_rng(3), np.random.default_rng(3)
    assert root_seed(g) == root_seed(h) and root_seed(g) != root_seed(np.random.default_rng(3))
    assert isinstance(root_seed(None), int)
