"""The words of a ripeness analysis (:class:`~simulator.analysis.ripeness.RipenessResult`): when a
zone opens as outside options move, and whose drift would have to change for it to open sooner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.report.blocks import Block, BulletList, Heading, Paragraph, table
from simulator.report.registry import register

if TYPE_CHECKING:
    from simulator.analysis.ripeness import DriftMargin, PeriodVerdict, RipenessResult
    from simulator.model import Scenario

__all__ = [
    "RIPENESS_CAPTION",
    "ripeness_blocks",
    "ripeness_headline",
    "ripeness_section",
    "trend_lines",
]

#: The caption of the ripeness figure in the full report.
RIPENESS_CAPTION = (
    "When a deal becomes possible: each party's reservation path (dashed) and the best utility it "
    "can get while the others get theirs (solid); months with a zone shaded."
)


def _signed(x: float | None) -> str:
    return "-" if x is None else f"{x:+.4f}"


def _margin(x: float) -> str:
    return f"{x:+.3f}" if x > float("-inf") else "none"


def trend_lines(scenario: Scenario) -> list[str]:
    """One line per number that moves: what, how fast (or along which points), its source."""
    unit = "period" if scenario.periods is None else scenario.periods.unit
    lines = []
    for p in scenario.parties:
        moving = [("reservation", p.reservation_trend)] + [
            (f"weight on {scenario.issue(i).label or i}", q.trend) for i, q in p.preferences.items()
        ]
        for what, trend in moving:
            if trend is None:
                continue
            if trend.drift is not None:
                span = trend.drift_range
                rng = "" if span is None else f" (range {span.low:g} to {span.high:g})"
                speed = "held" if trend.drift == 0 else f"{trend.drift:+g} per {unit}"
                lines.append(f"**{p.display}**, {what}: {speed}{rng}; source: {trend.source}")
            else:
                points = "; ".join(
                    f"{pt.at}: {pt.value:g}" + (f" ({pt.source})" if pt.source else "")
                    for pt in trend.path
                )
                lines.append(f"**{p.display}**, {what}: path {points}")
    return lines


def ripeness_headline(result: RipenessResult) -> str:
    """``A zone first opens in 2025-04 (period 3) at the stated drift.`` or why none does."""
    if not result.has_trends:
        verdict = "a zone exists" if result.first_open is not None else "there is no zone"
        return (
            "Nothing in the scenario moves in time, so every period is the snapshot: "
            f"{verdict} at every period."
        )
    if result.first_open is not None:
        v = result.periods[result.first_open]
        if v.t == 0:
            return f"A zone of possible agreement exists already at the start ({v.label})."
        return f"At the stated drift, a zone first opens in {v.label} (period {v.t})."
    last = result.periods[-1].label if result.periods else "the start"
    stopped = "" if result.complete else " (the time budget ended the run early)"
    feasible = any(b > float("-inf") for v in result.periods for b in v.best)
    why = "" if feasible else "; the red lines alone leave no package, so no drift can open one"
    return f"At the stated drift, no zone opens up to {last}{stopped}{why}."


def _package(v: PeriodVerdict, before: PeriodVerdict | None) -> str:
    point = v.nash.outcome if v.nash is not None else None
    if point is None and v.closest is not None:
        point = v.closest.point.outcome
    if point is None:
        return "-"
    kind = "Nash" if v.nash is not None else "closest"
    if v.closest is not None and v.nash is None and v.closest.crossed:
        kind += f" (crosses {len(v.closest.crossed)} red line(s))"
    old = None
    if before is not None:
        old = before.nash.outcome if before.nash is not None else None
        if old is None and before.closest is not None:
            old = before.closest.point.outcome
    if old is None:
        return kind
    changed = sum(a != b for a, b in zip(point, old, strict=True))
    return f"{kind}, {'unchanged' if not changed else f'{changed} issue(s) changed'}"


def _needed(m: DriftMargin, drift: float | None) -> str:
    """``≤ -0.0126 (outside the range)``: the drift and whether its stated range reaches it."""
    if drift is None:
        return "never"
    reach = m.reachable(drift)
    note = "" if reach is None else (" (in range)" if reach else " (outside the range)")
    return f"≤ {_signed(drift)}{note}"


def _drift_row(result: RipenessResult, m: DriftMargin, horizons: list[int]) -> list[object]:
    needed = dict(m.needed)
    earlier = "-"
    if m.earlier_at is not None and m.earlier_to is not None:
        earlier = f"≤ {_signed(m.earlier_at)} (opens {result.periods[m.earlier_to].label})"
    later = "-" if m.later_above is None else f"> {_signed(m.later_above)}"
    necessary = {True: "yes", False: "no", None: "-"}[m.necessary]
    return [
        m.label,
        "path" if m.trend == "path" else _signed(m.drift),
        earlier,
        later,
        *[_needed(m, needed[h]) for h in horizons],
        necessary,
    ]


@register("RipenessResult", blank_line_after=True)
def ripeness_blocks(result: RipenessResult) -> list[Block]:
    """The window over time: what moves, the verdict per period, and the drift margins."""
    s = result.scenario
    unit = result.unit
    parties = [p.display for p in s.parties]
    rows = []
    for k, v in enumerate(result.periods):
        count = f"{v.zopa:,}" if v.zopa_exact else f"at least {v.zopa:,}"
        rows.append(
            [
                v.label,
                count if v.is_open else "none",
                *[_margin(x) for x in v.margins],
                _package(v, result.periods[k - 1] if k else None),
            ]
        )
    horizons = [h for h, _ in result.drift_margins[0].needed] if result.drift_margins else []
    blocks: list[Block] = [
        Heading(1, f"When a deal becomes possible: {s.title or s.name}"),
        Paragraph(f"**{ripeness_headline(result)}**"),
    ]
    moving = trend_lines(s)
    if moving:
        blocks += [Heading(2, "What moves"), BulletList(tuple(moving))]
    blocks += [
        Heading(2, f"The verdict, {unit} by {unit}"),
        Paragraph(
            "Each row is the scenario of that period, solved exactly. A party's *margin* is the "
            "best utility it can get while every other party gets its reservation, less its own "
            "reservation: a zone exists exactly when the margins are >= 0 (they are then "
            "positive or zero for every party), and 'none' means no package gives the others "
            "theirs. The package is the Nash solution when a zone exists, else the closest "
            "package to agreement."
        ),
        table([unit, "ZOPA", *[f"{p} margin" for p in parties], "package"], rows),
    ]
    if result.drift_margins and result.first_open != 0:
        blocks += [
            Heading(2, "Whose position has to move, and how fast"),
            Paragraph(
                f"Each party's reservation drift per {unit} replaced by a constant drift from "
                "its value at the start, everything else as stated. 'Earlier' is the drift at or "
                "below which the zone opens before the stated first period (and when); 'later' "
                "the drift above which it opens later; 'within H' the largest drift that opens a "
                f"zone within H {unit}s (a negative drift is a falling reservation; 'in range' "
                "when the party's stated drift range reaches it); 'needed' "
                "whether holding the party's reservation at its start closes the zone at the "
                "first open period. Exact: computed from the exact best utilities of every "
                "period, no search over drifts."
            ),
            table(
                [
                    "party",
                    "stated drift",
                    "earlier",
                    "later",
                    *[f"within {h}" for h in horizons],
                    "needed",
                ],
                [_drift_row(result, m, horizons) for m in result.drift_margins],
            ),
        ]
    if not result.complete:
        blocks.append(
            Paragraph(
                f"The {result.budget_ended} budget ended the run after {len(result.periods)} "
                f"of {result.horizon + 1} periods: later periods were not computed."
            )
        )
    blocks.append(Paragraph(f"{len(result.periods)} periods in {result.seconds:.2f} s."))
    return blocks


def ripeness_section(result: RipenessResult) -> list[Block]:
    """The ripeness blocks as a section of the full report (``bargain report`` of a scenario
    whose reservations or weights move): one heading level down."""
    out: list[Block] = []
    for block in ripeness_blocks(result):
        if isinstance(block, Heading):
            text = "Over time: when a deal becomes possible" if block.level == 1 else block.text
            block = Heading(block.level + 1, text)
        out.append(block)
    return out
