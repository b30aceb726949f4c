"""Snapshots side by side: what changed in the inputs, how the answer moved (``bargain compare``).

Notation
--------
Snapshots ``S_0, ..., S_m`` (for example the same negotiation on two dates) are each solved
exactly. For each the *answer* is the counts (consistent, feasible, ZOPA), the verdict (a ZOPA or
none), the *package* (the Nash package when there is a ZOPA, else the closest package), each
party's utility there, the probability that the package is ratified once signed (when the
scenario has ratification terms, :mod:`simulator.analysis.ratification`) and, optionally, the
verdict's robustness margins (:mod:`simulator.analysis.margins`). For each step ``S_k -> S_k+1``
the result lists every change of the inputs with the source text before and after
(:func:`~simulator.analysis.snapshot_diff.snapshot_changes`), the issues on which the package moved,
and the change of each party's utility there. Parties and issues are matched by id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from simulator.analysis.snapshot_diff import Change, snapshot_changes
from simulator.errors import ScenarioError
from simulator.model import Scenario
from simulator.results import Counts, Point, SolveResult, outcome_dict, utility_dict

__all__ = ["CompareResult", "SnapshotAnswer", "SnapshotStep", "compare"]


@dataclass(frozen=True, eq=False)
class SnapshotAnswer:
    """The answer of one snapshot (see the module docstring)."""

    label: str
    scenario: Scenario
    counts: Counts
    counts_exact: bool
    package_kind: str | None  # "nash", "closest" or None
    package: Point | None
    crossed: tuple[str, ...]
    ratified: float | None
    margins: Any = None

    @property
    def verdict(self) -> str:
        return "zopa" if self.counts.zopa > 0 else "no zopa"

    def outcome(self) -> dict[str, str] | None:
        return None if self.package is None else outcome_dict(self.scenario, self.package.outcome)

    def utilities(self) -> dict[str, float] | None:
        if self.package is None:
            return None
        return utility_dict(self.scenario, self.package.utilities)

    def to_dict(self) -> dict[str, Any]:
        s = self.scenario
        return {
            "label": self.label,
            "source": s.origin,
            "date": s.date,
            "counts": self.counts.to_dict(),
            "counts_exact": self.counts_exact,
            "verdict": self.verdict,
            "package": None
            if self.package is None
            else {
                "kind": self.package_kind,
                "outcome": self.outcome(),
                "utilities": self.utilities(),
                "crossed": list(self.crossed),
                "p_ratified": self.ratified,
            },
            "reservations": {p.id: float(p.reservation) for p in s.parties},
            **({} if self.margins is None else {"margins": self.margins.to_dict()["margins"]}),
        }


@dataclass(frozen=True, eq=False)
class SnapshotStep:
    """From one snapshot to the next: the changed inputs, the issues on which the package moved
    (``(issue, option before, option after)``, option None where the issue is new or gone) and
    each common party's change of utility at the package."""

    before: int
    after: int
    changes: tuple[Change, ...]
    package_moves: tuple[tuple[str, str | None, str | None], ...] | None
    utility_moves: dict[str, float] | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.before,
            "to": self.after,
            "changes": [c.to_dict() for c in self.changes],
            "package_moves": None
            if self.package_moves is None
            else [{"issue": i, "before": a, "after": b} for i, a, b in self.package_moves],
            "utility_moves": self.utility_moves,
        }


@dataclass(frozen=True, eq=False)
class CompareResult:
    """Snapshots side by side (``bargain compare``): one :class:`SnapshotAnswer` per snapshot and
    one :class:`SnapshotStep` per consecutive pair."""

    answers: tuple[SnapshotAnswer, ...]
    steps: tuple[SnapshotStep, ...]

    @property
    def party_ids(self) -> tuple[str, ...]:
        """Every party of any snapshot, in order of first appearance."""
        seen = dict.fromkeys(p.id for a in self.answers for p in a.scenario.parties)
        return tuple(seen)

    def to_dict(self) -> dict[str, Any]:
        return {
            "snapshots": [a.to_dict() for a in self.answers],
            "steps": [s.to_dict() for s in self.steps],
        }


def _answer(label: str, result: SolveResult, margins: Any) -> SnapshotAnswer:
    from simulator.analysis.ratification import ratification, ratification_terms

    crossed: tuple[str, ...] = ()
    if result.counts.zopa > 0:
        kind, package = "nash", result.solutions.get("nash")
    elif result.closest is not None:
        kind, package, crossed = "closest", result.closest.point, tuple(result.closest.crossed)
    else:
        kind, package = None, None
    ratified = None
    if package is not None and ratification_terms(result.scenario):
        found = {p.name: p for p in ratification(result).packages}
        ratified = float(found[kind if kind == "nash" else "closest"].ratified)
    return SnapshotAnswer(
        label,
        result.scenario,
        result.counts,
        bool(result.stats.counts_exact),
        kind if package is not None else None,
        package,
        tuple(crossed),
        ratified,
        margins,
    )


def _step(k: int, a: SnapshotAnswer, b: SnapshotAnswer) -> SnapshotStep:
    changes = snapshot_changes(a.scenario, b.scenario)
    moves = utilities = None
    out_a, out_b = a.outcome(), b.outcome()
    if out_a is not None and out_b is not None:
        issues = dict.fromkeys([*out_a, *out_b])
        moves = tuple(
            (i, out_a.get(i), out_b.get(i)) for i in issues if out_a.get(i) != out_b.get(i)
        )
        u_a, u_b = a.utilities() or {}, b.utilities() or {}
        utilities = {p: round(u_b[p] - u_a[p], 10) for p in u_a if p in u_b}
    return SnapshotStep(k, k + 1, changes, moves, utilities)


def compare(
    scenarios: Sequence[Scenario],
    *,
    labels: Sequence[str] | None = None,
    margins: bool = True,
) -> CompareResult:
    """Solve every snapshot and compare consecutive ones (see the module docstring).

    Parameters
    ----------
    scenarios
        Two or more snapshots, in time order.
    labels
        A name per snapshot (default: its date, else its name).
    margins
        Whether to add each verdict's robustness margins (reservations and red lines, exact).

    Raises
    ------
    ScenarioError
        With fewer than two snapshots, or labels that do not match them.

    Examples
    --------
    >>> import dataclasses
    >>> from simulator.formats import load_scenario
    >>> car = load_scenario("scenarios/textbook_car.yaml")
    >>> dealer = dataclasses.replace(car.parties[1], reservation=0.9, reservation_range=None)
    >>> later = dataclasses.replace(car, parties=(car.parties[0], dealer))
    >>> r = compare([car, later], labels=["before", "after"], margins=False)
    >>> [a.verdict for a in r.answers], [c.item for c in r.steps[0].changes]
    (['zopa', 'no zopa'], ['dealer'])
    """
    from simulator.solver import solve

    if len(scenarios) < 2:
        raise ScenarioError("compare needs at least two snapshots")
    if labels is not None and len(labels) != len(scenarios):
        raise ScenarioError(f"{len(labels)} labels for {len(scenarios)} snapshots")
    names = list(labels) if labels is not None else [s.date or s.name for s in scenarios]
    answers = []
    for name, s in zip(names, scenarios, strict=True):
        found = None
        if margins:
            from simulator.analysis.margins import margins as verdict_margins

            found = verdict_margins(s)
        answers.append(_answer(name, solve(s), found))
    steps = tuple(_step(k, answers[k], answers[k + 1]) for k in range(len(answers) - 1))
    return CompareResult(tuple(answers), steps)
