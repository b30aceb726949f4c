"""Summaries of the whole space for figures: utility clouds, option counts, options vs rules."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from simulator.compiled import compile_scenario, crossed_rules
from simulator.errors import ScenarioError
from simulator.model import Rule
from simulator.solver import search as search_mod
from simulator.solver import solve
from simulator.solver.stream import option_counts, option_red_lines, utility_cloud
from simulator.synthetic import synthetic_scenario
from tests import oracle
from tests.kwdefaults import set_keyword_defaults
from tests.strategies import scenarios

SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def tiny_blocks(monkeypatch):
    """Many outer levels, tiny leaves and batches, so that streaming really goes block by block."""
    monkeypatch.setattr(search_mod, "INNER_BLOCK", 2)
    monkeypatch.setattr(search_mod, "LEAF_OUTCOMES", 4)
    monkeypatch.setattr(search_mod, "BATCH_NODES", 3)
    set_keyword_defaults(monkeypatch, search_mod, "make_plan", inner_block=2)


def _rows(scenario):
    rows = [r for r in oracle.enumerate_rows(scenario) if r.consistent]
    feasible = sorted(r.u for r in rows if not r.crossed)
    infeasible = sorted(r.u for r in rows if r.crossed)
    return feasible, infeasible


@SETTINGS
@given(scenarios())
def test_exact_cloud_is_every_consistent_package(scenario):
    cloud = utility_cloud(scenario)
    feasible, infeasible = _rows(scenario)
    assert cloud.method == "exact"
    assert sorted(map(tuple, cloud.feasible.tolist())) == feasible
    assert sorted(map(tuple, cloud.infeasible.tolist())) == infeasible
    assert (cloud.n_feasible, cloud.n_infeasible) == (len(feasible), len(infeasible))


@SETTINGS
@given(scenarios())
def test_streamed_histograms_equal_histograms_of_the_whole_table(tiny_blocks, scenario):
    exact = utility_cloud(scenario)
    binned = utility_cloud(scenario, exact_limit=0, bins=5)
    assert binned.method == "binned"
    assert (binned.n_feasible, binned.n_infeasible) == (exact.n_feasible, exact.n_infeasible)
    n = len(scenario.parties)
    for p, q in itertools.combinations(range(n), 2):
        for feasible, pts in ((True, exact.feasible), (False, exact.infeasible)):
            want, _, _ = np.histogram2d(
                pts[:, p], pts[:, q], bins=[binned.edges[p], binned.edges[q]]
            )
            assert np.array_equal(binned.histogram(p, q, feasible), want)
            assert np.array_equal(binned.histogram(q, p, feasible), want.T)


def test_sampled_cloud_is_seeded_and_draws_real_packages():
    s = synthetic_scenario(5, 4, 3, seed=2, red_lines=3)
    exact = utility_cloud(s)
    kwargs = {"exact_limit": 0, "stream_limit": 0, "samples": (300, 100)}
    a, b = utility_cloud(s, seed=7, **kwargs), utility_cloud(s, seed=7, **kwargs)
    c = utility_cloud(s, seed=8, **kwargs)
    assert a.method == "sampled" and a.sampled == (300, 100)
    assert np.array_equal(a.feasible, b.feasible) and np.array_equal(a.infeasible, b.infeasible)
    assert not np.array_equal(a.feasible, c.feasible)
    assert {tuple(u) for u in a.feasible} <= {tuple(u) for u in exact.feasible}
    assert {tuple(u) for u in a.infeasible} <= {tuple(u) for u in exact.infeasible}
    assert "random samples (seed 7)" in a.description


def test_sampling_gives_up_honestly_when_nothing_is_feasible():
    s = synthetic_scenario(4, 3, 2, seed=1)
    a, b = s.parties
    s = dataclasses.replace(
        s,
        parties=(
            dataclasses.replace(a, red_lines=(Rule("x", "not", issue="issue0", options=("o0",)),)),
            dataclasses.replace(b, red_lines=(Rule("y", "at_most", issue="issue0", bound="o0"),)),
        ),
    )
    cloud = utility_cloud(s, exact_limit=0, stream_limit=0, samples=(50, 50))
    assert solve(s).counts.feasible == 0
    assert cloud.n_feasible == 0 and len(cloud.feasible) == 0
    assert "0 feasible" in cloud.description


def test_cloud_rejects_bad_arguments():
    with pytest.raises(ScenarioError):
        utility_cloud(synthetic_scenario(2, 2, 2), bins=0)


@SETTINGS
@given(scenarios())
def test_option_counts_match_the_oracle(tiny_blocks, scenario):
    result = solve(scenario)
    ref = oracle.solve_oracle(scenario)
    rows = oracle.enumerate_rows(scenario)
    feasible_rows = [r for r in rows if r.consistent and not r.crossed]
    for scope, members, total in (
        ("zopa", ref.zopa, result.counts.zopa),
        ("feasible", feasible_rows, result.counts.feasible),
    ):
        counts = option_counts(scenario, scope, disagreement=result.disagreement)
        assert counts.total == total
        for i, issue in enumerate(scenario.issues):
            want = [sum(r.outcome[i] == k for r in members) for k in range(len(issue.options))]
            assert list(counts.counts[i]) == want, (scope, i)
            # the shares are the fractions of the set's packages (each issue's sum to 1)
            shares = [k / total for k in want] if total else want
            assert counts.shares(i).tolist() == pytest.approx(shares, abs=1e-12), (scope, i)
        # the JSON: the scope, the total and each option's count by issue and option id
        assert counts.to_dict(scenario) == {
            "scope": scope,
            "total": total,
            "counts": {
                issue.id: {
                    option: sum(r.outcome[i] == k for r in members)
                    for k, option in enumerate(issue.option_ids)
                }
                for i, issue in enumerate(scenario.issues)
            },
        }


def test_option_counts_reject_unknown_scope():
    with pytest.raises(ScenarioError, match="scope"):
        option_counts(synthetic_scenario(2, 2, 2), "all")  # type: ignore[arg-type]


@SETTINGS
@given(scenarios())
def test_option_red_lines_alone_means_every_package_crosses(scenario):
    cs = compile_scenario(scenario)
    rules = option_red_lines(cs)
    grid = np.indices(cs.sizes).reshape(cs.n_issues, -1).T
    crossed = crossed_rules(cs, grid)
    for i, k_i in enumerate(cs.sizes):
        for k in range(k_i):
            with_k = crossed[grid[:, i] == k]
            for r in range(len(cs.rules)):
                alone = rules.status[i][k, r] == 2
                assert alone == (bool(with_k[:, r].all()) and rules.status[i][k, r] > 0)
                if with_k[:, r].all():  # a rule every package with k crosses restricts the issue
                    named = any(
                        i in reg.issues and not reg.masks[reg.issues.index(i)].all()
                        for reg, rr in zip(cs.regions, cs.region_rule, strict=True)
                        if rr == r
                    )
                    assert alone == named
    # a party's status of an option: the worst over its own red lines (0 without any)
    for i, k_i in enumerate(cs.sizes):
        for p in range(cs.n_parties):
            own = [r for r, ref in enumerate(cs.rules) if ref.owner == p]
            want = [max((int(rules.status[i][k, r]) for r in own), default=0) for k in range(k_i)]
            assert rules.party_status(i, p).tolist() == want
