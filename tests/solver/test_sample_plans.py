"""What samples share before their searches (``sample_plans``): a revalued plan equals a fresh one
field for field, the root test never calls a zone with packages empty, and samples that share
their held red lines share one plan structure and still get a full solve's Nash package."""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings

import simulator.solver.nash_search as nash_search
from simulator.analysis.sampling import draws, sampled_scenario, stacked
from simulator.compiled import compile_scenario, weighted_tables
from simulator.formats import load_scenario
from simulator.solver import make_plan, zopa_threshold
from simulator.solver.nash_search import SAMPLE_INNER_BLOCK, held_regions, nash_samples
from simulator.solver.sample_plans import empty_at_root, held_region_matrix, revalued
from tests.solver.test_batch import scenario_and_draws
from tests.solver.test_nash_search import found_nash, solved_nash, uncertain_synthetic

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROOT = Path(__file__).resolve().parents[2]


def assert_same_plan(a, b) -> None:
    for f in fields(a):
        if f.name in ("cs", "scratch", "inner_term_mask", "inner_region_mask"):
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and np.array_equal(x, y), f.name  # bit for bit
        else:
            assert x == y if not isinstance(x, tuple) else len(x) == len(y), f.name


def samples_of(scenario, sampled):
    cs = compile_scenario(scenario)
    w, r, h = stacked(sampled)
    tables = weighted_tables(scenario, w)
    return cs, tables, r, h


@SETTINGS
@given(scenario_and_draws())
def test_a_revalued_plan_is_a_fresh_plan(case) -> None:
    scenario, sampled = case
    cs, tables, _, h = samples_of(scenario, sampled)
    regions = held_regions(cs, h[0])
    first = replace(cs, values=tuple(t[0] for t in tables))
    shared = make_plan(first, regions, inner_block=4)
    for s in range(len(sampled)):
        sample = replace(cs, values=tuple(t[s] for t in tables))
        fresh = make_plan(sample, regions, inner_block=4, order=shared.order)
        if not fresh.empty:
            assert_same_plan(revalued(shared, sample), fresh)


@SETTINGS
@given(scenario_and_draws())
def test_the_root_test_calls_only_empty_zones_empty(case) -> None:
    scenario, sampled = case
    cs, tables, r, h = samples_of(scenario, sampled)
    held = held_region_matrix(cs, h)
    for s in range(len(sampled)):
        assert np.array_equal(held[s], held_regions(cs, h[s]))
    thresholds = np.stack([zopa_threshold(cs, d) for d in r])
    empty = empty_at_root(cs, tables, held, thresholds)
    for s, draw in enumerate(sampled):
        if empty[s]:
            assert solved_nash(sampled_scenario(scenario, draw)) is None


def test_the_root_test_answers_most_empty_december_samples() -> None:
    """On the December snapshot a third of the samples are empty at the root; none of them has a
    ZOPA (their Nash search, run anyway, finds nothing)."""
    s = load_scenario(ROOT / "scenarios" / "ukraine_2025-12.yaml")
    cs, tables, r, h = samples_of(s, draws(s, 0, range(60)))
    held = held_region_matrix(cs, h)
    empty = empty_at_root(cs, tables, held, np.stack([zopa_threshold(cs, d) for d in r]))
    assert 10 <= empty.sum() < 60
    for k in np.flatnonzero(empty)[:8]:
        sample = replace(cs, values=tuple(t[k] for t in tables))
        plan = make_plan(sample, held[k], inner_block=SAMPLE_INNER_BLOCK)
        assert nash_search.nash_point(sample, held[k], r[k], plan=plan) is None


def test_samples_sharing_their_red_lines_share_one_plan(monkeypatch) -> None:
    """Weights and reservations vary, the red lines all hold: one structure for every sample (the
    rest revalued), and every answer still a full solve's."""
    s = uncertain_synthetic()
    sampled = draws(s, 4, range(60), ("weights", "reservations"))
    made = []
    monkeypatch.setattr(
        nash_search, "make_plan", lambda *a, **k: made.append(1) or make_plan(*a, **k)
    )
    found = nash_samples(compile_scenario(s), *stacked(sampled))
    assert len(made) == 2  # the search order, then the one held set's plan
    assert sum(f is not None for f in found) > 10
    for draw, got in zip(sampled, found, strict=True):
        assert found_nash(got) == solved_nash(sampled_scenario(s, draw))
