"""The scenario model: forbidden regions of each rule kind against an oracle, and validation."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.errors import ScenarioError
from simulator.model import (
    Condition,
    Interaction,
    Issue,
    Option,
    Party,
    Preference,
    Proposal,
    Rule,
    Scenario,
    Uncertainty,
    forbidden_regions,
)
from tests import strategies


def issue(name: str, *options: str) -> Issue:
    return Issue(name, tuple(Option(o) for o in options))


X = issue("x", "a", "b", "c", "d")
Y = issue("y", "p", "q", "r")
Z = issue("z", "s", "t")
ISSUES = {i.id: i for i in (X, Y, Z)}


def holds(condition: Condition, outcome: Mapping[str, str]) -> bool:
    return all(outcome[i] in opts for i, opts in condition.clauses)


def crosses(rule: Rule, outcome: Mapping[str, str], issues: Mapping[str, Issue]) -> bool:
    """The oracle: does ``outcome`` cross ``rule``, straight from the rule's definition."""
    if rule.issue is not None:
        chosen = outcome[rule.issue]
        if rule.kind == "not":
            return chosen in rule.options
        order = issues[rule.issue].option_ids
        k, bound = order.index(chosen), order.index(str(rule.bound))
        return k < bound if rule.kind == "at_least" else k > bound
    assert rule.condition is not None
    if rule.kind == "exclude":
        return holds(rule.condition, outcome)
    assert rule.consequence is not None
    return holds(rule.condition, outcome) and not holds(rule.consequence, outcome)


def outcomes(issues: Mapping[str, Issue]) -> list[dict[str, str]]:
    names = list(issues)
    return [
        dict(zip(names, combo, strict=True))
        for combo in itertools.product(*(issues[n].option_ids for n in names))
    ]


def assert_regions_match_oracle(rule: Rule, issues: Mapping[str, Issue]) -> None:
    regions = forbidden_regions(rule, issues)
    for outcome in outcomes(issues):
        in_region = any(holds(r, outcome) for r in regions)
        assert in_region == crosses(rule, outcome, issues), outcome


def region(**clauses: str) -> Condition:
    return Condition(tuple((k, tuple(v)) for k, v in clauses.items()))


# --- forbidden regions, one kind at a time --------------------------------------------------------
@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (Rule("r", "not", issue="x", options=("b", "d")), (region(x="bd"),)),
        (Rule("r", "not", issue="x", options=("a", "b", "c", "d")), (region(x="abcd"),)),
        (Rule("r", "at_least", issue="x", bound="c"), (region(x="ab"),)),
        (Rule("r", "at_least", issue="x", bound="a"), ()),
        (Rule("r", "at_most", issue="x", bound="b"), (region(x="cd"),)),
        (Rule("r", "at_most", issue="x", bound="d"), ()),
        (Rule("r", "exclude", condition=region(x="a", y="pq")), (region(x="a", y="pq"),)),
        (
            Rule("r", "implies", condition=region(x="a"), consequence=region(y="p")),
            (region(x="a", y="qr"),),
        ),
    ],
    ids=[
        "not",
        "not-all",
        "at_least",
        "at_least-first",
        "at_most",
        "at_most-last",
        "exclude",
        "if",
    ],
)
def test_forbidden_regions(rule: Rule, expected: tuple[Condition, ...]) -> None:
    assert forbidden_regions(rule, ISSUES) == expected
    assert_regions_match_oracle(rule, ISSUES)


def test_implies_with_several_consequences_forbids_each_failure() -> None:
    rule = Rule("r", "implies", condition=region(x="ab"), consequence=region(y="p", z="t"))
    assert forbidden_regions(rule, ISSUES) == (region(x="ab", y="qr"), region(x="ab", z="s"))
    assert_regions_match_oracle(rule, ISSUES)


def test_implies_on_the_issue_of_its_condition() -> None:
    # if x in {a, b} then x in {b, c}: only x = a is forbidden
    rule = Rule("r", "implies", condition=region(x="ab"), consequence=region(x="bc"))
    assert forbidden_regions(rule, ISSUES) == (region(x="a"),)
    assert_regions_match_oracle(rule, ISSUES)


def test_implies_overlap_mixed_with_another_issue() -> None:
    rule = Rule("r", "implies", condition=region(x="ab", z="s"), consequence=region(x="bc", y="q"))
    assert forbidden_regions(rule, ISSUES) == (
        region(x="a", z="s"),
        region(x="ab", z="s", y="pr"),
    )
    assert_regions_match_oracle(rule, ISSUES)


@pytest.mark.parametrize(
    "consequence",
    [region(x="abcd"), region(x="abc"), region(y="pqr", x="ab")],
    ids=["whole-issue", "covers-condition", "whole-and-covers"],
)
def test_implies_that_always_holds_forbids_nothing(consequence: Condition) -> None:
    rule = Rule("r", "implies", condition=region(x="ab"), consequence=consequence)
    assert forbidden_regions(rule, ISSUES) == ()
    assert_regions_match_oracle(rule, ISSUES)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_forbidden_regions_match_the_oracle(data: st.DataObject) -> None:
    issues = data.draw(strategies.issues(max_issues=3, max_options=3))
    rule = data.draw(strategies.rules(issues, "r"))
    assert_regions_match_oracle(rule, {i.id: i for i in issues})


# --- small helpers of the model -------------------------------------------------------------------
def test_condition_helpers() -> None:
    c = Condition.of({"x": "a", "y": ["p", "q"]})
    assert c.clauses == (("x", ("a",)), ("y", ("p", "q")))
    assert c.as_dict() == {"x": ["a"], "y": ["p", "q"]}
    assert c.issues == ("x", "y")


def test_rule_issues_and_unary() -> None:
    assert Rule("r", "at_most", issue="x", bound="b").issues == ("x",)
    both = Rule("r", "implies", condition=region(x="a", y="p"), consequence=region(z="s", x="b"))
    assert both.issues == ("x", "y", "z") and not both.unary
    assert Rule("r", "exclude", condition=region(y="p")).unary


def test_issue_and_scenario_lookups() -> None:
    s = Scenario("s", (X, Y), (Party("p", {"x": Preference(1.0)}),))
    assert X.index("c") == 2
    assert s.issue("y") is Y and s.party("p").weight("x") == 1.0 and s.party("p").weight("y") == 0
    assert s.n_outcomes == 12
    with pytest.raises(ScenarioError, match="did you mean 'b'"):
        X.index("bb")
    with pytest.raises(ScenarioError, match="no party 'q'"):
        s.party("q")


# --- validation in __post_init__ ------------------------------------------------------------------
def scenario(**changes: object) -> Scenario:
    """A valid scenario, with some of its parts replaced."""
    parts: dict[str, object] = {
        "issues": (X, Y),
        "parties": (Party("p", {"x": Preference(1.0)}),),
    }
    parts.update(changes)
    return Scenario("s", **parts)  # type: ignore[arg-type]


def party(**changes: object) -> Party:
    fields: dict[str, object] = {"preferences": {"x": Preference(1.0)}} | changes
    return Party("p", **fields)  # type: ignore[arg-type]


INVALID: dict[str, tuple[Callable[[], object], str]] = {
    "blank option id": (lambda: Option(" "), "option id must be a non-empty string"),
    "issue without options": (lambda: Issue("x", ()), "has no options"),
    "repeated option ids": (lambda: issue("x", "a", "a"), "repeats option ids ['a']"),
    "empty condition": (lambda: Condition(()), "must name at least one issue"),
    "condition repeats issue": (
        lambda: Condition((("x", ("a",)), ("x", ("b",)))),
        "names an issue twice",
    ),
    "uncertainty reversed": (lambda: Uncertainty(1, 0), "needs low <= high"),
    "uncertainty infinite": (lambda: Uncertainty(0, float("inf")), "needs low <= high"),
    "unknown distribution": (lambda: Uncertainty(0, 1, "normal"), "uniform' or 'triangular"),  # type: ignore[arg-type]
    "mode outside": (lambda: Uncertainty(0, 1, "triangular", 2), "mode 2 lies outside"),
    "negative weight": (lambda: Preference(-1.0), "weight must be a finite number >= 0"),
    "nan weight": (lambda: Preference(float("nan")), "weight must be a finite number >= 0"),
    "unknown value kind": (lambda: Preference(1.0, "step"), "table, linear or ideal"),  # type: ignore[arg-type]
    "unknown direction": (lambda: Preference(1.0, direction="up"), "'increasing' or 'decreasing'"),  # type: ignore[arg-type]
    "zero exponent": (lambda: Preference(1.0, exponent=0), "exponent must be a finite number > 0"),
    "table without values": (lambda: Preference(1.0, "table"), "needs a value for every option"),
    "table value above 1": (
        lambda: Preference(1.0, "table", table=(0.0, 1.5)),
        "table values must lie in [0, 1], got [1.5]",
    ),
    "ideal without peak": (lambda: Preference(1.0, "ideal"), "needs a peak option"),
    "zero spread": (lambda: Preference(1.0, "ideal", peak="a", spread=0), "spread must be"),
    "infinite bonus": (
        lambda: Interaction("t", region(x="a"), float("inf")),
        "bonus must be a finite number",
    ),
    "probability above 1": (
        lambda: Rule("r", "not", issue="x", options=("a",), probability=1.5),
        "probability must lie in [0, 1]",
    ),
    "probability range above 1": (
        lambda: Rule("r", "exclude", condition=region(x="a"), probability_range=Uncertainty(0, 2)),
        "probability_range must lie in [0, 1]",
    ),
    "unknown rule kind": (lambda: Rule("r", "never"), "unknown kind 'never'"),  # type: ignore[arg-type]
    "not without options": (lambda: Rule("r", "not", issue="x"), "is missing its fields"),
    "at_least without bound": (lambda: Rule("r", "at_least", issue="x"), "is missing its fields"),
    "implies without consequence": (
        lambda: Rule("r", "implies", condition=region(x="a")),
        "is missing its fields",
    ),
    "exclude without condition": (lambda: Rule("r", "exclude"), "is missing its fields"),
    "infinite reservation": (
        lambda: party(reservation=float("inf")),
        "reservation must be a finite number",
    ),
    "zero bargaining power": (lambda: party(bargaining_power=0), "bargaining_power must be"),
    "zero discount": (lambda: party(discount=0), "discount must lie in (0, 1]"),
    "zero weight concentration": (
        lambda: party(weight_concentration=0),
        "weight_concentration must be > 0",
    ),
    "repeated red line ids": (
        lambda: party(red_lines=(Rule("r", "exclude", condition=region(x="a")),) * 2),
        "repeats red line ids ['r']",
    ),
    "blank proposal id": (lambda: Proposal("", {}), "proposal id must be a non-empty string"),
    "no issues": (lambda: scenario(issues=()), "needs at least one issue"),
    "no parties": (lambda: scenario(parties=()), "needs at least one party"),
    "repeated issue ids": (lambda: scenario(issues=(X, X)), "issue ids must be unique"),
    "preference for unknown issue": (
        lambda: scenario(parties=(party(preferences={"w": Preference(1.0)}),)),
        "no issue 'w'",
    ),
    "table of the wrong length": (
        lambda: scenario(parties=(party(preferences={"y": Preference(1, "table", table=(1,))}),)),
        "table for 'y' has 1 values, the issue has 3 options",
    ),
    "ideal peak not an option": (
        lambda: scenario(parties=(party(preferences={"y": Preference(1, "ideal", peak="a")}),)),
        "issue 'y' has no option 'a'",
    ),
    "interaction with unknown option": (
        lambda: scenario(parties=(party(interactions=(Interaction("t", region(y="a"), 0.1),)),)),
        "interaction 't': issue 'y' has no option 'a'",
    ),
    "red line on unknown issue": (
        lambda: scenario(parties=(party(red_lines=(Rule("r", "at_most", issue="w", bound="a"),)),)),
        "red line 'r': no issue 'w'",
    ),
    "constraint with unknown bound": (
        lambda: scenario(constraints=(Rule("c", "at_most", issue="x", bound="e"),)),
        "constraint 'c': issue 'x' has no option 'e'",
    ),
    "proposal with unknown option": (
        lambda: scenario(proposals=(Proposal("P", {"y": ("z",)}),)),
        "issue 'y' has no option 'z'",
    ),
}


@pytest.mark.parametrize("case", INVALID.values(), ids=list(INVALID))
def test_validation(case: tuple[Callable[[], object], str]) -> None:
    build, fragment = case
    with pytest.raises(ScenarioError) as info:
        build()
    assert fragment in info.value.message


def test_valid_parts_build() -> None:
    s = scenario(
        parties=(
            party(
                reservation=0.5,
                reservation_range=Uncertainty(0.4, 0.6, "triangular", 0.5),
                red_lines=(Rule("r", "not", issue="y", options=("p",), probability=0.5),),
                interactions=(Interaction("t", region(x="a", y="q"), -0.1),),
                discount=1.0,
            ),
        ),
        constraints=(Rule("c", "implies", condition=region(x="a"), consequence=region(y="q")),),
        proposals=(Proposal("P", {"x": ("a", "b")}),),
    )
    assert s.parties[0].red_lines[0].probability == 0.5
