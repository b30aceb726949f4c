"""Visitors of the block search: what a pass over the space does with its nodes and leaves.

A visitor (the :class:`~simulator.solver.search.Visitor` protocol) decides which nodes of a batch to
keep from their bounds (``keep``) and consumes evaluated blocks (``leaf``). The solver's passes:

- :class:`ZoneVisitor` counts the outcomes of a target set (no tracked rule crossed, every party at
  least a threshold) and/or builds its Pareto frontier in a :class:`FrontierStore`; a subtree that
  certainly lies inside is counted in closed form, one whose upper bounds are dominated by the
  frontier so far is dropped;
- :class:`BudgetedCount` is a counting pass that gives up (:class:`OverBudget`) past a budget;
- :class:`ExtremesVisitor` finds each party's minimum (and maximum) utility over the searched set;
- :class:`ExistsVisitor` stops at the first outcome of a target set;
- :class:`MaxVisitor` finds the largest utility of one party over a target set (branch and bound).

The closest-to-agreement visitor lives with its key in :mod:`~simulator.solver.closest`.
"""

from __future__ import annotations

import numpy as np

from simulator.compiled import BoolArray, CompiledScenario, FloatArray, IntArray
from simulator.solver.blocks import Batch, Block, combined_upper
from simulator.solver.budget import OverBudget
from simulator.solver.frontier_store import FrontierStore
from simulator.solver.reach_count import count_reaching, frontier_pairs
from simulator.solver.search import Plan

__all__ = [
    "BudgetedCount",
    "ExistsVisitor",
    "ExtremesVisitor",
    "FrontierStore",
    "MaxVisitor",
    "MinVisitor",
    "OverBudget",
    "ZoneVisitor",
]


def combined_need(plan: Plan, threshold: FloatArray) -> FloatArray:
    """``lam_k @ threshold`` for every weight vector; a party without a threshold (``-inf``)
    contributes nothing to the rows that ignore it and makes the others unbounded below."""
    finite = np.where(np.isfinite(threshold), threshold, -1e300)
    return np.asarray(plan.lam @ finite)


class ZoneVisitor:
    """Counts outcomes in a target set and/or builds the Pareto frontier of that set.

    The target set is: crosses no tracked rule region (the plan's), and if ``threshold`` is given,
    ``u_p >= threshold_p`` for every party.
    """

    def __init__(
        self, cs: CompiledScenario, threshold: FloatArray | None, count: bool, frontier: bool
    ) -> None:
        self.threshold = threshold
        self.counting = count
        self.store = (
            FrontierStore(cs.n_issues, cs.n_parties, cs.rounding_slack) if frontier else None
        )
        self.count = 0
        #: which budget stopped the pass early (set by :func:`~simulator.solver.queries.zone`)
        self.budget_ended: str | None = None

    def keep(self, plan: Plan, batch: Batch, upper: FloatArray, lower: FloatArray) -> BoolArray:
        keep = np.ones(len(batch), dtype=bool)
        if self.threshold is not None:
            keep &= np.all(upper >= self.threshold, axis=1)
            need = combined_need(plan, self.threshold)
            keep &= np.all(combined_upper(plan, batch) >= need[None, :], axis=1)
        if self.counting:
            tracked = plan.tracked_regions
            if tracked.any():
                sure = ~batch.region_alive[:, tracked].any(axis=1)
            else:
                sure = np.ones(len(batch), dtype=bool)
            inside = keep & sure & ~batch.flags
            if self.threshold is not None:
                inside &= np.all(lower >= self.threshold, axis=1)
            n_in = int(inside.sum())
            if n_in:
                self.count += n_in * plan.remaining[batch.depth]
                batch.flags[inside] = True
            if self.store is None:
                return keep & ~inside
        if self.store is not None and len(self.store.u):
            done = batch.flags if self.counting else np.ones(len(batch), dtype=bool)
            cand = np.flatnonzero(keep & done)
            if len(cand):
                keep[cand] = ~self.store.prune(upper[cand])
        return keep

    def leaf(self, plan: Plan, block: Block) -> None:
        flags = block.batch.flags
        if self.counting:  # by the inner block's bitsets when it pays
            self.count += count_reaching(block, self.threshold, ~flags)
        if self.store is None:
            return
        # a flagged node was counted whole by ``keep``: its bounds proved every outcome below it
        # in the target set, so the threshold test would only confirm it; only the inner block's
        # own frontier (per pattern of possible regions) can reach the node's frontier
        threshold = None if self.counting and flags.all() else self.threshold
        node, inner = frontier_pairs(block, threshold)
        self.store.offer(plan, block, node, inner)


class BudgetedCount(ZoneVisitor):
    """A counting pass that gives up after evaluating ``budget`` outcomes in leaves."""

    def __init__(self, cs: CompiledScenario, threshold: FloatArray | None, budget: int) -> None:
        super().__init__(cs, threshold, count=True, frontier=False)
        self.budget = budget

    def leaf(self, plan: Plan, block: Block) -> None:
        n, b = block.shape
        self.budget -= n * b
        if self.budget < 0:
            raise OverBudget("outcomes")
        super().leaf(plan, block)


class ExtremesVisitor:
    """Each party's minimum utility ``low`` ``(P,)`` over the outcomes that cross no tracked
    region, and with ``high=True`` its maximum ``high`` too (``inf``/``-inf`` when there are
    none). A node is explored only while its bounds can still lower a minimum (or raise a
    maximum)."""

    def __init__(self, n_parties: int, *, high: bool = False) -> None:
        self.low = np.full(n_parties, np.inf)
        self.high = np.full(n_parties, -np.inf)
        self.track_high = high

    def keep(self, plan: Plan, batch: Batch, upper: FloatArray, lower: FloatArray) -> BoolArray:
        keep = np.any(lower < self.low[None, :], axis=1)
        if self.track_high:
            keep |= np.any(upper > self.high[None, :], axis=1)
        return np.asarray(keep)

    def leaf(self, plan: Plan, block: Block) -> None:
        ok = ~block.crossed
        if ok.all():
            low = [float(block.party(p).min()) for p in range(plan.n_parties)]
            self.low = np.minimum(self.low, low)
            if self.track_high:
                high = [float(block.party(p).max()) for p in range(plan.n_parties)]
                self.high = np.maximum(self.high, high)
        elif ok.any():
            u = block.utilities[ok]
            self.low = np.minimum(self.low, u.min(axis=0))
            if self.track_high:
                self.high = np.maximum(self.high, u.max(axis=0))


class ExistsVisitor:
    """Whether any outcome crosses no tracked region and reaches ``threshold``; stops at the
    first, which it keeps as ``witness`` (option indices ``(n,)``)."""

    def __init__(self, threshold: FloatArray | None, budget: int | None = None) -> None:
        self.threshold = threshold
        self.found = False
        self.budget = budget
        self.witness: IntArray | None = None

    def keep(self, plan: Plan, batch: Batch, upper: FloatArray, lower: FloatArray) -> BoolArray:
        if self.found:
            return np.zeros(len(batch), dtype=bool)
        if self.threshold is None:
            return np.ones(len(batch), dtype=bool)
        keep = np.all(upper >= self.threshold, axis=1)
        if keep.any():
            need = combined_need(plan, self.threshold)
            keep[keep] = np.all(combined_upper(plan, batch.take(keep)) >= need[None, :], axis=1)
        return np.asarray(keep)

    def leaf(self, plan: Plan, block: Block) -> None:
        if self.found:
            return
        if self.budget is not None:
            self.budget -= block.shape[0] * block.shape[1]
            if self.budget < 0:
                raise OverBudget("outcomes")
        ok = ~block.crossed
        if self.threshold is not None:
            ok &= block.reaches(self.threshold)
        self.found = bool(ok.any())
        if self.found:
            node, inner = np.nonzero(ok)
            self.witness = block.outcomes(plan, node[:1], inner[:1])[0]

    @property
    def stop(self) -> bool:
        return self.found

    def priority(self, plan: Plan, batch: Batch, upper: FloatArray) -> FloatArray:
        """Explore first the nodes whose upper bounds clear the threshold by the most."""
        if self.threshold is None:
            return np.zeros(len(batch))
        slack = upper - np.where(np.isfinite(self.threshold), self.threshold, -1.0)
        return np.asarray(slack.min(axis=1))


class MaxVisitor:
    """The largest ``u_p`` over the outcomes that cross no tracked region and reach ``threshold``
    (``-inf`` where it does not matter, e.g. for ``p``): ``best`` (``-inf`` for an empty set).
    Branch and bound: a node is explored only if its upper bounds reach the threshold and its
    bound on ``u_p`` beats the best so far; the most promising nodes first."""

    #: the bound rises as outcomes are found: ask ``keep`` again before evaluating a leaf
    recheck = True

    def __init__(self, p: int, threshold: FloatArray) -> None:
        self.p = p
        self.threshold = threshold
        self.best = -np.inf

    def _raised(self) -> FloatArray:
        """The threshold with ``u_p >= best``: only such outcomes can raise the best."""
        t = np.array(self.threshold, dtype=np.float64)
        t[self.p] = max(t[self.p], self.best)
        return t

    def keep(self, plan: Plan, batch: Batch, upper: FloatArray, lower: FloatArray) -> BoolArray:
        t = self._raised()
        keep = np.all(upper >= t, axis=1) & (upper[:, self.p] > self.best)
        if keep.any() and np.isfinite(t).any():
            need = combined_need(plan, t)
            keep[keep] = np.all(combined_upper(plan, batch.take(keep)) >= need[None, :], axis=1)
        return np.asarray(keep)

    def leaf(self, plan: Plan, block: Block) -> None:
        node, inner = np.nonzero(~block.crossed & block.reaches(self._raised()))
        if len(node):
            self.best = max(self.best, float(block.points(node, inner)[:, self.p].max()))

    def priority(self, plan: Plan, batch: Batch, upper: FloatArray) -> FloatArray:
        return np.asarray(upper[:, self.p])


class MinVisitor:
    """The smallest ``u_p`` over the outcomes that cross no tracked region: ``best`` (``inf`` for
    an empty set). Branch and bound: a node is explored only if its lower bound on ``u_p`` is
    below the best so far. Start ``best`` at a known outcome's utility to prove it minimal."""

    def __init__(self, p: int) -> None:
        self.p = p
        self.best = np.inf

    def keep(self, plan: Plan, batch: Batch, upper: FloatArray, lower: FloatArray) -> BoolArray:
        return np.asarray(lower[:, self.p] < self.best)

    def leaf(self, plan: Plan, block: Block) -> None:
        ok = ~block.crossed
        if ok.any():
            self.best = min(self.best, float(block.party(self.p)[ok].min()))
