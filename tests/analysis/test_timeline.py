"""The scenario at period t: drifts, paths (piecewise linear, held after the last point), moving
weights with the others rescaled, and the errors of weights that leave their range."""

from __future__ import annotations

import math

import pytest

from simulator.analysis.edits import Adjust
from simulator.analysis.timeline import has_trends, scenario_at
from simulator.errors import ScenarioError
from simulator.formats import loads_scenario_yaml
from simulator.model import PathPoint, Periods, Trend

TEXT = """
name: moving
periods: {unit: quarter, start: "2025-Q4"}
normalize_weights: false
issues: [{id: a, values: [0, 1]}, {id: b, values: [0, 1]}, {id: c, values: [0, 1]}]
parties:
  - id: one
    reservation:
      value: 0.5
      low: 0.4
      high: 0.6
      drift: -0.125
      drift_source: assumption
    preferences:
      a: {weight: 0.5, linear: increasing, drift: 0.0625, drift_source: assumption}
      b: {weight: 0.25, linear: increasing}
      c: {weight: 0.25, linear: increasing}
  - id: two
    reservation:
      value: 0.25
      path:
        - {at: "2026-Q2", value: 0.75, source: s1}
        - {at: "2026-Q4", value: 0.25, source: s2}
    preferences:
      a: {weight: 1, linear: decreasing}
"""


def test_drift_path_and_weights_at_each_period() -> None:
    s = loads_scenario_yaml(TEXT)
    assert has_trends(s)
    one = [scenario_at(s, t).party("one") for t in range(4)]
    assert [p.reservation for p in one] == [0.5, 0.375, 0.25, 0.125]
    # the range moves with the reservation (the edit's rule)
    span = one[2].reservation_range
    assert span is not None and (span.low, span.high) == pytest.approx((0.15, 0.35))
    # a's weight moves; b and c share what is left of the total 1 in their old proportion
    assert [p.preferences["a"].weight for p in one] == [0.5, 0.5625, 0.625, 0.6875]
    assert one[1].preferences["b"].weight == one[1].preferences["c"].weight == 0.21875
    assert all(math.isclose(sum(q.weight for q in p.preferences.values()), 1) for p in one)
    two = [scenario_at(s, t).party("two").reservation for t in range(7)]
    assert two == [0.25, 0.5, 0.75, 0.5, 0.25, 0.25, 0.25]
    at2 = scenario_at(s, 2)
    assert at2.periods is None and not has_trends(at2) and at2.date == "2026-Q2"


def test_period_zero_is_the_snapshot_without_trends() -> None:
    s = loads_scenario_yaml(TEXT)
    s0 = scenario_at(s, 0)
    assert [p.reservation for p in s0.parties] == [p.reservation for p in s.parties]
    assert s0.party("one").preferences["a"].weight == 0.5


def test_the_reservation_moves_as_the_edit_moves_it() -> None:
    s = loads_scenario_yaml(TEXT)
    by_edit = Adjust("one", "reservation", "+", -0.25).apply(s).party("one")
    assert scenario_at(s, 2).party("one").reservation_range == by_edit.reservation_range


def test_weights_that_leave_their_range_are_errors() -> None:
    s = loads_scenario_yaml(TEXT)
    with pytest.raises(ScenarioError, match=r"party 'one' at period 9 \(2028-Q1\).*sum to 1.0625"):
        scenario_at(s, 9)
    falling = loads_scenario_yaml(
        TEXT.replace("drift: 0.0625, drift_source", "drift: -0.25, drift_source")
    )
    with pytest.raises(ScenarioError, match="fall below 0: a"):
        scenario_at(falling, 3)
    with pytest.raises(ScenarioError, match="whole number >= 0"):
        scenario_at(s, -1)


def test_periods_and_trends_in_the_model() -> None:
    quarters = Periods("quarter", "2025-Q4")
    assert quarters.label(5) == "2027-Q1" and quarters.index("2024-Q4") == -4
    assert Periods("year", "2025").label(2) == "2027"
    with pytest.raises(ScenarioError, match="not a month written YYYY-MM"):
        Periods("month", "2025-13")
    with pytest.raises(ScenarioError, match="exactly one of drift and path"):
        Trend(drift=0.1, path=(PathPoint("2026-01", 0.1),))
    with pytest.raises(ScenarioError, match="outside its own range"):
        Trend(drift=0.1, drift_range=__import__("simulator").model.Uncertainty(0, 0.05))
    assert not Trend(drift=0.0).moves


def test_weights_that_all_move_and_keep_the_total_need_no_rescaling() -> None:
    """When every weight of a party moves and they keep its total, nothing is left to rescale:
    each weight is its trend's value."""
    text = TEXT.replace(
        "      b: {weight: 0.25, linear: increasing}\n      c: {weight: 0.25, linear: increasing}",
        "      b: {weight: 0.5, linear: increasing, drift: -0.0625, drift_source: assumption}",
    )
    assert text != TEXT
    one = [scenario_at(loads_scenario_yaml(text), t).party("one") for t in range(3)]
    assert [(p.preferences["a"].weight, p.preferences["b"].weight) for p in one] == [
        (0.5, 0.5),
        (0.5625, 0.4375),
        (0.625, 0.375),
    ]
