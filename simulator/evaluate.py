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

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.compiled import (
    BoolArray,
    CompiledScenario,
    FloatArray,
    IntArray,
    compile_scenario,
    in_target,
)
from simulator.model import Proposal, Scenario
from simulator.outcome_space import box_outcomes, linked_groups, restrict_to_proposal
from simulator.results import Point, utility_dict
from simulator.solver import (
    ExtremesVisitor,
    allowed_options,
    count_outcomes,
    exists_outcome,
    make_plan,
    rule_regions,
    run_search,
    solve,
    zopa_threshold,
)

__all__ = [
    "ENUMERATE_LIMIT",
    "ProposalEvaluation",
    "ProposalEvaluations",
    "evaluate_proposal",
    "evaluate_proposals",
    "restrict_to_proposal",
]


#: Proposals whose every group of linked issues holds at most this many outcomes are evaluated on
#: the list of their completions (milliseconds), larger ones by the block search.
ENUMERATE_LIMIT = 200_000


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


def evaluate_proposal(
    scenario: Scenario, proposal: Proposal | str, *, enumerate_limit: int = ENUMERATE_LIMIT
) -> ProposalEvaluation:
    """Evaluate one proposal of ``scenario`` (by object or id); see the module docstring.

    The issues fall into groups that no rule and no term links. When each group's box (the
    options the proposal allows, after the one-issue constraints) holds at most
    ``enumerate_limit`` outcomes, the completions are listed group by group and evaluated as
    arrays (:func:`~simulator.compiled.in_target`): milliseconds. Otherwise the block search
    counts, bounds and queries them. Both are exact and give the same evaluation (a test compares
    them); ``enumerate_limit=0`` forces the search.

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
    box = allowed_options(cs, consistent)
    if max(math.prod(len(box[i]) for i in g) for g in _groups(cs)) <= enumerate_limit:
        facts = _listed(cs, box, consistent)
    else:
        facts = _searched(cs, consistent)
    if facts.completions == 0:
        nan = tuple(float("nan") for _ in range(cs.n_parties))
        return ProposalEvaluation(
            proposal, complete, nan, nan, (), (), (), (), nan, None, 0, scenario
        )
    red = [r for r, ref in enumerate(cs.rules) if ref.is_red_line]
    label = {r: (scenario.parties[cs.rules[r].owner].id, cs.rules[r].id) for r in red}
    crossed = [label[r] for r in red if facts.avoiding[r] == 0]
    at_risk = [label[r] for r in red if 0 < facts.avoiding[r] < facts.completions]
    need = zopa_threshold(cs, cs.reservation)
    acceptable, acceptable_some = [], []
    for p, party in enumerate(scenario.parties):
        own = [r for r in red if cs.rules[r].owner == p]
        if facts.low[p] >= need[p] and not {label[r] for r in own} & {*crossed, *at_risk}:
            acceptable.append(party.id)
        if facts.high[p] >= need[p] and facts.reaches(p, own, need[p]):
            acceptable_some.append(party.id)
    shortfall = tuple(
        0.0 if hi >= t else float(d - hi)
        for hi, t, d in zip(facts.high, need, cs.reservation, strict=True)
    )
    # under unanimity a Nash completion needs one completion acceptable to every party at once
    nash = None
    if len(acceptable_some) == cs.n_parties or scenario.agreement is not None:
        nash = solve(cs, closest=False).solutions.get("nash")
    return ProposalEvaluation(
        proposal=proposal,
        complete=complete,
        low=tuple(float(x) for x in facts.low),
        high=tuple(float(x) for x in facts.high),
        red_lines_crossed=tuple(crossed),
        red_lines_at_risk=tuple(at_risk),
        acceptable_to=tuple(acceptable),
        acceptable_to_some=tuple(acceptable_some),
        shortfall=shortfall,
        nash_completion=nash,
        completions=facts.completions,
        scenario=scenario,
    )


@dataclass(frozen=True, eq=False)
class _Facts:
    """What an evaluation needs of the completions: their number, each party's ``low`` and
    ``high`` utility, how many completions avoid each rule (``avoiding[r]``, red lines only) and
    ``reaches(p, own, need)``: whether a completion avoiding the rules ``own`` gives party ``p``
    at least ``need``."""

    completions: int
    low: FloatArray
    high: FloatArray
    avoiding: dict[int, int]
    reaches: Callable[[int, list[int], float], bool]


def _groups(cs: CompiledScenario) -> list[list[int]]:
    """The issues in groups that no rule region and no term links across."""
    return linked_groups(cs.n_issues, [r.issues for r in (*cs.regions, *cs.terms)])


def _group_table(
    cs: CompiledScenario, box: Sequence[IntArray], consistent: BoolArray, group: list[int]
) -> tuple[FloatArray, BoolArray]:
    """The consistent options of one group of issues, listed: each one's utility contributions
    ``(m, P)`` (values and the group's terms) and which red lines of the group it crosses
    ``(m, R)``."""
    listed = box_outcomes([box[i] for i in group])
    outcomes = np.zeros((len(listed), cs.n_issues), dtype=np.int64)
    outcomes[:, group] = listed
    inside = set(group)
    mine = np.array([set(r.issues) <= inside for r in cs.regions], dtype=bool)
    outcomes = outcomes[in_target(cs, consistent & mine, None, outcomes)]
    u = np.zeros((len(outcomes), cs.n_parties))
    for i in group:
        u += cs.values[i][:, outcomes[:, i]].T
    for region, b in zip(cs.terms, cs.term_bonus, strict=True):
        if set(region.issues) <= inside:
            u += region.contains(outcomes)[:, None] * b[None, :]
    hit = np.zeros((len(outcomes), len(cs.rules)), dtype=bool)
    for region, r, own in zip(cs.regions, cs.region_rule, mine, strict=True):
        if own and cs.rules[r].is_red_line:
            hit[:, r] |= region.contains(outcomes)
    return u, hit


def _listed(cs: CompiledScenario, box: Sequence[IntArray], consistent: BoolArray) -> _Facts:
    """The facts from the completions listed group by group (:func:`_groups`): the completions
    are the product of each group's consistent options, and a utility is the sum of the groups'
    contributions, capped. Sums of quantised values are exact in any order
    (:mod:`simulator.compiled`), so the extremes equal the search's."""
    tables = [_group_table(cs, box, consistent, g) for g in _groups(cs)]
    sizes = [len(u) for u, _ in tables]
    completions = math.prod(sizes)
    if completions == 0:
        return _Facts(0, np.zeros(0), np.zeros(0), {}, lambda p, own, need: False)
    low = np.minimum(sum((u.min(axis=0) for u, _ in tables), np.zeros(cs.n_parties)), cs.cap)
    high = np.minimum(sum((u.max(axis=0) for u, _ in tables), np.zeros(cs.n_parties)), cs.cap)
    red = [r for r, ref in enumerate(cs.rules) if ref.is_red_line]
    avoiding = {r: math.prod(int((~hit[:, r]).sum()) for _, hit in tables) for r in red}

    def reaches(p: int, own: list[int], need: float) -> bool:
        best = 0.0
        for u, hit in tables:
            ok = ~hit[:, own].any(axis=1)
            if not ok.any():
                return False
            best += float(u[ok, p].max())
        return bool(min(best, float(cs.cap[p])) >= need)

    return _Facts(completions, low, high, avoiding, reaches)


def _searched(cs: CompiledScenario, consistent: BoolArray) -> _Facts:
    """The facts from the block search: a count per red line, the extremes, and an existence
    query where the counts do not settle it."""
    completions = count_outcomes(cs, consistent)
    if completions == 0:
        return _Facts(0, np.zeros(0), np.zeros(0), {}, lambda p, own, need: False)
    extremes = ExtremesVisitor(cs.n_parties, high=True)
    run_search(make_plan(cs, consistent), extremes)
    red = [r for r, ref in enumerate(cs.rules) if ref.is_red_line]
    avoiding = {r: count_outcomes(cs, _with_rules(cs, [r])) for r in red}

    def reaches(p: int, own: list[int], need: float) -> bool:
        if any(avoiding[r] == 0 for r in own):
            return False
        if all(avoiding[r] == completions for r in own):  # every completion avoids them
            return bool(extremes.high[p] >= need)
        threshold = np.full(cs.n_parties, -np.inf)
        threshold[p] = need
        return exists_outcome(cs, _with_rules(cs, own), threshold)

    return _Facts(completions, extremes.low, extremes.high, avoiding, reaches)


def evaluate_proposals(
    scenario: Scenario, names: Sequence[str] | None = None
) -> list[ProposalEvaluation]:
    """Evaluate the named proposals (all of them when ``names`` is None), in the scenario's
    order."""
    chosen = scenario.proposals if names is None else [scenario.proposal(n) for n in names]
    return [evaluate_proposal(scenario, p) for p in chosen]
