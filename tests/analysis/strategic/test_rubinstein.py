"""Rubinstein's alternating offers: the closed form, the frontier SPE, the BRW limit."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from simulator.analysis.strategic.frontier import BargainingFrontier, unit_pie_frontier
from simulator.analysis.strategic.rubinstein import (
    bargaining_powers,
    rubinstein,
    rubinstein_share,
)
from simulator.errors import ScenarioError

deltas = st.floats(0.05, 0.995)


@settings(max_examples=80, deadline=None)
@given(deltas, deltas)
@example(0.9, 0.9)
@example(0.5, 0.99)
def test_unit_pie_first_mover_share_is_the_closed_form(d1: float, d2: float) -> None:
    # Rubinstein (1982), theorem: the first mover gets (1 - d2) / (1 - d1 d2)
    expected = (1 - d2) / (1 - d1 * d2)
    assert rubinstein_share(d1, d2) == pytest.approx(expected, rel=1e-12)
    r = rubinstein(unit_pie_frontier(), [d1, d2], steps=1)
    assert r.first_mover_share == pytest.approx(expected, abs=1e-12)
    assert r.shares().sum() == pytest.approx(1.0, abs=1e-12)
    # the second mover, proposing first, gets (1 - d1) / (1 - d1 d2)
    assert r.b_first[1] == pytest.approx((1 - d1) / (1 - d1 * d2), abs=1e-12)


def test_equal_patience_first_mover_advantage_vanishes() -> None:
    shares = [rubinstein_share(d, d) for d in (0.5, 0.9, 0.99, 0.999)]
    np.testing.assert_allclose(shares, [1 / (1 + d) for d in (0.5, 0.9, 0.99, 0.999)])
    assert shares == sorted(shares, reverse=True) and shares[-1] - 0.5 < 1e-3


def test_a_patient_party_takes_everything() -> None:
    assert rubinstein_share(1.0, 0.9) == 1.0 and rubinstein_share(0.9, 1.0) == 0.0


def _frontier(points: np.ndarray, d: tuple[float, float] = (0.0, 0.0)) -> BargainingFrontier:
    return BargainingFrontier(("a", "b"), np.asarray(points, dtype=float), np.asarray(d, float))


def test_linear_frontier_with_disagreement_point_scales_the_closed_form() -> None:
    # u_b = 2 - 2 u_a on [0, 1] with d = (0.2, 0.4): gains are a scaled unit pie
    x = np.linspace(0.2, 0.8, 7)
    f = _frontier(np.stack([x, 2 - 2 * x], axis=1), (0.2, 0.4))
    r = rubinstein(f, [0.8, 0.7], steps=1)
    share = (1 - 0.7) / (1 - 0.8 * 0.7)
    assert r.first_mover_share == pytest.approx(share, abs=1e-12)
    assert r.a_first[0] == pytest.approx(0.2 + share * 0.6, abs=1e-12)


curves = st.lists(st.floats(0.2, 3.0), min_size=1, max_size=1)


@settings(max_examples=25, deadline=None)
@given(st.floats(0.3, 3.0), deltas, deltas)
def test_spe_converges_to_weighted_nash_as_delta_goes_to_one(
    power: float, d1: float, d2: float
) -> None:
    # Binmore, Rubinstein & Wolinsky (1986): with delta_i = exp(-r_i Delta), Delta -> 0, the SPE
    # tends to the weighted NBS with beta_i proportional to 1 / r_i, here on u_b = 1 - u_a^power
    x = np.linspace(0, 1, 41)
    f = _frontier(np.stack([x, 1 - x**power], axis=1))
    r = rubinstein(f, [d1, d2], steps=16)
    beta = bargaining_powers([d1, d2])
    assert beta == pytest.approx(
        np.array([np.log(d2), np.log(d1)]) / (np.log(d1) + np.log(d2)), abs=1e-12
    )
    dist = [s.distance for s in r.convergence]
    assert dist[-1] < 1e-3 and dist[-1] <= dist[0] + 1e-12
    # both first movers converge to the same point
    assert np.linalg.norm(r.convergence[-1].proposal_b - r.weighted_nash) < 1e-3


def test_spe_is_a_fixed_point_of_the_indifference_conditions() -> None:
    x = np.linspace(0, 1, 21)
    f = _frontier(np.stack([x, np.sqrt(1 - x**2)], axis=1), (0.1, 0.05))
    r = rubinstein(f, [0.9, 0.85], steps=1)
    hull, d = r.hull, f.disagreement
    y = r.b_first  # b's proposal when b moves first is b's stationary proposal
    phi = lambda u: np.interp(u, hull[:, 0], hull[:, 1])  # noqa: E731
    assert phi(r.a_first[0]) == pytest.approx(r.a_first[1], abs=1e-12)
    # b is indifferent between a's offer now and its own next round
    assert r.a_first[1] - d[1] == pytest.approx(0.85 * (y[1] - d[1]), abs=1e-10)
    assert y[0] - d[0] == pytest.approx(0.9 * (r.a_first[0] - d[0]), abs=1e-10)


def test_car_frontier_agreement_is_a_frontier_package(car) -> None:
    from simulator.analysis.strategic.frontier import bargaining_frontier

    f = bargaining_frontier(car, ["buyer", "dealer"])
    r = rubinstein(f, [0.9, 0.8])
    assert 0 <= r.agreement_row < f.size
    assert r.a_first[0] >= r.b_first[0] and r.b_first[1] >= r.a_first[1]  # first-mover advantage
    pkg = r.contract_dict()["agreement"]
    assert set(pkg) == {"outcome", "utilities"} and set(pkg["utilities"]) == {"buyer", "dealer"}
    # the JSON gives the result's points by party
    data = json.loads(json.dumps(r.to_dict()))
    by_party = lambda v: dict(zip(("buyer", "dealer"), map(float, v), strict=True))  # noqa: E731
    assert data["disagreement"] == by_party(f.disagreement)
    assert data["ideal"] == by_party(f.ideal)
    assert data["spe_point"] == by_party(r.a_first)
    assert data["spe"] == {
        "buyer_proposes_first": data["spe_point"],
        "dealer_proposes_first": by_party(r.b_first),
    }
    assert data["weighted_nash"] == by_party(r.weighted_nash)


@pytest.mark.parametrize("bad", [[0.0, 0.5], [1.2, 0.5], [1.0, 1.0], [0.5], ["x", 0.5]])
def test_bad_discount_factors(bad) -> None:
    with pytest.raises(ScenarioError):
        rubinstein(unit_pie_frontier(), bad)


def test_empty_frontier_is_an_error() -> None:
    f = _frontier(np.zeros((0, 2)))
    with pytest.raises(ScenarioError, match="frontier is empty"):
        rubinstein(f, [0.9, 0.9])
