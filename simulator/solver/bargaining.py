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

Ties (criteria within a relative ``1e-12``) go to the larger sum of normalised gains
``sum_p g_p / (I_p - d_p)`` (parties with ``I_p = d_p`` left out), then to the lowest outcome
index (mixed radix, first issue most significant). The normalised sum is monotone, so the optimum
stays on the frontier, and unlike the raw utilitarian sum it does not change when a party's
utility and reservation are rescaled affinely: a scale-invariant solution picks the same package
whatever the scales, ties included.

The registry
------------
:data:`SOLUTIONS` maps each name to a :class:`SolutionConcept`: its criterion, its titles, its
reference, the axioms it satisfies and its plot marker. Everything else derives from it: the solver
picks every registered solution, the reports and the figures take their names and markers from it,
and the contract suite (``tests/solver/test_solution_contract.py``) checks each declared axiom.

Adding a solution is one criterion function and one registry entry, here::

    def _nash_sum(u, d, beta):  # maximise sum_p log g_p, say
        ...

    SolutionConcept(
        name="nash_sum",
        title="Nash sum",  # starts a table row
        label="Nash sum",  # in legends and running text
        criterion=_nash_sum,
        reference="Nash 1950",
        axioms=frozenset({"pareto", "individual_rationality", "symmetry"}),
        marker="v",  # a matplotlib marker no other solution uses
        marker_size=45,  # scatter size in points^2, between the others' so that all stay visible
    ),

added to the tuple that builds :data:`SOLUTIONS` (its position is its place in the JSON, the
reports and the legends). The criterion must be monotone in every ``U_p`` (so that its optimum over
the ZOPA lies on the ZOPA's Pareto frontier, where the solver looks), vectorised over the rows and
return ``(m,)`` floats.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from simulator.compiled import FloatArray, IntArray

__all__ = [
    "AXIOMS",
    "SOLUTIONS",
    "SolutionConcept",
    "select_solution",
    "solution_criterion",
]

Criterion = Callable[[FloatArray, FloatArray, FloatArray], FloatArray]
TIE_TOLERANCE = 1e-12

#: The axioms a solution can declare, each checked by the contract suite on the solver's answers:
#:
#: - ``pareto``: no package of the ZOPA gives every party at least as much and one party more;
#: - ``individual_rationality``: every party gets at least its disagreement value;
#: - ``symmetry``: parties with mirrored preferences, reservations and powers get equal
#:   utilities (a single point, not merely a symmetric set of optima);
#: - ``scale_invariance``: rescaling one party's utilities and reservation by ``c > 0`` leaves
#:   the criterion value of the chosen package unchanged (the package too, but for exact ties).
AXIOMS = ("pareto", "individual_rationality", "symmetry", "scale_invariance")


@dataclass(frozen=True)
class SolutionConcept:
    """One bargaining solution: what it maximises, where it comes from, and how it is shown.

    Attributes
    ----------
    name
        The key in :data:`SOLUTIONS`, in ``SolveResult.solutions`` and in the JSON.
    title
        The name as it starts a table row (``"Weighted Nash"``).
    label
        The name in legends and running text (``"weighted Nash"``).
    criterion
        ``criterion(U, d, beta) -> (m,)``, maximised over the rows of ``U`` (see Notation).
    reference
        Where the solution is defined.
    axioms
        The :data:`AXIOMS` it satisfies, each checked by the contract suite.
    marker, marker_size
        The matplotlib marker and scatter size (points^2) of its point in every figure; sizes are
        nested so that solutions that coincide stay visible.
    """

    name: str
    title: str
    label: str
    criterion: Criterion
    reference: str
    axioms: frozenset[str]
    marker: str
    marker_size: int

    def __post_init__(self) -> None:
        unknown = sorted(self.axioms - set(AXIOMS))
        if unknown:
            raise ValueError(
                f"solution {self.name!r}: unknown axioms {unknown}; choose from {AXIOMS}"
            )


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


_PR = frozenset({"pareto", "individual_rationality"})

#: Every bargaining solution by name, in the order of the JSON, the reports and the legends.
SOLUTIONS: dict[str, SolutionConcept] = {
    c.name: c
    for c in (
        SolutionConcept(
            name="nash",
            title="Nash",
            label="Nash",
            criterion=_nash,
            reference="Nash 1950",
            axioms=_PR | {"symmetry", "scale_invariance"},
            marker="*",
            marker_size=190,
        ),
        SolutionConcept(
            name="weighted_nash",
            title="Weighted Nash",
            label="weighted Nash",
            criterion=_weighted_nash,
            reference="Kalai 1977; Binmore, Rubinstein & Wolinsky 1986",
            axioms=_PR | {"symmetry", "scale_invariance"},  # symmetric when the powers are equal
            marker="P",
            marker_size=120,
        ),
        SolutionConcept(
            name="kalai_smorodinsky",
            title="Kalai–Smorodinsky",
            label="Kalai–Smorodinsky",
            criterion=_kalai_smorodinsky,
            reference="Kalai & Smorodinsky 1975",
            axioms=_PR | {"symmetry", "scale_invariance"},
            marker="D",
            marker_size=80,
        ),
        SolutionConcept(
            name="egalitarian",
            title="Egalitarian",
            label="egalitarian",
            criterion=_egalitarian,
            reference="Kalai 1977",
            axioms=_PR | {"symmetry"},
            marker="s",
            marker_size=55,
        ),
        SolutionConcept(
            # a symmetric problem's utilitarian optimum can be a symmetric set (every package
            # summing to the same), from which the tie-break picks one point: no "symmetry"
            name="utilitarian",
            title="Utilitarian",
            label="utilitarian",
            criterion=_utilitarian,
            reference="Harsanyi 1955",
            axioms=_PR,
            marker="^",
            marker_size=35,
        ),
    )
}


def solution_criterion(
    name: str, u: FloatArray, d: FloatArray, beta: FloatArray, ideal: FloatArray | None = None
) -> FloatArray:
    """The criterion ``(m,)`` that solution ``name`` maximises over the rows of ``u``.

    ``ideal`` ``(P,)``, at least every row of ``u``, is the ideal point of the set the rows are
    drawn from (the ZOPA's, when ``u`` holds only some of its packages): a criterion that reads the
    ideal point (Kalai–Smorodinsky) uses it instead of the rows' own maxima. The criteria are
    otherwise row by row, so the rows are evaluated with ``ideal`` as one more row, which makes it
    the maximum.
    """
    u = np.asarray(u, dtype=np.float64)
    if ideal is None:
        return SOLUTIONS[name].criterion(u, d, beta)
    rows = np.concatenate([u, np.asarray(ideal, dtype=np.float64)[None, :]])
    return np.asarray(SOLUTIONS[name].criterion(rows, d, beta)[: len(u)])


def select_solution(
    name: str,
    u: FloatArray,
    index: IntArray | Sequence[int],
    d: FloatArray,
    beta: FloatArray,
    ideal: FloatArray | None = None,
) -> int | None:
    """Row of ``u`` that solution ``name`` picks, with the documented tie-break; None if ``u`` is
    empty. ``ideal`` is the ideal point of the whole set ``u`` is drawn from, when ``u`` holds only
    some of its rows (see :func:`solution_criterion`); by default ``u``'s own maxima.

    >>> u = np.array([[0.9, 0.1], [0.5, 0.5], [0.1, 0.9]])
    >>> select_solution("nash", u, [0, 1, 2], np.zeros(2), np.ones(2))
    1
    """
    u = np.asarray(u, dtype=np.float64)
    if len(u) == 0:
        return None
    crit = solution_criterion(name, u, d, beta, ideal)
    best = crit.max()
    if np.isfinite(best):
        tied = np.flatnonzero(crit >= best - TIE_TOLERANCE * max(1.0, abs(best)))
    else:
        tied = np.flatnonzero(crit == best)
    if len(tied) == 1:
        return int(tied[0])
    room = (u.max(axis=0) if ideal is None else np.asarray(ideal, dtype=np.float64)) - d
    gains = np.divide(u[tied] - d, room, out=np.zeros((len(tied), len(d))), where=room > 0)
    sums = np.zeros(len(tied))
    for p in range(len(d)):
        sums += gains[:, p]
    tied = tied[sums == sums.max()]
    if len(tied) == 1:
        return int(tied[0])
    idx = [int(index[int(i)]) for i in tied]  # Python ints: indices of huge spaces overflow int64
    return int(tied[idx.index(min(idx))])
