"""Power indices against textbook values, and the coalition analysis on a hand-checked example."""

from __future__ import annotations

import itertools
import json
import math
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.analysis.coalitions import coalitions
from simulator.analysis.power import power_indices, rule_weights
from simulator.errors import ScenarioError
from simulator.formats import loads_scenario_yaml
from simulator.model import Agreement
from simulator.report import render
from tests.solver.test_decision_rules import HAND


def _brute(weights, quota):
    """Shapley–Shubik by all orderings, Banzhaf by all coalitions (the definitions)."""
    n = len(weights)
    ss = [Fraction(0)] * n
    for order in itertools.permutations(range(n)):
        total = 0
        for i in order:
            total += weights[i]
            if total >= quota:
                ss[i] += Fraction(1, math.factorial(n))
                break
    bz = [Fraction(0)] * n
    for i in range(n):
        others = [j for j in range(n) if j != i]
        for k in range(n):
            for c in itertools.combinations(others, k):
                w = sum(weights[j] for j in c)
                if w < quota <= w + weights[i]:
                    bz[i] += Fraction(1, 2 ** (n - 1))
    return tuple(ss), tuple(bz)


def test_un_security_council():
    """Five permanent members with a veto and ten others, nine votes to pass: Shapley–Shubik
    421/2145 and 4/2145 (Felsenthal & Machover 1998, §4); Banzhaf 848 and 84 swings of 2^14,
    normalised 0.1669 and 0.0165."""
    ss, bz = power_indices([7] * 5 + [1] * 10, 39)
    assert ss[0] == Fraction(421, 2145) and ss[5] == Fraction(4, 2145)
    assert bz[0] == Fraction(848, 2**14) and bz[5] == Fraction(84, 2**14)
    assert round(float(bz[0] / sum(bz)), 4) == 0.1669
    assert round(float(bz[5] / sum(bz)), 4) == 0.0165


def test_eec_council_of_ministers_treaty_of_rome():
    """Qualified majority in the Council of the EEC under the Treaty of Rome (1957, art. 148(2);
    1958-72): France, Germany, Italy 4 votes, Belgium, Netherlands 2, Luxembourg 1; 12 of 17 to
    pass. Shapley–Shubik 7/30, 3/20 and 0 (Luxembourg is a dummy), Banzhaf raw 5/16, 3/16, 0,
    normalised 5/21, 1/7, 0: the textbook example of Felsenthal & Machover (1998), *The
    Measurement of Voting Power*, Edward Elgar, and of Brams (1975), *Game Theory and Politics*."""
    weights = [4, 4, 4, 2, 2, 1]
    ss, bz = power_indices(weights, 12)
    assert ss == (Fraction(7, 30),) * 3 + (Fraction(3, 20),) * 2 + (Fraction(0),)
    assert bz == (Fraction(5, 16),) * 3 + (Fraction(3, 16),) * 2 + (Fraction(0),)
    total = sum(bz)
    assert [b / total for b in bz] == [Fraction(5, 21)] * 3 + [Fraction(1, 7)] * 2 + [0]
    assert (ss, bz) == _brute(weights, 12)


def test_un_security_council_as_a_rule():
    """The same council written as a decision rule: quorum 9 of 15, five veto parties."""
    ids = [f"m{k}" for k in range(15)]
    weights, quota = rule_weights(Agreement(9, tuple(ids[:5])), ids)
    ss, _ = power_indices(weights, quota)
    assert ss[:5] == (Fraction(421, 2145),) * 5 and ss[5:] == (Fraction(4, 2145),) * 10


def test_three_parties_no_majority():
    """[51; 49, 48, 3]: any two make a majority, so all three have equal power (Felsenthal &
    Machover 1998)."""
    ss, bz = power_indices([49, 48, 3], 51)
    assert ss == (Fraction(1, 3),) * 3 and bz == (Fraction(1, 2),) * 3


@pytest.mark.parametrize(
    ("weights", "quota"), [([4, 3, 2, 1], 6), ([3, 2, 2, 1, 1], 5), ([5, 1, 1, 1], 6)]
)
def test_indices_match_their_definitions(weights, quota):
    assert power_indices(weights, quota) == _brute(weights, quota)


@pytest.mark.parametrize("quorum", [1, 2, 3, 4])
@pytest.mark.parametrize("veto", [(), ("a",), ("a", "b")])
def test_rule_weights_give_the_rule(quorum, veto):
    """Every coalition wins in the weighted game exactly when the rule says it passes."""
    if len(veto) > quorum:
        return
    ids = ["a", "b", "c", "d"]
    weights, quota = rule_weights(Agreement(quorum, veto), ids)
    for k in range(5):
        for c in itertools.combinations(range(4), k):
            wins = sum(weights[i] for i in c) >= quota
            members = {ids[i] for i in c}
            assert wins == (len(c) >= quorum and set(veto) <= members)


def test_bad_games_are_errors():
    with pytest.raises(ScenarioError, match="quota"):
        power_indices([1, 1], 3)
    with pytest.raises(ScenarioError, match="integer"):
        power_indices([1.5, 1], 1)


def test_hand_checked_coalitions():
    """The example of tests/solver/test_decision_rules.py (quorum 2, veto p): {p, q} has aa, ba;
    {p, r} has cb; {q, r} (x in a, b and y = b) has ab, bb but does not win; all three have none.
    p is the rule's veto player and, since it accepts all three passing packages, one in effect;
    it is pivotal in the two winning coalitions with a zone, q and r in one each. Shapley–Shubik
    (2/3, 1/6, 1/6), Banzhaf (3/4, 1/4, 1/4). Without q, p and r pass cb alone; without r, p and
    q pass aa and ba."""
    r = coalitions(loads_scenario_yaml(HAND))
    zones = {z.members: z for z in r.zones}
    assert {m: (z.has_zone, z.size) for m, z in zones.items()} == {
        ("p", "q"): (True, 2),
        ("p", "r"): (True, 1),
        ("q", "r"): (True, 2),
        ("p", "q", "r"): (False, 0),
    }
    assert zones[("q", "r")].winning is False and zones[("p", "q")].pivotal == ("p", "q")
    assert zones[("p", "q", "r")].pivotal == ("p",)
    # {p, r}'s Nash package is cb (x = c, y = b): q gets 0 there and rejects it
    assert zones[("p", "r")].nash.outcome == (2, 1)
    assert zones[("p", "r")].outsiders == {"q": 0.0} and zones[("p", "r")].outsiders_accept == {
        "q": False
    }
    assert r.rule_veto == ("p",) and r.veto_in_effect == ("p",)
    assert r.shapley_shubik == (Fraction(2, 3), Fraction(1, 6), Fraction(1, 6))
    assert r.banzhaf == (Fraction(3, 4), Fraction(1, 4), Fraction(1, 4))
    assert [(w.party, w.allowed, w.size) for w in r.without] == [
        ("p", False, 0),
        ("q", True, 1),
        ("r", True, 2),
    ]
    data = json.loads(json.dumps(r.to_dict()))
    assert data["power"]["p"]["shapley_shubik"] == "2/3"
    assert data["pivotal"] == {"p": 2, "q": 1, "r": 1}
    # normalised Banzhaf: each index over their sum 5/4
    normalised = {p: data["power"][p]["banzhaf_normalised"] for p in "pqr"}
    assert normalised == pytest.approx({"p": 3 / 5, "q": 1 / 5, "r": 1 / 5}, abs=1e-12)
    text = render(r, "text")
    assert "Veto players of the rule" in text and "2/3" in text


def test_min_size_and_limits():
    s = loads_scenario_yaml(HAND)
    assert [z.members for z in coalitions(s, min_size=3).zones] == [("p", "q", "r")]
    with pytest.raises(ScenarioError, match="min-size"):
        coalitions(s, min_size=4)


def test_deal_without_a_controlling_party():
    """The town controls the fund (default: none): the deal without it is the packages with no
    fund that pass among the others, under the rule without the town (what ``stand_without``
    finds, itself checked against the definition in tests/analysis/test_control.py)."""
    import dataclasses

    import simulator
    from simulator.analysis.control import stand_without
    from simulator.formats import load_scenario

    siting = load_scenario("scenarios/siting_six.yaml")
    town = dataclasses.replace(siting.party("town"), controls={"fund": "none"})
    s = dataclasses.replace(
        siting, parties=tuple(town if p.id == "town" else p for p in siting.parties)
    )
    r = coalitions(s, min_size=6)
    w = next(w for w in r.without if w.party == "town")
    assert w.allowed and w.control is not None and w.size == stand_without(s, "town").size
    data = json.loads(json.dumps(r.to_dict()))
    entry = next(x for x in data["without"] if x["party"] == "town")
    assert entry["by_control"]["defaults"] == {"fund": "none"}
    whole = simulator.solve(s)
    assert set(entry["by_control"]["solutions_needing_party"]) == {
        k for k, p in whole.solutions.items() if p is not None
    }
    assert "it controls fund at none" in render(r, "text")
    assert next(x for x in data["without"] if x["party"] == "union")["by_control"] is None


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_outsiders_and_deals_without_against_the_oracle(data):
    """Each coalition's Nash package: the outsiders' utilities and whether each accepts it (its
    reservation, less the solver's slack, and none of its own red lines crossed), by the
    brute-force oracle; each deal without a party: the zone of the others under the same quorum
    and vetoes, by the oracle."""
    import dataclasses

    from simulator.compiled import compile_scenario
    from tests import oracle
    from tests.strategies import agreements, scenarios

    s = data.draw(scenarios(max_issues=3, max_options=3, min_parties=3, max_parties=3))
    s = dataclasses.replace(s, agreement=data.draw(agreements(s.party_ids)))
    r = coalitions(s, min_size=1)
    assert [len(z.members) for z in r.zones][:3] == [1, 1, 1]  # min_size 1: the singletons too
    rows = {row.outcome: row for row in oracle.enumerate_rows(s)}
    slack = compile_scenario(s).rounding_slack
    seen = set()
    for z in r.zones:
        if z.nash is None:
            continue
        row = rows[tuple(z.nash.outcome)]
        for k, party in enumerate(s.parties):
            if party.id in z.members:
                continue
            assert z.outsiders[party.id] == pytest.approx(row.u[k], abs=1e-9)
            own = any(c.startswith(f"{party.id}:") for c in row.crossed)
            accepts = row.u[k] >= party.reservation - slack and not own
            assert z.outsiders_accept[party.id] == accepts
            seen.add(accepts)
    rule = s.agreement
    q = rule.quorum_of(3)
    for w in r.without:
        assert w.allowed == (w.party not in rule.veto and q <= 2)
        if w.allowed:
            others = dataclasses.replace(
                s,
                parties=tuple(p for p in s.parties if p.id != w.party),
                agreement=Agreement(q, rule.veto),
            )
            want = oracle.solve_oracle(others)
            assert w.size == want.counts["zopa"]
            nash = want.solutions["nash"]  # and its Nash package (checked after seed 3)
            assert (w.nash is None) == (nash is None)
            assert nash is None or tuple(w.nash.outcome) == nash.outcome


def test_member_utilities_and_names_of_a_coalitions_package():
    """The renderer's helpers: a coalition's Nash package by option ids and its members'
    utilities there, which are the whole scenario's utilities of the same package."""
    from simulator.analysis.coalitions import member_utilities, outcome_names
    from tests import oracle

    s = loads_scenario_yaml(HAND)
    rows = {row.outcome: row for row in oracle.enumerate_rows(s)}
    zone = next(z for z in coalitions(s).zones if z.members == ("p", "r"))
    assert outcome_names(s, zone.nash) == {"x": "c", "y": "b"}
    row = rows[tuple(zone.nash.outcome)]
    assert member_utilities(s, zone) == pytest.approx({"p": row.u[0], "r": row.u[2]})


def test_past_the_count_budget_each_zone_states_its_estimate(monkeypatch):
    """Written after the seed-5 measurement: a coalition whose zone is counted only in part
    (a count budget of two nodes) states a lower bound and, in the JSON, the estimate of the
    whole with its interval (``zone_size_estimate``); an exact count states none."""
    import simulator.analysis.coalition_search as coalition_search
    from simulator.formats import load_scenario
    from simulator.solver import Budget

    siting = load_scenario("scenarios/siting_six.yaml")
    exact = coalitions(siting, min_size=5)
    assert all(z.size_exact and z.estimate is None for z in exact.zones)
    monkeypatch.setattr(coalition_search, "COUNT_BUDGET", Budget(nodes=2, outcomes=2))
    result = coalitions(siting, min_size=5)
    zones = result.to_dict()["coalitions"]
    partial = [(z, d) for z, d in zip(result.zones, zones, strict=True) if not z.size_exact]
    assert partial
    for z, d in zip(result.zones, zones, strict=True):
        assert z.size_exact == (z.estimate is None)
        assert d["zone_size_exact"] is z.size_exact
        assert d["zone_size_estimate"] == (None if z.estimate is None else z.estimate.to_dict())
    for z, d in partial:
        assert d["zone_size_estimate"] is not None and z.size <= d["zone_size_estimate"]["high"]
