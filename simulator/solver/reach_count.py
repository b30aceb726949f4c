"""Counting the outcomes of a leaf that reach a threshold, by bitsets of the inner block.

Notation
--------
As in :mod:`~simulator.solver.blocks`: a leaf holds ``N`` nodes times the ``B`` outcomes of the
inner block; below node ``n`` party ``p`` gets ``base_np + inner_bp`` when no interaction term
looks inside the block (the block is *additive* for ``p``). The outcome ``(n, b)`` reaches the
threshold ``t`` when ``inner_bp >= c_np = t_p - base_np`` for every party, exactly (``t_p`` is
first rounded up to a multiple of :data:`~simulator.compiled.QUANTUM`, as
:meth:`~simulator.solver.blocks.Block.reaches` does).

A counting pass over a large zone evaluates billions of such outcomes (1.5x10^9 for a relaxed
December Ukraine zone of 4.7x10^7 packages), four comparisons each. Here each party's
comparison becomes a lookup: with the inner values of ``p`` sorted, ``{b : inner_bp >= c}`` is a
suffix of that order, and the bitset of every suffix is stored once per plan (``(V+1) x B/8``
bytes for ``V`` distinct values). A node's count is then the popcount of the AND of one row per
party and the complement of its crossed mask: ``B/8`` bytes per party instead of ``B`` comparisons.

The bitsets are built only once a plan has counted :data:`BITSET_AFTER` outcomes densely, so the
thousands of small questions of a scan never pay for them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from simulator.compiled import QUANTUM, BoolArray, FloatArray, IntArray
from simulator.solver.blocks import Block
from simulator.solver.dominance import _dominance, dominated_by
from simulator.solver.pareto import pareto_mask

__all__ = ["BITSET_AFTER", "count_reaching", "frontier_pairs", "reaching_pairs"]

#: Outcomes a plan counts densely before it builds its bitsets (about a tenth of a second).
BITSET_AFTER = 1 << 26
#: Rows of a bitset table built at once (bounds the temporary boolean matrix).
_BUILD_ROWS = 512


def _suffix_bits(values: FloatArray) -> tuple[FloatArray, NDArray[np.uint8]]:
    """The distinct ``values`` ``(B,)`` sorted, and for each ``k`` the bitset ``(V+1, ceil(B/8))``
    of the entries ``>= distinct[k]`` (row ``V``: none), bit ``b`` in byte ``b // 8``
    (``bitorder="little"``)."""
    distinct, rank = np.unique(values, return_inverse=True)
    rows = len(distinct) + 1
    out = np.empty((rows, (len(values) + 7) // 8), dtype=np.uint8)
    for k in range(0, rows, _BUILD_ROWS):
        ks = np.arange(k, min(k + _BUILD_ROWS, rows))
        out[ks] = np.packbits(rank[None, :] >= ks[:, None], axis=1, bitorder="little")
    return distinct, out


def _tables(block: Block, p: int) -> tuple[FloatArray, NDArray[np.uint8]]:
    """Party ``p``'s sorted distinct inner values and suffix bitsets, cached on the plan."""
    key = f"reach_bits_{p}"
    scratch = block.plan.scratch
    if key not in scratch:
        distinct, bits = _suffix_bits(block.plan.inner_by_party[p])
        scratch[key], scratch[key + "_values"] = bits, distinct
    return scratch[key + "_values"], scratch[key]


def count_reaching(block: Block, threshold: FloatArray | None, rows: BoolArray) -> int:
    """The number of outcomes below the nodes ``rows`` ``(N,)`` of ``block`` that cross no tracked
    region and give every party at least ``threshold`` (None: no threshold): the count of
    ``~block.crossed & block.reaches(threshold)`` over those rows, by bitsets once the plan has
    counted :data:`BITSET_AFTER` outcomes (a party whose utility a term changes inside the block
    is compared densely, then packed), else densely."""
    sel = np.flatnonzero(rows)
    if not len(sel):
        return 0
    plan, cs = block.plan, block.plan.cs
    parties = (
        [] if threshold is None else [p for p in range(cs.n_parties) if threshold[p] > -np.inf]
    )
    done = int(plan.scratch.get("reach_counted", np.zeros(1))[0])
    if done < BITSET_AFTER or not parties:
        plan.scratch["reach_counted"] = np.array([done + len(sel) * plan.block_size])
        ok = ~block.crossed[sel]
        if threshold is not None:
            ok &= block.reaches(threshold)[sel]
        return int(np.count_nonzero(ok))
    assert threshold is not None
    if any(cs.cap[p] < threshold[p] for p in parties):
        return 0
    acc: NDArray[np.uint8] | None = None
    for p in parties:
        if block._term_bonus_possible(p):  # a term looks inside: compare, then pack
            row = np.packbits(block.party(p)[sel] >= threshold[p], axis=1, bitorder="little")
        else:
            distinct, bits = _tables(block, p)
            tq = np.ceil(float(threshold[p]) / QUANTUM) * QUANTUM
            row = bits[np.searchsorted(distinct, tq - block.base[sel, p], side="left")]
        acc = row if acc is None else np.bitwise_and(acc, row, out=acc)
    assert acc is not None
    crossed = _crossed_bits(block, sel)
    if crossed is not None:
        acc &= ~crossed
    return int(np.bitwise_count(acc).sum(dtype=np.int64))


def _patterns(alive: BoolArray) -> tuple[BoolArray, IntArray]:
    """The distinct rows of ``alive`` ``(n, k)`` and which of them each row is."""
    if alive.shape[1] <= 62:  # one integer code per pattern: a 1-D unique, far cheaper
        codes = alive.astype(np.int64) @ (np.int64(1) << np.arange(alive.shape[1], dtype=np.int64))
        first, which = np.unique(codes, return_index=True, return_inverse=True)[1:]
        return alive[first], np.asarray(which).reshape(-1)
    patterns, which = np.unique(alive, axis=0, return_inverse=True)
    return patterns, np.asarray(which).reshape(-1)


def _crossed_bits(block: Block, sel: IntArray) -> NDArray[np.uint8] | None:
    """The bitsets ``(len(sel), ceil(B/8))`` of the inner outcomes that cross a tracked region
    below the nodes ``sel`` (None when none can): the OR of the packed inner masks of the regions
    still possible at each node, once per distinct pattern of possible regions (padding bits
    stay 0)."""
    inner = np.flatnonzero(block.inner_regions)
    if not len(inner):
        return None
    alive = block.batch.region_alive[sel][:, inner]
    if not alive.any():
        return None
    scratch = block.plan.scratch
    for r in inner.tolist():
        if f"packed_region_{r}" not in scratch:
            mask = block.plan.inner_region_mask[[r]] > 0
            scratch[f"packed_region_{r}"] = np.packbits(mask, axis=1, bitorder="little")[0]
    patterns, which = _patterns(alive)
    bits = np.zeros((len(patterns), (block.plan.block_size + 7) // 8), dtype=np.uint8)
    for k, r in enumerate(inner.tolist()):
        rows = np.flatnonzero(patterns[:, k])
        if len(rows):
            bits[rows] |= scratch[f"packed_region_{r}"]
    return np.asarray(bits[which])


def reaching_pairs(
    block: Block, threshold: FloatArray | None, columns: IntArray | None
) -> tuple[IntArray, IntArray]:
    """The outcomes ``(node[j], inner[j])`` of ``block`` that cross no tracked region and give
    every party at least ``threshold`` (None: no threshold), among the inner outcomes ``columns``
    only (None: all): :meth:`~simulator.solver.blocks.Block.reaches` on those columns, so that a
    frontier pass compares only the inner block's own frontier (a few hundred of 16,384 inner
    outcomes on the Ukraine snapshots)."""
    if columns is None:
        ok = ~block.crossed
        if threshold is not None:
            ok &= block.reaches(threshold)
        node, inner = np.nonzero(ok)
        return node, inner
    cs, plan = block.plan.cs, block.plan
    ok = ~block.crossed_at(columns)
    bar = np.full(cs.n_parties, -np.inf) if threshold is None else threshold
    for p in range(cs.n_parties):
        t = float(bar[p])
        if t == -np.inf:
            continue
        if cs.cap[p] < t:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        if block._term_bonus_possible(p):
            ok &= block.party(p)[:, columns] >= t
        else:  # exact, as in Block.reaches: both sides are multiples of QUANTUM
            tq = np.ceil(t / QUANTUM) * QUANTUM
            ok &= plan.inner_by_party[p][columns][None, :] >= (tq - block.base[:, p])[:, None]
    node, j = np.nonzero(ok)
    return node, columns[j]


def _pattern_front_applies(block: Block) -> bool:
    """Whether the inner fronts per pattern of possible regions filter a frontier pass's
    candidates: as :attr:`~simulator.solver.search.Plan.inner_front`, but with tracked regions
    inside the block allowed (no term inside it, no cap, more than one node)."""
    plan = block.plan
    if plan.inner_front_applies or not block.inner_regions.any():
        return False
    if (plan.term_decided_at > plan.n_outer).any() or np.isfinite(plan.cs.cap).any():
        return False
    return plan.remaining[0] // max(plan.remaining[plan.n_outer], 1) >= 2


def frontier_pairs(block: Block, threshold: FloatArray | None) -> tuple[IntArray, IntArray]:
    """The outcomes ``(node[j], inner[j])`` of ``block`` that cross no tracked region, reach
    ``threshold`` and can be on the frontier of the set: only the inner block's own frontier
    (``plan.inner_front``) when no term, region or cap looks inside the block; with tracked
    regions inside it, only the frontier of the inner outcomes left uncrossed by each node's
    pattern of possible regions (an uncrossed inner outcome another uncrossed one dominates
    gives, below the node, an outcome of the set dominated by one of the set: utilities are
    ``base + inner``, sums exact); else every outcome."""
    plan = block.plan
    if not _pattern_front_applies(block):
        if plan.inner_front is None:
            return reaching_pairs(block, threshold, None)
        rows = np.flatnonzero(~_dominated_nodes(block, None))
        node, cols = reaching_pairs(_rows(block, rows), threshold, plan.inner_front)
        return rows[node], cols
    inner = np.flatnonzero(block.inner_regions)
    alive = block.batch.region_alive[:, inner]
    kept = np.flatnonzero(~_dominated_nodes(block, alive))
    block = _rows(block, kept)
    patterns, which = _patterns(alive[kept])
    nodes, inners = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for k, pattern in enumerate(patterns):
        key = "pattern_front_" + ",".join(str(r) for r in inner[pattern])
        if key not in plan.scratch:
            crossed = (plan.inner_region_mask[inner[pattern]] > 0).any(axis=0)
            free = np.flatnonzero(~crossed)
            front = pareto_mask(plan.inner_values[free], tol=plan.cs.rounding_slack)
            plan.scratch[key] = free[front]
        rows = np.flatnonzero(which == k)
        node, cols = reaching_pairs(_rows(block, rows), threshold, plan.scratch[key])
        nodes.append(kept[rows[node]])
        inners.append(cols)
    return np.concatenate(nodes), np.concatenate(inners)


def _dominated_nodes(block: Block, alive: BoolArray | None) -> BoolArray:
    """The nodes of a leaf none of whose outcomes can be on the frontier of the set, since
    another node of the leaf gives, with the same inner outcome, an outcome of the set that
    dominates it: its partial utilities dominate the node's (with the tie tolerance; utilities
    are ``base + inner`` when no term or cap looks inside the block, and their sums are exact),
    and the tracked regions it can still cross inside the block (``alive``, None when none can)
    are among the node's, so every inner outcome the node leaves uncrossed it leaves uncrossed
    too (and it reaches a threshold the node reaches). With regions, nodes are compared in chunks
    of ``2^16`` pairs (the dominance matrix and the regions' subset test)."""
    base, tol = block.base, block.plan.cs.rounding_slack
    if alive is None:
        return dominated_by(base, base, tol=tol)
    out = np.zeros(len(base), dtype=bool)
    step = max(1, (1 << 16) // max(len(base), 1))
    for s in range(0, len(base), step):
        hit = _dominance(base[s : s + step], base, tol)
        hit &= ~np.any(alive[None, :, :] & ~alive[s : s + step, None, :], axis=2)
        out[s : s + step] = hit.any(axis=1)
    return out


def _rows(block: Block, rows: IntArray) -> Block:
    """The leaf ``block`` restricted to the nodes ``rows``."""
    return Block(block.plan, block.batch.take(rows), block.base[rows], block.inner_regions)
