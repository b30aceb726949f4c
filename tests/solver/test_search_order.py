"""The search order (``search._order``): the vectorised greedy against the obvious set-based one
it replaced, step for step, on random scenarios and on the bundled ones."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.compiled import CompiledScenario, compile_scenario
from simulator.formats import load_scenario
from simulator.outcome_space import allowed_options
from simulator.solver import search
from tests.strategies import scenarios

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def obvious_order(cs: CompiledScenario, allowed, tracked) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    """Greedy with Python sets: the largest (completes, appears, spread, -issue) each step."""
    spread = [
        float(np.ptp(cs.values[i][:, allowed[i]], axis=1).sum()) if len(allowed[i]) else 0.0
        for i in range(cs.n_issues)
    ]
    tracked_sets = [set(r.issues) for r, t in zip(cs.regions, tracked, strict=True) if t]
    other_sets = [set(r.issues) for r, t in zip(cs.regions, tracked, strict=True) if not t]
    other_sets += [set(t.issues) for t in cs.terms]
    order: list[int] = []
    chosen: set[int] = set()
    for sets in (tracked_sets, other_sets):
        while open_sets := [r for r in sets if not r <= chosen]:
            candidates = {i for r in open_sets for i in r} - chosen

            def score(i: int, open_sets: list[set[int]] = open_sets) -> tuple:  # type: ignore[type-arg]
                completes = sum(1 for r in open_sets if i in r and r - chosen == {i})
                appears = sum(1 for r in open_sets if i in r)
                return (completes, appears, spread[i], -i)

            best = max(candidates, key=score)
            order.append(best)
            chosen.add(best)
    rest = sorted(set(range(cs.n_issues)) - chosen, key=lambda i: (-spread[i], i))
    return tuple(order + rest)


@SETTINGS
@given(scenarios(max_issues=6, max_options=3), st.randoms(use_true_random=False))
def test_order_matches_the_obvious_greedy(scenario, rnd) -> None:  # type: ignore[no-untyped-def]
    cs = compile_scenario(scenario)
    tracked = np.array([rnd.random() < 0.5 for _ in cs.regions], dtype=bool)
    allowed = allowed_options(cs, tracked)
    assert search._order(cs, allowed, tracked) == obvious_order(cs, allowed, tracked)


BUNDLED = ["ukraine_2025-12.yaml", "ukraine_2025-11.yaml", "textbook_car.yaml"]


@pytest.mark.parametrize("name", BUNDLED)
@pytest.mark.parametrize("which", ["all", "consistency", "none"])
def test_order_on_the_bundled_scenarios(name: str, which: str) -> None:
    from simulator.solver import rule_regions

    cs = compile_scenario(load_scenario(ROOT / "scenarios" / name))
    tracked = rule_regions(cs, which)
    allowed = allowed_options(cs, tracked)
    got = search._order(cs, allowed, tracked)
    assert got == obvious_order(cs, allowed, tracked)
    assert sorted(got) == list(range(cs.n_issues))


@SETTINGS
@given(scenarios(max_issues=5, max_options=3), st.integers(0, 5))
def test_inner_masks_are_the_outer_products(scenario, n_outer: int) -> None:  # type: ignore[no-untyped-def]
    """``InnerMasks`` rows, built on demand in any order and indexed by masks, lists or slices,
    equal the region's membership of every inner outcome (enumerated with ``itertools.product``,
    the first inner issue most significant)."""
    cs = compile_scenario(scenario)
    tracked = np.ones(len(cs.regions), dtype=bool)
    allowed = allowed_options(cs, tracked)
    order = tuple(range(cs.n_issues))
    n_outer = min(n_outer, cs.n_issues)
    inner = order[n_outer:]
    rows = list(itertools.product(*[allowed[i] for i in inner]))
    block = np.array(rows, dtype=np.int64).reshape(len(rows), len(inner))  # (B, n_inner)
    for regions in (cs.regions, cs.terms):
        want = np.ones((len(regions), len(block)))
        for r, region in enumerate(regions):
            for i, m in zip(region.issues, region.masks, strict=True):
                if i in inner:
                    want[r] *= m[block[:, inner.index(i)]]
        rows = np.arange(len(regions))[::-1]  # built out of order, then read again
        pick = np.arange(len(regions)) % 2 == 0
        for key in (rows, pick, slice(None), [0, 0] if len(regions) else []):
            masks = search.InnerMasks(regions, inner, allowed)
            assert masks[key].tolist() == want[key].tolist()
            assert masks[:].tolist() == want.tolist()


@SETTINGS
@given(scenarios(max_issues=5, max_options=3), st.sampled_from([1, 4, 16, 2**14]))
def test_inner_outcomes_enumerate_the_inner_block(scenario, block: int) -> None:  # type: ignore[no-untyped-def]
    """``Plan.inner_outcomes`` (and so ``inner_options``) lists the inner issues' allowed options
    in the order of ``inner_values``: row ``b`` is the outcome whose utilities are
    ``inner_values[b]``."""
    cs = compile_scenario(scenario)
    plan = search.make_plan(cs, np.ones(len(cs.regions), dtype=bool), inner_block=block)
    inner = plan.order[plan.n_outer :]
    want = list(itertools.product(*[plan.allowed[i] for i in inner]))
    assert [tuple(r) for r in plan.inner_outcomes.tolist()] == want
    sums = np.zeros((len(want), cs.n_parties))
    for j, i in enumerate(inner):
        sums += cs.values[i][:, plan.inner_outcomes[:, j]].T
    assert sums.tolist() == plan.inner_values.tolist()
