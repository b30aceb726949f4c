"""A Pareto frontier under construction: the points found so far, and the tests a pass's
candidates meet before they join it.

A frontier pass (:class:`~simulator.solver.visitors.ZoneVisitor`, the structured methods, the
decision rules' passes) offers every leaf's points to a :class:`FrontierStore`. Most are
dominated by a point found before, so the store tests them cheaply first: against the points
that dominated the last leaves' points most often (the search's last leaves were their
neighbours), then a sample of the frontier (the largest sums, each party's best, a spread). For
four or more parties, when the pairs are many, the candidates left then meet the points that
dominated the last candidates (:attr:`FrontierStore.hot`), the points that joined the frontier
lately, newest first, and an :class:`~simulator.solver.orthant_index.OrthantIndex` of the
frontier, which finds a point's dominators without testing every pair. Only the few left are
merged. The dominance tests are :mod:`simulator.solver.dominance`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulator.compiled import BoolArray, FloatArray, IntArray, outcome_indices
from simulator.results import Frontier
from simulator.solver.blocks import Block
from simulator.solver.dominance import dominated_by, first_dominator
from simulator.solver.orthant_index import OrthantIndex
from simulator.solver.pareto import pareto_mask
from simulator.solver.search import Plan

__all__ = ["FrontierStore"]


_SAMPLE = 64
#: Points that dominated the last points pruned, tested against first.
_STRONG = 16
#: Old times new frontier points up to which a 4+ party merge tests pairs, not one skyline.
_MERGE_PAIRS = 1 << 21
#: Frontier points times candidates from which a 4+ party merge tests the candidates against the
#: frontier first (:meth:`FrontierStore._dominated`: its index answers most in a few words each).
_PREFILTER_PAIRS = 1 << 15
#: Points per block when a leaf's candidates are tested against those joined lately, newest first.
_RECENT = 256
#: Points of the set that dominated the last candidates, tried first (three or more parties).
_HOT = 64
#: Points joined since the :class:`OrthantIndex` was built past which it is built again (or an
#: eighth of those it holds, if more).
_REINDEX = 1024


@dataclass
class _Leaders:
    """Points of the set that dominated the last candidates, most often first, at most ``cap``:
    a leaf's candidates are dominated by few points, often the last leaf's. A point that has left
    the frontier since still belongs to the set, so what it dominates is off the frontier all
    the same."""

    cap: int
    rows: FloatArray
    _struck: list[tuple[FloatArray, IntArray]] = field(default_factory=list)

    def strike(
        self,
        points: FloatArray,
        dom: BoolArray,
        by: FloatArray,
        tol: float,
        index: OrthantIndex | None = None,
    ) -> None:
        """Mark in ``dom`` the points not yet marked that a row of ``by`` (the rows of ``index``,
        when given, found through it) dominates, and remember those rows for :meth:`warm`. Two
        parties remember none: their test is a sort and a binary search, not pairs."""
        rest = np.flatnonzero(~dom)
        if not len(rest) or not len(by):
            return
        if points.shape[1] == 2 and index is None:
            dom[rest] = dominated_by(points[rest], by, tol=tol)
            return
        if index is None:
            who = first_dominator(points[rest], by, tol=tol)
        else:
            who = index.first_dominator(points[rest], tol)
        hit = who >= 0
        dom[rest[hit]] = True
        if hit.any():
            counts = np.bincount(who[hit], minlength=len(by))
            used = np.flatnonzero(counts)
            self._struck.append((by[used], counts[used]))

    def warm(self) -> None:
        """Make the rows that dominated since the last call, most often first, the leaders (then
        the previous leaders, up to ``cap``)."""
        if not self._struck:
            return
        rows = np.concatenate([r for r, _ in self._struck])
        counts = np.concatenate([c for _, c in self._struck])
        rows = np.ascontiguousarray(
            np.concatenate([rows[np.argsort(-counts, kind="stable")], self.rows])
        )
        # each row once, first place kept (rows compared as bytes: ``unique(axis=0)`` is five
        # times slower on these few rows)
        whole = rows.view(np.dtype((np.void, rows.itemsize * rows.shape[1]))).ravel()
        _, first = np.unique(whole, return_index=True)
        self.rows = rows[np.sort(first)[: self.cap]]
        self._struck = []


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
        # the points that dominated the last leaves' points in :meth:`prune`, tried first there,
        # and the candidates in :meth:`_dominated` (of four or more parties), tried first there
        self._lead = _Leaders(_STRONG, self.u)
        self._hot = _Leaders(_HOT, self.u)
        # the frontier as it was when its index was last built, and the points that have joined
        # it since, in order (four or more parties, whose pre-filter reads them); what a point
        # dominates is off the frontier whether the point is still on it or not
        self._joined: list[FloatArray] = []
        self._tail = self.u
        self._index = OrthantIndex(self.u)

    @property
    def _pairwise(self) -> bool:
        """Four or more parties: candidates meet the frontier by pairs (pre-filter, merge), which
        reads the points joined since the index was built, so those must be recorded."""
        return self.n_parties > 3

    @property
    def hot(self) -> FloatArray:
        """Points of the set that dominated candidates lately, most often first (the pre-filter
        of four or more parties)."""
        return self._hot.rows

    def prune(self, points: FloatArray, *, full: bool = True) -> BoolArray:
        """Which points are dominated by the frontier so far: by the :data:`_STRONG` points that
        dominated the last points pruned most often, then by a cheap sample of the frontier
        (the largest sums, each party's best, a spread), then (with ``full``) by all of it."""
        dom = np.zeros(len(points), dtype=bool)
        self._lead.strike(points, dom, self._lead.rows, self.tol)
        self._lead.strike(points, dom, self.sample, self.tol)
        self._lead.warm()
        rest = np.flatnonzero(~dom)
        if full and len(rest) and len(self.u) > len(self.sample):
            dom[rest] = dominated_by(points[rest], self.u, tol=self.tol)
        return dom

    def _prefilter(self, candidates: int) -> bool:
        """Whether candidates are tested against the frontier before the merge (four or more
        parties, many pairs): most of a leaf's candidates are dominated by the frontier so far."""
        return self._pairwise and len(self.u) * candidates > _PREFILTER_PAIRS

    def _dominated(self, u: FloatArray) -> BoolArray:
        """Which of ``u`` the frontier so far dominates: tested first against the :attr:`hot`
        points, then against the points joined since the index was built, newest first, a block
        of :data:`_RECENT` at a time (the search's last leaves were the candidates' neighbours, so
        most meet a dominator early and leave the test), then through the index of the frontier
        as it was when built (:class:`OrthantIndex`, built again from the frontier once the points
        joined since pass :data:`_REINDEX` or an eighth of it)."""
        dom = np.zeros(len(u), dtype=bool)
        if not len(u):
            return dom
        self._hot.strike(u, dom, self._hot.rows, self.tol)
        if self._joined:
            self._tail = np.concatenate([self._tail, *self._joined])
            self._joined = []
        if len(self._tail) > max(_REINDEX, len(self._index) // 8):
            self._index, self._tail = OrthantIndex(self.u), self.u[:0]
        # the points joined since the index was built, newest first; a dominator is at least the
        # candidates' least value less tol in every column
        near = self._tail[np.all(self._tail >= u.min(axis=0) - self.tol, axis=1)]
        for end in range(len(near), 0, -_RECENT):
            if dom.all():
                break
            self._hot.strike(u, dom, near[max(0, end - _RECENT) : end], self.tol)
        self._hot.strike(u, dom, self._index.points, self.tol, self._index)
        self._hot.warm()
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
            if tested or (self._pairwise and len(self.u) * len(u) <= _MERGE_PAIRS):
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
                if self._pairwise:
                    self._joined.append(u[keep])
            else:
                u = np.concatenate([self.u, u])
                outcomes = np.concatenate([self.outcomes, outcomes])
                keep = pareto_mask(u, tol=self.tol)
                if self._pairwise:
                    self._joined.append(u[len(self.u) :][keep[len(self.u) :]])
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
