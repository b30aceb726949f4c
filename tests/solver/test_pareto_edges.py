"""Edges of :mod:`simulator.solver.pareto` that the skyline tests do not reach, against brute force.

``dominated_by`` (which rows of one array some row of another dominates) and ``first_dominator``
(which row dominates each) on both of their paths:
every pair when ``by`` is small, and, for a large ``by``, the rows of ``by`` sorted by sum and
each chunk of ``points`` tested only against the rows whose sum can reach it. The one-party
skyline. Exact dominance at its boundaries: a difference of exactly ``tol`` is a tie, one just
above it is not, and a row never dominates an equal row.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.solver import pareto_mask
from simulator.solver.dominance import first_dominator
from simulator.solver.pareto import dominated_by
from tests.solver.test_pareto import SETTINGS, TIE, brute_front, grid_arrays


def brute_dominated(points: np.ndarray, by: np.ndarray, tol: float = 0.0) -> np.ndarray:
    """``out[i]``: some row of ``by`` dominates ``points[i]`` (the definition, pair by pair)."""
    out = np.zeros(len(points), dtype=bool)
    for i, x in enumerate(points):
        ge = np.all(by >= x - tol, axis=1)
        gt = np.any(by > x + tol, axis=1)
        out[i] = bool(np.any(ge & gt))
    return out


@st.composite
def point_sets(draw: st.DrawFn, min_by: int, max_by: int) -> tuple[np.ndarray, np.ndarray]:
    """``points`` and ``by`` on one coarse grid of 1 to 5 parties, nudged by -1, 0 or +1 ``TIE``
    (with ``tol = 2 TIE`` the nudges are ties), ``by`` sharing some rows with ``points``."""
    p = draw(st.integers(1, 5))
    m = draw(st.integers(0, 60))
    f = draw(st.integers(min_by, max_by))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    levels = draw(st.sampled_from([2, 4, 8]))
    points = rng.integers(0, levels + 1, size=(m, p)) / levels
    by = rng.integers(0, levels + 1, size=(f, p)) / levels
    if m and f:
        shared = min(m, f) // 2
        by[:shared] = points[:shared]
    if draw(st.booleans()):
        points = points + TIE * rng.integers(-1, 2, size=points.shape)
        by = by + TIE * rng.integers(-1, 2, size=by.shape)
    return points, by


@SETTINGS
@given(point_sets(0, 40), st.sampled_from([1, 7, 1 << 18]))
def test_dominated_by_pair_by_pair_matches_the_definition(
    sets: tuple[np.ndarray, np.ndarray], chunk: int
) -> None:
    points, by = sets
    for tol in (0.0, 2 * TIE, 1 / 64):  # 1/64: wider than the sum cut's rounding margin
        got = dominated_by(points, by, chunk=chunk, tol=tol)
        assert got.tolist() == brute_dominated(points, by, tol).tolist()


@SETTINGS
@given(point_sets(256, 300), st.sampled_from([256, 2048, 9000]))
def test_dominated_by_sum_cut_matches_the_definition(
    sets: tuple[np.ndarray, np.ndarray], chunk: int
) -> None:
    """From 256 rows of ``by``, with ``points`` spanning several chunks (``chunk // len(by)`` rows
    each), the sum bound decides which rows of ``by`` each chunk meets."""
    points, by = sets
    for tol in (0.0, 2 * TIE, 1 / 64):  # 1/64: wider than the sum cut's rounding margin
        got = dominated_by(points, by, chunk=chunk, tol=tol)
        assert got.tolist() == brute_dominated(points, by, tol).tolist()


@pytest.mark.parametrize("tol", [2 * TIE, 1 / 64])
@pytest.mark.parametrize("n_parties", [3, 4])
def test_dominated_by_sum_cut_keeps_dominators_of_equal_and_near_sums(
    n_parties: int, tol: float
) -> None:
    """Dominators whose sum is above the point's by a grid step, or below it by up to
    ``n_parties * tol`` (each column lower by ``tol``, one higher by more): the sum cut must keep
    them."""
    rng = np.random.default_rng(3)
    points = np.round(rng.random((40, n_parties)) * 8) / 8
    filler = np.full((300, n_parties), -1.0)  # rows of by that dominate nothing
    low_by = points - tol  # every column a tie below (sum lower by up to n_parties * tol) ...
    low_by[:, 0] = points[:, 0] + 1.5 * tol  # ... but the first, above the tie: sum still lower
    exact = points.copy()
    exact[:, -1] += 0.125  # exact dominance by one grid step
    for by in (np.concatenate([filler, low_by]), np.concatenate([filler, exact])):
        for chunk in (300 * 4, 1 << 18):
            got = dominated_by(points, by, chunk=chunk, tol=tol)
            assert got.tolist() == brute_dominated(points, by, tol).tolist()
            assert got.all()


def _check_first_dominator(points: np.ndarray, by: np.ndarray, chunk: int, tol: float) -> None:
    """``-1`` exactly for the rows nothing dominates; else a row of ``by`` that dominates it."""
    got = first_dominator(points, by, chunk=chunk, tol=tol)
    want = brute_dominated(points, by, tol)
    assert (got >= 0).tolist() == want.tolist()
    for i in np.flatnonzero(got >= 0):
        assert brute_dominated(points[i : i + 1], by[got[i] : got[i] + 1], tol).tolist() == [True]


@SETTINGS
@given(point_sets(0, 300), st.sampled_from([1, 7, 2048, 1 << 18]))
def test_first_dominator_names_a_dominator(sets: tuple[np.ndarray, np.ndarray], chunk: int) -> None:
    """Both paths (every pair; from 256 rows of ``by``, the sum cut, whose rows are sorted: the
    index must be mapped back), with ties."""
    points, by = sets
    for tol in (0.0, 2 * TIE, 1 / 64):
        _check_first_dominator(points, by, chunk, tol)


@pytest.mark.parametrize("chunk", [1, 1 << 18])
def test_first_dominator_looks_past_a_tie(chunk: int) -> None:
    """The weak test's first hit is a tie (within ``tol`` everywhere): the row is tested against
    every row, and the strict dominator after it found; with only ties it is not dominated."""
    tol = 2 * TIE
    x = np.array([[0.5, 0.5, 0.5, 0.5], [0.75, 0.75, 0.0, 0.0]])
    tie = x + TIE * np.array([[1, -1, 1, 0], [0, 1, 0, -1]])
    strict = x[0] + np.array([0.0, 0.0, 4 * tol, 0.0])
    by = np.array([tie[0], tie[1], [0, 0, 0, 0.0], strict])
    assert first_dominator(x, by, chunk=chunk, tol=tol).tolist() == [3, -1]
    _check_first_dominator(x, by, chunk, tol)


def test_dominated_by_edges() -> None:
    x = np.array([[0.5, 0.5, 0.5]])
    tol = 2 * TIE
    assert dominated_by(x[:0], x).tolist() == []
    assert dominated_by(x, x[:0]).tolist() == [False]
    assert dominated_by(x, x, tol=tol).tolist() == [False]  # an equal row does not dominate
    at_tol = x + np.array([[tol, 0.0, 0.0]])  # better by exactly tol: a tie
    assert dominated_by(x, at_tol, tol=tol).tolist() == [False]
    assert dominated_by(x, at_tol).tolist() == [True]
    above = x + np.array([[4 * tol, -tol, -tol]])  # better by more than tol, ties elsewhere
    assert dominated_by(x, above, tol=tol).tolist() == [True]
    assert dominated_by(x, above).tolist() == [False]
    below = x + np.array([[4 * tol, -4 * tol, 0.0]])  # worse by more than tol somewhere
    assert dominated_by(x, below, tol=tol).tolist() == [False]


@SETTINGS
@given(grid_arrays(min_parties=1, max_parties=1), st.booleans())
def test_one_party_skyline_matches_the_definition(u: np.ndarray, nudged: bool) -> None:
    """One party: the rows within ``tol`` of the best."""
    if nudged:
        u = u + TIE * np.random.default_rng(len(u)).integers(-1, 2, size=u.shape)
    for tol in (0.0, 2 * TIE):
        assert pareto_mask(u, tol=tol).tolist() == brute_front(u, tol).tolist()


def test_pareto_mask_of_no_rows() -> None:
    for n_parties in (1, 2, 3, 5):
        assert pareto_mask(np.zeros((0, n_parties))).tolist() == []
