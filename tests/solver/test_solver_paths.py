"""Solver paths the oracle tests reach without checking that they ran: the existence search's
budgeted first pass and its fall-back to the integer programme, the integer programme's stop at
a spent time limit, and its float sweep's tie-break between packages equal for the first party.
Written after the solver's seed-4 mutation sample (docs/mutation.md)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from simulator import load_scenario
from simulator.compiled import compile_scenario, in_target
from simulator.model import Scenario
from simulator.solver import rule_regions, solve, zopa_threshold
from simulator.solver.budget import OverBudget, time_limit
from simulator.solver.milp_program import integer_scale
from simulator.solver.queries import find_outcome
from simulator.synthetic import synthetic_scenario
from tests import oracle
from tests.analysis.conftest import ROOT

QUERIES = sys.modules["simulator.solver.queries"]
CAR = ROOT / "scenarios" / "textbook_car.yaml"


def test_the_first_existence_pass_stops_at_its_budget_and_the_programme_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``find_outcome``'s first search evaluates at most ``EXISTS_BUDGET`` outcomes; past it the
    integer programme answers (its witness in the target)."""
    cs = compile_scenario(load_scenario(CAR))
    regions, threshold = rule_regions(cs, "all"), zopa_threshold(cs, cs.reservation)
    calls: list[str] = []
    optimum = QUERIES.milp.optimum

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args[3])
        return optimum(*args, **kwargs)

    monkeypatch.setattr(QUERIES.milp, "optimum", spy)
    assert find_outcome(cs, regions, threshold) is not None and calls == []  # within budget
    monkeypatch.setattr(QUERIES, "EXISTS_BUDGET", 1)  # less than one leaf block
    witness = find_outcome(cs, regions, threshold)
    assert calls == ["exists"]
    assert witness is not None and in_target(cs, regions, threshold, witness)[0]


def test_a_spent_time_limit_stops_the_integer_programme_and_says_where() -> None:
    cs = compile_scenario(load_scenario(CAR))
    with time_limit(0.0), pytest.raises(OverBudget) as stopped:
        QUERIES.milp.optimum(cs, rule_regions(cs, "all"), None, "utilitarian")
    assert (stopped.value.budget, stopped.value.stage) == ("time", "the integer programme")
    assert str(stopped.value) == "the time budget ran out in the integer programme"


def _indifferent_first_party() -> Scenario:
    """A two-party synthetic deal whose weights are not small fractions (the programme's float
    sweep), where the first party gives no weight to one issue: packages equal for it differ
    for the other, so each step of the sweep needs its tie-break."""
    import dataclasses

    s = synthetic_scenario(3, 4, 2, rng=5)
    first = s.parties[0]
    prefs = dict(first.preferences)
    gone = next(iter(prefs))
    rest = sum(q.weight for i, q in prefs.items() if i != gone)
    prefs = {
        i: dataclasses.replace(q, weight=0.0 if i == gone else q.weight / rest)
        for i, q in prefs.items()
    }
    first = dataclasses.replace(first, preferences=prefs)
    return dataclasses.replace(s, parties=(first, s.parties[1]))


@pytest.mark.parametrize("scope", ["zopa", "feasible"])
def test_the_float_sweep_breaks_ties_for_the_second_party(scope: str) -> None:
    s = _indifferent_first_party()
    assert integer_scale(compile_scenario(s)) is None  # the float path
    result = solve(s, frontier=scope, method="milp")  # type: ignore[arg-type]
    ref = oracle.solve_oracle(s)
    assert result.counts.to_dict() == ref.counts
    # decimal weights: the compiled utilities are the oracle's within the rounding (no exact sets)
    got = np.array(sorted(map(tuple, result.frontier.utilities)))
    want = np.array(sorted({r.u for r in ref.frontiers[scope]}))
    assert got.shape == want.shape and np.allclose(got, want, atol=1e-9)


def test_the_structured_methods_say_whether_auto_chose_them() -> None:
    """``chosen_automatically`` (:class:`~simulator.results.SolveStats`) of ``dp``, as of
    ``enumerate`` (``test_enumeration_reports_itself``): True when ``method="auto"`` chose it."""
    s = synthetic_scenario(12, 10, 2)
    chosen = solve(s, frontier="none")
    given = solve(s, frontier="none", method="dp")
    assert (chosen.method, given.method) == ("dp", "dp")
    assert chosen.stats["chosen_automatically"] is True
    assert given.stats["chosen_automatically"] is False


def test_the_bitset_count_keeps_a_package_exactly_at_the_threshold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The count's bit-set path (past ``BITSET_AFTER`` outcomes, forced from the first here),
    where an interaction term makes it compare utilities directly, counts a package whose
    utility is exactly the threshold ``d - slack`` as reaching it (``>=``): each party's
    reservation is set to a car package's utility plus the slack, and the count is the brute
    force one over the whole table."""
    import dataclasses

    from simulator.compiled import crossed_rules, evaluate_utilities
    from simulator.outcome_space import outcome_grid

    monkeypatch.setattr(sys.modules["simulator.solver.reach_count"], "BITSET_AFTER", 0)
    cs = compile_scenario(load_scenario(CAR))
    table = outcome_grid(cs.sizes)
    u = evaluate_utilities(cs, table)
    ok = ~crossed_rules(cs, table).any(axis=1)
    for row in np.flatnonzero(ok)[:6]:
        tied = dataclasses.replace(cs, reservation=u[row] + cs.rounding_slack)
        threshold = zopa_threshold(tied, tied.reservation)
        assert np.array_equal(threshold, u[row])  # exactly at the threshold
        want = int(np.count_nonzero(ok & np.all(u >= threshold, axis=1)))
        assert want >= 1 and solve(tied, frontier="none").counts.zopa == want


def test_the_worst_case_disagreement_is_a_named_stage() -> None:
    """Every stage of a solve with ``disagreement="worst"`` has a name, the additive closed form
    included ("worst case", done at once)."""
    for s in (load_scenario(CAR), synthetic_scenario(3, 3, 2)):  # a term; additive
        seen: list[tuple[str, float]] = []
        solve(s, disagreement="worst", progress=lambda stage, f, seen=seen: seen.append((stage, f)))
        assert all(isinstance(stage, str) and stage for stage, _ in seen)
        assert ("worst case", 1.0) in seen
