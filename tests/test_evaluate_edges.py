"""``evaluate_proposal`` at its edges, hand-checked (issue 22: a mutmut run of ``evaluate.py`` left
alive the mutants of the no-completion path, of ``>=`` at the reservation and of the threshold of
the "acceptable in some completion" search; random scenarios rarely reach any of them)."""

from __future__ import annotations

import dataclasses
import math

from simulator.evaluate import ENUMERATE_LIMIT, evaluate_proposal
from simulator.formats import loads_scenario_yaml

# Utilities are exact binary fractions, so ``a`` gives the seller exactly its reservation 0.5.
EDGES = """
name: edges
issues:
  - {id: price, options: [a, b, c]}
  - {id: extra, options: [x, y]}
parties:
  - id: seller
    reservation: 0.5
    preferences:
      price: {weight: 1, table: {a: 0.5, b: 0.25, c: 1}}
      extra: {weight: 0, table: {x: 0, y: 0}}
    red_lines:
      - {id: never_c_with_y, exclude: {price: [c], extra: [y]}}
  - id: buyer
    reservation: 0.25
    preferences:
      price: {weight: 1, table: {a: 0.5, b: 1, c: 0}}
      extra: {weight: 0, table: {x: 0, y: 0}}
constraints:
  - {id: no_b_with_x, exclude: {price: [b], extra: [x]}}
proposals:
  - {id: at_reservation, options: {price: a, extra: x}}
  - {id: open_extra, options: {price: a}}
  - {id: impossible, options: {price: b, extra: x}}
  - {id: c_with_y, options: {price: c, extra: y}}
  - {id: c_or_b_with_y, options: {price: [b, c], extra: y}}
"""


def scenario():  # type: ignore[no-untyped-def]
    return loads_scenario_yaml(EDGES)


def test_a_package_exactly_at_a_reservation_is_acceptable() -> None:
    for name in ("at_reservation", "open_extra"):
        e = evaluate_proposal(scenario(), name)
        assert e.low[0] == e.high[0] == 0.5  # the seller's reservation, exactly
        assert "seller" in e.acceptable_to and "seller" in e.acceptable_to_some
        assert e.shortfall[0] == 0.0
        assert e.completions == (1 if name == "at_reservation" else 2)


def test_a_proposal_without_a_consistent_completion() -> None:
    s = scenario()
    e = evaluate_proposal(s, "impossible")
    assert e.proposal is s.proposal("impossible") and e.scenario is s
    assert e.completions == 0 and e.complete  # every issue named, none consistent
    for values in (e.low, e.high, e.shortfall):
        assert len(values) == 2 and all(math.isnan(x) for x in values)
    assert e.red_lines_crossed == e.red_lines_at_risk == ()
    assert e.acceptable_to == e.acceptable_to_some == ()
    assert e.nash_completion is None
    assert e.to_dict()["completions"] == 0


def test_acceptable_in_some_completion_needs_the_reservation_and_the_own_lines_together() -> None:
    """With price b or c and extra y, the seller's best completion (c, 1.0) crosses its own red
    line and the other (b, 0.25) falls short of 0.5: no completion is acceptable to the seller,
    although its best utility clears the reservation and one completion keeps its lines."""
    e = evaluate_proposal(scenario(), "c_or_b_with_y")
    assert (e.low[0], e.high[0], e.completions) == (0.25, 1.0, 2)
    assert "seller" not in e.acceptable_to_some
    assert e.red_lines_at_risk == (("seller", "never_c_with_y"),)
    assert "buyer" in e.acceptable_to_some and "buyer" not in e.acceptable_to  # b: 1, c: 0


def test_the_json_names_its_source_and_adds_ratification_only_when_computed() -> None:
    """``source`` falls back from the one given to the file the scenario came from, then to its
    name; the ratification block is merged in only when there is one."""
    import dataclasses

    from simulator.evaluate import ProposalEvaluations

    s = scenario()
    evaluations = (evaluate_proposal(s, "at_reservation"),)
    assert ProposalEvaluations(s, evaluations).to_dict()["source"] == "edges"
    from_file = dataclasses.replace(s, origin="edges.yaml")
    assert ProposalEvaluations(from_file, evaluations).to_dict()["source"] == "edges.yaml"
    assert ProposalEvaluations(from_file, evaluations, "given").to_dict()["source"] == "given"
    plain = ProposalEvaluations(s, evaluations).to_dict()
    assert set(plain) == {"source", "proposals"}

    class Risk:  # the one method ProposalEvaluations reads of a RatificationResult
        def to_dict(self) -> dict[str, object]:
            return {"ratification": {"proposals": []}}

    with_risk = ProposalEvaluations(s, evaluations, ratification=Risk()).to_dict()
    assert with_risk == plain | {"ratification": {"proposals": []}}


def test_the_reservation_is_reached_within_the_rounding_slack_and_no_further() -> None:
    """The solver counts a package within ``rounding_slack`` below a reservation as reaching it
    (rounding may have put it there); ``evaluate`` agrees with the solver's ZOPA at both sides of
    that edge: exactly at the slack is acceptable with no shortfall, one quantum more is not."""
    from simulator.compiled import QUANTUM, compile_scenario
    from simulator.model import Issue, Option, Party, Preference, Proposal, Scenario
    from simulator.solver import solve

    slack = 2 * QUANTUM  # one issue, no interaction terms: (1 + 0 + 1) quanta
    at, beyond = 0.5 - slack, 0.5 - slack - QUANTUM
    issue = Issue("x", (Option("at"), Option("beyond")))
    seller = Party("seller", {"x": Preference(1.0, "table", table=(at, beyond))}, reservation=0.5)
    buyer = Party("buyer", {"x": Preference(1.0, "table", table=(0.5, 0.5))})
    s = Scenario("edge", (issue,), (seller, buyer))
    assert compile_scenario(s).rounding_slack == slack
    assert solve(s).counts.zopa == 1  # "at" only
    for limit in (ENUMERATE_LIMIT, 0):  # the listing path, then the block search
        inside = evaluate_proposal(s, Proposal("inside", {"x": ("at",)}), enumerate_limit=limit)
        assert inside.acceptable_to == inside.acceptable_to_some == ("seller", "buyer")
        assert inside.shortfall == (0.0, 0.0)
        outside = evaluate_proposal(
            s, Proposal("outside", {"x": ("beyond",)}), enumerate_limit=limit
        )
        assert outside.acceptable_to == outside.acceptable_to_some == ("buyer",)
        assert outside.shortfall == (0.5 - beyond, 0.0)


def test_a_majority_rule_has_a_nash_completion_without_every_party() -> None:
    """Under a quorum of two, a proposal that one party can never accept still has the Nash
    completion of the other two (under unanimity it would have none)."""
    from simulator.model import Agreement, Issue, Option, Party, Preference, Proposal, Scenario

    issue = Issue("x", (Option("a"), Option("b")))
    pref = Preference(1.0, "linear")
    parties = (
        Party("p", {"x": pref}),
        Party("q", {"x": pref}),
        Party("never", {"x": Preference(0.5, "linear")}, reservation=1.0),  # at most 0.5
    )
    s = Scenario("majority", (issue,), parties, agreement=Agreement(quorum=2))
    e = evaluate_proposal(s, Proposal("open", {}))
    assert "never" not in e.acceptable_to_some and len(e.acceptable_to_some) == 2
    assert e.nash_completion is not None
    unanimous = evaluate_proposal(dataclasses.replace(s, agreement=None), Proposal("open", {}))
    assert unanimous.nash_completion is None
