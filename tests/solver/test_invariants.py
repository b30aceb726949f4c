"""Invariants of the solver under hypothesis and closed forms from theory (the solution contract
suite is in ``test_solution_contract.py``)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from simulator.compiled import compile_scenario, crossed_rules, evaluate_utilities, outcome_indices
from simulator.model import Issue, Option, Party, Preference, Scenario
from simulator.solver import dominated_by, pareto_mask, solve
from tests.oracle import criterion as oracle_criterion
from tests.strategies import scenarios, utility_arrays

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _space(cs):
    return np.indices(cs.sizes).reshape(cs.n_issues, -1).T


def _brute_dominated(u: np.ndarray) -> np.ndarray:
    out = np.zeros(len(u), dtype=bool)
    for i in range(len(u)):
        ge = np.all(u >= u[i], axis=1)
        gt = np.any(u > u[i], axis=1)
        out[i] = np.any(ge & gt)
    return out


# --- Pareto frontier primitives -------------------------------------------------------------


@SETTINGS
@given(utility_arrays())
@example(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [0.5, 0.25]]))
@example(np.array([[0.5, 0.5, 0.5], [0.5, 0.5, 0.5], [0.5, 0.5, 0.25]]))
def test_pareto_mask_keeps_exactly_the_non_dominated_rows(u):
    assert pareto_mask(u).tolist() == (~_brute_dominated(u)).tolist()


@SETTINGS
@given(utility_arrays(), utility_arrays())
def test_dominated_by_matches_brute_force(a, b):
    if a.shape[1:] != b.shape[1:]:
        b = b[:, : a.shape[1]] if b.shape[1] >= a.shape[1] else np.zeros((0, a.shape[1]))
    want = [bool(np.any(np.all(b >= x, axis=1) & np.any(b > x, axis=1))) for x in a]
    assert dominated_by(a, b).tolist() == want


# --- solver invariants ----------------------------------------------------------------------


@SETTINGS
@given(scenarios(), st.sampled_from(["all", "feasible", "zopa"]))
def test_frontier_is_non_dominated_complete_and_evaluated_right(scenario, scope):
    result = solve(scenario, frontier=scope)
    cs = compile_scenario(scenario)
    space = _space(cs)
    u = evaluate_utilities(cs, space)
    crossed = crossed_rules(cs, space)
    owner = cs.rule_owner
    consistent = ~crossed[:, owner < 0].any(axis=1)
    feasible = consistent & ~crossed[:, owner >= 0].any(axis=1)
    zopa = feasible & np.all(u >= cs.reservation, axis=1)
    member = {"all": np.ones(len(u), bool), "feasible": feasible, "zopa": zopa}[scope]
    f = result.frontier
    # every frontier point is in scope and carries its own utilities
    idx = outcome_indices(cs.sizes, f.outcomes)
    assert member[idx].all()
    assert np.array_equal(f.utilities, u[idx])
    # no outcome in scope dominates a frontier point
    assert not dominated_by(f.utilities, u[member]).any()
    # every non-dominated outcome in scope is on the frontier (complete)
    scoped = np.flatnonzero(member)
    nondom = scoped[~dominated_by(u[scoped], u[scoped])]
    assert sorted(idx.tolist()) == sorted(nondom.tolist())
    assert result.counts.zopa == int(zopa.sum())


@SETTINGS
@given(scenarios())
def test_zopa_solutions_respect_every_red_line_and_reservation_and_are_optimal(scenario):
    result = solve(scenario)
    cs = compile_scenario(scenario)
    d, beta = result.disagreement, cs.power
    space = _space(cs)
    u = evaluate_utilities(cs, space)
    ok = ~crossed_rules(cs, space).any(axis=1) & np.all(u >= d, axis=1)
    front = {tuple(o) for o in result.zopa_frontier.outcomes.tolist()}
    for name, pt in result.solutions.items():
        if not ok.any():
            assert pt is None
            continue
        assert pt is not None
        o = np.array(pt.outcome)[None, :]
        assert not crossed_rules(cs, o).any()
        assert np.all(evaluate_utilities(cs, o)[0] >= d)
        assert pt.outcome in front
        # the test's own criterion (tests/oracle.py), not the production one, and KS included
        ideal = u[ok].max(axis=0).tolist()
        dl, bl = [float(x) for x in d], [float(x) for x in beta]
        top = max(oracle_criterion(name, tuple(row), dl, bl, ideal) for row in u[ok].tolist())
        mine = oracle_criterion(name, pt.utilities, dl, bl, ideal)
        if math.isfinite(top):
            assert mine >= top - 1e-9 * max(1.0, abs(top)), name
        else:
            assert mine == top, name


@SETTINGS
@given(scenarios())
def test_closest_is_reported_exactly_when_the_zopa_is_empty(scenario):
    result = solve(scenario)
    if result.counts.zopa:
        assert result.closest is None
        return
    if result.counts.consistent == 0:
        assert result.closest is None
        return
    c = result.closest
    assert c is not None
    assert c.shortfall == tuple(
        max(0.0, float(d - x)) for d, x in zip(result.disagreement, c.point.utilities, strict=True)
    )
    if result.counts.feasible:
        assert not c.crossed
    else:
        assert c.crossed
    assert all(
        f"reservation:{p.id}" in c.binding
        for p, s in zip(scenario.parties, c.shortfall, strict=True)
        if s > 0
    )


# --- closed forms ---------------------------------------------------------------------------


def split_pie(n: int = 12, powers=(1.0, 1.0), reservations=(0.0, 0.0)) -> Scenario:
    """Divide a pie of n slices: option k gives party a k/n and party b (n-k)/n."""
    issue = Issue("share_a", tuple(Option(str(k), value=float(k)) for k in range(n + 1)))
    a = Party(
        "a",
        {"share_a": Preference(1.0, "linear", direction="increasing")},
        reservation=reservations[0],
        bargaining_power=powers[0],
    )
    b = Party(
        "b",
        {"share_a": Preference(1.0, "linear", direction="decreasing")},
        reservation=reservations[1],
        bargaining_power=powers[1],
    )
    return Scenario("pie", (issue,), (a, b))


def test_symmetric_split_puts_nash_ks_and_egalitarian_at_the_midpoint():
    """Nash (1950): for a symmetric problem the solution is symmetric, here the equal split."""
    result = solve(split_pie(12))
    for name in ("nash", "weighted_nash", "kalai_smorodinsky", "egalitarian"):
        assert result.solutions[name].utilities == (0.5, 0.5), name
    assert result.frontier.size == 13  # every split is Pareto-optimal


@pytest.mark.parametrize(
    "powers, share", [((2.0, 1.0), 8 / 12), ((1.0, 3.0), 3 / 12), ((1.0, 1.0), 6 / 12)]
)
def test_weighted_nash_follows_the_bargaining_powers(powers, share):
    """max x^a (1-x)^b on the unit pie is at x = a / (a + b) (Kalai 1977)."""
    result = solve(split_pie(12, powers=powers))
    assert result.solutions["weighted_nash"].utilities[0] == pytest.approx(share)


def test_nash_split_moves_with_the_disagreement_point():
    """With d = (d_a, d_b) the Nash split gives each its d plus half the surplus."""
    result = solve(split_pie(20, reservations=(0.2, 0.0)))
    assert result.solutions["nash"].utilities == pytest.approx((0.6, 0.4))
    assert result.counts.zopa == 17  # shares 0.2 ... 1.0 for a
