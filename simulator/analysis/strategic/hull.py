"""The bargaining set of a two-party frontier: its convex hull and the boundary maps on it.

Notation
--------
``F`` is a two-party Pareto frontier ``(m, 2)`` sorted by ``u_a`` ascending, ``d`` the
disagreement point. The bargaining set ``S`` is the convex hull of ``F`` (lotteries over packages,
as in Nash 1950 and Binmore, Rubinstein & Wolinsky 1986), with free disposal; its Pareto boundary
is the concave piecewise-linear curve ``u_b = phi(u_a)`` through the hull's vertices
(:func:`upper_hull`), and ``psi`` its inverse, ``psi(t) = max{u_a : u_b >= t}``. The weighted Nash
point with powers ``beta`` maximises ``prod_i (u_i - d_i) ** beta_i`` on that boundary
(:func:`weighted_nash_on_hull`).

References
----------
Andrew, A. M. (1979). Another efficient algorithm for convex hulls in two dimensions. Inf. Process.
Lett. 9(5), 216-219. Binmore, K., Rubinstein, A. & Wolinsky, A. (1986). The Nash bargaining solution
in economic modelling. RAND J. Econ. 17(2), 176-188. Nash, J. (1950). The bargaining problem.
Econometrica 18, 155-162.
"""

from __future__ import annotations

import itertools

import numpy as np

from simulator.compiled import FloatArray

__all__ = ["boundary_phi", "boundary_psi", "upper_hull", "weighted_nash_on_hull"]


def upper_hull(points: FloatArray) -> FloatArray:
    """``(k, 2)`` the vertices of the concave Pareto boundary of the convex hull of ``points``.

    ``points`` ``(m, 2)`` is a two-party Pareto frontier sorted by ``u_a`` ascending; the result
    runs from the best point for ``b`` to the best for ``a`` (monotone chain; Andrew 1979).

    >>> upper_hull(np.array([[0.0, 1.0], [0.3, 0.6], [0.6, 0.5], [1.0, 0.0]])).tolist()
    [[0.0, 1.0], [0.6, 0.5], [1.0, 0.0]]
    """
    pts = np.asarray(points, dtype=np.float64)
    hull: list[FloatArray] = []
    for p in pts:
        while len(hull) >= 2:
            o, q = hull[-2], hull[-1]
            cross = (q[0] - o[0]) * (p[1] - o[1]) - (q[1] - o[1]) * (p[0] - o[0])
            if cross >= 0:  # q is on or below the chord o-p: not a vertex of the concave boundary
                hull.pop()
            else:
                break
        hull.append(p)
    return np.asarray(hull)


def boundary_phi(hull: FloatArray, x: float) -> float:
    """``phi(x)``: ``max u_b`` on the hull at ``u_a = x`` (free disposal left of the first vertex).

    >>> boundary_phi(np.array([[0.0, 1.0], [1.0, 0.0]]), 0.25)
    0.75
    """
    return float(np.interp(x, hull[:, 0], hull[:, 1]))


def boundary_psi(hull: FloatArray, t: float) -> float:
    """``psi(t)``: ``max u_a`` on the hull subject to ``u_b >= t`` (free disposal below the last
    vertex).

    >>> boundary_psi(np.array([[0.0, 1.0], [1.0, 0.0]]), 0.25)
    0.75
    """
    return float(np.interp(t, hull[::-1, 1], hull[::-1, 0]))


def weighted_nash_on_hull(hull: FloatArray, d: FloatArray, beta: FloatArray) -> FloatArray:
    """``(2,)`` the point of the hull boundary maximising ``prod_i (u_i - d_i) ** beta_i``.

    Per segment the maximiser has a closed form (the first-order condition is linear in the
    position along the segment); the best over segments is returned.

    >>> hull = np.array([[0.0, 1.0], [1.0, 0.0]])
    >>> weighted_nash_on_hull(hull, np.zeros(2), np.array([0.75, 0.25]))
    array([0.75, 0.25])
    """
    beta = np.asarray(beta, dtype=np.float64)
    if len(hull) == 1:
        return hull[0].copy()
    candidates = [hull[k] for k in range(len(hull))]
    for p, q in itertools.pairwise(hull):
        g0, dg = p - d, q - p
        denom = beta.sum() * dg[0] * dg[1]
        if denom != 0.0:
            t = -(beta[0] * dg[0] * g0[1] + beta[1] * dg[1] * g0[0]) / denom
            candidates.append(p + min(max(t, 0.0), 1.0) * dg)
    pts = np.asarray(candidates)
    gains = np.maximum(pts - d, 0.0)
    with np.errstate(divide="ignore"):
        logs = np.where(beta > 0, np.log(np.where(gains > 0, gains, 1.0)), 0.0)
        logs = np.where((beta > 0) & (gains <= 0), -np.inf, logs)
    score = (beta * logs).sum(axis=1)
    # ties (e.g. a power of 0): prefer the larger sum of utilities
    best = np.flatnonzero(score >= score.max() - 1e-14)
    return np.asarray(pts[best[np.argmax(pts[best].sum(axis=1))]])
