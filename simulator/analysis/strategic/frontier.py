"""The two-party bargaining frontier that the strategic games are played on.

Notation
--------
Parties ``a`` and ``b`` bargain; every other party ``q`` is *held*: only ZOPA packages that give
``q`` at least a floor ``h_q`` are on the table. ``hold`` chooses the floor:

- ``nash``: ``h_q`` is ``q``'s utility at the solver's Nash point (the others keep what the Nash
  bargaining solution gives them, and ``a`` and ``b`` bargain over the rest);
- ``reservation``: ``h_q = d_q`` (the whole ZOPA);
- a proposal id: ``h_q = max(d_q, low_q)``, ``low_q`` the worst ``q`` gets from the packages the
  proposal allows.

``S`` is that set of packages and ``F`` ``(m, 2)`` the Pareto frontier of ``S`` projected on
``(u_a, u_b)``, sorted by ``u_a`` ascending (so ``u_b`` descending), one package per utility pair.
``d = (d_a, d_b)`` is the disagreement point and ``I = (max u_a, max u_b)`` over ``F`` the ideal
point.

Exactness
---------
``F`` is computed from the solver's ZOPA frontier, not from the whole space, and is nevertheless
exact: if ``s`` in ``S`` is two-party Pareto optimal, some package ``t`` on the ZOPA frontier
dominates ``s`` weakly in every party's utility; ``t`` meets the floors (``t_q >= s_q >= h_q``) and
``(t_a, t_b) = (s_a, s_b)``, or ``s`` would not be optimal. So the two-party frontier of the held
ZOPA frontier has exactly the utility pairs of the two-party frontier of ``S``; among packages with
the same pair it keeps one that is best for the held parties. With ``hold="nash"`` the Nash point
itself is on ``F`` and is the two-party Nash solution of ``F``: a package of ``S`` with a larger
product ``(u_a - d_a)(u_b - d_b)`` would have a larger Nash product over all parties.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.compiled import FloatArray, IntArray, compile_scenario
from simulator.errors import ScenarioError, did_you_mean
from simulator.model import Scenario
from simulator.results import SolveResult, outcome_dict, utility_dict
from simulator.solver import pareto_mask, select_solution, solve

__all__ = ["BargainingFrontier", "bargaining_frontier", "unit_pie_frontier"]


@dataclass(frozen=True, eq=False)
class BargainingFrontier:
    """A two-party frontier ``F`` with the packages behind it (see the module Notation).

    Attributes
    ----------
    parties
        ``(a, b)``: party ids, or ``("1", "2")`` for the unit pie.
    utilities
        ``(m, 2)`` float64 ``(u_a, u_b)``, ``u_a`` strictly ascending and ``u_b`` strictly
        descending.
    disagreement
        ``(2,)`` float64 ``(d_a, d_b)``.
    hold
        How the other parties are held: ``nash``, ``reservation``, a proposal id, or ``none``.
    scenario
        The scenario (None for the unit pie).
    outcomes
        ``(m, n)`` int64 option indices of one package per row (``(m, 0)`` for the unit pie).
    all_utilities
        ``(m, P)`` float64 every party's utility of that package (``utilities`` for the unit pie).
    floors
        ``(P,)`` float64 the floors ``h`` of the held parties (``d`` for ``a`` and ``b``).
    tol
        Tie tolerance of utility comparisons (the compiler's rounding slack).
    """

    parties: tuple[str, str]
    utilities: FloatArray
    disagreement: FloatArray
    hold: str = "none"
    scenario: Scenario | None = None
    outcomes: IntArray | None = None
    all_utilities: FloatArray | None = None
    floors: FloatArray | None = None
    tol: float = 1e-12

    @property
    def size(self) -> int:
        return len(self.utilities)

    @property
    def ideal(self) -> FloatArray:
        """``(2,)`` the best utility of each party on the frontier."""
        return np.asarray(self.utilities.max(axis=0))

    def nash_row(self, power: FloatArray | None = None) -> int | None:
        """Row of the (weighted, with ``power``) Nash bargaining solution on ``F`` (Nash 1950)."""
        name = "nash" if power is None else "weighted_nash"
        beta = np.ones(2) if power is None else np.asarray(power, dtype=np.float64)
        gains_ok = np.all(self.utilities > self.disagreement + self.tol, axis=1)
        if not gains_ok.any():
            return None
        rows = np.flatnonzero(gains_ok)
        row = select_solution(name, self.utilities[rows], rows, self.disagreement, beta)
        return None if row is None else int(rows[row])

    def to_dict(self) -> dict[str, Any]:
        """The two parties, how the others are held, the disagreement point and every point
        (with its package when there is a scenario)."""
        a, b = self.parties
        return {
            "parties": [a, b],
            "hold": self.hold,
            "disagreement": {a: float(self.disagreement[0]), b: float(self.disagreement[1])},
            "size": self.size,
            "points": [self.package(r) for r in range(self.size)],
        }

    def shares(self, utilities: FloatArray) -> FloatArray:
        """Normalised gains ``(u - d) / (I - d)``: on a linear frontier they sum to 1."""
        room = np.maximum(self.ideal - self.disagreement, self.tol)
        return np.asarray((np.asarray(utilities) - self.disagreement) / room)

    def package(self, row: int) -> dict[str, Any]:
        """``{"outcome": {issue: option}, "utilities": {party: u}}`` of one row."""
        if self.scenario is None or self.outcomes is None or self.all_utilities is None:
            return {
                "outcome": {},
                "utilities": dict(zip(self.parties, self.utilities[row].tolist(), strict=True)),
            }
        return {
            "outcome": outcome_dict(self.scenario, self.outcomes[row]),
            "utilities": utility_dict(self.scenario, self.all_utilities[row]),
        }


def unit_pie_frontier(points: int = 101) -> BargainingFrontier:
    """The unit pie ``u_1 + u_2 = 1``, ``d = 0``, as ``points`` evenly spaced divisions.

    >>> unit_pie_frontier(3).utilities.tolist()
    [[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]]
    """
    if points < 2:
        raise ScenarioError(f"the unit pie needs at least 2 points, got {points}")
    x = np.linspace(0.0, 1.0, points)
    return BargainingFrontier(("1", "2"), np.stack([x, 1.0 - x], axis=1), np.zeros(2))


def _party_index(scenario: Scenario, party: str) -> int:
    ids = scenario.party_ids
    if party not in ids:
        raise ScenarioError(f"no party {party!r}; {did_you_mean(party, ids)}")
    return ids.index(party)


def _floors(result: SolveResult, pair: tuple[int, int], hold: str) -> FloatArray:
    d = np.asarray(result.disagreement, dtype=np.float64)
    floors = d.copy()
    others = [q for q in range(len(d)) if q not in pair]
    if hold == "reservation" or not others:
        return floors
    if hold == "nash":
        nash = result.solutions.get("nash")
        if nash is None:
            raise ScenarioError("the ZOPA is empty: there is no Nash point to hold the others at")
        floors[others] = np.asarray(nash.utilities)[others]
        return floors
    from simulator.evaluate import evaluate_proposal

    scenario = result.scenario
    proposal = scenario.proposal(hold)
    evaluation = evaluate_proposal(scenario, proposal)
    if evaluation.completions == 0:
        raise ScenarioError(f"proposal {hold!r} allows no consistent package to hold the others at")
    low = np.asarray(evaluation.low, dtype=np.float64)
    floors[others] = np.maximum(d[others], low[others])
    return floors


def bargaining_frontier(
    source: Scenario | SolveResult, parties: Sequence[str], *, hold: str = "nash"
) -> BargainingFrontier:
    """The two-party frontier of ``parties`` with the others held (see the module docstring).

    Parameters
    ----------
    source
        A scenario (solved here) or a :class:`~simulator.results.SolveResult`.
    parties
        Two distinct party ids ``(a, b)``.
    hold
        ``nash``, ``reservation`` or a proposal id.

    Returns
    -------
    BargainingFrontier
        Empty (``size == 0``) when no package of the ZOPA meets the floors.

    Raises
    ------
    ScenarioError
        For unknown or repeated parties, an unknown proposal, or ``hold="nash"`` with an empty ZOPA.

    Examples
    --------
    >>> from simulator.formats import load_scenario
    >>> f = bargaining_frontier(load_scenario("scenarios/textbook_car.yaml"), ["buyer", "dealer"])
    >>> f.size, f.utilities[f.nash_row()].round(3).tolist()
    (10, [0.55, 0.5])
    """
    result = source if isinstance(source, SolveResult) else solve(source)
    scenario = result.scenario
    if len(parties) != 2 or parties[0] == parties[1]:
        raise ScenarioError(f"give two different parties, got {list(parties)}")
    pair = (_party_index(scenario, parties[0]), _party_index(scenario, parties[1]))
    floors = _floors(result, pair, hold)
    front = result.zopa_frontier
    tol = compile_scenario(scenario).rounding_slack
    held = np.all(front.utilities >= floors[None, :] - tol, axis=1)
    u_all, outcomes = front.utilities[held], front.outcomes[held]
    u2 = u_all[:, list(pair)]
    keep = pareto_mask(u2, tol=tol)
    u_all, outcomes, u2 = u_all[keep], outcomes[keep], u2[keep]
    others = np.delete(u_all, list(pair), axis=1).sum(axis=1)
    # one package per utility pair (pairs within ``tol`` tie): the best for the held parties,
    # then the first by index
    order = np.lexsort((u2[:, 1], u2[:, 0]))
    new_pair = np.ones(len(u2), dtype=bool)
    new_pair[1:] = np.any(np.abs(np.diff(u2[order], axis=0)) > tol, axis=1)
    group = np.cumsum(new_pair)
    perm = np.lexsort((order, -others[order], group))
    best = order[perm][np.diff(group[perm], prepend=0) > 0]
    return BargainingFrontier(
        (scenario.party_ids[pair[0]], scenario.party_ids[pair[1]]),
        u2[best],
        np.asarray(result.disagreement, dtype=np.float64)[list(pair)],
        hold,
        scenario,
        outcomes[best],
        u_all[best],
        floors,
        tol,
    )
