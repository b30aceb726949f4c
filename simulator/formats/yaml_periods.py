"""Read time from scenario YAML: the ``periods`` block, reservations and the trends of reservations
and weights.

A reservation or a preference mapping may move in time (:mod:`simulator.model.periods`): with
``drift`` (a change per period, with ``drift_source`` and optionally ``drift_range``) or with
``path`` (dated points ``{at, value, low, high, source}``), never both. Every mistake is located
at its key: a drift without its source, a period label that is not one of the scenario's periods,
points out of order, a trend in a file without ``periods``.
"""

from __future__ import annotations

from collections.abc import Mapping

import yaml

from simulator.formats import yaml_syntax as y
from simulator.formats.fields import Part
from simulator.formats.spec import PATH_POINT, PERIODS, RESERVATION
from simulator.formats.yaml_rules import read_range, read_uncertainty
from simulator.model import PathPoint, Periods, Trend, Uncertainty

__all__ = ["read_periods", "read_reservation", "read_trend"]

_PERIODS_HINT = 'add `periods: {unit: month, start: "2025-12"}` at the top level'


def read_periods(n: y.Located) -> Periods:
    """``{unit, start}``, the start checked against the unit."""
    f = y.fields(n, PERIODS)
    get = y.getter(f, PERIODS)
    with f["start"].building():
        return Periods(get("unit"), get("start"))


def read_reservation(
    n: y.Located, periods: Periods | None
) -> tuple[float, Uncertainty | None, str | None, Trend | None]:
    """``number`` or ``{value, low, high, distribution, mode, source}`` with drift or path."""
    assert RESERVATION.shorthand is not None
    if not isinstance(n.node, yaml.MappingNode):
        return y.number(n, RESERVATION.shorthand), None, None, None
    f = y.fields(n, RESERVATION)
    get = y.getter(f, RESERVATION)
    value, spread = get("value"), read_uncertainty(n, f, RESERVATION["low"])
    if spread is not None and not spread.low <= value <= spread.high:
        raise f["value"].error(
            f"the reservation {value:g} lies outside its own range [{spread.low:g}, "
            f"{spread.high:g}]; give a value between low and high"
        )
    return value, spread, get("source"), read_trend(n, f, RESERVATION, periods)


def read_trend(
    n: y.Located, f: Mapping[str, y.Located], part: Part, periods: Periods | None
) -> Trend | None:
    """The trend of a reservation or weight mapping ``f`` of ``part``, or None if it has none."""
    if "drift" not in f and "path" not in f:
        for key in ("drift_range", "drift_source"):
            if key in f:
                raise f[key].error(f"{key} goes with a drift; give drift too, or remove {key}")
        return None
    if "drift" in f and "path" in f:
        raise f["path"].error(
            "give either drift (a change per period) or path (dated values), not both"
        )
    key = "drift" if "drift" in f else "path"
    if periods is None:
        raise f[key].error(
            f"{key} moves this number in time, but the file has no periods; {_PERIODS_HINT}"
        )
    if key == "path":
        for other in ("drift_range", "drift_source"):
            if other in f:
                raise f[other].error(
                    f"{other} goes with a drift, not with a path; give each path point its "
                    "source (and low/high)"
                )
        return Trend(path=_path(f["path"], periods))
    if "drift_source" not in f:
        raise f["drift"].error(
            "a drift needs drift_source: where it comes from, or 'assumption: why'"
        )
    span = y.optional(f, "drift_range", lambda r: read_range(r, part["drift_range"], "drifts"))
    with f["drift"].building():
        return Trend(
            y.number(f["drift"], part["drift"]),
            span,
            source=y.text(f["drift_source"]),
        )


def _path(n: y.Located, periods: Periods) -> tuple[PathPoint, ...]:
    points = []
    last = 0
    for item in y.items(n, "path points {at, value, source}", nonempty=True):
        f = y.fields(item, PATH_POINT)
        get = y.getter(f, PATH_POINT)
        at = get("at")
        with f["at"].building():
            t = periods.index(at)
        if t <= last:
            after = f"the start {periods.start}" if last == 0 else periods.label(last)
            raise f["at"].error(
                f"path point {at} must come after {after}; list the points in increasing order "
                "of time, after the start (the value at the start is the number itself)"
            )
        last = t
        with item.building():
            points.append(
                PathPoint(
                    at,
                    get("value"),
                    source=get("source"),
                    range=read_uncertainty(item, f, PATH_POINT["low"]),
                )
            )
    return tuple(points)
