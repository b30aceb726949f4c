"""Stress tests: what an edit changes, which single concession opens most, what it would take.

Notation
--------
``Z(s)`` is the ZOPA of scenario ``s`` (feasible outcomes every party prefers to no deal), ``d`` the
disagreement point and ``N(s) = max_{o in Z(s)} prod_p (u_p(o) - d_p)`` the Nash product at the
Nash point. An edit ``e`` maps ``s`` to ``e(s)`` (:mod:`simulator.analysis.edits`).

- A red line *binds* when dropping it alone enlarges the ZOPA: ``|Z(s without r)| > |Z(s)|``.
- The *cost to the conceder* ``p`` of a concession is ``u_p(before) - u_p(Nash of e(s))``,
  where ``u_p(before)`` is ``p``'s utility at the baseline Nash point, or ``d_p`` when the
  baseline ZOPA is empty. Positive: the concession costs the party.
- A *minimal concession set* is a set ``E`` of edits with ``Z(E(s))`` non-empty and ``Z(F(s))``
  empty for every proper subset ``F`` of ``E``, when ``Z(s)`` is empty.

Minimal sets: the exact search
------------------------------
The candidate edits are the red-line drops and the option concessions that change some red line
(``c`` of them). A concession that changes no red line only fixes an issue, which can only shrink
the ZOPA: a set containing it opens the ZOPA only if the set without it does, so it is never in a
minimal set. The search visits the sets of size ``j = 1, 2, ..., k`` in turn and solves each set
exactly, except sets it can decide without solving:

- a superset of a set found at a smaller size is not minimal;
- two concessions fixing one issue to different options leave no outcome;
- a set whose red lines are those of a subset one edit smaller, which failed, adds only fixes to it
  and fails too;
- a set whose *relaxation* fails: drop every red line the set changes and fix no issue; that
  ZOPA contains the set's, and dropping fewer red lines only shrinks it, so one failed relaxation
  rules out every set that changes red lines among its own (a relaxation is searched once, and only
  when several sets share it);
- sets with the same effect (the same red lines and fixes) are solved once.

So the answer is exact up to size ``k`` (default 3) at a cost of at most ``sum_{j<=k} C(c, j)``
solves: about ``c**3 / 6`` for ``k = 3`` (``c = 30``: 4,525 sets; ``c = 60``: 36,050). Past that the
count grows as ``c**k / k!``; ``max_solves`` bounds the work and the result says whether the search
was complete.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.analysis._tasks import (
    Executor,
    Progress,
    Summary,
    run_tasks,
    summarise,
    zopa_count,
    zopa_exists,
)
from simulator.analysis.edits import Concede, DropRedLine, Edit, apply_edits, parse_edits
from simulator.errors import EditError
from simulator.model import Rule, Scenario
from simulator.results import Point, SolveResult, utility_dict
from simulator.solver import solve

__all__ = [
    "Concession",
    "ScanResult",
    "StressResult",
    "binding_red_lines",
    "candidate_concessions",
    "scan_concessions",
    "stress_test",
]

#: Default bound on the number of solves of the minimal-set search.
MAX_SOLVES = 20_000


def _point_dict(scenario: Scenario, point: Point | None) -> dict[str, Any] | None:
    return None if point is None else point.to_dict(scenario)


def _red_line_labels(scenario: Scenario) -> list[tuple[str, Scenario]]:
    """``party:id`` of every red line, with the scenario that drops it alone."""
    return [
        (f"{p.id}:{r.id}", DropRedLine(p.id, r.id).apply(scenario))
        for p in scenario.parties
        for r in p.red_lines
    ]


def binding_red_lines(
    scenario: Scenario,
    *,
    zopa: int | None = None,
    executor: Executor | None = None,
    workers: int | None = 1,
    progress: Progress | None = None,
) -> tuple[str, ...]:
    """The red lines (``party:id``) that bind: dropping one alone enlarges the ZOPA.

    Parameters
    ----------
    scenario
        The scenario.
    zopa
        Its ZOPA count, if already known (saves one solve).
    executor, workers, progress
        How to run the one solve per red line (see :func:`~simulator.analysis._tasks.run_tasks`).

    Examples
    --------
    >>> from simulator.formats import load_scenario
    >>> binding_red_lines(load_scenario("scenarios/textbook_car.yaml"))
    ('buyer:needs_warranty', 'dealer:no_fire_sale')
    """
    if zopa is None:
        zopa = zopa_count(scenario)
    dropped = _red_line_labels(scenario)
    counts = run_tasks(
        zopa_count,
        [(s,) for _, s in dropped],
        executor=executor,
        workers=workers,
        progress=progress,
        stage="binding red lines",
    )
    return tuple(label for (label, _), n in zip(dropped, counts, strict=True) if n > zopa)


# --- stress test ---------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class StressResult:
    """A scenario before and after edits (see :func:`stress_test`)."""

    edits: tuple[Edit, ...]
    baseline: SolveResult
    edited: SolveResult
    binding_before: tuple[str, ...] | None
    binding_after: tuple[str, ...] | None

    def gain(self, name: str) -> dict[str, float]:
        """Each party's utility change at solution ``name``; no deal counts as its ``d_p``."""
        before = self.baseline.solutions.get(name)
        after = self.edited.solutions.get(name)
        u0 = self.baseline.disagreement if before is None else np.asarray(before.utilities)
        u1 = self.edited.disagreement if after is None else np.asarray(after.utilities)
        return utility_dict(self.baseline.scenario, u1 - u0)

    def to_dict(self, max_frontier: int | None = 1000) -> dict[str, Any]:
        s0, s1 = self.baseline.scenario, self.edited.scenario
        solutions = {}
        for name, before in self.baseline.solutions.items():
            after = self.edited.solutions.get(name)
            solutions[name] = {
                "before": _point_dict(s0, before),
                "after": _point_dict(s1, after),
                "gain": self.gain(name),
                "changed": (before is None) != (after is None)
                or (before is not None and after is not None and before.index != after.index),
            }
        b0, b1 = self.binding_before, self.binding_after
        changes: dict[str, Any] = {
            "zopa": [self.baseline.counts.zopa, self.edited.counts.zopa],
            "solutions": solutions,
            "red_lines_released": None
            if b0 is None or b1 is None
            else [r for r in b0 if r not in b1],
            "red_lines_binding": None
            if b0 is None or b1 is None
            else [r for r in b1 if r not in b0],
            "binding_before": None if b0 is None else list(b0),
            "binding_after": None if b1 is None else list(b1),
        }
        return {
            "edits": [str(e) for e in self.edits],
            "baseline": self.baseline.to_dict(max_frontier),
            "edited": self.edited.to_dict(max_frontier),
            "changes": changes,
        }


def stress_test(
    scenario: Scenario,
    edits: Sequence[Edit | str],
    *,
    binding: bool = True,
    executor: Executor | None = None,
    workers: int | None = 1,
    progress: Progress | None = None,
) -> StressResult:
    """Solve ``scenario`` before and after ``edits`` and compare.

    Parameters
    ----------
    scenario
        The baseline; it is not changed.
    edits
        Edits, or their text (see :mod:`simulator.analysis.edits`), applied in order.
    binding
        Also find the binding red lines before and after (one solve per red line each).
    executor, workers, progress
        How to run those solves (see :func:`~simulator.analysis._tasks.run_tasks`).

    Returns
    -------
    StressResult
        Both solve results, the edits and the binding red lines.

    Raises
    ------
    EditError
        If an edit is malformed or cannot be applied.

    Examples
    --------
    >>> from simulator.formats import load_scenario
    >>> car = load_scenario("scenarios/textbook_car.yaml")
    >>> result = stress_test(car, ["dealer drops redline no_fire_sale"])
    >>> result.to_dict()["changes"]["zopa"], result.to_dict()["changes"]["red_lines_released"]
    ([11, 13], ['dealer:no_fire_sale'])
    """
    parsed = parse_edits([str(e) for e in edits], scenario)
    edited_scenario = apply_edits(scenario, parsed)
    baseline = solve(scenario)
    edited = solve(edited_scenario)
    before = after = None
    if binding:
        opts: dict[str, Any] = {"executor": executor, "workers": workers, "progress": progress}
        before = binding_red_lines(scenario, zopa=baseline.counts.zopa, **opts)
        after = binding_red_lines(edited_scenario, zopa=edited.counts.zopa, **opts)
    return StressResult(parsed, baseline, edited, before, after)


# --- scan ----------------------------------------------------------------------------------------


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
            "nash_after": _point_dict(scenario, self.nash_after),
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
                "nash": _point_dict(s, self.baseline.nash),
                "nash_product": self.baseline.nash_product(),
            },
            "concessions": [c.to_dict(s) for c in self.concessions],
            "minimal_sets": [[str(e) for e in m] for m in self.minimal_sets],
            "search": dict(self.search),
        }


def candidate_concessions(scenario: Scenario, party: str) -> tuple[Edit, ...]:
    """Every single concession open to ``party``: concede each option of each issue (issues with
    more than one option), or drop each of its red lines."""
    p = scenario.party(party)
    fixes = [
        Concede(p.id, issue.id, option)
        for issue in scenario.issues
        if len(issue.options) > 1
        for option in issue.option_ids
    ]
    return (*fixes, *(DropRedLine(p.id, r.id) for r in p.red_lines))


RuleKey = tuple[tuple[str, str], Rule | None]


class _Effects:
    """What edits do to the red lines and the fixed issues, and the solves of those effects.

    An effect is ``(red-line changes, fixes)``: a frozenset of ``((party, rule id), new rule or
    None)`` and a frozenset of ``(issue, option)``. Edits with the same effect give the same ZOPA.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.base = {(p.id, r.id): r for p in scenario.parties for r in p.red_lines}
        self.unit: dict[Edit, frozenset[RuleKey]] = {}
        self.summaries: dict[Any, Summary] = {}
        self.exists: dict[Any, bool] = {}
        self.relaxed: dict[frozenset[tuple[str, str]], bool] = {}
        self.solves = 0

    def red_lines(self, edit: Edit) -> frozenset[RuleKey]:
        if edit not in self.unit:
            after = edit.apply(self.scenario)
            now = {(p.id, r.id): r for p in after.parties for r in p.red_lines}
            self.unit[edit] = frozenset(
                (key, now.get(key)) for key, rule in self.base.items() if now.get(key) != rule
            )
        return self.unit[edit]

    def key(self, edits: Sequence[Edit]) -> tuple[frozenset[RuleKey], frozenset[tuple[str, str]]]:
        merged: dict[tuple[str, str], Rule | None] = {}
        for e in edits:
            for rule_key, rule in self.red_lines(e):
                if rule_key not in merged or rule is None:  # a drop wins over a trim
                    merged[rule_key] = rule
        fixes = frozenset((e.issue, e.option) for e in edits if isinstance(e, Concede))
        return frozenset(merged.items()), fixes

    def summarise_all(self, edits: Sequence[Edit], run: dict[str, Any]) -> None:
        """Solve (in full) the effect of each single edit not solved yet."""
        todo: dict[Any, Edit] = {}
        for e in edits:
            k = self.key([e])
            if k not in self.summaries:
                todo.setdefault(k, e)
        tasks = [(e.apply(self.scenario),) for e in todo.values()]
        found = run_tasks(summarise, tasks, stage="single concessions", **run)
        self.summaries.update(zip(todo, found, strict=True))
        self.solves += len(tasks)

    def exists_all(
        self, sets: Sequence[Sequence[Edit]], run: dict[str, Any], stage: str, budget: int | None
    ) -> bool:
        """Decide whether each set opens the ZOPA (at most ``budget`` searches).

        Returns False if the budget cut the work short.
        """
        todo: dict[Any, Sequence[Edit]] = {}
        for edits in sets:
            k = self.key(edits)
            if k not in self.summaries and k not in self.exists:
                todo.setdefault(k, edits)
        items = list(todo.items())
        complete = budget is None or len(items) <= budget
        items = items if budget is None else items[: max(budget, 0)]
        tasks = [(apply_edits(self.scenario, edits),) for _, edits in items]
        found = run_tasks(zopa_exists, tasks, stage=stage, **run)
        self.exists.update(zip((k for k, _ in items), found, strict=True))
        self.solves += len(items)
        return complete

    def opens(self, edits: Sequence[Edit]) -> bool | None:
        """Whether the set opens the ZOPA; None if not decided."""
        k = self.key(edits)
        if k in self.summaries:
            return self.summaries[k].zopa > 0
        return self.exists.get(k)


def _contradictory(edits: Sequence[Edit]) -> bool:
    fixed: dict[str, str] = {}
    for e in edits:
        if isinstance(e, Concede) and fixed.setdefault(e.issue, e.option) != e.option:
            return True
    return False


def _cost(base: Summary, party_index: int, after: Summary) -> float | None:
    if after.nash is None:
        return None
    before = (
        base.nash.utilities[party_index]
        if base.nash is not None
        else base.disagreement[party_index]
    )
    return float(before - after.nash.utilities[party_index])


def _relaxed(
    effects: _Effects,
    sets: Sequence[Sequence[Edit]],
    combos: list[tuple[int, ...]],
    run: dict[str, Any],
    budget: int | None,
) -> tuple[list[tuple[int, ...]], bool]:
    """Keep the sets whose relaxation opens the ZOPA: with every red line they change dropped and no
    issue fixed. That relaxation's ZOPA contains the set's, and dropping fewer red lines gives a
    smaller one, so a failed relaxation rules out every set that changes only red lines among its
    own. A relaxation is searched only when several sets share it (otherwise searching the set
    itself costs the same). Returns the sets kept and whether the budget sufficed."""
    released = [frozenset(k for k, _ in effects.key(edits)[0]) for edits in sets]
    known_bad = [r for r, ok in effects.relaxed.items() if not ok]
    shared = Counter(released)
    todo = sorted(
        {
            r
            for r in released
            if shared[r] > 1 and r not in effects.relaxed and not any(r <= f for f in known_bad)
        },
        key=sorted,
    )
    drops = [[DropRedLine(p, rid) for p, rid in sorted(r)] for r in todo]
    complete = effects.exists_all(drops, run, "relaxations", budget)
    for r, edits in zip(todo, drops, strict=True):
        ok = effects.opens(edits)
        if ok is not None:
            effects.relaxed[r] = ok
    bad = [r for r, ok in effects.relaxed.items() if not ok]
    keep = [c for c, r in zip(combos, released, strict=True) if not any(r <= f for f in bad)]
    return keep, complete


def _minimal_sets(
    effects: _Effects,
    units: Sequence[Edit],
    max_size: int,
    max_solves: int | None,
    run: dict[str, Any],
) -> tuple[list[tuple[Edit, ...]], dict[str, Any]]:
    found: list[tuple[int, ...]] = []
    failed: set[tuple[int, ...]] = set()
    checked = [0] * (max_size + 1)
    complete = True
    start = effects.solves
    for size in range(1, max_size + 1):
        level: list[tuple[int, ...]] = []
        for combo in itertools.combinations(range(len(units)), size):
            if any(set(m) <= set(combo) for m in found):
                continue
            edits = [units[i] for i in combo]
            if _contradictory(edits):
                failed.add(combo)
                continue
            rl = effects.key(edits)[0]
            if size > 1 and any(
                sub in failed and effects.key([units[i] for i in sub])[0] == rl
                for sub in itertools.combinations(combo, size - 1)
            ):
                failed.add(combo)
                continue
            level.append(combo)
        if size > 1:
            budget = None if max_solves is None else max_solves - (effects.solves - start)
            level, complete = _relaxed(
                effects, [[units[i] for i in c] for c in level], level, run, budget
            )
            if not complete:
                break
        checked[size] = len(level)
        budget = None if max_solves is None else max_solves - (effects.solves - start)
        complete &= effects.exists_all(
            [[units[i] for i in c] for c in level], run, f"minimal sets of {size}", budget
        )
        for combo in level:
            opens = effects.opens([units[i] for i in combo])
            if opens:
                found.append(combo)
            elif opens is not None:
                failed.add(combo)
        if not complete:
            break
    stats = {
        "candidates": len(units),
        "max_size": max_size,
        "sets_solved_by_size": checked[1:],
        "solves": effects.solves - start,
        "max_solves": max_solves,
        "complete": complete,
        "bound": sum(math.comb(len(units), j) for j in range(1, max_size + 1)),
    }
    return [tuple(units[i] for i in m) for m in found], stats


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
    from simulator.analysis.edits import resolve_party

    if max_set_size < 1:
        raise EditError(f"max_set_size must be >= 1, got {max_set_size}")
    parties = scenario.party_ids if party is None else (resolve_party(scenario, party),)
    run: dict[str, Any] = {"executor": executor, "workers": workers, "progress": progress}
    base = summarise(scenario)
    effects = _Effects(scenario)
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
        minimal, stats = _minimal_sets(effects, units, max_set_size, max_solves, run)
        search.update(stats)
    return ScanResult(scenario, base, tuple(concessions), tuple(minimal), search)
