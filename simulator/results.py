"""Result types: one frozen type per question, each with ``to_dict()`` for JSON.

The ``to_dict()`` contract
--------------------------
Every result a command or a public function returns (:class:`SolveResult` here, the evaluations,
the analyses' results) has ``to_dict()`` callable with no argument: a result keeps what it needs,
its scenario included. Optional keyword arguments only trim the output (``max_frontier``,
``top``). The values nested inside a result (:class:`Point`, :class:`Frontier`,
:class:`Closest`, and in the analyses a turn, a scanned concession or a break-even point) do not
keep the scenario; they take it as an argument (``nash.to_dict(scenario)`` in the README), which
the result that holds them passes. For :class:`Point`, :class:`Frontier` and :class:`Closest` it
is optional: without it, outcomes are option indices and utilities lists in party order.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from simulator.compiled import FloatArray, IntArray
from simulator.model import Scenario

__all__ = [
    "Closest",
    "Counts",
    "Frontier",
    "Point",
    "SolveResult",
    "SolveStats",
    "ZopaEstimate",
    "outcome_dict",
    "utility_dict",
]


def outcome_dict(scenario: Scenario, outcome: Sequence[int] | IntArray) -> dict[str, str]:
    """``{issue id: option id}`` for an outcome given as option indices."""
    return {
        issue.id: issue.options[int(k)].id
        for issue, k in zip(scenario.issues, outcome, strict=True)
    }


def utility_dict(scenario: Scenario, utilities: Sequence[float] | FloatArray) -> dict[str, float]:
    """``{party id: utility}``, rounded to 10 decimals (the compiler's rounding stays below
    1e-10)."""
    return {p.id: round(float(u), 10) for p, u in zip(scenario.parties, utilities, strict=True)}


def _rounded(utilities: Sequence[float]) -> list[float]:
    """Utilities in party order, rounded as :func:`utility_dict` rounds them."""
    return [round(float(u), 10) for u in utilities]


@dataclass(frozen=True)
class Counts:
    """Exact counts: all outcomes, consistent ones, feasible ones (no red line crossed), the
    ZOPA."""

    outcomes: int
    consistent: int
    feasible: int
    zopa: int
    #: under a decision rule (the scenario's ``agreement``): ``zopa`` counts the passing packages
    #: and this, per party in order, how many of them the party accepts; None without a rule
    accepted: tuple[int, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "outcomes": self.outcomes,
            "consistent": self.consistent,
            "feasible": self.feasible,
            "zopa": self.zopa,
        }
        if self.accepted is not None:
            out["accepted"] = list(self.accepted)
        return out


@dataclass(frozen=True, eq=False)
class Point:
    """One outcome with its utilities and its mixed-radix index."""

    outcome: tuple[int, ...]
    utilities: tuple[float, ...]
    index: int

    def to_dict(self, scenario: Scenario | None = None) -> dict[str, Any]:
        """``{"outcome": ..., "utilities": ...}``: keyed by issue and party ids with the
        ``scenario`` the point belongs to, else as lists (option indices, utilities in party
        order). A point is a value inside a result and does not keep its scenario; the result's
        own ``to_dict()`` passes it."""
        if scenario is None:
            return {"outcome": list(self.outcome), "utilities": _rounded(self.utilities)}
        return {
            "outcome": outcome_dict(scenario, self.outcome),
            "utilities": utility_dict(scenario, self.utilities),
        }


@dataclass(frozen=True, eq=False)
class Frontier:
    """The Pareto frontier of a scope (``all``, ``feasible`` or ``zopa``), sorted by outcome
    index."""

    scope: str
    outcomes: IntArray  # (F, n) option indices
    utilities: FloatArray  # (F, P)
    index: tuple[int, ...]

    @property
    def size(self) -> int:
        return len(self.index)

    def point(self, row: int) -> Point:
        return Point(
            tuple(int(k) for k in self.outcomes[row]),
            tuple(float(u) for u in self.utilities[row]),
            self.index[row],
        )

    def to_dict(
        self, scenario: Scenario | None = None, max_points: int | None = 1000
    ) -> dict[str, Any]:
        """The scope, the size and the first ``max_points`` points (see :meth:`Point.to_dict`
        for ``scenario``)."""
        rows = range(self.size if max_points is None else min(self.size, max_points))
        return {
            "scope": self.scope,
            "size": self.size,
            "points": [self.point(r).to_dict(scenario) for r in rows],
        }


@dataclass(frozen=True, eq=False)
class Closest:
    """When the ZOPA is empty: the outcome closest to agreement and what stands in the way.

    ``shortfall`` is each party's ``max(0, d_p - u_p)``; ``crossed`` lists red lines the outcome
    crosses (empty when a feasible outcome exists); ``binding`` names what binds, as
    ``reservation:<party>`` and ``red_line:<party>:<id>``. ``proved`` is False when no search
    proved it the closest (the integer programme's incumbent past enumeration, or a search that
    ``budget_ended`` stopped: ``nodes``, ``outcomes`` or ``time``); the JSON then says so.
    """

    point: Point
    shortfall: tuple[float, ...]
    crossed: tuple[str, ...]
    binding: tuple[str, ...]
    proved: bool = True
    budget_ended: str | None = None

    def to_dict(self, scenario: Scenario | None = None) -> dict[str, Any]:
        """The point, the shortfalls, the red lines crossed and what binds (see
        :meth:`Point.to_dict` for ``scenario``)."""
        d = self.point.to_dict(scenario)
        d["shortfall"] = (
            _rounded(self.shortfall) if scenario is None else utility_dict(scenario, self.shortfall)
        )
        d["crossed"] = list(self.crossed)
        d["binding"] = list(self.binding)
        if not self.proved:
            d["proved"] = False
            if self.budget_ended is not None:
                d["budget_ended"] = self.budget_ended
        return d


@dataclass(frozen=True)
class ZopaEstimate:
    """An estimate of a count: ``value`` (unbiased), a 95% interval ``[low, high]``, the number
    of ``samples`` and the ``method``; ``exact_part`` is the count the search finished and
    ``open_outcomes`` the size of the part it sampled."""

    value: float
    low: float
    high: float
    samples: int
    method: str
    exact_part: int
    open_outcomes: int

    def to_dict(self) -> dict[str, float | int | str]:
        return {
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "samples": self.samples,
            "method": self.method,
        }


@dataclass(frozen=True, eq=False)
class SolveStats(Mapping[str, Any]):
    """What a solve method reports about itself: facts other code reads.

    Attributes
    ----------
    method
        The method's key (``enumerate``, ``dp``, ``milp``).
    chosen_automatically
        Whether ``method="auto"`` chose it.
    counts_exact
        False when the ZOPA count is a lower bound (the counting budget ran out).
    frontier_outcomes
        ``all`` (every outcome on the frontier), ``one per utility vector``, or ``not computed``
        (``solve(frontier="none")``: both frontiers are empty, of scope ``none``).
    milp_solves, milp_integer_units
        ``milp`` only (else None): integer programmes solved, and whether utilities were scaled to
        exact integers.
    budget_ended
        Which budget ended a pass early (``nodes``, ``outcomes`` or ``time``; None when none did).
    frontier_complete
        False when a budget ended a frontier pass, so the frontiers cover only what it saw (then
        ``frontier_complete: false`` in the JSON); None otherwise.
    count_method
        What counted the ZOPA when it was not the block search: the additive programme
        (:mod:`~simulator.solver.additive_count`); None otherwise (then no ``count_method`` key in
        the JSON).

    It reads like the dict it replaces (``stats["counts_exact"]``, ``dict(stats)``): the keys are
    the attributes that are not None.
    """

    method: str = "enumerate"
    chosen_automatically: bool = False
    counts_exact: bool = True
    frontier_outcomes: str = "all"
    milp_solves: int | None = None
    milp_integer_units: bool | None = None
    budget_ended: str | None = None
    frontier_complete: bool | None = None
    count_method: str | None = None

    def __getitem__(self, key: str) -> Any:
        if key not in self._keys():
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def _keys(self) -> tuple[str, ...]:
        return tuple(f.name for f in fields(self) if getattr(self, f.name) is not None)


@dataclass(frozen=True, eq=False)
class SolveResult:
    """Everything :func:`simulator.solve` finds about a scenario."""

    scenario: Scenario
    counts: Counts
    disagreement: FloatArray
    frontier: Frontier
    zopa_frontier: Frontier
    solutions: dict[str, Point | None]
    closest: Closest | None
    method: str  # the method's key: "enumerate", "dp" or "milp"
    seconds: float
    source: str | None = None
    stats: SolveStats = field(default_factory=SolveStats)
    zopa_estimate: ZopaEstimate | None = None  # when the ZOPA count is a lower bound
    #: the verdict's robustness margins (:class:`simulator.analysis.margins.Margins`), when asked
    margins: Any = None
    #: every pair's gaps (:class:`simulator.analysis.gaps.GapsResult`), when asked
    gaps: Any = None
    #: the packages' ratification risk, when the scenario has ratification terms or it was asked
    #: for (:class:`~simulator.analysis.ratification.RatificationResult`)
    ratification: Any = None

    def to_dict(self, max_frontier: int | None = 1000) -> dict[str, Any]:
        """The JSON shape of ``bargain solve --json`` (``margins``, ``gaps`` and ``ratification``
        only when computed)."""
        s = self.scenario
        return (
            {
                "source": self.source or s.origin or s.name,
                "scenario": s.name,
                "parties": [
                    {
                        "name": p.id,
                        "label": p.display,
                        "reservation": float(p.reservation),
                        "disagreement": float(d),
                        "red_lines": len(p.red_lines),
                    }
                    for p, d in zip(s.parties, self.disagreement, strict=True)
                ],
                "issues": [{"name": i.id, "options": list(i.option_ids)} for i in s.issues],
                "counts": self.counts.to_dict(),
                **self._rule_dict(),
                "frontier": None  # not computed: solve(frontier="none")
                if self.frontier.scope == "none"
                else self.frontier.to_dict(s, max_frontier),
                "solutions": {
                    name: (None if pt is None else pt.to_dict(s))
                    for name, pt in self.solutions.items()
                },
                "closest": None if self.closest is None else self.closest.to_dict(s),
                "method": self.method,
                "counts_exact": bool(self.stats.counts_exact),
                **({} if (how := self.stats.count_method) is None else {"count_method": how}),
                **({} if (ended := self.stats.budget_ended) is None else {"budget_ended": ended}),
                **({"frontier_complete": False} if self.stats.frontier_complete is False else {}),
                **(
                    {}
                    if (guess := self.zopa_estimate) is None
                    else {"zopa_estimate": guess.to_dict()}
                ),
                "frontier_outcomes": str(self.stats.frontier_outcomes),
                "seconds": self.seconds,
                **({} if self.gaps is None else {"gaps": self.gaps.to_dict()["gaps"]}),
            }
            | ({} if self.margins is None else self.margins.to_dict())
            | self._ratification_dict()
        )

    def _ratification_dict(self) -> dict[str, Any]:
        return {} if self.ratification is None else self.ratification.to_dict()

    def _rule_dict(self) -> dict[str, Any]:
        """The decision rule and per-party acceptance counts, only when the scenario has one (so
        the JSON of every scenario without a rule stays as it was)."""
        rule, s = self.scenario.agreement, self.scenario
        if rule is None or self.counts.accepted is None:
            return {}
        return {
            "agreement": {
                "quorum": rule.quorum_of(len(s.parties)),
                "veto": list(rule.veto),
                "required": list(rule.required(s.party_ids)),
                "accepted": dict(zip(s.party_ids, self.counts.accepted, strict=True)),
            }
        }


def empty_frontier(scope: str, n_issues: int, n_parties: int) -> Frontier:
    return Frontier(scope, np.zeros((0, n_issues), dtype=np.int64), np.zeros((0, n_parties)), ())
