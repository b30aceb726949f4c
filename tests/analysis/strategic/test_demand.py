"""The Nash demand game: pure equilibria against a brute-force enumeration, the NBS relation."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.analysis.strategic import demand
from simulator.analysis.strategic.demand import demand_game
from simulator.analysis.strategic.frontier import (
    BargainingFrontier,
    bargaining_frontier,
    unit_pie_frontier,
)
from simulator.errors import ScenarioError


def brute_force(frontier: BargainingFrontier, x: np.ndarray, y: np.ndarray):
    """Every pure equilibrium by definition (no deviation pays), with feasibility read directly."""
    u, d = frontier.utilities, frontier.disagreement

    def feasible(xi: float, yj: float) -> bool:
        return any(fa >= xi and fb >= yj for fa, fb in u)

    def pay(xi: float, yj: float) -> tuple[float, float]:
        return (xi, yj) if feasible(xi, yj) else (float(d[0]), float(d[1]))

    agree, disagree, efficient = [], [], []
    for i, j in itertools.product(range(len(x)), range(len(y))):
        pa, pb = pay(x[i], y[j])
        if all(pay(x[k], y[j])[0] <= pa for k in range(len(x))) and all(
            pay(x[i], y[k])[1] <= pb for k in range(len(y))
        ):
            (agree if feasible(x[i], y[j]) else disagree).append((i, j))
        # jointly feasible and efficient: no feasible pair is weakly better for both, better for one
        if feasible(x[i], y[j]) and not any(
            feasible(x[k], y[m]) and x[k] >= x[i] and y[m] >= y[j] and (k, m) != (i, j)
            for k in range(len(x))
            for m in range(len(y))
        ):
            efficient.append((i, j))
    return agree, disagree, efficient


@st.composite
def frontiers(draw):
    """A random two-party Pareto frontier on a dyadic grid (exact comparisons)."""
    m = draw(st.integers(1, 7))
    xs = sorted(set(draw(st.lists(st.integers(0, 32), min_size=m, max_size=m))))
    ys = sorted(set(draw(st.lists(st.integers(0, 32), min_size=len(xs), max_size=len(xs)))))
    k = min(len(xs), len(ys))
    u = np.stack([np.array(xs[:k]) / 32, np.array(ys[:k][::-1]) / 32], axis=1)
    da = draw(st.integers(0, int(u[:, 0].min() * 32))) / 32
    db = draw(st.integers(0, int(u[:, 1].min() * 32))) / 32
    return BargainingFrontier(("a", "b"), u, np.array([da, db]), tol=0.0)


@settings(max_examples=60, deadline=None)
@given(frontiers(), st.one_of(st.none(), st.integers(2, 6)))
def test_pure_equilibria_are_exactly_the_efficient_pairs(frontier, grid) -> None:
    game = demand_game(frontier, grid=grid, method="lemke-howson")
    x, y = game.levels
    agree, disagree, efficient = brute_force(frontier, x, y)
    assert list(game.pure_agreement) == agree
    assert list(game.pure_disagreement) == disagree
    # the claim: the agreement equilibria are the jointly feasible, efficient demand pairs
    assert agree == efficient


@settings(max_examples=40, deadline=None)
@given(frontiers())
def test_with_the_frontier_grid_the_nbs_is_the_best_equilibrium(frontier) -> None:
    game = demand_game(frontier, method="lemke-howson")
    x, y = game.levels
    pairs = {(float(x[i]), float(y[j])) for i, j in game.pure_agreement}
    assert {(float(a), float(b)) for a, b in frontier.utilities} <= pairs
    if game.nash_row is not None:
        assert game.best_is_nash


def test_unit_pie_classic_answer() -> None:
    # Nash (1953); Osborne (2004) §2.9 ex. 2: every efficient split is an equilibrium, and so is
    # both demanding the whole pie (each gets 0 whatever it does)
    game = demand_game(unit_pie_frontier(11))
    x, y = game.levels
    assert [(round(x[i], 9), round(y[j], 9)) for i, j in game.pure_agreement] == [
        (round(k / 10, 9), round(1 - k / 10, 9)) for k in range(11)
    ]
    assert game.pure_disagreement == ((10, 10),)
    assert game.best_pair == (5, 5) and game.best_is_nash


def test_every_mixed_equilibrium_reported_is_checked() -> None:
    game = demand_game(unit_pie_frontier(5), method="support")
    a, b = game.payoffs
    for e in game.equilibria.equilibria:
        to_row, to_col = a @ e.col, e.row @ b
        assert np.all(to_row[e.row > 0] >= to_row.max() - 1e-9)
        assert np.all(to_col[e.col > 0] >= to_col.max() - 1e-9)
    assert game.equilibria.degenerate and not game.equilibria.complete
    assert any(not e.pure for e in game.equilibria.equilibria)


def test_car_demand_game(car) -> None:
    f = bargaining_frontier(car, ["buyer", "dealer"])
    game = demand_game(f)
    assert len(game.pure_agreement) == f.size == 10
    assert game.best_is_nash
    nbs = f.utilities[game.nash_row]
    assert nbs.round(6).tolist() == [0.55, 0.5]  # the solver's Nash point (README)
    data = game.to_dict()
    assert data["pure_equilibria"]["complete"] is True and data["best_equilibrium_is_nash"]


def test_coarse_grid_reports_the_distance(car) -> None:
    game = demand_game(bargaining_frontier(car, ["buyer", "dealer"]), grid=4)
    assert game.best_pair is not None
    assert game.distance_to_nash(*game.best_pair) > 0


@pytest.mark.parametrize("grid", [1, 10_000])
def test_bad_grid(grid: int) -> None:
    with pytest.raises(ScenarioError, match="grid"):
        demand_game(unit_pie_frontier(3), grid=grid)


def test_past_the_cap_the_levels_are_the_capped_grid(monkeypatch) -> None:
    """A frontier with more levels than ``MAX_GRID`` (lowered here to 8, so the game stays
    small) is played on the grid of ``MAX_GRID`` levels, as if that grid had been asked for."""
    monkeypatch.setattr(demand, "MAX_GRID", 8)
    frontier = unit_pie_frontier(11)
    capped = demand_game(frontier)
    asked = demand_game(frontier, grid=8)
    assert [len(x) for x in capped.levels] == [8, 8]
    for got, want in zip(capped.levels, asked.levels, strict=True):
        np.testing.assert_array_equal(got, want)
    assert capped.pure_agreement == asked.pure_agreement


def test_an_empty_frontier_is_refused_whole() -> None:
    """Written after the seed-6 measurement: the message, whole."""
    empty = BargainingFrontier(("a", "b"), np.zeros((0, 2)), np.zeros(2), "none")
    with pytest.raises(ScenarioError) as caught:
        demand_game(empty)
    assert str(caught.value) == (
        "the two parties' frontier is empty (no ZOPA package meets the floors): there is "
        "nothing to demand; open the ZOPA first (e.g. with --edit)"
    )


def test_the_three_point_pie_game_in_the_json_whole() -> None:
    """Written after the seed-6 measurement: on the unit pie of three points (0, 1), (1/2, 1/2),
    (1, 0) every frontier pair is a pure agreement equilibrium (Nash 1953: demanding more than
    the other leaves breaks the deal, less is left on the table), and both demanding all of it is
    the disagreement one; each pair is given with the Nash product of its demands (1 for the
    incompatible (1, 1)). The NBS is (1/2, 1/2), so the corners lie ``sqrt(1/2)`` from it; the
    levels are the frontier's own (``grid`` ``"frontier"``) and 6 of the 9 demand pairs are
    feasible (``x + y <= 1``)."""

    def pair(x: float, y: float, product: float, distance: float) -> dict:
        return {
            "demands": {"1": x, "2": y},
            "nash_product": product,
            "distance_to_nash": round(distance, 12),
        }

    corner = float(np.sqrt(0.5))
    assert demand_game(unit_pie_frontier(3)).to_dict() == {
        "parties": ["1", "2"],
        "hold": "none",
        "disagreement": {"1": 0.0, "2": 0.0},
        "frontier_size": 3,
        "grid": "frontier",
        "levels": {"1": [0.0, 0.5, 1.0], "2": [0.0, 0.5, 1.0]},
        "feasible_pairs": 6,
        "method": "support",
        "pure_equilibria": {
            "agreement": [
                pair(0.0, 1.0, 0.0, corner),
                pair(0.5, 0.5, 0.25, 0.0),
                pair(1.0, 0.0, 0.0, corner),
            ],
            "disagreement": [pair(1.0, 1.0, 1.0, corner)],
            "complete": True,
        },
        "mixed_equilibria": [],
        "mixed_complete": False,
        "degenerate": True,
        "nash_solution": {"outcome": {}, "utilities": {"1": 0.5, "2": 0.5}},
        "best_equilibrium": pair(0.5, 0.5, 0.25, 0.0),
        "best_equilibrium_is_nash": True,
    }
