"""Budgets on the work a search actually does: nodes expanded, outcomes evaluated, wall-clock time.

A :class:`Budget` is the user's limit (any part may be None: no limit); :meth:`Budget.meter` starts
a :class:`Meter`, which :func:`~simulator.solver.search.run_search` charges after every expansion
(nodes) and every leaf (outcomes). When a part runs out the meter raises :class:`OverBudget`, whose
``budget`` says which (``nodes``, ``outcomes`` or ``time``); the pass stops cleanly between two
operations, so what its visitor found so far stays valid (a count is then a lower bound).

Counting nodes as well as outcomes matters: when bounds are weak a search expands nodes for a long
time without reaching a leaf, and a budget on outcomes alone never runs out.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["BUDGET_KINDS", "Budget", "Meter", "OverBudget"]

#: The parts of a budget, in the order they are checked.
BUDGET_KINDS = ("time", "nodes", "outcomes")


class OverBudget(Exception):
    """A pass did more work than its budget allows; ``budget`` says which part ran out."""

    def __init__(self, budget: str = "outcomes", open: Sequence[Any] = ()) -> None:
        super().__init__(f"the {budget} budget ran out")
        self.budget = budget
        #: the search's open nodes when it stopped (batches none of whose outcomes was visited)
        self.open = list(open)


@dataclass(frozen=True)
class Budget:
    """Limits on one pass: ``nodes`` expanded, ``outcomes`` evaluated in leaves, and ``seconds``
    of wall-clock time (or an absolute ``deadline`` on :func:`time.perf_counter`, shared by the
    passes of one solve). None means no limit.

    >>> m = Budget(nodes=10).meter()
    >>> m.charge(nodes=8)
    >>> try:
    ...     m.charge(nodes=8)
    ... except OverBudget as e:
    ...     e.budget
    'nodes'
    """

    nodes: int | None = None
    outcomes: int | None = None
    seconds: float | None = None
    deadline: float | None = None

    def meter(self) -> Meter:
        ends = [d for d in (self.deadline,) if d is not None]
        if self.seconds is not None:
            ends.append(time.perf_counter() + self.seconds)
        return Meter(self.nodes, self.outcomes, min(ends) if ends else None)

    @property
    def unlimited(self) -> bool:
        return (
            self.nodes is None
            and self.outcomes is None
            and self.seconds is None
            and (self.deadline is None)
        )


class Meter:
    """A running :class:`Budget`: what is left of each part, and the work done so far."""

    def __init__(self, nodes: int | None, outcomes: int | None, deadline: float | None) -> None:
        self.nodes_left = nodes
        self.outcomes_left = outcomes
        self.deadline = deadline
        self.nodes = 0
        self.outcomes = 0

    def charge(self, nodes: int = 0, outcomes: int = 0, open: Sequence[Any] = ()) -> None:
        """Record work about to be done; raise :class:`OverBudget` (with ``open``, the work left)
        once a part is exhausted, before doing it."""
        self.nodes += nodes
        self.outcomes += outcomes
        ended = None
        if self.deadline is not None and time.perf_counter() > self.deadline:
            ended = "time"
        if self.nodes_left is not None:
            self.nodes_left -= nodes
            ended = ended or ("nodes" if self.nodes_left < 0 else None)
        if self.outcomes_left is not None:
            self.outcomes_left -= outcomes
            ended = ended or ("outcomes" if self.outcomes_left < 0 else None)
        if ended is not None:
            raise OverBudget(ended, open)
