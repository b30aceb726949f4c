"""Ripeness: every period against a direct solve of that period's scenario (and the brute-force
oracle), the drift margins re-solved at their flips and halfway, no drift = the snapshot."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import load_scenario, solve
from simulator.analysis.ripeness import RipenessResult, ripeness
from simulator.analysis.timeline import scenario_at
from simulator.errors import ScenarioError
from simulator.model import Agreement, PathPoint, Periods, Scenario, Trend
from tests.analysis.conftest import ROOT
from tests.analysis.test_margins import _package_of as _package
from tests.oracle import enumerate_rows
from tests.strategies import scenarios

CAR = ROOT / "scenarios" / "textbook_car.yaml"
CAR_DRIFT = ROOT / "scenarios" / "textbook_car_drift.yaml"
MONTHS = Periods("month", "2025-12")


@st.composite
def drifting(draw: st.DrawFn) -> Scenario:
    """A random scenario whose reservations drift by dyadic amounts (exact sums), and sometimes
    a weight that moves along a path."""
    s = draw(scenarios(max_issues=3, max_options=3, max_parties=3))
    parties = []
    for p in s.parties:
        step = draw(st.integers(-4, 2)) / 64
        trend = None if step == 0 else Trend(drift=step, source="assumption")
        prefs = dict(p.preferences)
        first, *rest = prefs
        if rest and any(prefs[i].weight > 0 for i in rest) and draw(st.booleans()):
            # the first weight moves to half by period 2 (the others are rescaled)
            half = PathPoint(MONTHS.label(2), prefs[first].weight / 2, "assumption")
            prefs[first] = dataclasses.replace(prefs[first], trend=Trend(path=(half,)))
        parties.append(dataclasses.replace(p, reservation_trend=trend, preferences=prefs))
    return dataclasses.replace(s, parties=tuple(parties), periods=MONTHS)


def _oracle_best(s: Scenario, p: int) -> float:
    """``M_p``: the best utility of p over feasible outcomes giving the others their reservation."""
    d = [q.reservation for q in s.parties]
    values = [
        r.u[p]
        for r in enumerate_rows(s)
        if r.consistent and not r.crossed and all(r.u[q] >= d[q] for q in range(len(d)) if q != p)
    ]
    return max(values, default=-math.inf)


def _check_periods(s: Scenario, result: RipenessResult) -> None:
    for v in result.periods:
        direct = solve(scenario_at(s, v.t))
        assert v.zopa == direct.counts.zopa
        assert v.zopa_exact is bool(direct.stats.counts_exact)
        assert v.to_dict()["zopa_exact"] is v.zopa_exact
        assert v.is_open == (direct.counts.zopa > 0)
        package = v.nash.outcome if v.nash is not None else v.closest and v.closest.point.outcome
        assert package == _package(direct)
    opened = [v.t for v in result.periods if solve(scenario_at(s, v.t)).counts.zopa]
    assert result.first_open == (opened[0] if opened else None)


def _first_open_with(s: Scenario, party: str, drift: float, periods: int) -> int | None:
    """first_open by solving every period with ``party``'s reservation drift replaced."""
    trend = Trend(drift=drift, source="test")
    moved = dataclasses.replace(
        s,
        parties=tuple(
            dataclasses.replace(p, reservation_trend=trend) if p.id == party else p
            for p in s.parties
        ),
        periods=s.periods or MONTHS,
    )
    for t in range(periods + 1):
        if solve(scenario_at(moved, t)).counts.zopa:
            return t
    return None


def _held(s: Scenario, party: str) -> Scenario:
    """``s`` with ``party``'s reservation held at its starting value (its trend dropped)."""
    return dataclasses.replace(
        s,
        parties=tuple(
            dataclasses.replace(p, reservation_trend=None) if p.id == party else p
            for p in s.parties
        ),
    )


def _trend_kind(party) -> str:  # type: ignore[no-untyped-def]
    trend = party.reservation_trend
    return "none" if trend is None else ("drift" if trend.drift is not None else "path")


def _check_margins(s: Scenario, result: RipenessResult) -> None:
    first, n = result.first_open, result.horizon
    open0 = result.periods[0].is_open
    for m in result.drift_margins:
        # the module Notation: earlier_at = max c(t) over 1 <= t < first_open, with
        # c(t) = (M_p(t) - d_p(0)) / t, and earlier_to the first t reaching it
        p = s.party_ids.index(m.party)
        assert m.trend == _trend_kind(s.parties[p])
        d0 = float(s.parties[p].reservation)
        c = [
            ((v.best[p] - d0) / v.t, v.t)
            for v in result.periods
            if v.t >= 1 and (first is None or v.t < first) and math.isfinite(v.best[p])
        ]
        if open0 or m.trend == "path" or not c:
            assert (m.earlier_at, m.earlier_to) == (None, None)
        else:
            top = max(x for x, _ in c)
            assert (m.earlier_at, m.earlier_to) == (top, min(t for x, t in c if x == top))
        # necessary: holding the party's reservation at d_p(0) closes the zone at first_open
        if first is None or result.periods[0].is_open or m.trend == "path":
            assert m.necessary is None and m.later_at is None
        else:
            held = solve(scenario_at(_held(s, m.party), first))
            assert m.necessary == (held.counts.zopa == 0)
            assert m.later_at is not None  # a drift past it closes first_open (checked below)
        if m.earlier_at is not None:
            assert _first_open_with(s, m.party, m.earlier_at, n) == m.earlier_to
            assert first is None or (m.earlier_to is not None and m.earlier_to < first)
            if m.drift is not None and first is not None:
                assert _first_open_with(s, m.party, (m.earlier_at + m.drift) / 2, n) == first
        if m.later_at is not None:
            assert m.drift is not None
            assert _first_open_with(s, m.party, m.later_at, n) == m.later_to
            assert _first_open_with(s, m.party, (m.later_above + m.drift) / 2, n) == first
        for h, needed in m.needed:
            if needed is not None:
                opened = _first_open_with(s, m.party, needed, n)
                assert opened is not None and opened <= h


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drifting())
def test_every_period_is_the_direct_solve_and_the_oracle(s: Scenario) -> None:
    result = ripeness(s, 4, horizons=(2, 4))
    _check_periods(s, result)
    for v in result.periods:
        for p in range(len(s.parties)):
            assert v.best[p] == pytest.approx(_oracle_best(v.scenario, p), abs=1e-9)
    _check_margins(s, result)


def test_car_with_drift_against_each_period_solved() -> None:
    s = load_scenario(CAR_DRIFT)
    result = ripeness(s, 12)
    assert result.periods[0].zopa == 0 and result.first_open is not None
    _check_periods(s, result)
    _check_margins(s, result)
    assert all(m.necessary for m in result.drift_margins)  # both falls are needed at first_open
    # the JSON is the issue's shape
    data = result.to_dict()
    assert [p["t"] for p in data["periods"]] == list(range(13))
    assert data["periods"][0]["label"] == "2025-01" and data["first_open"] == result.first_open
    assert data["periods"][0]["nash"] is None and data["periods"][0]["closest"] is not None
    assert {m["party"] for m in data["drift_margins"]} == {"buyer", "dealer"}


def _dealer_started_at(start_of) -> tuple[Scenario, RipenessResult, int]:  # type: ignore[no-untyped-def]
    """The drifting car with the dealer's start set from its period verdict at first_open by
    ``start_of`` (the new start can move first_open: settled in a few rounds)."""
    s = load_scenario(CAR_DRIFT)
    first = ripeness(s, 12).first_open
    assert first is not None
    for _ in range(5):
        start = start_of(ripeness(s, 12).periods[first])
        parties = list(s.parties)
        parties[1] = dataclasses.replace(parties[1], reservation=start)
        s = dataclasses.replace(s, parties=tuple(parties))
        result = ripeness(s, 12)
        if result.first_open == first:
            return s, result, first
        first = result.first_open
        assert first is not None
    raise AssertionError("first_open did not settle")


def test_a_reservation_exactly_at_its_best_makes_its_drift_unnecessary() -> None:
    """The dealer starts exactly at the best it can get at first_open (a tie, within the rounding
    slack): holding its reservation there keeps the zone open, so its fall is not necessary."""
    s, result, first = _dealer_started_at(lambda v: v.best[1])
    assert result.periods[first].best[1] == s.parties[1].reservation
    dealer = result.drift_margins[1]
    assert dealer.trend == "drift" and dealer.necessary is False
    _check_margins(s, result)


def _slack_above_best(v) -> float:  # type: ignore[no-untyped-def]
    """The float ``d`` with ``d - eps == best`` exactly."""
    start = v.best[1] + v.slack
    while start - v.slack > v.best[1]:
        start = math.nextafter(start, -math.inf)
    while start - v.slack < v.best[1]:
        start = math.nextafter(start, math.inf)
    return start


def test_a_reservation_exactly_the_slack_above_its_best_makes_its_drift_unnecessary() -> None:
    """Written after the seed-5 measurement: ``necessary`` is ``M_p(T) < d_p(0) - eps`` (the
    module Notation), so a start exactly ``eps`` above the best the dealer can get at first_open
    still leaves the zone open there (a tie: the solver counts it in the ZOPA)."""
    s, result, first = _dealer_started_at(_slack_above_best)
    v = result.periods[first]  # the dealer's best at first_open does not depend on its own d
    assert float(s.parties[1].reservation) - v.slack == v.best[1]
    dealer = result.drift_margins[1]
    assert dealer.trend == "drift" and dealer.necessary is False
    assert solve(scenario_at(_held(s, "dealer"), first)).counts.zopa > 0  # held: still open


def test_no_drift_gives_the_snapshot_verdict_at_every_period() -> None:
    s = load_scenario(CAR)
    direct = solve(s)
    result = ripeness(s, 6)
    assert not result.has_trends and result.first_open == 0
    for v in result.periods:
        assert v.zopa == direct.counts.zopa
        assert v.nash is not None and v.nash.outcome == _package(direct)
    # a drift of 0 is no drift: the same verdict as the file without one
    still = dataclasses.replace(
        s,
        parties=tuple(
            dataclasses.replace(p, reservation_trend=Trend(drift=0.0, source="x"))
            for p in s.parties
        ),
        periods=MONTHS,
    )
    assert [v.zopa for v in ripeness(still, 3).periods] == [direct.counts.zopa] * 4


def test_a_time_budget_stops_between_periods_and_says_so() -> None:
    result = ripeness(load_scenario(CAR_DRIFT), 50, seconds=1e-9)
    assert result.budget_ended == "time" and not result.complete
    assert len(result.periods) < 51
    assert result.to_dict()["complete"] is False


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"periods": -1}, "periods must be"), ({"periods": 601}, "periods must be")],
)
def test_bad_periods_are_clear_errors(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        ripeness(load_scenario(CAR), **kwargs)


def test_a_decision_rule_is_refused() -> None:
    s = dataclasses.replace(load_scenario(CAR), agreement=Agreement(quorum=1))
    with pytest.raises(ScenarioError, match="decision rule"):
        ripeness(s, 2)


def test_progress_reaches_the_end() -> None:
    seen: list[tuple[str, float]] = []
    ripeness(load_scenario(CAR_DRIFT), 3, progress=lambda s, f: seen.append((s, f)))
    assert seen[-1] == ("periods", 1.0)


def test_reachable_is_the_range_s_low_end_at_most_the_threshold() -> None:
    """Written after the seed-6 measurement: ``reachable(x)`` says whether some drift in the stated
    range is at most ``x`` (its low end is), None without a range or a threshold; for ``earlier_at``
    it is ``within_range`` (the class docstring), and each needed drift's entry in the JSON."""
    s = load_scenario(ROOT / "scenarios" / "textbook_car_drift.yaml")
    found = ripeness(s).drift_margins
    assert [m.range for m in found] == [(-0.04, 0.0), (-0.02, 0.0)]
    for m in found:
        low = m.range[0]
        assert m.reachable(low) is True and m.reachable(low - 1e-9) is False
        assert m.reachable(None) is None
        assert m.within_range is m.reachable(m.earlier_at)
        assert [e["within_range"] for e in m.to_dict()["needed"]] == [
            None if d is None else low <= d for _, d in m.needed
        ]
        assert dataclasses.replace(m, range=None).reachable(low) is None
