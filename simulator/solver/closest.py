"""The outcome closest to agreement, when the ZOPA is empty.

Notation
--------
``d`` ``(P,)`` is the disagreement point. The closest outcome minimises, lexicographically, the
key of :func:`closest_key`: (red lines crossed, largest shortfall ``max_p max(0, d_p - u_p)``,
``-sum_p u_p``, outcome index). The integer programme's incumbent
(:func:`~simulator.solver.milp.closest_incumbent`) seeds the search, which then prunes every
subtree whose lower bound on the key is worse than the best outcome so far (or, past enumeration,
the incumbent is taken as it is).
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
    outcome_indices,
)
from simulator.progress import Progress, StageProgress, labelled
from simulator.results import Closest, Point
from simulator.solver.blocks import Batch, Block, combined_upper
from simulator.solver.milp import closest_incumbent
from simulator.solver.queries import rule_regions, zopa_threshold
from simulator.solver.search import Plan, make_plan, run_search

__all__ = ["ClosestVisitor", "closest_key", "closest_to_agreement"]

#: (red lines crossed, largest shortfall, minus the utility sum, outcome index).
Key = tuple[int, float, float, int]


class ClosestVisitor:
    """Finds the outcome minimising :func:`closest_key` over the plan's space."""

    def __init__(self, cs: CompiledScenario, d: FloatArray, count_red_lines: bool) -> None:
        self.d = d
        self.cs = cs
        self.count_red_lines = count_red_lines
        self.best: Key | None = None
        self.best_outcome: IntArray | None = None
        self.best_u: FloatArray | None = None
        owner = cs.rule_owner
        self.red_rules = np.flatnonzero(owner >= 0) if count_red_lines else np.zeros(0, np.int64)
        self._rest_min: FloatArray | None = None

    def seed(self, outcome: IntArray | None, tracked: BoolArray) -> None:
        """Start from a known outcome (e.g. the integer programme's), so the search prunes at once.
        An outcome inside a ``tracked`` region is not a candidate and is ignored."""
        if outcome is None:
            return
        out = np.asarray(outcome, dtype=np.int64)
        regions = zip(self.cs.regions, tracked, strict=True)
        if any(r.contains(out[None, :])[0] for r, t in regions if t):
            return
        self.best, u = closest_key(self.cs, self.d, out, self.red_rules)
        self.best_outcome, self.best_u = out, u

    def _rest_min_crossings(self, plan: Plan) -> FloatArray:
        """Per depth, a lower bound on red lines the unassigned issues must cross (unary rules)."""
        if self._rest_min is None:
            cs, n = self.cs, self.cs.n_issues
            per_issue = [np.zeros(k) for k in cs.sizes]
            for reg, r in zip(cs.regions, cs.region_rule, strict=True):
                if r in self.red_rules and len(reg.issues) == 1:
                    per_issue[reg.issues[0]] += reg.masks[0]
            rest = np.zeros(n + 1)
            for pos in range(n - 1, -1, -1):
                i = plan.order[pos]
                opts = plan.allowed[i]
                rest[pos] = rest[pos + 1] + (per_issue[i][opts].min() if len(opts) else 0)
            self._rest_min = rest
        return self._rest_min

    def _crossed_now(self, plan: Plan, batch: Batch) -> IntArray:
        sure = plan.region_decided_at <= batch.depth
        crossed = np.zeros((len(batch), len(self.cs.rules)), dtype=bool)
        for reg in np.flatnonzero(sure):
            crossed[:, plan.region_rule[reg]] |= batch.region_alive[:, reg]
        return np.asarray(crossed[:, self.red_rules].sum(axis=1))

    def keep(self, plan: Plan, batch: Batch, upper: FloatArray, lower: FloatArray) -> BoolArray:
        if self.best is None:
            return np.ones(len(batch), dtype=bool)
        short = np.max(np.maximum(self.d[None, :] - upper, 0.0), axis=1)
        combined = combined_upper(plan, batch)
        short = np.maximum(short, ((plan.lam @ self.d)[None, :] - combined).max(axis=1))
        # the last weight vector is uniform over all parties: it bounds the utilitarian sum
        sum_bound = combined[:, -1] * self.cs.n_parties
        if self.count_red_lines:
            lb = self._crossed_now(plan, batch) + self._rest_min_crossings(plan)[batch.depth]
        else:
            lb = np.zeros(len(batch))
        best_n, best_s, best_neg_sum = self.best[0], self.best[1], self.best[2]
        return np.asarray(
            (lb < best_n)
            | ((lb == best_n) & (short < best_s))
            | ((lb == best_n) & (short == best_s) & (-sum_bound <= best_neg_sum))
        )

    def _crossings(self, plan: Plan, block: Block) -> IntArray:
        """Red lines crossed ``(N, B)`` (``(N, 1)`` when all are decided above the block)."""
        d = block.batch.depth
        alive = block.batch.region_alive
        above = np.zeros(len(alive), dtype=np.int64)
        inside: IntArray | None = None
        for r in self.red_rules:
            regs = np.flatnonzero(plan.region_rule == r)
            decided = plan.region_decided_at[regs] <= d
            hit_above = np.asarray(alive[:, regs[decided]].any(axis=1))
            open_regs = regs[~decided]
            if len(open_regs):
                hit = np.asarray(
                    (alive[:, open_regs].astype(np.float64) @ plan.inner_region_mask[open_regs]) > 0
                )
                hit |= hit_above[:, None]
                inside = hit.astype(np.int64) if inside is None else inside + hit
            else:
                above += hit_above
        return above[:, None] if inside is None else inside + above[:, None]

    def leaf(self, plan: Plan, block: Block) -> None:
        ok = ~block.crossed
        if not ok.any():
            return
        n_crossed = np.broadcast_to(self._crossings(plan, block), ok.shape)
        big = np.iinfo(np.int64).max
        key_n = np.where(ok, n_crossed, big)
        m = key_n.min()
        if self.best is not None and m > self.best[0]:
            return
        cand = key_n == m
        short = np.zeros(ok.shape)
        for p in range(plan.n_parties):
            np.maximum(short, self.d[p] - block.party(p), out=short)
        s = np.where(cand, short, np.inf)
        s_min = s.min()
        if self.best is not None and (m, s_min) > (self.best[0], self.best[1]):
            return
        cand &= s == s_min
        node, inner = np.nonzero(cand)
        total = block.points(node, inner).sum(axis=1)
        best = total == total.max()
        node, inner = node[best], inner[best]
        outs = block.outcomes(plan, node, inner)
        idx = outcome_indices(self.cs.sizes, outs)
        j = int(np.argmin(np.asarray(idx, dtype=object)))
        key = (int(m), float(s_min), -float(total.max()), int(idx[j]))
        if self.best is None or key < self.best:
            self.best = key
            self.best_outcome = outs[j]
            self.best_u = block.points(node[j : j + 1], inner[j : j + 1])[0].copy()


def closest_key(
    cs: CompiledScenario, d: FloatArray, out: IntArray, red_rules: IntArray
) -> tuple[Key, FloatArray]:
    """The key of outcome ``out`` ``(n,)`` and its utilities ``(P,)``: (red lines among
    ``red_rules`` it crosses, its largest shortfall below ``d``, minus its utility sum, its index).
    The closest outcome is the one with the smallest key; the search's leaves compute the same
    key for whole blocks at once."""
    o = out[None, :]
    u = evaluate_utilities(cs, o)[0]
    n = int(crossed_rules(cs, o)[0][red_rules].sum())
    short = float(np.max(np.maximum(d - u, 0.0)))
    return (n, short, -float(u.sum()), int(outcome_indices(cs.sizes, o)[0])), u


def _closest_outcome(
    cs: CompiledScenario,
    d: FloatArray,
    tracked: BoolArray,
    count_red_lines: bool,
    search: bool,
    progress: StageProgress | None,
) -> tuple[Key, IntArray, FloatArray] | None:
    """The outcome minimising (red lines crossed, largest shortfall, -sum, index): the integer
    programme's incumbent, then proved optimal by the search (``search``) or taken as it is."""
    visitor = ClosestVisitor(cs, d, count_red_lines)
    incumbent = closest_incumbent(cs, d, tracked, visitor.red_rules)
    if not search:
        if incumbent is None:
            return None
        key, u = closest_key(cs, d, incumbent, visitor.red_rules)
        return key, incumbent, u
    visitor.seed(incumbent, tracked)
    run_search(make_plan(cs, tracked), visitor, progress)
    if visitor.best is None or visitor.best_outcome is None or visitor.best_u is None:
        return None
    return visitor.best, visitor.best_outcome, visitor.best_u


def closest_to_agreement(
    cs: CompiledScenario,
    d: FloatArray,
    feasible: int,
    progress: Progress | None,
    search: bool = True,
) -> Closest | None:
    """The outcome closest to agreement (see the module docstring) with its shortfalls, the red
    lines it crosses and what binds: among the feasible outcomes when ``feasible`` (their count)
    is not zero, else among the consistent ones counting the red lines crossed first. With a
    feasible set, the red lines that a closer outcome outside it crosses are binding too.
    ``search=False`` takes the integer programme's incumbent without proving it optimal."""
    tracked = rule_regions(cs, "all" if feasible else "consistency")
    found = _closest_outcome(
        cs, d, tracked, not feasible, search, labelled(progress, "closest to agreement")
    )
    if found is None:
        return None
    key, out, u = found
    short = np.where(u >= zopa_threshold(cs, d), 0.0, np.maximum(d - u, 0.0))
    crossed = crossed_rules(cs, out[None, :])[0]
    crossed_labels = [
        f"red_line:{cs.rules[r].label}" for r in np.flatnonzero(crossed) if cs.rules[r].owner >= 0
    ]
    binding = list(crossed_labels)
    binding += [
        f"reservation:{p.id}" for p, s in zip(cs.scenario.parties, short, strict=True) if s > 0
    ]
    if feasible:
        relaxed = _closest_outcome(
            cs,
            d,
            rule_regions(cs, "consistency"),
            False,
            search,
            labelled(progress, "closest without red lines"),
        )
        if relaxed is not None and relaxed[0][1] < key[1]:
            rc = crossed_rules(cs, relaxed[1][None, :])[0]
            binding += [
                f"red_line:{cs.rules[r].label}"
                for r in np.flatnonzero(rc)
                if cs.rules[r].owner >= 0
            ]
    point = Point(
        tuple(int(k) for k in out),
        tuple(float(x) for x in u),
        int(outcome_indices(cs.sizes, out[None, :])[0]),
    )
    return Closest(
        point,
        tuple(float(s) for s in short),
        tuple(lbl.removeprefix("red_line:") for lbl in crossed_labels),
        tuple(dict.fromkeys(binding)),
    )
