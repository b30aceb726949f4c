"""The strategic games' JSON says what their results say: each mixed equilibrium of the demand
game and of concede-or-hold (its support, probabilities that sum to 1, the expected payoffs
``x A y`` and ``x B y``), concede-or-hold's profiles and ranking, and Rubinstein's convergence
steps (the proposals rounded to 12 places)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from simulator.analysis.strategic.concede import concede_or_hold
from simulator.analysis.strategic.demand import demand_game
from simulator.analysis.strategic.frontier import unit_pie_frontier
from simulator.analysis.strategic.rubinstein import rubinstein
from simulator.model import Scenario


def _check_mixed(entry: dict, a: str, b: str, row: np.ndarray, col: np.ndarray, pay) -> None:
    """One JSON equilibrium against the mixed strategies ``row``, ``col`` it names."""
    x, y = np.zeros(len(row)), np.zeros(len(col))
    for party, probs in ((a, x), (b, y)):
        for k, p in entry[party].items():
            probs[int(k) if k.isdigit() else list(row if party == a else col).index(k)] = p
    assert x.sum() == pytest.approx(1) and y.sum() == pytest.approx(1)
    assert entry["payoffs"] == pytest.approx({a: x @ pay[0] @ y, b: x @ pay[1] @ y}, abs=1e-9)


def test_the_demand_games_mixed_equilibria_in_json() -> None:
    game = demand_game(unit_pie_frontier(5), method="support")
    data = json.loads(json.dumps(game.to_dict()))
    a, b = data["parties"]
    mixed = [e for e in game.equilibria.equilibria if not e.pure]
    assert len(data["mixed_equilibria"]) == len(mixed) > 0
    for entry, e in zip(data["mixed_equilibria"], mixed, strict=True):
        assert entry["support"] == {a: list(e.support[0]), b: list(e.support[1])}
        assert set(entry[a]) == {str(k) for k in e.support[0]}
        assert all(entry[a][str(k)] > 0 for k in e.support[0])
        rows, cols = range(game.payoffs.shape[1]), range(game.payoffs.shape[2])
        _check_mixed(entry, a, b, np.array(rows), np.array(cols), game.payoffs)


@pytest.mark.parametrize("parties", [("buyer", "dealer"), ("dealer", "buyer")])
def test_concede_or_hold_json_is_the_game(car: Scenario, parties: tuple[str, str]) -> None:
    """In either order a concession is in some equilibrium (the buyer's)."""
    game = concede_or_hold(car, parties, top=2)
    data = json.loads(json.dumps(game.to_dict()))
    a, b = game.parties
    rows, cols = game.strategies
    labels = [[game.label(e) for e in rows], [game.label(e) for e in cols]]
    assert data["strategies"] == {a: labels[0], b: labels[1]}
    assert labels[0][0] == labels[1][0] and labels[0][0] != labels[0][1]  # hold, then edits
    for side, party in enumerate((a, b)):
        ranked = data["ranking"][party]
        assert [r["edit"] for r in ranked] == [str(r.edit) for r in game.ranking[side]]
        assert all(r["edit"] in labels[side] for r in ranked[: len(labels[side]) - 1])
    profiles = data["profiles"]
    assert len(profiles) == len(rows) * len(cols)
    for n, entry in enumerate(profiles):
        i, j = divmod(n, len(cols))
        assert (entry[a], entry[b]) == (labels[0][i], labels[1][j])
        assert entry["zopa"] == game.zopa[i, j]
        assert entry["payoffs"] == pytest.approx(
            {a: game.payoffs[0, i, j], b: game.payoffs[1, i, j]}, abs=1e-10
        )
    assert len(data["equilibria"]) == len(game.equilibria.equilibria) > 0
    assert any(max(e.support[1]) > 0 for e in game.equilibria.equilibria) == (a == "dealer")
    for entry, e in zip(data["equilibria"], game.equilibria.equilibria, strict=True):
        assert entry["pure"] == e.pure
        assert set(entry[a]) == {labels[0][k] for k in e.support[0]}
        assert set(entry[b]) == {labels[1][k] for k in e.support[1]}
        _check_mixed(entry, a, b, np.array(labels[0]), np.array(labels[1]), game.payoffs)


def test_rubinsteins_convergence_steps_in_json() -> None:
    r = rubinstein(unit_pie_frontier(21), [0.9, 0.8], steps=4)
    data = json.loads(json.dumps(r.to_dict()))
    steps = data["convergence"]
    assert [s["n"] for s in steps] == [c.n for c in r.convergence]
    for s, c in zip(steps, r.convergence, strict=True):
        assert s["deltas"] == c.deltas.tolist()
        assert s["a_proposes"] == pytest.approx(c.proposal_a.tolist(), abs=1e-12)
        assert s["b_proposes"] == pytest.approx(c.proposal_b.tolist(), abs=1e-12)
        assert 0 < max(s["b_proposes"]) < 1  # not rounded to whole numbers
        assert s["distance"] == c.distance


def test_efficient_pairs_are_the_feasible_pairs_no_one_can_raise() -> None:
    """Brute force on a random monotone feasibility table: a pair is efficient when it is
    feasible and neither party's next level (with the other's unchanged) is."""
    from simulator.analysis.strategic.demand import efficient_pairs

    rng = np.random.default_rng(3)
    for _ in range(20):
        k1, k2 = rng.integers(1, 6, size=2)
        # feasible when a's level plus b's is at most a random budget: monotone, as demands are
        budget = rng.integers(0, k1 + k2)
        feasible = np.add.outer(np.arange(k1), np.arange(k2)) <= budget
        want = np.zeros_like(feasible)
        for i in range(k1):
            for j in range(k2):
                up_a = i + 1 < k1 and feasible[i + 1, j]
                up_b = j + 1 < k2 and feasible[i, j + 1]
                want[i, j] = feasible[i, j] and not up_a and not up_b
        assert np.array_equal(efficient_pairs(feasible), want)


def test_the_frontier_and_equilibria_json(car: Scenario) -> None:
    """A two-party frontier's JSON lists every point with its package and both utilities; an
    equilibrium set's JSON its method, flags and each equilibrium's strategies and payoffs."""
    from simulator.analysis.strategic.bimatrix import equilibria
    from simulator.analysis.strategic.frontier import bargaining_frontier

    f = bargaining_frontier(car, ["buyer", "dealer"])
    data = json.loads(json.dumps(f.to_dict()))
    assert data["parties"] == ["buyer", "dealer"] and data["hold"] == f.hold
    assert data["disagreement"] == {"buyer": f.disagreement[0], "dealer": f.disagreement[1]}
    assert data["size"] == f.size == len(data["points"]) > 0
    for k, point in enumerate(data["points"]):
        assert [point["utilities"][p] for p in ("buyer", "dealer")] == pytest.approx(
            f.utilities[k].tolist(), abs=1e-10
        )
        assert set(point["outcome"]) == set(car.issue_ids)
    found = equilibria([[2, 2], [1, 1]], [[0, 1], [0, 1]])
    data = json.loads(json.dumps(found.to_dict()))
    assert (data["method"], data["complete"], data["degenerate"]) == (
        found.method,
        found.complete,
        found.degenerate,
    )
    # the row party's first strategy and the column party's second dominate: one equilibrium
    assert data["equilibria"] == [
        {"row": [1.0, 0.0], "col": [0.0, 1.0], "payoffs": [2.0, 1.0], "pure": True}
    ]
