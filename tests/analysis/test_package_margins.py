"""Package margins under reservation and weight moves (issue 16, item 1, the part left): each one
re-solved at ``flips_at`` (another package) and halfway (the same package)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings

from simulator import load_scenario
from simulator.analysis.edits import Adjust
from simulator.analysis.margins import Margin, margins
from simulator.analysis.package_margins import (
    PACKAGE_GRID,
    PACKAGE_TOLERANCE,
    _grid_side,
    _monotone_side,
    _nearest,
    package_move_margins,
    package_of,
)
from simulator.cli import main
from simulator.model import Scenario
from tests.analysis.conftest import ROOT
from tests.strategies import scenarios

CAR = ROOT / "scenarios" / "textbook_car.yaml"


def _at(scenario: Scenario, m: Margin, x: float) -> Scenario:
    party, kind, *rest = m.parameter.split(".")
    if kind == "reservation":
        return Adjust(party, "reservation", "=", x).apply(scenario)
    return Adjust(party, "weight", "=", x, rest[0]).apply(scenario)


def _check(scenario: Scenario, found: list[Margin]) -> int:
    now = package_of(scenario)
    flips = 0
    for m in found:
        assert m.question == "package"
        assert m.exact == (m.kind == "reservation" and scenario.agreement is None), m
        if m.flips_at is None:
            continue
        assert isinstance(m.flips_at, float) and isinstance(m.value, float)
        assert isinstance(m.boundary, float)
        flips += 1
        assert package_of(_at(scenario, m, m.flips_at)) != now, m
        assert package_of(_at(scenario, m, (m.value + m.flips_at) / 2)) == now, m
        assert package_of(_at(scenario, m, m.boundary)) == now, m
        assert abs(m.flips_at - m.boundary) <= PACKAGE_TOLERANCE, m
        assert m.verdict_after == "other_package" and m.package_after
    return flips


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_issues=3, max_options=3, max_parties=3))
def test_package_moves_hold_on_random_scenarios(s: Scenario) -> None:
    found, not_tried = package_move_margins(s, seconds=3600.0)  # the budget is tested below
    assert not not_tried
    _check(s, found)


def test_the_car_package_moves_with_every_reservation_and_weight() -> None:
    car = load_scenario(CAR)
    found, _ = package_move_margins(car, seconds=3600.0)
    assert {m.parameter for m in found} >= {"buyer.reservation", "dealer.weight.price"}
    assert _check(car, found) == len(found)
    buyer = next(m for m in found if m.parameter == "buyer.reservation")
    assert buyer.range == (0.3, 0.5) and buyer.within_range is True


def test_a_spent_budget_names_what_it_did_not_try() -> None:
    car = load_scenario(CAR)
    found, not_tried = package_move_margins(car, seconds=0.0)
    assert found == [] and "buyer.reservation" in not_tried


def test_json_entries_have_the_margins_shape(capsys) -> None:
    assert main(["solve", str(CAR), "--json", "--margins", "all"]) == 0
    items = json.loads(capsys.readouterr().out)["margins"]
    moved = [
        m for m in items if m["question"] == "package" and m["parameter"].endswith("reservation")
    ]
    assert moved and set(moved[0]) >= {
        "parameter",
        "label",
        "value",
        "range",
        "flips_at",
        "within_range",
        "verdict_after",
        "exact",
    }
    assert margins(load_scenario(CAR), package=True).package_not_tried == ()


def test_december_reservation_moves_are_re_solved() -> None:
    """The December snapshot (no ZOPA: the closest package): each reservation's package margin,
    exact, re-solved at ``flips_at``, halfway and at ``boundary`` by full solves."""
    dec = load_scenario(ROOT / "scenarios" / "ukraine_2025-12.yaml")
    only = [f"{p.id}.reservation" for p in dec.parties]
    found, not_tried = package_move_margins(dec, seconds=3600.0, only=only)
    assert not not_tried and [m.parameter for m in found] == only
    assert _check(dec, found) == len(found)
    assert all(m.exact for m in found)


def test_the_grid_search_bisects_towards_a_nearer_change() -> None:
    """Where the package changes on [0.3, 0.4] and again from 0.6, the grid (0.25, 0.5, 0.75)
    first sees the change at 0.75 and brackets 0.6; the midpoint 0.3 has changed too, so the
    search bisects towards the start and reports the nearer change at 0.3."""
    assert PACKAGE_GRID == 4  # the grid this case is built around

    def changed(x: float) -> bool:
        return 0.3 <= x <= 0.4 or x >= 0.6

    found = _grid_side(changed, 0.0, 1.0)
    assert found is not None
    assert abs(found.flips_at - 0.3) <= PACKAGE_TOLERANCE and found.same < 0.3 <= found.flips_at
    assert _grid_side(lambda x: x >= 0.6, 0.0, 1.0).flips_at >= 0.6  # no nearer change


def test_the_regime_search_bisects_inside_a_regime_and_stops_on_its_boundary() -> None:
    """Written after the seed-3 measurement. ``stops`` are regime ends, far end then the next
    regime's near end (``_monotone_side``'s docstring): a change first seen at a far end lies
    inside that regime and is bisected; one first seen at a near end is the regime boundary
    itself. Regimes [0, 1], [2, 3], [4, 5] from ``x0 = 0``."""
    stops = [1.0, 2.0, 3.0, 4.0, 5.0]
    inside = _monotone_side(lambda x: x >= 2.5, 0.0, stops)  # inside the second regime
    assert inside is not None
    assert inside.same < 2.5 <= inside.flips_at <= 2.5 + PACKAGE_TOLERANCE
    boundary = _monotone_side(lambda x: x >= 3.5, 0.0, stops)  # between regimes: at 4.0
    assert boundary is not None and (boundary.flips_at, boundary.same) == (4.0, 3.0)
    assert _monotone_side(lambda x: False, 0.0, stops) is None


def test_a_change_at_an_end_of_the_stated_range_is_within_it() -> None:
    """``within_range`` is membership of the closed interval: the buyer's stated range moved so
    that an end is exactly where the package changes says yes; moved a little short, no."""
    import dataclasses

    from simulator.model import Uncertainty

    car = load_scenario(CAR)
    (buyer,) = [
        m
        for m in package_move_margins(car, seconds=3600.0)[0]
        if m.parameter == "buyer.reservation"
    ]
    flip, value = buyer.flips_at, buyer.value
    assert isinstance(flip, float) and flip != value
    for end, within in ((flip, True), (flip - 1e-6 if flip > value else flip + 1e-6, False)):
        span = Uncertainty(0.3, end) if flip > value else Uncertainty(end, 0.5)
        party = dataclasses.replace(car.parties[0], reservation_range=span)
        moved = dataclasses.replace(car, parties=(party, *car.parties[1:]))
        found, _ = package_move_margins(moved, seconds=3600.0, only={"buyer.reservation"})
        assert found[0].flips_at == flip and found[0].within_range is within


def test_the_search_above_finds_a_nearer_change_than_the_one_below() -> None:
    """Written after the seed-5 measurement. ``_nearest`` returns "the nearest change in [lo,
    hi]", looking above ``x0`` no farther than the change found below it. From 0.5 the package
    changes below 0.4 (0.1 away) and in a narrow window at [0.54, 0.56] (0.04 away): the grid of
    the search above, over [0.5, 0.6], lands in the window, and the window's change is the
    nearest. (A grid over the whole [0.5, 1] would step over it.)"""
    assert PACKAGE_GRID == 4  # the grid this case is built around

    def changed(x: float) -> bool:
        return x <= 0.4 or 0.54 <= x <= 0.56

    found = _nearest(changed, 0.5, 0.0, 1.0, monotone=False)
    assert found is not None
    assert abs(found.flips_at - 0.54) <= PACKAGE_TOLERANCE and found.same < 0.54 <= found.flips_at


def test_the_reservation_stops_are_the_brute_force_best_within_the_others_reservations(car):
    """Written after the seed-6 measurement: ``_reservation_stops`` gives ``(M_p, M_p + 2 eps)``,
    ``M_p`` the best utility of ``p`` over the packages that cross no red line and give every other
    party its reservation (module Notation of :mod:`simulator.analysis.margins`), by brute force.
    For the dealer the buyer's reservation binds (0.6, not the 0.85 of a package below it)."""
    from simulator.analysis.package_margins import _reservation_stops
    from simulator.compiled import compile_scenario
    from tests.oracle import enumerate_rows

    eps = compile_scenario(car).rounding_slack
    rows = [r for r in enumerate_rows(car) if r.consistent and not r.crossed]
    d = [p.reservation for p in car.parties]
    for p in range(2):
        best = max(r.u[p] for r in rows if r.u[1 - p] >= d[1 - p])
        stops = _reservation_stops(car, p)
        assert stops is not None
        assert stops[0] == pytest.approx(best, abs=eps) and stops[1] - stops[0] == 2 * eps
