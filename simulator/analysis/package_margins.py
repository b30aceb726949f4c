"""Margins of the package: the smallest move of a reservation or a weight that changes it.

Notation
--------
The *package* ``P(theta)`` is the Nash solution when the ZOPA is not empty, else the closest
package (:mod:`simulator.solver.closest`), as a function of one parameter ``theta`` with the rest
held fixed; each value is answered by :class:`~simulator.analysis.margins_package.PackageAt` (the
bounds-driven Nash search or the closest search, not a full solve). A package margin reports
``flips_at``, a value at which ``P`` differs from ``P(theta_0)``, and ``boundary``, the last value
found with ``P(theta_0)``, at most :data:`PACKAGE_TOLERANCE` apart: the change lies between the two.
For a reservation the tests re-solve ``P == P(theta_0)`` from ``theta_0`` to ``boundary`` and
``P(flips_at) != P(theta_0)``. When a tie that any move breaks holds the package (two packages
tied at a Nash product of 0, say), ``boundary`` is ``theta_0`` itself.

- **A reservation** ``d_p`` (exact: ``exact`` is true and no nearer change exists). The interval
  searched is the stated range widened to the party's utility range over the consistent packages
  (:func:`~simulator.solver.utility_ranges`); ``within_range`` says whether ``flips_at`` lies in
  the stated range. Within one regime the set where ``P`` differs from ``P(theta_0)`` is a
  half-line on each side of ``theta_0``: an outcome ``o`` beats the package ``o*`` where
  ``u_p(o) - x`` over ``u_p(o*) - x`` passes a constant (Nash: the other gains are fixed, and ``o``
  enters the zone with product 0), or where the hinge ``max(s_o, (x - u_p(o)) / r_p)`` of its
  normalised shortfall passes ``o*``'s (closest: the other terms of the key do not depend on
  ``x``, and a difference of two such hinges is monotone). A union of half-lines away from
  ``theta_0`` is one half-line, so bisection finds its end. The regimes change only where the ZOPA
  opens or closes, at ``M_p`` (the largest ``u_p`` in the others' zone,
  :func:`~simulator.solver.max_utility`): each side is searched regime by regime, nearest first,
  and the package at a regime's near end is tried before its far end.
- **A weight** ``w_pi`` (the edit ``PARTY weight ISSUE =x``, which rescales the party's other
  weights to keep their total ``W``) moves the party's utility range as well, and the ZOPA can
  close and reopen, so ``P`` need not change monotonically: on each side :data:`PACKAGE_GRID`
  values evenly spaced up to ``0`` or ``W`` are tried, then bisection between the last value
  with the same package and the first with another, then, while the midpoint between ``theta_0``
  and the value found has another package, bisection again towards ``theta_0``. ``exact`` is
  false: a change that reverts between two grid values is missed.

Under a decision rule every value is a full solve and every margin inexact (grid and bisection).
The whole pass has a time budget (:data:`PACKAGE_SECONDS`); the parameters it did not reach are
named in the result, never reported as "no change". ``progress(stage, fraction)`` is told the
share of parameters done.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np

from simulator.analysis.edits import Adjust
from simulator.analysis.edits.kinds import Parameter
from simulator.analysis.margins import Margin, _option_words, _others
from simulator.analysis.margins_package import Package, PackageAt, package_of
from simulator.analysis.margins_weights import bisect_bracket as _bisect_bracket
from simulator.compiled import compile_scenario
from simulator.model import Scenario
from simulator.progress import Progress
from simulator.solver import max_utility, rule_regions, utility_ranges

__all__ = [
    "PACKAGE_GRID",
    "PACKAGE_SECONDS",
    "PACKAGE_TOLERANCE",
    "package_move_margins",
    "package_of",
]

#: Values tried on each side of a weight before bisecting.
PACKAGE_GRID = 4
#: Bisection stops when the bracket of a package change is this narrow.
PACKAGE_TOLERANCE = 1e-6
#: Time budget of the whole pass, seconds.
PACKAGE_SECONDS = 30.0


class _OutOfTime(Exception):
    pass


@dataclass(frozen=True)
class _Found:
    """The nearest change found on one side: ``flips_at`` and ``same`` (the boundary)."""

    flips_at: float
    same: float


def _bracket(changed: Callable[[float], bool], same: float, other: float) -> _Found:
    """Bisect between ``same`` (the package of ``theta_0``) and ``other`` (another one)."""
    good, bad = _bisect_bracket(changed, same, other, PACKAGE_TOLERANCE)
    return _Found(bad, good)


def _monotone_side(
    changed: Callable[[float], bool], x0: float, stops: list[float]
) -> _Found | None:
    """The nearest change on one side when ``P`` is monotone within each regime (module
    Notation). ``stops`` lists, nearest first, the far end of each regime followed by the near
    end of the next (the last is the end of the search interval): a change at a far end is
    bisected within the regime, one at a near end lies on the regime boundary."""
    same = x0
    for k, x in enumerate(stops):
        if x == same:
            continue
        if changed(x):
            return _Found(x, same) if k % 2 else _bracket(changed, same, x)
        same = x
    return None


def _grid_side(changed: Callable[[float], bool], x0: float, end: float) -> _Found | None:
    """The nearest change found between ``x0`` and ``end`` by a grid and bisection (inexact)."""
    if end == x0:
        return None
    same = x0
    for x in np.linspace(x0, end, PACKAGE_GRID + 1)[1:]:
        if changed(float(x)):
            found = _bracket(changed, same, float(x))
            while changed((x0 + found.flips_at) / 2):  # a nearer change: bisect towards x0
                found = _bracket(changed, x0, (x0 + found.flips_at) / 2)
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


def _reservation_stops(scenario: Scenario, p: int) -> tuple[float, float] | None:
    """Where the regimes of a reservation change: the ZOPA is open for ``d_p <= M_p`` and closed
    from ``M_p + 2 eps`` on (:mod:`simulator.analysis.margins`); None when it never opens."""
    cs = compile_scenario(scenario)
    top = max_utility(cs, rule_regions(cs, "all"), _others(cs, p), p)
    return (top, top + 2 * cs.rounding_slack) if np.isfinite(top) else None


def _nearest(
    changed: Callable[[float], bool],
    x0: float,
    lo: float,
    hi: float,
    monotone: bool,
    bounds: tuple[float, float] | None = None,
) -> _Found | None:
    """The nearest change in ``[lo, hi]``: below ``x0`` first, then above it no farther than
    the change found below: the monotone search (a reservation, whose ZOPA ``bounds`` are those of
    :func:`_reservation_stops`) or the grid (a weight)."""
    found = None
    for end in (lo, hi):
        if found is not None:  # no need to look farther than the change already found
            end = float(np.clip(x0 + np.sign(end - x0) * abs(found.flips_at - x0), lo, hi))
        if monotone:
            side = _monotone_side(changed, x0, _stops(x0, end, bounds))
        else:
            side = _grid_side(changed, x0, end)
        if side is not None and (
            found is None or abs(side.flips_at - x0) < abs(found.flips_at - x0)
        ):
            found = side
    return found


def _stops(x0: float, end: float, bounds: tuple[float, float] | None) -> list[float]:
    """The stops of :func:`_monotone_side` from ``x0`` towards ``end``."""
    if bounds is None:
        return [end]
    top, shut = bounds
    if end < x0:
        stops = [end] if x0 <= top else [max(end, shut), max(end, top), end]
        return [min(x, x0) for x in stops]
    stops = [end] if x0 >= shut else [min(end, top), min(end, shut), end]
    return [max(x, x0) for x in stops]


def _parameter(party_id: str, param: str, issue_id: str | None) -> str:
    return f"{party_id}.{param}" + ("" if issue_id is None else f".{issue_id}")


def _label(scenario: Scenario, party_id: str, issue_id: str | None) -> str:
    party = scenario.party(party_id).display
    if issue_id is None:
        return f"{party}'s reservation"
    issue = scenario.issue(issue_id)
    return f"{party}'s weight on {issue.label or issue.id}"


def package_move_margins(
    scenario: Scenario,
    *,
    seconds: float = PACKAGE_SECONDS,
    progress: Progress | None = None,
    only: Collection[str] | None = None,
) -> tuple[list[Margin], tuple[str, ...]]:
    """The package margins of every reservation and weight (module Notation), and the parameter
    ids the time budget of ``seconds`` did not reach; ``only`` limits them to those parameter ids
    (``russia.reservation``, ``russia.weight.crimea``).

    Examples
    --------
    >>> import simulator
    >>> car = simulator.load_scenario("scenarios/textbook_car.yaml")
    >>> found, not_tried = package_move_margins(car)
    >>> sorted({m.kind for m in found}), not_tried
    (['reservation', 'weight'], ())
    >>> [m.exact for m in found if m.kind == "reservation"]
    [True, True]
    """
    deadline = time.perf_counter() + seconds
    package_at = PackageAt(scenario)
    now = package_at(scenario, party=0, weights_moved=False)
    found: list[Margin] = []
    not_tried: list[str] = []
    moves = [
        m for m in _moves(scenario) if only is None or _parameter(m[0], m[1], m[2]) in set(only)
    ]
    for done, (party_id, param, issue_id, x0, (lo, hi), stated) in enumerate(moves):
        if progress is not None:
            progress("package margins", done / len(moves))
        parameter = _parameter(party_id, param, issue_id)
        p = [q.id for q in scenario.parties].index(party_id)

        def at(
            x: float,
            party_id: str = party_id,
            param: Parameter = param,
            issue: str | None = issue_id,
        ) -> Scenario:
            return Adjust(party_id, param, "=", x, issue).apply(scenario)

        def package(
            x: float, at: Callable[[float], Scenario] = at, p: int = p, param: str = param
        ) -> Package:
            return package_at(at(x), party=p, weights_moved=param == "weight")

        def changed(x: float, package: Callable[[float], Package] = package) -> bool:
            if time.perf_counter() > deadline:
                raise _OutOfTime
            return package(x) != now

        exact = param == "reservation" and package_at.fast
        try:
            bounds = _reservation_stops(scenario, p) if exact else None
            best = _nearest(changed, x0, lo, hi, exact, bounds)
            after = None if best is None else package(best.flips_at)
        except _OutOfTime:
            not_tried.append(parameter)
            continue
        flips = None if best is None else best.flips_at
        diff = _difference(scenario, now, after)
        found.append(
            Margin(
                parameter,
                _label(scenario, party_id, issue_id),
                param,
                x0,
                stated if param == "reservation" else (lo, hi),
                flips,
                None if flips is None or stated is None else bool(stated[0] <= flips <= stated[1]),
                None if flips is None else "other_package",
                exact=exact,
                boundary=None if best is None else best.same,
                question="package",
                package_after=None if flips is None else diff,
                package_words=tuple(_option_words(scenario, i, o) for i, o in diff),
            )
        )
    if progress is not None:
        progress("package margins", 1.0)
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
