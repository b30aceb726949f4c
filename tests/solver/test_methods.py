"""The methods beyond enumeration against the oracle, the automatic choice, and the ANAC references.

- ``dp`` (the additive programme) and ``milp`` (epsilon-constraint over the 0/1 programme) list one
  outcome per frontier vector, so they are compared with the oracle on the set of frontier vectors,
  on every witness being a frontier outcome, and on the solutions' criteria.
- ``exists_outcome`` decides ZOPA existence exactly through the search, the integer programme's
  witness or both; each path is forced in turn.
- ``10issues`` and ``30issues`` (ANAC 2014, hyperrectangle utilities, 10^10 and 10^30 outcomes): the
  frontier must equal the independently computed exact frontier in their ``reference.json``.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.compiled import compile_scenario, evaluate_utilities
from simulator.errors import ScenarioError
from simulator.formats.genius import load_genius_folder
from simulator.model import Scenario
from simulator.solver import (
    choose_method,
    exists_outcome,
    method_title,
    rule_regions,
    solution_criterion,
    solve,
    zopa_threshold,
)
from simulator.solver.milp import frontier_two_parties
from simulator.synthetic import synthetic_scenario
from tests import oracle
from tests.strategies import scenarios

# the module of the existence query (``simulator.solver.solve`` is shadowed by the function of the
# same name in the package, so modules are reached through ``sys.modules``)
SOLVE_MODULE = sys.modules["simulator.solver.queries"]
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GENIUS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "genius"
UNARY = ("not", "at_least", "at_most")


def additive(scenario: Scenario) -> Scenario:
    """The scenario without interaction terms and with its one-issue rules only."""
    parties = tuple(
        dataclasses.replace(
            p, interactions=(), red_lines=tuple(r for r in p.red_lines if r.kind in UNARY)
        )
        for p in scenario.parties
    )
    constraints = tuple(c for c in scenario.constraints if c.kind in UNARY)
    return dataclasses.replace(scenario, parties=parties, constraints=constraints)


def vectors(rows: list[oracle.Row]) -> set[tuple[float, ...]]:
    return {r.u for r in rows}


def check_one_per_vector(result, ref: oracle.OracleResult, scope: str) -> None:  # type: ignore[no-untyped-def]
    """Distinct frontier vectors equal the oracle's; each witness is an oracle frontier outcome;
    the solutions' criteria and the closest outcome match."""
    assert result.counts.to_dict() == ref.counts
    got = {tuple(float(x) for x in u) for u in result.frontier.utilities}
    assert got == vectors(ref.frontiers[scope])
    assert result.frontier.size == len(got)  # one outcome per vector
    members = {r.outcome for r in ref.frontiers[scope]}
    assert {tuple(int(k) for k in o) for o in result.frontier.outcomes} <= members
    d = np.array([p.reservation for p in result.scenario.parties])
    beta = np.array([p.bargaining_power for p in result.scenario.parties])
    zopa_front = np.array([r.u for r in ref.frontiers["zopa"]]).reshape(-1, len(d))
    room = zopa_front.max(axis=0, initial=-np.inf) - d

    def gain(u: tuple[float, ...]) -> float:
        """The tie-break's second key (``select_solution``): the gains as shares of the room
        to the ZOPA's ideal point, summed."""
        return float(np.divide(np.asarray(u) - d, room, out=np.zeros(len(d)), where=room > 0).sum())

    for name, point in result.solutions.items():
        want = ref.solutions[name]
        assert (point is None) == (want is None), name
        if point is None or want is None:
            continue
        # the same criterion value (ties between outcomes may be broken differently)
        both = np.vstack([zopa_front, [point.utilities, want.u]])
        crit = solution_criterion(name, both, d, beta)[-2:]
        assert crit[0] == pytest.approx(crit[1], rel=1e-12, abs=1e-12), name
        # and the same second key; the last, the lowest index, depends on which outcome a
        # method keeps for a vector (one per vector here), so it may differ
        assert gain(point.utilities) == pytest.approx(gain(want.u), abs=1e-12), name
    # the closest outcome (the integer programme's): the same crossings and largest shortfall
    if ref.closest is None:
        assert result.closest is None
    else:
        assert result.closest is not None
        assert max(result.closest.shortfall) == pytest.approx(ref.closest_shortfall, abs=1e-9)
        assert len(result.closest.crossed) == ref.closest_crossed


@SETTINGS
@given(scenarios(max_issues=4, max_options=4), st.sampled_from(["all", "feasible", "zopa"]))
def test_additive_programme_matches_oracle(scenario: Scenario, scope: str) -> None:
    scenario = additive(scenario)
    result = solve(scenario, frontier=scope, method="dp")  # type: ignore[arg-type]
    assert result.stats["method"] == "dp"
    check_one_per_vector(result, oracle.solve_oracle(scenario), scope)


@SETTINGS
@given(
    scenarios(max_issues=4, max_options=4, min_parties=2, max_parties=2),
    st.sampled_from(["all", "feasible", "zopa"]),
)
def test_integer_programme_matches_oracle(scenario: Scenario, scope: str) -> None:
    result = solve(scenario, frontier=scope, method="milp")  # type: ignore[arg-type]
    assert result.stats["method"] == "milp"
    check_one_per_vector(result, oracle.solve_oracle(scenario), scope)


@pytest.mark.parametrize("path", ["search", "witness", "search after no witness"])
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(scenario=scenarios(max_issues=4, max_options=4))
def test_zopa_existence_is_exact_on_every_path(
    monkeypatch: pytest.MonkeyPatch, path: str, scenario: Scenario
) -> None:
    if path != "search":
        monkeypatch.setattr(SOLVE_MODULE, "EXISTS_BUDGET", -1)
    if path == "search after no witness":
        monkeypatch.setattr(SOLVE_MODULE.milp, "optimum", lambda *args, **kwargs: None)
    cs = compile_scenario(scenario)
    found = exists_outcome(cs, rule_regions(cs, "all"), zopa_threshold(cs, cs.reservation))
    assert found == (oracle.solve_oracle(scenario).counts["zopa"] > 0)


def test_count_budget_gives_a_flagged_lower_bound() -> None:
    scenario = synthetic_scenario(5, 6, 2, seed=3)
    exact = solve(scenario)
    cut = solve(scenario, method="dp", count_budget=0)
    assert exact.stats["counts_exact"] is True
    assert cut.stats["counts_exact"] is False
    assert 0 < cut.counts.zopa <= exact.counts.zopa
    assert cut.to_dict()["counts_exact"] is False
    # past the budget the count comes with an estimate of the whole (seeded: this interval holds
    # the exact count), which the JSON carries
    estimate = cut.zopa_estimate
    assert estimate is not None and estimate.low <= exact.counts.zopa <= estimate.high
    assert cut.to_dict()["zopa_estimate"] == estimate.to_dict()


# --- the automatic choice --------------------------------------------------------------------


def test_small_spaces_and_many_parties_are_enumerated() -> None:
    assert choose_method(compile_scenario(synthetic_scenario(4, 5, 2))) == "enumerate"
    assert choose_method(compile_scenario(synthetic_scenario(12, 10, 4))) == "enumerate"


def test_large_two_party_spaces_use_the_additive_or_the_integer_programme() -> None:
    additive_cs = compile_scenario(synthetic_scenario(12, 10, 2))
    assert choose_method(additive_cs) == "dp"
    result = solve(additive_cs)
    assert result.method == "dp"
    assert method_title(result.method).startswith("additive dynamic programme")
    assert result.stats["frontier_outcomes"] == "one per utility vector"
    with_terms = (
        compile_scenario(load_genius_folder(GENIUS / "10issues")) if GENIUS.is_dir() else None
    )
    if with_terms is not None:
        assert choose_method(with_terms) == "milp"


def test_a_method_that_does_not_apply_is_refused() -> None:
    with pytest.raises(ScenarioError, match="two parties"):
        solve(synthetic_scenario(3, 3, 3), method="milp")
    with pytest.raises(ScenarioError, match="method must be"):
        solve(synthetic_scenario(3, 3, 2), method="simplex")
    car = Path(__file__).resolve().parents[2] / "scenarios" / "textbook_car.yaml"
    from simulator.formats import load_scenario

    with pytest.raises(ScenarioError, match="additive"):
        solve(load_scenario(car), method="dp")


def test_enumeration_reports_itself() -> None:
    result = solve(synthetic_scenario(3, 4, 2, seed=2))
    assert result.method == "enumerate"
    assert method_title(result.method) == "block branch and bound"
    assert result.stats == {
        "method": "enumerate",
        "chosen_automatically": True,
        "counts_exact": True,
        "frontier_outcomes": "all",
    }


# --- ANAC 2014 nonlinear domains: exact frontiers from reference.json --------------------------


def reference_frontier(name: str) -> np.ndarray:
    ref = json.loads((GENIUS / name / "reference.json").read_text())
    return np.array(ref["exact_frontier"]["genius_scale"]["pareto_frontier_all_outcomes"])


@pytest.mark.parametrize("name", ["10issues", "30issues"])
def test_anac_nonlinear_frontier_equals_the_exact_reference(name: str) -> None:
    if not (GENIUS / name / "reference.json").is_file():
        pytest.skip("GENIUS reference domains not found (../shared/data/genius)")
    cs = compile_scenario(load_genius_folder(GENIUS / name))
    result = solve(cs, frontier="all")
    assert result.stats["method"] == "milp"
    assert result.stats["milp_integer_units"] is True  # utility / maxutility: exact in integers
    assert result.stats["counts_exact"] is True
    assert result.counts.zopa == cs.n_outcomes  # reservation 0, every bonus >= 0
    want = reference_frontier(name)
    got = result.frontier.utilities[np.lexsort(result.frontier.utilities.T[::-1])]
    assert got.shape == want.shape
    assert np.abs(got - want).max() <= 1e-8
    # every point's witness outcome has the utilities reported
    assert np.array_equal(
        evaluate_utilities(cs, result.frontier.outcomes), result.frontier.utilities
    )
    nash = json.loads((GENIUS / name / "reference.json").read_text())["genius_normalized"]["nash"]
    assert result.solutions["nash"] is not None
    assert result.solutions["nash"].utilities == pytest.approx(nash[0]["utility"], abs=1e-8)


def test_epsilon_constraint_needs_two_parties() -> None:
    with pytest.raises(ValueError, match="two parties"):
        frontier_two_parties(compile_scenario(synthetic_scenario(2, 2, 3)), np.zeros(0, bool))
