"""The Nash package by branch and bound (:mod:`simulator.solver.nash_search`) against the
brute-force oracle, bit for bit (tie-break included), with and without warm-start packages, and
with tiny blocks so that the bounds act at every depth (``test_nash_search.py`` compares it with a
full ``solve()`` instead)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.compiled import compile_scenario
from simulator.outcome_space import outcome_grid
from simulator.solver import rule_regions
from simulator.solver.nash_search import in_zone, nash_point
from tests import oracle
from tests.solver.test_solve_oracle import monkeypatch_blocks  # noqa: F401 (fixture)
from tests.strategies import scenarios

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _check(scenario, seeds: int) -> None:
    cs = compile_scenario(scenario)
    regions = rule_regions(cs, "all")
    grid = outcome_grid(cs.sizes)
    pool = grid[np.random.default_rng(seeds).integers(0, len(grid), size=seeds)] if seeds else None
    found = nash_point(cs, regions, cs.reservation, warm=pool)
    want = oracle.solve_oracle(scenario).solutions["nash"]
    assert (found is None) == (want is None)
    if found is not None and want is not None:
        outcome, u = found.outcome, found.utilities
        assert (tuple(int(k) for k in outcome), tuple(float(x) for x in u)) == (
            want.outcome,
            want.u,
        )


@SETTINGS
@given(scenarios(), st.integers(0, 6))
def test_nash_package_matches_oracle(scenario, seeds):
    _check(scenario, seeds)


@SETTINGS
@given(scenarios(max_issues=5, max_options=4), st.integers(0, 3))
def test_nash_package_matches_oracle_with_tiny_blocks(monkeypatch_blocks, scenario, seeds):  # noqa: F811
    _check(scenario, seeds)


@SETTINGS
@given(scenarios())
def test_in_zone_is_the_zopa(scenario):
    cs = compile_scenario(scenario)
    grid = outcome_grid(cs.sizes)
    inside = in_zone(cs, rule_regions(cs, "all"), cs.reservation, grid)
    want = {r.outcome for r in oracle.solve_oracle(scenario).zopa}
    assert {tuple(int(k) for k in o) for o in grid[inside]} == want


NEAR_TIE = """
name: near_tie
issues:
  - {id: split, options: [even, tilted, poor]}
  - {id: extra, options: [yes, no]}
parties:
  - id: x
    preferences:
      split: {weight: 1, table: {even: 0.5, tilted: 0.5078125, poor: 0.25}}
      extra: {weight: 0, table: {yes: 0, no: 0}}
  - id: y
    preferences:
      split: {weight: 1, table: {even: 0.5, tilted: 0.49609375, poor: 0.25}}
      extra: {weight: 0, table: {yes: 0, no: 0}}
"""


def test_a_package_just_above_the_warm_start_is_found(monkeypatch_blocks):  # noqa: F811
    """Warm-started with ``even`` (product 1/4), the search must still find ``tilted`` (130 x 127
    / 256^2, 0.8% more): the incumbent's bound lets it pass, tightly."""
    from simulator.formats import loads_scenario_yaml

    cs = compile_scenario(loads_scenario_yaml(NEAR_TIE))
    regions = rule_regions(cs, "all")
    for seeds in (None, np.array([[0, 0], [0, 1]])):
        found = nash_point(cs, regions, cs.reservation, warm=seeds)
        assert found is not None
        assert found.outcome.tolist() == [1, 0]  # tilted; the lower index of the tie on ``extra``
