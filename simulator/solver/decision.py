"""The passing set of a decision rule: who must accept, counted and searched exactly.

Notation
--------
``P`` parties with thresholds ``t`` (the disagreement point less the rounding slack, as for the
ZOPA). Party ``p`` *accepts* outcome ``o`` when ``A_p(o) = [o crosses no red line of p] and
[u_p(o) >= t_p]``. A rule ``(q, V)`` (the scenario's :class:`~simulator.model.Agreement`) lets
``o`` *pass* when ``o`` is consistent, ``sum_p A_p(o) >= q`` and ``A_v(o)`` for every ``v`` in
``V``. The *required* parties ``R`` are ``V``, or every party when ``q = P`` (unanimity: the ZOPA).
Red lines of required parties and consistency constraints are hard (the search drops what crosses
them); the others only decide their owner's acceptance.

Pruning (k of n): below a node, party ``p`` *can* still accept when ``upper_p >= t_p`` and no red
line of ``p`` is certainly crossed; a node is dropped when a required party cannot, or fewer than
``q`` parties can. A node is counted in closed form when every party's acceptance is decided below
it (``lower_p >= t_p`` and none of its red lines still possible, or it cannot accept) and the
decided acceptances pass.

Solutions on the passing set (:func:`rule_disagreement`). A party that can be outvoted cannot hold
out for its reservation: the package may pass without it. Its threat point ``d'_p`` is the least
it gets on a Pareto-optimal passing package, ``min(d_p, min_{o in F} u_p(o))`` over the passing
frontier ``F`` (the worst the others can impose without wasting value); a required party keeps
``d_p``. Every solution is then the registered criterion over *all* parties' utilities with
``d'``, on the passing frontier. Under unanimity ``d' = d`` and nothing changes. This follows
Harsanyi (1963), "A simplified bargaining model for the n-person cooperative game", International
Economic Review 4(2): threat points are what a party can guarantee itself against the others; here
an outvotable party can guarantee only acceptance of the worst efficient passing package.
"""

from __future__ import annotations

import numpy as np

from simulator.compiled import (
    BoolArray,
    CompiledScenario,
    FloatArray,
    IntArray,
    crossed_rules,
    evaluate_utilities,
)
from simulator.model import Agreement
from simulator.progress import StageProgress
from simulator.results import Frontier
from simulator.solver.blocks import Batch, Block, combined_upper
from simulator.solver.queries import (
    EXISTS_BATCH,
    count_outcomes,
    find_outcome,
    rule_regions,
    zopa_threshold,
)
from simulator.solver.search import Plan, make_plan, run_search
from simulator.solver.visitors import FrontierStore, combined_need

__all__ = [
    "UNANIMOUS_ONLY",
    "DecisionRule",
    "PassingExists",
    "PassingVisitor",
    "count_deals",
    "decision_rule",
    "exists_deal",
    "find_deal",
    "passing_mask",
    "passing_zone",
    "rule_disagreement",
]


#: The message of a question that is answered under unanimity only, for a scenario with a rule.
UNANIMOUS_ONLY = (
    "{what} assume unanimity (every party must accept), but this scenario has an 'agreement' "
    "block (a decision rule); remove the block to ask under unanimity"
)


class DecisionRule:
    """A compiled rule: ``quorum``, ``required`` ``(P,)`` bool and, per party, which rule regions
    are its red lines (``party_regions`` ``(P, R)``); ``hard`` ``(R,)`` is what the search drops."""

    def __init__(self, cs: CompiledScenario, agreement: Agreement) -> None:
        ids = cs.scenario.party_ids
        self.quorum = agreement.quorum_of(len(ids))
        req = set(agreement.required(ids))
        self.required: BoolArray = np.array([p in req for p in ids], dtype=bool)
        owner = cs.rule_owner[cs.region_rule] if len(cs.regions) else np.zeros(0, dtype=np.int64)
        self.party_regions: BoolArray = np.asarray(owner[None, :] == np.arange(len(ids))[:, None])
        self.hard: BoolArray = np.asarray((owner < 0) | (self.required[np.maximum(owner, 0)]))
        self.soft: BoolArray = np.asarray(~self.required & self.party_regions.any(axis=1))


def decision_rule(cs: CompiledScenario) -> DecisionRule | None:
    """The scenario's rule compiled, or None without an ``agreement`` block."""
    agreement = cs.scenario.agreement
    return None if agreement is None else DecisionRule(cs, agreement)


class PassingVisitor:
    """Counts the passing outcomes, how many each party accepts among them, and builds their
    Pareto frontier (all parties' utilities)."""

    def __init__(
        self,
        cs: CompiledScenario,
        rule: DecisionRule,
        threshold: FloatArray,
        *,
        frontier: bool = True,
    ) -> None:
        self.rule = rule
        self.frontier = frontier
        self.threshold = threshold
        self.store = FrontierStore(cs.n_issues, cs.n_parties, cs.rounding_slack)
        self.count = 0
        self.accepted = np.zeros(cs.n_parties, dtype=object)  # Python ints: exact at any size
        self.need = threshold.copy()
        self.need[~rule.required] = -np.inf

    def _red_line_state(self, plan: Plan, batch: Batch) -> tuple[BoolArray, BoolArray]:
        """``(N, P)``: a soft red line of the party is certainly crossed / still possible."""
        rule = self.rule
        sure = np.zeros((len(batch), plan.n_parties), dtype=bool)
        maybe = np.zeros_like(sure)
        decided = plan.region_decided_at <= batch.depth
        for p in np.flatnonzero(rule.soft):
            regions = rule.party_regions[p]
            sure[:, p] = batch.region_alive[:, regions & decided].any(axis=1)
            maybe[:, p] = batch.region_alive[:, regions].any(axis=1)
        return sure, maybe

    def keep(self, plan: Plan, batch: Batch, upper: FloatArray, lower: FloatArray) -> BoolArray:
        rule = self.rule
        crossed, maybe = self._red_line_state(plan, batch)
        can = (upper >= self.threshold) & ~crossed
        keep = can[:, rule.required].all(axis=1) & (can.sum(axis=1) >= rule.quorum)
        if rule.required.any() and keep.any():
            need = combined_need(plan, self.need)
            keep[keep] = np.all(combined_upper(plan, batch.take(keep)) >= need[None, :], axis=1)
        tracked = plan.tracked_regions
        hard_open = batch.region_alive[:, tracked].any(axis=1) & tracked.any()
        accepts = (lower >= self.threshold) & ~maybe
        decided = (accepts | ~can).all(axis=1)
        inside = (
            keep
            & ~hard_open
            & decided
            & accepts[:, rule.required].all(axis=1)
            & (accepts.sum(axis=1) >= rule.quorum)
            & ~batch.flags
        )
        if inside.any():
            below = plan.remaining[batch.depth]
            self.count += int(inside.sum()) * below
            self.accepted += accepts[inside].sum(axis=0).astype(object) * below
            batch.flags[inside] = True
        if len(self.store.u):
            cand = np.flatnonzero(keep & batch.flags)
            if len(cand):
                keep[cand] = ~self.store.prune(upper[cand])
        return np.asarray(keep)

    def acceptance(self, plan: Plan, block: Block) -> BoolArray:
        """``(P, N, B)``: which party accepts each outcome of the block."""
        rule, batch = self.rule, block.batch
        n, b = block.shape
        out = np.empty((plan.n_parties, n, b), dtype=bool)
        decided = plan.region_decided_at <= batch.depth
        for p in range(plan.n_parties):
            t = np.full(plan.n_parties, -np.inf)
            t[p] = self.threshold[p]
            out[p] = block.reaches(t)
            if rule.soft[p]:
                regions = rule.party_regions[p]
                crossed = np.asarray(batch.region_alive[:, regions & decided].any(axis=1))
                out[p] &= ~crossed[:, None]
                inner = regions & ~decided
                if inner.any():
                    alive = batch.region_alive[:, inner].astype(np.float64)
                    out[p] &= ~((alive @ plan.inner_region_mask[inner]) > 0)
        return out

    def leaf(self, plan: Plan, block: Block) -> None:
        rule = self.rule
        acc = self.acceptance(plan, block)
        passing = ~block.crossed & acc[rule.required].all(axis=0)
        passing &= acc.sum(axis=0) >= rule.quorum
        flags = block.batch.flags
        fresh = passing & ~flags[:, None]
        self.count += int(np.count_nonzero(fresh))
        self.accepted += np.count_nonzero(acc & fresh[None], axis=(1, 2)).astype(object)
        if self.frontier:
            node, inner = np.nonzero(passing)
            self.store.offer(plan, block, node, inner)


class PassingExists(PassingVisitor):
    """Stops at the first passing outcome, kept as ``witness`` (option indices ``(n,)``): a leaf's,
    or the first outcome below a node whose every outcome passes (counted in closed form)."""

    def __init__(self, cs: CompiledScenario, rule: DecisionRule, threshold: FloatArray) -> None:
        super().__init__(cs, rule, threshold, frontier=False)
        self.witness: IntArray | None = None

    @property
    def stop(self) -> bool:
        return self.witness is not None

    def keep(self, plan: Plan, batch: Batch, upper: FloatArray, lower: FloatArray) -> BoolArray:
        before = self.count
        keep = super().keep(plan, batch, upper, lower)
        if self.count > before and self.witness is None:
            j = int(np.flatnonzero(batch.flags)[0])
            out = np.zeros(plan.cs.n_issues, dtype=np.int64)
            for pos, issue in enumerate(plan.order):
                out[issue] = batch.assign[j, pos] if pos < batch.depth else plan.allowed[issue][0]
            self.witness = out
        return keep

    def leaf(self, plan: Plan, block: Block) -> None:
        if self.witness is not None:
            return
        rule = self.rule
        acc = self.acceptance(plan, block)
        passing = ~block.crossed & acc[rule.required].all(axis=0)
        passing &= acc.sum(axis=0) >= rule.quorum
        node, inner = np.nonzero(passing)
        if len(node):
            self.witness = block.outcomes(plan, node[:1], inner[:1])[0]

    def priority(self, plan: Plan, batch: Batch, upper: FloatArray) -> FloatArray:
        """The nodes where the ``quorum``-th best party (and every required one) clears its
        threshold by most first."""
        slack = upper - self.threshold
        rule = self.rule
        out = np.sort(slack, axis=1)[:, -rule.quorum]
        if rule.required.any():
            out = np.minimum(out, slack[:, rule.required].min(axis=1))
        return np.asarray(out)


def find_deal(cs: CompiledScenario) -> IntArray | None:
    """A package that passes under the scenario's decision rule, or None when none does: the
    ZOPA's existence search (:func:`~simulator.solver.queries.find_outcome`) without an
    ``agreement`` block, else a k-of-n search (:class:`PassingExists`)."""
    threshold = zopa_threshold(cs, cs.reservation)
    rule = decision_rule(cs)
    if rule is None:
        return find_outcome(cs, rule_regions(cs, "all"), threshold)
    visitor = PassingExists(cs, rule, threshold)
    run_search(make_plan(cs, rule.hard), visitor, batch_nodes=EXISTS_BATCH)
    return visitor.witness


def exists_deal(cs: CompiledScenario) -> bool:
    """Whether some package passes under the scenario's decision rule (the ZOPA is not empty,
    without an ``agreement`` block); see :func:`find_deal`."""
    return find_deal(cs) is not None


def passing_mask(cs: CompiledScenario, outcomes: IntArray) -> BoolArray:
    """``(m,)``: which ``outcomes`` ``(m, n)`` pass the scenario's decision rule (lie in the ZOPA
    without an ``agreement`` block), exactly (compiled utilities, as the search's)."""
    outcomes = np.asarray(outcomes, dtype=np.int64).reshape(-1, cs.n_issues)
    u = evaluate_utilities(cs, outcomes)
    crossed = crossed_rules(cs, outcomes)
    owner = cs.rule_owner
    threshold = zopa_threshold(cs, cs.reservation)
    accepts = np.stack(
        [
            (u[:, p] >= threshold[p]) & ~crossed[:, owner == p].any(axis=1)
            for p in range(cs.n_parties)
        ],
        axis=1,
    )
    ok = ~crossed[:, owner < 0].any(axis=1)
    rule = decision_rule(cs)
    if rule is None:
        return np.asarray(ok & accepts.all(axis=1))
    return np.asarray(
        ok & accepts[:, rule.required].all(axis=1) & (accepts.sum(axis=1) >= rule.quorum)
    )


def count_deals(cs: CompiledScenario) -> int:
    """The exact number of packages that pass under the scenario's decision rule (the ZOPA's size
    without an ``agreement`` block): one counting pass, no frontier."""
    threshold = zopa_threshold(cs, cs.reservation)
    rule = decision_rule(cs)
    if rule is None:
        return count_outcomes(cs, rule_regions(cs, "all"), threshold)
    visitor = PassingVisitor(cs, rule, threshold, frontier=False)
    run_search(make_plan(cs, rule.hard), visitor)
    return int(visitor.count)


def passing_zone(
    cs: CompiledScenario,
    rule: DecisionRule,
    threshold: FloatArray,
    progress: StageProgress | None = None,
) -> PassingVisitor:
    """One search over the space: the passing count, the per-party acceptance counts among the
    passing outcomes and their frontier (``visitor.store``)."""
    visitor = PassingVisitor(cs, rule, np.asarray(threshold, dtype=np.float64))
    run_search(make_plan(cs, rule.hard), visitor, progress)
    return visitor


def rule_disagreement(rule: DecisionRule, d: FloatArray, front: Frontier) -> FloatArray:
    """``d'``: ``d`` for required parties; for the others the least of ``d_p`` and what they get
    on the passing frontier (see the module docstring)."""
    out = np.array(d, dtype=np.float64)
    if front.size:
        low = np.asarray(front.utilities).min(axis=0)
        out[~rule.required] = np.minimum(out, low)[~rule.required]
    return out
