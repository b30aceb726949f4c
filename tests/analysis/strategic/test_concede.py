"""Concede-or-hold: every payoff equals solving the edited scenario directly."""

from __future__ import annotations

import numpy as np
import pytest

import simulator
from simulator.analysis import apply_edits
from simulator.analysis.strategic.concede import concede_or_hold, red_line_concessions
from simulator.model import Scenario


def _direct(scenario: Scenario, edits: list, p: int) -> float:
    solved = simulator.solve(apply_edits(scenario, [e for e in edits if e is not None]))
    nash = solved.solutions["nash"]
    return float(solved.disagreement[p] if nash is None else nash.utilities[p])


@pytest.mark.parametrize(
    "fixture, parties", [("deadlock", ("alpha_party", "beta")), ("car", ("buyer", "dealer"))]
)
def test_payoffs_equal_solving_each_profile(request, fixture, parties) -> None:
    scenario = request.getfixturevalue(fixture)
    game = concede_or_hold(scenario, parties, top=2)
    rows, cols = game.strategies
    assert rows[0] is None and cols[0] is None  # strategy 0 is holding
    ia, ib = (scenario.party_ids.index(p) for p in parties)
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            assert game.payoffs[0, i, j] == pytest.approx(_direct(scenario, [r, c], ia), abs=1e-9)
            assert game.payoffs[1, i, j] == pytest.approx(_direct(scenario, [r, c], ib), abs=1e-9)


def test_deadlock_both_holding_is_no_deal_and_an_equilibrium(deadlock) -> None:
    # the two red-line conflicts (x and y) leave no feasible package when both hold; no single
    # concession of one side removes both conflicts, so conceding alone never pays
    game = concede_or_hold(deadlock, ("alpha_party", "beta"), top=1)
    assert game.zopa[0, 0] == 0
    assert np.allclose(game.payoffs[:, 0, 0], [0.0, 0.0])
    assert game.zopa[1, 0] == 0 and game.zopa[0, 1] == 0
    assert game.both_hold_is_equilibrium


def test_worker_processes_give_the_same_game(car) -> None:
    # the scan and the profile solves go through a process pool with workers > 1; the game must
    # not depend on how the work was split
    one = concede_or_hold(car, ("buyer", "dealer"), top=2, workers=1)
    two = concede_or_hold(car, ("buyer", "dealer"), top=2, workers=2)
    assert two.strategies == one.strategies
    np.testing.assert_array_equal(two.payoffs, one.payoffs)
    np.testing.assert_array_equal(two.zopa, one.zopa)
    assert two.structure == one.structure


def test_each_concession_opens_the_zone_with_the_brute_force_number_of_the_others(
    deadlock,
) -> None:
    """``opens_with``: how many of the other side's red-line concessions open the ZOPA together
    with this one, each pair solved directly (the base has no ZOPA, so every pair is tried)."""
    parties = ("alpha_party", "beta")
    game = concede_or_hold(deadlock, parties, top=1)
    cands = [red_line_concessions(deadlock, p) for p in parties]
    opening = {
        (i, j): simulator.solve(apply_edits(deadlock, [x, y])).counts.zopa > 0
        for i, x in enumerate(cands[0])
        for j, y in enumerate(cands[1])
    }
    assert any(opening.values()) and not all(opening.values())
    for side in range(2):
        want = {
            str(e): sum(ok for pair, ok in opening.items() if pair[side] == k)
            for k, e in enumerate(cands[side])
        }
        assert {str(r.edit): r.opens_with for r in game.ranking[side]} == want


def test_a_game_of_chicken_is_classified_from_both_players_payoffs() -> None:
    """Written after the seed-6 measurement: each party's red line excludes the other's favourite
    option, so both holding leaves no package (utility 0 each), the one who concedes alone gets
    the other's favourite (0.2, 1.0), and both conceding gives the Nash package ``x1`` (0.6 each).
    Each does better conceding when the other holds and holding when the other concedes, and both
    holding is the worst for both: chicken (Rapoport & Guyer 1966), which needs both players'
    payoffs (either player's alone, given to both, classify it as ``one_sided``)."""
    from simulator.model import Issue, Option, Party, Preference, Rule

    issue = Issue("x", tuple(Option(f"x{k}") for k in range(3)))
    a = Party(
        "a",
        {"x": Preference(1.0, "table", table=(0.2, 0.6, 1.0))},
        red_lines=(Rule("a_x", "at_least", issue="x", bound="x2"),),
    )
    b = Party(
        "b",
        {"x": Preference(1.0, "table", table=(1.0, 0.6, 0.2))},
        red_lines=(Rule("b_x", "at_most", issue="x", bound="x0"),),
    )
    game = concede_or_hold(Scenario("chicken", (issue,), (a, b)), ("a", "b"), top=1)
    np.testing.assert_allclose(game.payoffs[0], [[0.0, 1.0], [0.2, 0.6]], atol=1e-9)
    np.testing.assert_allclose(game.payoffs[1], [[0.0, 0.2], [1.0, 0.6]], atol=1e-9)
    assert game.structure == "chicken"


def test_a_game_of_other_than_two_parties_is_refused_whole(car) -> None:
    from simulator.errors import ScenarioError

    for parties in (["buyer"], ["buyer", "dealer", "buyer"]):
        with pytest.raises(ScenarioError) as caught:
            concede_or_hold(car, parties)
        assert str(caught.value) == f"give two parties, got {parties}"
