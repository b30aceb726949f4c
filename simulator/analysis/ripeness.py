"""Ripeness: when a zone of possible agreement opens as the parties' outside options move in time.

Notation
--------
``s(t)`` is the static scenario at period ``t = 0, ..., N``
(:func:`~simulator.analysis.timeline.scenario_at`), with reservations ``d_q(t)``. For each period
and party ``p``,

    M_p(t) = max u_p(o) over the outcomes o of s(t) that cross no rule and give every other
             party q its reservation, u_q(o) >= d_q(t)

(one exact branch-and-bound pass, :func:`~simulator.solver.max_utility`; ``-inf`` when there is
no such outcome), and ``margin_p(t) = M_p(t) - d_p(t)``: how far p's reservation lies below the
best it can get while everyone else gets theirs. The ZOPA of ``s(t)`` is non-empty exactly when
``margin_p(t) >= -eps`` for any (then every) party, ``eps`` the compiler's rounding slack
(:func:`~simulator.solver.zopa_threshold`). ``first_open`` is the first ``t`` with a ZOPA, found
by deciding every period (no monotonicity is assumed: drifts of opposite sign can close a zone
again).

Each period's count, Nash package (with a ZOPA) or closest package (without) comes from
:func:`~simulator.solver.solve` of ``s(t)``; a period whose scenario equals the one before
reuses its solve.

**Drift margins.** Replace party p's reservation trend by a constant drift ``delta`` from
``d_p(0)``, everything else as stated. ``M_p(t)`` does not depend on p's own reservation, so period
``t >= 1`` is open exactly when ``d_p(0) + t * delta <= M_p(t) (+ eps)``, i.e. when
``delta <= c_p(t) = (M_p(t) - d_p(0)) / t``. Hence, exactly and without further search:

- ``first_open(delta) = min {t >= 1 : delta <= c_p(t)}`` (0 if period 0 is open: no drift moves
  it);
- ``needed[H] = max_{1 <= t <= H} c_p(t)``: the largest drift of p (the slowest fall of its
  reservation, if negative) that opens a zone within ``H`` periods;
- ``earlier_at``: at or below this drift, the zone opens before ``first_open`` (at
  ``earlier_to``); ``later_above``: above this drift period ``first_open`` closes, and the zone
  opens at ``later_to`` (None: not within N). ``later_at`` is the first drift the solver tells
  apart from ``later_above`` (``+ 2 eps / first_open``), where re-solving shows the later opening.

The thresholds come from exact maxima, so they are exact (up to the float rounding of
``d_p(0) + t * delta``, far below ``eps``); no bisection is needed. ``necessary`` says whether p's
reservation trend is needed for the zone at ``first_open``: holding ``d_p`` at ``d_p(0)`` closes
it (``M_p(T) < d_p(0) - eps``).

Only unanimity is handled: a scenario with a decision rule (``agreement``) is refused.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.analysis.timeline import has_trends, period_label, scenario_at
from simulator.compiled import compile_scenario
from simulator.errors import ScenarioError
from simulator.model import Scenario
from simulator.progress import Progress
from simulator.results import Closest, Point, SolveResult
from simulator.solver import Budget, max_utility, rule_regions, solve, zopa_threshold

__all__ = [
    "DEFAULT_HORIZONS",
    "DriftMargin",
    "PeriodVerdict",
    "RipenessResult",
    "ripeness",
]

#: Horizons (in periods) for which the drift that opens a zone in time is reported.
DEFAULT_HORIZONS = (6, 12, 24)
#: The most periods one run may look at.
MAX_PERIODS = 600


def _num(x: float) -> float | None:
    """A finite number rounded as utilities are in JSON, None for ``-inf``/``inf``."""
    return round(float(x), 10) if math.isfinite(x) else None


@dataclass(frozen=True, eq=False)
class PeriodVerdict:
    """One period: its scenario, ZOPA count, Nash or closest package, reservations ``d_p(t)``,
    best achievable utilities ``M_p(t)`` (``-inf``: none) and the rounding slack ``eps``."""

    t: int
    label: str
    scenario: Scenario
    zopa: int
    zopa_exact: bool
    nash: Point | None
    closest: Closest | None
    reservation: tuple[float, ...]
    best: tuple[float, ...]
    slack: float

    @property
    def is_open(self) -> bool:
        """Whether the ZOPA is non-empty, from the exact maxima (``M_0(t) >= d_0(t) - eps``)."""
        return self.best[0] >= self.reservation[0] - self.slack

    @property
    def margins(self) -> tuple[float, ...]:
        """``M_p(t) - d_p(t)`` per party (``-inf`` when nothing gives the others theirs)."""
        return tuple(b - d for b, d in zip(self.best, self.reservation, strict=True))

    def to_dict(self) -> dict[str, Any]:
        s = self.scenario
        return {
            "t": self.t,
            "label": self.label,
            "zopa": self.zopa,
            "zopa_exact": self.zopa_exact,
            "nash": None if self.nash is None else self.nash.to_dict(s),
            "closest": None if self.closest is None else self.closest.to_dict(s),
            "parties": [
                {
                    "party": p.id,
                    "label": p.display,
                    "reservation": _num(d),
                    "best": _num(b),
                    "margin": _num(b - d),
                }
                for p, d, b in zip(s.parties, self.reservation, self.best, strict=True)
            ],
        }


@dataclass(frozen=True)
class DriftMargin:
    """How party ``party``'s reservation drift moves ``first_open`` (see the module Notation).

    ``trend`` is ``drift``, ``path`` or ``none``; ``drift`` the stated drift (0 without a trend,
    None for a path). ``needed`` maps a horizon ``H`` to the largest drift that opens a zone
    within ``H`` periods (None: no drift of this party does). ``within_range`` says whether a
    drift in the stated ``drift_range`` opens the zone earlier (its low end is at most
    ``earlier_at``); :meth:`reachable` says the same of any threshold.
    """

    party: str
    label: str
    trend: str
    drift: float | None
    range: tuple[float, float] | None
    earlier_at: float | None
    earlier_to: int | None
    later_above: float | None
    later_at: float | None
    later_to: int | None
    needed: tuple[tuple[int, float | None], ...]
    necessary: bool | None
    within_range: bool | None
    exact: bool = True

    def reachable(self, drift: float | None) -> bool | None:
        """Whether some drift in the stated range is at most ``drift`` (None without a range)."""
        if self.range is None or drift is None:
            return None
        return self.range[0] <= drift

    def to_dict(self) -> dict[str, Any]:
        return {
            "party": self.party,
            "label": self.label,
            "trend": self.trend,
            "drift": self.drift,
            "range": None if self.range is None else list(self.range),
            "earlier_at": self.earlier_at,
            "earlier_to": self.earlier_to,
            "later_above": self.later_above,
            "later_at": self.later_at,
            "later_to": self.later_to,
            "needed": [
                {"within": h, "drift": d, "within_range": self.reachable(d)}
                for h, d in self.needed
            ],
            "necessary": self.necessary,
            "within_range": self.within_range,
            "exact": self.exact,
        }


@dataclass(frozen=True, eq=False)
class RipenessResult:
    """The verdict at every period, ``first_open`` and the drift margins.

    ``first_open`` is the first open period among those computed; when ``budget_ended`` says the
    time budget ran out before period ``horizon``, ``complete`` is false and a None
    ``first_open`` means "not within the periods computed".
    """

    scenario: Scenario
    horizon: int
    periods: tuple[PeriodVerdict, ...]
    first_open: int | None
    drift_margins: tuple[DriftMargin, ...]
    has_trends: bool
    budget_ended: str | None
    seconds: float

    @property
    def complete(self) -> bool:
        return self.budget_ended is None

    @property
    def unit(self) -> str:
        return "period" if self.scenario.periods is None else self.scenario.periods.unit

    def to_dict(self) -> dict[str, Any]:
        s = self.scenario
        return {
            "scenario": s.name,
            "source": s.origin or s.name,
            "unit": self.unit,
            "start": None if s.periods is None else s.periods.start,
            "horizon": self.horizon,
            "has_trends": self.has_trends,
            "periods": [p.to_dict() for p in self.periods],
            "first_open": self.first_open,
            "first_open_label": None
            if self.first_open is None
            else period_label(s, self.first_open),
            "complete": self.complete,
            "budget_ended": self.budget_ended,
            "drift_margins": [m.to_dict() for m in self.drift_margins],
            "seconds": self.seconds,
        }


def _period(scenario: Scenario, t: int, solved: SolveResult) -> PeriodVerdict:
    """The verdict at ``t``: the exact maxima ``M_p(t)``, and the packages from ``solved``."""
    s_t = scenario_at(scenario, t)
    cs = compile_scenario(s_t)
    regions = rule_regions(cs, "all")
    best = []
    for p in range(cs.n_parties):
        threshold = zopa_threshold(cs, cs.reservation)
        threshold[p] = -np.inf
        best.append(max_utility(cs, regions, threshold, p))
    return PeriodVerdict(
        t,
        period_label(scenario, t),
        s_t,
        int(solved.counts.zopa),
        bool(solved.stats.counts_exact),
        solved.solutions.get("nash") if solved.counts.zopa else None,
        solved.closest,
        tuple(float(x) for x in cs.reservation),
        tuple(best),
        float(cs.rounding_slack),
    )


def _key(s: Scenario) -> tuple[Any, ...]:
    """What changes between periods: reservations and weights (equal keys, equal solves)."""
    return tuple(
        (p.reservation, tuple(sorted((i, q.weight) for i, q in p.preferences.items())))
        for p in s.parties
    )


def ripeness(
    scenario: Scenario,
    periods: int = 24,
    *,
    horizons: Sequence[int] = DEFAULT_HORIZONS,
    seconds: float | None = None,
    progress: Progress | None = None,
) -> RipenessResult:
    """The verdict at every period ``t = 0..periods``, ``first_open`` and the drift margins.

    Parameters
    ----------
    scenario
        A scenario; its reservations and weights move by their trends (without any, every period
        is the snapshot).
    periods
        The last period ``N`` (at most :data:`MAX_PERIODS`).
    horizons
        The horizons ``H`` of ``needed`` (those above ``N`` are left out).
    seconds
        A time budget: past it no further period is started, and the result says so.
    progress
        Called as ``progress("periods", fraction)``.

    Raises
    ------
    ScenarioError
        For a negative or too large ``periods``, a scenario with a decision rule, or a moving
        weight that leaves its range.

    Examples
    --------
    >>> from simulator.formats import load_scenario
    >>> r = ripeness(load_scenario("scenarios/textbook_car.yaml"), 3)
    >>> [p.zopa for p in r.periods] == [r.periods[0].zopa] * 4, r.first_open
    (True, 0)
    """
    if not 0 <= periods <= MAX_PERIODS or int(periods) != periods:
        raise ScenarioError(f"periods must be a whole number in [0, {MAX_PERIODS}], got {periods}")
    if scenario.agreement is not None:
        raise ScenarioError(
            "ripeness asks for every party's acceptance; this scenario has a decision rule "
            "(agreement), which ripeness does not handle yet"
        )
    start = time.perf_counter()
    meter = Budget(seconds=seconds).meter()
    out: list[PeriodVerdict] = []
    ended = None
    last: tuple[tuple[Any, ...], SolveResult] | None = None
    for t in range(periods + 1):
        if meter.deadline is not None and time.perf_counter() > meter.deadline:
            ended = "time"
            break
        s_t = scenario_at(scenario, t)
        key = _key(s_t)
        if last is None or last[0] != key:
            left = None if meter.deadline is None else max(meter.deadline - time.perf_counter(), 0)
            last = (key, solve(s_t, time_limit=left))
        out.append(_period(scenario, t, last[1]))
        if progress:
            progress("periods", (t + 1) / (periods + 1))
    first = next((v.t for v in out if v.is_open), None)
    margins = _drift_margins(scenario, out, first, [h for h in horizons if 1 <= h <= periods])
    return RipenessResult(
        scenario,
        periods,
        tuple(out),
        first,
        margins,
        has_trends(scenario),
        ended,
        time.perf_counter() - start,
    )


def _drift_margins(
    scenario: Scenario, verdicts: list[PeriodVerdict], first: int | None, horizons: list[int]
) -> tuple[DriftMargin, ...]:
    out = []
    open0 = bool(verdicts) and verdicts[0].is_open
    for p, party in enumerate(scenario.parties):
        d0 = float(party.reservation)
        c = {v.t: (v.best[p] - d0) / v.t for v in verdicts if v.t >= 1}
        trend = party.reservation_trend
        kind = "none" if trend is None else ("drift" if trend.drift is not None else "path")
        drift = 0.0 if trend is None else trend.drift
        span = None if trend is None or trend.drift_range is None else trend.drift_range
        rng = None if span is None else (float(span.low), float(span.high))
        needed = tuple((h, None if open0 else _best_before(c, h + 1)[0]) for h in horizons)
        earlier_at = earlier_to = later_above = later_at = later_to = None
        necessary = None
        if not open0 and kind != "path":
            before = _best_before(c, len(verdicts) if first is None else first)
            if before[0] is not None:
                earlier_at, earlier_to = before
            if first is not None:
                slack = verdicts[first].slack
                after = c[first] + 2 * slack / first  # finite: period ``first`` is open
                later_above, later_at = float(c[first]), float(after)
                later_to = next(
                    (t for t in sorted(c) if t > first and after <= c[t] + slack / t), None
                )
                best = verdicts[first].best[p]
                necessary = kind != "none" and best < d0 - slack
        inside = None if rng is None or earlier_at is None else rng[0] <= earlier_at
        out.append(
            DriftMargin(
                party.id,
                party.display,
                kind,
                drift,
                rng,
                earlier_at,
                earlier_to,
                later_above,
                later_at,
                later_to,
                needed,
                necessary,
                inside,
            )
        )
    return tuple(out)


def _best_before(c: dict[int, float], end: int) -> tuple[float | None, int | None]:
    """``max c(t)`` over ``1 <= t < end`` and the first ``t`` reaching it (None if all -inf)."""
    candidates = [(value, t) for t, value in c.items() if t < end and math.isfinite(value)]
    if not candidates:
        return None, None
    top = max(value for value, _ in candidates)
    return top, min(t for value, t in candidates if value == top)
