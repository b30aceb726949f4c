"""The skylines of three or more parties against a brute-force O(m^2) dominance check.

The fast paths (:mod:`simulator.solver.pareto`: the 3-D staircase sweep, the tiled test for more
parties, the tie-tolerance step) are compared with the definition itself, written out pair by pair:
``y`` dominates ``x`` when ``y_p >= x_p - tol`` for every party and ``y_q > x_q + tol`` for some.
Arrays come from a small grid, so exact ties and duplicate rows are common, and with a tolerance the
grid points are nudged by less than it (near-ties, as the compiler's rounding makes them). The
chunk and tile sizes are shrunk so that small arrays cross every boundary.
"""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import simulator.solver.pareto as pareto
from simulator.solver import pareto_mask

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TIE = 2.0**-38


def brute_front(u: np.ndarray, tol: float = 0.0) -> np.ndarray:
    """``mask[i]``: no row dominates row ``i`` (the definition, one row at a time)."""
    out = np.ones(len(u), dtype=bool)
    for i in range(len(u)):
        ge = np.all(u >= u[i] - tol, axis=1)
        gt = np.any(u > u[i] + tol, axis=1)
        out[i] = not np.any(ge & gt)
    return out


@st.composite
def grid_arrays(draw: st.DrawFn, min_parties: int = 3, max_parties: int = 6) -> np.ndarray:
    """Rows on a coarse dyadic grid (many ties and duplicates), some of them repeated."""
    p = draw(st.integers(min_parties, max_parties))
    m = draw(st.integers(0, 120))
    levels = draw(st.sampled_from([2, 4, 16]))
    vals = draw(st.lists(st.integers(0, levels), min_size=m * p, max_size=m * p))
    u = np.array(vals, dtype=np.float64).reshape(m, p) / levels
    if m and draw(st.booleans()):
        u = np.concatenate([u, u[draw(st.lists(st.integers(0, m - 1), max_size=20))]])
    return u


@st.composite
def near_tie_arrays(draw: st.DrawFn) -> np.ndarray:
    """Grid rows nudged by -1, 0 or +1 times ``TIE``: with ``tol = 2 TIE`` the nudges are ties."""
    u = draw(grid_arrays())
    nudge = draw(st.lists(st.integers(-1, 1), min_size=u.size, max_size=u.size))
    return u + TIE * np.array(nudge, dtype=np.float64).reshape(u.shape)


def _small_blocks():  # type: ignore[no-untyped-def]
    """Chunks and tiles of a few rows and few probe tiles, so the boundaries are crossed."""
    return mock.patch.multiple(pareto, _CHUNK=7, _TILE=4, _PROBE=2, _PROBE_POOL=5)


@SETTINGS
@given(grid_arrays())
@example(np.array([[0.5, 0.5, 0.5], [0.5, 0.5, 0.5], [0.5, 0.5, 0.25], [0.25, 1.0, 0.5]]))
@example(np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0], [0.5] * 4]))
def test_exact_skyline_matches_the_definition(u: np.ndarray) -> None:
    want = brute_front(u).tolist()
    assert pareto_mask(u).tolist() == want
    with _small_blocks():
        assert pareto_mask(u).tolist() == want


@SETTINGS
@given(near_tie_arrays())
@example(
    # (1, 0.5, 0) is beaten on party 2 by (1 - TIE, 0.75, 0), a tie on party 1: dominated; the
    # two copies of (0.25 + TIE, 1, 0) and (0.25, 1, 0) tie everywhere: all three are kept
    np.array(
        [
            [1.0, 0.5, 0.0],
            [1.0 - TIE, 0.75, 0.0],
            [0.25 + TIE, 1.0, 0.0],
            [0.25, 1.0, 0.0],
            [0.25 + TIE, 1.0, 0.0],
        ]
    )
)
@example(  # duplicates of a maximum that another row tol-dominates: every copy is dropped
    np.array(
        [[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.5, 0.0], [0.0, 0.0, 0.0, TIE], [0.0, 0.0, 0.0, TIE]]
    )
)
def test_tie_tolerant_skyline_matches_the_definition(u: np.ndarray) -> None:
    tol = 2 * TIE
    want = brute_front(u, tol).tolist()
    assert pareto_mask(u, tol=tol).tolist() == want
    with _small_blocks():
        assert pareto_mask(u, tol=tol).tolist() == want


@SETTINGS
@given(grid_arrays())
def test_every_recorded_dominator_dominates(u: np.ndarray) -> None:
    """The maxima routines return a dominator per dominated row, which the tie step relies on."""
    distinct = np.unique(u, axis=0)[::-1] if len(u) else u
    n_parties = distinct.shape[1]
    keys = tuple(-distinct[:, p] for p in reversed(range(n_parties)))
    s = distinct[np.lexsort(keys)] if len(distinct) else distinct
    with _small_blocks():
        by = pareto._maxima_three(s) if n_parties == 3 else pareto._maxima_many(s)
    rows = np.flatnonzero(by >= 0)
    assert np.all(s[by[rows]] >= s[rows]) and np.all(np.any(s[by[rows]] > s[rows], axis=1))
    assert (by < 0).tolist() == brute_front(s).tolist()


@pytest.mark.parametrize("n_parties", [3, 4, 5])
def test_large_anticorrelated_cloud_at_default_sizes(n_parties: int) -> None:
    """Thousands of rows near a simplex (a large frontier, as in GENIUS killer_robot), on a grid
    of 2^-6 so that ties are frequent, at the production chunk and tile sizes."""
    rng = np.random.default_rng(7)
    u = rng.dirichlet(np.ones(n_parties), size=4000) * rng.uniform(0.8, 1.0, size=(4000, 1))
    u = np.round(u * 64) / 64
    u = np.concatenate([u, u[:200]])
    want = brute_front(u)
    assert pareto_mask(u).tolist() == want.tolist()
    nudged = u + TIE * rng.integers(-1, 2, size=u.shape)
    assert pareto_mask(nudged, tol=2 * TIE).tolist() == brute_front(nudged, 2 * TIE).tolist()


def test_pinned_three_party_staircase() -> None:
    u = np.array(
        [
            [3.0, 1.0, 1.0],
            [2.0, 2.0, 2.0],
            [2.0, 2.0, 1.0],  # dominated by (2, 2, 2): same u_1, found within the sweep
            [1.0, 3.0, 1.0],
            [1.0, 1.0, 3.0],
            [1.0, 1.0, 1.0],  # dominated by every other row
            [2.0, 2.0, 2.0],  # a duplicate is kept
            [0.0, 2.0, 2.0],  # dominated by (2, 2, 2) through the staircase
        ]
    )
    assert pareto_mask(u).tolist() == [True, True, False, True, True, False, True, False]
