"""Margins of the package: the smallest move of a reservation or a weight that changes it.

Notation
--------
The *package* ``P(theta)`` is the Nash solution when the ZOPA is not empty, else the closest
package (:mod:`simulator.solver.closest`), as a function of one parameter ``theta`` with the rest
held fixed. A package margin reports ``flips_at``, a value at which ``P`` differs from
``P(theta_0)``, with two guarantees that the tests re-solve: ``P(flips_at) != P(theta_0)`` and
``P((theta_0 + flips_at) / 2) == P(theta_0)``.

``P`` is piecewise constant in ``theta`` but need not change monotonically, so the search is not
exact (``exact`` is false): on each side of ``theta_0`` it tries :data:`PACKAGE_GRID` values evenly
spaced up to the end of the search interval, bisects between the last value with the same package
and the first with another one to :data:`PACKAGE_TOLERANCE`, and, while the midpoint between
``theta_0`` and the value found has another package, bisects again towards ``theta_0``. A change
that reverts between two grid values is missed; the value reported is the nearest found.

- **A reservation** ``d_p``: the interval is the stated range widened to the party's utility range
  over the consistent packages (:func:`~simulator.solver.utility_ranges`); ``within_range`` says
  whether ``flips_at`` lies in the stated range.
- **A weight** ``w_pi`` (the edit ``PARTY weight ISSUE =x``, which rescales the party's other
  weights to keep their total ``W``): the interval is ``[0, W]``.

Each value tried is one solve, so the whole pass has a time budget (:data:`PACKAGE_SECONDS`); the
parameters it did not reach are named in the result, never reported as "no change".
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from simulator.analysis.edits import Adjust
from simulator.analysis.edits.kinds import Parameter
from simulator.analysis.margins import Margin, _bisect, _option_words
from simulator.compiled import compile_scenario
from simulator.model import Scenario
from simulator.solver import rule_regions, solve, utility_ranges

__all__ = ["PACKAGE_GRID", "PACKAGE_SECONDS", "PACKAGE_TOLERANCE", "package_move_margins"]

#: Values tried on each side of a parameter before bisecting.
PACKAGE_GRID = 4
#: Bisection stops when the bracket of a package change is this narrow.
PACKAGE_TOLERANCE = 1e-6
#: Time budget of the whole pass, seconds.
PACKAGE_SECONDS = 30.0

Package = tuple[int, ...] | None


class _OutOfTime(Exception):
    pass


def package_of(scenario: Scenario) -> Package:
    """The package the verdict names: the Nash solution with a ZOPA, else the closest outcome."""
    result = solve(scenario)
    point = result.solutions.get("nash") if result.counts.zopa else None
    if point is None and result.closest is not None:
        point = result.closest.point
    return None if point is None else point.outcome


def _nearest_change(changed: Callable[[float], bool], x0: float, end: float) -> float | None:
    """The nearest value found between ``x0`` and ``end`` whose package differs (module rule)."""
    if end == x0:
        return None
    same = x0
    for x in np.linspace(x0, end, PACKAGE_GRID + 1)[1:]:
        if changed(float(x)):
            found = _bisect(changed, same, float(x), PACKAGE_TOLERANCE)
            while changed((x0 + found) / 2):  # a nearer change: bisect towards x0
                found = _bisect(changed, x0, (x0 + found) / 2, PACKAGE_TOLERANCE)
            return found
        same = float(x)
    return None


Move = tuple[str, Parameter, str | None, float, tuple[float, float], tuple[float, float] | None]


def _moves(scenario: Scenario) -> list[Move]:
    """Every parameter to move: (party, param, issue, value, search interval, stated range)."""
    cs = compile_scenario(scenario)
    ranges, _ = utility_ranges(cs, rule_regions(cs, "consistency"))
    out: list[Move] = []
    for p, party in enumerate(scenario.parties):
        d = float(party.reservation)
        span = party.reservation_range
        stated = None if span is None else (float(span.low), float(span.high))
        lo, hi = (float(x) for x in np.nan_to_num(ranges[p], nan=d))
        if stated is not None:
            lo, hi = min(lo, stated[0]), max(hi, stated[1])
        out.append((party.id, "reservation", None, d, (min(lo, d), max(hi, d)), stated))
    for party in scenario.parties:
        total = float(sum(pref.weight for pref in party.preferences.values()))
        for issue_id, pref in party.preferences.items():
            if total - pref.weight > 0:
                out.append((party.id, "weight", issue_id, float(pref.weight), (0.0, total), None))
    return out


def _label(scenario: Scenario, party_id: str, param: str, issue_id: str | None) -> str:
    party = scenario.party(party_id).display
    if issue_id is None:
        return f"{party}'s reservation"
    issue = scenario.issue(issue_id)
    return f"{party}'s weight on {issue.label or issue.id}"


def package_move_margins(
    scenario: Scenario, *, seconds: float = PACKAGE_SECONDS
) -> tuple[list[Margin], tuple[str, ...]]:
    """The package margins of every reservation and weight (module Notation), and the parameter
    ids the time budget of ``seconds`` did not reach.

    Examples
    --------
    >>> import simulator
    >>> car = simulator.load_scenario("scenarios/textbook_car.yaml")
    >>> found, not_tried = package_move_margins(car)
    >>> sorted({m.kind for m in found}), not_tried
    (['reservation', 'weight'], ())
    """
    deadline = time.perf_counter() + seconds
    now = package_of(scenario)
    found: list[Margin] = []
    not_tried: list[str] = []
    for party_id, param, issue_id, x0, (lo, hi), stated in _moves(scenario):
        parameter = f"{party_id}.{param}" + ("" if issue_id is None else f".{issue_id}")

        def at(
            x: float,
            party_id: str = party_id,
            param: Parameter = param,
            issue: str | None = issue_id,
        ) -> Scenario:
            return Adjust(party_id, param, "=", x, issue).apply(scenario)

        def changed(x: float, at: Callable[[float], Scenario] = at) -> bool:
            if time.perf_counter() > deadline:
                raise _OutOfTime
            return package_of(at(x)) != now

        try:
            sides = [_nearest_change(changed, x0, end) for end in (lo, hi)]
        except _OutOfTime:
            not_tried.append(parameter)
            continue
        hits = [x for x in sides if x is not None]
        flips = min(hits, key=lambda x: abs(x - x0)) if hits else None
        after = None if flips is None else package_of(at(flips))
        diff = _difference(scenario, now, after)
        found.append(
            Margin(
                parameter,
                _label(scenario, party_id, param, issue_id),
                param,
                x0,
                stated if param == "reservation" else (lo, hi),
                flips,
                None if flips is None or stated is None else bool(stated[0] <= flips <= stated[1]),
                None if flips is None else "other_package",
                exact=False,
                question="package",
                package_after=None if flips is None else diff,
                package_words=tuple(_option_words(scenario, i, o) for i, o in diff),
            )
        )
    return found, tuple(not_tried)


def _difference(scenario: Scenario, now: Package, after: Package) -> tuple[tuple[str, str], ...]:
    """The (issue, option) ids on which ``after`` differs from ``now``."""
    if after is None:
        return ()
    return tuple(
        (issue.id, issue.options[k].id)
        for j, (issue, k) in enumerate(zip(scenario.issues, after, strict=True))
        if now is None or now[j] != k
    )
