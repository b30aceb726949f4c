"""Equilibria of two-player games in strategic form (with nashpy) and the classic 2x2 structures.

Notation
--------
A bimatrix game ``(A, B)``: the row player picks ``i``, the column player ``j``; they receive
``A[i, j]`` and ``B[i, j]`` (both ``(k1, k2)``). Mixed strategies ``sigma`` ``(k1,)`` and ``tau``
``(k2,)`` form a Nash equilibrium (Nash 1951) when each puts weight only on best replies to the
other.

Algorithms
----------
All three come from nashpy (Knight & Campbell 2018), chosen by name like
``scipy.optimize.minimize(method=...)``:

- ``support``: support enumeration (every pair of supports, all sizes; von Stengel 2007, §3.4) finds
  every equilibrium of a nondegenerate game; the cost grows as ``4^k``;
- ``vertex``: vertex enumeration of the best-response polytopes (von Stengel 2007, §3.5; Avis 2000)
  finds every extreme equilibrium; the cost grows with the number of vertices;
- ``lemke-howson``: the Lemke–Howson path (Lemke & Howson 1964) from each of the ``k1 + k2`` initial
  labels, with lexicographic pivoting for degenerate games; fast, but finds only some equilibria.

``auto`` picks ``support`` up to 5 strategies per player, ``vertex`` up to 8 and ``lemke-howson``
beyond. Measured on the Nash demand game of the unit pie (one core, nashpy 0.0.43): support
enumeration takes 0.2 s at 5x5, 0.8 s at 6x6, 2.8 s at 7x7, 10 s at 8x8 (x4 per strategy); vertex
enumeration 0.1 s at 5x5, 0.5 s at 7x7, 1.8 s at 8x8 and 171 s at 11x11; Lemke-Howson from all
``k1 + k2`` labels stays below 0.02 s. Every equilibrium returned is checked (each player's support
holds only best replies; a failure of the algorithm on a degenerate game is dropped, not reported),
and the pure equilibria are always found exactly by a vectorised best-reply test, whatever the
method.

*Complete* means: every equilibrium of a nondegenerate game (support and vertex enumeration). A
degenerate game (a pure strategy with more than one best reply, detected here) can have continua
of equilibria; then only the pure ones are complete, and ``complete`` is False.

References
----------
Avis, D. (2000). lrs: a revised implementation of the reverse search vertex enumeration algorithm.
Knight, V. & Campbell, J. (2018). Nashpy: a Python library for the computation of Nash equilibria.
JOSS 3(30), 904. Lemke, C. E. & Howson, J. T. (1964). Equilibrium points of bimatrix games. SIAM J.
Appl. Math. 12, 413–423. Nash, J. (1951). Non-cooperative games. Ann. Math. 54, 286–295.
Rapoport, A. & Guyer, M. (1966). A taxonomy of 2x2 games. General Systems 11, 203–214.
von Stengel, B. (2007). Equilibrium computation for two-player games in strategic and extensive
form. In Nisan et al. (eds.), Algorithmic Game Theory, ch. 3.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from simulator.compiled import FloatArray
from simulator.errors import ScenarioError

__all__ = [
    "METHODS",
    "STRUCTURES",
    "Equilibrium",
    "EquilibriumSet",
    "classify_2x2",
    "equilibria",
    "is_degenerate",
    "pure_equilibria",
]

Method = Literal["auto", "support", "vertex", "lemke-howson"]
METHODS: tuple[str, ...] = ("auto", "support", "vertex", "lemke-howson")
#: Largest strategy count per player for which ``auto`` uses support / vertex enumeration.
AUTO_SUPPORT, AUTO_VERTEX = 5, 8
_CHECK_TOL = 1e-9

STRUCTURES: dict[str, str] = {
    "prisoners_dilemma": "holding is dominant for both, yet both conceding is better for both",
    "deadlock": "holding is dominant for both and both holding is not worse than both conceding",
    "harmony": "conceding is dominant for both",
    "chicken": "each wants to hold while the other concedes; both holding is worst for both",
    "anti_coordination": (
        "each wants to do the opposite of the other (both holding is not the worst)"
    ),
    "coordination": "each does best to match the other: both hold or both concede are equilibria",
    "one_sided": "one party has a dominant strategy and the other best-replies to it",
    "cyclic": "no pure equilibrium: best replies cycle (matching pennies)",
    "indifferent": "neither party's choice changes its own payoff",
    "other": "none of the classic structures",
}


@dataclass(frozen=True, eq=False)
class Equilibrium:
    """One Nash equilibrium: mixed strategies ``row`` ``(k1,)``, ``col`` ``(k2,)`` and payoffs."""

    row: FloatArray
    col: FloatArray
    payoffs: FloatArray

    @property
    def pure(self) -> bool:
        return bool(np.count_nonzero(self.row) == 1 and np.count_nonzero(self.col) == 1)

    @property
    def support(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return (
            tuple(int(i) for i in np.flatnonzero(self.row)),
            tuple(int(j) for j in np.flatnonzero(self.col)),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row.tolist(),
            "col": self.col.tolist(),
            "payoffs": self.payoffs.tolist(),
            "pure": self.pure,
        }


@dataclass(frozen=True, eq=False)
class EquilibriumSet:
    """The equilibria found, the method used and whether the list is known to be complete."""

    equilibria: tuple[Equilibrium, ...]
    method: str
    complete: bool
    degenerate: bool = False

    @property
    def pure(self) -> tuple[Equilibrium, ...]:
        return tuple(e for e in self.equilibria if e.pure)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "complete": self.complete,
            "degenerate": self.degenerate,
            "equilibria": [e.to_dict() for e in self.equilibria],
        }


def _validate(a: Any, b: Any) -> tuple[FloatArray, FloatArray]:
    A, B = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if A.ndim != 2 or A.shape != B.shape or A.size == 0:
        raise ScenarioError(
            f"payoff matrices must be two non-empty (k1, k2) arrays, got {A.shape}, {B.shape}"
        )
    if not (np.isfinite(A).all() and np.isfinite(B).all()):
        raise ScenarioError("payoffs must be finite numbers")
    return A, B


def pure_equilibria(a: Any, b: Any, tol: float = 0.0) -> list[tuple[int, int]]:
    """Every pure equilibrium ``(i, j)`` of ``(A, B)``, by a vectorised best-reply test.

    >>> pure_equilibria([[3, 0], [5, 1]], [[3, 5], [0, 1]])  # prisoner's dilemma
    [(1, 1)]
    """
    A, B = _validate(a, b)
    best_row = A >= A.max(axis=0, keepdims=True) - tol
    best_col = B >= B.max(axis=1, keepdims=True) - tol
    return [(int(i), int(j)) for i, j in zip(*np.nonzero(best_row & best_col), strict=True)]


def _is_equilibrium(A: FloatArray, B: FloatArray, row: FloatArray, col: FloatArray) -> bool:
    if row.shape != (A.shape[0],) or col.shape != (A.shape[1],):
        return False
    if not (np.all(row >= -_CHECK_TOL) and np.all(col >= -_CHECK_TOL)):
        return False
    if abs(row.sum() - 1) > 1e-6 or abs(col.sum() - 1) > 1e-6:
        return False
    scale = _CHECK_TOL * max(1.0, float(np.abs(A).max()), float(np.abs(B).max()))
    to_row, to_col = A @ col, row @ B
    return bool(
        np.all(to_row[row > _CHECK_TOL] >= to_row.max() - scale)
        and np.all(to_col[col > _CHECK_TOL] >= to_col.max() - scale)
    )


def _clean(p: FloatArray) -> FloatArray:
    p = np.where(np.abs(p) < _CHECK_TOL, 0.0, np.asarray(p, dtype=np.float64))
    return np.asarray(p / p.sum())


#: Pivots allowed per Lemke-Howson path; nashpy 0.0.43 can cycle on degenerate games.
MAX_PIVOTS = 1000


def _lemke_howson(A: FloatArray, B: FloatArray) -> list[tuple[Any, Any]]:
    """Lemke-Howson from every initial label (nashpy's tableaux, lexicographic pivoting) on
    payoffs shifted to be positive, each path cut after :data:`MAX_PIVOTS` pivots (then dropped)."""
    from itertools import cycle

    from nashpy.linalg import create_col_tableau, create_row_tableau

    A, B = A - A.min() + 1.0, B - B.min() + 1.0
    out = []
    for label in range(sum(A.shape)):
        col, row = create_col_tableau(A, True), create_row_tableau(B, True)
        tableaux = cycle((row, col)) if label in row.non_basic_variables else cycle((col, row))
        full, entering = col.labels, label
        for _ in range(MAX_PIVOTS):
            try:
                entering = next(tableaux).pivot_and_drop_label(entering)
            except (KeyError, ValueError, IndexError):  # nashpy fails on some degenerate paths
                break
            if col.non_basic_variables.union(row.non_basic_variables) == full:
                out.append(
                    (
                        row.to_strategy(col.non_basic_variables),
                        col.to_strategy(row.non_basic_variables),
                    )
                )
                break
    return out


def _nashpy(A: FloatArray, B: FloatArray, method: str) -> Iterable[tuple[Any, Any]]:
    import nashpy

    game = nashpy.Game(A, B)
    if method == "support":
        return list(game.support_enumeration())
    if method == "vertex":
        return list(game.vertex_enumeration())
    return _lemke_howson(A, B)


def equilibria(a: Any, b: Any, method: Method | str = "auto") -> EquilibriumSet:
    """The Nash equilibria of the bimatrix game ``(A, B)`` (see the module docstring).

    Parameters
    ----------
    a, b
        ``(k1, k2)`` payoffs of the row and the column player.
    method
        ``auto``, ``support``, ``vertex`` or ``lemke-howson``.

    Returns
    -------
    EquilibriumSet
        Checked and de-duplicated equilibria, pure ones first; ``complete`` is True for support and
        vertex enumeration on a nondegenerate game (all its equilibria), False for Lemke–Howson or a
        degenerate game.

    Raises
    ------
    ScenarioError
        For malformed payoffs or an unknown method.

    Examples
    --------
    Matching pennies has one equilibrium, both players mixing half and half (von Neumann &
    Morgenstern 1944):

    >>> eq = equilibria([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    >>> [(e.row.tolist(), e.col.tolist()) for e in eq.equilibria], eq.method
    ([([0.5, 0.5], [0.5, 0.5])], 'support')
    """
    A, B = _validate(a, b)
    if method not in METHODS:
        raise ScenarioError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if method == "auto":
        k = max(A.shape)
        method = (
            "support" if k <= AUTO_SUPPORT else "vertex" if k <= AUTO_VERTEX else "lemke-howson"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # nashpy's notes on degenerate games
        try:
            found = list(_nashpy(A, B, method))
        except Exception as exc:  # e.g. Qhull on a degenerate polytope: fall back to Lemke-Howson
            if method == "lemke-howson":
                raise
            found = list(_nashpy(A, B, "lemke-howson"))
            method = f"lemke-howson (after {method} failed: {type(exc).__name__})"
    for i, j in pure_equilibria(A, B, _CHECK_TOL * max(1.0, float(np.abs(A).max()))):
        found.append((np.eye(A.shape[0])[i], np.eye(A.shape[1])[j]))
    seen: dict[tuple[float, ...], Equilibrium] = {}
    for row, col in found:
        row, col = np.asarray(row, dtype=np.float64), np.asarray(col, dtype=np.float64)
        if not _is_equilibrium(A, B, row, col):
            continue
        row, col = _clean(row), _clean(col)
        key = tuple(np.round(np.concatenate([row, col]), 9).tolist())
        if key not in seen:
            seen[key] = Equilibrium(row, col, np.array([row @ A @ col, row @ B @ col]))
    ordered = sorted(
        seen.values(),
        key=lambda e: (not e.pure, len(e.support[0]) + len(e.support[1]), e.support),
    )
    degenerate = is_degenerate(A, B)
    complete = method in ("support", "vertex") and not degenerate
    return EquilibriumSet(tuple(ordered), method, complete, degenerate)


def is_degenerate(a: Any, b: Any, tol: float = 0.0) -> bool:
    """Whether some pure strategy has more than one pure best reply (a sufficient test of
    degeneracy; von Stengel 2007, def. 3.5).

    >>> is_degenerate([[1, 1], [0, 2]], [[1, 1], [0, 2]])
    True
    >>> is_degenerate([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    False
    """
    A, B = _validate(a, b)
    rows = (A >= A.max(axis=0, keepdims=True) - tol).sum(axis=0)
    cols = (B >= B.max(axis=1, keepdims=True) - tol).sum(axis=1)
    return bool(rows.max() > 1 or cols.max() > 1)


def _dominant(own: FloatArray, tol: float, strict: bool = False) -> int | None:
    """Own payoffs ``own[s, t]`` (own strategy s, the other's t): the dominant s, or None; -1 if
    both strategies always pay the same. Weak dominance: at least as good against everything and
    better against something; strict: better against everything."""
    diff = own[0] - own[1]
    if np.all(np.abs(diff) <= tol):
        return -1
    if strict:
        return 0 if np.all(diff > tol) else 1 if np.all(diff < -tol) else None
    if np.all(diff >= -tol):
        return 0
    if np.all(diff <= tol):
        return 1
    return None


def classify_2x2(a: Any, b: Any, tol: float = 0.0) -> str:
    """The classic structure of a 2x2 game in which strategy 0 is *hold* and 1 is *concede*.

    Returns one of the keys of :data:`STRUCTURES` (after Rapoport & Guyer 1966), testing in order:
    no choice matters (``indifferent``); strict dominance for both (``prisoners_dilemma`` when both
    conceding beats both holding for both, else ``deadlock``; ``harmony`` when conceding dominates);
    then the pure equilibria: both (hold, hold) and (concede, concede) (``coordination``), both
    off-diagonal profiles (``chicken`` when both holding is the worst outcome for both, else
    ``anti_coordination``), none (``cyclic``); then weak dominance (as for strict), and
    ``one_sided`` when only one party has a dominant strategy. ``tol`` is the tie tolerance.

    Examples
    --------
    Axelrod's (1984) prisoner's dilemma (T=5, R=3, P=1, S=0), holding = defecting:

    >>> classify_2x2([[1, 5], [0, 3]], [[1, 0], [5, 3]])
    'prisoners_dilemma'
    >>> classify_2x2([[0, 3], [1, 2]], [[0, 1], [3, 2]])  # chicken: crash, win, lose, share
    'chicken'
    >>> classify_2x2([[2, 0], [0, 1]], [[1, 0], [0, 2]])  # battle of the sexes
    'coordination'
    >>> classify_2x2([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])  # matching pennies
    'cyclic'
    """
    A, B = _validate(a, b)
    if A.shape != (2, 2):
        raise ScenarioError(f"a 2x2 game is needed, got {A.shape}")
    own_a, own_b = A, B.T
    weak = _dominant(own_a, tol), _dominant(own_b, tol)
    if weak == (-1, -1):
        return "indifferent"
    strict = _dominant(own_a, tol, strict=True), _dominant(own_b, tol, strict=True)
    both_better = A[1, 1] > A[0, 0] + tol and B[1, 1] > B[0, 0] + tol
    if strict == (0, 0):
        return "prisoners_dilemma" if both_better else "deadlock"
    if strict == (1, 1):
        return "harmony"
    pure = set(pure_equilibria(A, B, tol))
    if pure == {(0, 0), (1, 1)}:
        return "coordination"
    if pure == {(0, 1), (1, 0)}:
        worst = A[0, 0] < A.ravel()[1:].min() - tol and B[0, 0] < B.ravel()[1:].min() - tol
        return "chicken" if worst else "anti_coordination"
    if not pure:
        return "cyclic"
    if weak == (0, 0):
        return "prisoners_dilemma" if both_better else "deadlock"
    if weak == (1, 1):
        return "harmony"
    if weak[0] is not None or weak[1] is not None:
        return "one_sided"
    return "other"
