"""Time in a scenario: the periods a file counts in, and numbers that move from period to period.

Notation
--------
A scenario with ``periods`` counts time in whole periods ``t = 0, 1, 2, ...`` of one ``unit``
(month, quarter or year) from ``start`` (``t = 0``, the snapshot). A number ``x`` with a
:class:`Trend` (a party's reservation, the weight of one issue) has the value ``x(t)``:

- **drift** ``delta``: ``x(t) = x + t * delta`` (a change per period);
- **path** of dated points ``(t_1, x_1), ..., (t_k, x_k)`` with ``0 < t_1 < ... < t_k``:
  ``x(t)`` is piecewise linear through ``(0, x), (t_1, x_1), ..., (t_k, x_k)`` and stays at
  ``x_k`` after ``t_k``.

A trend carries a ``source`` (or the word ``assumption``) and, for a drift, a range for Monte
Carlo (``drift_range``); each point of a path may carry its own range and source.

Examples
--------
>>> months = Periods("month", "2025-12")
>>> months.label(7), months.index("2026-06")
('2026-07', 6)
>>> Trend(drift=-0.01, source="assumption").value_at(0.5, 10, months)
0.4
>>> path = Trend(path=(PathPoint("2026-02", 0.3), PathPoint("2026-04", 0.5)))
>>> [round(path.value_at(0.4, t, months), 6) for t in range(6)]
[0.4, 0.35, 0.3, 0.4, 0.5, 0.5]
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Literal

from simulator.errors import ScenarioError
from simulator.limits import check_utility
from simulator.model.preferences import Uncertainty

__all__ = ["PERIOD_UNITS", "PathPoint", "PeriodUnit", "Periods", "Trend"]

PeriodUnit = Literal["month", "quarter", "year"]
#: The units a scenario may count time in, with how a period is written.
PERIOD_UNITS: dict[str, str] = {"month": "YYYY-MM", "quarter": "YYYY-Qn", "year": "YYYY"}
_PATTERNS = {
    "month": re.compile(r"(\d{4})-(0[1-9]|1[0-2])"),
    "quarter": re.compile(r"(\d{4})-Q([1-4])"),
    "year": re.compile(r"(\d{4})"),
}
_PER_YEAR = {"month": 12, "quarter": 4, "year": 1}


@dataclass(frozen=True)
class Periods:
    """The periods of a scenario: a ``unit`` and the ``start`` period (``t = 0``)."""

    unit: PeriodUnit
    start: str

    def __post_init__(self) -> None:
        if self.unit not in PERIOD_UNITS:
            raise ScenarioError(
                f"periods: unit must be one of {', '.join(PERIOD_UNITS)}, got {self.unit!r}"
            )
        self._ordinal(self.start, "start")

    def _ordinal(self, label: str, what: str = "period") -> int:
        match = _PATTERNS[self.unit].fullmatch(str(label))
        if match is None:
            raise ScenarioError(
                f"{what} {label!r} is not a {self.unit} written {PERIOD_UNITS[self.unit]} "
                f"(e.g. {self.label_of(2025 * _PER_YEAR[self.unit] + _PER_YEAR[self.unit] - 1)})"
            )
        year = int(match.group(1))
        part = int(match.group(2)) - 1 if self.unit != "year" else 0
        return year * _PER_YEAR[self.unit] + part

    def label_of(self, ordinal: int) -> str:
        year, part = divmod(ordinal, _PER_YEAR[self.unit])
        if self.unit == "month":
            return f"{year:04d}-{part + 1:02d}"
        if self.unit == "quarter":
            return f"{year:04d}-Q{part + 1}"
        return f"{year:04d}"

    def label(self, t: int) -> str:
        """The label of period ``t`` (``t = 0`` is ``start``)."""
        return self.label_of(self._ordinal(self.start) + t)

    def index(self, label: str) -> int:
        """The period number ``t`` of a label (negative before ``start``); a label that is not a
        period of this unit is a :class:`~simulator.errors.ScenarioError`."""
        return self._ordinal(label) - self._ordinal(self.start)


@dataclass(frozen=True)
class PathPoint:
    """One dated point of a path: the value at period ``at`` (a label such as ``2026-06``)."""

    at: str
    value: float
    source: str | None = None
    range: Uncertainty | None = None

    def __post_init__(self) -> None:
        check_utility("path value", self.value)
        if self.range is not None and not self.range.low <= self.value <= self.range.high:
            raise ScenarioError(
                f"path point {self.at}: value {self.value:g} lies outside its range "
                f"[{self.range.low:g}, {self.range.high:g}]"
            )


@dataclass(frozen=True)
class Trend:
    """How a number moves over the periods: a ``drift`` per period or a ``path`` of dated points
    (exactly one), with the ``source`` of the drift and its ``drift_range``."""

    drift: float | None = None
    drift_range: Uncertainty | None = None
    source: str | None = None
    path: tuple[PathPoint, ...] = ()

    def __post_init__(self) -> None:
        if (self.drift is None) == (not self.path):
            raise ScenarioError("a trend gives exactly one of drift and path")
        if self.drift is not None:
            if not math.isfinite(self.drift):
                raise ScenarioError(f"drift must be a finite number, got {self.drift}")
            check_utility("drift", self.drift)
        if self.drift_range is not None:
            if self.drift is None:
                raise ScenarioError("drift_range needs a drift")
            if not self.drift_range.low <= self.drift <= self.drift_range.high:
                raise ScenarioError(
                    f"the drift {self.drift:g} lies outside its own range "
                    f"[{self.drift_range.low:g}, {self.drift_range.high:g}]"
                )

    def check(self, periods: Periods | None, what: str) -> None:
        """Every path label is a period of ``periods`` after its start, in increasing order."""
        if periods is None:
            raise ScenarioError(
                f"{what} moves in time but the scenario declares no periods; add "
                '`periods: {unit: month, start: "2025-12"}` at the top level'
            )
        last = 0
        for point in self.path:
            t = periods.index(point.at)
            if t <= last:
                after = "the start " + periods.start if last == 0 else periods.label(last)
                raise ScenarioError(
                    f"{what}: path point {point.at} must come after {after} "
                    "(points are listed in increasing order of time, after the start)"
                )
            last = t

    def value_at(self, base: float, t: int, periods: Periods) -> float:
        """``x(t)`` for the value ``base`` at ``t = 0`` (see the module Notation)."""
        if self.drift is not None:
            return base + t * self.drift if t else base
        t0, x0 = 0, base
        for point in self.path:
            t1 = periods.index(point.at)
            if t <= t1:
                return x0 + (point.value - x0) * (t - t0) / (t1 - t0)
            t0, x0 = t1, point.value
        return x0

    def scaled(self, factor: float) -> Trend:
        """The trend of ``factor * x`` (weights rescaled to sum to 1)."""
        span = self.drift_range
        return replace(
            self,
            drift=None if self.drift is None else self.drift * factor,
            drift_range=None
            if span is None
            else Uncertainty(
                span.low * factor,
                span.high * factor,
                span.distribution,
                None if span.mode is None else span.mode * factor,
            ),
            path=tuple(
                replace(
                    p,
                    value=p.value * factor,
                    range=None
                    if p.range is None
                    else Uncertainty(p.range.low * factor, p.range.high * factor),
                )
                for p in self.path
            ),
        )

    @property
    def moves(self) -> bool:
        """Whether the number changes at all (a zero drift does not)."""
        return bool(self.path) or self.drift != 0
