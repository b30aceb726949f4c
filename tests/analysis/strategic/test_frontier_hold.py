"""A two-party frontier with the other parties held at a proposal: each other party gets at
least the larger of its disagreement value and the least utility the proposal's completions give
it (the brute-force oracle), and a proposal without a consistent package is a clear error."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from simulator import solve
from simulator.analysis.strategic.frontier import BargainingFrontier, bargaining_frontier
from simulator.errors import ScenarioError
from simulator.formats import load_scenario
from simulator.model import Condition, Proposal, Rule
from tests.analysis.conftest import ROOT
from tests.oracle import enumerate_rows


def test_the_others_held_at_a_complete_proposal() -> None:
    s = load_scenario(ROOT / "scenarios" / "siting_six.yaml")
    fixed = {"site": "harbour", "capacity": "t250k", "fund": "m10"}
    fixed |= {"emissions": "stricter", "local_jobs": "q25"}
    s = dataclasses.replace(s, proposals=(Proposal("deal", {i: (o,) for i, o in fixed.items()}),))
    f = bargaining_frontier(s, ["developer", "agency"], hold="deal")
    assert f.size > 0
    rows = {tuple(sorted(r.named.items())): r.u for r in enumerate_rows(s)}
    floors = np.maximum(solve(s).disagreement, rows[tuple(sorted(fixed.items()))])
    for r in range(f.size):
        u = rows[tuple(sorted(f.package(r)["outcome"].items()))]
        assert all(u[k] >= floors[k] - 1e-9 for k in range(2, 6))


def test_a_proposal_without_a_consistent_package_is_refused() -> None:
    s = load_scenario(ROOT / "scenarios" / "siting_six.yaml")
    never = Rule("never", "exclude", condition=Condition.of({"site": ["harbour"]}))
    s = dataclasses.replace(
        s, constraints=(never,), proposals=(Proposal("deal", {"site": ("harbour",)}),)
    )
    with pytest.raises(ScenarioError) as caught:
        bargaining_frontier(s, ["developer", "agency"], hold="deal")
    assert str(caught.value) == "proposal 'deal' allows no consistent package to hold the others at"


def test_no_point_with_a_gain_for_both_has_no_nash_row() -> None:
    """Points where one party gains nothing (exactly its disagreement value): no Nash point."""
    f = BargainingFrontier(("a", "b"), np.array([[0.5, 0.0], [0.0, 0.5]]), np.zeros(2))
    assert f.nash_row() is None and f.nash_row(np.array([1.0, 2.0])) is None
    g = BargainingFrontier(("a", "b"), np.array([[0.5, 0.0], [0.25, 0.25]]), np.zeros(2))
    assert g.nash_row() == 1


def test_the_nash_rows_are_the_closed_forms_and_the_documented_tie_break() -> None:
    """Written after the seed-5 measurement. On the unit pie ``u_1 + u_2 = 1`` with ``d = 0`` the
    weighted Nash solution with powers ``(b_1, b_2)`` gives ``u_1 = b_1 / (b_1 + b_2)`` (Nash
    1950; Kalai 1977), the plain one ``1/2``. And the plain Nash row breaks a tie of the Nash
    product (within the solver's ``TIE_TOLERANCE``) by the larger sum of normalised gains, as
    every Nash point of the solver: of two products ``4e-13`` apart, the smaller wins here."""
    from simulator.analysis.strategic.frontier import unit_pie_frontier

    pie = unit_pie_frontier(101)
    assert pie.nash_row() == 50
    for power, row in (((3.0, 1.0), 75), ((1.0, 3.0), 25), ((1.0, 1.0), 50), ((1.0, 4.0), 20)):
        assert pie.nash_row(np.array(power)) == row
    u = np.array([[0.05, 0.2], [0.1, 0.1 + 4e-12], [0.5, 1e-4]])
    tied = BargainingFrontier(("a", "b"), u, np.zeros(2))
    products = u.prod(axis=1)
    assert 0 < products[1] - products[0] < 1e-12  # a tie of the Nash product
    # normalised gains (u - d) / (max u - d): 0.1 + 1 for the first, 0.2 + 0.5 for the second
    assert tied.nash_row() == 0


@pytest.mark.parametrize("held", ["z", "x"])
def test_a_pair_tied_up_to_rounding_keeps_the_package_best_for_the_held_parties(held) -> None:
    """Written after the seed-6 measurement (module Exactness: among packages with the same pair
    ``F`` keeps one that is best for the held parties). ``a`` gets 0.07 more from ``x1, y1``
    (0.06 + 0.01) or from ``z1, v1`` (0.04 + 0.03), which the constraints keep apart: equal in
    exact arithmetic, a quantum apart once rounded (:mod:`simulator.compiled`), so the pair is
    tied within the tolerance. The held ``c`` (1 at ``held = 1``) and ``e`` (0.5 at ``held = 0``)
    make the package with ``held = 1`` the best for them, whichever of the two is a quantum up."""
    from simulator.model import Issue, Option, Party, Preference, Scenario

    def up(weight: float) -> Preference:
        return Preference(weight, "table", table=(0.0, 1.0))

    a = Party("a", {"x": up(0.06), "y": up(0.01), "z": up(0.04), "v": up(0.03), "w": up(0.86)})
    c = Party("c", {held: up(1.0)})
    e = Party("e", {held: Preference(1.0, "table", table=(0.5, 0.0))})
    apart = tuple(
        Rule(f"no_{i}_{j}", "exclude", condition=Condition.of({i: f"{i}1", j: f"{j}1"}))
        for i in "xy"
        for j in "zv"
    )
    issues = tuple(Issue(i, (Option(f"{i}0"), Option(f"{i}1"))) for i in "xyzvw")
    s = Scenario("tie", issues, (a, Party("b", {"w": up(1.0)}), c, e), constraints=apart)
    rounded = solve(s).zopa_frontier.utilities
    assert len(rounded) == 2 and 0 < abs(rounded[0, 0] - rounded[1, 0]) < 1e-11
    f = bargaining_frontier(s, ["a", "b"], hold="reservation")
    assert f.size == 1 and f.package(0)["outcome"][held] == f"{held}1"
    np.testing.assert_allclose(f.all_utilities, [[0.93, 1.0, 1.0, 0.0]], atol=1e-11)
