"""Monte Carlo against slow oracles: the most robust package by a brute-force count over the same
samples, and the triangular reservation draw against its distribution (issue 22)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy import stats

from simulator.analysis import monte_carlo
from simulator.analysis.monte_carlo import draw_sample, sample_rng, sampled_scenario
from simulator.model import Scenario, Uncertainty
from tests.analysis.test_monte_carlo import uncertain_car
from tests.oracle import enumerate_rows


def zopa_counts(s: Scenario, samples: int, seed: int) -> dict[tuple[int, ...], int]:
    """In how many samples each outcome lies in the ZOPA, one outcome at a time (the oracle)."""
    counts: dict[tuple[int, ...], int] = {}
    for k in range(samples):
        sample = sampled_scenario(s, draw_sample(s, sample_rng(seed, k)))
        d = [p.reservation for p in sample.parties]
        for row in enumerate_rows(sample):
            inside = row.consistent and not row.crossed
            if inside and all(u >= r for u, r in zip(row.u, d, strict=True)):
                counts[row.outcome] = counts.get(row.outcome, 0) + 1
    return counts


@pytest.fixture
def varied_car(car: Scenario) -> Scenario:
    """The uncertain car with weights that vary too."""
    s = uncertain_car(car)
    return dataclasses.replace(
        s,
        parties=tuple(dataclasses.replace(p, weight_concentration=20.0) for p in s.parties),
    )


def tied(s: Scenario) -> Scenario:
    """``s`` where every party accepts everything: every feasible package ties in every sample."""
    return dataclasses.replace(
        s,
        parties=tuple(
            dataclasses.replace(p, reservation=-1.0, reservation_range=None, red_lines=())
            for p in s.parties
        ),
    )


@pytest.mark.parametrize("method", ["enumerate", "solve"])
@pytest.mark.parametrize("tie", [False, True], ids=["varied car", "all tied"])
def test_the_robust_package_is_the_brute_force_most_counted(
    varied_car: Scenario, method: str, tie: bool
) -> None:
    samples = 120 if not tie else 20
    s = tied(varied_car) if tie else varied_car
    result = monte_carlo(s, samples, 7, workers=1, method=method)
    counts = zopa_counts(s, samples, result.seed)
    assert result.robust is not None
    assert result.robust_count == counts[result.robust]
    if method == "enumerate":  # over every outcome: the most counted, ties to the lowest index
        top = max(counts.values())
        assert result.robust_count == top
        assert result.robust == min(o for o, c in counts.items() if c == top)
    else:  # over the candidates (every sample's solutions): never more than the true best
        assert result.robust_count <= max(counts.values())


@pytest.mark.parametrize(
    ("stated", "mode"),
    [pytest.param(0.5, 0.8, id="stated mode"), pytest.param(0.2, None, id="mode = stated value")],
)
def test_the_triangular_reservation_follows_its_mode(
    car: Scenario, stated: float, mode: float | None
) -> None:
    buyer = dataclasses.replace(
        car.parties[0],
        reservation=stated,
        reservation_range=Uncertainty(0.0, 1.0, "triangular", mode),
    )
    s = dataclasses.replace(car, parties=(buyer, *car.parties[1:]))
    draws = np.array([draw_sample(s, sample_rng(3, k)).reservation[0] for k in range(4000)])
    peak = stated if mode is None else mode
    # the mean of Triangular(0, c, 1) is (0 + c + 1) / 3; the whole law by Kolmogorov-Smirnov
    assert draws.mean() == pytest.approx((1 + peak) / 3, abs=0.012)
    assert stats.kstest(draws, stats.triang(c=peak).cdf).pvalue > 1e-3
