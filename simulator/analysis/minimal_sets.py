"""Minimal concession sets: the smallest sets of concessions that open an empty ZOPA.

Notation
--------
``Z(s)`` is the ZOPA of scenario ``s``; a set ``E`` of edits maps ``s`` to ``E(s)``
(:mod:`simulator.analysis.edits`). When ``Z(s)`` is empty, a *minimal concession set* is a set
``E`` with ``Z(E(s))`` non-empty and ``Z(F(s))`` empty for every proper subset ``F`` of ``E``.

The exact search
----------------
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
was complete. Inside a :func:`~simulator.solver.budget.time_limit` scope (``--time-limit``) the
searches run in chunks of :data:`TIME_CHECK_TASKS` per worker and stop at the deadline, the result
then incomplete with ``budget_ended: "time"``.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from simulator.analysis._tasks import Summary, run_tasks, summarise, zopa_exists
from simulator.analysis.edits import Concede, DropRedLine, Edit, apply_edits
from simulator.model import Rule, Scenario
from simulator.solver.budget import OverBudget, seconds_left

__all__ = ["TIME_CHECK_TASKS", "Effects", "RuleKey", "contradictory", "minimal_sets"]

#: Existence searches per worker between two checks of the time limit.
TIME_CHECK_TASKS = 16


#: A red-line change: ``((party, rule id), new rule)``, the rule None when it is dropped.
RuleKey = tuple[tuple[str, str], Rule | None]


class Effects:
    """What edits do to the red lines and the fixed issues, and the solves of those effects.

    An effect is ``(red-line changes, fixes, other edits)``: a frozenset of ``((party, rule id),
    new rule or None)``, a frozenset of ``(issue, option)`` and the text of every other edit (a
    veto dropped, a quorum changed). Edits with the same effect give the same ZOPA.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.base = {(p.id, r.id): r for p in scenario.parties for r in p.red_lines}
        self.unit: dict[Edit, frozenset[RuleKey]] = {}
        self.summaries: dict[Any, Summary] = {}
        self.exists: dict[Any, bool] = {}
        #: the budget that stopped a search short (``time``; None: none did)
        self.budget_ended: str | None = None
        self.relaxed: dict[frozenset[tuple[str, str]], bool] = {}
        self.solves = 0

    def red_lines(self, edit: Edit) -> frozenset[RuleKey]:
        """The red lines ``edit`` changes, each with its new rule (None: dropped)."""
        if edit not in self.unit:
            after = edit.apply(self.scenario)
            now = {(p.id, r.id): r for p in after.parties for r in p.red_lines}
            self.unit[edit] = frozenset(
                (key, now.get(key)) for key, rule in self.base.items() if now.get(key) != rule
            )
        return self.unit[edit]

    def key(
        self, edits: Sequence[Edit]
    ) -> tuple[frozenset[RuleKey], frozenset[tuple[str, str]], frozenset[str]]:
        """The effect of ``edits`` together: their red-line changes, their fixes and the edits
        that do neither (a decision-rule edit: without it ``p0 drops veto`` and ``p1 drops
        veto`` would share one solve)."""
        merged: dict[tuple[str, str], Rule | None] = {}
        for e in edits:
            for rule_key, rule in self.red_lines(e):
                if rule_key not in merged or rule is None:  # a drop wins over a trim
                    merged[rule_key] = rule
        fixes = frozenset((e.issue, e.option) for e in edits if isinstance(e, Concede))
        other = frozenset(
            str(e) for e in edits if not isinstance(e, Concede) and not self.red_lines(e)
        )
        return frozenset(merged.items()), fixes, other

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
        step = TIME_CHECK_TASKS * max(int(run.get("workers") or 1), 1)
        for start in range(0, len(items), step):  # the time limit is checked between chunks
            chunk = items[start : start + step]
            tasks = [(apply_edits(self.scenario, edits),) for _, edits in chunk]
            try:
                if seconds_left() <= 0:
                    raise OverBudget("time")
                found = run_tasks(zopa_exists, tasks, stage=stage, **run)
            except OverBudget as e:
                self.budget_ended = e.budget
                return False
            self.exists.update(zip((k for k, _ in chunk), found, strict=True))
            self.solves += len(chunk)
        return complete

    def opens(self, edits: Sequence[Edit]) -> bool | None:
        """Whether the set opens the ZOPA; None if not decided."""
        k = self.key(edits)
        if k in self.summaries:
            return self.summaries[k].zopa > 0
        return self.exists.get(k)


def contradictory(edits: Sequence[Edit]) -> bool:
    """Whether two of ``edits`` concede one issue at different options (no outcome is left)."""
    fixed: dict[str, str] = {}
    for e in edits:
        if isinstance(e, Concede) and fixed.setdefault(e.issue, e.option) != e.option:
            return True
    return False


def _relaxed(
    effects: Effects,
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


def minimal_sets(
    effects: Effects,
    units: Sequence[Edit],
    max_size: int,
    max_solves: int | None,
    run: dict[str, Any],
) -> tuple[list[tuple[Edit, ...]], dict[str, Any]]:
    """The minimal concession sets among ``units``, of size at most ``max_size`` (exact search).

    Parameters
    ----------
    effects
        The effects of edits on the scenario (and the solves made so far, which are reused).
    units
        The candidate edits: each changes some red line (see the module docstring).
    max_size
        Largest set searched.
    max_solves
        Bound on the solves of this search (None: no bound).
    run
        How to run the solves: ``executor``, ``workers``, ``progress`` of
        :func:`~simulator.analysis._tasks.run_tasks`.

    Returns
    -------
    sets : list of tuple of Edit
        In order of size, each in the order of ``units``.
    stats : dict
        ``candidates``, ``max_size``, ``sets_solved_by_size``, ``solves``, ``max_solves``,
        ``complete`` (whether the search finished within ``max_solves``) and ``bound``
        (``sum_{j<=k} C(c, j)``).

    Examples
    --------
    >>> from simulator.formats import load_scenario
    >>> from simulator.analysis.edits import apply_edits
    >>> from simulator.analysis.scan import candidate_concessions
    >>> car = load_scenario("scenarios/textbook_car.yaml")
    >>> s = apply_edits(car, ["buyer reservation =0.75"])  # the ZOPA is empty
    >>> effects = Effects(s)
    >>> singles = [e for p in s.party_ids for e in candidate_concessions(s, p)]
    >>> units = [e for e in singles if effects.red_lines(e)]  # they change some red line
    >>> found, stats = minimal_sets(effects, units, 2, None, {})
    >>> [[str(e) for e in m] for m in found], stats["complete"]
    ([['dealer concedes price=20'], ['dealer drops redline no_fire_sale']], True)
    """
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
            if contradictory(edits):
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
        **({} if effects.budget_ended is None else {"budget_ended": effects.budget_ended}),
    }
    return [tuple(units[i] for i in m) for m in found], stats
