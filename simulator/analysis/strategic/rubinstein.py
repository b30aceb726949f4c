"""Rubinstein's alternating-offers game over a two-party frontier, and its limit as delta -> 1.

Notation
--------
Parties ``a`` (who proposes first) and ``b`` alternate proposals, one round per month; a proposal
accepted in round ``t = 0, 1, ...`` gives party ``i`` the utility
``d_i + delta_i**t * (u_i - d_i)``: the *gain* over the disagreement point ``d`` shrinks by the
discount factor ``delta_i`` in ``(0, 1]`` per round of delay (the cost of a month of war).
``r_i = -ln delta_i`` is the discount *rate*.

The bargaining set ``S`` is the convex hull of the frontier points ``F`` (lotteries over packages,
as in Nash 1950 and Binmore, Rubinstein & Wolinsky 1986), with free disposal; its Pareto boundary is
the concave piecewise-linear curve ``u_b = phi(u_a)`` through the hull's vertices, ``psi`` its
inverse (``psi(t) = max{u_a : u_b >= t}``), ``I`` the ideal point (both in
:mod:`~simulator.analysis.strategic.hull`).

Stationary subgame-perfect equilibrium (Rubinstein 1982; for a convex set, Binmore, Rubinstein &
Wolinsky 1986, §3): ``a`` always proposes ``x`` and ``b`` always proposes ``y``, both on the
boundary, each proposal leaving the responder indifferent between accepting now and proposing next
round (or, at a corner, strictly better off)::

    x_a = psi(d_b + delta_b * (y_b - d_b)),    y_b = phi(d_a + delta_a * (x_a - d_a)),

and ``x`` is accepted at once. On the unit pie (``u_1 + u_2 = 1``, ``d = 0``) this is the closed
form ``x_1 = (1 - delta_2) / (1 - delta_1 * delta_2)`` (Rubinstein 1982). On a scenario ``x_a`` is
the fixed point of the monotone map
``T(x_a) = psi(d_b + delta_b (phi(d_a + delta_a (x_a - d_a)) - d_b))`` on ``[d_a, I_a]``, found by
Brent's method (``T(d_a) >= d_a`` and ``T(I_a) <= I_a``; unique on a convex set). Why the hull and
not the packages alone: with finitely many packages the indifference conditions cannot hold exactly,
and the discrete game has a multitude of subgame-perfect equilibria (any package can be supported
when the grid is coarse relative to ``1 - delta``); lotteries make the set convex and the
equilibrium unique. The package reported as the *agreement* is the frontier package nearest to the
equilibrium point (in gains normalised by ``I - d``); the lottery between the two hull vertices
around it is reported too.

Limit (Binmore, Rubinstein & Wolinsky 1986, §4): with a round of length ``Delta``,
``delta_i = exp(-r_i * Delta)``; as ``Delta -> 0`` both proposals converge to the weighted Nash
bargaining solution of ``S`` with powers ``beta_i = (1 / r_i) / (1 / r_a + 1 / r_b)``: the more
patient party (smaller ``r_i``) has the larger power. :func:`rubinstein` reports the sequence
``delta_i ** (1 / n)``, ``n = 1, 2, 4, ...``, and its distance to that point.

References
----------
Binmore, K., Rubinstein, A. & Wolinsky, A. (1986). The Nash bargaining solution in economic
modelling. RAND J. Econ. 17(2), 176-188. Nash, J. (1950). The bargaining problem. Econometrica 18,
155-162. Rubinstein, A. (1982). Perfect equilibrium in a bargaining model. Econometrica 50, 97-109.
Osborne, M. J. & Rubinstein, A. (1990). Bargaining and Markets, ch. 3-4. Academic Press.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import brentq

from simulator.analysis.strategic.frontier import BargainingFrontier
from simulator.analysis.strategic.hull import (
    boundary_phi,
    boundary_psi,
    upper_hull,
    weighted_nash_on_hull,
)
from simulator.compiled import FloatArray
from simulator.errors import ScenarioError
from simulator.limits import MAX_RUBINSTEIN_STEPS

__all__ = [
    "ConvergenceStep",
    "RubinsteinResult",
    "bargaining_powers",
    "discount_factors",
    "rubinstein",
    "rubinstein_share",
    "upper_hull",
    "weighted_nash_on_hull",
]

#: Default number of halvings of the round length in the convergence series (n = 1, 2, ..., 2**12).
CONVERGENCE_STEPS = 13


def _check_delta(delta: Any, name: str) -> float:
    try:
        value = float(delta)
    except (TypeError, ValueError):
        raise ScenarioError(f"{name} must be a number in (0, 1], got {delta!r}") from None
    if not (0.0 < value <= 1.0) or math.isnan(value):
        raise ScenarioError(f"{name} must lie in (0, 1], got {delta!r}")
    return value


def discount_factors(deltas: Sequence[Any]) -> FloatArray:
    """``(2,)`` validated discount factors: each in ``(0, 1]``, not both 1.

    Raises
    ------
    ScenarioError
        For a value outside ``(0, 1]``, not exactly two values, or both equal to 1 (with no cost of
        delay at all every division is an equilibrium).
    """
    if len(deltas) != 2:
        raise ScenarioError(f"give two discount factors, got {len(deltas)}")
    d = np.array([_check_delta(x, f"delta {k + 1}") for k, x in enumerate(deltas)])
    if np.all(d == 1.0):
        raise ScenarioError(
            "at least one discount factor must be below 1 (no cost of delay at all)"
        )
    return d


def rubinstein_share(delta1: float, delta2: float) -> float:
    """The first mover's share of the unit pie in the unique SPE (Rubinstein 1982).

    ``(1 - delta2) / (1 - delta1 * delta2)``.

    >>> round(rubinstein_share(0.9, 0.9), 12)  # equal patience: 1 / (1 + delta)
    0.526315789474
    >>> rubinstein_share(1.0, 0.5), rubinstein_share(0.5, 1.0)
    (1.0, 0.0)
    """
    d1, d2 = discount_factors([delta1, delta2])
    return float((1.0 - d2) / (1.0 - d1 * d2))


def bargaining_powers(deltas: Sequence[float] | FloatArray) -> FloatArray:
    """``(2,)`` the BRW (1986) powers ``beta_i ∝ 1 / (-ln delta_i)``, summing to 1.

    >>> bargaining_powers([0.99, 0.98]).round(4).tolist()  # half the rate, about twice the power
    [0.6678, 0.3322]
    >>> bargaining_powers([1.0, 0.9]).tolist()  # an infinitely patient party has all the power
    [1.0, 0.0]
    """
    d = discount_factors(list(np.asarray(deltas, dtype=np.float64)))
    rates = -np.log(d)
    if rates[0] == 0.0:
        return np.array([1.0, 0.0])
    if rates[1] == 0.0:
        return np.array([0.0, 1.0])
    inv = 1.0 / rates
    return np.asarray(inv / inv.sum())


def _spe(hull: FloatArray, d: FloatArray, delta: FloatArray) -> FloatArray:
    """The stationary SPE proposal ``x`` of ``a`` (the first party) on the hull boundary; ``b``'s
    is the same call with the parties swapped (``hull[::-1, ::-1]``)."""
    if len(hull) == 1:
        return hull[0].copy()

    def step(xa: float) -> float:
        yb = boundary_phi(hull, d[0] + delta[0] * (xa - d[0]))
        return boundary_psi(hull, d[1] + delta[1] * (yb - d[1]))

    lo, hi = float(d[0]), float(hull[-1, 0])
    if step(hi) >= hi:
        xa = hi
    elif step(lo) <= lo:
        xa = lo
    else:
        xa = float(brentq(lambda x: step(x) - x, lo, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps))
    return np.array([xa, boundary_phi(hull, xa)])


@dataclass(frozen=True, eq=False)
class ConvergenceStep:
    """One round length ``Delta = 1 / n``: the SPE with ``delta_i ** (1 / n)`` and its distance to
    the weighted Nash point (Euclidean, in utilities)."""

    n: int
    deltas: FloatArray
    proposal_a: FloatArray
    proposal_b: FloatArray
    distance: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "deltas": [float(x) for x in self.deltas],
            "a_proposes": [round(float(x), 12) for x in self.proposal_a],
            "b_proposes": [round(float(x), 12) for x in self.proposal_b],
            "distance": float(self.distance),
        }


@dataclass(frozen=True, eq=False)
class RubinsteinResult:
    """The SPE of the alternating-offers game on a frontier (see the module Notation).

    ``a_first`` / ``b_first``: ``(2,)`` utilities ``(u_a, u_b)`` of the agreement when ``a`` / ``b``
    proposes first (accepted at once); ``powers`` the BRW powers; ``weighted_nash`` the limit point;
    ``agreement_row`` the frontier row of the package nearest to ``a_first``.
    """

    frontier: BargainingFrontier
    deltas: FloatArray
    hull: FloatArray
    a_first: FloatArray
    b_first: FloatArray
    powers: FloatArray
    weighted_nash: FloatArray
    agreement_row: int
    convergence: tuple[ConvergenceStep, ...]
    delta_source: str = "given"
    #: Per party, the scenario's citation for its discount factor (``discount: {value, source}``).
    delta_citations: tuple[str | None, str | None] = (None, None)

    def shares(self, point: FloatArray | None = None) -> FloatArray:
        """Normalised gains ``(u - d) / (I - d)`` of ``point`` (default ``a_first``); on a linear
        frontier (the unit pie) they sum to 1."""
        return self.frontier.shares(self.a_first if point is None else point)

    @property
    def first_mover_share(self) -> float:
        return float(self.shares()[0])

    def lottery(self) -> dict[str, Any]:
        """``a_first`` as a lottery between the two hull vertices around it."""
        h = self.hull
        if len(h) == 1:
            return {"vertices": [h[0].tolist()], "weights": [1.0]}
        k = int(np.clip(np.searchsorted(h[:, 0], self.a_first[0]), 1, len(h) - 1))
        span = h[k, 0] - h[k - 1, 0]
        w = 0.0 if span == 0 else float((self.a_first[0] - h[k - 1, 0]) / span)
        return {"vertices": [h[k - 1].tolist(), h[k].tolist()], "weights": [1.0 - w, w]}

    def contract_dict(self) -> dict[str, Any]:
        """The JSON of ``bargain game rubinstein --json``: first mover's share, both shares, and
        with a scenario the agreement package."""
        a, b = self.frontier.parties
        s = self.shares()
        out: dict[str, Any] = {
            "first_mover_share": float(s[0]),
            "shares": {a: float(s[0]), b: float(s[1])},
        }
        if self.frontier.scenario is not None:
            out["agreement"] = self.frontier.package(self.agreement_row)
        return out

    def to_dict(self) -> dict[str, Any]:
        a, b = self.frontier.parties
        out = self.contract_dict()
        f = self.frontier
        out.update(
            {
                "parties": [a, b],
                "hold": f.hold,
                "deltas": {a: float(self.deltas[0]), b: float(self.deltas[1])},
                "delta_source": self.delta_source,
                "delta_citations": {a: self.delta_citations[0], b: self.delta_citations[1]},
                "disagreement": {a: float(f.disagreement[0]), b: float(f.disagreement[1])},
                "ideal": {a: float(f.ideal[0]), b: float(f.ideal[1])},
                "frontier_size": f.size,
                "hull_vertices": len(self.hull),
                "spe": {
                    f"{a}_proposes_first": {a: float(self.a_first[0]), b: float(self.a_first[1])},
                    f"{b}_proposes_first": {a: float(self.b_first[0]), b: float(self.b_first[1])},
                },
                "spe_point": {a: float(self.a_first[0]), b: float(self.a_first[1])},
                "lottery": self.lottery(),
                "powers": {a: float(self.powers[0]), b: float(self.powers[1])},
                "weighted_nash": {
                    a: float(self.weighted_nash[0]),
                    b: float(self.weighted_nash[1]),
                },
                "convergence": [c.to_dict() for c in self.convergence],
            }
        )
        return out


def _nearest_row(frontier: BargainingFrontier, point: FloatArray) -> int:
    room = np.maximum(frontier.ideal - frontier.disagreement, frontier.tol)
    dist = np.linalg.norm((frontier.utilities - point) / room, axis=1)
    return int(np.argmin(dist))


def rubinstein(
    frontier: BargainingFrontier,
    deltas: Sequence[float],
    *,
    steps: int = CONVERGENCE_STEPS,
    delta_source: str = "given",
    delta_citations: Sequence[str | None] = (None, None),
) -> RubinsteinResult:
    """The stationary SPE of alternating offers on ``frontier``, ``a`` proposing first.

    Parameters
    ----------
    frontier
        From :func:`~simulator.analysis.strategic.frontier.bargaining_frontier` or
        :func:`~simulator.analysis.strategic.frontier.unit_pie_frontier`; not empty.
    deltas
        ``(delta_a, delta_b)`` per round (month), each in ``(0, 1]``, not both 1.
    steps
        Length of the convergence series (round length ``1 / n``, ``n = 1, 2, ..., 2**(steps-1)``).
    delta_source
        Where the discount factors came from (``given``, ``scenario``), for the report.
    delta_citations
        Per party, the source the scenario cites for its discount factor, or None.

    Returns
    -------
    RubinsteinResult

    Raises
    ------
    ScenarioError
        For an empty frontier, invalid discount factors or ``steps < 1``.

    Examples
    --------
    >>> from simulator.analysis.strategic.frontier import unit_pie_frontier
    >>> r = rubinstein(unit_pie_frontier(), [0.9, 0.8])
    >>> round(r.first_mover_share, 12), round((1 - 0.8) / (1 - 0.9 * 0.8), 12)
    (0.714285714286, 0.714285714286)
    >>> r.powers.round(3).tolist(), r.weighted_nash.round(3).tolist()
    ([0.679, 0.321], [0.679, 0.321])
    """
    delta = discount_factors(deltas)
    if frontier.size == 0:
        raise ScenarioError(
            "the two parties' frontier is empty (no ZOPA package meets the floors): nothing to "
            "bargain over; open the ZOPA first (e.g. with --edit) or hold the others at "
            "their reservation"
        )
    if not 1 <= steps <= MAX_RUBINSTEIN_STEPS:
        raise ScenarioError(
            f"steps must be >= 1 and <= {MAX_RUBINSTEIN_STEPS} (round lengths down to "
            f"2**-{MAX_RUBINSTEIN_STEPS - 1}), got {steps}"
        )
    hull = upper_hull(frontier.utilities)
    d = np.asarray(frontier.disagreement, dtype=np.float64)
    x = _spe(hull, d, delta)
    yb = _spe(hull[::-1, ::-1], d[::-1], delta[::-1])
    b_first = yb[::-1]
    powers = bargaining_powers(delta)
    wnash = weighted_nash_on_hull(hull, d, powers)
    series = []
    for k in range(steps):
        n = 2**k
        dk = delta ** (1.0 / n)
        xa = _spe(hull, d, dk)
        xb = _spe(hull[::-1, ::-1], d[::-1], dk[::-1])
        series.append(ConvergenceStep(n, dk, xa, xb[::-1], float(np.linalg.norm(xa - wnash))))
    return RubinsteinResult(
        frontier,
        delta,
        hull,
        x,
        b_first,
        powers,
        wnash,
        _nearest_row(frontier, x),
        tuple(series),
        delta_source,
        (delta_citations[0], delta_citations[1]),
    )
