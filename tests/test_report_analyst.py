"""The report as an analyst reads it (issue 16, item 5): labels with ids only in parentheses, honest
column names, no empty sections or all-zero rows, the description and the verdict said once."""

from __future__ import annotations

import re

from simulator import load_scenario, solve
from simulator.analysis.diagnosis import red_lines_at_limit
from simulator.model import Issue, Option, Party, Preference, Rule, Scenario
from simulator.report import render
from simulator.report.proposals import ACCEPTS
from simulator.report.solve import verdict
from tests.analysis.test_gaps import three_parties

CAR = "scenarios/textbook_car.yaml"


def test_the_verdict_names_red_lines_by_label_with_the_id_in_parentheses() -> None:
    result = solve(three_parties())  # Beta's and Gamma's lines on x do not meet: no ZOPA
    text = verdict(result)
    assert result.counts.zopa == 0 and result.closest is not None and result.closest.crossed
    assert "red_line:" not in text
    assert not re.search(r"(?<!`)\b[abc]:x_at_", text), text  # no party:rule id outside backticks
    assert re.search(
        r"(Beta|Gamma): Issue X at (most|least) \*x\d\* \(`x_at_(most|least)_\d`\)", text
    )


def test_the_solve_report_says_the_verdict_and_the_description_once() -> None:
    s = load_scenario(CAR)
    text = render(solve(s), "markdown")
    assert text.count("There is a zone of possible agreement") == 1
    assert text.count(s.description.split(".")[0]) == 1
    assert "### Notes" not in text


def test_no_empty_frontier_section_and_no_all_zero_rows() -> None:
    from simulator.analysis.figure_data import figure_data
    from simulator.report.full import report_blocks
    from simulator.report.markdown import blocks_markdown

    result = solve(three_parties())
    data = figure_data(result, ["option_map"])
    text = blocks_markdown(
        report_blocks(
            result,
            zopa_options=data.zopa_options,
            feasible_options=data.feasible_options,
            option_rules=data.option_rules,
        )
    )
    assert "Pareto frontier" not in text  # the ZOPA is empty: no section for its frontier
    issue_space = text.split("## Issue space")[1].split("\n## ")[0]
    assert "| 0% |" not in issue_space
    assert "Left out: 2 option(s)" in issue_space  # y0 and y1: every x crosses a line
    assert "Beta (`x_at_most_1`)" in issue_space


def test_the_proposals_column_says_what_it_means() -> None:
    from simulator.evaluate import ProposalEvaluations, evaluate_proposals

    s = load_scenario(CAR)
    text = render(ProposalEvaluations(s, tuple(evaluate_proposals(s))), "markdown")
    assert ACCEPTS in text and "prefer it to no deal" not in text
    assert "acceptable in every completion (red lines and reservation)" == ACCEPTS


def test_a_line_does_not_hold_a_package_back_for_a_party_that_forbids_the_step_itself() -> None:
    """x0 < x1 < x2; the package takes x1. A forbids x0 and B values x0 most, so A's line holds
    the package back; once B's own line forbids x0 too, it no longer does."""
    x = Issue("x", tuple(Option(f"x{k}") for k in range(3)))
    a_line = Rule("not_x0", "not", issue="x", options=("x0",))
    a = Party("a", {"x": Preference(1.0)}, red_lines=(a_line,))
    b = Party("b", {"x": Preference(1.0, direction="decreasing")})
    s = Scenario("hold", issues=(x,), parties=(a, b))
    assert red_lines_at_limit(s, (1,)) == ("a:not_x0",)
    b_line = Rule("b_not_x0", "not", issue="x", options=("x0",))
    s2 = Scenario("hold", issues=(x,), parties=(a, Party("b", b.preferences, red_lines=(b_line,))))
    assert "a:not_x0" not in red_lines_at_limit(s2, (1,))


def test_under_a_decision_rule_the_verdict_is_said_once_and_whole() -> None:
    text = render(solve(load_scenario("scenarios/siting_six.yaml")), "markdown")
    assert text.count("Packages pass the decision rule") == 1
    assert "\n(at least" not in text
