"""Vectorised branch and bound over the joint concession space, block by block.

Notation
--------
The issues are put in a search ``order``. The first ``L`` positions are *outer*: a *node* assigns an
option to each of the first ``l <= L`` of them. The remaining issues are *inner*: their ``B``
combinations form one block whose per-party partial utilities ``inner_values`` ``(B, P)`` and
interaction and rule masks are computed once by broadcasting. A node at depth ``L`` plus the block
is ``B`` outcomes, evaluated in one vector operation:
``U = partial[:, None, :] + inner_values[None, :, :]`` plus active terms.

Nodes are handled in *batches* (arrays of nodes at one depth): a batch is expanded by every allowed
option of the next issue in one operation, its bounds are computed for all nodes at once, and a
visitor decides which nodes to keep. The batches form a depth-first stack, so memory stays bounded
by the batch and block sizes, whatever the size of the space. No Python code runs per outcome.
Batches, blocks and the bounds below live in :mod:`~simulator.solver.blocks`; this module holds
the plan and the search loop.

Bounds: for a node with partial utility ``a_p`` at depth ``l``,

    upper_p = min(cap_p, a_p + sum_{pos >= l} max_k values + sum_t b_tp^+ [t possible]
                  + certain terms)

and the lower bound likewise with minima and negative bonuses. A term or rule region is *possible*
while every assigned issue it names takes one of its allowed options, and *certain* once all its
issues are assigned (then it holds). A rule region that is certain means the node crosses the rule.

Unary rules (one issue) prune options before the search starts: an option forbidden by a tracked
unary rule never enters the search.

Reference: Land & Doig (1960) branch and bound; Lawler & Wood (1966).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from simulator.compiled import (
    BoolArray,
    CompiledScenario,
    FloatArray,
    IntArray,
    Region,
    outcomes_from_indices,
)
from simulator.outcome_space import allowed_options
from simulator.progress import StageProgress
from simulator.solver.blocks import (
    Batch,
    Block,
    InnerMasks,
    _outer_sum,
    evaluate_block,
    expand,
    node_bounds,
    node_crosses,
    root,
    weight_vectors,
)
from simulator.solver.budget import Meter, ambient_meter
from simulator.solver.pareto import pareto_mask, sum_front_two

__all__ = ["Batch", "Block", "Plan", "Visitor", "make_plan", "run_search", "space_size"]

#: Largest inner block (outcomes) computed once by broadcasting.
INNER_BLOCK = 1 << 14
#: Outcomes evaluated in one leaf operation (nodes x inner block).
LEAF_OUTCOMES = 1 << 18
#: Fewest leaf nodes sharing the inner block for its frontier to be worth computing.
INNER_FRONT_MIN_NODES = 2
#: Nodes expanded in one batch operation.
BATCH_NODES = 1 << 15


@dataclass(frozen=True, eq=False)
class Plan:
    """Everything the search precomputes from a compiled scenario and the set of tracked rules."""

    cs: CompiledScenario
    order: tuple[int, ...]
    allowed: tuple[IntArray, ...]  # per issue (original index): allowed option indices
    n_outer: int
    tracked_regions: BoolArray  # (R,) which rule regions make an outcome unacceptable here
    region_rule: IntArray
    # per position l in 0..n: bounds over the allowed options of positions >= l
    rest_max: FloatArray  # (n+1, P)
    rest_min: FloatArray  # (n+1, P)
    remaining: tuple[int, ...]  # (n+1,) product of allowed sizes from position l on (Python ints)
    term_decided_at: (
        IntArray  # (T,) depth at which all issues of a term are assigned (> n_outer: inner)
    )
    region_decided_at: IntArray  # (R,)
    bonus_pos: FloatArray  # (T, P)
    bonus_neg: FloatArray  # (T, P)
    # combined bounds: for each weight vector lam_k (rows of ``lam``, on the simplex), an upper
    # bound on sum_p lam_kp u_p that respects the conflict between parties (see ``combined_upper``)
    lam: FloatArray  # (K, P)
    rest_max_lam: FloatArray  # (n+1, K)
    term_lam: FloatArray  # (T, K)
    inner_values: FloatArray  # (B, P)
    inner_by_party: FloatArray  # (P, B) the same, party-major (contiguous rows for the leaf loops)
    inner_term_mask: InnerMasks  # (T, B) 1.0 where the inner part of a term holds
    inner_region_mask: InnerMasks  # (R, B)
    inner_front_applies: bool  # whether the inner block's own frontier filters frontier candidates
    empty: bool
    # leaf utilities are written here (reused: fresh arrays freed every leaf cost page faults)
    scratch: dict[str, NDArray[Any]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def inner_front(self) -> IntArray | None:
        """Inner outcomes on the inner block's own Pareto frontier, when only those can reach a
        node's frontier (see :func:`_inner_front_applies`); computed on first use."""
        if not self.inner_front_applies:
            return None
        if "inner_front" not in self.scratch:
            inner = self.order[self.n_outer :]
            if self.n_parties == 2 and inner and self.block_size:
                # issue by issue, as in the additive DP: no skyline of the whole block
                tables = [self.cs.values[i][:, self.allowed[i]] for i in inner]
                front = sum_front_two(tables, tol=self.cs.rounding_slack)
            else:
                front = np.flatnonzero(pareto_mask(self.inner_values, tol=self.cs.rounding_slack))
            self.scratch["inner_front"] = front
        return np.asarray(self.scratch["inner_front"], dtype=np.int64)

    @property
    def inner_outcomes(self) -> IntArray:
        """``(B, n_inner)`` option indices of the inner issues (in search order) of every inner
        outcome; computed on first use (the leaves need only :meth:`inner_options`)."""
        if "inner_outcomes" not in self.scratch:
            self.scratch["inner_outcomes"] = self.inner_options(np.arange(self.block_size))
        return np.asarray(self.scratch["inner_outcomes"], dtype=np.int64)

    def inner_options(self, inner: IntArray) -> IntArray:
        """The rows ``inner`` of :attr:`inner_outcomes`: the inner outcome numbers' mixed-radix
        digits (the first inner issue most significant), as option indices."""
        issues = self.order[self.n_outer :]
        digits = outcomes_from_indices([len(self.allowed[i]) for i in issues], inner)
        for j, i in enumerate(issues):
            digits[:, j] = self.allowed[i][digits[:, j]]
        return digits

    def leaf_buffer(self, n_nodes: int) -> FloatArray:
        """A ``(P, n_nodes, B)`` float64 scratch array, valid until the next leaf."""
        buf = self.scratch.get("leaf")
        if buf is None or buf.shape[1] < n_nodes:
            buf = np.empty((self.n_parties, n_nodes, self.block_size))
            self.scratch["leaf"] = buf
        return np.asarray(buf[:, :n_nodes], dtype=np.float64)

    @property
    def n_parties(self) -> int:
        return self.cs.n_parties

    @property
    def block_size(self) -> int:
        return len(self.inner_values)


class Visitor(Protocol):
    """What a search does with its nodes and blocks."""

    def keep(self, plan: Plan, batch: Batch, upper: FloatArray, lower: FloatArray) -> BoolArray:
        """Which nodes of ``batch`` (after expansion, crossing nodes already removed) to explore."""
        ...

    def leaf(self, plan: Plan, block: Block) -> None:
        """Consume one evaluated block."""
        ...


def _order(
    cs: CompiledScenario, allowed: Sequence[IntArray], tracked: BoolArray
) -> tuple[int, ...]:
    """Search order, greedily: first the issues of tracked rules, each time the one that completes
    the most rule regions (so that a node is decided, and counted or dropped, as early as possible),
    then the issues of interaction terms and other rules likewise, then the rest by the utility
    range they span (widest first, so that bounds tighten early).

    Each greedy step takes, among the issues of the regions not yet complete, the largest
    ``(completes, appears, spread, -issue)``: how many such regions it would complete, how many it
    appears in, its spread; on an incidence matrix, so a step is a few vector operations."""
    n = cs.n_issues
    spread = np.array(
        [
            float(np.ptp(cs.values[i][:, allowed[i]], axis=1).sum()) if len(allowed[i]) else 0.0
            for i in range(n)
        ]
    )
    tracked_sets = [r.issues for r, t in zip(cs.regions, tracked, strict=True) if t]
    other_sets = [r.issues for r, t in zip(cs.regions, tracked, strict=True) if not t]
    other_sets += [t.issues for t in cs.terms]
    chosen = np.zeros(n, dtype=bool)
    order: list[int] = []
    neg_index = -np.arange(n)
    for sets in (tracked_sets, other_sets):
        incidence = np.zeros((len(sets), n), dtype=bool)
        for k, issues in enumerate(sets):
            incidence[k, list(issues)] = True
        while True:
            left = incidence & ~chosen
            n_left = left.sum(axis=1)
            open_sets = n_left > 0
            if not open_sets.any():
                break
            appears = left[open_sets].sum(axis=0)  # chosen issues are no candidates
            completes = left[n_left == 1].sum(axis=0)
            candidates = np.flatnonzero(appears > 0)
            keys = (neg_index[candidates], spread[candidates], appears[candidates])
            best = int(candidates[np.lexsort((*keys, completes[candidates]))[-1]])
            order.append(best)
            chosen[best] = True
    rest = sorted(np.flatnonzero(~chosen).tolist(), key=lambda i: (-spread[i], i))
    return tuple(order + rest)


def _decided_at(regions: Sequence[Region], pos_of: Sequence[int], n_outer: int) -> IntArray:
    out = np.zeros(len(regions), dtype=np.int64)
    for r, region in enumerate(regions):
        last = max(pos_of[i] for i in region.issues) + 1
        out[r] = last if last <= n_outer else n_outer + 1
    return out


def _inner_front_applies(
    cs: CompiledScenario,
    term_decided_at: IntArray,
    tracked_decided_at: IntArray,
    n_outer: int,
    n_nodes: int,
) -> bool:
    """Whether inner outcomes off the inner block's own frontier can be left out of frontiers.

    Below one node every utility is ``base + inner_values[b]``, so an inner outcome dominated within
    the block gives an outcome dominated within the node, unless an interaction term or a tracked
    rule looks at inner issues, or a utility cap can make two different vectors equal. With a single
    node (``n_nodes`` leaves share the block) the filter is the frontier itself and saves nothing.
    """
    if (term_decided_at > n_outer).any() or (tracked_decided_at > n_outer).any():
        return False
    return not np.isfinite(cs.cap).any() and n_nodes >= INNER_FRONT_MIN_NODES


def make_plan(
    cs: CompiledScenario,
    tracked_regions: BoolArray,
    *,
    inner_block: int = INNER_BLOCK,
    order: Any = None,
) -> Plan:
    """Precompute the search for ``cs`` where crossing a region in ``tracked_regions`` is
    excluded; ``order`` (issues) replaces the greedy one (any gives the same answers)."""
    tracked_regions = np.asarray(tracked_regions, dtype=bool)
    allowed = allowed_options(cs, tracked_regions)
    order = _order(cs, allowed, tracked_regions) if order is None else tuple(order)
    n = cs.n_issues
    sizes = [len(allowed[i]) for i in order]
    n_outer = n
    block = 1
    while n_outer > 0 and block * max(sizes[n_outer - 1], 1) <= inner_block:
        n_outer -= 1
        block *= max(sizes[n_outer], 1)
    pos_of = [0] * n
    for p, i in enumerate(order):
        pos_of[i] = p
    n_p = cs.n_parties
    lam = weight_vectors(n_p)
    rest_max = np.zeros((n + 1, n_p))
    rest_min = np.zeros((n + 1, n_p))
    rest_max_lam = np.zeros((n + 1, len(lam)))
    tables = [cs.values[i][:, allowed[i]] for i in order]  # (P, k) per position
    for p in range(n - 1, -1, -1):
        vals = tables[p]
        if vals.shape[1]:
            rest_max[p] = rest_max[p + 1] + vals.max(axis=1)
            rest_min[p] = rest_min[p + 1] + vals.min(axis=1)
            rest_max_lam[p] = rest_max_lam[p + 1] + (lam @ vals).max(axis=1)
        else:
            rest_max[p], rest_min[p] = rest_max[p + 1], rest_min[p + 1]
            rest_max_lam[p] = rest_max_lam[p + 1]
    remaining = [1] * (n + 1)
    for p in range(n - 1, -1, -1):
        remaining[p] = remaining[p + 1] * sizes[p]
    inner_issues = order[n_outer:]
    by_party = _outer_sum(tables[n_outer:], n_p)  # (P, B)
    inner_values = np.ascontiguousarray(by_party.T)
    term_decided_at = _decided_at(cs.terms, pos_of, n_outer)
    region_decided_at = _decided_at(cs.regions, pos_of, n_outer)
    return Plan(
        cs=cs,
        order=order,
        allowed=allowed,
        n_outer=n_outer,
        tracked_regions=tracked_regions,
        region_rule=cs.region_rule,
        rest_max=rest_max,
        rest_min=rest_min,
        remaining=tuple(remaining),
        term_decided_at=term_decided_at,
        region_decided_at=region_decided_at,
        bonus_pos=np.maximum(cs.term_bonus, 0.0),
        bonus_neg=np.minimum(cs.term_bonus, 0.0),
        lam=lam,
        rest_max_lam=rest_max_lam,
        term_lam=cs.term_bonus @ lam.T,
        inner_values=inner_values,
        inner_by_party=by_party,
        inner_term_mask=InnerMasks(cs.terms, inner_issues, allowed),
        inner_region_mask=InnerMasks(cs.regions, inner_issues, allowed),
        inner_front_applies=_inner_front_applies(
            cs,
            term_decided_at,
            region_decided_at[tracked_regions],
            n_outer,
            remaining[0] // max(remaining[n_outer], 1),
        ),
        empty=any(s == 0 for s in sizes),
    )


def run_search(
    plan: Plan,
    visitor: Visitor,
    progress: StageProgress | None = None,
    *,
    batch_nodes: int | None = None,
    meter: Meter | None = None,
) -> None:
    """Depth-first search of the space in batches; prune with ``visitor.keep``, evaluate leaves.

    Nodes that certainly cross a tracked rule are removed before the visitor sees them. Optional
    visitor attributes steer the search: ``priority(plan, batch, upper)`` ranks the kept nodes of
    a batch (highest explored first), a true ``stop`` ends the search, and a true ``recheck``
    asks ``keep`` again for each leaf's nodes before they are evaluated (for bounds that rise).
    ``batch_nodes`` (default :data:`BATCH_NODES`) bounds the nodes expanded in one operation (small
    batches reach leaves sooner, large ones amortise Python), so the stack is one batch per depth
    whatever the space. ``meter`` (a :class:`~simulator.solver.budget.Meter`; default: the
    ``time_limit`` scope's) is charged each expansion and leaf (``OverBudget`` past it).
    """
    if plan.empty:
        if progress:
            progress(1.0)
        return
    total, done = float(plan.remaining[0]), 0.0
    meter = ambient_meter() if meter is None else meter  # a time_limit scope bounds every search
    leaf_nodes = max(1, LEAF_OUTCOMES // max(plan.block_size, 1))
    chunk_inner = BATCH_NODES if batch_nodes is None else batch_nodes
    priority, recheck = getattr(visitor, "priority", None), getattr(visitor, "recheck", False)
    stack: list[Batch] = [root(plan)]
    while stack:
        if getattr(visitor, "stop", False):
            break
        batch = stack.pop()
        if batch.depth == plan.n_outer:
            for start in range(0, len(batch), leaf_nodes):
                part = batch.take(np.arange(start, min(start + leaf_nodes, len(batch))))
                if recheck:  # the visitor's bound moved since it kept these nodes: ask again
                    part = part.take(visitor.keep(plan, part, *node_bounds(plan, part)))
                if meter is not None:
                    rest = batch.take(slice(start, None))
                    meter.charge(outcomes=len(part) * plan.block_size, open=[*stack, rest])
                visitor.leaf(plan, evaluate_block(plan, part))
            done += len(batch) * float(plan.remaining[batch.depth])
            if progress:
                progress(min(done / total, 1.0))
            continue
        fan_out = max(len(plan.allowed[plan.order[batch.depth]]), 1)
        if len(batch) > 1 and len(batch) * fan_out > chunk_inner:  # the rest waits, as a view
            stack.append(batch.take(slice(max(1, chunk_inner // fan_out), None)))
            batch = batch.take(slice(0, max(1, chunk_inner // fan_out)))
        if meter is not None:
            meter.charge(nodes=len(batch) * fan_out, open=[*stack, batch])
        child = expand(plan, batch)
        keep = ~node_crosses(plan, child, plan.tracked_regions)
        sub = child.take(keep)
        if keep.any():
            upper, lower = node_bounds(plan, sub)
            keep2 = visitor.keep(plan, sub, upper, lower)
            sub = sub.take(keep2)
            if priority is not None and len(sub) > 1:
                sub = sub.take(np.argsort(-priority(plan, sub, upper[keep2]), kind="stable"))
        done += (len(child) - len(sub)) * float(plan.remaining[child.depth])
        if progress and len(child) != len(sub):
            progress(min(done / total, 1.0))
        chunk = chunk_inner if child.depth < plan.n_outer else min(leaf_nodes * 8, chunk_inner)
        chunk = max(chunk, 1)
        for start in range(((len(sub) - 1) // chunk) * chunk, -1, -chunk):
            stack.append(sub.take(np.arange(start, min(start + chunk, len(sub)))))
    if progress:
        progress(1.0)


def space_size(plan: Plan) -> int:
    """Number of outcomes the plan searches (after option pruning)."""
    return 0 if plan.empty else int(plan.remaining[0])
