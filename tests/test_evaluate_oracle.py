"""``evaluate_proposal`` against a brute-force min/max over every completion (issue 22: the bundled
proposals all have completions acceptable to both parties, so four wrong versions of
``evaluate.py`` passed the hand-computed tests)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.evaluate import ENUMERATE_LIMIT, ProposalEvaluations, evaluate_proposal
from simulator.model import Proposal, Scenario
from tests import strategies
from tests.oracle import enumerate_rows

TOL = 1e-9


@st.composite
def proposal_of(draw: st.DrawFn, scenario: Scenario) -> Proposal:
    """Each issue fixed to one option, restricted to some, or left open."""
    options = {}
    for issue in scenario.issues:
        kind = draw(st.sampled_from(["fixed", "some", "open"]))
        if kind == "fixed":
            options[issue.id] = (draw(st.sampled_from(issue.option_ids)),)
        elif kind == "some":
            chosen = draw(st.lists(st.sampled_from(issue.option_ids), min_size=1, unique=True))
            options[issue.id] = tuple(chosen)
    return Proposal("drawn", options)


@pytest.mark.parametrize("limit", [ENUMERATE_LIMIT, 0], ids=["listed", "searched"])
@settings(max_examples=150, deadline=None, database=None)
@given(st.data())
def test_partial_proposals_match_brute_force(limit: int, data: st.DataObject) -> None:
    scenario = data.draw(strategies.scenarios(max_issues=3, max_options=3, max_parties=3))
    proposal = data.draw(proposal_of(scenario))
    e = evaluate_proposal(scenario, proposal, enumerate_limit=limit)
    rows = [
        r
        for r in enumerate_rows(scenario)
        if r.consistent and all(r.named[i] in opts for i, opts in proposal.options.items())
    ]
    assert e.completions == len(rows)
    fixed = [len(proposal.options.get(i.id, ())) == 1 for i in scenario.issues]
    assert e.complete == all(fixed)
    if not rows:
        return
    red = [f"{p.id}:{r.id}" for p in scenario.parties for r in p.red_lines]
    crossed = {k for k in red if all(k in r.crossed for r in rows)}
    at_risk = {k for k in red if any(k in r.crossed for r in rows)} - crossed
    assert {f"{p}:{r}" for p, r in e.red_lines_crossed} == crossed
    assert {f"{p}:{r}" for p, r in e.red_lines_at_risk} == at_risk
    for j, party in enumerate(scenario.parties):
        us = [r.u[j] for r in rows]
        assert abs(e.low[j] - min(us)) < TOL and abs(e.high[j] - max(us)) < TOL
        d = party.reservation
        assert abs(e.shortfall[j] - max(0.0, d - max(us))) < TOL or (
            abs(max(us) - d) < TOL and e.shortfall[j] < TOL
        )

        def fine(r, j=j, d=d, pid=party.id):  # type: ignore[no-untyped-def]
            return r.u[j] >= d - TOL and not any(k.startswith(f"{pid}:") for k in r.crossed)

        near = any(abs(r.u[j] - d) < TOL for r in rows)  # a tie: either answer is rounding
        if not near:
            assert (party.id in e.acceptable_to) == all(fine(r) for r in rows)
            assert (party.id in e.acceptable_to_some) == any(fine(r) for r in rows)


@settings(max_examples=100, deadline=None, database=None)
@given(st.data())
def test_the_json_says_what_brute_force_says(data: st.DataObject) -> None:
    """``bargain evaluate --json`` (``to_dict``) against the same brute force: the JSON is what
    users read, so each of its fields is checked, not only the object's (a mutation run left 27
    mutants of the two ``to_dict`` methods alive)."""
    from simulator.evaluate import ProposalEvaluations

    scenario = data.draw(strategies.scenarios(max_issues=3, max_options=3, max_parties=3))
    proposal = data.draw(proposal_of(scenario))
    e = evaluate_proposal(scenario, proposal)
    rows = [
        r
        for r in enumerate_rows(scenario)
        if r.consistent and all(r.named[i] in opts for i, opts in proposal.options.items())
    ]
    out = ProposalEvaluations(scenario, (e,), "drawn.yaml").to_dict()
    assert out["source"] == "drawn.yaml" and len(out["proposals"]) == 1
    got = out["proposals"][0]
    assert (got["name"], got["label"], got["date"], got["source"]) == ("drawn", "drawn", None, None)
    assert got["completions"] == len(rows)
    assert got["complete"] == all(len(proposal.options.get(i.id, ())) == 1 for i in scenario.issues)
    assert set(got) == {
        "name", "label", "date", "source", "complete", "completions", "utilities",
        "red_lines_crossed", "red_lines_at_risk", "acceptable_to", "acceptable_to_some",
        "shortfall", "nash_completion",
    }  # fmt: skip
    if not rows:
        assert got["nash_completion"] is None
        return
    red = [(p.id, r.id) for p in scenario.parties for r in p.red_lines]
    key = [f"{p}:{r}" for p, r in red]
    crossed = [
        {"party": p, "id": r}
        for (p, r), k in zip(red, key, strict=True)
        if all(k in x.crossed for x in rows)
    ]
    at_risk = [
        {"party": p, "id": r}
        for (p, r), k in zip(red, key, strict=True)
        if any(k in x.crossed for x in rows) and {"party": p, "id": r} not in crossed
    ]
    assert sorted(got["red_lines_crossed"], key=str) == sorted(crossed, key=str)
    assert sorted(got["red_lines_at_risk"], key=str) == sorted(at_risk, key=str)
    assert got["acceptable_to"] == list(e.acceptable_to)
    assert got["acceptable_to_some"] == list(e.acceptable_to_some)
    assert set(got["acceptable_to"]) <= set(got["acceptable_to_some"])
    for j, party in enumerate(scenario.parties):
        us = [r.u[j] for r in rows]
        shown = got["utilities"][party.id]
        if got["complete"]:
            assert abs(shown - us[0]) < TOL and len(set(us)) == 1
        else:
            assert set(shown) == {"min", "max"}
            assert abs(shown["min"] - min(us)) < TOL and abs(shown["max"] - max(us)) < TOL
        assert abs(got["shortfall"][party.id] - max(0.0, party.reservation - max(us))) < 1e-6
    nash = got["nash_completion"]
    if nash is not None:
        assert any(all(r.named[i] == o for i, o in nash["outcome"].items()) for r in rows), (
            "the Nash completion is not a completion of the proposal"
        )


def _same(scenario: Scenario, proposals: list[Proposal]) -> None:
    """The listed and the searched evaluation give the same JSON, Nash completion included."""
    listed = tuple(evaluate_proposal(scenario, p) for p in proposals)
    searched = tuple(evaluate_proposal(scenario, p, enumerate_limit=0) for p in proposals)
    assert json.dumps(ProposalEvaluations(scenario, listed).to_dict(), sort_keys=True) == (
        json.dumps(ProposalEvaluations(scenario, searched).to_dict(), sort_keys=True)
    )


@settings(max_examples=150, deadline=None, database=None)
@given(st.data())
def test_listing_and_search_agree(data: st.DataObject) -> None:
    """Exactly, on drawn scenarios with terms, constraints and multi-issue red lines."""
    scenario = data.draw(strategies.scenarios(max_issues=4, max_options=3, max_parties=3))
    _same(scenario, [data.draw(proposal_of(scenario))])


@pytest.mark.parametrize(
    "edits",
    [
        [],
        [
            "ukraine drops redline donbas_withdrawal_at_most_1",
            "ukraine drops redline nato_at_most_2",
        ],
        ["russia reservation =0.4", "united_states weight donbas_withdrawal *1.5"],
        ["european_union concedes nato=silent_moratorium"],
    ],
)
def test_listing_and_search_agree_on_the_december_proposals(edits: list[str]) -> None:
    """Six real proposals (one with 1.7 million completions) under edits an analyst makes."""
    from simulator.analysis.edits import apply_edits
    from simulator.formats import load_scenario

    root = Path(__file__).resolve().parents[1]
    scenario = apply_edits(load_scenario(root / "scenarios" / "ukraine_2025-12.yaml"), edits)
    _same(scenario, list(scenario.proposals))
