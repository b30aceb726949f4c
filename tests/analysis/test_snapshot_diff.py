"""``snapshot_changes`` one edit at a time: each kind of item the module's Notation lists
(a party's label, reservation, weights, red lines of every form, interaction and ratification
terms, constraints, proposals, issues), changed in value or only in its source, gives exactly
one change of that kind, with the texts and the sources before and after."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from simulator.analysis.snapshot_diff import snapshot_changes
from simulator.formats import load_scenario
from simulator.model import Condition, Ratification, Rule, Scenario

ROOT = Path(__file__).resolve().parents[2]
IMPLIES = Rule(
    "fast_if_long",
    "implies",
    condition=Condition.of({"warranty": ["three_years"]}),
    consequence=Condition.of({"delivery": ["fast"]}),
    source="s1",
)
EXCLUDE = Rule(
    "no_slow_cheap", "exclude", condition=Condition.of({"delivery": ["slow"]}), source="s1"
)
VOTE = Ratification("board", Condition.of({"warranty": ["three_years"]}), 0.5, ratifier="board")


def base() -> Scenario:
    """The car deal with a red line of every form for the buyer and a vote for the dealer."""
    s = load_scenario(ROOT / "scenarios" / "textbook_car.yaml")
    buyer, dealer = s.parties
    lines = (*buyer.red_lines, IMPLIES, EXCLUDE)
    return dataclasses.replace(
        s,
        parties=(
            dataclasses.replace(buyer, red_lines=lines),
            dataclasses.replace(dealer, ratification=(VOTE,)),
        ),
    )


def _party(s: Scenario, k: int, **changes: object) -> Scenario:
    parties = list(s.parties)
    parties[k] = dataclasses.replace(parties[k], **changes)  # type: ignore[arg-type]
    return dataclasses.replace(s, parties=tuple(parties))


def _line(s: Scenario, rule_id: str, **changes: object) -> Scenario:
    buyer = s.parties[0]
    lines = tuple(
        dataclasses.replace(r, **changes) if r.id == rule_id else r  # type: ignore[arg-type]
        for r in buyer.red_lines
    )
    return _party(s, 0, red_lines=lines)


def _term(s: Scenario, **changes: object) -> Scenario:
    buyer = s.parties[0]
    (term,) = buyer.interactions
    return _party(s, 0, interactions=(dataclasses.replace(term, **changes),))  # type: ignore[arg-type]


EDITS: dict[str, tuple[Callable[[Scenario], Scenario], tuple[str, str | None, str, str]]] = {
    # name: (edit, (kind, party, item, change))
    "label": (lambda s: _party(s, 1, label="Car dealer"), ("party", None, "dealer", "changed")),
    "implies": (
        lambda s: _line(s, "fast_if_long", consequence=Condition.of({"delivery": ["standard"]})),
        ("red_line", "buyer", "fast_if_long", "changed"),
    ),
    "implies re-sourced": (
        lambda s: _line(s, "fast_if_long", source="s2"),
        ("red_line", "buyer", "fast_if_long", "re-sourced"),
    ),
    "exclude": (
        lambda s: _line(s, "no_slow_cheap", condition=Condition.of({"delivery": ["standard"]})),
        ("red_line", "buyer", "no_slow_cheap", "changed"),
    ),
    "bonus": (lambda s: _term(s, bonus=0.1), ("interaction", "buyer", "worry_free", "changed")),
    "bonus re-sourced": (
        lambda s: _term(s, source="new"),
        ("interaction", "buyer", "worry_free", "re-sourced"),
    ),
    "vote": (
        lambda s: _party(s, 1, ratification=(dataclasses.replace(VOTE, probability=0.25),)),
        ("ratification", "dealer", "board", "changed"),
    ),
    "vote removed": (
        lambda s: _party(s, 1, ratification=()),
        ("ratification", "dealer", "board", "removed"),
    ),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_one_edit_is_one_change_with_its_texts_and_sources(name: str) -> None:
    a = base()
    edit, want = EDITS[name]
    b = edit(a)
    (change,) = snapshot_changes(a, b)
    assert (change.kind, change.party, change.item, change.change) == want
    assert snapshot_changes(b, a)[0].change == {"added": "removed", "removed": "added"}.get(
        want[3], want[3]
    )
    if change.change == "re-sourced":
        assert change.before == change.after is not None
        assert change.source_before != change.source_after
    elif change.change == "changed":
        assert None not in (change.before, change.after) and change.before != change.after


def test_the_texts_name_each_form_of_rule_and_term() -> None:
    a = base()
    by_name = {name: snapshot_changes(a, edit(a))[0] for name, (edit, _) in EDITS.items()}
    assert by_name["label"].before == "Dealer" and by_name["label"].after == "Car dealer"
    assert by_name["implies"].before == (
        "if {'warranty': ['three_years']} then {'delivery': ['fast']}"
    )
    assert by_name["implies"].after.endswith("then {'delivery': ['standard']}")
    assert by_name["implies re-sourced"].source_before == "s1"
    assert by_name["implies re-sourced"].source_after == "s2"
    assert by_name["exclude"].before == "exclude {'delivery': ['slow']}"
    assert by_name["bonus"].before.endswith(": +0.05") and by_name["bonus"].after.endswith(": +0.1")
    assert by_name["vote"].before == "board on {'warranty': ['three_years']}: p = 0.5"
    assert by_name["vote"].after.endswith("p = 0.25")


def test_a_weight_removed_and_a_bound_turned_are_listed_whole() -> None:
    """Written after the seed-5 measurement: every change of one snapshot pair, each compared
    whole (the JSON of ``bargain diff``): a weight changed with its new source, a weight removed
    (its old value, no new one), and a red line turned from ``at_least`` into ``at_most``."""
    car = load_scenario(ROOT / "scenarios" / "textbook_car.yaml")
    buyer = car.party("buyer")
    prefs = {k: v for k, v in buyer.preferences.items() if k != "delivery"}
    prefs["price"] = dataclasses.replace(prefs["price"], weight=0.6, source="new survey")
    dealer = car.party("dealer")
    (no_fire_sale,) = dealer.red_lines
    turned = dataclasses.replace(no_fire_sale, kind="at_most", bound="24")
    later = dataclasses.replace(
        car,
        parties=(
            dataclasses.replace(buyer, preferences=prefs),
            dataclasses.replace(dealer, red_lines=(turned,)),
        ),
    )
    assert [c.to_dict() for c in snapshot_changes(car, later)] == [
        {
            "kind": "weight",
            "party": "buyer",
            "item": "price",
            "change": "changed",
            "before": "0.5",
            "after": "0.6",
            "source_before": "assumption; additive scoring as in [raiffa]",
            "source_after": "new survey",
        },
        {
            "kind": "weight",
            "party": "buyer",
            "item": "delivery",
            "change": "removed",
            "before": "0.2",
            "after": None,
            "source_before": "assumption",
            "source_after": None,
        },
        {
            "kind": "red_line",
            "party": "dealer",
            "item": "no_fire_sale",
            "change": "changed",
            "before": "price >= 22",
            "after": "price <= 24",
            "source_before": "assumption: below cost",
            "source_after": "assumption: below cost",
        },
    ]


def test_a_party_removed_and_a_new_title_and_date_are_listed_whole() -> None:
    """Written after the seed-6 measurement: the first party removed does not hide the changes of
    the parties after it, and a new title and date are listed with their old and new values."""
    car = load_scenario(ROOT / "scenarios" / "textbook_car.yaml")
    dealer = dataclasses.replace(car.party("dealer"), reservation=0.3)
    later = dataclasses.replace(car, parties=(dealer,), title="Car, later", date="2026-12-06")

    def change(kind: str, party: str | None, item: str, change: str, before, after, sources=None):
        s0, s1 = sources or (None, None)
        return {
            "kind": kind,
            "party": party,
            "item": item,
            "change": change,
            "before": before,
            "after": after,
            "source_before": s0,
            "source_after": s1,
        }

    next_customer = "assumption: the next customer"
    assert [c.to_dict() for c in snapshot_changes(car, later)] == [
        change("party", None, "buyer", "removed", "Buyer", None),
        change(
            "reservation",
            "dealer",
            "dealer",
            "changed",
            "0.25 (0.15 to 0.35)",
            "0.3 (0.15 to 0.35)",
            (next_customer, next_customer),
        ),
        change("snapshot", None, "date", "changed", "2025-01-01", "2026-12-06"),
        change(
            "snapshot", None, "title", "changed", "Buying a car (textbook example)", "Car, later"
        ),
    ]
