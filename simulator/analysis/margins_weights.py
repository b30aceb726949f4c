"""Weight margins of the verdict: how far one weight moves before the ZOPA opens or closes.

Notation
--------
``w_pi`` is party ``p``'s weight on issue ``i``, moved by the edit ``PARTY weight ISSUE =x``
(which rescales the party's other weights to keep their total ``W``); ``V(x)`` the verdict. For
each outcome ``u_p`` is affine in ``x``, so ``g(x) = M_p(x)``, the largest ``u_p`` in the others'
zone, is convex and piecewise linear, and the set where ``g(x) < d_p`` (no ZOPA) is an interval.
Without a ZOPA, the ends ``0`` and ``W`` are tried and, where the verdict flips, the crossing is
found by bisection to :data:`WEIGHT_TOLERANCE` (``exact`` is false: the threshold lies in
``(flips_at - tolerance, flips_at]`` when it is above ``theta_0``). With a ZOPA, the interval where
it closes is searched on a grid of :data:`WEIGHT_GRID` values on each side, then by bisection: a
closing interval narrower than the grid step can be missed.

Speed. Each value tried is one existence search (:func:`~simulator.solver.find_deal`), but a
package that passed at an earlier value is checked first (:func:`~simulator.solver.passing_mask`,
exact, microseconds): a ZOPA that stays open needs no search. The side searched second stops at
the distance of the flip found on the first. The pass has a time budget: the weights it did not
reach are named, never reported as "no flip"; ``progress(stage, fraction)`` hears the share done.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from simulator.analysis.edits import Adjust
from simulator.compiled import IntArray, compile_scenario
from simulator.model import Scenario
from simulator.progress import Progress
from simulator.solver import find_deal, passing_mask

__all__ = ["WEIGHT_GRID", "WEIGHT_TOLERANCE", "DealCheck", "OutOfTime", "weight_margins"]

#: Bisection stops when the bracket of a weight's threshold is this narrow.
WEIGHT_TOLERANCE = 1e-9
#: Grid values tried on each side of a weight when a ZOPA exists (see the module Notation).
WEIGHT_GRID = 8
#: Passing packages kept to check first.
_WITNESSES = 16


class OutOfTime(Exception):
    """The time budget of a margins pass ended."""


class DealCheck:
    """Whether a scenario has a passing package (:func:`~simulator.solver.exists_deal`), trying
    the packages that passed in earlier calls before searching (exactly the same answer)."""

    def __init__(self, deadline: float | None = None) -> None:
        self.deadline = deadline
        self.witnesses: list[IntArray] = []

    def __call__(self, scenario: Scenario) -> bool:
        if self.deadline is not None and time.perf_counter() > self.deadline:
            raise OutOfTime
        cs = compile_scenario(scenario)
        if self.witnesses and passing_mask(cs, np.array(self.witnesses)).any():
            return True
        found = find_deal(cs)
        if found is not None:
            self.witnesses = [np.asarray(found), *self.witnesses[: _WITNESSES - 1]]
        return found is not None


def bisect_bracket(
    flipped: Callable[[float], bool], good: float, bad: float, tolerance: float
) -> tuple[float, float]:
    """Bisection between ``good`` (not flipped) and ``bad`` (flipped) until they are at most
    ``tolerance`` apart (or adjacent floats): the final ``(good, bad)``."""
    while abs(bad - good) > tolerance:
        mid = (good + bad) / 2
        if mid in (good, bad):
            break
        if flipped(mid):
            bad = mid
        else:
            good = mid
    return good, bad


def first_flip(flipped: Callable[[float], bool], w0: float, end: float, steps: int) -> float | None:
    """The nearest flip found between ``w0`` and ``end``: ``steps`` grid values, then bisection
    (without a ZOPA the no-ZOPA set is an interval around ``w0``, so ``end`` alone tells)."""
    if end == w0:
        return None
    good = w0
    for x in np.linspace(w0, end, steps + 1)[1:]:
        if flipped(float(x)):
            return bisect_bracket(flipped, good, float(x), WEIGHT_TOLERANCE)[1]
        good = float(x)
    return None


def weight_margins(
    scenario: Scenario,
    zopa: bool,
    *,
    deadline: float | None = None,
    progress: Progress | None = None,
) -> tuple[list[tuple[str, str, float, float, float | None]], tuple[str, ...]]:
    """Per weight ``(party id, issue id, w0, W, flips_at)`` (``flips_at`` None: no flip), and the
    parameter ids the time budget (``deadline``, a :func:`time.perf_counter` value) left."""
    check = DealCheck(deadline)
    moves = [
        (party, issue_id, float(pref.weight), float(total))
        for party in scenario.parties
        for total in [sum(pref.weight for pref in party.preferences.values())]
        for issue_id, pref in party.preferences.items()
        if total - pref.weight > 0
    ]
    out: list[tuple[str, str, float, float, float | None]] = []
    not_tried: list[str] = []
    for done, (party, issue_id, w0, total) in enumerate(moves):
        if progress is not None:
            progress("weight margins", done / len(moves))

        def flipped(x: float, party_id: str = party.id, issue: str = issue_id) -> bool:
            return check(Adjust(party_id, "weight", "=", x, issue).apply(scenario)) != zopa

        try:
            flips = None
            for side in (0.0, total):
                if flips is not None:  # the other side only as far as the flip already found
                    side = min(total, max(0.0, w0 + float(np.sign(side - w0)) * abs(flips - w0)))
                found = first_flip(flipped, w0, side, WEIGHT_GRID if zopa else 1)
                if found is not None and (flips is None or abs(found - w0) < abs(flips - w0)):
                    flips = found
        except OutOfTime:
            not_tried.append(f"{party.id}.weight.{issue_id}")
            continue
        out.append((party.id, issue_id, w0, total, flips))
    if progress is not None:
        progress("weight margins", 1.0)
    return out, tuple(not_tried)
