"""The Russia-Ukraine scenarios (21 Nov and 24 Dec 2025 snapshots) encode the fact sheet faithfully.

Checks: both files load without warnings; parties, issues and option order are those of the fact
sheet (FS) §2; weights are the FS §6.2 table; red lines are the FS §6.1 table plus the lines the
red-line coding protocol adds, each with its tier's probability (docs/ukraine-model.md §5); every
parameter has a source and every cited ``[W#]`` is in the reference register; proposals follow the
FS §3.7 encoding matrix; the snapshots differ only where the header comments say; and Ukraine's,
Russia's and the US utilities of the 20-point framework are checked against arithmetic written out
by hand, against a tiny brute-force evaluator that reads the model objects directly, and against the
compiled path.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
import warnings
from pathlib import Path

import pytest

from simulator.errors import ScenarioWarning
from simulator.formats import load_scenario
from simulator.model import Condition, Issue, Party, Preference, Rule, Scenario

ROOT = Path(__file__).parents[2]
DEC = ROOT / "scenarios" / "ukraine_2025-12.yaml"
NOV = ROOT / "scenarios" / "ukraine_2025-11.yaml"
FILES = {"2025-12": DEC, "2025-11": NOV}

PARTIES = {
    "russia": "Russia",
    "ukraine": "Ukraine",
    "united_states": "United States",
    "european_union": "European Union",
}

# FS §2: issue ids and their options, in order (index 0 = most Ukraine-favourable).
ISSUES: dict[str, list[str]] = {
    "crimea": [
        "no_recognition",
        "control_noted",
        "defacto_third_parties",
        "dejure_third_parties",
        "dejure_all",
    ],
    "occupied_recognition": [
        "restore_1991",
        "ceasefire_line_no_recognition",
        "defacto_line_of_contact",
        "defacto_russian",
        "dejure_russian",
    ],
    "donbas_withdrawal": [
        "none_freeze",
        "mutual_dmz",
        "unilateral_fez",
        "unilateral_dmz_russian_title",
        "full_russian_control",
    ],
    "south_line": ["freeze_loc", "partial_handover", "full_oblasts_to_russia"],
    "other_occupied": ["russia_withdraws", "negotiated_swap", "russia_keeps"],
    "nato": [
        "open_path",
        "consensus_dependent",
        "silent_moratorium",
        "legal_renunciation",
        "permanent_neutrality",
    ],
    "security_guarantees": [
        "nato_membership",
        "art5_like_plus_presence",
        "art5_like_binding",
        "conditional_us_guarantee",
        "none",
    ],
    "foreign_troops": [
        "reassurance_force",
        "no_permanent_nato",
        "no_nato_troops",
        "ban_all_foreign_military",
    ],
    "army_cap": ["900", "800", "600", "200"],
    "language": [
        "status_quo",
        "eu_minority_standards",
        "regional_official",
        "official_state_language",
    ],
    "church": [
        "status_quo_restrictions",
        "eu_religious_tolerance",
        "lift_restrictions_uoc",
        "official_status_or_primacy",
    ],
    "sequencing": [
        "ceasefire_first",
        "ceasefire_for_referendum",
        "ceasefire_on_signature",
        "ceasefire_after_donbas_withdrawal",
        "no_ceasefire_until_final_treaty",
    ],
    "sanctions": [
        "maintain_until_compliance_and_reparations",
        "phased_conditional_with_snapback",
        "staged_case_by_case_plus_G8_plus_US_deals",
        "full_immediate_lift_and_ban_new",
    ],
    "arms_deliveries": [
        "unrestricted_incl_long_range",
        "continued_no_limits_in_text",
        "limits_long_range_or_US_winddown",
        "end_foreign_deliveries",
    ],
    "mobilization": [
        "ukraine_discretion",
        "demobilise_after_final_deal",
        "halt_now_and_demobilise",
    ],
    "justice_amnesty": [
        "full_accountability",
        "silent_open",
        "limited_amnesty_excl_war_crimes",
        "full_amnesty_and_claims_waiver",
    ],
    "humanitarian": [
        "all_for_all_plus_all_children_verified",
        "committee_all_for_all",
        "piecemeal_exchanges",
    ],
    "assets_reparations": [
        "confiscate_for_ukraine",
        "frozen_until_compensation",
        "US_led_fund",
        "unfreeze_and_mutual_waiver",
    ],
    "reconstruction_econ": [
        "no_US_compensation",
        "commercial_participation",
        "explicit_compensation_and_profit_share",
    ],
    "eu_membership": [
        "fixed_date_membership_plus_access",
        "eligible_plus_preferential_access",
        "no_commitment",
    ],
    "elections": [
        "when_secure_ukraine_decides",
        "asap_after_signing",
        "within_100_days",
        "before_final_treaty_after_martial_law_ends",
    ],
    "znpp": [
        "ukraine_control",
        "US_UA_jv_50_50",
        "trilateral_US_led",
        "IAEA_supervised_output_split_RU_UA_50_50",
        "russian_control",
    ],
}

# FS §6.2 weight table (RU, UA, US, EU); None = '-' (no preference listed).
WEIGHTS: dict[str, tuple[float | None, float | None, float | None, float | None]] = {
    "crimea": (0.06, 0.04, None, 0.05),
    "occupied_recognition": (0.10, 0.09, None, 0.10),
    "donbas_withdrawal": (0.18, 0.17, 0.10, 0.10),
    "south_line": (0.04, 0.03, None, None),
    "other_occupied": (0.01, 0.03, None, None),
    "nato": (0.14, 0.04, 0.05, 0.07),
    "security_guarantees": (0.05, 0.18, 0.15, 0.18),
    "foreign_troops": (0.07, 0.03, 0.03, 0.08),
    "army_cap": (0.07, 0.07, 0.03, 0.08),
    "language": (0.02, 0.01, None, None),
    "church": (0.02, 0.01, None, None),
    "sequencing": (0.04, 0.05, None, None),
    "sanctions": (0.07, 0.01, 0.15, 0.10),
    "arms_deliveries": (0.03, 0.03, 0.04, None),
    "mobilization": (0.01, 0.01, None, None),
    "justice_amnesty": (0.02, 0.03, 0.02, 0.03),
    "humanitarian": (0.01, 0.04, 0.03, None),
    "assets_reparations": (0.03, 0.03, 0.10, 0.12),
    "reconstruction_econ": (None, 0.03, 0.20, 0.04),
    "eu_membership": (0.01, 0.03, None, 0.05),
    "elections": (0.01, 0.01, 0.05, None),
    "znpp": (0.01, 0.03, 0.05, None),
}

# FS §3.7 encoding matrix as option indices (army_cap as values); a tuple = bracketed or a range;
# a missing issue = open.
MATRIX: dict[str, dict[str, int | str | tuple[int | str, ...]]] = {
    "P_US28": {
        "crimea": 2,
        "occupied_recognition": 3,
        "donbas_withdrawal": 3,
        "south_line": 0,
        "other_occupied": 0,
        "nato": 3,
        "security_guarantees": 3,
        "foreign_troops": 2,
        "army_cap": "600",
        "language": 1,
        "church": 1,
        "sequencing": 2,
        "sanctions": 2,
        "arms_deliveries": 1,
        "justice_amnesty": 3,
        "humanitarian": 1,
        "assets_reparations": 2,
        "reconstruction_econ": 2,
        "eu_membership": 1,
        "elections": 2,
        "znpp": 3,
    },
    "P_US20": {
        "occupied_recognition": 2,
        "donbas_withdrawal": 0,
        "south_line": 0,
        "other_occupied": 0,
        "nato": 2,
        "security_guarantees": 2,
        "army_cap": "800",
        "language": 1,
        "church": 1,
        "sequencing": 2,
        "arms_deliveries": 1,
        "mobilization": 0,
        "justice_amnesty": 1,
        "humanitarian": 0,
        "reconstruction_econ": 1,
        "eu_membership": 0,
        "elections": 1,
        "znpp": (1, 2),
    },
    "P_E3": {
        "crimea": 0,
        "occupied_recognition": 1,
        "donbas_withdrawal": 0,
        "south_line": 0,
        "nato": 1,
        "security_guarantees": 2,
        "foreign_troops": 1,
        "army_cap": "800",
        "language": 1,
        "church": 1,
        "sanctions": (1, 2),
        "arms_deliveries": 1,
        "assets_reparations": 1,
        "reconstruction_econ": 1,
        "eu_membership": 1,
    },
    "P_RU": {
        "crimea": 4,
        "occupied_recognition": 4,
        "donbas_withdrawal": 4,
        "south_line": 2,
        "other_occupied": 2,
        "nato": 4,
        "security_guarantees": 4,
        "foreign_troops": 3,
        "army_cap": "200",
        "language": 3,
        "church": (2, 3),
        "sequencing": (3, 4),
        "sanctions": 3,
        "arms_deliveries": 3,
        "mobilization": 2,
        "justice_amnesty": 3,
        "humanitarian": 2,
        "assets_reparations": 3,
        "elections": 3,
        "znpp": (3, 4),
    },
    "P_UA_seed": {
        "crimea": 0,
        "occupied_recognition": 1,
        "donbas_withdrawal": 0,
        "south_line": 0,
        "other_occupied": 0,
        "nato": 0,
        "security_guarantees": (1, 2),
        "foreign_troops": 0,
        "army_cap": "900",
        "language": 0,
        "church": 0,
        "sequencing": 0,
        "sanctions": 0,
        "arms_deliveries": 0,
        "mobilization": 0,
        "justice_amnesty": 0,
        "humanitarian": 0,
        "assets_reparations": 0,
        "reconstruction_econ": 1,
        "eu_membership": 0,
        "elections": 0,
        "znpp": 1,
    },
}


def _load(path: Path) -> Scenario:
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScenarioWarning)  # e.g. weights rescaled: must not happen
        return load_scenario(path)


@pytest.fixture(scope="module", params=list(FILES), ids=list(FILES))
def scenario(request: pytest.FixtureRequest) -> Scenario:
    return _load(FILES[request.param])


@pytest.fixture(scope="module")
def dec() -> Scenario:
    return _load(DEC)


@pytest.fixture(scope="module")
def nov() -> Scenario:
    return _load(NOV)


# --- a tiny brute-force evaluator over the model objects (independent of simulator.compiled) ---
def _value(pref: Preference, issue: Issue, option: str) -> float:
    k = issue.index(option)
    xs = [float(j) if o.value is None else o.value for j, o in enumerate(issue.options)]
    x = xs[k]
    if pref.kind == "table":
        assert pref.table is not None
        v = pref.table[k]
    elif pref.kind == "linear":
        t = (x - min(xs)) / (max(xs) - min(xs))
        v = t if pref.direction == "increasing" else 1.0 - t
    else:
        assert pref.peak is not None
        centre = xs[issue.index(pref.peak)]
        spread = pref.spread if pref.spread is not None else max(abs(y - centre) for y in xs)
        v = max(0.0, 1.0 - abs(x - centre) / spread)
    return v**pref.exponent


def _holds(cond: Condition, outcome: dict[str, str]) -> bool:
    return all(outcome[i] in opts for i, opts in cond.clauses)


def _utility(s: Scenario, party: Party, outcome: dict[str, str]) -> float:
    u = sum(p.weight * _value(p, s.issue(i), outcome[i]) for i, p in party.preferences.items())
    return u + sum(t.bonus for t in party.interactions if _holds(t.when, outcome))


def _crosses(s: Scenario, rule: Rule, outcome: dict[str, str]) -> bool:
    if rule.kind == "not":
        return outcome[rule.issue] in rule.options  # type: ignore[index]
    if rule.kind in ("at_least", "at_most"):
        issue = s.issue(rule.issue)  # type: ignore[arg-type]
        k, b = issue.index(outcome[issue.id]), issue.index(rule.bound)  # type: ignore[arg-type]
        return k < b if rule.kind == "at_least" else k > b
    assert rule.condition is not None
    if rule.kind == "exclude":
        return _holds(rule.condition, outcome)
    assert rule.consequence is not None
    return _holds(rule.condition, outcome) and not _holds(rule.consequence, outcome)


def _outcome(s: Scenario, choice: dict[str, int | str]) -> dict[str, str]:
    """Option ids from option indices (or a numeric option id given as a string)."""
    return {i: (v if isinstance(v, str) else s.issue(i).option_ids[v]) for i, v in choice.items()}


# --- structure ------------------------------------------------------------------------------------
def test_parties(scenario: Scenario) -> None:
    assert {p.id: p.label for p in scenario.parties} == PARTIES
    assert scenario.party_ids == tuple(PARTIES)


def test_issues_and_option_order_follow_the_fact_sheet(scenario: Scenario) -> None:
    assert scenario.issue_ids == tuple(ISSUES)
    assert len(scenario.issues) == 22
    for issue in scenario.issues:
        assert list(issue.option_ids) == ISSUES[issue.id], issue.id
        assert issue.label and issue.description and issue.source, issue.id
    army = scenario.issue("army_cap")
    assert army.numeric and [o.value for o in army.options] == [900, 800, 600, 200]
    assert army.unit == "thousand personnel"


def test_consensus_items_are_constants(scenario: Scenario) -> None:
    assert len(scenario.constants) == 7
    assert all(isinstance(c, str) and c for c in scenario.constants)
    assert any("non-nuclear" in c for c in scenario.constants)


def test_weights_are_the_fact_sheet_table(scenario: Scenario) -> None:
    for column, party in enumerate(scenario.parties):
        weights = {i: p.weight for i, p in party.preferences.items()}
        expected = {i: w[column] for i, w in WEIGHTS.items() if w[column] is not None}
        assert weights == pytest.approx(expected), party.id
        assert math.isclose(sum(weights.values()), 1.0, abs_tol=1e-9), party.id
        assert party.weight_concentration == 30


def test_one_direction_for_every_issue_axis(scenario: Scenario) -> None:
    """Every issue runs from the Ukraine-favourable option to the Russia-favourable one (issue 16,
    item 5), the numeric army_cap included: Ukraine's value never rises along an issue's options
    and Russia's never falls (reconstruction_econ aside: Ukraine peaks at its middle option)."""
    from simulator.compiled import preference_values

    ru, ua = scenario.party("russia"), scenario.party("ukraine")
    for issue in scenario.issues:
        if issue.id in ru.preferences:
            v = preference_values(ru.preferences[issue.id], issue)
            assert all(v[1:] >= v[:-1]) and v[-1] > v[0], issue.id
        if issue.id != "reconstruction_econ":
            v = preference_values(ua.preferences[issue.id], issue)
            assert all(v[1:] <= v[:-1]) and v[-1] < v[0], issue.id


def test_value_function_orientation(scenario: Scenario) -> None:
    """UA decreasing, RU increasing in the option index; army_cap is linear in the number, whose
    values descend, so there the directions read the other way round."""
    ru, ua = scenario.party("russia"), scenario.party("ukraine")
    for issue_id in ISSUES:
        flip = issue_id == "army_cap"
        if issue_id in ru.preferences:
            pref = ru.preferences[issue_id]
            assert (pref.kind, pref.direction) == ("linear", "decreasing" if flip else "increasing")
            assert pref.exponent == 1.0
        pref = ua.preferences[issue_id]
        if issue_id == "reconstruction_econ":  # FS §8: UA peaks at its own position, option 1
            assert pref.kind == "table" and pref.table == (0.5, 1.0, 0.0)
        else:
            assert (pref.kind, pref.direction) == ("linear", "increasing" if flip else "decreasing")
            assert pref.exponent == 1.0
    for party_id in ("united_states", "european_union"):
        for issue_id, pref in scenario.party(party_id).preferences.items():
            issue = scenario.issue(issue_id)
            full = 700.0 if issue.numeric else len(issue.options) - 1  # spread: 1/K per option step
            assert pref.kind == "ideal" and pref.spread == full, (party_id, issue_id)


def test_every_parameter_has_a_source(scenario: Scenario) -> None:
    sources: list[tuple[str, str | None]] = []
    sources += [(f"issue {i.id}", i.source) for i in scenario.issues]
    sources += [(f"constraint {c.id}", c.source) for c in scenario.constraints]
    sources += [(f"proposal {p.id}", p.source) for p in scenario.proposals]
    for party in scenario.parties:
        sources += [(f"party {party.id}", party.source)]
        sources += [(f"{party.id} reservation", party.reservation_source)]
        sources += [(f"{party.id} preference {i}", p.source) for i, p in party.preferences.items()]
        sources += [(f"{party.id} red line {r.id}", r.source) for r in party.red_lines]
        sources += [(f"{party.id} interaction {t.id}", t.source) for t in party.interactions]
    missing = [where for where, source in sources if not (source and source.strip())]
    assert missing == []
    # every [W#] cited anywhere is in the reference register, and the seeds are registered
    cited = {m for _, source in sources for m in re.findall(r"\[(W\d+)\]", source or "")}
    assert cited <= set(scenario.references), sorted(cited - set(scenario.references))
    assert {"000", "001", "002", "003", "004"} <= set(scenario.references)


def test_every_party_has_red_lines_and_a_reservation(scenario: Scenario) -> None:
    for party in scenario.parties:
        assert party.red_lines, party.id
        assert party.reservation_range is not None, party.id
        lo, hi = party.reservation_range.low, party.reservation_range.high
        assert lo <= party.reservation <= hi, party.id
        for rule in party.red_lines:
            assert 0 < rule.probability <= 1 and rule.description, (party.id, rule.id)
            if rule.probability_range is not None:
                r = rule.probability_range
                assert r.low <= rule.probability <= r.high, (party.id, rule.id)


def test_red_lines_follow_the_fact_sheet_table(dec: Scenario) -> None:
    """FS §6.1 (Dec): (kind, issue, bound, p_hard, range)."""

    def spec(r: Rule) -> tuple[object, ...]:
        rng = (
            None
            if r.probability_range is None
            else (r.probability_range.low, r.probability_range.high)
        )
        return (r.kind, r.issue, r.bound, r.probability, rng)

    ru = {
        r.id: spec(r) for r in dec.party("russia").red_lines if r.id not in PROTOCOL_LINES["russia"]
    }
    assert ru == {
        "donbas_withdrawal_at_least_3": (
            "at_least",
            "donbas_withdrawal",
            "unilateral_dmz_russian_title",
            0.85,
            (0.70, 0.95),
        ),
        "nato_at_least_3": ("at_least", "nato", "legal_renunciation", 0.75, (0.50, 0.90)),
        "foreign_troops_at_least_2": (
            "at_least",
            "foreign_troops",
            "no_nato_troops",
            0.75,
            (0.5, 0.9),
        ),
        "sequencing_at_least_2": (
            "at_least",
            "sequencing",
            "ceasefire_on_signature",
            0.80,
            (0.6, 0.9),
        ),
    }
    ua = {r.id: spec(r) for r in dec.party("ukraine").red_lines}
    assert ua["donbas_withdrawal_at_most_1"] == (
        "at_most",
        "donbas_withdrawal",
        "mutual_dmz",
        0.70,
        (0.50, 0.85),
    )
    assert ua["nato_at_most_2"] == ("at_most", "nato", "silent_moratorium", 0.40, (0.20, 0.60))
    assert ua["south_line_at_most_0"] == ("at_most", "south_line", "freeze_loc", 0.90, (0.75, 0.97))
    assert ua["army_cap_600_or_more"] == ("at_most", "army_cap", "600", 0.70, (0.50, 0.90))
    assert ua["no_dejure_recognition"][3:] == (0.95, (0.85, 0.99))
    assert spec(dec.party("european_union").red_lines[0])[3:] == (0.90, None)


# Red lines that the coding protocol (docs/ukraine-model.md §5) adds to the FS §6.1 table, the same
# in both snapshots: (kind, issue, bound or excluded options, tier). Rule 1 says which stated
# conditions become lines and where each sits; rule 2 gives every such line, whatever the party,
# its probability from the evidence tier: 'firm' (stated in two independent reports) or 'single'.
PROTOCOL_LINES: dict[str, dict[str, tuple[object, ...]]] = {
    "russia": {
        "crimea_at_least_2": ("at_least", "crimea", "defacto_third_parties", "firm"),
        "occupied_recognition_at_least_3": (
            "at_least",
            "occupied_recognition",
            "defacto_russian",
            "firm",
        ),
        "language_at_least_1": ("at_least", "language", "eu_minority_standards", "firm"),
        "church_at_least_1": ("at_least", "church", "eu_religious_tolerance", "firm"),
        "army_cap_800_or_less": ("at_least", "army_cap", "800", "firm"),
    },
    "ukraine": {
        "foreign_troops_at_most_2": ("at_most", "foreign_troops", "no_nato_troops", "single"),
        "sequencing_at_most_2": ("at_most", "sequencing", "ceasefire_on_signature", "firm"),
        "no_blanket_amnesty": (
            "not",
            "justice_amnesty",
            ("full_amnesty_and_claims_waiver",),
            "single",
        ),
        "humanitarian_at_most_1": ("at_most", "humanitarian", "committee_all_for_all", "single"),
        "znpp_at_most_1": ("at_most", "znpp", "US_UA_jv_50_50", "single"),
        "security_guarantees_at_most_2": (
            "at_most",
            "security_guarantees",
            "art5_like_binding",
            "firm",
        ),
    },
    "united_states": {
        "no_nato_membership": ("not", "security_guarantees", ("nato_membership",), "single"),
    },
}
#: protocol rule 2: the probability and range of each evidence tier
TIERS = {"firm": (0.80, (0.60, 0.95)), "single": (0.60, (0.40, 0.80))}
#: conditions the protocol rejects (docs/ukraine-model.md §5): no line may code them
REJECTED = {
    "russia": {"arms_deliveries", "mobilization", "justice_amnesty", "znpp"},
    "ukraine": {"language", "church", "arms_deliveries", "mobilization"},
}


def test_protocol_red_lines_are_in_both_snapshots_with_sources(scenario: Scenario) -> None:
    for party_id, expected in PROTOCOL_LINES.items():
        rules = {r.id: r for r in scenario.party(party_id).red_lines}
        for rule_id, (kind, issue, bound, tier) in expected.items():
            r = rules[rule_id]
            target = r.options if kind == "not" else r.bound
            assert r.probability_range is not None, rule_id
            got = (r.kind, r.issue, target, r.probability)
            assert got == (kind, issue, bound, TIERS[tier][0]), rule_id
            assert (r.probability_range.low, r.probability_range.high) == TIERS[tier][1], rule_id
            assert r.source and f"protocol rule 2 '{tier}'" in r.source, rule_id
        if party_id != "united_states":
            for rule_id in expected:
                assert "red-line protocol" in (rules[rule_id].description or ""), rule_id
    # every line that cites the protocol is listed above: the rule is applied to all alike
    for party in scenario.parties:
        cited = {r.id for r in party.red_lines if "protocol rule" in (r.source or "")}
        assert cited == set(PROTOCOL_LINES.get(party.id, {})), party.id
    for party_id, issues in REJECTED.items():
        coded = {i for r in scenario.party(party_id).red_lines for i in r.issues}
        assert not coded & issues, party_id
    eu = {r.id for r in scenario.party("european_union").red_lines}
    assert "assets_frozen_until_compensation" in eu  # widened from 'not option 3' (§13)


def test_protocol_red_lines_leave_an_option_both_sides_accept(scenario: Scenario) -> None:
    """The protocol's lines open no new empty intersection: only Donbas and NATO stay
    irreconcilable. (A check of the result, not a selection rule: the protocol codes a line
    whatever this finds.)"""
    empty = set()
    for issue in scenario.issues:
        allowed = {}
        for party in scenario.parties:
            unary = [r for r in party.red_lines if r.issues == (issue.id,)]
            allowed[party.id] = {
                o
                for o in issue.option_ids
                if not any(_crosses(scenario, r, {issue.id: o}) for r in unary)
            }
        if not set.intersection(*allowed.values()):
            empty.add(issue.id)
    assert empty == {"donbas_withdrawal", "nato"}


@pytest.mark.parametrize(
    ("crimea", "occupied", "crossed"),
    [(2, 3, False), (3, 3, True), (4, 0, True), (0, 4, True), (2, 4, True), (0, 0, False)],
)
def test_no_dejure_red_line_is_one_rule_over_two_issues(
    dec: Scenario, crimea: int, occupied: int, crossed: bool
) -> None:
    outcome = _outcome(dec, {"crimea": crimea, "occupied_recognition": occupied})
    for party_id in ("ukraine", "european_union"):
        rule = next(r for r in dec.party(party_id).red_lines if r.id == "no_dejure_recognition")
        assert _crosses(dec, rule, outcome) is crossed


def test_us_states_its_deal_premium_on_its_own_scale(scenario: Scenario) -> None:
    """U_US = lam + (1 - lam) S with lam = 0.55 (0.4-0.7) and d = 0.35 (0.20-0.50) (FS §6.1, §6.3),
    stated as they are: a deal bonus and a reservation on the US's own 0-1 scale."""
    us = scenario.party("united_states")
    assert us.deal_bonus == 0.55 and us.deal_bonus_range is not None
    assert (us.deal_bonus_range.low, us.deal_bonus_range.high) == (0.40, 0.70)
    assert us.reservation == 0.35 and us.reservation_range is not None
    assert (us.reservation_range.low, us.reservation_range.high) == (0.20, 0.50)
    assert us.deal_bonus_source and "FS §6.1" in us.deal_bonus_source
    # every deal is worth at least lam to the US, above any stated value of no deal (§6)
    assert us.deal_bonus > us.reservation_range.high


# --- proposals ------------------------------------------------------------------------------------
def test_proposals_follow_the_encoding_matrix(scenario: Scenario) -> None:
    assert {p.id for p in scenario.proposals} == {
        "P_US28",
        "P_E3",
        "P_G19",
        "P_US20",
        "P_RU",
        "P_UA_seed",
    }
    for p in scenario.proposals:
        assert p.label and p.date and p.source, p.id
        for issue_id, options in p.options.items():
            assert set(options) <= set(scenario.issue(issue_id).option_ids), (p.id, issue_id)
    for pid, row in MATRIX.items():
        expected = {
            i: tuple(_outcome(scenario, {i: x})[i] for x in (v if isinstance(v, tuple) else (v,)))
            for i, v in row.items()
        }
        assert dict(scenario.proposal(pid).options) == expected, pid
    g19 = scenario.proposal("P_G19").options
    assert g19["army_cap"] == ("800", "900") and g19["justice_amnesty"] == ("silent_open",)


def _completions(s: Scenario, proposal_id: str, issues: list[str]) -> list[dict[str, str]]:
    options = s.proposal(proposal_id).options
    axes = [options.get(i, s.issue(i).option_ids) for i in issues]
    return [dict(zip(issues, combo, strict=True)) for combo in itertools.product(*axes)]


@pytest.mark.parametrize("proposal_id", ["P_US28", "P_E3", "P_G19", "P_US20", "P_RU", "P_UA_seed"])
def test_every_proposal_has_a_consistent_completion(scenario: Scenario, proposal_id: str) -> None:
    issues = sorted({i for c in scenario.constraints for i in c.issues})
    assert any(
        not any(_crosses(scenario, c, o) for c in scenario.constraints)
        for o in _completions(scenario, proposal_id, issues)
    )


@pytest.mark.parametrize(
    "combo",
    [
        {"security_guarantees": "nato_membership", "nato": "legal_renunciation"},
        {"security_guarantees": "nato_membership", "foreign_troops": "ban_all_foreign_military"},
        {"security_guarantees": "art5_like_plus_presence", "foreign_troops": "no_nato_troops"},
        {"occupied_recognition": "dejure_russian", "south_line": "freeze_loc"},
        {"occupied_recognition": "defacto_russian", "donbas_withdrawal": "none_freeze"},
        {"occupied_recognition": "restore_1991", "donbas_withdrawal": "mutual_dmz"},
        {"sequencing": "no_ceasefire_until_final_treaty", "elections": "asap_after_signing"},
        {
            "justice_amnesty": "full_amnesty_and_claims_waiver",
            "assets_reparations": "confiscate_for_ukraine",
        },
    ],
)
def test_constraints_exclude_incoherent_packages(dec: Scenario, combo: dict[str, str]) -> None:
    base = {i: opts[0] for i, opts in ISSUES.items()} | {
        "occupied_recognition": "defacto_line_of_contact"
    }
    assert not any(_crosses(dec, c, base) for c in dec.constraints)
    assert any(_crosses(dec, c, base | combo) for c in dec.constraints)


# nato, security_guarantees, foreign_troops: is the combination coherent? (docs/ukraine-model.md §8)
NEUTRALITY = [
    (("permanent_neutrality", "art5_like_binding", "no_nato_troops"), False),  # NATO signs it
    (("permanent_neutrality", "art5_like_plus_presence", "no_permanent_nato"), False),
    (("permanent_neutrality", "conditional_us_guarantee", "reassurance_force"), False),  # a force
    (("permanent_neutrality", "conditional_us_guarantee", "no_permanent_nato"), False),
    (("permanent_neutrality", "conditional_us_guarantee", "no_nato_troops"), True),  # one state
    (("permanent_neutrality", "none", "ban_all_foreign_military"), True),  # P_RU
    (("legal_renunciation", "art5_like_binding", "no_nato_troops"), True),  # the 14 Dec offer
    (("silent_moratorium", "art5_like_binding", "no_nato_troops"), True),  # the 20-point framework
]


@pytest.mark.parametrize(("combo", "coherent"), NEUTRALITY)
def test_neutrality_excludes_alliance_guarantees_and_forces(
    scenario: Scenario, combo: tuple[str, str, str], coherent: bool
) -> None:
    package = {i: opts[0] for i, opts in ISSUES.items()} | {
        "occupied_recognition": "defacto_line_of_contact",
        **dict(zip(("nato", "security_guarantees", "foreign_troops"), combo, strict=True)),
    }
    crossed = [c.id for c in scenario.constraints if _crosses(scenario, c, package)]
    assert crossed == ([] if coherent else ["neutrality_excludes_alliance_guarantees_and_forces"])


# --- the snapshots differ only where the headers say ----------------------------------------------
def test_snapshots_differ_only_where_documented(dec: Scenario, nov: Scenario) -> None:
    assert (dec.date, nov.date) == ("2025-12-24", "2025-11-21")
    assert dec.issues == nov.issues
    assert dec.constraints == nov.constraints
    assert dec.proposals == nov.proposals
    assert dec.constants == nov.constants and dec.references == nov.references

    def strip(p: Party) -> dict[str, tuple[object, ...]]:
        return {
            i: (x.weight, x.kind, x.direction, x.table, x.spread) for i, x in p.preferences.items()
        }

    for pid in PARTIES:
        assert strip(dec.party(pid)) == strip(nov.party(pid)), pid
    for pid in ("russia", "european_union", "united_states"):
        a, b = dec.party(pid), nov.party(pid)
        assert (a.reservation, a.reservation_range) == (b.reservation, b.reservation_range), pid
        assert [dataclasses.replace(r, source=None) for r in a.red_lines] == [
            dataclasses.replace(r, source=None) for r in b.red_lines
        ], pid
    for pid in ("russia", "ukraine", "european_union"):
        a, b = dec.party(pid), nov.party(pid)
        assert [x.peak for x in a.preferences.values()] == [x.peak for x in b.preferences.values()]
        assert [dataclasses.replace(t, source=None) for t in a.interactions] == [
            dataclasses.replace(t, source=None) for t in b.interactions
        ], pid

    us_dec = {i: p.peak for i, p in dec.party("united_states").preferences.items()}
    us_nov = {i: p.peak for i, p in nov.party("united_states").preferences.items()}
    assert {i for i in us_dec if us_dec[i] != us_nov[i]} == {
        "donbas_withdrawal",
        "nato",
        "security_guarantees",
        "army_cap",
        "justice_amnesty",
        "humanitarian",
        "reconstruction_econ",
        "elections",
        "znpp",
    }
    assert us_dec["donbas_withdrawal"] == "unilateral_fez"  # the Dec FEZ push [W28], FS §6.1
    assert us_nov["army_cap"] == "600" and us_dec["army_cap"] == "800"

    def lines(s: Scenario) -> dict[str, tuple[object, ...]]:
        return {
            r.id: (r.kind, r.issue, r.bound, r.probability) for r in s.party("ukraine").red_lines
        }

    assert {k: v for k, v in lines(dec).items() if k not in lines(nov)} == {
        "donbas_withdrawal_at_most_1": ("at_most", "donbas_withdrawal", "mutual_dmz", 0.70),
        "nato_at_most_2": ("at_most", "nato", "silent_moratorium", 0.40),
        "army_cap_600_or_more": ("at_most", "army_cap", "600", 0.70),
    }
    assert {k: v for k, v in lines(nov).items() if k not in lines(dec)} == {
        "donbas_withdrawal_at_most_0": ("at_most", "donbas_withdrawal", "none_freeze", 0.70),
        "nato_at_most_1": ("at_most", "nato", "consensus_dependent", 0.75),
        "army_cap_800_or_more": ("at_most", "army_cap", "800", 0.70),
    }
    common = lines(dec).keys() & lines(nov).keys()
    assert common == {"no_dejure_recognition", "south_line_at_most_0"} | set(
        PROTOCOL_LINES["ukraine"]
    )
    assert {k: lines(dec)[k] for k in common} == {k: lines(nov)[k] for k in common}
    assert (dec.party("ukraine").reservation, nov.party("ukraine").reservation) == (0.40, 0.35)


# --- hand-computed utilities of the 20-point framework (December file) ----------------------------
# P_US20 completed on the issues it leaves open with P_US28's coding (crimea 2, foreign_troops 2,
# sanctions 2, assets_reparations 2) and the first of its bracketed znpp options (1, the 50/50
# venture).
P_US20_COMPLETED: dict[str, int | str] = {
    "crimea": 2,
    "occupied_recognition": 2,
    "donbas_withdrawal": 0,
    "south_line": 0,
    "other_occupied": 0,
    "nato": 2,
    "security_guarantees": 2,
    "foreign_troops": 2,
    "army_cap": "800",
    "language": 1,
    "church": 1,
    "sequencing": 2,
    "sanctions": 2,
    "arms_deliveries": 1,
    "mobilization": 0,
    "justice_amnesty": 1,
    "humanitarian": 0,
    "assets_reparations": 2,
    "reconstruction_econ": 1,
    "eu_membership": 0,
    "elections": 1,
    "znpp": 1,
}

# Ukraine: u = 1 - k/K (army_cap: (800 - 200) / 700; reconstruction_econ: table value 1.0 at
# option 1). No interaction fires (no NATO renunciation without guarantees, army 800, no withdrawal,
# sequencing 2).
UKRAINE_BY_HAND = (
    0.04 * (1 - 2 / 4)  # crimea 2
    + 0.09 * (1 - 2 / 4)  # occupied_recognition 2
    + 0.17 * 1  # donbas_withdrawal 0
    + 0.03 * 1  # south_line 0
    + 0.03 * 1  # other_occupied 0
    + 0.04 * (1 - 2 / 4)  # nato 2
    + 0.18 * (1 - 2 / 4)  # security_guarantees 2
    + 0.03 * (1 - 2 / 3)  # foreign_troops 2
    + 0.07 * (600 / 700)  # army_cap 800
    + 0.01 * (1 - 1 / 3)  # language 1
    + 0.01 * (1 - 1 / 3)  # church 1
    + 0.05 * (1 - 2 / 4)  # sequencing 2
    + 0.01 * (1 - 2 / 3)  # sanctions 2
    + 0.03 * (1 - 1 / 3)  # arms_deliveries 1
    + 0.01 * 1  # mobilization 0
    + 0.03 * (1 - 1 / 3)  # justice_amnesty 1
    + 0.04 * 1  # humanitarian 0
    + 0.03 * (1 - 2 / 3)  # assets_reparations 2
    + 0.03 * 1.0  # reconstruction_econ 1 (table)
    + 0.03 * 1  # eu_membership 0
    + 0.01 * (1 - 1 / 3)  # elections 1
    + 0.03 * (1 - 1 / 4)  # znpp 1
)  # = 0.705833...

# Russia: u = k/K (army_cap decreasing: (900 - 800) / 700). The Alaska bonus needs donbas >= 3:
# not fired.
RUSSIA_BY_HAND = (
    0.06 * (2 / 4)  # crimea 2
    + 0.10 * (2 / 4)  # occupied_recognition 2
    + 0.18 * 0  # donbas_withdrawal 0
    + 0.04 * 0  # south_line 0
    + 0.01 * 0  # other_occupied 0
    + 0.14 * (2 / 4)  # nato 2
    + 0.05 * (2 / 4)  # security_guarantees 2
    + 0.07 * (2 / 3)  # foreign_troops 2
    + 0.07 * (100 / 700)  # army_cap 800
    + 0.02 * (1 / 3)  # language 1
    + 0.02 * (1 / 3)  # church 1
    + 0.04 * (2 / 4)  # sequencing 2
    + 0.07 * (2 / 3)  # sanctions 2
    + 0.03 * (1 / 3)  # arms_deliveries 1
    + 0.01 * 0  # mobilization 0
    + 0.02 * (1 / 3)  # justice_amnesty 1
    + 0.01 * 0  # humanitarian 0
    + 0.03 * (2 / 3)  # assets_reparations 2
    + 0.01 * 0  # eu_membership 0
    + 0.01 * (1 / 3)  # elections 1
    + 0.01 * (1 / 4)  # znpp 1
)  # = 0.354166...

# United States (ideal = P_US20, spread K): only donbas (ideal 2, at 0: 1 - 2/4) and znpp
# (ideal 2, at 1: 1 - 1/4) are off their peaks.
US_BY_HAND = 1.0 - 0.10 * (2 / 4) - 0.05 * (1 / 4)  # = 0.9375


def test_p_us20_utilities_by_hand(dec: Scenario) -> None:
    outcome = _outcome(dec, P_US20_COMPLETED)
    for issue_id, options in dec.proposal("P_US20").options.items():
        assert outcome[issue_id] in options  # the completion agrees with P_US20
    assert UKRAINE_BY_HAND == pytest.approx(0.7058333333, abs=1e-9)
    assert RUSSIA_BY_HAND == pytest.approx(0.3541666667, abs=1e-9)
    assert _utility(dec, dec.party("ukraine"), outcome) == pytest.approx(UKRAINE_BY_HAND, abs=1e-12)
    assert _utility(dec, dec.party("russia"), outcome) == pytest.approx(RUSSIA_BY_HAND, abs=1e-12)
    assert _utility(dec, dec.party("united_states"), outcome) == pytest.approx(
        US_BY_HAND, abs=1e-12
    )
    # Ukraine clears its reservation (0.40), Russia does not (0.55), and Russia's Donbas and NATO
    # red lines are crossed: the FS §5 reading (binding issues) carried into the model. So is
    # Russia's recognition line (the deployment line only de facto the line of contact, not
    # Donetsk and Luhansk de facto Russian), and the assets left open by P_US20 and filled with
    # P_US28's US-led fund cross the EU's line (the E3 keep the assets frozen until Russia pays
    # [W14]).
    crossed = {(p.id, r.id) for p in dec.parties for r in p.red_lines if _crosses(dec, r, outcome)}
    assert crossed == {
        ("russia", "donbas_withdrawal_at_least_3"),
        ("russia", "nato_at_least_3"),
        ("russia", "occupied_recognition_at_least_3"),
        ("european_union", "assets_frozen_until_compensation"),
    }
    assert not any(_crosses(dec, c, outcome) for c in dec.constraints)


def test_p_us20_utilities_match_the_compiled_path(dec: Scenario) -> None:
    compiled = pytest.importorskip("simulator.compiled")
    cs = compiled.compile_scenario(dec)
    outcome = _outcome(dec, P_US20_COMPLETED)
    row = [[dec.issue(i).index(outcome[i]) for i in dec.issue_ids]]
    u = compiled.evaluate_utilities(cs, row)[0]
    by_party = dict(zip(dec.party_ids, u, strict=True))
    assert by_party["ukraine"] == pytest.approx(UKRAINE_BY_HAND, abs=1e-9)
    assert by_party["russia"] == pytest.approx(RUSSIA_BY_HAND, abs=1e-9)
    # the US's deal bonus: lam + (1 - lam) * S on its own scale (docs/ukraine-model.md §6)
    assert by_party["united_states"] == pytest.approx(0.55 + 0.45 * US_BY_HAND, abs=1e-9)


def test_interactions_fire_where_the_sources_link_issues(dec: Scenario) -> None:
    ua = dec.party("ukraine")
    base = _outcome(dec, P_US20_COMPLETED)
    # renouncing NATO with only a conditional US guarantee costs an extra 0.06 (FS §1.2, [W36])
    weak = base | {"security_guarantees": "conditional_us_guarantee"}
    delta = _utility(dec, ua, weak) - _utility(dec, ua, base)
    assert delta == pytest.approx(-0.18 * (1 / 4) - 0.06)
    # a unilateral FEZ with the ceasefire at signature: value step and no vote window (the
    # referendum's risk is a ratification term, not a utility term)
    fez = base | {"donbas_withdrawal": "unilateral_fez"}
    delta = _utility(dec, ua, fez) - _utility(dec, ua, base)
    assert delta == pytest.approx(-0.17 * (2 / 4) - 0.03)
    # ... and with a ceasefire for the referendum, only the value steps remain
    vote = fez | {"sequencing": "ceasefire_for_referendum"}
    delta = _utility(dec, ua, vote) - _utility(dec, ua, base)
    assert delta == pytest.approx(-0.17 * (2 / 4) + 0.05 * (1 / 4))


@pytest.mark.parametrize("snapshot", ["2025-11", "2025-12"])
def test_ratification_terms_are_the_fact_sheets(snapshot: str) -> None:
    """FS §6.4: P(referendum passes | donbas option k) = [0.9, 0.6, 0.35, 0.15, 0.05] +-0.15, a
    referendum for any territorial option > 0, and parliament's approval of territorial changes
    (004); no referendum penalty is left among the interaction terms."""
    s = load_scenario(FILES[snapshot])
    ua = s.party("ukraine")
    assert not [t for t in ua.interactions if t.id.startswith("referendum_risk")]
    options = s.issue("donbas_withdrawal").option_ids
    referendum = {}
    for t in ua.ratification:
        if t.voter == "referendum":
            ((issue, (option,)),) = t.when.clauses
            assert issue == "donbas_withdrawal"
            referendum[options.index(option)] = t
    assert sorted(referendum) == [1, 2, 3, 4]
    for k, p in zip([1, 2, 3, 4], [0.6, 0.35, 0.15, 0.05], strict=True):
        t = referendum[k]
        assert t.probability == p and t.probability_range is not None
        assert t.probability_range.low == pytest.approx(max(0.0, p - 0.15))
        assert t.probability_range.high == pytest.approx(p + 0.15)
        assert "FS §6.4" in (t.source or "")
    (rada,) = [t for t in ua.ratification if t.voter == "parliament"]
    assert rada.when.clauses == (("donbas_withdrawal", options[1:]),)
    assert "004" in (rada.source or "") and "assumption" in (rada.source or "")
    assert all(not p.ratification for p in s.parties if p.id != "ukraine")


def test_the_army_cap_lines_read_in_numbers(scenario: Scenario) -> None:
    """The army cap's options run from 900 down to 200, so a line bounded in the option order is
    worded by the numbers it allows: Russia's is a cap of 800k or less, Ukraine's one of 600k (Dec)
    or 800k (Nov) or more."""
    from simulator.report.words import rule_phrase

    ru = rule_phrase(scenario, "russia:army_cap_800_or_less")
    assert "Peacetime army cap at most *800*" in ru
    ua = next(r.id for r in scenario.party("ukraine").red_lines if r.issue == "army_cap")
    assert f"Peacetime army cap at least *{ua.split('_')[2]}*" in rule_phrase(
        scenario, f"ukraine:{ua}"
    )
