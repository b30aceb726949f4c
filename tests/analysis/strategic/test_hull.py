"""The convex hull of a two-party frontier: vertices, boundary maps, the weighted Nash point."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.analysis.strategic.hull import (
    boundary_phi,
    boundary_psi,
    upper_hull,
    weighted_nash_on_hull,
)


def test_weighted_nash_on_hull_matches_a_dense_search() -> None:
    rng = np.random.default_rng(7)
    pts = np.sort(rng.random(12))
    f = np.stack([pts, 1 - pts**1.7], axis=1)
    hull = upper_hull(f)
    beta = np.array([0.3, 0.7])
    w = weighted_nash_on_hull(hull, np.zeros(2), beta)
    t = np.linspace(hull[0, 0], hull[-1, 0], 200001)
    dense = np.stack([t, np.interp(t, hull[:, 0], hull[:, 1])], axis=1)
    with np.errstate(divide="ignore"):
        score = (beta * np.log(dense)).sum(axis=1)
    assert np.linalg.norm(dense[np.argmax(score)] - w) < 1e-4


def test_upper_hull_keeps_only_concave_vertices() -> None:
    pts = np.array([[0.0, 1.0], [0.2, 0.7], [0.5, 0.6], [0.8, 0.1], [1.0, 0.0]])
    assert upper_hull(pts).tolist() == [[0.0, 1.0], [0.5, 0.6], [1.0, 0.0]]


def test_psi_inverts_phi_on_the_boundary() -> None:
    hull = upper_hull(np.array([[0.0, 1.0], [0.3, 0.9], [0.7, 0.5], [1.0, 0.0]]))
    for x in np.linspace(0.0, 1.0, 11):
        assert boundary_psi(hull, boundary_phi(hull, float(x))) == pytest.approx(x, abs=1e-12)


def test_without_a_gain_for_everyone_every_point_ties_and_the_largest_sum_wins() -> None:
    """Written after the seed-5 measurement: with ``d`` above the whole hull every point's
    product is 0 (``-inf`` in logs), so all tie and the tie-break, the larger sum of utilities,
    picks the vertex ``(0.4, 0.9)``; with a power of 0 the ties are those of the other party's
    gain alone."""
    hull = upper_hull(np.array([[0.0, 1.0], [0.4, 0.9], [1.0, 0.0]]))
    got = weighted_nash_on_hull(hull, np.array([1.0, 1.0]), np.array([0.5, 0.5]))
    assert got.tolist() == [0.4, 0.9]
    flat = np.array([[0.0, 1.0], [0.5, 1.0], [1.0, 0.0]])  # u_2 = 1 along the first segment
    assert weighted_nash_on_hull(flat, np.zeros(2), np.array([0.0, 1.0])).tolist() == [0.5, 1.0]
