"""The analyst's summary: the verdict, red-line conflicts, what a package asks of each party."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import simulator
from simulator.analysis.diagnosis import (
    Concession,
    RedLineConflict,
    concessions,
    interactions_applying,
    red_line_conflicts,
    red_lines_at_limit,
)
from simulator.model import Issue, Option, Party, Preference, Rule, Scenario
from simulator.report import analyst_summary

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def car() -> simulator.SolveResult:
    return simulator.solve(simulator.load_scenario(ROOT / "scenarios" / "textbook_car.yaml"))


# --- the textbook car: a ZOPA --------------------------------------------------------------------
def test_car_nash_concessions_by_hand(car: simulator.SolveResult) -> None:
    s = car.scenario
    nash = car.solutions["nash"]
    assert nash is not None and nash.outcome == (3, 2, 0)  # price 26, three years, fast
    asks = concessions(s, nash.outcome)
    # buyer: price 26 instead of 20 costs its whole price weight, 0.5 * (1 - 0)
    assert asks["buyer"] == (Concession("buyer", "price", "26", "20", pytest.approx(0.5)),)
    # dealer: warranty three years instead of none (0.3 * 1), fast instead of slow (0.2 * 1)
    assert [(c.issue, c.option, c.best) for c in asks["dealer"]] == [
        ("warranty", "three_years", "none"),
        ("delivery", "fast", "slow"),
    ]
    assert [c.loss for c in asks["dealer"]] == pytest.approx([0.3, 0.2])
    assert interactions_applying(s, nash.outcome) == {
        "buyer": (("worry_free", 0.05),),
        "dealer": (),
    }
    assert red_line_conflicts(s) == ()
    assert red_lines_at_limit(s, nash.outcome) == ()


def test_car_summary_reads_the_nash_solution(car: simulator.SolveResult) -> None:
    text = analyst_summary(car)
    assert text.startswith("## What the model finds\n\n**There is a zone of possible agreement.**")
    assert "11 of 36 packages (30.6%)" in text
    assert "### The Nash bargaining solution" in text
    assert "| Buyer | 0.550 | 0.400 | +0.150 |" in text
    assert "| Dealer | 0.500 | 0.250 | +0.250 |" in text
    assert "Price: *26* instead of *20* (−0.500)" in text
    assert "`worry_free` (+0.050)" in text
    assert "No red line is crossed or at its limit" in text
    assert "### Red lines that cannot all hold" not in text and "### What comes closest" not in text
    assert text.endswith(_description(car) + "\n")
    assert "### Notes" not in analyst_summary(car, notes=False)


def _description(result: simulator.SolveResult) -> str:
    assert result.scenario.description is not None
    return result.scenario.description.strip()


def test_red_lines_at_limit_need_another_party_to_gain_from_the_step(
    car: simulator.SolveResult,
) -> None:
    s = car.scenario
    # price 22 (the dealer's floor) and one-year warranty (the buyer's floor): each line stops a
    # step the other party wants
    assert red_lines_at_limit(s, (1, 1, 1)) == ("buyer:needs_warranty", "dealer:no_fire_sale")
    # at the top price the dealer's floor is far away
    assert red_lines_at_limit(s, (3, 1, 1)) == ("buyer:needs_warranty",)


def test_reservation_that_binds(car: simulator.SolveResult) -> None:
    s = car.scenario
    greedy = dataclasses.replace(
        s,
        parties=(dataclasses.replace(s.parties[0], reservation=0.9), s.parties[1]),
    )
    result = simulator.solve(greedy)
    assert result.counts.zopa == 0 and result.counts.feasible > 0
    text = analyst_summary(result, notes=False)
    assert f"{result.counts.feasible:,} of 36 packages" in text
    assert "respect every red line, but none gives every party its reservation utility" in text
    assert "### What comes closest" in text and "crosses no red line" in text
    assert "leaves 1 party(ies) below their reservation utility" in text
    assert "short by" in text
    assert (
        "Reservation utilities that bind (the package leaves these parties below no deal): Buyer."
        in text
    )
    assert "### Red lines that cannot all hold" not in text


def test_no_consistent_package(car: simulator.SolveResult) -> None:
    s = car.scenario
    everything = Rule("nothing_goes", "not", issue="price", options=s.issue("price").option_ids)
    result = simulator.solve(dataclasses.replace(s, constraints=(everything,)))
    text = analyst_summary(result, notes=False)
    assert "**No package is consistent**" in text
    assert "What comes closest" not in text


# --- a synthetic conflict scenario ---------------------------------------------------------------
def _issue(name: str, n: int) -> Issue:
    return Issue(name, tuple(Option(f"{name}{k}") for k in range(n)))


def conflict_scenario() -> Scenario:
    """Four issues, three parties; every kind of unary conflict once.

    - ``x``: A needs at least x2, B at most x1 (a pair);
    - ``y``: A forbids y1, C forbids y0 (a pair);
    - ``z``: B's own two lines exclude every option (a single party);
    - ``w``: A, B, C each forbid a different option of three (only the three together conflict);
    - ``v``: free of conflicts (A at least v1, B at most v1).
    """
    issues = tuple(_issue(n, k) for n, k in (("x", 4), ("y", 2), ("z", 2), ("w", 3), ("v", 3)))
    up = Preference(1.0, "linear", direction="increasing")
    down = Preference(1.0, "linear", direction="decreasing")
    a = Party(
        "a",
        {"x": up, "v": up},
        label="Alpha",
        red_lines=(
            Rule("x_high", "at_least", issue="x", bound="x2"),
            Rule("no_y1", "not", issue="y", options=("y1",)),
            Rule("no_w2", "not", issue="w", options=("w2",)),
            Rule("v_high", "at_least", issue="v", bound="v1"),
        ),
    )
    b = Party(
        "b",
        {"x": down, "v": down},
        label="Beta",
        red_lines=(
            Rule("x_low", "at_most", issue="x", bound="x1"),
            Rule("z_high", "at_least", issue="z", bound="z1"),
            Rule("z_low", "at_most", issue="z", bound="z0"),
            Rule("no_w0", "not", issue="w", options=("w0",)),
            Rule("v_low", "at_most", issue="v", bound="v1"),
        ),
    )
    c = Party(
        "c",
        {"y": down},
        label="Gamma",
        red_lines=(
            Rule("no_y0", "not", issue="y", options=("y0",)),
            Rule("no_w1", "not", issue="w", options=("w1",)),
        ),
    )
    return Scenario("conflicts", issues, (a, b, c), description="A synthetic conflict.")


def test_red_line_conflicts_of_every_kind() -> None:
    s = conflict_scenario()
    assert red_line_conflicts(s) == (
        RedLineConflict("x", ("a", "b"), ("a:x_high", "b:x_low"), (("x2", "x3"), ("x0", "x1"))),
        RedLineConflict("y", ("a", "c"), ("a:no_y1", "c:no_y0"), (("y0",), ("y1",))),
        RedLineConflict("z", ("b",), ("b:z_high", "b:z_low"), ((),)),
        RedLineConflict(
            "w",
            ("a", "b", "c"),
            ("a:no_w2", "b:no_w0", "c:no_w1"),
            (("w0", "w1"), ("w1", "w2"), ("w0", "w2")),
        ),
    )


def test_conflict_summary_names_each_conflict_and_the_closest_package() -> None:
    s = conflict_scenario()
    result = simulator.solve(s)
    assert result.counts.feasible == 0 and result.closest is not None
    # one crossing per conflicting issue at least, and the closest needs no more
    assert len(result.closest.crossed) == 4
    text = analyst_summary(result)
    assert "**There is no zone of possible agreement.** None of the" in text
    assert "### Red lines that cannot all hold" in text
    assert (
        "- `x`: Alpha (`x_high`) allows *x2*, *x3*; Beta (`x_low`) allows *x0*, *x1*. "
        "Together they leave no option in common." in text
    )
    assert (
        "- `z`: Beta (`z_high`, `z_low`) allows nothing. Together they exclude every option."
        in text
    )
    assert "Alpha (`no_w2`) allows *w0*, *w1*; Beta (`no_w0`) allows *w1*, *w2*; Gamma" in text
    assert "`v`" not in text.split("### What comes closest")[0]  # no conflict on v
    assert "### What comes closest" in text and "crosses 4 red line(s)" in text
    assert "- Crossed by the package: " in text
    for label in result.closest.crossed:
        party, _, rule = label.partition(":")
        assert f"{s.party(party).display}: " in text and f"(`{rule}`)" in text
    assert text.endswith("### Notes\n\nA synthetic conflict.\n")


def test_conflicts_ignore_lines_over_several_issues() -> None:
    s = conflict_scenario()
    cross = Rule(
        "pair",
        "exclude",
        condition=simulator.Condition.of({"x": ["x0", "x1", "x2", "x3"], "v": ["v0", "v1", "v2"]}),
    )
    # Alpha's only line now forbids every package, but over two issues: not a unary conflict
    a = dataclasses.replace(s.parties[0], red_lines=(cross,))
    plain = dataclasses.replace(s, parties=(a, s.parties[1], s.parties[2]))
    assert simulator.solve(plain, closest=False).counts.feasible == 0
    assert {c.issue for c in red_line_conflicts(plain)} == {"z"}


# --- diagnosis is data, the summary is blocks built from it --------------------------------------
def test_diagnosis_returns_frozen_data(car: simulator.SolveResult) -> None:
    nash = car.solutions["nash"]
    assert nash is not None
    found = concessions(car.scenario, nash.outcome)["dealer"]
    assert all(dataclasses.is_dataclass(c) for c in found)
    with pytest.raises(dataclasses.FrozenInstanceError):
        found[0].loss = 0.0  # type: ignore[misc]


def test_summary_is_built_as_blocks_not_parsed_back(car: simulator.SolveResult) -> None:
    from simulator.report import BulletList, Table, blocks_markdown, summary_blocks

    blocks = summary_blocks(car)
    lists = [b for b in blocks if isinstance(b, BulletList)]
    assert [len(b.items) for b in lists] == [2, 1]  # what it asks of each party; what binds
    assert any(isinstance(b, Table) and b.header[0] == "party" for b in blocks)
    assert analyst_summary(car) == blocks_markdown(blocks)
