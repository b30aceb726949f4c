"""The protocols' candidate pool and the completion of a partial proposal, against brute force.

Written after the seed-5 measurement (its survivors in :mod:`simulator.analysis.protocols.pool`
and the alternating offers' pool): each function checked against its docstring."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from simulator.analysis.protocols import alternating_offers, build_pool, complete_proposal
from simulator.analysis.protocols.pool import make_pool, scales
from simulator.compiled import compile_scenario, evaluate_utilities
from simulator.model import Proposal, Scenario
from simulator.solver import solve
from simulator.synthetic import synthetic_scenario
from tests.oracle import enumerate_rows


def _oracle_completion(s: Scenario, proposal: Proposal) -> dict[str, str]:
    """``complete_proposal``'s rule by enumeration: among the consistent completions, the largest
    Nash product of those in the ZOPA; without one, the fewest red lines crossed, then the
    smallest total shortfall (within the rounding slack of the smallest: the car's utility sums
    tie exactly, and their float sums differ in the last bit), then the largest smallest gain
    (first in outcome order on ties). The utilities are the compiled ones, as the pool's."""
    cs = compile_scenario(s)
    rows = [
        r
        for r in enumerate_rows(s)
        if r.consistent and all(r.named[i] in options for i, options in proposal.options.items())
    ]
    u = evaluate_utilities(cs, np.array([r.outcome for r in rows], dtype=np.int64))
    gains = {r.index: (u[k] - cs.reservation).tolist() for k, r in enumerate(rows)}
    zone = [r for r in rows if not r.crossed and min(gains[r.index]) >= -cs.rounding_slack]
    if zone:
        best = max(zone, key=lambda r: sum(math.log(max(g, 1e-300)) for g in gains[r.index]))
        return best.named
    fewest = [r for r in rows if len(r.crossed) == min(len(q.crossed) for q in rows)]
    short = {r.index: sum(max(-g, 0.0) for g in gains[r.index]) for r in fewest}
    near = [r for r in fewest if short[r.index] <= min(short.values()) + cs.rounding_slack]
    return max(near, key=lambda r: min(gains[r.index])).named  # max: the first of equals


@pytest.mark.parametrize("reservations", [(0.4, 0.25), (0.9, 0.25), (0.4, 0.9), (0.7, 0.7)])
@pytest.mark.parametrize(
    "options",
    [
        {"price": ("22",), "warranty": ("three_years",)},  # the buyer's opening
        {"warranty": ("one_year", "three_years")},
        {"warranty": ("none", "one_year")},  # some completions cross the buyer's red line
        {"price": ("20", "22")},  # some cross the dealer's
        {"price": ("20",), "warranty": ("none",)},  # every completion crosses both
        {},
    ],
)
def test_a_completion_is_the_brute_force_one(
    car: Scenario,
    reservations: tuple[float, float],
    options: dict,  # type: ignore[type-arg]
) -> None:
    """With the car's reservations some completions are in the ZOPA; with higher ones none is,
    and the red lines crossed, the shortfall and the smallest gain decide, in that order."""
    parties = tuple(
        dataclasses.replace(p, reservation=d, reservation_range=None)
        for p, d in zip(car.parties, reservations, strict=True)
    )
    s = dataclasses.replace(car, parties=parties)
    proposal = Proposal("partial", options)
    cs = compile_scenario(s)
    got = complete_proposal(cs, proposal, solve(cs))
    named = {i.id: i.option_ids[int(k)] for i, k in zip(s.issues, got, strict=True)}
    assert named == _oracle_completion(s, proposal)


def test_a_sampled_pool_holds_the_zopa_frontier_and_the_extra_outcomes(car: Scenario) -> None:
    """``build_pool``: past ``exact_limit`` the pool is a seeded sample plus the ZOPA frontier
    (of ``solved``) plus every ``extra`` outcome, each once, the inconsistent ones dropped."""
    cs = compile_scenario(car)
    solved = solve(cs, frontier="zopa", closest=False)
    extra = np.array([[3, 1, 1], [3, 2, 0], [1, 0, 0], [3, 1, 1]])  # (22, none, fast) breaks one
    plain = build_pool(cs, 5, sample=4, exact_limit=1)
    assert not plain.exact
    pool = build_pool(cs, 5, solved=solved, sample=4, exact_limit=1, extra=extra)
    expected = {tuple(o) for o in plain.outcomes}
    expected |= {tuple(o) for o in solved.zopa_frontier.outcomes}
    expected |= {tuple(o) for o in extra if tuple(o) != (1, 0, 0)}
    got = [tuple(o) for o in pool.outcomes]
    assert len(got) == len(set(got)) and set(got) == expected
    assert car.constraints[0].id == "no_fast_without_stock"  # fast delivery at a price of 22
    # alternating offers builds its pool so, from the same seed: its sample and the ZOPA frontier
    run = alternating_offers(car, rounds=3, rng=5, sample=4, exact_limit=1)
    joined = {tuple(o) for o in plain.outcomes} | {tuple(o) for o in solved.zopa_frontier.outcomes}
    assert len(joined) > len(plain.outcomes)  # the frontier adds packages to the sample
    assert run.settings["pool"] == {"size": len(joined), "exact": False, "sample": 4}


def test_a_run_keeps_the_solver_s_zopa_frontier_for_its_figure(car: Scenario) -> None:
    """``ProtocolResult.frontier``: the solver's ZOPA frontier (None without a ZOPA)."""
    front = solve(car, frontier="zopa").zopa_frontier
    run = alternating_offers(car, rounds=5)
    assert run.frontier is not None
    assert run.frontier.outcomes.tolist() == front.outcomes.tolist()
    assert np.allclose(run.frontier.utilities, front.utilities)


def test_a_pool_of_a_huge_space_drops_repeats_keeping_the_first(car: Scenario) -> None:
    """Past 2^62 outcomes (no int64 index) the repeats are found row by row: the same pool."""
    s = synthetic_scenario(64, 2, 2, rng=1)
    cs = compile_scenario(s)
    assert math.prod(cs.sizes) >= 2**62
    rng = np.random.default_rng(0)
    rows = rng.integers(0, 2, (5, 64))
    outcomes = np.concatenate([rows, rows[[3, 0]], rows[:2]])
    pool = make_pool(cs, outcomes, 0, exact=False)
    assert pool.outcomes.tolist() == rows.tolist()


def test_a_proposal_with_too_many_or_no_consistent_completions_is_refused(
    car: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``complete_proposal`` compares at most ``COMPLETION_LIMIT`` completions (that many is
    allowed) and needs a consistent one; each refusal says why, whole."""
    import simulator.analysis.protocols.pool as pool_module
    from simulator.errors import ScenarioError

    cs = compile_scenario(car)
    everything = Proposal("everything", {})
    monkeypatch.setattr(pool_module, "COMPLETION_LIMIT", 36)  # the car's 36 packages: allowed
    assert len(complete_proposal(cs, everything)) == 3
    monkeypatch.setattr(pool_module, "COMPLETION_LIMIT", 35)
    with pytest.raises(ScenarioError) as caught:
        complete_proposal(cs, everything)
    assert str(caught.value) == (
        "proposal 'everything' leaves 36 completions; at most 35 can be compared: fix more of its "
        "issues"
    )
    fast_at_22 = Proposal("fast_at_22", {"price": ("22",), "delivery": ("fast",)})
    with pytest.raises(ScenarioError) as caught:
        complete_proposal(cs, fast_at_22)
    assert str(caught.value) == "no completion of proposal 'fast_at_22' is consistent"


def test_each_party_s_scale_is_its_best_acceptable_gain_or_1_without_one(car: Scenario) -> None:
    """``scales``: ``max(u_max - d, eps)`` over the party's acceptable pool rows; a party whose
    red lines every row crosses gets 1, one whose best acceptable row is below its reservation
    gets eps."""
    cs = compile_scenario(car)
    pool = build_pool(cs, 0)  # the whole car: an exact pool
    own = pool.own_ok.copy()
    own[:, 0] = False  # the first party accepts nothing
    worst = np.argmin(np.where(own[:, 1], pool.utilities[:, 1], np.inf))
    own[:, 1] = False
    own[worst, 1] = True  # the second accepts only its worst row
    u = pool.utilities.copy()
    u[worst, 1] = cs.reservation[1] - 0.25  # below its reservation
    got = scales(cs, dataclasses.replace(pool, own_ok=own, utilities=u))
    assert got.tolist() == pytest.approx([1.0, 1e-9], rel=1e-12, abs=0)
    best = [pool.utilities[pool.own_ok[:, p], p].max() - cs.reservation[p] for p in range(2)]
    assert scales(cs, pool).tolist() == pytest.approx([max(b, 1e-9) for b in best], abs=0)
