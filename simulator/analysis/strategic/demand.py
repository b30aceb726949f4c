"""The Nash demand game between two parties, on their frontier with the other parties held.

Notation
--------
``F`` ``(m, 2)`` the two-party frontier and ``d = (d_a, d_b)`` the disagreement point
(:mod:`~simulator.analysis.strategic.frontier`). Party ``a`` demands a utility level ``x_i`` from
its grid ``x_0 < ... < x_{k1-1}``, party ``b`` a level ``y_j``, simultaneously (Nash 1953). The pair
is *jointly feasible*, ``C[i, j]``, when some package of ``F`` gives both at least what they demand
(``f_a >= x_i`` and ``f_b >= y_j``). Payoffs: ``A[i, j] = x_i`` and ``B[i, j] = y_j`` when
``C[i, j]``, ``d_a`` and ``d_b`` otherwise.

Grids: by default each party's demands are its utilities on ``F`` (at least ``d``) plus ``d``
itself, so that every frontier package is a demand pair; ``grid=N`` gives ``N`` evenly spaced levels
from ``d`` to the ideal ``I``.

Equilibria
----------
A pair is *efficient* when it is feasible and neither party can raise its demand to its next level
and stay feasible. The pure equilibria are exactly

- the efficient pairs (*agreement* equilibria: a feasible pair where one could demand more is not a
  best reply; an efficient pair is, as any other demand pays the demander less or ``d``), and
- the infeasible pairs where neither party has a feasible demand above its reservation against the
  other's (*disagreement* equilibria, weak: each demands so much that the other gets ``d`` whatever
  it does; e.g. both demanding everything, Osborne 2004, §2.9, ex. 2).

They are found exactly, by the vectorised best-reply test of :func:`.bimatrix.pure_equilibria`. The
game is highly degenerate (every infeasible demand pays ``d``), so its equilibria form continua
(any mixture of the demands above a threshold is a best reply) and no algorithm can list "all" of
them. The mixed ones come from nashpy (:func:`.bimatrix.equilibria`, method by size), each checked;
the result's ``complete`` flag refers to the pure equilibria only (always True); the mixed ones are
a sample (the extreme equilibria the algorithm reached).

Relation to the Nash bargaining solution: with the frontier grid, the agreement equilibria are
exactly the frontier packages, and the one that maximises the Nash product ``(x - d_a)(y - d_b)``
is the Nash bargaining solution. Nash (1953) selected it by *smoothing*: when feasibility near the
frontier is only probable, every equilibrium of the smoothed game converges to the NBS as the
uncertainty vanishes. On a coarser grid the reported distance says how far the best equilibrium
is from the NBS.

References
----------
Nash, J. (1953). Two-person cooperative games. Econometrica 21, 128-140. Osborne, M. J. (2004).
An Introduction to Game Theory, §2.9 (ex. 2) and §3.? (the Nash demand game). Oxford University
Press. Binmore, K. (1987). Nash bargaining theory II. In Binmore & Dasgupta (eds.), The Economics of
Bargaining, Blackwell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from simulator.analysis.strategic.bimatrix import EquilibriumSet, equilibria
from simulator.analysis.strategic.frontier import BargainingFrontier
from simulator.compiled import FloatArray
from simulator.errors import ScenarioError
from simulator.solver import select_solution

__all__ = ["DemandGame", "demand_game", "demand_levels", "efficient_pairs", "feasibility"]

BoolArray = NDArray[np.bool_]
#: Largest number of demand levels per party.
MAX_GRID = 400


def demand_levels(frontier: BargainingFrontier, grid: int | None = None) -> tuple[FloatArray, ...]:
    """``(x, y)``: each party's demand levels, ascending (see the module Notation).

    >>> from simulator.analysis.strategic.frontier import unit_pie_frontier
    >>> [v.tolist() for v in demand_levels(unit_pie_frontier(3))]
    [[0.0, 0.5, 1.0], [0.0, 0.5, 1.0]]
    """
    d, u, tol = frontier.disagreement, frontier.utilities, frontier.tol
    out = []
    for p in range(2):
        if grid is None:
            raw = np.concatenate([[d[p]], u[u[:, p] >= d[p] - tol, p]])
        else:
            raw = np.linspace(d[p], frontier.ideal[p], grid)
        raw = np.sort(raw)
        keep = np.ones(len(raw), dtype=bool)
        keep[1:] = np.diff(raw) > tol
        out.append(raw[keep])
    return tuple(out)


def feasibility(frontier: BargainingFrontier, x: FloatArray, y: FloatArray) -> BoolArray:
    """``(k1, k2)`` boolean ``C``: some package of ``F`` gives ``a`` at least ``x[i]`` and ``b`` at
    least ``y[j]`` (up to the tie tolerance).

    >>> from simulator.analysis.strategic.frontier import unit_pie_frontier
    >>> feasibility(unit_pie_frontier(3), np.array([0, .5, 1]), np.array([0, .5, 1])).astype(int)
    array([[1, 1, 1],
           [1, 1, 0],
           [1, 0, 0]])
    """
    u, tol = frontier.utilities, frontier.tol
    reaches = u[None, :, 0] >= np.asarray(x)[:, None] - tol  # (k1, m)
    best_b = np.where(reaches, u[None, :, 1], -np.inf).max(axis=1)  # (k1,)
    return np.asarray(np.asarray(y)[None, :] <= best_b[:, None] + tol)


def efficient_pairs(feasible: BoolArray) -> BoolArray:
    """``(k1, k2)``: feasible pairs where neither party's next level is still feasible (levels
    ascending, so feasibility is monotone)."""
    up_a = np.zeros_like(feasible)
    up_a[:-1] = feasible[1:]
    up_b = np.zeros_like(feasible)
    up_b[:, :-1] = feasible[:, 1:]
    return np.asarray(feasible & ~up_a & ~up_b)


@dataclass(frozen=True, eq=False)
class DemandGame:
    """The Nash demand game and its equilibria (see the module Notation).

    ``payoffs`` ``(2, k1, k2)`` holds ``A`` and ``B``; ``pure_agreement`` and
    ``pure_disagreement`` the pure equilibria as ``(i, j)``; ``nash_row`` the frontier row of the
    NBS (None if no package gives both a gain); ``best_row`` the demand pair among the agreement
    equilibria with the largest Nash product.
    """

    frontier: BargainingFrontier
    levels: tuple[FloatArray, FloatArray]
    feasible: BoolArray
    payoffs: FloatArray
    equilibria: EquilibriumSet
    pure_agreement: tuple[tuple[int, int], ...]
    pure_disagreement: tuple[tuple[int, int], ...]
    nash_row: int | None
    best_pair: tuple[int, int] | None
    grid: int | None

    def nash_product(self, i: int, j: int) -> float:
        d = self.frontier.disagreement
        return float(max(self.levels[0][i] - d[0], 0.0) * max(self.levels[1][j] - d[1], 0.0))

    def distance_to_nash(self, i: int, j: int) -> float | None:
        """Euclidean distance (utilities) from the demand pair to the NBS; None without an NBS."""
        if self.nash_row is None:
            return None
        pair = np.array([self.levels[0][i], self.levels[1][j]])
        return float(np.linalg.norm(pair - self.frontier.utilities[self.nash_row]))

    def _pair_dict(self, i: int, j: int) -> dict[str, Any]:
        a, b = self.frontier.parties
        dist = self.distance_to_nash(i, j)
        return {
            "demands": {a: float(self.levels[0][i]), b: float(self.levels[1][j])},
            "nash_product": self.nash_product(i, j),
            "distance_to_nash": None if dist is None else round(dist, 12),
        }

    def to_dict(self) -> dict[str, Any]:
        a, b = self.frontier.parties
        f = self.frontier
        mixed = [e for e in self.equilibria.equilibria if not e.pure]
        nash = None if self.nash_row is None else f.package(self.nash_row)
        return {
            "parties": [a, b],
            "hold": f.hold,
            "disagreement": {a: float(f.disagreement[0]), b: float(f.disagreement[1])},
            "frontier_size": f.size,
            "grid": "frontier" if self.grid is None else self.grid,
            "levels": {a: self.levels[0].tolist(), b: self.levels[1].tolist()},
            "feasible_pairs": int(self.feasible.sum()),
            "method": self.equilibria.method,
            "pure_equilibria": {
                "agreement": [self._pair_dict(i, j) for i, j in self.pure_agreement],
                "disagreement": [self._pair_dict(i, j) for i, j in self.pure_disagreement],
                "complete": True,
            },
            "mixed_equilibria": [
                {
                    "support": {a: list(e.support[0]), b: list(e.support[1])},
                    a: {str(k): float(e.row[k]) for k in e.support[0]},
                    b: {str(k): float(e.col[k]) for k in e.support[1]},
                    "payoffs": {a: float(e.payoffs[0]), b: float(e.payoffs[1])},
                }
                for e in mixed
            ],
            "mixed_complete": self.equilibria.complete,
            "degenerate": self.equilibria.degenerate,
            "nash_solution": nash,
            "best_equilibrium": None
            if self.best_pair is None
            else self._pair_dict(*self.best_pair),
            "best_equilibrium_is_nash": self.best_is_nash,
        }

    @property
    def best_is_nash(self) -> bool:
        """Whether the agreement equilibrium with the largest Nash product is the NBS's pair."""
        if self.best_pair is None or self.nash_row is None:
            return False
        dist = self.distance_to_nash(*self.best_pair)
        return dist is not None and dist <= 10 * self.frontier.tol


def demand_game(
    frontier: BargainingFrontier, *, grid: int | None = None, method: str = "auto"
) -> DemandGame:
    """Build the Nash demand game on ``frontier`` and find its equilibria.

    Parameters
    ----------
    frontier
        The two-party frontier, not empty.
    grid
        None: the frontier's own utility levels; ``N`` (2..400): evenly spaced levels.
    method
        nashpy algorithm for the mixed equilibria (see :func:`.bimatrix.equilibria`).

    Returns
    -------
    DemandGame

    Raises
    ------
    ScenarioError
        For an empty frontier, a bad grid or method.

    Examples
    --------
    The unit pie in quarters: the efficient splits are the agreement equilibria; both demanding
    everything is a (weak) disagreement equilibrium; the NBS (1/2, 1/2) maximises the Nash product.

    >>> from simulator.analysis.strategic.frontier import unit_pie_frontier
    >>> g = demand_game(unit_pie_frontier(5))
    >>> [(float(g.levels[0][i]), float(g.levels[1][j])) for i, j in g.pure_agreement]
    [(0.0, 1.0), (0.25, 0.75), (0.5, 0.5), (0.75, 0.25), (1.0, 0.0)]
    >>> g.pure_disagreement, g.best_pair, g.best_is_nash
    (((4, 4),), (2, 2), True)
    """
    if frontier.size == 0:
        raise ScenarioError(
            "the two parties' frontier is empty (no ZOPA package meets the floors): there is "
            "nothing to demand; open the ZOPA first (e.g. with --edit)"
        )
    if grid is not None and not 2 <= grid <= MAX_GRID:
        raise ScenarioError(f"--grid must lie in 2..{MAX_GRID}, got {grid}")
    x, y = demand_levels(frontier, grid)
    if grid is None and max(len(x), len(y)) > MAX_GRID:
        x, y = demand_levels(frontier, MAX_GRID)
        grid = MAX_GRID
    feasible = feasibility(frontier, x, y)
    d = frontier.disagreement
    A = np.where(feasible, x[:, None], d[0])
    B = np.where(feasible, y[None, :], d[1])
    found = equilibria(A, B, method)
    pure = [e.support for e in found.pure]
    pairs = [(s[0][0], s[1][0]) for s in pure]
    agreement = tuple(sorted(p for p in pairs if feasible[p]))
    disagreement = tuple(sorted(p for p in pairs if not feasible[p]))
    nash_row = frontier.nash_row()
    best = None
    if agreement:
        # the solver's Nash criterion and tie-break (normalised gains, then first), as nash_row
        u = np.array([[x[i], y[j]] for i, j in agreement], dtype=np.float64)
        row = select_solution("nash", u, np.arange(len(u)), d, np.ones(2))
        best = None if row is None else agreement[row]
    return DemandGame(
        frontier,
        (x, y),
        feasible,
        np.stack([A, B]),
        found,
        agreement,
        disagreement,
        nash_row,
        best,
        grid,
    )
