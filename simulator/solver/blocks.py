"""Nodes and leaves of the block search: batches, blocks, bounds and the inner block's masks.

Notation
--------
As in :mod:`~simulator.solver.search`: a :class:`Batch` holds ``N`` nodes at one depth ``l`` (their
assignments, partial utilities ``a`` ``(N, P)`` and which terms and rule regions are still
possible); :func:`node_bounds` bounds every party's utility below each node,

    upper_p = min(cap_p, a_p + sum_{pos >= l} max_k values + sum_t b_tp^+ [t possible]
                  + certain terms),

and :func:`combined_upper` bounds weighted sums ``lam . u`` for the plan's weight vectors
(:func:`weight_vectors`). A leaf is a :class:`Block`: ``N`` nodes at the outer depth times the
``B`` outcomes of the inner issues, evaluated lazily (:func:`evaluate_block`). :class:`InnerMasks`
holds, per term or region, where its inner part holds over the ``B`` inner outcomes.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from simulator.compiled import QUANTUM, BoolArray, FloatArray, IntArray
from simulator.solver.inner_masks import InnerMasks

if TYPE_CHECKING:
    from simulator.solver.search import Plan

__all__ = [
    "Batch",
    "Block",
    "InnerMasks",
    "combined_upper",
    "evaluate_block",
    "expand",
    "node_bounds",
    "node_crosses",
    "root",
    "weight_vectors",
]

#: Relative margin added to the combined (weighted-sum) bounds against float rounding.
COMBINED_MARGIN = 1e-12


@dataclass
class Batch:
    """Nodes at one depth: their assignments, partial utilities and which terms/regions are
    possible."""

    depth: int
    assign: NDArray[np.int32]  # (N, depth) option indices, by position in the order
    partial: FloatArray  # (N, P) additive utility of the assigned issues
    term_alive: BoolArray  # (N, T)
    region_alive: BoolArray  # (N, R)
    flags: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # visitor's per node

    def __len__(self) -> int:
        return len(self.partial)

    def take(self, keep: BoolArray | IntArray | slice) -> Batch:
        """The nodes ``keep`` selects (a slice gives views, no copy)."""
        return Batch(
            self.depth,
            self.assign[keep],
            self.partial[keep],
            self.term_alive[keep],
            self.region_alive[keep],
            self.flags[keep],
        )


class Block:
    """A leaf: ``N`` nodes times the inner block of ``B`` outcomes, evaluated lazily.

    ``utilities`` ``(N, B, P)`` is computed on first use (a view of a party-major array in the
    plan's scratch buffer: valid during the visitor's ``leaf`` call only; copy what you keep);
    :meth:`party` gives one party's ``(N, B)`` utilities and :meth:`reaches` the outcomes that give
    every party at least a threshold, without adding anything up when the block is additive (no
    interaction term looks inside it): ``base_p + inner_p >= t_p`` is ``inner_p >= t_p - base_p``,
    exact because the threshold is first rounded up to a multiple of
    :data:`~simulator.compiled.QUANTUM`
    (compiled utilities are such multiples). :meth:`points` evaluates selected outcomes only.
    """

    def __init__(self, plan: Plan, batch: Batch, base: FloatArray, inner: BoolArray) -> None:
        self.plan = plan
        self.batch = batch
        self.base = base  # (N, P) partial utility plus the terms decided above the block
        self.inner_regions = inner  # (R,): the tracked regions decided inside the block
        self._crossed: BoolArray | None = None
        self._inner_terms = plan.term_decided_at > batch.depth
        self._parties: dict[int, FloatArray] = {}
        self._utilities: FloatArray | None = None

    @property
    def crossed(self) -> BoolArray:
        """``(N, B)``: crosses a tracked rule region (computed on first use)."""
        if self._crossed is None:
            self._crossed = self.crossed_at(slice(None))
        return self._crossed

    def crossed_at(self, columns: IntArray | slice) -> BoolArray:
        """:attr:`crossed` at the inner outcomes ``columns`` only."""
        if self._crossed is not None:
            return self._crossed[:, columns]
        alive = self.batch.region_alive[:, self.inner_regions].astype(np.float64)
        return (alive @ self.plan.inner_region_mask[self.inner_regions][:, columns]) > 0

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.base), self.plan.block_size

    def _term_bonus(self, p: int) -> FloatArray | None:
        """``(N, B)`` bonus of the terms decided inside the block for party ``p``, if any."""
        terms = self._inner_terms & (self.plan.cs.term_bonus[:, p] != 0)
        if not terms.any():
            return None
        alive = self.batch.term_alive[:, terms].astype(np.float64)  # (N, Ti)
        bonus = self.plan.cs.term_bonus[terms, p]
        return np.asarray((alive * bonus[None, :]) @ self.plan.inner_term_mask[terms])

    def party(self, p: int) -> FloatArray:
        """Utilities ``(N, B)`` of party ``p`` (C-contiguous)."""
        if p not in self._parties:
            if self._utilities is not None:
                self._parties[p] = np.ascontiguousarray(self._utilities[:, :, p])
            else:
                u = self.plan.leaf_buffer(len(self.base))[p]
                np.add(self.base[:, p, None], self.plan.inner_by_party[p][None, :], out=u)
                extra = self._term_bonus(p)
                if extra is not None:
                    u += extra
                cap = self.plan.cs.cap[p]
                if np.isfinite(cap):
                    np.minimum(u, cap, out=u)
                self._parties[p] = u
        return self._parties[p]

    @property
    def utilities(self) -> FloatArray:
        """Utilities ``(N, B, P)``."""
        if self._utilities is None:
            for p in range(self.plan.n_parties):
                self.party(p)
            self._utilities = np.moveaxis(self.plan.leaf_buffer(len(self.base)), 0, -1)
        return self._utilities

    def reaches(self, threshold: FloatArray) -> BoolArray:
        """Boolean ``(N, B)``: the outcomes with ``u_p >= threshold_p`` for every party.

        Parties whose utility is additive inside the block are compared first, without adding up;
        the others are then evaluated only on the nodes that still have a candidate.
        """
        cs = self.plan.cs
        ok = np.ones(self.shape, dtype=bool)
        later = []
        for p in range(cs.n_parties):
            t = float(threshold[p])
            if t == -np.inf:
                continue
            if cs.cap[p] < t:
                return np.zeros(self.shape, dtype=bool)
            if p in self._parties:
                ok &= self._parties[p] >= t
            elif self._term_bonus_possible(p):
                later.append(p)
            else:
                # exact: both sides are multiples of QUANTUM once t is rounded up to one
                tq = np.ceil(t / QUANTUM) * QUANTUM
                ok &= self.plan.inner_by_party[p][None, :] >= (tq - self.base[:, p])[:, None]
        for p in later:
            rows = np.flatnonzero(ok.any(axis=1))
            if len(rows) == len(ok):
                ok &= self.party(p) >= threshold[p]
            elif len(rows):
                ok[rows] &= self._party_rows(p, rows) >= threshold[p]
            else:
                break
        return ok

    def _party_rows(self, p: int, rows: IntArray) -> FloatArray:
        """Utilities ``(len(rows), B)`` of party ``p`` below the nodes ``rows`` only."""
        plan = self.plan
        u = self.base[rows, p, None] + plan.inner_by_party[p][None, :]
        terms = self._inner_terms & (plan.cs.term_bonus[:, p] != 0)
        alive = self.batch.term_alive[rows][:, terms].astype(np.float64)
        u += (alive * plan.cs.term_bonus[terms, p][None, :]) @ plan.inner_term_mask[terms]
        cap = plan.cs.cap[p]
        if np.isfinite(cap):
            np.minimum(u, cap, out=u)
        return u

    def _term_bonus_possible(self, p: int) -> bool:
        key = f"bonus_inside_{self.batch.depth}"  # per party: can a term inside the block pay it
        if key not in self.plan.scratch:
            pays = self._inner_terms[:, None] & (self.plan.cs.term_bonus != 0)
            self.plan.scratch[key] = pays.any(axis=0)
        return bool(self.plan.scratch[key][p])

    def points(self, node: IntArray, inner: IntArray) -> FloatArray:
        """Utilities ``(m, P)`` of the outcomes ``(node[j], inner[j])`` only."""
        cs, plan = self.plan.cs, self.plan
        if self._utilities is not None:
            return np.asarray(self._utilities[node, inner])
        u = self.base[node] + plan.inner_values[inner]
        terms = self._inner_terms
        if terms.any():
            hold = self.batch.term_alive[node][:, terms] & (
                plan.inner_term_mask[terms][:, inner].T > 0
            )
            u += hold.astype(np.float64) @ cs.term_bonus[terms]
        return np.asarray(np.minimum(u, cs.cap[None, :]))

    def outcomes(self, plan: Plan, node: IntArray, inner: IntArray) -> IntArray:
        """Option indices ``(m, n)`` in the original issue order for (node, inner) pairs."""
        n = plan.cs.n_issues
        out = np.zeros((len(node), n), dtype=np.int64)
        order = plan.order
        for pos in range(plan.n_outer):
            out[:, order[pos]] = self.batch.assign[node, pos]
        options = plan.inner_options(inner)
        for j, pos in enumerate(range(plan.n_outer, n)):
            out[:, order[pos]] = options[:, j]
        return out


def _outer_sum(tables: Sequence[FloatArray], n_rows: int) -> FloatArray:
    """``(n_rows, prod k_j)``: ``out[:, (o_1, ..., o_m)] = sum_j tables[j][:, o_j]``, the first
    table most significant (the order of :func:`numpy.meshgrid` with ``indexing="ij"``)."""
    out = np.zeros((n_rows, 1))
    for t in tables:
        out = (out[:, :, None] + t[:, None, :]).reshape(n_rows, -1)
    return out


def node_bounds(plan: Plan, batch: Batch) -> tuple[FloatArray, FloatArray]:
    """Upper and lower bounds ``(N, P)`` on every party's utility below each node."""
    d = batch.depth
    certain = batch.term_alive & (plan.term_decided_at <= d)[None, :]
    open_ = batch.term_alive & (plan.term_decided_at > d)[None, :]
    fixed = certain.astype(np.float64) @ plan.cs.term_bonus
    upper = batch.partial + plan.rest_max[d] + fixed + open_.astype(np.float64) @ plan.bonus_pos
    lower = batch.partial + plan.rest_min[d] + fixed + open_.astype(np.float64) @ plan.bonus_neg
    cap = plan.cs.cap[None, :]
    return np.minimum(upper, cap), np.minimum(lower, cap)


def weight_vectors(n_parties: int) -> FloatArray:
    """Weight vectors on the simplex for combined bounds: uniform weights on every non-empty subset
    of parties (up to six parties), else on every single party, every pair and all parties. The last
    row is always uniform over all parties."""
    rows = []
    if n_parties <= 6:
        subsets: list[tuple[int, ...]] = [
            c for r in range(1, n_parties + 1) for c in itertools.combinations(range(n_parties), r)
        ]
    else:
        subsets = [(p,) for p in range(n_parties)]
        subsets += list(itertools.combinations(range(n_parties), 2))
        subsets.append(tuple(range(n_parties)))
    for c in subsets:
        row = np.zeros(n_parties)
        row[list(c)] = 1.0 / len(c)
        rows.append(row)
    return np.array(rows)


def combined_upper(
    plan: Plan,
    batch: Batch,
    lam: FloatArray | None = None,
    rest_max_lam: FloatArray | None = None,
) -> FloatArray:
    """Upper bounds ``(N, K)`` on ``sum_p lam_kp u_p`` below each node, for the plan's weight
    vectors or for ``lam`` ``(K, P)`` with its ``rest_max_lam`` ``(n+1, K)``: per depth, the sum
    over the later positions of ``max_k lam @ values[:, k]`` over the allowed options.

    Unlike the per-party bounds, one option per issue must serve every party at once, so
    ``max_o lam . u(o) <= lam . partial + sum_{pos >= l} max_k lam . values[:, k] + bonuses``. A
    node where ``lam . upper < lam . d`` for some ``lam`` cannot reach every reservation (a
    Lagrangian bound; Fisher 1981).
    """
    if lam is None or rest_max_lam is None:
        lam, rest_max_lam, term_lam = plan.lam, plan.rest_max_lam, plan.term_lam
    else:
        term_lam = plan.cs.term_bonus @ lam.T
    d = batch.depth
    certain = batch.term_alive & (plan.term_decided_at <= d)[None, :]
    open_ = batch.term_alive & (plan.term_decided_at > d)[None, :]
    up = batch.partial @ lam.T + rest_max_lam[d][None, :]
    if term_lam.size:
        up += certain.astype(np.float64) @ term_lam
        up += open_.astype(np.float64) @ np.maximum(term_lam, 0.0)
    cap = plan.cs.cap
    if np.isfinite(cap).any():
        up = np.minimum(up, (lam @ np.where(np.isfinite(cap), cap, 1e300))[None, :])
    # lam has entries like 1/3: the products round, and an exact tie must not fall below the
    # bound (that would prune an equally good outcome); any upper bound plus a margin is one too
    up += COMBINED_MARGIN * (1.0 + np.abs(up))
    return np.asarray(up)


def node_crosses(plan: Plan, batch: Batch, regions: BoolArray) -> BoolArray:
    """Which nodes certainly cross one of ``regions`` (a mask over all rule regions)."""
    sure = regions & (plan.region_decided_at <= batch.depth)
    if not sure.any():
        return np.zeros(len(batch), dtype=bool)
    return np.asarray(batch.region_alive[:, sure].any(axis=1))


def root(plan: Plan) -> Batch:
    cs = plan.cs
    return Batch(
        depth=0,
        assign=np.zeros((1, 0), dtype=np.int32),
        partial=np.zeros((1, cs.n_parties)),
        term_alive=np.ones((1, len(cs.terms)), dtype=bool),
        region_alive=np.ones((1, len(cs.regions)), dtype=bool),
        flags=np.zeros(1, dtype=bool),
    )


def expand(plan: Plan, batch: Batch) -> Batch:
    cs = plan.cs
    pos = batch.depth
    issue = plan.order[pos]
    opts = plan.allowed[issue]
    k, n = len(opts), len(batch)
    assign = np.empty((n * k, pos + 1), dtype=np.int32)
    assign[:, :pos] = np.repeat(batch.assign, k, axis=0)
    assign[:, pos] = np.tile(opts, n)
    partial = (batch.partial[:, None, :] + cs.values[issue][:, opts].T[None, :, :]).reshape(
        n * k, -1
    )
    term_alive = np.repeat(batch.term_alive, k, axis=0)
    for t, region in enumerate(cs.terms):
        if issue in region.issues:
            m = region.masks[region.issues.index(issue)][opts]
            term_alive[:, t] &= np.tile(m, n)
    region_alive = np.repeat(batch.region_alive, k, axis=0)
    for r, region in enumerate(cs.regions):
        if issue in region.issues:
            m = region.masks[region.issues.index(issue)][opts]
            region_alive[:, r] &= np.tile(m, n)
    flags = np.repeat(batch.flags, k)
    return Batch(pos + 1, assign, partial, term_alive, region_alive, flags)


def evaluate_block(plan: Plan, batch: Batch) -> Block:
    """The leaf below ``batch``: per-node base utilities; tracked-rule crossings ``(N, B)`` and
    utilities are evaluated on demand (see :class:`Block`)."""
    cs = plan.cs
    d = batch.depth
    certain = batch.term_alive & (plan.term_decided_at <= d)[None, :]
    base = (
        batch.partial + certain.astype(np.float64) @ cs.term_bonus
        if len(cs.terms)
        else batch.partial
    )
    return Block(plan, batch, np.asarray(base), plan.tracked_regions & (plan.region_decided_at > d))
