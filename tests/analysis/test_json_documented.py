"""Every key of the analyses' JSON is one that docs/reference/json-output.md documents.

A key the page does not name (a renamed key, a typo) breaks every script that reads the JSON.
Keys that are data (party and issue ids) are not names to document.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from simulator import load_scenario
from simulator.analysis.edits.text import apply_edits
from simulator.analysis.gaps import gaps
from simulator.analysis.ratified_solve import proposal_ratification
from simulator.evaluate import evaluate_proposals
from simulator.model import Proposal, Scenario
from simulator.solver import SOLUTIONS
from tests.analysis.conftest import ROOT
from tests.analysis.test_ratification import car_with_a_vote

PAGE = (ROOT / "docs" / "reference" / "json-output.md").read_text(encoding="utf-8")


def _section(heading: str) -> str:
    """The page's text from the ``## heading`` line to the next heading of that level."""
    start = PAGE.index(f"\n## {heading}")
    end = PAGE.find("\n## ", start + 1)
    return PAGE[start : end if end > 0 else None]


def _keys(data: Any) -> Iterable[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from _keys(value)
    elif isinstance(data, list):
        for value in data:
            yield from _keys(value)


def _undocumented(data: dict[str, Any], heading: str, scenario: Scenario) -> set[str]:
    ids = {*scenario.party_ids, *(i.id for i in scenario.issues)}
    text = _section(heading)
    return {k for k in _keys(data) if k not in ids and f'"{k}"' not in text}


def test_the_gaps_json_names_only_documented_keys(car: Scenario) -> None:
    data = gaps(car).to_dict()
    assert {"scenario", "gaps", "gap"} <= set(_keys(data))
    assert _undocumented(data, "`bargain gaps`", car) == set()


def test_the_ratification_json_names_only_documented_keys() -> None:
    s = car_with_a_vote(0.25)
    s = dataclasses.replace(s, proposals=(*s.proposals, Proposal("open", {"delivery": ("fast",)})))
    risk, _ = proposal_ratification(s, evaluate_proposals(s), "expected")
    data = risk.to_dict()
    assert {"ratification", "terms", "proposal_ranges"} <= set(_keys(data))
    assert _undocumented(data, "Ratification", s) == set()


#: The solve JSON's keys (the page's ``bargain solve`` block), which several analyses embed.
SOLVE = _section("`bargain solve`")


def _check_documented(
    data: dict[str, Any], heading: str, scenario: Scenario, *embedded: str, names: Any = ()
) -> None:
    """Every key of ``data`` is in the page's section ``heading`` (or in the sections of the
    results it embeds) or is data: an id of ``scenario``, a solution's name, one of ``names``."""
    ids = {*scenario.party_ids, *(i.id for i in scenario.issues), *SOLUTIONS, *names}
    ids |= {p.id for p in scenario.proposals} | {f"{p}_proposes_first" for p in scenario.party_ids}
    ids |= {k for k in _keys(data) if k.isdigit()}  # level indices of the demand game
    text = _section(heading) + "".join(embedded)
    assert sorted(k for k in set(_keys(data)) if k not in ids and f'"{k}"' not in text) == []


def test_the_coalitions_json_names_only_documented_keys(car: Scenario) -> None:
    from simulator.analysis.coalitions import coalitions

    data = coalitions(car).to_dict()
    assert {"coalitions", "power", "without", "banzhaf_normalised", "outsiders_accept"} <= set(
        _keys(data)
    )
    _check_documented(data, "`bargain coalitions`", car, SOLVE)
    # a party that controls an issue: the deal without it on its default
    siting = load_scenario(ROOT / "scenarios" / "siting_six.yaml")
    town = dataclasses.replace(siting.party("town"), controls={"fund": "none"})
    s = dataclasses.replace(
        siting, parties=tuple(town if p.id == "town" else p for p in siting.parties)
    )
    data = coalitions(s, min_size=6).to_dict()
    assert {"by_control", "defaults", "solutions_needing_party"} <= set(_keys(data))
    _check_documented(data, "`bargain coalitions`", s, SOLVE)


def test_the_compare_json_names_only_documented_keys() -> None:
    from simulator.analysis.compare import compare

    a = load_scenario(ROOT / "scenarios" / "textbook_car.yaml")
    b = load_scenario(ROOT / "scenarios" / "textbook_car_drift.yaml")
    data = compare([a, b], margins=False).to_dict()
    assert {"snapshots", "steps", "changes", "package_moves", "utility_moves"} <= set(_keys(data))
    _check_documented(data, "`bargain compare`", a, SOLVE)


def test_the_ripeness_json_names_only_documented_keys() -> None:
    from simulator.analysis.ripeness import ripeness

    s = load_scenario(ROOT / "scenarios" / "textbook_car_drift.yaml")
    data = ripeness(s, 3).to_dict()
    assert {"periods", "drift_margins", "needed", "necessary", "within_range"} <= set(_keys(data))
    _check_documented(data, "`bargain ripeness`", s, SOLVE)


def test_the_sweep_json_names_only_documented_keys(car: Scenario) -> None:
    from simulator.analysis.sensitivity import sweep

    data = sweep(car, "buyer.reservation", [0.3, 0.5, 0.7]).to_dict()
    assert {"param", "values", "zopa", "solutions", "nash_outcomes", "break_even"} <= set(
        _keys(data)
    )
    _check_documented(data, "`bargain sweep`", car)


def test_the_montecarlo_json_names_only_documented_keys(car: Scenario) -> None:
    from simulator.analysis.monte_carlo import monte_carlo
    from simulator.analysis.p_zopa import p_zopa_exact

    data = monte_carlo(car, 200, 1, workers=1).to_dict()
    assert {"p_zopa", "ci95", "nash_packages", "robust_package", "vary", "warnings"} <= set(
        _keys(data)
    )
    _check_documented(data, "`bargain montecarlo`", car)
    exact = p_zopa_exact(car).to_dict()
    assert {"p_zopa_exact", "uncertain_red_lines", "blocking_sets"} <= set(_keys(exact))
    _check_documented(exact, "`bargain montecarlo`", car)


def test_the_stress_json_names_only_documented_keys(car: Scenario) -> None:
    from simulator.analysis.scan import scan_concessions
    from simulator.analysis.stress import stress_test

    data = stress_test(car, ["dealer accepts price>=20"]).to_dict()
    assert {"edits", "baseline", "edited", "changes", "red_lines_released"} <= set(_keys(data))
    _check_documented(data, "`bargain stress --edit`", car, SOLVE)
    scan = scan_concessions(car, max_set_size=2).to_dict()
    assert {"baseline", "concessions", "minimal_sets", "search", "note"} <= set(_keys(scan))
    _check_documented(scan, "`bargain stress --scan`", car, SOLVE)
    # no ZOPA: the minimal-set search runs and reports its statistics
    closed = apply_edits(car, ["buyer reservation =0.75"])
    scan = scan_concessions(closed, max_set_size=2, max_solves=3).to_dict()
    assert {"candidates", "sets_solved_by_size", "max_solves", "bound"} <= set(_keys(scan))
    _check_documented(scan, "`bargain stress --scan`", closed, SOLVE)


def test_the_simulate_json_names_only_documented_keys(car: Scenario) -> None:
    from simulator.analysis.protocols import alternating_offers, single_text

    heading = "`bargain simulate`"
    offers = alternating_offers(car, rounds=5).to_dict()
    assert {"settings", "distances", "history", "target", "acceptance"} <= set(_keys(offers))
    _check_documented(offers, heading, car)
    text = single_text(car, mediator="dealer", rounds=5).to_dict()
    assert {"objections", "requests", "changes", "stalemate", "pool"} <= set(_keys(text))
    _check_documented(text, heading, car)


def test_the_games_json_names_only_documented_keys(car: Scenario) -> None:
    from simulator.analysis.strategic.concede import concede_or_hold
    from simulator.analysis.strategic.demand import demand_game
    from simulator.analysis.strategic.frontier import bargaining_frontier, unit_pie_frontier
    from simulator.analysis.strategic.rubinstein import rubinstein

    frontier = bargaining_frontier(car, ["buyer", "dealer"])
    demand = demand_game(frontier).to_dict()
    assert {"pure_equilibria", "distance_to_nash", "best_equilibrium_is_nash"} <= set(_keys(demand))
    _check_documented(demand, "`bargain game demand`", car)
    pie = demand_game(unit_pie_frontier(5), method="support").to_dict()
    assert {"mixed_equilibria", "support"} <= set(_keys(pie))
    _check_documented(pie, "`bargain game demand`", car, names=pie["parties"])
    concede = concede_or_hold(car, ("buyer", "dealer"), top=2).to_dict()
    assert {"ranking", "profiles", "opens_with", "structure_meaning"} <= set(_keys(concede))
    strategies = [*concede["strategies"]["buyer"], *concede["strategies"]["dealer"]]
    _check_documented(concede, "`bargain game concede`", car, SOLVE, names=strategies)
    game = rubinstein(frontier, [0.95, 0.9]).to_dict()
    assert {"spe", "lottery", "convergence", "a_proposes"} <= set(_keys(game))
    _check_documented(game, "`bargain game rubinstein`", car)
