"""Coalitions' own zones (:mod:`simulator.analysis.coalition_search`) against the brute-force
oracle on random scenarios, and the Ukraine snapshots' 11 coalitions against one solve."""

from __future__ import annotations

import dataclasses
import itertools
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from simulator.analysis.coalition_search import own_zones
from simulator.formats import load_scenario
from simulator.solver import solve
from tests import oracle
from tests.strategies import scenarios

ROOT = Path(__file__).resolve().parents[2]


def _groups(ids):
    return [c for k in range(1, len(ids) + 1) for c in itertools.combinations(ids, k)]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_parties=4))
def test_own_zones_match_the_oracle(scenario):
    """Every coalition: zone or not, its exact size and its Nash package, bit for bit, as the
    oracle finds them on the coalition's own scenario (so the shortcuts between coalitions, the
    subsets without a zone and the shared packages, change nothing)."""
    groups = _groups(scenario.party_ids)
    for zone in own_zones(scenario, groups):
        sub = dataclasses.replace(
            scenario,
            parties=tuple(p for p in scenario.parties if p.id in zone.members),
            agreement=None,
        )
        ref = oracle.solve_oracle(sub)
        assert zone.count.exact and zone.count.value == ref.counts["zopa"], zone.members
        want = ref.solutions["nash"]
        assert (zone.nash is None) == (want is None)
        if zone.nash is not None and want is not None:
            assert (zone.nash.outcome, zone.nash.utilities) == (want.outcome, want.u)


def test_ukraine_coalitions_take_few_solves():
    """Issue 17 asks for at most 20 solves of the snapshot for its 11 coalitions
    (``benchmarks/test_coalitions.py`` measures it); bounded loosely here, against a solve timed
    in this test, warm, both: at most two searches per coalition, and 60 solves."""
    scenario = load_scenario(ROOT / "scenarios" / "ukraine_2025-12.yaml")
    groups = [c for c in _groups(scenario.party_ids) if len(c) >= 2]
    solve(scenario)
    own_zones(scenario, groups)
    start = time.perf_counter()
    solve(scenario)
    one = time.perf_counter() - start
    start = time.perf_counter()
    zones = own_zones(scenario, groups)
    seconds = time.perf_counter() - start
    assert len(zones) == 11 and sum(z.searches for z in zones) <= 2 * 11
    assert seconds <= 60 * one, (seconds, one)
