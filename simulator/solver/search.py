"""Vectorised branch and bound over the joint concession space, block by block.

Notation
--------
The issues are put in a search ``order``. The first ``L`` positions are *outer*: a *node* assigns an
option to each of the first ``l <= L`` of them. The remaining issues are *inner*: their ``B`` combinations
form one block whose per-party partial utilities ``inner_values`` ``(B, P)`` and interaction and rule masks
are computed once by broadcasting. A node at depth ``L`` plus the block is ``B`` outcomes, evaluated in one
vector operation: ``U = partial[:, None, :] + inner_values[None, :, :]`` plus active terms.

Nodes are handled in *batches* (arrays of nodes at one depth): a batch is expanded by every allowed option
of the next issue in one operation, its bounds are computed for all nodes at once, and a visitor decides
which nodes to keep. The batches form a depth-first stack, so memory stays bounded by the batch and block
sizes, whatever the size of the space. No Python code runs per outcome.

Bounds: for a node with partial utility ``a_p`` at depth ``l``,

    upper_p = min(cap_p, a_p + sum_{pos >= l} max_k values + sum_t b_tp^+ [t possible] + certain terms)

and the lower bound likewise with minima and negative bonuses. A term or rule region is *possible* while
every assigned issue it names takes one of its allowed options, and *certain* once all its issues are
assigned (then it holds). A rule region that is certain means the node crosses the rule.

Unary rules (one issue) prune options before the search starts: an option forbidden by a tracked unary
rule never enters the search.

Reference: Land & Doig (1960) branch and bound; Lawler & Wood (1966).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from simulator.compiled import BoolArray, CompiledScenario, FloatArray, IntArray, Region

__all__ = ["Batch", "Block", "Plan", "Visitor", "make_plan", "run_search"]

ProgressFn = Callable[[float], None]

#: Largest inner block (outcomes) computed once by broadcasting.
INNER_BLOCK = 1 << 14
#: Outcomes evaluated in one leaf operation (nodes x inner block).
LEAF_OUTCOMES = 1 << 18
#: Fewest leaf nodes sharing the inner block for its frontier to be worth computing.
INNER_FRONT_MIN_NODES = 64
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
    term_decided_at: IntArray  # (T,) depth at which all issues of a term are assigned (> n_outer: inner)
    region_decided_at: IntArray  # (R,)
    bonus_pos: FloatArray  # (T, P)
    bonus_neg: FloatArray  # (T, P)
    # combined bounds: for each weight vector lam_k (rows of ``lam``, on the simplex), an upper bound
    # on sum_p lam_kp u_p that respects the conflict between parties (see ``combined_upper``)
    lam: FloatArray  # (K, P)
    rest_max_lam: FloatArray  # (n+1, K)
    term_lam: FloatArray  # (T, K)
    inner_outcomes: IntArray  # (B, n_inner) original option indices of the inner issues, in order
    inner_values: FloatArray  # (B, P)
    inner_term_mask: FloatArray  # (T, B) 1.0 where the inner part of a term holds
    inner_region_mask: FloatArray  # (R, B)
    inner_front: IntArray | None  # inner outcomes on the inner block's frontier, when that suffices
    empty: bool

    @property
    def n_parties(self) -> int:
        return self.cs.n_parties

    @property
    def block_size(self) -> int:
        return len(self.inner_values)


@dataclass
class Batch:
    """Nodes at one depth: their assignments, partial utilities and which terms/regions are possible."""

    depth: int
    assign: NDArray[np.int32]  # (N, depth) option indices, by position in the order
    partial: FloatArray  # (N, P) additive utility of the assigned issues
    term_alive: BoolArray  # (N, T)
    region_alive: BoolArray  # (N, R)
    flags: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # visitor's per node

    def __len__(self) -> int:
        return len(self.partial)

    def take(self, keep: BoolArray | IntArray) -> Batch:
        return Batch(
            self.depth,
            self.assign[keep],
            self.partial[keep],
            self.term_alive[keep],
            self.region_alive[keep],
            self.flags[keep],
        )


@dataclass
class Block:
    """A leaf evaluation: ``N`` nodes times the inner block of ``B`` outcomes."""

    batch: Batch
    utilities: FloatArray  # (N, B, P)
    crossed: BoolArray  # (N, B): crosses a tracked rule region

    def outcomes(self, plan: Plan, node: IntArray, inner: IntArray) -> IntArray:
        """Option indices ``(m, n)`` in the original issue order for (node, inner) pairs."""
        n = plan.cs.n_issues
        out = np.zeros((len(node), n), dtype=np.int64)
        order = plan.order
        for pos in range(plan.n_outer):
            out[:, order[pos]] = self.batch.assign[node, pos]
        for j, pos in enumerate(range(plan.n_outer, n)):
            out[:, order[pos]] = plan.inner_outcomes[inner, j]
        return out


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
    then the issues of interaction terms and other rules likewise, then the rest by the utility range
    they span (widest first, so that bounds tighten early)."""
    spread = np.array(
        [
            float(np.ptp(cs.values[i][:, allowed[i]], axis=1).sum()) if len(allowed[i]) else 0.0
            for i in range(cs.n_issues)
        ]
    )
    tracked_sets = [set(r.issues) for r, t in zip(cs.regions, tracked, strict=True) if t]
    other_sets = [set(r.issues) for r, t in zip(cs.regions, tracked, strict=True) if not t]
    other_sets += [set(t.issues) for t in cs.terms]
    order: list[int] = []
    chosen: set[int] = set()
    for sets in (tracked_sets, other_sets):
        while True:
            open_sets = [r for r in sets if not r <= chosen]
            if not open_sets:
                break
            candidates = {i for r in open_sets for i in r} - chosen

            def score(i: int, open_sets: list[set[int]] = open_sets) -> tuple[int, int, float, int]:
                completes = sum(1 for r in open_sets if i in r and r - chosen == {i})
                appears = sum(1 for r in open_sets if i in r)
                return (completes, appears, spread[i], -i)

            best = max(candidates, key=score)
            order.append(best)
            chosen.add(best)
    rest = sorted(set(range(cs.n_issues)) - chosen, key=lambda i: (-spread[i], i))
    return tuple(order + rest)


def _allowed_options(cs: CompiledScenario, tracked: BoolArray) -> tuple[IntArray, ...]:
    ok = [np.ones(k, dtype=bool) for k in cs.sizes]
    for region, t in zip(cs.regions, tracked, strict=True):
        if t and len(region.issues) == 1:
            ok[region.issues[0]] &= ~region.masks[0]
    return tuple(np.flatnonzero(m) for m in ok)


def _inner_block(
    cs: CompiledScenario, order: tuple[int, ...], allowed: Sequence[IntArray], n_outer: int
) -> IntArray:
    inner = order[n_outer:]
    grids = np.meshgrid(*[allowed[i] for i in inner], indexing="ij")
    if not inner:
        return np.zeros((1, 0), dtype=np.int64)
    return np.stack([g.ravel() for g in grids], axis=1).astype(np.int64)


def _decided_at(regions: Sequence[Region], pos_of: Sequence[int], n_outer: int) -> IntArray:
    out = np.zeros(len(regions), dtype=np.int64)
    for r, region in enumerate(regions):
        last = max(pos_of[i] for i in region.issues) + 1
        out[r] = last if last <= n_outer else n_outer + 1
    return out


def _inner_masks(regions: Sequence[Region], inner_full: IntArray, inner_set: set[int]) -> FloatArray:
    masks = np.ones((len(regions), len(inner_full)), dtype=np.float64)
    for r, region in enumerate(regions):
        for i, m in zip(region.issues, region.masks, strict=True):
            if i in inner_set:
                masks[r] *= m[inner_full[:, i]]
    return masks


def _inner_front(
    cs: CompiledScenario,
    inner_values: FloatArray,
    term_decided_at: IntArray,
    tracked_decided_at: IntArray,
    n_outer: int,
    n_nodes: int,
) -> IntArray | None:
    """Inner outcomes on the Pareto frontier of the inner block, if no outcome off it can matter.

    Below one node every utility is ``base + inner_values[b]``, so an inner outcome dominated within
    the block gives an outcome dominated within the node, unless an interaction term or a tracked rule
    looks at inner issues, or a utility cap can make two different vectors equal. With few nodes
    (``n_nodes`` leaves share the block) the filter would cost more than it saves.
    """
    if (term_decided_at > n_outer).any() or (tracked_decided_at > n_outer).any():
        return None
    if np.isfinite(cs.cap).any() or n_nodes < INNER_FRONT_MIN_NODES:
        return None
    from simulator.solver.pareto import pareto_mask

    return np.flatnonzero(pareto_mask(inner_values, tol=cs.rounding_slack))


def make_plan(
    cs: CompiledScenario, tracked_regions: BoolArray, *, inner_block: int = INNER_BLOCK
) -> Plan:
    """Precompute the search for ``cs`` where crossing a region in ``tracked_regions`` is excluded."""
    tracked_regions = np.asarray(tracked_regions, dtype=bool)
    allowed = _allowed_options(cs, tracked_regions)
    order = _order(cs, allowed, tracked_regions)
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
    rest_max = np.zeros((n + 1, n_p))
    rest_min = np.zeros((n + 1, n_p))
    for p in range(n - 1, -1, -1):
        vals = cs.values[order[p]][:, allowed[order[p]]]
        hi = vals.max(axis=1) if vals.shape[1] else np.zeros(n_p)
        lo = vals.min(axis=1) if vals.shape[1] else np.zeros(n_p)
        rest_max[p] = rest_max[p + 1] + hi
        rest_min[p] = rest_min[p + 1] + lo
    lam = weight_vectors(n_p)
    rest_max_lam = np.zeros((n + 1, len(lam)))
    for p in range(n - 1, -1, -1):
        vals = cs.values[order[p]][:, allowed[order[p]]]  # (P, k)
        best = (lam @ vals).max(axis=1) if vals.shape[1] else np.zeros(len(lam))
        rest_max_lam[p] = rest_max_lam[p + 1] + best
    remaining = [1] * (n + 1)
    for p in range(n - 1, -1, -1):
        remaining[p] = remaining[p + 1] * sizes[p]
    inner_sel = _inner_block(cs, order, allowed, n_outer)
    inner_full = np.zeros((len(inner_sel), n), dtype=np.int64)
    for j, pos in enumerate(range(n_outer, n)):
        inner_full[:, order[pos]] = inner_sel[:, j]
    inner_set = set(order[n_outer:])
    inner_values = np.zeros((len(inner_sel), n_p))
    for i in inner_set:
        inner_values += cs.values[i][:, inner_full[:, i]].T
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
        inner_outcomes=inner_sel,
        inner_values=inner_values,
        inner_term_mask=_inner_masks(cs.terms, inner_full, inner_set),
        inner_region_mask=_inner_masks(cs.regions, inner_full, inner_set),
        inner_front=_inner_front(
            cs,
            inner_values,
            term_decided_at,
            region_decided_at[tracked_regions],
            n_outer,
            remaining[0] // max(remaining[n_outer], 1),
        ),
        empty=any(s == 0 for s in sizes),
    )


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
    import itertools

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


def combined_upper(plan: Plan, batch: Batch) -> FloatArray:
    """Upper bounds ``(N, K)`` on ``sum_p lam_kp u_p`` below each node.

    Unlike the per-party bounds, one option per issue must serve every party at once, so
    ``max_o lam . u(o) <= lam . partial + sum_{pos >= l} max_k lam . values[:, k] + bonuses``. A node
    where ``lam . upper < lam . d`` for some ``lam`` cannot reach every reservation (a Lagrangian bound;
    Fisher 1981).
    """
    d = batch.depth
    certain = batch.term_alive & (plan.term_decided_at <= d)[None, :]
    open_ = batch.term_alive & (plan.term_decided_at > d)[None, :]
    up = batch.partial @ plan.lam.T + plan.rest_max_lam[d][None, :]
    if plan.term_lam.size:
        up += certain.astype(np.float64) @ plan.term_lam
        up += open_.astype(np.float64) @ np.maximum(plan.term_lam, 0.0)
    cap = plan.cs.cap
    if np.isfinite(cap).any():
        up = np.minimum(up, (plan.lam @ np.where(np.isfinite(cap), cap, 1e300))[None, :])
    return np.asarray(up)


def node_crosses(plan: Plan, batch: Batch, regions: BoolArray) -> BoolArray:
    """Which nodes certainly cross one of ``regions`` (a mask over all rule regions)."""
    sure = regions & (plan.region_decided_at <= batch.depth)
    if not sure.any():
        return np.zeros(len(batch), dtype=bool)
    return np.asarray(batch.region_alive[:, sure].any(axis=1))


def _root(plan: Plan) -> Batch:
    cs = plan.cs
    return Batch(
        depth=0,
        assign=np.zeros((1, 0), dtype=np.int32),
        partial=np.zeros((1, cs.n_parties)),
        term_alive=np.ones((1, len(cs.terms)), dtype=bool),
        region_alive=np.ones((1, len(cs.regions)), dtype=bool),
        flags=np.zeros(1, dtype=bool),
    )


def _expand(plan: Plan, batch: Batch) -> Batch:
    cs = plan.cs
    pos = batch.depth
    issue = plan.order[pos]
    opts = plan.allowed[issue]
    k, n = len(opts), len(batch)
    assign = np.empty((n * k, pos + 1), dtype=np.int32)
    assign[:, :pos] = np.repeat(batch.assign, k, axis=0)
    assign[:, pos] = np.tile(opts, n)
    partial = (batch.partial[:, None, :] + cs.values[issue][:, opts].T[None, :, :]).reshape(n * k, -1)
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
    """Utilities ``(N, B, P)`` and tracked-rule crossings ``(N, B)`` of every outcome below ``batch``."""
    cs = plan.cs
    d = batch.depth
    certain = batch.term_alive & (plan.term_decided_at <= d)[None, :]
    base = batch.partial + certain.astype(np.float64) @ cs.term_bonus
    u = base[:, None, :] + plan.inner_values[None, :, :]
    inner_terms = plan.term_decided_at > d
    if inner_terms.any():
        alive = batch.term_alive[:, inner_terms].astype(np.float64)  # (N, Ti)
        bonus = cs.term_bonus[inner_terms]  # (Ti, P)
        masks = plan.inner_term_mask[inner_terms]  # (Ti, B)
        for p in np.flatnonzero(np.any(bonus != 0, axis=0)):
            u[:, :, p] += (alive * bonus[:, p][None, :]) @ masks
    np.minimum(u, cs.cap[None, None, :], out=u)
    crossed = np.zeros(u.shape[:2], dtype=bool)
    inner_regions = plan.tracked_regions & (plan.region_decided_at > d)
    if inner_regions.any():
        alive_r = batch.region_alive[:, inner_regions].astype(np.float64)
        crossed = (alive_r @ plan.inner_region_mask[inner_regions]) > 0
    return Block(batch, u, crossed)


def run_search(plan: Plan, visitor: Visitor, progress: ProgressFn | None = None) -> None:
    """Depth-first search of the space in batches; prune with ``visitor.keep``, evaluate leaves.

    Nodes that certainly cross a tracked rule are removed before the visitor sees them.
    """
    if plan.empty:
        if progress:
            progress(1.0)
        return
    total = float(plan.remaining[0])
    done = 0.0
    leaf_nodes = max(1, LEAF_OUTCOMES // max(plan.block_size, 1))
    stack: list[Batch] = [_root(plan)]
    while stack:
        batch = stack.pop()
        if batch.depth == plan.n_outer:
            for start in range(0, len(batch), leaf_nodes):
                part = batch.take(np.arange(start, min(start + leaf_nodes, len(batch))))
                visitor.leaf(plan, evaluate_block(plan, part))
            done += len(batch) * float(plan.remaining[batch.depth])
            if progress:
                progress(min(done / total, 1.0))
            continue
        child = _expand(plan, batch)
        keep = ~node_crosses(plan, child, plan.tracked_regions)
        if keep.any():
            upper, lower = node_bounds(plan, child.take(keep))
            sub = child.take(keep)
            keep2 = visitor.keep(plan, sub, upper, lower)
            sub = sub.take(keep2)
        else:
            sub = child.take(keep)
        done += (len(child) - len(sub)) * float(plan.remaining[child.depth])
        if progress and len(child) != len(sub):
            progress(min(done / total, 1.0))
        chunk = BATCH_NODES if child.depth < plan.n_outer else leaf_nodes * 8
        for start in range(((len(sub) - 1) // chunk) * chunk, -1, -chunk):
            stack.append(sub.take(np.arange(start, min(start + chunk, len(sub)))))
    if progress:
        progress(1.0)


def space_size(plan: Plan) -> int:
    """Number of outcomes the plan searches (after option pruning)."""
    return 0 if plan.empty else int(plan.remaining[0])


def count_nodes(plan: Plan, depth: int, n: int) -> int:
    """Outcomes below ``n`` nodes at ``depth`` (exact Python int)."""
    return n * plan.remaining[depth]
