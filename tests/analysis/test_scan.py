"""The single-concession scan and the minimal concession sets, against brute force."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import HealthCheck, given, settings

from simulator.analysis import apply_edits, candidate_concessions, scan_concessions
from simulator.model import Scenario
from tests.analysis.conftest import deadlock_scenario, oracle_zopa
from tests.oracle import solve_oracle
from tests.strategies import scenarios


def _oracle_nash(s: Scenario) -> tuple[float | None, tuple[float, ...] | None]:
    """The Nash product and utilities by enumeration (None when the ZOPA is empty)."""
    row = solve_oracle(s).solutions["nash"]
    if row is None:
        return None, None
    d = [p.reservation for p in s.parties]
    return math.prod(max(u - x, 0.0) for u, x in zip(row.u, d, strict=True)), row.u


def _all_candidates(s: Scenario):
    return [e for p in s.party_ids for e in candidate_concessions(s, p)]


def test_candidates_are_every_option_and_every_red_line(car):
    edits = {str(e) for e in candidate_concessions(car, "dealer")}
    expected = {f"dealer concedes {i.id}={o}" for i in car.issues for o in i.option_ids} | {
        "dealer drops redline no_fire_sale"
    }
    assert edits == expected


def _check_scan_against_oracle(s: Scenario, scan) -> None:
    _, base_u = _oracle_nash(s)
    keys = []
    for c in scan.concessions:
        edited = apply_edits(s, [c.edit])
        assert c.zopa_after == oracle_zopa(edited), str(c.edit)
        product, u = _oracle_nash(edited)
        assert (c.nash_product is None) == (product is None)
        if product is not None:
            assert c.nash_product == pytest.approx(product, abs=1e-9)
            k = s.party_ids.index(c.party)
            before = base_u[k] if base_u is not None else s.parties[k].reservation
            assert c.cost_to_conceder == pytest.approx(before - u[k], abs=1e-9)
        keys.append((c.zopa_after, -math.inf if product is None else product))
    for (z0, p0), (z1, p1) in itertools.pairwise(keys):  # best first
        assert z0 > z1 or (z0 == z1 and p0 >= p1 - 1e-9)
    assert len(scan.concessions) == len(_all_candidates(s))


def _brute_minimal_sets(s: Scenario, max_size: int) -> set[frozenset[str]]:
    """Every set of candidate edits (including pure fixes) up to ``max_size`` that opens the ZOPA
    while no proper subset does, by enumeration with the oracle (a set with an opening subset is
    not minimal by definition, so it is not solved)."""
    edits = _all_candidates(s)
    minimal: list[frozenset[int]] = []
    for size in range(1, max_size + 1):
        for combo in itertools.combinations(range(len(edits)), size):
            if any(m <= set(combo) for m in minimal):
                continue
            if oracle_zopa(apply_edits(s, [edits[i] for i in combo])) > 0:
                minimal.append(frozenset(combo))
    return {frozenset(str(edits[i]) for i in m) for m in minimal}


@pytest.mark.parametrize("make", [deadlock_scenario, "car_blocked"])
def test_scan_ranking_and_minimal_sets_equal_brute_force(make, car):
    s = apply_edits(car, ["buyer reservation =0.75"]) if make == "car_blocked" else make()
    scan = scan_concessions(s)
    assert scan.baseline.zopa == 0
    _check_scan_against_oracle(s, scan)
    assert scan.search["complete"]
    found = {frozenset(str(e) for e in m) for m in scan.minimal_sets}
    assert found == _brute_minimal_sets(s, 3)
    assert found  # both scenarios can be opened
    sizes = [len(m) for m in scan.minimal_sets]
    assert sizes == sorted(sizes)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_issues=3, max_options=3, max_parties=3))
def test_scan_equals_brute_force_on_random_scenarios(s):
    scan = scan_concessions(s, max_set_size=2)
    _check_scan_against_oracle(s, scan)
    found = {frozenset(str(e) for e in m) for m in scan.minimal_sets}
    if scan.baseline.zopa > 0:
        assert found == set()
    else:
        assert found == _brute_minimal_sets(s, 2)


def test_party_filter_and_bound_on_work(deadlock):
    scan = scan_concessions(deadlock, "Bravo")
    assert {c.party for c in scan.concessions} == {"beta"}
    assert [[str(e) for e in m] for m in scan.minimal_sets] == [
        ["beta concedes x=x2", "beta concedes y=y1"],
        ["beta concedes x=x2", "beta concedes y=y2"],
        ["beta concedes x=x2", "beta drops redline b_y"],
        ["beta concedes y=y1", "beta drops redline b_x"],
        ["beta concedes y=y2", "beta drops redline b_x"],
        ["beta drops redline b_x", "beta drops redline b_y"],
    ]
    cut = scan_concessions(deadlock, max_solves=5)
    assert not cut.search["complete"] and 0 < cut.search["solves"] <= 5
    # a larger budget: the work it counts stays within it, and what it finds is minimal sets of
    # the full search
    full = scan_concessions(deadlock)
    more = scan_concessions(deadlock, max_solves=12)
    assert 0 < more.search["solves"] <= 12 and not more.search["complete"]
    assert set(more.minimal_sets) <= set(full.minimal_sets)


def test_a_set_that_trims_and_drops_one_red_line_is_the_drop(deadlock):
    """Conceding x=x1 trims alpha's red line a_x (x >= x2) and dropping it removes it: together,
    in either order, the set's effect is the drop (a set does not depend on its order), and
    whether it opens the ZOPA is the oracle's answer on the edited scenario."""
    from simulator.analysis.edits import Concede, DropRedLine
    from simulator.analysis.minimal_sets import Effects

    trim, drop = Concede("alpha_party", "x", "x1"), DropRedLine("alpha_party", "a_x")
    effects = Effects(deadlock)
    (changed,) = effects.red_lines(trim)
    assert changed[0] == ("alpha_party", "a_x") and changed[1] is not None  # a trim, not a drop
    both = [[trim, drop], [drop, trim]]
    keys = {effects.key(edits) for edits in both}
    assert len(keys) == 1
    (key,) = keys
    assert dict(key[0]) == {("alpha_party", "a_x"): None} and key[1] == {("x", "x1")}
    for extra in (
        [],
        [DropRedLine("beta", "b_x")],
        [DropRedLine("beta", "b_x"), Concede("beta", "y", "y1")],
    ):
        sets = [[*edits, *extra] for edits in both]
        assert effects.exists_all(
            sets, {"workers": 1, "executor": None, "progress": None}, "t", None
        )
        for edits in sets:
            assert effects.opens(edits) == (oracle_zopa(apply_edits(deadlock, edits)) > 0)


def test_the_search_reports_its_stages_in_the_documented_order(deadlock):
    """Written after the seed-5 measurement. The search runs as the module docstring of
    :mod:`simulator.analysis.minimal_sets` says, each stage through the run's ``progress``: the
    single concessions solved in full (which decides every set of size 1), then for each size
    ``j = 2, 3`` the relaxations several sets share, searched before the sets themselves."""
    seen: list[str] = []

    def progress(stage: str, fraction: float) -> None:
        assert 0 <= fraction <= 1
        if not seen or seen[-1] != stage:
            seen.append(stage)

    scan = scan_concessions(deadlock, progress=progress)
    assert scan.search["complete"] and scan.search["max_size"] == 3
    assert seen == [
        "single concessions",
        "relaxations",
        "minimal sets of 2",
        "relaxations",
        "minimal sets of 3",
    ]


def test_each_concession_in_the_json_is_whole(car):
    """Written after the seed-5 measurement: a concession's JSON names its Nash package by issue
    and option ids and its utilities by party id (as every package of the JSON reference), with
    the count, cost and product of the oracle."""
    from tests.oracle import solve_oracle

    s = apply_edits(car, ["buyer reservation =0.75"])
    scan = scan_concessions(s, max_set_size=1)
    base_u = _oracle_nash(s)[1]
    assert scan.to_dict()["concessions"] and base_u is None
    for c, data in zip(scan.concessions, scan.to_dict()["concessions"], strict=True):
        edited = apply_edits(s, [c.edit])
        row = solve_oracle(edited).solutions["nash"]
        product, u = _oracle_nash(edited)
        k = s.party_ids.index(c.party)
        nash = None
        if row is not None:
            assert u is not None
            nash = {
                "outcome": row.named,
                "utilities": {
                    p: pytest.approx(x, abs=1e-9) for p, x in zip(s.party_ids, u, strict=True)
                },
            }
        assert data == {
            "party": c.party,
            "edit": str(c.edit),
            "zopa_after": oracle_zopa(edited),
            "nash_after": nash,
            "cost_to_conceder": None
            if u is None
            else pytest.approx(s.parties[k].reservation - u[k], abs=1e-9),
            "nash_product": None if product is None else pytest.approx(product, abs=1e-9),
        }


@pytest.mark.parametrize("make", [deadlock_scenario, "synthetic"])
def test_a_relaxation_is_searched_only_when_several_sets_share_it(make, monkeypatch):
    """Written after the seed-5 measurement: the module docstring's rule, "a relaxation is
    searched once, and only when several sets share it" (for one set, searching the set itself
    costs the same); and no set of size 1 is decided by a relaxation: every single concession is
    solved in full for the ranking, so the stats count all of them as solved at size 1. (In the
    synthetic deal some sets of size 2 have a relaxation of their own.)"""
    from collections import Counter

    import simulator.analysis.minimal_sets as minimal_sets
    from simulator.synthetic import synthetic_scenario

    real = minimal_sets._relaxed
    searched: list[frozenset[tuple[str, str]]] = []

    def checked(effects, sets, combos, run, budget):  # type: ignore[no-untyped-def]
        before = set(effects.relaxed)
        out = real(effects, sets, combos, run, budget)
        shared = Counter(frozenset(k for k, _ in effects.key(edits)[0]) for edits in sets)
        for r in set(effects.relaxed) - before:
            assert shared[r] > 1, sorted(r)
            searched.append(r)
        assert all(len(edits) > 1 for edits in sets)
        return out

    monkeypatch.setattr(minimal_sets, "_relaxed", checked)
    synthetic = synthetic_scenario(3, 3, 3, rng=3, red_lines=4, reservation=0.6)
    s = make() if callable(make) else synthetic
    scan = scan_concessions(s)
    assert scan.baseline.zopa == 0
    assert searched and len(searched) == len(set(searched))  # each searched once
    stats = scan.search
    assert stats["complete"] and stats["sets_solved_by_size"][0] == stats["candidates"]
