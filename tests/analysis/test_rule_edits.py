"""Decision rules in the edits, the scan and the stress test: ``agreement quorum =3``,
``PARTY drops veto``, and every "is there a deal" of the analyses asked under the rule (against the
brute-force oracle, which applies the rule)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from simulator.analysis import scan_concessions, stress_test
from simulator.analysis._tasks import summarise, zopa_count, zopa_exists
from simulator.analysis.edits import DropVeto, Quorum, apply_edits, parse_edit
from simulator.errors import EditError
from simulator.formats import load_scenario
from simulator.model import Agreement
from tests.oracle import solve_oracle
from tests.strategies import scenarios

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def siting():
    return load_scenario(ROOT / "scenarios" / "siting_six.yaml")


@pytest.mark.parametrize(
    ("text", "edit", "rule"),
    [
        ("agreement quorum =3", Quorum("=", 3), Agreement(3, ("developer", "agency"))),
        ("agreement quorum -1", Quorum("+", -1), Agreement(3, ("developer", "agency"))),
        ("Agreement quorum +2", Quorum("+", 2), Agreement(6, ("developer", "agency"))),
        ("agency drops veto", DropVeto("agency"), Agreement(4, ("developer",))),
    ],
)
def test_rule_edits_parse_round_trip_and_apply(siting, text, edit, rule):
    parsed = parse_edit(text, siting)
    assert parsed == edit and parse_edit(str(parsed), siting) == parsed
    assert apply_edits(siting, [parsed]).agreement == rule
    assert siting.agreement == Agreement(4, ("developer", "agency"))  # unchanged


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("agreement quorum =7", "between 1 and the number of parties"),
        ("agreement quorum =1", "more than the quorum"),  # two veto parties
        ("agreement quorum =2.5", "whole number"),
        ("agreement quorum *2", "not scaled"),
        ("agreement weight 3", "write agreement quorum"),
        ("town drops veto", "holds no veto"),
    ],
)
def test_bad_rule_edits_say_why(siting, text, message):
    with pytest.raises(EditError, match=message):
        parse_edit(text, siting)


def test_drops_veto_needs_a_rule(siting):
    unanimous = dataclasses.replace(siting, agreement=None)
    with pytest.raises(EditError, match="no 'agreement' block"):
        parse_edit("agency drops veto", unanimous)
    assert apply_edits(unanimous, ["agreement quorum -1"]).agreement == Agreement(5, ())


def test_scan_offers_each_veto_party_to_give_up_its_veto(siting):
    from simulator.analysis import candidate_concessions

    assert DropVeto("agency") in candidate_concessions(siting, "agency")
    assert not any(isinstance(e, DropVeto) for e in candidate_concessions(siting, "town"))


def test_stress_test_under_the_rule(siting):
    """Before and after ``agency drops veto``: the passing counts of the rule, as the oracle
    counts them."""
    result = stress_test(siting, ["agency drops veto"])
    edited = apply_edits(siting, ["agency drops veto"])
    assert result.baseline.counts.zopa == solve_oracle(siting).counts["zopa"]
    assert result.edited.counts.zopa == solve_oracle(edited).counts["zopa"]
    assert result.edited.counts.zopa >= result.baseline.counts.zopa  # fewer vetoes, more pass


@SETTINGS
@given(scenarios(max_issues=3, max_options=3, agreement=True))
def test_task_queries_follow_the_rule(scenario):
    """The analyses' one-solve tasks (scan, sweeps, stress, minimal sets) under the rule."""
    ref = solve_oracle(scenario)
    assert zopa_count(scenario) == ref.counts["zopa"]
    assert zopa_exists(scenario) == (ref.counts["zopa"] > 0)
    found = summarise(scenario)
    assert found.zopa == ref.counts["zopa"]
    want = ref.solutions["nash"]
    assert (found.nash is None) == (want is None)
    if found.nash is not None and want is not None:
        assert found.nash.utilities == want.u


@SETTINGS
@given(scenarios(max_issues=3, max_options=3, max_parties=3, agreement=True))
def test_scan_reports_concessions_that_open_a_passing_package(scenario):
    """Each concession's ``zopa_after`` is the passing count of the edited scenario under the
    rule; those that open a passing package (from none) are exactly the oracle's."""
    scan = scan_concessions(scenario, max_set_size=1)
    before = solve_oracle(scenario).counts["zopa"]
    for c in scan.concessions:
        after = solve_oracle(apply_edits(scenario, [c.edit])).counts["zopa"]
        assert c.zopa_after == after, str(c.edit)
        if before == 0:
            assert (c.zopa_after > 0) == (after > 0)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_issues=3, max_options=3, agreement=True))
def test_reservation_margins_under_the_rule_match_brute_force(scenario):
    """Under a rule a party's reservation flips "something passes" at the largest reservation at
    which some package still passes (brute force over the oracle's rows); none when a package
    passes whatever it asks (it can be outvoted everywhere) or when none passes even at -1000."""
    from simulator.analysis.margins import margins
    from tests import oracle

    table = oracle.enumerate_rows(scenario)
    d = [p.reservation for p in scenario.parties]

    def passes_at(p, r):
        dd = list(d)
        dd[p] = r
        return any(oracle.passes(scenario, row, dd) for row in table)

    zopa = passes_at(0, d[0])
    found = {m.parameter: m for m in margins(scenario, weights=False).items}
    for p, party in enumerate(scenario.parties):
        m = found[f"{party.id}.reservation"]
        assert not m.exact
        end = 1000.0 if zopa else -1000.0
        if passes_at(p, end) == zopa:
            assert m.flips_at is None
            continue
        ok = [r for r in {row.u[p] for row in table} | {-1000.0} if passes_at(p, r)]
        assert m.flips_at is not None and abs(m.flips_at - max(ok)) <= 1e-6


TWO_VETOES = """
name: two_vetoes
issues:
  - {id: site, options: [o0, o1, o2, o3]}
agreement: {quorum: 2, veto: [a, b]}
parties:
  - id: a
    reservation: 0.5
    preferences: {site: {weight: 1, table: {o0: 1, o1: 1, o2: 0, o3: 0}}}
  - id: b
    reservation: 0.5
    preferences: {site: {weight: 1, table: {o0: 0, o1: 0, o2: 1, o3: 0}}}
  - id: c
    reservation: 0.5
    preferences: {site: {weight: 1, table: {o0: 1, o1: 1, o2: 1, o3: 1}}}
"""


def test_dropping_different_vetoes_is_solved_apart():
    """Nothing passes with both vetoes; without a's, o2 passes (b and c); without b's, o0 and o1
    (a and c). The scan once gave both drops one shared solve (their red lines and fixes are the
    same: none), so both showed the first one's count."""
    from simulator.formats import loads_scenario_yaml

    scenario = loads_scenario_yaml(TWO_VETOES)
    found = {str(c.edit): c.zopa_after for c in scan_concessions(scenario).concessions}
    assert found["a drops veto"] == 1 and found["b drops veto"] == 2
