"""Time in scenario files: periods, drift and path read, written back and round-tripped, every
mistake located by file, field and line, and files without time read as before."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.errors import ScenarioError
from simulator.formats import dump_scenario_yaml, loads_scenario_yaml
from simulator.model import PathPoint, Periods, Scenario, Trend, Uncertainty
from tests.formats.test_scenario_yaml import TEXTBOOK, round_trip_scenarios

# Line numbers matter: the error tests replace one numbered line.
BASE = """\
name: timed
periods: {unit: month, start: "2025-12"}
issues:
  - {id: price, values: [20, 22, 24]}
parties:
  - id: buyer
    reservation:
      value: 0.4
      drift: -0.01
      drift_source: "assumption: the other offer ages"
    preferences:
      price: {weight: 1, linear: decreasing}
  - id: seller
    reservation:
      value: 0.3
      path:
        - {at: "2026-03", value: 0.25, source: a}
        - {at: "2026-09", value: 0.2, source: b}
    preferences:
      price: {weight: 1, linear: increasing}
"""


def with_line(number: int, text: str) -> str:
    lines = BASE.splitlines()
    lines[number - 1] = text
    return "\n".join(lines) + "\n"


def test_the_base_reads_and_round_trips() -> None:
    s = loads_scenario_yaml(BASE)
    assert s.periods == Periods("month", "2025-12")
    assert s.party("buyer").reservation_trend == Trend(
        drift=-0.01, source="assumption: the other offer ages"
    )
    assert [p.at for p in s.party("seller").reservation_trend.path] == ["2026-03", "2026-09"]
    assert loads_scenario_yaml(dump_scenario_yaml(s)) == s


@pytest.mark.parametrize(
    ("line", "text", "where", "message"),
    [
        (
            10,
            "      path: [{at: '2026-01', value: 0.3, source: x}]",
            "parties[0].reservation.path",
            "either drift .* or path",
        ),
        (10, "      drift_range: [-0.02, 0]", "parties[0].reservation.drift", "needs drift_source"),
        (9, "      source: x", "parties[0].reservation.drift_source", "goes with a drift"),
        (
            17,
            '        - {at: "2026-13", value: 0.25, source: a}',
            "parties[1].reservation.path[0].at",
            "not a month written YYYY-MM",
        ),
        (
            17,
            '        - {at: "2025-12", value: 0.25, source: a}',
            "parties[1].reservation.path[0].at",
            "must come after the start 2025-12",
        ),
        (
            18,
            '        - {at: "2026-02", value: 0.2, source: b}',
            "parties[1].reservation.path[1].at",
            "must come after 2026-03",
        ),
        (
            18,
            '        - {at: "2026-09", value: 0.2}',
            "parties[1].reservation.path[1]",
            "missing required key 'source'",
        ),
        (2, 'periods: {unit: week, start: "2025-12"}', "periods.unit", "'week' is not allowed"),
        (
            2,
            'periods: {unit: quarter, start: "2025-12"}',
            "periods.start",
            "not a quarter written YYYY-Qn",
        ),
        (2, "", "parties[0].reservation.drift", "the file has no periods"),
        (
            12,
            "      price: {weight: 1, linear: decreasing, drift: 0.1}",
            "parties[0].preferences.price.drift",
            "needs drift_source",
        ),
    ],
)
def test_mistakes_are_located(line: int, text: str, where: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message) as info:
        loads_scenario_yaml(with_line(line, text), "bad.yaml")
    error = info.value
    assert error.file == "bad.yaml" and error.path == where and error.line is not None


def test_a_drift_outside_its_range_is_located_at_the_drift() -> None:
    text = with_line(10, "      drift_source: x\n      drift_range: [0, 0.02]")
    with pytest.raises(ScenarioError, match="outside its own range") as info:
        loads_scenario_yaml(text, "bad.yaml")
    assert info.value.path == "parties[0].reservation.drift" and info.value.line == 9


def test_normalised_weights_rescale_their_drift() -> None:
    text = """
name: n
periods: {unit: month, start: "2025-12"}
issues: [{id: a, values: [0, 1]}, {id: b, values: [0, 1]}]
parties:
  - id: x
    preferences:
      a: {weight: 2, linear: increasing, drift: 0.2, drift_source: s}
      b: {weight: 2, linear: increasing}
"""
    with pytest.warns(Warning, match="rescaled"):
        s = loads_scenario_yaml(text)
    pref = s.party("x").preferences["a"]
    assert pref.weight == 0.5 and pref.trend is not None and pref.trend.drift == 0.05


def test_files_without_time_read_and_write_as_before() -> None:
    s = loads_scenario_yaml(TEXTBOOK.read_text(encoding="utf-8"))
    assert s.periods is None and not s.trends()
    text = dump_scenario_yaml(s)
    assert "periods" not in text and "drift" not in text and "path" not in text


@st.composite
def timed(draw: st.DrawFn) -> Scenario:
    """A round-trip scenario with periods and a trend on every reservation and first weight."""
    s = draw(round_trip_scenarios())
    unit = draw(st.sampled_from(["month", "quarter", "year"]))
    periods = Periods(unit, {"month": "2025-12", "quarter": "2025-Q4", "year": "2025"}[unit])
    small = st.integers(-8, 8).map(lambda k: k / 64)

    def trend() -> Trend:
        if draw(st.booleans()):
            d = draw(small)
            span = draw(st.sampled_from([None, Uncertainty(d - 0.5, d + 0.25)]))
            return Trend(drift=d, drift_range=span, source=draw(st.sampled_from(["a", "b: c"])))
        ts = sorted(draw(st.sets(st.integers(1, 30), min_size=1, max_size=3)))
        return Trend(path=tuple(PathPoint(periods.label(t), draw(small), "s") for t in ts))

    parties = []
    for p in s.parties:
        first = next(iter(p.preferences), None)
        prefs = dict(p.preferences)
        if first is not None and draw(st.booleans()):
            prefs[first] = dataclasses.replace(prefs[first], trend=trend())
        parties.append(dataclasses.replace(p, reservation_trend=trend(), preferences=prefs))
    return dataclasses.replace(s, parties=tuple(parties), periods=periods)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timed())
def test_round_trip_with_time(s: Scenario) -> None:
    assert loads_scenario_yaml(dump_scenario_yaml(s)) == s
