"""Named proposals: what each party gets from the packages a proposal allows, and what it crosses.

Notation
--------
A proposal fixes some issues to one option, leaves some to a set of options and leaves the rest
open: it allows the *box* ``B = A_1 x ... x A_n`` of packages, ``A_i`` the options it allows on
issue ``i``. Over the consistent packages of ``B``, ``low_p`` and ``high_p`` are party ``p``'s
worst and best utility (equal when the proposal names one option on every issue). A red line is
*crossed* by the proposal when every package of ``B`` crosses it and *at risk* when some but not all
do.

The box is searched with the solver's own engine: the options outside ``B`` become unary forbidden
regions, which :func:`~simulator.solver.search.make_plan` prunes before the search starts, so the
cost is that of a search over ``B`` alone, with branch and bound on the utility range.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.compiled import (
    BoolArray,
    CompiledScenario,
    FloatArray,
    Region,
    RuleRef,
    compile_scenario,
    crossed_rules,
)
from simulator.errors import ScenarioError
from simulator.model import Proposal, Scenario
from simulator.results import utility_dict
from simulator.solver.search import Batch, Block, Plan, make_plan, run_search
from simulator.solver.solve import Progress, _labelled, _regions, _ZoneVisitor, zopa_threshold

__all__ = ["ProposalEvaluation", "evaluate_proposals", "proposal_box"]


@dataclass(frozen=True, eq=False)
class ProposalEvaluation:
    """What one proposal gives each party (see the module docstring).

    Attributes
    ----------
    proposal
        The proposal evaluated.
    packages, zopa
        Consistent packages the proposal allows, and how many of them lie in the ZOPA.
    low, high
        ``(P,)`` float64 worst and best utility of each party over those packages (NaN if none).
    crossed, at_risk
        Labels (``party:rule``) of the red lines every package of the proposal crosses, and of those
        some but not all of its packages cross.
    """

    proposal: Proposal
    packages: int
    zopa: int
    low: FloatArray
    high: FloatArray
    crossed: tuple[str, ...]
    at_risk: tuple[str, ...]

    @property
    def definite(self) -> bool:
        """Whether every party's utility is known exactly (one package, or all worth the same)."""
        return bool(np.all(self.low == self.high))

    def to_dict(self, scenario: Scenario) -> dict[str, Any]:
        return {
            "proposal": self.proposal.id,
            "label": self.proposal.display,
            "packages": self.packages,
            "zopa": self.zopa,
            "low": utility_dict(scenario, self.low) if self.packages else None,
            "high": utility_dict(scenario, self.high) if self.packages else None,
            "crossed": list(self.crossed),
            "at_risk": list(self.at_risk),
        }


def proposal_box(scenario: Scenario, proposal: Proposal) -> tuple[BoolArray, ...]:
    """Per issue, a boolean mask ``(k_i,)`` of the options ``proposal`` allows (all if it is open).

    >>> from simulator.formats import load_scenario
    >>> s = load_scenario("scenarios/textbook_car.yaml")
    >>> [m.tolist() for m in proposal_box(s, s.proposal("buyer_opening"))]
    [[False, True, False, False], [False, False, True], [True, True, True]]
    """
    box = []
    for issue in scenario.issues:
        chosen = proposal.options.get(issue.id)
        mask = np.zeros(len(issue.options), dtype=bool)
        if chosen:
            mask[[issue.index(o) for o in chosen]] = True
        else:
            mask[:] = True
        box.append(mask)
    return tuple(box)


class _RangeVisitor:
    """Each party's lowest and highest utility over the packages searched."""

    def __init__(self, n_parties: int) -> None:
        self.low = np.full(n_parties, np.inf)
        self.high = np.full(n_parties, -np.inf)

    def keep(self, plan: Plan, batch: Batch, upper: FloatArray, lower: FloatArray) -> BoolArray:
        return np.asarray(
            np.any(lower < self.low[None, :], axis=1) | np.any(upper > self.high[None, :], axis=1)
        )

    def leaf(self, plan: Plan, block: Block) -> None:
        u = block.utilities[~block.crossed]
        if len(u):
            self.low = np.minimum(self.low, u.min(axis=0))
            self.high = np.maximum(self.high, u.max(axis=0))


def _within(cs: CompiledScenario, box: Sequence[BoolArray]) -> tuple[CompiledScenario, BoolArray]:
    """``cs`` with the options outside ``box`` forbidden by one more constraint, and the regions to
    track for the consistent packages of the box."""
    extra = tuple(
        Region((i,), (np.logical_not(m),)) for i, m in enumerate(box) if not bool(m.all())
    )
    inside = dataclasses.replace(
        cs,
        regions=cs.regions + extra,
        region_rule=np.concatenate([cs.region_rule, np.full(len(extra), len(cs.rules))]),
        rules=(*cs.rules, RuleRef(-1, "proposal", "proposal")),
    )
    tracked = np.concatenate([_regions(cs, "consistency"), np.ones(len(extra), dtype=bool)])
    return inside, tracked


def _crossings(cs: CompiledScenario, box: Sequence[BoolArray]) -> tuple[BoolArray, BoolArray]:
    """``(R,)``: whether every package of the box crosses each rule, and whether some does.

    A rule looks at a few issues only, so every combination of the box's options on those issues is
    checked (the other issues cannot change the answer).
    """
    every = np.zeros(len(cs.rules), dtype=bool)
    some = np.zeros(len(cs.rules), dtype=bool)
    for r in range(len(cs.rules)):
        regions = [cs.regions[k] for k in np.flatnonzero(cs.region_rule == r)]
        issues = sorted({i for region in regions for i in region.issues})
        if not issues:
            continue
        grids = np.meshgrid(*[np.flatnonzero(box[i]) for i in issues], indexing="ij")
        outcomes = np.zeros((grids[0].size, cs.n_issues), dtype=np.int64)
        for i, g in zip(issues, grids, strict=True):
            outcomes[:, i] = g.ravel()
        hit = crossed_rules(cs, outcomes)[:, r]
        every[r], some[r] = bool(hit.all()), bool(hit.any())
    return every, some


def _evaluate(
    cs: CompiledScenario, proposal: Proposal, d: FloatArray, progress: Progress | None
) -> ProposalEvaluation:
    box = proposal_box(cs.scenario, proposal)
    inside, tracked = _within(cs, box)
    plan = make_plan(inside, tracked)
    counter = _ZoneVisitor(inside, None, count=True, frontier=False)
    run_search(plan, counter, _labelled(progress, f"proposal {proposal.id}"))
    span = _RangeVisitor(cs.n_parties)
    run_search(plan, span)
    all_tracked = np.concatenate([_regions(cs, "all"), tracked[len(cs.regions) :]])
    zopa = _ZoneVisitor(inside, zopa_threshold(cs, d), count=True, frontier=False)
    run_search(make_plan(inside, all_tracked), zopa)
    every, some = _crossings(cs, box)
    red = cs.rule_owner >= 0
    labels = [rule.label for rule in cs.rules]
    every, some = every & red, some & red
    empty = counter.count == 0
    return ProposalEvaluation(
        proposal,
        int(counter.count),
        int(zopa.count),
        np.full(cs.n_parties, np.nan) if empty else span.low,
        np.full(cs.n_parties, np.nan) if empty else span.high,
        tuple(lbl for lbl, e in zip(labels, every, strict=True) if e),
        tuple(lbl for lbl, e, s in zip(labels, every, some, strict=True) if s and not e),
    )


def evaluate_proposals(
    scenario: Scenario | CompiledScenario,
    *,
    disagreement: FloatArray | None = None,
    progress: Progress | None = None,
) -> tuple[ProposalEvaluation, ...]:
    """Evaluate every named proposal of a scenario (see the module docstring).

    Parameters
    ----------
    scenario
        A scenario or a compiled one.
    disagreement
        ``(P,)`` the disagreement point for the ZOPA count (default: the reservation utilities);
        pass ``result.disagreement`` to match a :class:`~simulator.results.SolveResult`.
    progress
        Called as ``progress(stage, fraction)`` while the search runs.

    Returns
    -------
    tuple of ProposalEvaluation
        One per proposal, in the scenario's order.

    Raises
    ------
    ScenarioError
        If the disagreement point has the wrong shape.

    Examples
    --------
    >>> from simulator.formats import load_scenario
    >>> sticker, opening = evaluate_proposals(load_scenario("scenarios/textbook_car.yaml"))
    >>> sticker.packages, sticker.low.round(3).tolist(), sticker.definite, sticker.crossed
    (1, [0.28, 0.8], True, ())
    >>> opening.packages, opening.low.round(3).tolist(), opening.high.round(3).tolist()
    (2, [0.633, 0.275], [0.733, 0.35])
    """
    cs = scenario if isinstance(scenario, CompiledScenario) else compile_scenario(scenario)
    d = cs.reservation if disagreement is None else np.asarray(disagreement, dtype=np.float64)
    if d.shape != (cs.n_parties,):
        raise ScenarioError(f"disagreement must have {cs.n_parties} values")
    return tuple(_evaluate(cs, p, d, progress) for p in cs.scenario.proposals)
