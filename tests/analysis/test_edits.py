"""Edits: the text syntax, its round trip, clear errors, and what each edit does to a scenario."""

from __future__ import annotations

import copy
import dataclasses

import pytest

from simulator import solve
from simulator.analysis import (
    Accept,
    Adjust,
    Concede,
    DropRedLine,
    Offer,
    apply_edits,
    parse_edit,
    parse_edits,
)
from simulator.analysis.edits import resolve_party
from simulator.errors import EditError
from simulator.model import Party, Preference, Scenario, Uncertainty
from tests.oracle import solve_oracle

CAR_EDITS = [
    "buyer concedes warranty=none",
    "dealer accepts price<=22",
    "dealer accepts price=20,22",
    "buyer offers delivery!=slow",
    "buyer offers price>=24",
    "dealer drops redline no_fire_sale",
    "buyer reservation =0.3",
    "buyer reservation -0.1",
    "buyer reservation +0.05",
    "dealer reservation *1.1",
    "dealer weight price *1.5",
    "buyer weight warranty =0.2",
    "dealer power =2",
    "buyer bonus worry_free =0.1",
]


@pytest.mark.parametrize("text", CAR_EDITS)
def test_text_round_trips(car, text):
    edit = parse_edit(text, car)
    assert str(edit) == text
    assert parse_edit(str(edit), car) == edit


@pytest.mark.parametrize(
    "text, canonical",
    [
        ("Buyer concedes warranty = none", "buyer concedes warranty=none"),
        ("DEALER accept price <= 22.0", "dealer accepts price<=22"),
        ("dealer accepts price < 23", "dealer accepts price<23"),
        ("dealer drops red line no_fire_sale", "dealer drops redline no_fire_sale"),
        ("buyer weight price*2e-1", "buyer weight price *0.2"),
        ("buyer bargaining_power =1.5", "buyer power =1.5"),
        ("buyer offers price = 22, 24", "buyer offers price=22,24"),
    ],
)
def test_loose_spelling_reads_to_the_canonical_text(car, text, canonical):
    assert str(parse_edit(text, car)) == canonical


def test_parsed_types(car):
    assert parse_edit("buyer concedes warranty=none", car) == Concede("buyer", "warranty", "none")
    assert parse_edit("dealer accepts price<=22", car) == Accept("dealer", "price", "<=", "22")
    assert parse_edit("buyer offers price>=24", car) == Offer("buyer", "price", ">=", "24")
    assert parse_edit("dealer drops redline no_fire_sale", car) == DropRedLine(
        "dealer", "no_fire_sale"
    )
    assert parse_edit("buyer reservation -0.1", car) == Adjust("buyer", "reservation", "+", -0.1)
    assert parse_edit("dealer weight price *1.5", car) == Adjust(
        "dealer", "weight", "*", 1.5, "price"
    )


@pytest.mark.parametrize(
    "text, must_name",
    [
        ("seller concedes price=22", ["buyer", "dealer"]),
        ("buyer surrenders price=22", ["concedes", "accepts", "offers", "drops"]),
        ("buyer concedes colour=red", ["price", "warranty", "delivery"]),
        ("buyer concedes warranty=lifetime", ["none", "one_year", "three_years"]),
        ("buyer accepts price<18", ["20", "22", "24", "26"]),
        ("dealer drops redline no_discount", ["no_fire_sale"]),
        ("buyer bonus free_lunch =0.1", ["worry_free"]),
        ("buyer weight colour *2", ["price", "warranty", "delivery"]),
        ("buyer reservation 0.3", ["=0.3", "+0.1"]),
        ("buyer concedes price<=22", ["ISSUE=OPTION"]),
        ("buyer", ["concedes"]),
    ],
)
def test_errors_list_what_could_have_been_named(car, text, must_name):
    with pytest.raises(EditError) as err:
        parse_edit(text, car)
    message = str(err.value)
    for name in must_name:
        assert name in message
    # every error also lists the whole inventory: parties, issues with options, red lines
    for name in ["buyer", "dealer", "warranty (none, one_year, three_years)", "no_fire_sale"]:
        assert name in message


def test_an_edit_never_changes_the_original(car):
    before = copy.deepcopy(car)
    edited = apply_edits(car, [e for e in CAR_EDITS if "accepts" not in e])
    assert car == before
    assert edited != car


def test_offer_restricts_the_space_without_changing_values(car):
    edited = parse_edit("buyer offers price>=24", car).apply(car)
    assert edited.n_outcomes == car.n_outcomes
    assert edited.parties == car.parties
    (rule,) = edited.constraints[len(car.constraints) :]
    assert rule.kind == "not" and rule.options == ("20", "22")
    oracle = solve_oracle(edited)
    assert all(r.named["price"] in ("24", "26") for r in oracle.zopa)


def test_accept_trims_one_issue_red_lines_only(deadlock):
    edited = parse_edit("alpha_party accepts x>=x1", deadlock).apply(deadlock)
    rules = {r.id: r for r in edited.party("alpha_party").red_lines}
    assert rules["a_x"].kind == "not" and rules["a_x"].options == ("x0",)
    assert rules["a_y"] == deadlock.party("alpha_party").red_lines[1]
    assert rules["a_z"] == deadlock.party("alpha_party").red_lines[2]  # cross-issue: kept
    dropped = parse_edit("alpha_party accepts x!=x2", deadlock).apply(deadlock)
    assert "a_x" not in {r.id for r in dropped.party("alpha_party").red_lines}


def test_accept_trims_a_one_issue_exclusion_to_what_is_left(car):
    """Written after the seed-3 measurement: a one-issue red line of another kind (an
    ``exclude`` of two prices) that an ``accepts`` trims becomes a ``not`` of what it still
    forbids on that issue: each option is forbidden after exactly when it was before and is not
    accepted (brute force over the options)."""
    from simulator.model import Condition, Rule
    from simulator.model.rules import forbidden_regions

    cheap = Rule("no_cheap", "exclude", condition=Condition.of({"price": ["20", "22"]}))
    dealer = dataclasses.replace(car.party("dealer"), red_lines=(cheap,))
    s = dataclasses.replace(car, parties=(car.party("buyer"), dealer))
    edited = parse_edit("dealer accepts price=20", s).apply(s)
    price = {i.id: i for i in edited.issues}

    def forbidden(scenario):
        regions = [
            c for r in scenario.party("dealer").red_lines for c in forbidden_regions(r, price)
        ]
        return {o for c in regions for _, opts in c.clauses for o in opts}

    assert forbidden(s) == {"20", "22"} and forbidden(edited) == {"22"}
    (rule,) = edited.party("dealer").red_lines
    assert (rule.id, rule.kind, rule.issue, rule.options) == ("no_cheap", "not", "price", ("22",))


def test_concede_is_offer_then_accept(deadlock):
    concede = parse_edit("beta concedes x=x2", deadlock).apply(deadlock)
    both = apply_edits(deadlock, ["beta offers x=x2", "beta accepts x=x2"])
    assert concede.party("beta").red_lines == both.party("beta").red_lines
    assert [c.options for c in concede.constraints] == [c.options for c in both.constraints]
    assert concede.constraints[0].id == "beta_concedes_x"


def test_an_edit_opens_a_known_zopa(deadlock):
    """By hand: x = x0 (B's line), y in {y1, y2} (A's line), minus (y1, z1) (A's if/then): 3."""
    assert solve(deadlock).counts.zopa == 0
    edited = apply_edits(deadlock, ["ap drops redline a_x", "bravo drops redline b_y"])
    result = solve(edited)
    assert result.counts.zopa == 3
    assert result.counts.zopa == solve_oracle(edited).counts["zopa"]


def test_weight_edit_keeps_the_total_and_shifts_the_rest_proportionally(car):
    edited = parse_edit("dealer weight price *1.5", car).apply(car)
    old, new = car.party("dealer"), edited.party("dealer")
    assert new.weight("price") == pytest.approx(1.5 * old.weight("price"))
    total = sum(p.weight for p in old.preferences.values())
    assert sum(p.weight for p in new.preferences.values()) == pytest.approx(total)
    assert new.weight("warranty") / new.weight("delivery") == pytest.approx(
        old.weight("warranty") / old.weight("delivery")
    )
    with pytest.raises(EditError, match="total"):
        parse_edit(f"dealer weight price ={total + 0.5}", car)


def test_reservation_edits_move_the_uncertainty_range(car):
    old = car.party("buyer")
    shifted = parse_edit("buyer reservation -0.1", car).apply(car).party("buyer")
    assert shifted.reservation == pytest.approx(old.reservation - 0.1)
    assert (shifted.reservation_range.low, shifted.reservation_range.high) == pytest.approx(
        (old.reservation_range.low - 0.1, old.reservation_range.high - 0.1)
    )
    assert (
        parse_edit("buyer reservation =0.5", car).apply(car).party("buyer").reservation_range
        is None
    )


def test_power_must_stay_positive(car):
    with pytest.raises(EditError, match="bargaining_power"):
        apply_edits(car, ["buyer power =0"])


def test_redundant_edits_compose_and_typos_do_not(car):
    once = apply_edits(car, ["dealer accepts price=20"])
    assert once == apply_edits(
        car, ["dealer accepts price=20", "dealer drops redline no_fire_sale"]
    )
    assert len(parse_edits(["dealer drops redline no_fire_sale"] * 2, car)) == 2
    with pytest.raises(EditError, match="no red line"):
        apply_edits(car, [DropRedLine("dealer", "no_fire_sail")])


def _with_parties(scenario: Scenario, *ids: str) -> Scenario:
    pref = {"price": Preference(1.0)}
    parties = tuple(
        Party(pid, pref, label=label)
        for pid, label in zip(ids, ["Buyer side", None, None], strict=False)
    )
    return dataclasses.replace(scenario, parties=parties, proposals=())


def test_party_aliases(car):
    s = _with_parties(car, "united_states", "russia", "ukraine")
    assert resolve_party(s, "us") == "united_states"
    assert resolve_party(s, "US") == "united_states"
    assert resolve_party(s, "buyer side") == "united_states"
    assert resolve_party(s, "Russia") == "russia"
    ambiguous = _with_parties(car, "united_states", "upper_side")
    with pytest.raises(EditError, match="ambiguous"):
        resolve_party(ambiguous, "us")


def test_numeric_operands_compare_values(car):
    assert Accept("dealer", "price", "<", "23").selection(car) == ("20", "22")
    assert Offer("buyer", "price", ">=", "24").selection(car) == ("24", "26")


def test_scaling_the_reservation_scales_its_range(car):
    edited = parse_edit("dealer reservation *1.1", car).apply(car)
    span, old = edited.party("dealer").reservation_range, car.party("dealer").reservation_range
    assert isinstance(span, Uncertainty) and span.low == pytest.approx(1.1 * old.low)


def test_every_comparison_selects_what_it_says(car: Scenario) -> None:
    """Written after the seed-5 measurement: ``select_options`` against the comparison itself,
    for every operator and every operand, on a numeric issue (by value) and on an ordered one (by
    position); an empty selection is refused with the options listed."""
    import operator

    from simulator.analysis.edits import COMPARISONS, select_options

    ops = {
        "<": operator.lt,
        "<=": operator.le,
        ">": operator.gt,
        ">=": operator.ge,
        "=": operator.eq,
        "!=": operator.ne,
    }
    assert set(COMPARISONS) == set(ops)
    for issue_id in ("price", "warranty"):
        issue = car.issue(issue_id)
        keys = [o.value if issue.numeric else k for k, o in enumerate(issue.options)]
        for op, compare in ops.items():
            for operand, key in zip(issue.option_ids, keys, strict=True):
                expected = tuple(
                    o for o, k in zip(issue.option_ids, keys, strict=True) if compare(k, key)
                )
                if expected:
                    assert select_options(issue, op, operand) == expected, (issue_id, op, operand)
                else:
                    with pytest.raises(EditError) as caught:
                        select_options(issue, op, operand)
                    assert str(caught.value) == (
                        f"no option of issue {issue_id!r} is {op} {operand} "
                        f"(options in order: {', '.join(issue.option_ids)})"
                    )
