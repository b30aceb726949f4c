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
Börzsönyi, Kossmann & Stocker 2001), first against the few frontier points that have dominated the
most rows so far (sentinels, after the "elimination filter" of Chomicki, Godfrey, Gryz & Liang
2003).
"""

from __future__ import annotations

import numpy as np

from simulator.compiled import BoolArray, FloatArray, IntArray

__all__ = ["dominated_by", "pareto_mask"]

_CHUNK = 1024
_SENTINELS = 128


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
        out[s : s + step] = _dominance(points[s : s + step], by, tol).any(axis=1)
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


def _dominance(x: FloatArray, by: FloatArray, tol: float) -> BoolArray:
    """Boolean ``(len(x), len(by))``: ``by[j]`` dominates ``x[i]`` (with tie tolerance ``tol``)."""
    ge = np.ones((len(x), len(by)), dtype=bool)
    gt = np.zeros((len(x), len(by)), dtype=bool)
    for p in range(x.shape[1]):
        col, ref = x[:, p, None], by[None, :, p]
        ge &= ref >= col - tol
        gt |= ref > col + tol
    return ge & gt


class _Skyline:
    """The frontier found so far, ranked by how many candidates each point has dominated.

    A dominated candidate is usually dominated by one of a few strong points, so candidates meet the
    frontier in blocks of :data:`_SENTINELS`, strongest first, and leave at the first dominator: the
    cost is near ``O(m K + s F)`` for ``m`` candidates, ``s`` of them surviving the first block,
    instead of ``O(m F)``.
    """

    def __init__(self, n_parties: int, tol: float) -> None:
        self.tol = tol
        self.points = np.empty((1024, n_parties))
        self.hits = np.zeros(1024)
        self.size = 0
        self.calls = 0
        self.order: IntArray | None = None

    def survivors(self, cand: FloatArray) -> BoolArray:
        """Which candidates no frontier point dominates (crediting the dominators).

        The frontier is scanned in blocks, the strongest dominators first, and candidates leave
        as soon as one dominates them.
        """
        alive = np.ones(len(cand), dtype=bool)
        if self.order is None:
            self.order = np.argsort(-self.hits[: self.size], kind="stable")
        order, step = self.order, _SENTINELS
        for a in range(0, self.size, step):
            rows = np.flatnonzero(alive)
            if not len(rows):
                break
            who = order[a : a + step]
            m = _dominance(cand[rows], self.points[who], self.tol)
            hit = m.any(axis=1)
            if hit.any():
                np.add.at(self.hits, who[np.argmax(m[hit], axis=1)], 1)
                alive[rows[hit]] = False
        return alive

    def add(self, pts: FloatArray) -> None:
        need = self.size + len(pts)
        if need > len(self.points):
            grow = max(2 * len(self.points), need)
            self.points = np.concatenate(
                [self.points, np.empty((grow - len(self.points), pts.shape[1]))]
            )
            self.hits = np.concatenate([self.hits, np.zeros(grow - len(self.hits))])
        self.points[self.size : need] = pts
        self.size = need
        self.calls += 1
        if self.calls % 4 == 0 or self.order is None or self.size <= _SENTINELS:
            self.order = None  # re-rank the dominators now and then
        else:
            self.order = np.concatenate([self.order, np.arange(self.size - len(pts), self.size)])


def _pareto_many(u: FloatArray, tol: float) -> BoolArray:
    total = u.sum(axis=1)
    order = np.argsort(-total, kind="stable")
    sky = _Skyline(u.shape[1], tol)
    keep_rows: list[IntArray] = []
    for s in range(0, len(order), _CHUNK):
        idx = order[s : s + _CHUNK]
        cand = u[idx]
        alive = sky.survivors(cand)
        idx, cand = idx[alive], cand[alive]
        if len(idx) > 1:
            alive = np.asarray(~_dominance(cand, cand, tol).any(axis=1))
            idx, cand = idx[alive], cand[alive]
        if len(idx):
            keep_rows.append(idx)
            sky.add(cand)
    rows = np.concatenate(keep_rows) if keep_rows else np.zeros(0, dtype=np.int64)
    if tol > 0:
        rows = rows[~_dominated_later(u[rows], tol)]
    mask = np.zeros(len(u), dtype=bool)
    mask[rows] = True
    return mask


def _dominated_later(front: FloatArray, tol: float) -> BoolArray:
    """Within ``tol`` a dominated row can have the larger sum and be taken first. Such a pair has
    sums within ``P * tol``: compare each row with the rows whose sums are that close."""
    total = front.sum(axis=1)
    order = np.argsort(total, kind="stable")
    srt = total[order]
    margin = 2 * front.shape[1] * tol
    reach = np.searchsorted(srt, srt + margin, side="right")
    low = np.searchsorted(srt, srt - margin, side="left")
    out = np.zeros(len(front), dtype=bool)
    width = int(max((reach - low).max(initial=1), 1))
    pts = front[order]
    for off in range(-width, width + 1):
        if off == 0:
            continue
        j = np.arange(len(pts)) + off
        ok = (j >= low) & (j < reach) & (j >= 0) & (j < len(pts))
        if not ok.any():
            continue
        a, b = pts[ok], pts[j[ok]]
        dom = np.all(b >= a - tol, axis=1) & np.any(b > a + tol, axis=1)
        out[order[np.flatnonzero(ok)[dom]]] = True
    return out


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
