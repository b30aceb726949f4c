"""Reservation margins of the verdict under a decision rule (``agreement``).

Under unanimity a party's reservation flips the verdict at the largest utility it can get in the
others' zone, found exactly (:mod:`simulator.analysis.margins`). Under a rule a party can be
outvoted, so its reservation matters only while some passing package needs its acceptance: the
verdict "something passes" is monotone in the reservation (raising it only removes packages the
party accepts), and the flip point is found by bisection on
:func:`~simulator.solver.exists_deal` to :data:`~simulator.analysis.margins.WEIGHT_TOLERANCE`
(marked inexact, as the weights). A party whose reservation cannot flip the verdict within the
format's utility limits (±1000) has no margin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.analysis.edits import Adjust
from simulator.limits import UTILITY_LIMIT
from simulator.model import Party, Scenario

if TYPE_CHECKING:
    from simulator.analysis.margins import Margin

__all__ = ["reservation_margin", "rule_reservation_margins"]


def rule_reservation_margins(scenario: Scenario, zopa: bool) -> list[Margin]:
    """One margin per party: the reservation at which the verdict flips (None: it does not)."""
    from simulator.analysis.margins import _bisect, zopa_exists

    out = []
    for party in scenario.parties:
        r0 = float(party.reservation)

        def flipped(x: float, party_id: str = party.id) -> bool:
            return zopa_exists(Adjust(party_id, "reservation", "=", x).apply(scenario)) != zopa

        end = float(UTILITY_LIMIT) if zopa else -float(UTILITY_LIMIT)
        flips = _bisect(flipped, r0, end) if end != r0 and flipped(end) else None
        out.append(reservation_margin(party, flips, zopa, exact=False))
    return out


def reservation_margin(
    party: Party,
    flips: float | None,
    zopa: bool,
    *,
    exact: bool = True,
    boundary: float | None = None,
) -> Margin:
    """The margin of ``party``'s reservation that flips the verdict ``zopa`` at ``flips``."""
    from simulator.analysis.margins import Margin

    span = party.reservation_range
    rng = None if span is None else (float(span.low), float(span.high))
    inside = None if rng is None or flips is None else bool(rng[0] <= flips <= rng[1])
    return Margin(
        f"{party.id}.reservation",
        f"{party.display}'s reservation",
        "reservation",
        float(party.reservation),
        rng,
        flips,
        inside,
        None if flips is None else ("no_zopa" if zopa else "zopa"),
        exact=exact,
        boundary=boundary,
    )
