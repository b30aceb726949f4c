"""A Pareto frontier under construction: the points found so far, and the tests a pass's
candidates meet before they join it.

A frontier pass (:class:`~simulator.solver.visitors.ZoneVisitor`, the structured methods, the
decision rules' passes) offers every leaf's candidates to a :class:`FrontierStore`. Most are
dominated by a point found before, so the store tests them cheaply first: against a sample of
the frontier (the largest sums, each party's best, a spread); then, for four or more parties
when the pairs are many, against the points that dominated the last candidates
(:attr:`FrontierStore.hot`) and the frontier newest points first, since the search's last leaves
were the candidates' neighbours. Only the few left are merged. The dominance tests are
:mod:`simulator.solver.dominance`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulator.compiled import BoolArray, FloatArray, IntArray, outcome_indices
from simulator.results import Frontier
from simulator.solver.blocks import Block
from simulator.solver.dominance import dominated_by, first_dominator
from simulator.solver.pareto import pareto_mask
from simulator.solver.search import Plan

__all__ = ["FrontierStore"]

_SAMPLE = 64
#: Sample points (the largest sums) a leaf's candidates are tested against first.
_STRONG = 8
#: Old times new frontier points up to which a 4+ party merge tests pairs, not one skyline.
_MERGE_PAIRS = 1 << 21
#: Frontier points per block when a leaf's candidates are tested against it, newest first.
_RECENT = 256
#: Points of the set that dominated the last candidates, tried first (three or more parties).
_HOT = 64


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
    #: points of the set that dominated candidates lately, most often first (the pre-filter of
    #: four or more parties): a leaf's candidates are dominated by few points, often the last
    #: leaf's
    hot: FloatArray = field(init=False)

    def __post_init__(self) -> None:
        self.u = np.zeros((0, self.n_parties))
        self.outcomes = np.zeros((0, self.n_issues), dtype=np.int64)
        self.sample = self.hot = self.u
        self._struck: list[tuple[FloatArray, IntArray]] = []

    def _strike(self, points: FloatArray, dom: BoolArray, by: FloatArray) -> None:
        """Mark in ``dom`` the points not yet marked that a row of ``by`` dominates, and keep
        those rows for :attr:`hot`. A row that has left the frontier still belongs to the set, so
        what it dominates is off the frontier all the same."""
        rest = np.flatnonzero(~dom)
        if not len(rest) or not len(by):
            return
        who = first_dominator(points[rest], by, tol=self.tol)
        hit = who >= 0
        dom[rest[hit]] = True
        if hit.any():
            counts = np.bincount(who[hit], minlength=len(by))
            used = np.flatnonzero(counts)
            self._struck.append((by[used], counts[used]))

    def _warm(self) -> None:
        """Make the rows that dominated the last candidates, most often first, the :attr:`hot`
        points (then the previous ones, up to :data:`_HOT`)."""
        if not self._struck:
            return
        rows = np.concatenate([r for r, _ in self._struck])
        counts = np.concatenate([c for _, c in self._struck])
        rows = np.concatenate([rows[np.argsort(-counts, kind="stable")], self.hot])
        _, first = np.unique(rows, axis=0, return_index=True)
        self.hot = rows[np.sort(first)[:_HOT]]
        self._struck = []

    def prune(self, points: FloatArray, *, full: bool = True) -> BoolArray:
        """Which points are dominated by the frontier so far: by a cheap sample of it (its
        :data:`_STRONG` largest sums first, which remove most, then the rest of the sample), then
        (with ``full``) by all of it."""
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
        """Which of ``u`` the frontier so far dominates: tested first against the :attr:`hot`
        points, then against the frontier newest points first, a block of :data:`_RECENT` at a
        time: the search's last leaves were the candidates' neighbours, so most meet a dominator
        early and leave the test."""
        dom = np.zeros(len(u), dtype=bool)
        if not len(u):
            return dom
        self._strike(u, dom, self.hot)
        # a dominator is at least the candidates' least value less tol in every column
        near = self.u[np.all(self.u >= u.min(axis=0) - self.tol, axis=1)]
        for end in range(len(near), 0, -_RECENT):
            self._strike(u, dom, near[max(0, end - _RECENT) : end])
            if dom.all():
                break
        self._warm()
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
            top = np.argpartition(-self.u.sum(axis=1), _SAMPLE // 2)[: _SAMPLE // 2]
            picks = np.unique(np.concatenate([np.argmax(self.u, axis=0), top]))
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
