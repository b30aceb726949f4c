"""The outcome closest to agreement, when the ZOPA is empty.

Notation
--------
``d`` ``(P,)`` is the disagreement point and ``r_p = max u_p - min u_p`` party ``p``'s utility
range over the consistent outcomes (:func:`~simulator.solver.queries.utility_ranges`). A party's
*normalised* shortfall is ``max(0, d_p - u_p) / r_p`` and its normalised gain ``(u_p - d_p) / r_p``
(a party with ``r_p = 0`` gets the same utility from every package and counts 0 in both). The
closest outcome minimises, lexicographically, the key of :func:`closest_key`: (red lines crossed,
largest normalised shortfall, minus the sum of normalised gains, outcome index).

Scale-free: rescaling a party's utility and reservation affinely, ``u_p -> a u_p + b`` and
``d_p -> a d_p + b`` with ``a > 0``, rescales ``r_p`` by ``a`` and leaves every normalised shortfall
and gain, hence the key's order and the package, unchanged (with a raw sum or a raw shortfall the
package could change when nobody's preferences do). In floating point the quotients are
correctly rounded, so when ``a u_p + b`` is exact (dyadic numbers, as the tests use) the keys are
equal bit for bit.

The integer programme's incumbent (:func:`~simulator.solver.milp.closest_incumbent`) seeds the
search, which then prunes every subtree whose lower bound on the key is worse than the best outcome
so far (or, past enumeration, the incumbent is taken as it is). The search runs within
:data:`CLOSEST_BUDGET`; past it the best package so far is reported, marked as not proved closest.
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
from simulator.solver.budget import Budget, OverBudget
from simulator.solver.milp import closest_incumbent
from simulator.solver.queries import rule_regions, utility_ranges, zopa_threshold
from simulator.solver.search import Plan, make_plan, run_search

__all__ = ["CLOSEST_BUDGET", "ClosestVisitor", "closest_key", "closest_to_agreement"]

#: The search that proves the closest package optimal: past it the best package found so far
#: (at least the integer programme's incumbent) stands, marked unproved. About 30 s each part.
CLOSEST_BUDGET = Budget(nodes=2 * 10**6, outcomes=4 * 10**9)
#: (red lines crossed, largest normalised shortfall, minus the normalised gains' sum, index).
Key = tuple[int, float, float, int]
#: Absolute slack (in normalised units) taken off the combined shortfall bound, whose weighted sums
#: and quotient round: a subtree holding an exact tie must not be pruned.
_BOUND_SLACK = 1e-9


def normalised(x: FloatArray, r: FloatArray) -> FloatArray:
    """``x / r`` column by column ``(..., P)``, 0 where ``r_p = 0`` (a party every package gives
    the same utility)."""
    return np.divide(x, r, out=np.zeros(np.shape(x)), where=r > 0)


def gain_sum(u: FloatArray, d: FloatArray, r: FloatArray) -> FloatArray:
    """Sum of the normalised gains ``(m,)`` of utility rows ``u`` ``(m, P)``, party by party in a
    fixed order, so that a leaf and :func:`closest_key` round alike."""
    g = normalised(u - d[None, :], r[None, :])
    total = np.zeros(len(u))
    for p in range(g.shape[1]):
        total += g[:, p]
    return total


def _rest_max_weighted(plan: Plan, lam: FloatArray) -> FloatArray:
    """``(n+1, K)``: per depth, ``sum_{pos >= depth} max_k lam . values[:, k]`` over the allowed
    options, for weight vectors ``lam`` ``(K, P)`` other than the plan's (``rest_max_lam``)."""
    cs, n = plan.cs, plan.cs.n_issues
    rest = np.zeros((n + 1, len(lam)))
    for pos in range(n - 1, -1, -1):
        i = plan.order[pos]
        vals = cs.values[i][:, plan.allowed[i]]
        rest[pos] = rest[pos + 1] + ((lam @ vals).max(axis=1) if vals.shape[1] else 0.0)
    return rest


class ClosestVisitor:
    """Finds the outcome minimising :func:`closest_key` over the plan's space."""

    def __init__(
        self, cs: CompiledScenario, d: FloatArray, r: FloatArray, count_red_lines: bool
    ) -> None:
        self.d = d
        self.r = r
        self.cs = cs
        self.count_red_lines = count_red_lines
        self.best: Key | None = None
        self.best_outcome: IntArray | None = None
        self.best_u: FloatArray | None = None
        owner = cs.rule_owner
        self.red_rules = np.flatnonzero(owner >= 0) if count_red_lines else np.zeros(0, np.int64)
        self._rest_min: FloatArray | None = None
        self._inv_r = normalised(np.ones(len(r)), r)
        self._rest_inv = np.zeros((0, 1))
        self._rest_plan: Plan | None = None

    def seed(self, outcome: IntArray | None, tracked: BoolArray) -> None:
        """Start from a known outcome (e.g. the integer programme's), so the search prunes at once.
        An outcome inside a ``tracked`` region is not a candidate and is ignored."""
        if outcome is None:
            return
        out = np.asarray(outcome, dtype=np.int64)
        regions = zip(self.cs.regions, tracked, strict=True)
        if any(r.contains(out[None, :])[0] for r, t in regions if t):
            return
        self.best, u = closest_key(self.cs, self.d, self.r, out, self.red_rules)
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
        d, r = self.d, self.r
        short = np.max(np.maximum(normalised(d[None, :] - upper, r[None, :]), 0.0), axis=1)
        if (r > 0).all():
            # u_p >= d_p - s r_p for every p gives lam . u >= lam . d - s lam . r
            combined = combined_upper(plan, batch)
            lam_r = plan.lam @ r
            need = ((plan.lam @ d)[None, :] - combined) / lam_r[None, :]
            short = np.maximum(short, need.max(axis=1) - _BOUND_SLACK)
        sum_bound = gain_sum(upper, d, r)
        # one option per issue serves every party: sum_p u_p / r_p <= the combined bound
        if self._rest_plan is not plan:
            self._rest_inv = _rest_max_weighted(plan, self._inv_r[None, :])
            self._rest_plan = plan
        inv = self._inv_r
        joint = combined_upper(plan, batch, inv[None, :], self._rest_inv)[:, 0] - float(inv @ d)
        sum_bound = np.minimum(sum_bound, joint)
        if self.count_red_lines:
            lb = self._crossed_now(plan, batch) + self._rest_min_crossings(plan)[batch.depth]
        else:
            lb = np.zeros(len(batch))
        best_n, best_s, best_neg_sum = self.best[0], self.best[1], self.best[2]
        return np.asarray(
            (lb < best_n)
            | ((lb == best_n) & (short < best_s))
            | ((lb == best_n) & (short <= best_s) & (-sum_bound <= best_neg_sum))
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
            if self.r[p] > 0:
                np.maximum(short, (self.d[p] - block.party(p)) / self.r[p], out=short)
        s = np.where(cand, short, np.inf)
        s_min = s.min()
        if self.best is not None and (m, s_min) > (self.best[0], self.best[1]):
            return
        cand &= s == s_min
        node, inner = np.nonzero(cand)
        total = gain_sum(block.points(node, inner), self.d, self.r)
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
    cs: CompiledScenario, d: FloatArray, r: FloatArray, out: IntArray, red_rules: IntArray
) -> tuple[Key, FloatArray]:
    """The key of outcome ``out`` ``(n,)`` and its utilities ``(P,)``: (red lines among
    ``red_rules`` it crosses, its largest shortfall below ``d`` normalised by the ranges ``r``
    ``(P,)``, minus the sum of its normalised gains, its index; see the module Notation). The
    closest outcome is the one with the smallest key; the search's leaves compute the same key
    for whole blocks at once."""
    o = out[None, :]
    u = evaluate_utilities(cs, o)[0]
    n = int(crossed_rules(cs, o)[0][red_rules].sum())
    short = 0.0
    for p in range(len(u)):
        if r[p] > 0:
            short = max(short, float((d[p] - u[p]) / r[p]))
    total = float(gain_sum(u[None, :], d, r)[0])
    return (n, short, -total, int(outcome_indices(cs.sizes, o)[0])), u


def _closest_outcome(
    cs: CompiledScenario,
    d: FloatArray,
    r: FloatArray,
    tracked: BoolArray,
    count_red_lines: bool,
    search: bool,
    progress: StageProgress | None,
) -> tuple[Key, IntArray, FloatArray, str | None] | None:
    """The outcome minimising the key of :func:`closest_key`: the integer programme's
    incumbent, then proved optimal by the search (``search``) within :data:`CLOSEST_BUDGET`, or
    taken as it is. The last item names the budget that ended the proof (None: proved, or not
    searched)."""
    visitor = ClosestVisitor(cs, d, r, count_red_lines)
    incumbent = closest_incumbent(cs, d, r, tracked, visitor.red_rules)
    if not search:
        if incumbent is None:
            return None
        key, u = closest_key(cs, d, r, incumbent, visitor.red_rules)
        return key, incumbent, u, None
    visitor.seed(incumbent, tracked)
    ended = None
    try:
        run_search(make_plan(cs, tracked), visitor, progress, meter=CLOSEST_BUDGET.meter())
    except OverBudget as e:
        if visitor.best is None:  # nothing to show: the question is undecided
            raise OverBudget(e.budget, stage="the search for the closest package") from None
        ended = e.budget
    if visitor.best is None or visitor.best_outcome is None or visitor.best_u is None:
        return None
    return visitor.best, visitor.best_outcome, visitor.best_u, ended


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
    ``search=False`` takes the integer programme's incumbent without proving it optimal; so does
    a search stopped by :data:`CLOSEST_BUDGET` or the time limit (``proved`` False, and
    ``budget_ended`` says which)."""
    tracked = rule_regions(cs, "all" if feasible else "consistency")
    ranges, _ = utility_ranges(cs, rule_regions(cs, "consistency"))
    r = np.nan_to_num(ranges[:, 1] - ranges[:, 0])
    found = _closest_outcome(
        cs, d, r, tracked, not feasible, search, labelled(progress, "closest to agreement")
    )
    if found is None:
        return None
    key, out, u, ended = found
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
            r,
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
        proved=search and ended is None,
        budget_ended=ended,
    )
