"""Pareto frontiers of utility vectors.

Notation
--------
``U`` is an ``(m, P)`` array of utility vectors. ``y`` *dominates* ``x`` when ``y_p >= x_p`` for every
party and ``y_q > x_q`` for some party. The frontier is the set of rows no row dominates; rows with
identical vectors are all kept. With a tie tolerance ``tol >= 0``, differences up to ``tol`` are
ties: ``y`` dominates ``x`` when ``y_p >= x_p - tol`` for every party and ``y_q > x_q + tol`` for
some party. The solver passes the compiler's rounding slack (:mod:`simulator.compiled`): utilities
equal in exact arithmetic may differ by a few quanta once rounded, and must still tie.

Algorithms: for two parties a sort-and-sweep in ``O(m log m)`` (Kung, Luccio & Preparata 1975); for more,
rows are taken in decreasing order of their sum, which no dominated row can precede, and each chunk is
checked against the frontier found so far and within itself (a vectorised block-nested-loop skyline,
Börzsönyi, Kossmann & Stocker 2001).
"""

from __future__ import annotations

import numpy as np

from simulator.compiled import BoolArray, FloatArray

__all__ = ["dominated_by", "pareto_mask"]

_CHUNK = 1024


def _dominated_two(points: FloatArray, by: FloatArray, tol: float = 0.0) -> BoolArray:
    """Two parties: binary search in ``by`` sorted by the first utility, with suffix maxima."""
    order = np.argsort(by[:, 0], kind="stable")
    s0, s1 = by[order, 0], by[order, 1]
    suffix = np.empty(len(s1) + 1)
    suffix[-1] = -np.inf
    suffix[:-1] = np.maximum.accumulate(s1[::-1])[::-1]
    x0, x1 = points[:, 0], points[:, 1]
    strictly_more = suffix[np.searchsorted(s0, x0 + tol, side="right")]
    at_least = suffix[np.searchsorted(s0, x0 - tol, side="left")]
    return np.asarray((strictly_more >= x1 - tol) | (at_least > x1 + tol))


def dominated_by(
    points: FloatArray, by: FloatArray, *, chunk: int = 1 << 18, tol: float = 0.0
) -> BoolArray:
    """Which rows of ``points`` ``(m, P)`` are dominated by some row of ``by`` ``(f, P)``.

    ``tol`` is the tie tolerance (see the module Notation).

    >>> dominated_by(np.array([[1.0, 1.0], [2.0, 0.0]]), np.array([[1.0, 2.0]])).tolist()
    [True, False]
    """
    out = np.zeros(len(points), dtype=bool)
    if len(by) == 0 or len(points) == 0:
        return out
    if points.shape[1] == 2:
        return _dominated_two(points, by, tol)
    step = max(1, chunk // len(by))
    for s in range(0, len(points), step):
        x = points[s : s + step]
        ge = np.ones((len(x), len(by)), dtype=bool)
        gt = np.zeros((len(x), len(by)), dtype=bool)
        for p in range(points.shape[1]):
            col, ref = x[:, p, None], by[None, :, p]
            ge &= ref >= col - tol
            gt |= ref > col + tol
        out[s : s + step] = np.any(ge & gt, axis=1)
    return out


def _pareto_two(u: FloatArray) -> BoolArray:
    order = np.lexsort((-u[:, 1], -u[:, 0]))
    s0, s1 = u[order, 0], u[order, 1]
    start = np.ones(len(order), dtype=bool)
    start[1:] = s0[1:] != s0[:-1]
    group = np.cumsum(start) - 1
    first = np.flatnonzero(start)
    best_in_group = s1[first][group]
    cummax = np.maximum.accumulate(s1)
    before = np.full(len(first), -np.inf)
    before[1:] = cummax[first[1:] - 1]
    dominated = (before[group] >= s1) | (s1 < best_in_group)
    mask = np.zeros(len(u), dtype=bool)
    mask[order] = ~dominated
    return mask


def _pareto_many(u: FloatArray, tol: float) -> BoolArray:
    total = u.sum(axis=1)
    order = np.argsort(-total, kind="stable")
    keep_rows: list[int] = []
    front = np.zeros((0, u.shape[1]))
    for s in range(0, len(order), _CHUNK):
        idx = order[s : s + _CHUNK]
        cand = u[idx]
        alive = ~dominated_by(cand, front, tol=tol)
        idx, cand = idx[alive], cand[alive]
        if len(idx) > 1:
            alive = ~dominated_by(cand, cand, tol=tol)
            idx, cand = idx[alive], cand[alive]
        keep_rows.extend(idx.tolist())
        front = np.concatenate([front, cand])
    rows = np.array(keep_rows, dtype=np.int64)
    if tol > 0:  # within tol a dominated row can have the larger sum and come first
        rows = rows[~dominated_by(front, front, tol=tol)]
    mask = np.zeros(len(u), dtype=bool)
    mask[rows] = True
    return mask


def pareto_mask(u: FloatArray, *, tol: float = 0.0) -> BoolArray:
    """Boolean ``(m,)``: which rows of ``u`` ``(m, P)`` are on the Pareto frontier.

    ``tol`` is the tie tolerance (see the module Notation).

    >>> pareto_mask(np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.4, 0.4], [1.0, 0.0]])).tolist()
    [True, True, True, False, True]
    """
    u = np.asarray(u, dtype=np.float64)
    if len(u) == 0:
        return np.zeros(0, dtype=bool)
    if u.shape[1] == 1:
        return np.asarray(u[:, 0] >= u[:, 0].max() - tol)
    if u.shape[1] == 2:
        return _pareto_two(u) if tol == 0 else ~_dominated_two(u, u, tol)
    return _pareto_many(u, tol)
