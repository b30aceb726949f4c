"""The package at a moved parameter without a full solve (``PackageAt``), the witness-first ZOPA
check of the weight margins (``DealCheck``), and the exactness of the reservation package margins
against a dense scan (issue 16, item 1: "exact, by bisection on the existence search or better")."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import load_scenario
from simulator.analysis.edits import Adjust
from simulator.analysis.margins import margins
from simulator.analysis.margins_package import PackageAt, package, package_of
from simulator.analysis.margins_weights import DealCheck
from simulator.analysis.package_margins import PACKAGE_TOLERANCE, package_move_margins
from simulator.compiled import compile_scenario
from simulator.formats import loads_scenario_yaml
from simulator.model import Scenario
from simulator.report.margins import margins_blocks, margins_headline
from simulator.report.text import blocks_text
from simulator.solver import exists_deal
from tests.analysis.conftest import ROOT
from tests.strategies import scenarios

CAR = ROOT / "scenarios" / "textbook_car.yaml"
DEC = ROOT / "scenarios" / "ukraine_2025-12.yaml"


def _movable(s: Scenario, p: int) -> bool:
    """Whether party ``p``'s first weight can move (another issue weighs > 0)."""
    prefs = s.parties[p].preferences
    return bool(prefs) and sum(x.weight for x in prefs.values()) > next(iter(prefs.values())).weight


def _moved(s: Scenario, p: int, weight: bool, x: float) -> Scenario:
    party = s.parties[p]
    if not weight:
        return Adjust(party.id, "reservation", "=", x).apply(s)
    issue = next(iter(party.preferences))
    total = sum(pref.weight for pref in party.preferences.values())
    return Adjust(party.id, "weight", "=", x * total, issue).apply(s)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    scenarios(max_issues=3, max_options=3, max_parties=3),
    st.lists(st.tuples(st.booleans(), st.floats(0.0, 1.0)), min_size=1, max_size=4),
)
def test_package_at_is_the_full_solves_package(s: Scenario, moves: list) -> None:
    """Warm starts and kept ranges change nothing: every answer is the full solve's."""
    at = PackageAt(s)
    assert at(s, party=0, weights_moved=False) == package_of(s) == package(s)
    for k, (weight, x) in enumerate(moves):
        p = k % len(s.parties)
        if weight and not _movable(s, p):
            continue
        moved = _moved(s, p, weight, x)
        assert at(moved, party=p, weights_moved=weight) == package_of(moved), (p, weight, x)


def test_package_at_on_the_december_snapshot() -> None:
    dec = load_scenario(DEC)
    at = PackageAt(dec)
    assert at.fast and not at.feasible
    for p, weight, x in ((0, False, 0.45), (0, False, 0.6), (1, True, 0.3), (3, True, 0.02)):
        moved = _moved(dec, p, weight, x)
        assert at(moved, party=p, weights_moved=weight) == package_of(moved), (p, weight, x)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    scenarios(max_issues=3, max_options=3, max_parties=3),
    st.lists(st.floats(0.0, 1.0), min_size=1, max_size=6),
)
def test_deal_check_answers_as_the_search(s: Scenario, weights: list[float]) -> None:
    """Witnesses kept from earlier calls never change the answer, as the ZOPA opens and closes
    (the reservation rising through the whole utility scale, the weight moving)."""
    check = DealCheck()
    for x in np.linspace(-0.5, 1.5, 9):
        moved = _moved(s, 0, False, float(x))
        assert check(moved) == exists_deal(compile_scenario(moved)), x
    if _movable(s, 0):
        for x in weights:
            moved = _moved(s, 0, True, x)
            assert check(moved) == exists_deal(compile_scenario(moved)), x
    assert all(len(w) == len(s.issues) for w in check.witnesses)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    scenarios(max_issues=3, max_options=3, max_parties=3),
    st.lists(st.floats(0.0, 1.0), min_size=1, max_size=4),
)
def test_package_at_without_a_zopa_follows_the_moved_range(s: Scenario, weights: list) -> None:
    """No ZOPA (every reservation at 0.95): the closest package, whose key divides by each
    party's utility range, which a weight move changes; every answer is the full solve's."""
    for party in s.parties:
        s = Adjust(party.id, "reservation", "=", 0.95).apply(s)
    at = PackageAt(s)
    for k, x in enumerate(weights):
        p = k % len(s.parties)
        if _movable(s, p):
            moved = _moved(s, p, True, x)
            assert at(moved, party=p, weights_moved=True) == package_of(moved), (p, x)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_issues=3, max_options=3, max_parties=3))
def test_reservation_package_margins_are_the_nearest_change(s: Scenario) -> None:
    """Exact: a dense scan of full solves from the value to ``boundary`` finds no change (the
    oracle), the package changes at ``flips_at``, and the two lie within the tolerance."""
    _nearest_change_holds(s)


def _nearest_change_holds(s: Scenario) -> int:
    found, not_tried = package_move_margins(s, seconds=3600.0)
    assert not not_tried
    now = package_of(s)
    checked = 0
    for m in found:
        if m.kind != "reservation" or m.flips_at is None:
            continue
        assert m.exact and isinstance(m.flips_at, float) and isinstance(m.value, float)
        assert m.boundary is not None and abs(m.flips_at - m.boundary) <= PACKAGE_TOLERANCE * 1.01
        assert min(m.value, m.flips_at) <= m.boundary <= max(m.value, m.flips_at), m
        p = [q.id for q in s.parties].index(m.parameter.split(".")[0])
        for x in np.linspace(m.value, m.boundary, 41):
            assert package_of(_moved(s, p, False, float(x))) == now, (m, x)
        assert package_of(_moved(s, p, False, m.flips_at)) != now, m
        checked += 1
    return checked


TIE_BROKEN_BY_ANY_MOVE = """
name: tie
issues:
  - {id: i0, options: [o0, o1]}
parties:
  - id: p0
    reservation: 0
    preferences: {i0: {weight: 1, table: {o0: 1, o1: 0}}}
  - id: p1
    reservation: 0
    preferences: {i0: {weight: 1, table: {o0: 0, o1: 0.0625}}}
"""


def test_a_package_any_reservation_move_changes_has_its_boundary_at_the_value() -> None:
    """Both packages give one party exactly its reservation, so the Nash products tie at 0 and
    the tie-break picks o0; any rise of p1's reservation drops o0 from the zone. The change lies
    between the value and ``value + tolerance``: ``boundary`` is the value itself (a scan from
    the value to ``flips_at`` found the change inside, hypothesis's counterexample)."""
    s = loads_scenario_yaml(TIE_BROKEN_BY_ANY_MOVE)
    assert package_of(s) == (0,) and package_of(_moved(s, 1, False, 1e-9)) == (1,)
    assert _nearest_change_holds(s) >= 1
    (m,) = [m for m in package_move_margins(s)[0] if m.parameter == "p1.reservation" and m.flips_at]
    assert m.boundary == m.value == 0.0 and 0 < m.flips_at <= PACKAGE_TOLERANCE * 1.01


def test_a_spent_budget_names_the_weights_it_did_not_try() -> None:
    car = load_scenario(CAR)
    result = margins(car, weights=True, seconds=0.0)
    assert "buyer.weight.price" in result.weights_not_tried
    assert result.to_dict()["robustness"]["weights_not_tried"] == list(result.weights_not_tried)
    assert not [m for m in result.items if m.kind == "weight"]
    text = blocks_text(margins_blocks(result))
    assert "The time budget ended before" in text and "buyer.weight.price" in text
    if result.verdict == "zopa" and not result.nearest():
        assert "weights not tried" in margins_headline(result)
    full = margins(car, weights=True, seconds=None)
    assert full.weights_not_tried == () and [m for m in full.items if m.kind == "weight"]


def test_solve_margins_all_draws_progress(capsys) -> None:  # type: ignore[no-untyped-def]
    """``solve --margins all`` says how far the weight and package passes are (issue 16: no
    command runs for minutes without progress)."""
    from simulator.cli import main

    assert main(["solve", str(CAR), "--margins", "all", "--progress"]) == 0
    err = capsys.readouterr().err
    assert "weight margins" in err and "package margins" in err


def test_no_consistent_package_is_no_package() -> None:
    """A constraint that excludes every delivery leaves no package to name, by either path."""
    import dataclasses

    from simulator.model import Condition, Rule

    car = load_scenario(CAR)
    nothing = Rule(
        "nothing", "exclude", condition=Condition.of({"delivery": ["fast", "standard", "slow"]})
    )
    s = dataclasses.replace(car, constraints=(*car.constraints, nothing))
    assert package_of(s) is None and package(s) is None


def test_the_shortcut_applies_exactly_when_solve_enumerates(car) -> None:
    """Written after the seed-6 measurement (module Notation): the shortcut applies under
    unanimity when ``solve`` enumerates; past the enumeration limit with two parties ``solve``
    runs the additive programme (``dp``) for the ZOPA, and each value is one full solve."""
    from simulator.solver import choose_method
    from simulator.synthetic import synthetic_scenario

    big = synthetic_scenario(12, 10, 2)
    assert choose_method(compile_scenario(big)) == "dp"
    assert choose_method(compile_scenario(car)) == "enumerate"
    assert PackageAt(big).fast is False and PackageAt(car).fast is True
