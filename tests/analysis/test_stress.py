"""Stress tests against brute force: the slow oracle solves every edited scenario by enumeration.

The single-concession scan and the minimal sets are tested in ``test_scan.py``."""

from __future__ import annotations

import pytest

from simulator.analysis import apply_edits, binding_red_lines, stress_test
from tests.analysis.conftest import oracle_zopa


def test_binding_red_lines_equal_brute_force(car, deadlock):
    for s in (car, apply_edits(deadlock, ["alpha_party drops redline a_x"])):
        base = oracle_zopa(s)
        expected = tuple(
            f"{p.id}:{r.id}"
            for p in s.parties
            for r in p.red_lines
            if oracle_zopa(apply_edits(s, [f"{p.id} drops redline {r.id}"])) > base
        )
        assert binding_red_lines(s) == expected


def test_stress_test_reports_the_difference(car):
    result = stress_test(car, ["dealer drops redline no_fire_sale"])
    data = result.to_dict()
    assert data["edits"] == ["dealer drops redline no_fire_sale"]
    assert set(data) >= {"edits", "baseline", "edited", "changes"}
    changes = data["changes"]
    assert changes["zopa"] == [oracle_zopa(car), oracle_zopa(apply_edits(car, data["edits"]))]
    assert "dealer:no_fire_sale" in changes["red_lines_released"]
    assert "dealer:no_fire_sale" not in changes["binding_after"]
    for name, change in changes["solutions"].items():
        before, after = change["before"], change["after"]
        for party, gain in change["gain"].items():
            assert gain == pytest.approx(after["utilities"][party] - before["utilities"][party])
        assert change["changed"] == (before["outcome"] != after["outcome"]), name


def test_no_deal_counts_as_the_reservation_in_gains(deadlock):
    result = stress_test(
        deadlock, ["ap drops redline a_x", "bravo drops redline b_y"], binding=False
    )
    change = result.to_dict()["changes"]["solutions"]["nash"]
    assert change["before"] is None and change["after"] is not None
    assert change["gain"] == change["after"]["utilities"]  # reservations are 0
    assert result.to_dict()["changes"]["red_lines_released"] is None


def test_a_solution_the_edit_leaves_without_a_deal_gains_its_disagreement_point(car):
    """Written after the seed-6 measurement: ``gain`` counts no deal as the party's ``d_p``
    (docstring). A buyer reservation of 0.99 empties the ZOPA, so every solution of the edited
    scenario is missing and the change is ``d - u(Nash of the baseline)``."""
    result = stress_test(car, ["buyer reservation =0.99"])
    assert all(point is None for point in result.edited.solutions.values())
    for name in ("nash", "kalai_smorodinsky"):
        before = result.baseline.solutions[name].utilities
        gain = result.gain(name)
        assert list(gain) == ["buyer", "dealer"]
        # the utilities are given to ten places
        assert gain["buyer"] == pytest.approx(0.99 - before[0], abs=1e-9)
        assert gain["dealer"] == pytest.approx(
            car.party("dealer").reservation - before[1], abs=1e-9
        )
