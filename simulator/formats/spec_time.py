"""The parts of the scenario format that move numbers in time (:mod:`simulator.model.periods`):
the ``periods`` block, the points of a ``path`` and the keys of a drift, which reservations and
preferences share; :mod:`simulator.formats.spec` puts them in its table."""

from __future__ import annotations

from dataclasses import replace

from simulator.formats.fields import Key, Part
from simulator.formats.spec_common import HIGH, LOW, SOURCE, UNCERTAINTY, UTILITY, _number, _text
from simulator.limits import UTILITY_LIMIT

__all__ = ["PATH_POINT", "PERIODS", "trend_keys"]

PERIODS = Part(
    "periods",
    "periods",
    "The periods in which reservations and weights move (drift, path): a unit and the start "
    "(period 0, the snapshot).",
    (
        Key(
            "unit",
            "choice",
            "month (written 2025-12), quarter (2025-Q4) or year (2025).",
            required=True,
            choices=("month", "quarter", "year"),
        ),
        _text("start", 'The first period (t = 0), e.g. "2025-12"; quote it.', required=True),
    ),
    inline=True,
)
PATH_POINT = Part(
    "path_point",
    "parties[].reservation.path[], parties[].preferences.ISSUE.path[]",
    "The value at one period; between points (and from period 0) it is interpolated linearly, "
    "after the last point it stays.",
    (
        _text(
            "at",
            'The period, e.g. "2026-06"; after the start and after the point before.',
            required=True,
        ),
        _number("value", "The value at that period.", required=True, **UTILITY),
        replace(LOW, **UTILITY),
        replace(HIGH, **UTILITY),
        replace(SOURCE, required=True),
    ),
    inline=True,
)


def trend_keys(what: str) -> tuple[Key, ...]:
    """The keys that move ``what`` in time: a drift with its range and source, or a path."""
    return (
        _number(
            "drift",
            f"Change of the {what} per period (the periods block); give drift_source.",
            needs=("drift_source",),
            **UTILITY,
        ),
        Key(
            "drift_range",
            UNCERTAINTY,
            "[low, high] or {low, high, distribution, mode}: the drift's range for Monte Carlo.",
            pair=True,
            needs=("drift",),
            minimum=-UTILITY_LIMIT,
            maximum=UTILITY_LIMIT,
        ),
        _text(
            "drift_source",
            "Where the drift comes from, or 'assumption: why'.",
        ),
        Key(
            "path",
            PATH_POINT,
            f"Dated values of the {what} instead of a drift, interpolated linearly.",
            container="list",
            min_items=1,
        ),
    )
