"""Bargaining solutions on a set of utility vectors, chosen by name from a registry.

Notation
--------
``U`` ``(m, P)`` utility vectors (the ZOPA's Pareto frontier: every solution here is monotone, so
its optimum over the ZOPA lies there), ``d`` ``(P,)`` the disagreement point, gains
``g = U - d >= 0``, ``beta`` ``(P,)`` bargaining powers and ``I_p = max_m U[m, p]`` the ideal point.

- ``nash``: maximise ``prod_p g_p`` (Nash 1950).
- ``weighted_nash``: maximise ``prod_p g_p ** beta_p`` (Kalai 1977; Binmore, Rubinstein &
  Wolinsky 1986), computed as ``sum_p beta_p log g_p``.
- ``kalai_smorodinsky``: maximise ``min_p g_p / (I_p - d_p)`` (Kalai & Smorodinsky 1975), the
  discrete analogue of the point on the segment from ``d`` to ``I`` that is furthest out; a party
  with ``I_p = d_p`` has nothing to gain and is left out of the minimum.
- ``egalitarian``: maximise ``min_p g_p`` (Kalai 1977).
- ``utilitarian``: maximise ``sum_p U_p``.

Ties (criteria within a relative ``1e-12``) go to the larger utilitarian sum, then to the lowest
outcome index (mixed radix, first issue most significant).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from simulator.compiled import FloatArray, IntArray

__all__ = ["SOLUTIONS", "select_solution", "solution_criterion"]

Criterion = Callable[[FloatArray, FloatArray, FloatArray], FloatArray]
TIE_TOLERANCE = 1e-12


def _nash(u: FloatArray, d: FloatArray, beta: FloatArray) -> FloatArray:
    return np.asarray(np.prod(np.maximum(u - d, 0.0), axis=1))


def _weighted_nash(u: FloatArray, d: FloatArray, beta: FloatArray) -> FloatArray:
    g = np.maximum(u - d, 0.0)
    with np.errstate(divide="ignore"):
        return np.asarray((beta[None, :] * np.log(g)).sum(axis=1))


def _kalai_smorodinsky(u: FloatArray, d: FloatArray, beta: FloatArray) -> FloatArray:
    ideal = u.max(axis=0)
    room = ideal - d
    active = room > 0
    if not active.any():
        return np.zeros(len(u))
    return np.asarray(np.min((u[:, active] - d[active]) / room[active], axis=1))


def _egalitarian(u: FloatArray, d: FloatArray, beta: FloatArray) -> FloatArray:
    return np.asarray(np.min(u - d, axis=1))


def _utilitarian(u: FloatArray, d: FloatArray, beta: FloatArray) -> FloatArray:
    return np.asarray(u.sum(axis=1))


SOLUTIONS: dict[str, Criterion] = {
    "nash": _nash,
    "weighted_nash": _weighted_nash,
    "kalai_smorodinsky": _kalai_smorodinsky,
    "egalitarian": _egalitarian,
    "utilitarian": _utilitarian,
}


def solution_criterion(name: str, u: FloatArray, d: FloatArray, beta: FloatArray) -> FloatArray:
    """The criterion ``(m,)`` that solution ``name`` maximises over the rows of ``u``."""
    return SOLUTIONS[name](np.asarray(u, dtype=np.float64), d, beta)


def select_solution(
    name: str,
    u: FloatArray,
    index: IntArray | Sequence[int],
    d: FloatArray,
    beta: FloatArray,
) -> int | None:
    """Row of ``u`` that solution ``name`` picks, with the documented tie-break; None if ``u`` is
    empty.

    >>> u = np.array([[0.9, 0.1], [0.5, 0.5], [0.1, 0.9]])
    >>> select_solution("nash", u, [0, 1, 2], np.zeros(2), np.ones(2))
    1
    """
    u = np.asarray(u, dtype=np.float64)
    if len(u) == 0:
        return None
    crit = solution_criterion(name, u, d, beta)
    best = crit.max()
    if np.isfinite(best):
        tied = np.flatnonzero(crit >= best - TIE_TOLERANCE * max(1.0, abs(best)))
    else:
        tied = np.flatnonzero(crit == best)
    if len(tied) == 1:
        return int(tied[0])
    sums = u[tied].sum(axis=1)
    tied = tied[sums == sums.max()]
    if len(tied) == 1:
        return int(tied[0])
    idx = [int(index[int(i)]) for i in tied]  # Python ints: indices of huge spaces overflow int64
    return int(tied[idx.index(min(idx))])
