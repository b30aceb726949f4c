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
    return mock.patch.multiple(
        pareto, _CHUNK=7, _TILE=4, _PROBE=2, _PROBE_POOL=5, _SMALL=4, _SENTINELS=3, _SENTINEL_ROWS=8
    )


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


@SETTINGS
@given(grid_arrays(min_parties=2, max_parties=2), st.booleans())
def test_two_party_sweep_matches_the_definition(u: np.ndarray, nudged: bool) -> None:
    """Two parties (one sort, the rows themselves as sorted queries), exact and tie-tolerant."""
    if nudged:
        u = u + TIE * np.random.default_rng(len(u)).integers(-1, 2, size=u.shape)
    for tol in (0.0, 2 * TIE):
        assert pareto_mask(u, tol=tol).tolist() == brute_front(u, tol).tolist()


@pytest.mark.parametrize("n_parties", [3, 4, 6])
def test_sentinel_filter_on_a_dense_cloud(n_parties: int) -> None:
    """A uniform cloud, where the sentinels set most rows aside before the skyline, with ties
    (a grid of 2^-5) and, nudged, near-ties: a row set aside by a sentinel that beats it by less
    than ``tol`` everywhere can still be on the tie-tolerant frontier. The production sizes,
    except that the filter runs from 1,000 rows."""
    with mock.patch.object(pareto, "_SENTINEL_ROWS", 1000):
        _check_sentinel_cloud(n_parties)


def _check_sentinel_cloud(n_parties: int) -> None:
    rng = np.random.default_rng(11)
    u = np.round(rng.random((3000, n_parties)) * 32) / 32
    u = np.concatenate([u, u[:100]])
    by = pareto._sentinel_dominators(u)
    rows = np.flatnonzero(by >= 0)
    assert len(rows) > len(u) // 2
    assert np.all(u[by[rows]] >= u[rows]) and np.all(np.any(u[by[rows]] > u[rows], axis=1))
    assert pareto_mask(u).tolist() == brute_front(u).tolist()
    nudged = u + TIE * rng.integers(-1, 2, size=u.shape)
    assert pareto_mask(nudged, tol=2 * TIE).tolist() == brute_front(nudged, 2 * TIE).tolist()
    strong = np.argsort(-u.sum(axis=1), kind="stable")[:20]  # the sentinels, roughly
    near = np.concatenate([u, u[strong] - TIE])  # rows a sentinel beats by only TIE
    pre = pareto._sentinel_dominators(near)
    close = len(u) + np.flatnonzero(pre[len(u) :] >= 0)
    close = close[np.all(near[pre[close]] <= near[close] + 2 * TIE, axis=1)]
    want = brute_front(near, 2 * TIE)
    assert want[close].any()  # the case is exercised: set aside, yet on the frontier
    assert pareto_mask(near, tol=2 * TIE).tolist() == want.tolist()


@st.composite
def two_party_tables(draw: st.DrawFn) -> list[np.ndarray]:
    """Per-issue value tables of two parties on a coarse dyadic grid, some nudged by ``TIE``."""
    tables = []
    for _ in range(draw(st.integers(1, 4))):
        k = draw(st.integers(1, 5))
        vals = draw(st.lists(st.integers(0, 4), min_size=2 * k, max_size=2 * k))
        nudge = draw(st.lists(st.integers(-1, 1), min_size=2 * k, max_size=2 * k))
        t = np.array(vals, dtype=np.float64).reshape(2, k) / 4
        tables.append(t + TIE * np.array(nudge, dtype=np.float64).reshape(2, k))
    return tables


@SETTINGS
@given(two_party_tables())
def test_sum_front_two_is_the_frontier_of_every_sum(tables: list[np.ndarray]) -> None:
    """The issue-by-issue merge (the inner block's frontier) against the skyline of all sums,
    added in the same order, exact and tie-tolerant."""
    from simulator.solver.search import _outer_sum

    sums = _outer_sum(tables, 2).T
    for tol in (0.0, 2 * TIE):
        want = np.flatnonzero(brute_front(sums, tol))
        assert pareto.sum_front_two(tables, tol=tol).tolist() == want.tolist()
