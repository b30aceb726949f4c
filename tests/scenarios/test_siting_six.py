"""The six-stakeholder siting example: its counts against a brute force in integer points."""

from __future__ import annotations

import itertools
from pathlib import Path

from simulator.analysis.coalitions import coalitions
from simulator.formats import load_scenario
from simulator.solver import solve
from tests import oracle

SITING = Path(__file__).resolve().parents[2] / "scenarios" / "siting_six.yaml"


def _points(scenario):
    """Each party's integer points per issue and option (weight x table value, rounded: the file
    writes points / top score as decimals)."""
    out = {}
    for party in scenario.parties:
        table = {}
        for issue in scenario.issues:
            pref = party.preferences[issue.id]
            raw = [pref.weight * v for v in pref.table]
            table[issue.id] = [round(x) for x in raw]
            assert all(abs(x - round(x)) < 1e-9 for x in raw)
        out[party.id] = table
    return out


def _brute(scenario):
    """Passing packages and per-party acceptances, in integer arithmetic, from the definitions."""
    points = _points(scenario)
    rule = scenario.agreement
    passing, ties = 0, 0
    accepted = dict.fromkeys(scenario.party_ids, 0)
    for combo in itertools.product(*[range(len(i.options)) for i in scenario.issues]):
        named = {i.id: i.options[k].id for i, k in zip(scenario.issues, combo, strict=True)}
        acc = {}
        for party in scenario.parties:
            total = sum(
                points[party.id][i.id][k] for i, k in zip(scenario.issues, combo, strict=True)
            )
            ties += total == party.reservation
            crossed = any(oracle.crosses(r, scenario, named) for r in party.red_lines)
            acc[party.id] = total >= party.reservation and not crossed
        if sum(acc.values()) >= rule.quorum and all(acc[v] for v in rule.veto):
            passing += 1
            for p, a in acc.items():
                accepted[p] += a
    return passing, accepted, ties


def test_counts_match_integer_brute_force():
    s = load_scenario(SITING)
    assert s.agreement.quorum == 4 and s.agreement.veto == ("developer", "agency")
    passing, accepted, ties = _brute(s)
    assert ties > 0  # some packages sit exactly on a reservation: ties must accept
    result = solve(s)
    assert result.counts.zopa == passing == 97
    assert dict(zip(s.party_ids, result.counts.accepted, strict=True)) == accepted


def test_who_can_block_in_the_siting_example():
    """The developer and the agency are the rule's veto players; every pair containing both is
    too small to win (quorum 4)."""
    r = coalitions(load_scenario(SITING), min_size=4)
    assert r.rule_veto == ("developer", "agency")
    assert all(z.winning == ({"developer", "agency"} <= set(z.members)) for z in r.zones)
