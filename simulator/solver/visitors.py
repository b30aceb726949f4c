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

from dataclasses import dataclass, field

import numpy as np

from simulator.compiled import BoolArray, CompiledScenario, FloatArray, IntArray, outcome_indices
from simulator.results import Frontier
from simulator.solver.blocks import Batch, Block, combined_upper
from simulator.solver.budget import OverBudget
from simulator.solver.pareto import dominated_by, pareto_mask
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

_SAMPLE = 64
#: Sample points (the largest sums) a leaf's candidates are tested against first.
_STRONG = 8
#: Old times new frontier points up to which a 4+ party merge tests pairs, not one skyline.
_MERGE_PAIRS = 1 << 21
#: Frontier points per block when a leaf's candidates are tested against it, newest first.
_RECENT = 256


@dataclass
class FrontierStore:
    """A frontier under construction: utilities, outcomes and indices of the points found so far.

    ``tol`` is the tie tolerance of the dominance tests (the compiler's rounding slack).
    """

    n_issues: int
    n_parties: int
    tol: float
    u: FloatArray = field(init=False)
    outcomes: IntArray = field(init=False)
    sample: FloatArray = field(init=False)

    def __post_init__(self) -> None:
        self.u = np.zeros((0, self.n_parties))
        self.outcomes = np.zeros((0, self.n_issues), dtype=np.int64)
        self.sample = self.u

    def prune(self, points: FloatArray, *, full: bool = True) -> BoolArray:
        """Which points are dominated by the frontier so far: by a cheap sample of it (its
        :data:`_STRONG` largest sums first, which remove most), then (with ``full``) by all of
        it."""
        dom = dominated_by(points, self.sample[:_STRONG], tol=self.tol)
        if len(self.sample) > _STRONG:
            rest = np.flatnonzero(~dom)
            dom[rest] = dominated_by(points[rest], self.sample[_STRONG:], tol=self.tol)
        rest = np.flatnonzero(~dom)
        if full and len(rest) and len(self.u) > len(self.sample):
            dom[rest] = dominated_by(points[rest], self.u, tol=self.tol)
        return dom

    def _prefilter(self, candidates: int) -> bool:
        """Whether candidates are tested against the frontier before the merge (four or more
        parties, many pairs): most of a leaf's candidates are dominated by the frontier so far."""
        return self.n_parties > 3 and len(self.u) * candidates > _MERGE_PAIRS

    def _dominated(self, u: FloatArray) -> BoolArray:
        """Which of ``u`` the frontier so far dominates, tested against it newest points first, a
        block of :data:`_RECENT` at a time: the search's last leaves were the candidates'
        neighbours, so most meet a dominator early and leave the test."""
        dom, rest = np.zeros(len(u), dtype=bool), np.arange(len(u))
        if not len(u):
            return dom
        # a dominator is at least the candidates' least value less tol in every column
        near = self.u[np.all(self.u >= u.min(axis=0) - self.tol, axis=1)]
        for end in range(len(near), 0, -_RECENT):
            hit = dominated_by(u[rest], near[max(0, end - _RECENT) : end], tol=self.tol)
            dom[rest[hit]] = True
            rest = rest[~hit]
            if not len(rest):
                break
        return dom

    def add(self, u: FloatArray, outcomes: IntArray, *, tested: bool = False) -> None:
        """Merge candidates into the frontier. Two parties: the candidates' own frontier (the
        leaf has tested them against the whole frontier), then the old points it dominates are
        dropped. Four or more, when the pairs are few (:data:`_MERGE_PAIRS`): the old points
        that no candidate dominates and the candidates on their own frontier that no old point
        dominates; with many pairs, the candidates are first tested against the frontier
        (:meth:`_dominated`, skipped when ``tested`` says the caller did) and the few left are
        merged by pairs. Else (and always for three, whose staircase sweep is cheaper than the
        pairs) one skyline of the old points and the candidates together."""
        if not tested and self._prefilter(len(u)):
            new = ~self._dominated(u)
            u, outcomes = u[new], outcomes[new]
            tested = True
        if not len(u):
            return
        if self.n_parties > 2:
            if tested or (self.n_parties > 3 and len(self.u) * len(u) <= _MERGE_PAIRS):
                # the same set as one skyline of both, since the old points do not dominate each
                # other (all the candidates are tested: dominance with a tolerance is not
                # transitive, so their frontier alone could miss a dominator)
                # an old point a candidate dominates is at most their largest value plus tol
                old = np.ones(len(self.u), dtype=bool)
                near = np.flatnonzero(np.all(self.u <= u.max(axis=0) + self.tol, axis=1))
                old[near] = ~dominated_by(self.u[near], u, tol=self.tol)
                keep = pareto_mask(u, tol=self.tol)
                if not tested:
                    keep[keep] = ~dominated_by(u[keep], self.u, tol=self.tol)
                self.u = np.concatenate([self.u[old], u[keep]])
                self.outcomes = np.concatenate([self.outcomes[old], outcomes[keep]])
            else:
                u = np.concatenate([self.u, u])
                outcomes = np.concatenate([self.outcomes, outcomes])
                keep = pareto_mask(u, tol=self.tol)
                self.u, self.outcomes = u[keep], outcomes[keep]
        else:
            keep = pareto_mask(u, tol=self.tol)
            u, outcomes = u[keep], outcomes[keep]
            if not len(u):
                return
            old = ~dominated_by(self.u, u, tol=self.tol)
            self.u = np.concatenate([self.u[old], u])
            self.outcomes = np.concatenate([self.outcomes[old], outcomes])
        if len(self.u) <= _SAMPLE:
            self.sample = self.u
        else:
            picks = np.unique(
                np.concatenate(
                    [np.argmax(self.u, axis=0), np.argsort(-self.u.sum(axis=1))[: _SAMPLE // 2]]
                )
            )
            spread = np.linspace(0, len(self.u) - 1, _SAMPLE // 2).astype(np.int64)
            sample = self.u[np.unique(np.concatenate([picks, spread]))]
            self.sample = sample[np.argsort(-sample.sum(axis=1), kind="stable")]

    def offer(self, plan: Plan, block: Block, node: IntArray, inner: IntArray) -> None:
        """Add the outcomes ``(node[j], inner[j])`` of a leaf that no frontier point dominates."""
        if not len(node):
            return
        pts = block.points(node, inner)
        dom = self.prune(pts, full=plan.n_parties == 2)
        tested = self._prefilter(int(len(pts) - dom.sum()))
        if tested:  # before the outcomes are built: few candidates are left
            rest = np.flatnonzero(~dom)
            dom[rest] = self._dominated(pts[rest])
        node, inner, pts = node[~dom], inner[~dom], pts[~dom]
        if len(pts):
            self.add(pts, block.outcomes(plan, node, inner), tested=tested)

    def frontier(self, scope: str, sizes: tuple[int, ...]) -> Frontier:
        index = outcome_indices(sizes, self.outcomes)
        order = np.argsort(index, kind="stable") if len(index) else np.zeros(0, dtype=np.int64)
        return Frontier(
            scope,
            self.outcomes[order],
            self.u[order],
            tuple(int(i) for i in np.asarray(index)[order]),
        )


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
