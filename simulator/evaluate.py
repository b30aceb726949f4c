"""Evaluate named proposals: utilities, red lines crossed, who prefers them to no deal, shortfalls.

Notation
--------
A proposal fixes some issues to one option, restricts others to a set of options ("one of these")
and leaves the rest open. Its *completions* are the consistent outcomes that agree with it. For a
complete proposal there is one completion. For a partial one:

- ``utilities`` gives each party's minimum and maximum over the completions;
- ``red_lines_crossed`` lists the red lines that every completion crosses (unavoidable), and
  ``red_lines_at_risk`` those that some completion crosses;
- ``acceptable_to`` lists the parties for which every completion is acceptable (no red line of
  theirs crossed, utility at least the reservation), ``acceptable_to_some`` those for which some
  completion is;
- ``shortfall`` is how far the best completion stays below each party's reservation (0 if it reaches
  it);
- ``nash_completion`` is the completion the solver would choose by the Nash criterion: the Nash
  solution of the scenario restricted to the proposal, or None when that restriction has no ZOPA.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.compiled import CompiledScenario, compile_scenario
from simulator.model import Proposal, Scenario
from simulator.outcome_space import restrict_to_proposal
from simulator.results import Point, utility_dict
from simulator.solver import (
    ExtremesVisitor,
    count_outcomes,
    exists_outcome,
    make_plan,
    rule_regions,
    run_search,
    solve,
    zopa_threshold,
)

__all__ = [
    "ProposalEvaluation",
    "ProposalEvaluations",
    "evaluate_proposal",
    "evaluate_proposals",
    "restrict_to_proposal",
]


@dataclass(frozen=True, eq=False)
class ProposalEvaluation:
    """How each party fares under one proposal (see the module docstring)."""

    proposal: Proposal
    complete: bool
    low: tuple[float, ...]
    high: tuple[float, ...]
    red_lines_crossed: tuple[tuple[str, str], ...]
    red_lines_at_risk: tuple[tuple[str, str], ...]
    acceptable_to: tuple[str, ...]
    acceptable_to_some: tuple[str, ...]
    shortfall: tuple[float, ...]
    nash_completion: Point | None
    completions: int
    scenario: Scenario

    def to_dict(self) -> dict[str, Any]:
        s = self.scenario
        if self.complete:
            utilities: dict[str, Any] = utility_dict(s, self.low)
        else:
            lows, highs = utility_dict(s, self.low), utility_dict(s, self.high)
            utilities = {p: {"min": lows[p], "max": highs[p]} for p in lows}
        return {
            "name": self.proposal.id,
            "label": self.proposal.display,
            "date": self.proposal.date,
            "source": self.proposal.source,
            "complete": self.complete,
            "completions": self.completions,
            "utilities": utilities,
            "red_lines_crossed": [{"party": p, "id": r} for p, r in self.red_lines_crossed],
            "red_lines_at_risk": [{"party": p, "id": r} for p, r in self.red_lines_at_risk],
            "acceptable_to": list(self.acceptable_to),
            "acceptable_to_some": list(self.acceptable_to_some),
            "shortfall": utility_dict(s, self.shortfall),
            "nash_completion": None
            if self.nash_completion is None
            else self.nash_completion.to_dict(s),
        }


@dataclass(frozen=True, eq=False)
class ProposalEvaluations:
    """The evaluations of several proposals of one scenario (``bargain evaluate``); ``source``
    names where the scenario came from, for the JSON."""

    scenario: Scenario
    evaluations: tuple[ProposalEvaluation, ...]
    source: str | None = None
    #: the proposals' ratification risk, when the scenario has ratification terms or it was
    #: asked for (:class:`~simulator.analysis.ratification.RatificationResult`)
    ratification: Any = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``bargain evaluate --json`` (``ratification`` only when computed)."""
        s = self.scenario
        return {
            "source": self.source or s.origin or s.name,
            "proposals": [e.to_dict() for e in self.evaluations],
        } | ({} if self.ratification is None else self.ratification.to_dict())


def _with_rules(cs: CompiledScenario, rules: Sequence[int]) -> np.ndarray:
    """Region mask: every consistency constraint plus the regions of ``rules``."""
    mask = rule_regions(cs, "consistency")
    return np.asarray(mask | np.isin(cs.region_rule, np.asarray(rules, dtype=np.int64)))


def evaluate_proposal(scenario: Scenario, proposal: Proposal | str) -> ProposalEvaluation:
    """Evaluate one proposal of ``scenario`` (by object or id); see the module docstring.

    Examples
    --------
    >>> from simulator.formats import load_scenario
    >>> s = load_scenario("scenarios/textbook_car.yaml")
    >>> e = evaluate_proposal(s, "sticker")
    >>> e.complete, e.acceptable_to, round(e.shortfall[0], 6)
    (True, ('dealer',), 0.12)
    """
    if isinstance(proposal, str):
        proposal = scenario.proposal(proposal)
    cs = compile_scenario(restrict_to_proposal(scenario, proposal))
    complete = len(proposal.options) == len(scenario.issues) and all(
        len(v) == 1 for v in proposal.options.values()
    )
    consistent = rule_regions(cs, "consistency")
    completions = count_outcomes(cs, consistent)
    n_p = cs.n_parties
    if completions == 0:
        nan = tuple(float("nan") for _ in range(n_p))
        return ProposalEvaluation(
            proposal, complete, nan, nan, (), (), (), (), nan, None, 0, scenario
        )
    extremes = ExtremesVisitor(n_p, high=True)
    run_search(make_plan(cs, consistent), extremes)
    red = [r for r, ref in enumerate(cs.rules) if ref.is_red_line]
    crossed, at_risk = [], []
    for r in red:
        label = (scenario.parties[cs.rules[r].owner].id, cs.rules[r].id)
        avoiding = count_outcomes(cs, _with_rules(cs, [r]))
        if avoiding == 0:
            crossed.append(label)
        elif avoiding < completions:
            at_risk.append(label)
    need = zopa_threshold(cs, cs.reservation)
    acceptable, acceptable_some = [], []
    for p, party in enumerate(scenario.parties):
        own = [r for r in red if cs.rules[r].owner == p]
        own_labels = {(party.id, cs.rules[r].id) for r in own}
        if extremes.low[p] >= need[p] and not own_labels & {*crossed, *at_risk}:
            acceptable.append(party.id)
        threshold = np.full(n_p, -np.inf)
        threshold[p] = need[p]
        if extremes.high[p] >= need[p] and exists_outcome(cs, _with_rules(cs, own), threshold):
            acceptable_some.append(party.id)
    shortfall = tuple(
        0.0 if hi >= t else float(d - hi)
        for hi, t, d in zip(extremes.high, need, cs.reservation, strict=True)
    )
    nash = solve(cs).solutions.get("nash")
    return ProposalEvaluation(
        proposal=proposal,
        complete=complete,
        low=tuple(float(x) for x in extremes.low),
        high=tuple(float(x) for x in extremes.high),
        red_lines_crossed=tuple(crossed),
        red_lines_at_risk=tuple(at_risk),
        acceptable_to=tuple(acceptable),
        acceptable_to_some=tuple(acceptable_some),
        shortfall=shortfall,
        nash_completion=nash,
        completions=completions,
        scenario=scenario,
    )


def evaluate_proposals(
    scenario: Scenario, names: Sequence[str] | None = None
) -> list[ProposalEvaluation]:
    """Evaluate the named proposals (all of them when ``names`` is None), in the scenario's
    order."""
    chosen = scenario.proposals if names is None else [scenario.proposal(n) for n in names]
    return [evaluate_proposal(scenario, p) for p in chosen]
