"""Pareto frontiers of two parties: the sort-and-sweep skyline and sums of tables.

See :mod:`~simulator.solver.pareto` for the notation (dominance, the tie tolerance ``tol``). Two
parties: sort by ``u_0`` descending (ties by ``u_1`` descending) and sweep, keeping the rows whose
``u_1`` beats every earlier one (Kung, Luccio & Preparata 1975), ``O(m log m)``.
"""

from __future__ import annotations

import numpy as np

from simulator.compiled import BoolArray, FloatArray, IntArray

__all__ = ["sum_front_two"]


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


def _sweep_two(u: FloatArray) -> tuple[IntArray, FloatArray, FloatArray, FloatArray]:
    """Two parties: the order sorting ``u_0`` up, both columns in that order, and the suffix
    maxima of ``u_1`` (``suffix[k]`` the largest ``u_1`` from sorted row ``k`` on; ``-inf`` at
    the end), so "the best ``u_1`` among rows with ``u_0`` above ``x``" is one ``searchsorted``."""
    c0 = u[:, 0]
    order = np.argsort(c0)
    s0, s1 = c0[order], u[:, 1][order]
    suffix = np.empty(len(s1) + 1)
    suffix[-1] = -np.inf
    suffix[:-1] = np.maximum.accumulate(s1[::-1])[::-1]
    return order, s0, s1, suffix


def _pareto_two(u: FloatArray, tol: float) -> BoolArray:
    """Two parties, the rows of ``u`` against each other: :func:`_dominated_two` with the rows
    themselves as the queries, already sorted (so the binary searches walk forward, and no
    lexicographic sort is needed: ties in ``u_1`` are resolved by value, not by position)."""
    order, s0, s1, suffix = _sweep_two(u)
    strictly_more = suffix[np.searchsorted(s0, s0 + tol, side="right")]
    at_least = suffix[np.searchsorted(s0, s0 - tol, side="left")]
    mask = np.empty(len(u), dtype=bool)
    mask[order] = (strictly_more < s1 - tol) & (at_least <= s1 + tol)
    return mask


def _beaten_two(u: FloatArray, tol: float) -> BoolArray:
    """Two parties: rows that another row covers and beats by more than ``tol`` on some party
    (``y >= x`` everywhere, ``y_q > x_q + tol`` somewhere), by the sweep of :func:`_pareto_two`."""
    order, s0, s1, suffix = _sweep_two(u)
    more_first = suffix[np.searchsorted(s0, s0 + tol, side="right")] >= s1
    more_second = suffix[np.searchsorted(s0, s0, side="left")] > s1 + tol
    out = np.empty(len(u), dtype=bool)
    out[order] = more_first | more_second
    return out


def sum_front_two(tables: list[FloatArray], tol: float = 0.0) -> IntArray:
    """The Pareto frontier (tie tolerance ``tol``) of every sum of one column from each of
    ``tables`` (each ``(2, k_j)``: two parties' values of ``k_j`` options), without listing the
    ``prod k_j`` sums: the indices, in increasing order, of the sums on it, numbered in mixed
    radix with the first table most significant (as :func:`numpy.meshgrid` with ``ij``).

    :func:`~simulator.solver.pareto.pareto_mask` of all the sums, ``(u_0 + t_1) + t_2 + ...`` added
    in that order, gives the same set: the partial sums are Pareto-merged table by table (the
    dynamic programme of :mod:`~simulator.solver.additive`). A partial sum ``a`` that another ``a'``
    covers and beats by more than ``tol`` somewhere is dropped: for any completion ``b``, ``a' + b``
    covers ``a + b`` and beats it by the same margin, so ``a + b`` is neither on the frontier nor an
    exact maximum (sums of the compiler's quantised values are exact). What is kept contains every
    exact maximum, and whatever ``tol``-dominates a sum is covered by an exact maximum, which
    ``tol``-dominates it too: the frontier of what is kept is the frontier of all.
    """
    size = int(np.prod([t.shape[1] for t in tables]))
    u = np.zeros((1, 2))
    index = np.zeros(1, dtype=np.int64)
    stride = size
    for j, t in enumerate(tables):
        k = t.shape[1]
        stride //= k
        u = (u[:, None, :] + t.T[None, :, :]).reshape(-1, 2)
        index = (index[:, None] + stride * np.arange(k)[None, :]).ravel()
        if j < len(tables) - 1 and len(u) > 1:
            keep = ~_beaten_two(u, tol)
            u, index = u[keep], index[keep]
    front = _pareto_two(u, tol) if len(u) else np.zeros(0, dtype=bool)
    return np.sort(index[front])
