"""Dominance tests of points against a set: is a point dominated, and by which row.

The notation (dominance with a tie tolerance ``tol``) is :mod:`simulator.solver.pareto`'s. These
are the tests a frontier under construction runs for every candidate against the points found so
far (:class:`~simulator.solver.frontier_store.FrontierStore`), the skylines' tie step, and a
leaf's nodes against each other (:func:`_dominance`, the whole matrix). For two
parties a sort and a binary search (:mod:`~simulator.solver.pareto_two`); for more, pairs in
chunks, bound by memory traffic over ``(rows, dominators)`` boolean buffers: the weak half of the
test (``y >= x - tol`` in every column) first, then the strict half for one dominator per row
only; from :data:`_SUM_CUT_ROWS` dominators, each chunk meets only the rows whose sum can reach it.
"""

from __future__ import annotations

import numpy as np

from simulator.compiled import BoolArray, FloatArray, IntArray
from simulator.solver.pareto_two import _dominated_two

__all__ = ["dominated_by", "first_dominator"]

#: Rows of ``by`` from which the tests sort by sum to cut the pairs they test.
_SUM_CUT_ROWS = 256


def dominated_by(
    points: FloatArray, by: FloatArray, *, chunk: int = 1 << 18, tol: float = 0.0
) -> BoolArray:
    """Which rows of ``points`` ``(m, P)`` are dominated by some row of ``by`` ``(f, P)``.

    ``tol`` is the tie tolerance (see :mod:`simulator.solver.pareto`'s Notation).

    >>> dominated_by(np.array([[1.0, 1.0], [2.0, 0.0]]), np.array([[1.0, 2.0]])).tolist()
    [True, False]
    """
    if len(by) and len(points) and points.shape[1] == 2:
        return _dominated_two(points, by, tol)
    return first_dominator(points, by, chunk=chunk, tol=tol) >= 0


def first_dominator(
    points: FloatArray, by: FloatArray, *, chunk: int = 1 << 18, tol: float = 0.0
) -> IntArray:
    """For every row of ``points`` ``(m, P)`` the index of a row of ``by`` ``(f, P)`` that
    dominates it (with tie tolerance ``tol``), or ``-1`` when none does.

    >>> first_dominator(np.array([[1.0, 1.0], [2.0, 0.0]]), np.array([[0.0, 3.0], [1.0, 2.0]]))
    array([ 1, -1])
    """
    out = np.full(len(points), -1, dtype=np.int64)
    if len(by) == 0 or len(points) == 0:
        return out
    step = max(1, chunk // len(by))
    if len(points) <= step or len(by) < _SUM_CUT_ROWS:
        for s in range(0, len(points), step):
            out[s : s + step] = _first_dominators(points[s : s + step], by, tol)
        return out
    # a dominator has y_p >= x_p - tol for every p, so sum(y) >= sum(x) - P tol: with ``by``
    # sorted by sum, the rows of ``points`` taken in increasing sum are tested against the
    # rows of ``by`` past that bound only (a margin covers the sums' rounding)
    by_sum, x_sum = by.sum(axis=1), points.sum(axis=1)
    by_order, x_order = np.argsort(by_sum, kind="stable"), np.argsort(x_sum, kind="stable")
    by, by_sum = by[by_order], by_sum[by_order]
    slack = points.shape[1] * tol
    for s in range(0, len(points), step):
        rows = x_order[s : s + step]
        low = float(x_sum[rows[0]]) - slack
        first = int(np.searchsorted(by_sum, low - 1e-9 * (1.0 + abs(low)), side="left"))
        if first < len(by):
            hit = _first_dominators(points[rows], by[first:], tol)
            out[rows] = np.where(hit >= 0, by_order[first + hit], -1)
    return out


def _first_dominators(x: FloatArray, by: FloatArray, tol: float) -> IntArray:
    """For every row of ``x`` a row of ``by`` that dominates it, or ``-1``.

    The weak half of the test first, ``y_p >= x_p - tol`` for every party, in place in one
    ``(len(x), len(by))`` buffer; then each row's first weak dominator (``argmax`` stops at it)
    is checked for the strict half, ``y_q > x_q + tol`` for some party. Only a row whose first
    weak dominator ties with it (within ``tol`` in every column: a duplicate, rare) is tested
    against every row of ``by`` in full (:func:`_dominance`). Half the passes over the buffer of
    :func:`_dominance`, which computes both halves for every pair."""
    shape = (len(x), len(by))
    ge, step = np.empty(shape, dtype=bool), np.empty(shape, dtype=bool)
    low = x - tol
    cols = np.ascontiguousarray(np.asarray(by, dtype=np.float64).T)
    for p in range(x.shape[1]):
        np.greater_equal(cols[p][None, :], low[:, p, None], out=step)
        if p == 0:
            ge, step = step, ge
        else:
            ge &= step
    first = np.argmax(ge, axis=1)
    weak = ge[np.arange(len(x)), first]
    out = np.where(weak, first, -1)
    tie = np.flatnonzero(weak & ~np.any(by[first] > x + tol, axis=1))
    if len(tie):
        full = _dominance(x[tie], by, tol)
        out[tie] = np.where(full.any(axis=1), np.argmax(full, axis=1), -1)
    return out


def _dominance(x: FloatArray, by: FloatArray, tol: float) -> BoolArray:
    """Boolean ``(len(x), len(by))``: ``by[j]`` dominates ``x[i]`` (with tie tolerance ``tol``).

    Written into three preallocated buffers, columns of ``by`` made contiguous once: the test is
    bound by memory traffic over the ``(len(x), len(by))`` arrays, so every pass saved counts."""
    shape = (len(x), len(by))
    ge, gt, step = np.empty(shape, dtype=bool), np.empty(shape, dtype=bool), np.empty(shape, bool)
    cols = np.ascontiguousarray(np.asarray(by, dtype=np.float64).T)
    low, high = x - tol, x + tol
    for p in range(x.shape[1]):
        ref = cols[p][None, :]
        if p == 0:
            np.greater_equal(ref, low[:, :1], out=ge)
            np.greater(ref, high[:, :1], out=gt)
            continue
        np.greater_equal(ref, low[:, p, None], out=step)
        ge &= step
        np.greater(ref, high[:, p, None], out=step)
        gt |= step
    ge &= gt
    return ge
