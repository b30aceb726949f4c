"""The single-concession scan: every concession open to each party, ranked, and what it would take.

Notation
--------
``Z(s)`` is the ZOPA of scenario ``s``, ``d`` the disagreement point and
``N(s) = max_{o in Z(s)} prod_p (u_p(o) - d_p)`` the Nash product at the Nash point. An edit ``e``
maps ``s`` to ``e(s)`` (:mod:`simulator.analysis.edits`).

- A *single concession* of party ``p`` fixes one issue to one of its options (issues with more than
  one option) or drops one of ``p``'s red lines (:func:`candidate_concessions`).
- The *cost to the conceder* ``p`` of a concession is ``u_p(before) - u_p(Nash of e(s))``,
  where ``u_p(before)`` is ``p``'s utility at the baseline Nash point, or ``d_p`` when the
  baseline ZOPA is empty. Positive: the concession costs the party.
- Concessions rank by ``|Z(e(s))|``, then ``N(e(s))``, both largest first, then by text.

When the baseline ZOPA is empty the scan also finds the minimal concession sets (the exact search
of :mod:`~simulator.analysis.minimal_sets`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from simulator.analysis._tasks import Executor, Summary, summarise
from simulator.analysis.edits import Concede, DropRedLine, DropVeto, Edit, resolve_party
from simulator.analysis.minimal_sets import Effects, minimal_sets
from simulator.errors import EditError
from simulator.model import Scenario
from simulator.progress import Progress
from simulator.results import Point

__all__ = [
    "MAX_SOLVES",
    "Concession",
    "ScanResult",
    "candidate_concessions",
    "scan_concessions",
]

#: Default bound on the number of solves of the minimal-set search.
MAX_SOLVES = 20_000


@dataclass(frozen=True, eq=False)
class Concession:
    """One single concession and what it does (see the module Notation).

    ``nash_product`` is ``N`` after the concession (None: empty ZOPA); ``cost_to_conceder`` is
    None when the ZOPA is empty after it.
    """

    party: str
    edit: Edit
    zopa_after: int
    nash_after: Point | None
    cost_to_conceder: float | None
    nash_product: float | None = None

    def to_dict(self, scenario: Scenario) -> dict[str, Any]:
        return {
            "party": self.party,
            "edit": str(self.edit),
            "zopa_after": self.zopa_after,
            "nash_after": None if self.nash_after is None else self.nash_after.to_dict(scenario),
            "cost_to_conceder": self.cost_to_conceder,
            "nash_product": self.nash_product,
        }


@dataclass(frozen=True, eq=False)
class ScanResult:
    """Every single concession ranked best first, and the minimal concession sets."""

    scenario: Scenario
    baseline: Summary
    concessions: tuple[Concession, ...]
    minimal_sets: tuple[tuple[Edit, ...], ...]
    search: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        s = self.scenario
        return {
            "scenario": s.name,
            "baseline": {
                "zopa": self.baseline.zopa,
                "nash": None if self.baseline.nash is None else self.baseline.nash.to_dict(s),
                "nash_product": self.baseline.nash_product(),
            },
            "concessions": [c.to_dict(s) for c in self.concessions],
            "minimal_sets": [[str(e) for e in m] for m in self.minimal_sets],
            "search": dict(self.search),
        }


def candidate_concessions(scenario: Scenario, party: str) -> tuple[Edit, ...]:
    """Every single concession open to ``party``: concede each option of each issue (issues with
    more than one option), drop each of its red lines, or, for a veto party of the decision rule,
    give up its veto."""
    p = scenario.party(party)
    vetoes = () if scenario.agreement is None else scenario.agreement.veto
    fixes = [
        Concede(p.id, issue.id, option)
        for issue in scenario.issues
        if len(issue.options) > 1
        for option in issue.option_ids
    ]
    drops = (
        *(DropRedLine(p.id, r.id) for r in p.red_lines),
        *([DropVeto(p.id)] * (p.id in vetoes)),
    )
    return (*fixes, *drops)


def _cost(base: Summary, party_index: int, after: Summary) -> float | None:
    if after.nash is None:
        return None
    before = (
        base.nash.utilities[party_index]
        if base.nash is not None
        else base.disagreement[party_index]
    )
    return float(before - after.nash.utilities[party_index])


def scan_concessions(
    scenario: Scenario,
    party: str | None = None,
    *,
    max_set_size: int = 3,
    max_solves: int | None = MAX_SOLVES,
    executor: Executor | None = None,
    workers: int | None = 1,
    progress: Progress | None = None,
) -> ScanResult:
    """Try every single concession open to each party, rank them, and find minimal concession sets.

    Parameters
    ----------
    scenario
        The baseline.
    party
        Only this party's concessions (id, label or initials); default: every party's.
    max_set_size
        Largest minimal concession set searched (exact up to this size; see the module docstring).
    max_solves
        Bound on the solves of the minimal-set search (None: no bound); ``search["complete"]``
        says whether the search finished.
    executor, workers, progress
        How to run the solves (see :func:`~simulator.analysis._tasks.run_tasks`).

    Returns
    -------
    ScanResult
        ``concessions`` sorted best first: largest ZOPA after, then largest Nash product after, then
        by text; ``minimal_sets`` (empty when the baseline ZOPA is not empty) in order of size.

    Raises
    ------
    EditError
        If ``party`` names no party, or ``max_set_size`` is below 1.

    Examples
    --------
    >>> from simulator.formats import load_scenario
    >>> scan = scan_concessions(load_scenario("scenarios/textbook_car.yaml"))
    >>> best = scan.concessions[0]
    >>> str(best.edit), best.zopa_after
    ('dealer drops redline no_fire_sale', 13)
    """
    if max_set_size < 1:
        raise EditError(f"max_set_size must be >= 1, got {max_set_size}")
    parties = scenario.party_ids if party is None else (resolve_party(scenario, party),)
    run: dict[str, Any] = {"executor": executor, "workers": workers, "progress": progress}
    base = summarise(scenario)
    effects = Effects(scenario)
    singles = [e for p in parties for e in candidate_concessions(scenario, p)]
    effects.summarise_all(singles, run)
    index = {p: k for k, p in enumerate(scenario.party_ids)}
    concessions = []
    for e in singles:
        after = effects.summaries[effects.key([e])]
        concessions.append(
            Concession(
                e.party,
                e,
                after.zopa,
                after.nash,
                _cost(base, index[e.party], after),
                after.nash_product(),
            )
        )
    concessions.sort(
        key=lambda c: (
            -c.zopa_after,
            -(c.nash_product if c.nash_product is not None else -math.inf),
            str(c.edit),
        )
    )
    search: dict[str, Any] = {"single_solves": effects.solves}
    minimal: list[tuple[Edit, ...]] = []
    if base.zopa > 0:
        search["note"] = "the baseline ZOPA is not empty: no concession set is needed"
    else:
        units = [e for e in singles if effects.red_lines(e)]
        minimal, stats = minimal_sets(effects, units, max_set_size, max_solves, run)
        search.update(stats)
    return ScanResult(scenario, base, tuple(concessions), tuple(minimal), search)
