"""Budgets on the work a search actually does: nodes expanded, outcomes evaluated, wall-clock time.

A :class:`Budget` is the user's limit (any part may be None: no limit); :meth:`Budget.meter` starts
a :class:`Meter`, which :func:`~simulator.solver.search.run_search` charges after every expansion
(nodes) and every leaf (outcomes). When a part runs out the meter raises :class:`OverBudget`, whose
``budget`` says which (``nodes``, ``outcomes`` or ``time``); the pass stops cleanly between two
operations, so what its visitor found so far stays valid (a count is then a lower bound).

Counting nodes as well as outcomes matters: when bounds are weak a search expands nodes for a long
time without reaching a leaf, and a budget on outcomes alone never runs out.

A wall-clock limit can also cover a whole question: inside ``with time_limit(seconds):`` every
meter (and every search started without one, :func:`ambient_meter`) ends by that deadline, and so
does every HiGHS solve (:func:`seconds_left` is its ``time_limit``). The command line's
``--time-limit S`` is this scope around the command. A pass that can give a partial answer catches
:class:`OverBudget` and says so; one that cannot (an existence question) lets it reach the caller,
which says which limit ended which pass.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "BUDGET_KINDS",
    "BUDGET_WORDS",
    "Budget",
    "Meter",
    "OverBudget",
    "ambient_meter",
    "seconds_left",
    "time_limit",
]

#: The parts of a budget, in the order they are checked.
BUDGET_KINDS = ("time", "nodes", "outcomes")
#: What ran out, in words, by the ``budget_ended`` key.
BUDGET_WORDS = {
    "nodes": "its budget of nodes expanded",
    "outcomes": "its budget of outcomes evaluated",
    "time": "the time limit",
}


class OverBudget(Exception):
    """A pass did more work than its budget allows; ``budget`` says which part ran out."""

    def __init__(self, budget: str = "outcomes", open: Sequence[Any] = (), stage: str = "") -> None:
        super().__init__(f"the {budget} budget ran out" + (f" in {stage}" if stage else ""))
        self.budget = budget
        #: the search's open nodes when it stopped (batches none of whose outcomes was visited)
        self.open = list(open)
        #: the pass it stopped, in words ("" when the raiser did not say)
        self.stage = stage

    def explain(self) -> str:
        """The sentence for a question this stop left without an answer.

        >>> OverBudget("time", stage="the existence search").explain()[:53]
        'the existence search stopped at the time limit before'
        """
        advice = (
            "give it more time with --time-limit, or none"
            if self.budget == "time"
            else "the question is past what this pass's fixed work budget can decide"
        )
        return (
            f"{self.stage or 'a search'} stopped at {BUDGET_WORDS.get(self.budget, self.budget)} "
            f"before it had an answer; nothing was written ({advice})"
        )


#: The deadline (on :func:`time.perf_counter`) of the innermost :func:`time_limit` scope.
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "bargain_deadline", default=None
)


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Every pass started inside ends by ``seconds`` from now (None: no limit of its own; an
    outer scope's deadline still holds, and nested scopes keep the earlier deadline).

    >>> with time_limit(0.0):
    ...     try:
    ...         Budget(nodes=10).meter().charge(nodes=1)
    ...     except OverBudget as e:
    ...         e.budget
    'time'
    """
    outer = _DEADLINE.get()
    ends = [d for d in (outer,) if d is not None]
    if seconds is not None:
        ends.append(time.perf_counter() + seconds)
    token = _DEADLINE.set(min(ends) if ends else None)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def seconds_left(default: float = math.inf) -> float:
    """Seconds to the current :func:`time_limit` deadline (``default`` when there is none, at most
    ``default`` otherwise); 0 once it has passed."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return default
    return min(default, max(deadline - time.perf_counter(), 0.0))


def ambient_meter() -> Meter | None:
    """A meter with only the current :func:`time_limit` deadline, for a search started without
    one (None outside any scope: no cost)."""
    deadline = _DEADLINE.get()
    return None if deadline is None else Meter(None, None, deadline)


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
        """Start the budget (within the current :func:`time_limit` scope's deadline, if any)."""
        ends = [d for d in (self.deadline, _DEADLINE.get()) if d is not None]
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
