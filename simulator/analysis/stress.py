"""Stress tests: what an edit changes, and which red lines bind.

Notation
--------
``Z(s)`` is the ZOPA of scenario ``s`` (feasible outcomes every party prefers to no deal) and ``d``
the disagreement point. An edit ``e`` maps ``s`` to ``e(s)`` (:mod:`simulator.analysis.edits`).

- A red line *binds* when dropping it alone enlarges the ZOPA: ``|Z(s without r)| > |Z(s)|``.
- The *gain* of party ``p`` at a solution is ``u_p(after) - u_p(before)``, where no deal counts as
  ``d_p``.

The single-concession scan lives in :mod:`~simulator.analysis.scan` and the minimal concession
sets in :mod:`~simulator.analysis.minimal_sets`; their public names are importable from here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.analysis._tasks import Executor, run_tasks, zopa_count
from simulator.analysis.edits import DropRedLine, Edit, apply_edits, parse_edits
from simulator.analysis.scan import (
    MAX_SOLVES,
    Concession,
    ScanResult,
    candidate_concessions,
    scan_concessions,
)
from simulator.model import Scenario
from simulator.progress import Progress
from simulator.results import SolveResult, utility_dict
from simulator.solver import solve

__all__ = [
    "MAX_SOLVES",
    "Concession",
    "ScanResult",
    "StressResult",
    "binding_red_lines",
    "candidate_concessions",
    "scan_concessions",
    "stress_test",
]


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
                "before": None if before is None else before.to_dict(s0),
                "after": None if after is None else after.to_dict(s1),
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
