"""The concede-or-hold game: two parties each hold their red lines or make one single concession.

Notation
--------
Players ``a`` and ``b`` (two parties of the scenario ``s``; every other party keeps its preferences,
red lines and reservation). Player ``p``'s strategies are ``hold`` (no edit) and its ``k`` best
single concessions ``e_p^1, ..., e_p^k`` (edits of :mod:`simulator.analysis.edits` that change one
of its red lines: an ``accepts``/``concedes`` that a red line stops forbidding, or a dropped red
line; a concession that only fixes an issue can only shrink the ZOPA). A profile ``(i, j)`` is the
scenario ``s_ij`` with both chosen edits applied (:func:`~simulator.analysis.edits.apply_edits`);
its payoff to ``p`` is ``u_p`` at the Nash point of ``s_ij``, or ``d_p`` when the ZOPA of ``s_ij``
is empty.

Ranking of the concessions (which ``k`` are strategies): by the ZOPA the concession opens alone
(larger first), then the Nash product it allows alone, then, when the baseline ZOPA is empty, the
number of the other player's concessions with which it opens the ZOPA (one existence search per
pair), then the best utility it leaves its conceder in those pairs, then by text. ``k = 1`` (the
default) gives the 2x2 game of *hold* against the *best concession*, classified after Rapoport &
Guyer (1966) (:func:`.bimatrix.classify_2x2`: prisoner's dilemma, chicken, coordination, ...);
for ``k > 1`` the 2x2 corner (hold and the best concession of each) is classified.

Equilibria come from :func:`.bimatrix.equilibria` (pure ones exactly; mixed by nashpy). *Conceding
is an equilibrium* when some equilibrium puts weight on a concession of either player.

Cost: one solve per candidate concession (an existence search first, so an empty ZOPA is cheap),
``c_a * c_b`` existence searches when the baseline ZOPA is empty, and ``k**2`` solves of the joint
profiles, all through :func:`~simulator.analysis._tasks.run_tasks` (workers, executor, progress).

References
----------
Rapoport, A. & Guyer, M. (1966). A taxonomy of 2x2 games. General Systems 11, 203-214. Schelling,
T. C. (1960). The Strategy of Conflict. Harvard University Press (commitment and concession).
Nash, J. (1950). The bargaining problem. Econometrica 18, 155-162.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.analysis._tasks import Executor, Summary, run_tasks, summarise, zopa_exists
from simulator.analysis.edits import Edit, apply_edits, resolve_party
from simulator.analysis.scan import candidate_concessions
from simulator.analysis.strategic.bimatrix import (
    STRUCTURES,
    EquilibriumSet,
    classify_2x2,
    equilibria,
)
from simulator.compiled import FloatArray, IntArray, compile_scenario
from simulator.errors import ScenarioError
from simulator.model import Scenario
from simulator.progress import Progress

__all__ = ["ConcedeGame", "RankedConcession", "concede_or_hold", "red_line_concessions"]

#: Default number of concessions per player.
DEFAULT_TOP = 1


def red_line_concessions(scenario: Scenario, party: str) -> tuple[Edit, ...]:
    """The single concessions of ``party`` that change one of its red lines (see the Notation).

    >>> from simulator.formats import load_scenario
    >>> car = load_scenario("scenarios/textbook_car.yaml")
    >>> [str(e) for e in red_line_concessions(car, "dealer")]
    ['dealer concedes price=20', 'dealer drops redline no_fire_sale']
    """
    before = scenario.party(party).red_lines
    return tuple(
        e
        for e in candidate_concessions(scenario, party)
        if e.apply(scenario).party(party).red_lines != before
    )


@dataclass(frozen=True, eq=False)
class RankedConcession:
    """One candidate concession with what decided its rank."""

    edit: Edit
    zopa_after: int
    nash_product: float | None
    opens_with: int | None
    best_paired_utility: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "edit": str(self.edit),
            "zopa_after": self.zopa_after,
            "nash_product": self.nash_product,
            "opens_with": self.opens_with,
            "best_paired_utility": self.best_paired_utility,
        }


@dataclass(frozen=True, eq=False)
class ConcedeGame:
    """The concede-or-hold game and its equilibria (see the module Notation).

    ``strategies[p][0]`` is None (hold); ``payoffs`` ``(2, k1, k2)``; ``zopa`` ``(k1, k2)`` the ZOPA
    count of each profile; ``summaries[i][j]`` its solve summary.
    """

    scenario: Scenario
    parties: tuple[str, str]
    strategies: tuple[tuple[Edit | None, ...], tuple[Edit | None, ...]]
    payoffs: FloatArray
    zopa: IntArray
    summaries: tuple[tuple[Summary, ...], ...]
    equilibria: EquilibriumSet
    structure: str
    ranking: tuple[tuple[RankedConcession, ...], tuple[RankedConcession, ...]]
    seconds: float

    @staticmethod
    def label(edit: Edit | None) -> str:
        return "hold" if edit is None else str(edit)

    @property
    def conceding_is_equilibrium(self) -> bool:
        """Some equilibrium puts weight on a concession (strategy other than hold) of a player."""
        return any(e.row[1:].sum() > 0 or e.col[1:].sum() > 0 for e in self.equilibria.equilibria)

    @property
    def both_hold_is_equilibrium(self) -> bool:
        return any(e.pure and e.support == ((0,), (0,)) for e in self.equilibria.equilibria)

    def to_dict(self) -> dict[str, Any]:
        a, b = self.parties
        s = self.scenario
        rows, cols = self.strategies

        def nash(i: int, j: int) -> dict[str, Any] | None:
            point = self.summaries[i][j].nash
            return None if point is None else point.to_dict(s)

        return {
            "scenario": s.name,
            "parties": [a, b],
            "strategies": {
                a: [self.label(e) for e in rows],
                b: [self.label(e) for e in cols],
            },
            "ranking": {
                a: [r.to_dict() for r in self.ranking[0]],
                b: [r.to_dict() for r in self.ranking[1]],
            },
            "profiles": [
                {
                    a: self.label(rows[i]),
                    b: self.label(cols[j]),
                    "zopa": int(self.zopa[i, j]),
                    "payoffs": {
                        a: round(float(self.payoffs[0, i, j]), 10),
                        b: round(float(self.payoffs[1, i, j]), 10),
                    },
                    "nash": nash(i, j),
                }
                for i in range(len(rows))
                for j in range(len(cols))
            ],
            "equilibria": [
                {
                    "pure": e.pure,
                    a: {self.label(rows[k]): float(e.row[k]) for k in e.support[0]},
                    b: {self.label(cols[k]): float(e.col[k]) for k in e.support[1]},
                    "payoffs": {a: float(e.payoffs[0]), b: float(e.payoffs[1])},
                }
                for e in self.equilibria.equilibria
            ],
            "method": self.equilibria.method,
            "complete": self.equilibria.complete,
            "degenerate": self.equilibria.degenerate,
            "conceding_is_equilibrium": self.conceding_is_equilibrium,
            "both_hold_is_equilibrium": self.both_hold_is_equilibrium,
            "structure": self.structure,
            "structure_meaning": STRUCTURES.get(self.structure, ""),
            "seconds": self.seconds,
        }


def _payoff(summary: Summary, p: int) -> float:
    point = summary.nash
    return float(summary.disagreement[p] if point is None else point.utilities[p])


def _rank_key(r: RankedConcession) -> tuple[Any, ...]:
    return (
        -r.zopa_after,
        -(r.nash_product if r.nash_product is not None else -math.inf),
        -(r.opens_with or 0),
        -(r.best_paired_utility if r.best_paired_utility is not None else -math.inf),
        str(r.edit),
    )


def concede_or_hold(
    scenario: Scenario,
    parties: Sequence[str],
    *,
    top: int = DEFAULT_TOP,
    method: str = "auto",
    executor: Executor | None = None,
    workers: int | None = 1,
    progress: Progress | None = None,
) -> ConcedeGame:
    """Build the concede-or-hold game of two parties and find its equilibria.

    Parameters
    ----------
    scenario
        The baseline.
    parties
        The two players (ids, labels or initials).
    top
        ``k``: concessions per player besides holding (default 1: the 2x2 game).
    method
        nashpy algorithm for mixed equilibria (see :func:`.bimatrix.equilibria`).
    executor, workers, progress
        How to run the solves (see :func:`~simulator.analysis._tasks.run_tasks`).

    Returns
    -------
    ConcedeGame

    Raises
    ------
    ScenarioError
        For unknown or repeated parties, ``top < 1``, or a player without red lines to concede.

    Examples
    --------
    The car: the buyer's best concession is to drop its warranty line, the dealer's its no-fire-sale
    line (each opens the ZOPA most); neither line binds at the Nash point, so no profile changes
    anyone's payoff:

    >>> from simulator.formats import load_scenario
    >>> g = concede_or_hold(load_scenario("scenarios/textbook_car.yaml"), ["buyer", "dealer"])
    >>> [g.label(e) for e in g.strategies[0]], [g.label(e) for e in g.strategies[1]]
    (['hold', 'buyer drops redline needs_warranty'], ['hold', 'dealer drops redline no_fire_sale'])
    >>> g.structure, g.payoffs[:, 1, 1].round(3).tolist()
    ('indifferent', [0.55, 0.5])
    """
    start = time.perf_counter()
    if len(parties) != 2:
        raise ScenarioError(f"give two parties, got {list(parties)}")
    a, b = (resolve_party(scenario, p) for p in parties)
    if a == b:
        raise ScenarioError(f"give two different parties, got {a!r} twice")
    if top < 1:
        raise ScenarioError(f"--top must be >= 1, got {top}")
    run: dict[str, Any] = {"executor": executor, "workers": workers, "progress": progress}
    index = {p: k for k, p in enumerate(scenario.party_ids)}
    cands = [red_line_concessions(scenario, a), red_line_concessions(scenario, b)]
    for p, c in zip((a, b), cands, strict=True):
        if not c:
            raise ScenarioError(f"party {p!r} has no red line to concede")
    base = summarise(scenario)
    singles = run_tasks(
        summarise,
        [(e.apply(scenario),) for c in cands for e in c],
        stage="single concessions",
        **run,
    )
    single = [singles[: len(cands[0])], singles[len(cands[0]) :]]
    opens: list[list[int | None]] = [[None] * len(c) for c in cands]
    paired: list[list[float | None]] = [[None] * len(c) for c in cands]
    if base.zopa == 0:
        pairs = [(i, j) for i in range(len(cands[0])) for j in range(len(cands[1]))]
        found = run_tasks(
            zopa_exists,
            [(apply_edits(scenario, [cands[0][i], cands[1][j]]),) for i, j in pairs],
            stage="pairs of concessions",
            **run,
        )
        hits = [pair for pair, ok in zip(pairs, found, strict=True) if ok]
        opens = [
            [sum(1 for i, _ in hits if i == k) for k in range(len(cands[0]))],
            [sum(1 for _, j in hits if j == k) for k in range(len(cands[1]))],
        ]
        solved = run_tasks(
            summarise,
            [(apply_edits(scenario, [cands[0][i], cands[1][j]]),) for i, j in hits],
            stage="opening pairs",
            **run,
        )
        for (i, j), summary in zip(hits, solved, strict=True):
            for side, k, p in ((0, i, a), (1, j, b)):
                u = _payoff(summary, index[p])
                old = paired[side][k]
                paired[side][k] = u if old is None else max(old, u)
    ranking = []
    for side in range(2):
        ranked = [
            RankedConcession(e, s.zopa, s.nash_product(), opens[side][k], paired[side][k])
            for k, (e, s) in enumerate(zip(cands[side], single[side], strict=True))
        ]
        ranking.append(tuple(sorted(ranked, key=_rank_key)))
    chosen = [tuple(r.edit for r in ranking[side][:top]) for side in range(2)]
    by_edit = [dict(zip(cands[side], single[side], strict=True)) for side in range(2)]
    rows: tuple[Edit | None, ...] = (None, *chosen[0])
    cols: tuple[Edit | None, ...] = (None, *chosen[1])
    joint = [(i, j) for i in range(1, len(rows)) for j in range(1, len(cols))]
    solved_joint = run_tasks(
        summarise,
        [(apply_edits(scenario, [rows[i], cols[j]]),) for i, j in joint],  # type: ignore[list-item]
        stage="profiles",
        **run,
    )
    grid: list[list[Summary]] = [[base] * len(cols) for _ in rows]
    for i in range(1, len(rows)):
        grid[i][0] = by_edit[0][rows[i]]  # type: ignore[index]
    for j in range(1, len(cols)):
        grid[0][j] = by_edit[1][cols[j]]  # type: ignore[index]
    for (i, j), summary in zip(joint, solved_joint, strict=True):
        grid[i][j] = summary
    pa, pb = index[a], index[b]
    payoffs = np.array(
        [
            [[_payoff(grid[i][j], p) for j in range(len(cols))] for i in range(len(rows))]
            for p in (pa, pb)
        ]
    )
    zopa = np.array([[grid[i][j].zopa for j in range(len(cols))] for i in range(len(rows))])
    found_eq = equilibria(payoffs[0], payoffs[1], method)
    tol = 10 * compile_scenario(scenario).rounding_slack
    structure = classify_2x2(payoffs[0, :2, :2], payoffs[1, :2, :2], tol)
    return ConcedeGame(
        scenario,
        (a, b),
        (rows, cols),
        payoffs,
        zopa,
        tuple(tuple(r) for r in grid),
        found_eq,
        structure,
        (ranking[0], ranking[1]),
        time.perf_counter() - start,
    )
