"""The static scenario at period ``t`` of a scenario whose reservations and weights move in time.

Notation
--------
A scenario ``s`` with ``periods`` and trends (:mod:`simulator.model.periods`) stands for one static
scenario ``s(t)`` per period ``t = 0, 1, ...``: every reservation ``d_p`` becomes ``d_p(t)`` and
every moving weight ``w_pi`` becomes ``w_pi(t)``.

- A reservation moves by the edit ``PARTY reservation +(d_p(t) - d_p)``
  (:class:`~simulator.analysis.edits.Adjust`), which moves its uncertainty range with it.
- The moving weights of a party are set to ``w_pi(t)``; its weights that do not move are rescaled
  together so that the party's total weight ``W_p`` stays what it is (the rule of the edit
  ``PARTY weight ISSUE =x``, for several issues at once). A moving weight below 0, moving weights
  above ``W_p`` in all, or no weight left to rescale is an error at that period.

``s(0)`` is ``s`` without its trends; ``s(t)`` has no trends and no periods (it is a snapshot),
its ``date`` is the period's label.

Examples
--------
>>> from simulator.formats import loads_scenario_yaml
>>> s = loads_scenario_yaml('''
... name: tiny
... periods: {unit: month, start: "2025-12"}
... issues: [{id: price, values: [1, 2]}]
... parties:
...   - id: buyer
...     reservation: {value: 0.5, drift: -0.1, drift_source: assumption}
...     preferences: {price: {weight: 1, linear: decreasing}}
... ''')
>>> round(scenario_at(s, 3).party("buyer").reservation, 12)
0.2
>>> scenario_at(s, 3).date
'2026-03'
"""

from __future__ import annotations

import dataclasses
import math

from simulator.analysis.edits import Adjust
from simulator.errors import ScenarioError
from simulator.model import Party, Periods, Scenario

__all__ = ["has_trends", "period_label", "scenario_at"]


def has_trends(scenario: Scenario) -> bool:
    """Whether any reservation or weight of the scenario moves in time."""
    return any(trend.moves for _, trend in scenario.trends())


def period_label(scenario: Scenario, t: int) -> str:
    """The label of period ``t`` (``"t=3"`` for a scenario without periods)."""
    return f"t={t}" if scenario.periods is None else scenario.periods.label(t)


def scenario_at(scenario: Scenario, t: int) -> Scenario:
    """The static scenario at period ``t >= 0`` (see the module Notation).

    Raises
    ------
    ScenarioError
        If ``t`` is negative, or a moving weight leaves its allowed range at ``t``.
    """
    if t < 0 or int(t) != t:
        raise ScenarioError(f"a period is a whole number >= 0, got {t}")
    periods = scenario.periods
    parties = []
    for party in scenario.parties:
        moved = _weights_at(party, t, periods, period_label(scenario, t))
        if party.reservation_trend is not None:
            assert periods is not None  # the model checks that trends have periods
            d_t = party.reservation_trend.value_at(party.reservation, t, periods)
            shift = Adjust(party.id, "reservation", "+", d_t - party.reservation)
            moved = shift.apply(dataclasses.replace(scenario, parties=(moved,))).parties[0]
            moved = dataclasses.replace(moved, reservation=d_t)
        parties.append(dataclasses.replace(moved, reservation_trend=None))
    return dataclasses.replace(
        scenario,
        parties=tuple(parties),
        periods=None,
        date=scenario.date if periods is None or t == 0 else periods.label(t),
    )


def _weights_at(party: Party, t: int, periods: Periods | None, label: str) -> Party:
    """The party with its moving weights at ``t`` and the others rescaled to keep the total."""
    prefs = dict(party.preferences)
    moving = {i: p for i, p in prefs.items() if p.trend is not None}
    if not moving:
        return party
    assert periods is not None
    total = math.fsum(p.weight for p in prefs.values())
    new = {i: p.trend.value_at(p.weight, t, periods) for i, p in moving.items() if p.trend}
    rest = total - math.fsum(p.weight for i, p in prefs.items() if i in moving)
    left = total - math.fsum(new.values())
    where = f"party {party.id!r} at period {t} ({label})"
    negative = [f"{i} ({w:g})" for i, w in new.items() if w < 0]
    if negative:
        raise ScenarioError(f"{where}: moving weights fall below 0: {', '.join(negative)}")
    if left < 0 or (rest <= 0 and left > 0):
        raise ScenarioError(
            f"{where}: the moving weights sum to {total - left:g}, but the party's total weight "
            f"is {total:g} and its other weights ({rest:g}) are rescaled to keep it; they must "
            "sum to at most the total, with another weight > 0 to rescale"
        )
    scale = left / rest if rest > 0 else 0.0
    for issue_id, pref in prefs.items():
        weight = new[issue_id] if issue_id in moving else pref.weight * scale
        prefs[issue_id] = dataclasses.replace(pref, weight=weight, trend=None)
    return dataclasses.replace(party, preferences=prefs)
