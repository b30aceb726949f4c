"""The outcome space's one home: numbering, grids, boxes, allowed options and proposals, each
against the obvious construction (itertools.product, a loop over regions, a filter)."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.compiled import compile_scenario, crossed_rules
from simulator.model import Proposal, Scenario
from simulator.outcome_space import (
    allowed_options,
    box_outcomes,
    outcome_grid,
    outcome_indices,
    outcomes_from_indices,
    party_allowed_masks,
    proposal_box,
    proposal_options,
    restrict_to_proposal,
)
from simulator.solver import count_outcomes, rule_regions
from tests.strategies import scenarios

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SIZES = st.lists(st.integers(1, 5), min_size=1, max_size=5)


@SETTINGS
@given(SIZES)
def test_grid_is_itertools_product_and_numbered_in_order(sizes: list[int]) -> None:
    grid = outcome_grid(sizes)
    want = np.array(list(itertools.product(*(range(k) for k in sizes))), dtype=np.int64)
    assert grid.dtype == np.int64
    assert grid.reshape(-1).tolist() == want.reshape(-1).tolist()
    assert grid.shape == (int(np.prod(sizes)), len(sizes))
    assert outcome_indices(sizes, grid).tolist() == list(range(len(grid)))


@SETTINGS
@given(SIZES, st.data())
def test_encode_decode_round_trip(sizes: list[int], data: st.DataObject) -> None:
    total = int(np.prod(sizes))
    index = np.array(data.draw(st.lists(st.integers(0, total - 1), max_size=20)), dtype=np.int64)
    outcomes = outcomes_from_indices(sizes, index)
    assert outcome_indices(sizes, outcomes).tolist() == index.tolist()
    assert outcomes_from_indices(sizes, outcome_indices(sizes, outcomes)).tolist() == (
        outcomes.tolist()
    )


def test_huge_spaces_are_numbered_exactly() -> None:
    sizes = [10] * 20  # 10^20 outcomes: past int64
    outcome = np.array([[9] * 20])
    assert int(outcome_indices(sizes, outcome)[0]) == 10**20 - 1


@SETTINGS
@given(st.lists(st.lists(st.booleans(), min_size=1, max_size=4), min_size=1, max_size=4))
def test_box_outcomes_is_the_product_of_the_choices(masks: list[list[bool]]) -> None:
    box = [np.array(m) for m in masks]
    want = list(itertools.product(*(np.flatnonzero(m).tolist() for m in box)))
    assert [tuple(r) for r in box_outcomes(box).tolist()] == want
    as_indices = [np.flatnonzero(m) for m in box]
    assert box_outcomes(as_indices).tolist() == box_outcomes(box).tolist()


@SETTINGS
@given(scenarios(max_issues=3, max_options=4), st.sampled_from(["none", "consistency", "all"]))
def test_allowed_options_are_those_no_one_issue_region_forbids(
    scenario: Scenario, rules: str
) -> None:
    cs = compile_scenario(scenario)
    regions = rule_regions(cs, rules)
    got = allowed_options(cs, regions)
    for i, k_i in enumerate(cs.sizes):
        want = []
        for k in range(k_i):
            probe = np.zeros((1, cs.n_issues), dtype=np.int64)
            probe[0, i] = k
            forbidden = any(
                on and region.issues == (i,) and region.contains(probe)[0]
                for region, on in zip(cs.regions, regions, strict=True)
            )
            if not forbidden:
                want.append(k)
        assert got[i].tolist() == want
    owner = cs.rule_owner[cs.region_rule] if len(cs.regions) else np.zeros(0, dtype=np.int64)
    per_party = party_allowed_masks(cs)
    for p in range(cs.n_parties):
        mine = allowed_options(cs, owner == p)
        assert [np.flatnonzero(m[p]).tolist() for m in per_party] == [a.tolist() for a in mine]


@st.composite
def scenario_and_proposal(draw: st.DrawFn) -> tuple[Scenario, Proposal]:
    scenario = draw(scenarios(max_issues=3, max_options=4))
    options = {}
    for issue in scenario.issues:
        if draw(st.booleans()):
            chosen = draw(
                st.lists(st.sampled_from(issue.option_ids), min_size=1, unique=True)
            )
            options[issue.id] = tuple(chosen)
    return scenario, Proposal("p", options)


@SETTINGS
@given(scenario_and_proposal())
def test_restriction_to_a_proposal_is_the_brute_force_filter(
    pair: tuple[Scenario, Proposal],
) -> None:
    scenario, proposal = pair
    cs = compile_scenario(scenario)
    grid = outcome_grid(cs.sizes)
    inside = np.ones(len(grid), dtype=bool)
    for i, issue in enumerate(scenario.issues):
        allowed = proposal.options.get(issue.id, issue.option_ids)
        inside &= np.isin(grid[:, i], [issue.index(o) for o in allowed])
    consistent = ~crossed_rules(cs, grid)[:, cs.rule_owner < 0].any(axis=1)
    restricted = compile_scenario(restrict_to_proposal(scenario, proposal))
    assert count_outcomes(restricted, rule_regions(restricted, "consistency")) == int(
        (inside & consistent).sum()
    )
    box = proposal_box(scenario, proposal)
    assert np.all([m[grid[:, i]] for i, m in enumerate(box)], axis=0).tolist() == inside.tolist()
    got = {tuple(o) for o in box_outcomes(proposal_options(scenario, proposal)).tolist()}
    assert got == {tuple(o) for o in grid[inside].tolist()}
