"""Solve a scenario: exact counts, the ZOPA, Pareto frontiers, bargaining solutions, closest
outcome.

Notation
--------
``d`` ``(P,)`` is the disagreement point (the reservation utilities, or with
``disagreement="worst"`` ``d_p = max(reservation_p, min_o u_p(o))``, NegMAS's convention for Nash
and Kalai). An outcome is *consistent* when it breaks no consistency constraint, *feasible* when it
is consistent and crosses no red line, and in the *ZOPA* when it is feasible and ``u_p >= d_p`` for
every party.

Every pass is one :func:`~simulator.solver.search.run_search` over the space with a visitor that
prunes whole subtrees by their bounds:

- counts: a subtree that certainly satisfies the target (no rule can still be crossed, every lower
  bound reaches ``d``) is counted in closed form; one that certainly fails is dropped;
- frontier: a subtree whose upper-bound vector is dominated by a frontier point found so far is
  dropped (once it is counted);
- closest to agreement: a subtree whose lower bound on (red lines crossed, largest shortfall) is
  worse than the best outcome found so far is dropped.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from simulator.compiled import (
    BoolArray,
    CompiledScenario,
    FloatArray,
    IntArray,
    compile_scenario,
    crossed_rules,
    evaluate_utilities,
    outcome_indices,
)
from simulator.errors import ScenarioError
from simulator.model import Scenario
from simulator.outcome_space import allowed_options
from simulator.progress import Progress, StageProgress, labelled
from simulator.results import Closest, Counts, Frontier, Point, SolveResult
from simulator.solver import additive, milp
from simulator.solver.bargaining import SOLUTIONS, select_solution
from simulator.solver.milp import closest_incumbent
from simulator.solver.pareto import dominated_by, pareto_mask
from simulator.solver.search import (
    Batch,
    Block,
    Plan,
    combined_upper,
    make_plan,
    run_search,
)

__all__ = [
    "FRONTIER_SCOPES",
    "METHODS",
    "Progress",
    "choose_method",
    "count_outcomes",
    "disagreement_point",
    "exists_outcome",
    "rule_regions",
    "solve",
    "zopa_threshold",
]

FRONTIER_SCOPES = ("all", "feasible", "zopa")
METHODS = ("auto", "enumerate", "dp", "milp")
#: What ``result.method`` says for each method.
METHOD_NAMES = {
    "enumerate": "block branch and bound",
    "dp": "additive dynamic programme over issues (frontier), block branch and bound (counts)",
    "milp": "0/1 programme (HiGHS), epsilon-constraint frontier; block branch and bound (counts)",
}
#: Utility evaluations (outcomes times parties) up to which ``auto`` enumerates.
ENUMERATE_LIMIT = 2 * 10**9
#: Outcomes an existence search evaluates before it asks the integer programme for a witness.
EXISTS_BUDGET = 1 << 24
#: Nodes expanded at once by an existence search: narrow, to reach leaves early.
EXISTS_BATCH = 256
#: Outcomes the ZOPA counting pass may evaluate when the frontier is not enumerated.
COUNT_BUDGET = 10**9
#: The rules whose regions define each frontier scope.
_SCOPE_RULES = {"all": "none", "feasible": "all", "zopa": "all"}
Scope = Literal["all", "feasible", "zopa"]
_SAMPLE = 64
#: Old times new frontier points up to which a 4+ party merge tests pairs, not one skyline.
_MERGE_PAIRS = 1 << 21


@dataclass
class _FrontierStore:
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
        """Which points are dominated by the frontier so far: by a cheap sample of it, then (with
        ``full``) by all of it."""
        dom = dominated_by(points, self.sample, tol=self.tol)
        rest = np.flatnonzero(~dom)
        if full and len(rest) and len(self.u) > len(self.sample):
            dom[rest] = dominated_by(points[rest], self.u, tol=self.tol)
        return dom

    def add(self, u: FloatArray, outcomes: IntArray) -> None:
        """Merge candidates into the frontier. Two parties: the candidates' own frontier (the
        leaf has tested them against the whole frontier), then the old points it dominates are
        dropped. Four or more, when the pairs are few (:data:`_MERGE_PAIRS`): the old points
        that no candidate dominates and the candidates on their own frontier that no old point
        dominates. Else (and always for three, whose staircase sweep is cheaper than the pairs)
        one skyline of the old points and the candidates together."""
        if self.n_parties > 2:
            if self.n_parties > 3 and len(self.u) * len(u) <= _MERGE_PAIRS:
                # the same set as one skyline of both, since the old points do not dominate each
                # other (all the candidates are tested: dominance with a tolerance is not
                # transitive, so their frontier alone could miss a dominator)
                old = ~dominated_by(self.u, u, tol=self.tol)
                keep = pareto_mask(u, tol=self.tol)
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
            self.sample = self.u[np.unique(np.concatenate([picks, spread]))]

    def frontier(self, scope: str, sizes: tuple[int, ...]) -> Frontier:
        index = outcome_indices(sizes, self.outcomes)
        order = np.argsort(index, kind="stable") if len(index) else np.zeros(0, dtype=np.int64)
        return Frontier(
            scope,
            self.outcomes[order],
            self.u[order],
            tuple(int(i) for i in np.asarray(index)[order]),
        )


def _combined_need(plan: Plan, threshold: FloatArray) -> FloatArray:
    """``lam_k . threshold`` for every weight vector; a party without a threshold (``-inf``)
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
            _FrontierStore(cs.n_issues, cs.n_parties, cs.rounding_slack) if frontier else None
        )
        self.count = 0

    def keep(self, plan: Plan, batch: Batch, upper: FloatArray, lower: FloatArray) -> BoolArray:
        keep = np.ones(len(batch), dtype=bool)
        if self.threshold is not None:
            keep &= np.all(upper >= self.threshold, axis=1)
            need = _combined_need(plan, self.threshold)
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
        ok = ~block.crossed
        flags = block.batch.flags
        # a flagged node was counted whole by ``keep``: its bounds proved every outcome below it
        # in the target set, so the threshold test would only confirm it
        if self.threshold is not None and not (self.counting and flags.all()):
            ok &= block.reaches(self.threshold)
        if self.counting:
            self.count += int(np.count_nonzero(ok[~flags] if flags.any() else ok))
        if self.store is None:
            return
        if plan.inner_front is not None:
            node, j = np.nonzero(ok[:, plan.inner_front])
            inner = plan.inner_front[j]
        else:
            node, inner = np.nonzero(ok)
        if not len(node):
            return
        pts = block.points(node, inner)
        dom = self.store.prune(pts, full=plan.n_parties == 2)
        node, inner, pts = node[~dom], inner[~dom], pts[~dom]
        if len(pts):
            self.store.add(pts, block.outcomes(plan, node, inner))


class _ClosestVisitor:
    """Finds the outcome minimising (red lines crossed, largest shortfall below d, -sum, index)."""

    def __init__(self, cs: CompiledScenario, d: FloatArray, count_red_lines: bool) -> None:
        self.d = d
        self.cs = cs
        self.count_red_lines = count_red_lines
        self.best: tuple[int, float, float, int] | None = None
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
        out = np.asarray(outcome, dtype=np.int64)[None, :]
        if any(r.contains(out)[0] for r, t in zip(self.cs.regions, tracked, strict=True) if t):
            return
        u = evaluate_utilities(self.cs, out)[0]
        crossed = crossed_rules(self.cs, out)[0]
        n = int(crossed[self.red_rules].sum())
        short = float(np.max(np.maximum(self.d - u, 0.0)))
        self.best = (n, short, -float(u.sum()), int(outcome_indices(self.cs.sizes, out)[0]))
        self.best_outcome, self.best_u = out[0], u

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


class _MinVisitor:
    """The minimum of each party's utility over the whole space."""

    def __init__(self, n_parties: int) -> None:
        self.low = np.full(n_parties, np.inf)

    def keep(self, plan: Plan, batch: Batch, upper: FloatArray, lower: FloatArray) -> BoolArray:
        return np.asarray(np.any(lower < self.low[None, :], axis=1))

    def leaf(self, plan: Plan, block: Block) -> None:
        low = [float(block.party(p).min()) for p in range(plan.n_parties)]
        self.low = np.minimum(self.low, low)


def rule_regions(cs: CompiledScenario, which: str) -> BoolArray:
    """Mask over ``cs.regions``: ``none``, ``consistency`` (constraints only) or ``all`` rules."""
    owner = cs.rule_owner[cs.region_rule] if len(cs.regions) else np.zeros(0, dtype=np.int64)
    if which == "none":
        return np.zeros(len(cs.regions), dtype=bool)
    if which == "consistency":
        return np.asarray(owner < 0)
    return np.ones(len(cs.regions), dtype=bool)


def _zone(
    cs: CompiledScenario,
    rules: str,
    threshold: FloatArray | None,
    *,
    count: bool,
    frontier: bool,
    progress: StageProgress | None,
) -> ZoneVisitor:
    visitor = ZoneVisitor(cs, threshold, count, frontier)
    run_search(make_plan(cs, rule_regions(cs, rules)), visitor, progress)
    return visitor


class _ExistsVisitor:
    """Whether any outcome crosses no tracked region and reaches ``threshold``; stops at the
    first."""

    def __init__(self, threshold: FloatArray | None, budget: int | None = None) -> None:
        self.threshold = threshold
        self.found = False
        self.budget = budget

    def keep(self, plan: Plan, batch: Batch, upper: FloatArray, lower: FloatArray) -> BoolArray:
        if self.found:
            return np.zeros(len(batch), dtype=bool)
        if self.threshold is None:
            return np.ones(len(batch), dtype=bool)
        keep = np.all(upper >= self.threshold, axis=1)
        if keep.any():
            need = _combined_need(plan, self.threshold)
            keep[keep] = np.all(combined_upper(plan, batch.take(keep)) >= need[None, :], axis=1)
        return np.asarray(keep)

    def leaf(self, plan: Plan, block: Block) -> None:
        if self.found:
            return
        if self.budget is not None:
            self.budget -= block.shape[0] * block.shape[1]
            if self.budget < 0:
                raise _OverBudget
        ok = ~block.crossed
        if self.threshold is not None:
            ok &= block.reaches(self.threshold)
        self.found = bool(ok.any())

    @property
    def stop(self) -> bool:
        return self.found

    def priority(self, plan: Plan, batch: Batch, upper: FloatArray) -> FloatArray:
        """Explore first the nodes whose upper bounds clear the threshold by the most."""
        if self.threshold is None:
            return np.zeros(len(batch))
        slack = upper - np.where(np.isfinite(self.threshold), self.threshold, -1.0)
        return np.asarray(slack.min(axis=1))


def _components(cs: CompiledScenario, regions: BoolArray) -> list[list[int]]:
    """Groups of issues linked by the given rule regions (connected components; union-find)."""
    parent = list(range(cs.n_issues))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    named: set[int] = set()
    for region, on in zip(cs.regions, regions, strict=True):
        if on:
            named.update(region.issues)
            for j in region.issues[1:]:
                parent[find(j)] = find(region.issues[0])
    groups: dict[int, list[int]] = {}
    for i in sorted(named):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _restricted_to(cs: CompiledScenario, issues: list[int], regions: BoolArray) -> CompiledScenario:
    """The rule structure of ``cs`` on a subset of its issues (no utilities), for counting."""
    import dataclasses

    from simulator.compiled import Region

    pos = {i: k for k, i in enumerate(issues)}
    keep = [r for r, on in enumerate(regions) if on and set(cs.regions[r].issues) <= set(issues)]
    sub_regions = tuple(
        Region(tuple(pos[i] for i in cs.regions[r].issues), cs.regions[r].masks) for r in keep
    )
    return dataclasses.replace(
        cs,
        sizes=tuple(cs.sizes[i] for i in issues),
        values=tuple(np.zeros((cs.n_parties, cs.sizes[i])) for i in issues),
        terms=(),
        term_bonus=np.zeros((0, cs.n_parties)),
        regions=sub_regions,
        region_rule=cs.region_rule[keep],
    )


def count_outcomes(
    cs: CompiledScenario,
    regions: BoolArray,
    threshold: FloatArray | None = None,
    progress: StageProgress | None = None,
) -> int:
    """Exact number of outcomes that lie in none of ``regions`` (a mask over ``cs.regions``) and
    give every party ``p`` at least ``threshold[p]`` (use ``-inf`` for parties that do not matter).

    Without a threshold the count factorises over groups of issues that no region links: it is the
    product of each group's count and the sizes of the issues no region names.
    """
    regions = np.asarray(regions, dtype=bool)
    if threshold is not None:
        visitor = ZoneVisitor(cs, threshold, count=True, frontier=False)
        run_search(make_plan(cs, regions), visitor, progress)
        return int(visitor.count)
    total = 1
    linked: set[int] = set()
    groups = _components(cs, regions)
    for k, group in enumerate(groups):
        linked.update(group)
        sub = _restricted_to(cs, group, regions)
        visitor = ZoneVisitor(sub, None, count=True, frontier=False)
        run_search(make_plan(sub, np.ones(len(sub.regions), dtype=bool)), visitor)
        total *= int(visitor.count)
        if progress:
            progress((k + 1) / len(groups))
    for i in set(range(cs.n_issues)) - linked:
        total *= cs.sizes[i]
    if progress:
        progress(1.0)
    return total


def exists_outcome(
    cs: CompiledScenario, regions: BoolArray, threshold: FloatArray | None = None
) -> bool:
    """Whether some outcome lies in none of ``regions`` and reaches ``threshold``.

    Exact, in three steps: the search for up to :data:`EXISTS_BUDGET` evaluated outcomes (it
    stops at the first outcome found, and most empty sets are proved empty by their bounds within
    it); then the integer programme's feasibility solve, whose outcome, if any, is checked exactly
    (a witness); then, if the programme found none, the search to the end.
    """
    regions = np.asarray(regions, dtype=bool)
    plan = make_plan(cs, regions)
    visitor = _ExistsVisitor(threshold, EXISTS_BUDGET)
    try:
        run_search(plan, visitor, batch_nodes=EXISTS_BATCH)
        return visitor.found
    except _OverBudget:
        pass
    try:
        witness = milp.optimum(cs, regions, threshold, "exists")
    except milp.MilpError:
        witness = None
    if witness is not None and _is_witness(cs, regions, threshold, witness):
        return True
    visitor = _ExistsVisitor(threshold)
    run_search(plan, visitor, batch_nodes=EXISTS_BATCH)
    return visitor.found


def _is_witness(
    cs: CompiledScenario, regions: BoolArray, threshold: FloatArray | None, outcome: IntArray
) -> bool:
    """Whether ``outcome`` crosses none of ``regions`` and reaches ``threshold``, exactly."""
    o = outcome[None, :]
    if any(r.contains(o)[0] for r, on in zip(cs.regions, regions, strict=True) if on):
        return False
    return threshold is None or bool(np.all(evaluate_utilities(cs, o)[0] >= threshold))


def disagreement_point(
    cs: CompiledScenario, kind: str = "reservation", progress: Progress | None = None
) -> FloatArray:
    """``d``: the reservation utilities, or ``max(reservation, min over the space)`` for
    ``worst``."""
    if kind == "reservation":
        return cs.reservation.copy()
    if kind != "worst":
        raise ScenarioError(f"disagreement must be 'reservation' or 'worst', got {kind!r}")
    if not cs.terms and all(cs.sizes):
        # additive: the minimum is the outcome taking each issue's worst option, in closed form
        # (sums of quantised values are exact in any order: the search's value, bit for bit)
        low = np.zeros(cs.n_parties)
        for v in cs.values:
            low += v.min(axis=1)
        if progress:
            progress("worst case", 1.0)
        return np.asarray(np.maximum(cs.reservation, np.minimum(low, cs.cap)))
    visitor = _MinVisitor(cs.n_parties)
    run_search(make_plan(cs, rule_regions(cs, "none")), visitor, labelled(progress, "worst case"))
    return np.asarray(np.maximum(cs.reservation, visitor.low))


def zopa_threshold(cs: CompiledScenario, d: FloatArray) -> FloatArray:
    """The utility each party needs to be in the ZOPA: ``d`` less the compiler's rounding slack.

    A compiled utility is a sum of at most ``n + T`` quantised numbers, each within ``QUANTUM / 2``
    of its exact value, so a package whose exact utility equals ``d_p`` must not fall out of the
    ZOPA by rounding.
    """
    return np.asarray(d - cs.rounding_slack)


def _solutions(front: Frontier, d: FloatArray, power: FloatArray) -> dict[str, Point | None]:
    out: dict[str, Point | None] = {}
    for name in SOLUTIONS:
        row = select_solution(name, front.utilities, front.index, d, power)
        out[name] = None if row is None else front.point(row)
    return out


def _closest_key(
    cs: CompiledScenario, d: FloatArray, out: IntArray, red_rules: IntArray
) -> tuple[tuple[int, float, float, int], FloatArray]:
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
) -> tuple[tuple[int, float, float, int], IntArray, FloatArray] | None:
    """The outcome minimising (red lines crossed, largest shortfall, -sum, index): the integer
    programme's incumbent, then proved optimal by the search (``search``) or taken as it is."""
    visitor = _ClosestVisitor(cs, d, count_red_lines)
    incumbent = closest_incumbent(cs, d, tracked, visitor.red_rules)
    if not search:
        if incumbent is None:
            return None
        key, u = _closest_key(cs, d, incumbent, visitor.red_rules)
        return key, incumbent, u
    visitor.seed(incumbent, tracked)
    run_search(make_plan(cs, tracked), visitor, progress)
    if visitor.best is None or visitor.best_outcome is None or visitor.best_u is None:
        return None
    return visitor.best, visitor.best_outcome, visitor.best_u


def _closest(
    cs: CompiledScenario,
    d: FloatArray,
    feasible: int,
    progress: Progress | None,
    search: bool = True,
) -> Closest | None:
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


class _OverBudget(Exception):
    """A counting pass evaluated more outcomes than it was allowed."""


class _BudgetedCount(ZoneVisitor):
    """A counting pass that gives up after evaluating ``budget`` outcomes in leaves."""

    def __init__(self, cs: CompiledScenario, threshold: FloatArray | None, budget: int) -> None:
        super().__init__(cs, threshold, count=True, frontier=False)
        self.budget = budget

    def leaf(self, plan: Plan, block: Block) -> None:
        n, b = block.shape
        self.budget -= n * b
        if self.budget < 0:
            raise _OverBudget
        super().leaf(plan, block)


def _count_zopa(
    cs: CompiledScenario, threshold: FloatArray, budget: int | None, progress: Progress | None
) -> tuple[int, bool]:
    """The ZOPA count and whether it is exact (a lower bound when the budget ran out)."""
    label = labelled(progress, "ZOPA count")
    if budget is None:
        visitor: ZoneVisitor = ZoneVisitor(cs, threshold, count=True, frontier=False)
        run_search(make_plan(cs, rule_regions(cs, "all")), visitor, label)
        return int(visitor.count), True
    visitor = _BudgetedCount(cs, threshold, budget)
    try:
        run_search(make_plan(cs, rule_regions(cs, "all")), visitor, label)
    except _OverBudget:
        return int(visitor.count), False
    return int(visitor.count), True


def choose_method(cs: CompiledScenario, frontier: Scope = "zopa") -> str:
    """The method ``solve(method="auto")`` uses (see :func:`solve`).

    ``enumerate`` (the block branch and bound) when the space left after the unary red lines, times
    the number of parties, is at most :data:`ENUMERATE_LIMIT` utility evaluations, and always for
    three or more parties (its bounds prune huge spaces, and it lists every frontier outcome).
    Past the limit with two parties: ``dp`` when the additive programme applies to the ZOPA and to
    the reported scope, else ``milp``.

    >>> from simulator.synthetic import synthetic_scenario
    >>> from simulator.compiled import compile_scenario
    >>> choose_method(compile_scenario(synthetic_scenario(12, 10, 2)))
    'dp'
    """
    tracked = rule_regions(cs, "all")
    space = math.prod(len(a) for a in allowed_options(cs, tracked))
    if space * cs.n_parties <= ENUMERATE_LIMIT or cs.n_parties != 2:
        return "enumerate"
    scope_regions = rule_regions(cs, _SCOPE_RULES[frontier])
    if additive.applies(cs, tracked) and additive.applies(cs, scope_regions):
        return "dp"
    return "milp"


def _frontier_by(
    method: str, cs: CompiledScenario, scope: str, threshold: FloatArray | None
) -> tuple[Frontier, dict[str, object]]:
    """One scope's frontier by the additive programme or the integer programme (one outcome per
    utility vector), with what the method reports about itself."""
    tracked = rule_regions(cs, _SCOPE_RULES[scope])
    if method == "dp":
        outcomes, u = additive.additive_frontier(cs, tracked, threshold)
        info: dict[str, object] = {}
    else:
        found = milp.frontier_two_parties(cs, tracked, threshold)
        outcomes, u = found.outcomes, found.utilities
        info = {"milp_solves": found.solves, "milp_integer_units": found.exact}
    store = _FrontierStore(cs.n_issues, cs.n_parties, cs.rounding_slack)
    store.u, store.outcomes = u, outcomes
    return store.frontier(scope, cs.sizes), info


def _solve_structured(
    cs: CompiledScenario,
    method: str,
    scope: Scope,
    d: FloatArray,
    consistent: int,
    feasible: int,
    want_closest: bool,
    progress: Progress | None,
    count_budget: int | None,
) -> tuple[Counts, Frontier, Frontier, Closest | None, dict[str, object]]:
    """Counts by components and a budgeted counting pass; frontiers without enumeration."""
    threshold = zopa_threshold(cs, d)
    zopa, exact = _count_zopa(cs, threshold, count_budget, progress)
    zopa_front, info = _frontier_by(method, cs, "zopa", threshold)
    if not exact:
        zopa = max(zopa, zopa_front.size)
    same = {"all": cs.n_outcomes, "feasible": feasible, "zopa": zopa}[scope]
    if scope == "zopa" or (exact and zopa == same):
        front = Frontier(scope, zopa_front.outcomes, zopa_front.utilities, zopa_front.index)
    else:
        front, more = _frontier_by(method, cs, scope, None)
        for k, v in more.items():
            info[k] = info.get(k, 0) + v if k == "milp_solves" else v  # type: ignore[operator]
    closest = None
    if want_closest and zopa_front.size == 0 and consistent > 0:
        closest = _closest(cs, d, feasible, progress, search=False)
    info["counts_exact"] = exact
    return Counts(cs.n_outcomes, consistent, feasible, zopa), front, zopa_front, closest, info


def solve(
    scenario: Scenario | CompiledScenario,
    *,
    frontier: Scope = "zopa",
    disagreement: str = "reservation",
    progress: Progress | None = None,
    method: str = "auto",
    closest: bool = True,
    count_budget: int | None = COUNT_BUDGET,
) -> SolveResult:
    """Solve ``scenario`` exactly.

    Parameters
    ----------
    scenario
        A scenario, or one already compiled with :func:`~simulator.compiled.compile_scenario`.
    frontier
        Which set's Pareto frontier to report: ``all`` outcomes, ``feasible`` ones or the ``zopa``.
        The bargaining solutions always use the ZOPA's frontier.
    disagreement
        ``reservation`` (``d`` = the reservation utilities) or ``worst`` (see the module docstring).
    progress
        Called as ``progress(stage, fraction)`` while the search runs.
    method
        ``enumerate``: the block branch and bound (:mod:`~simulator.solver.search`); counts are
        exact
        and the frontier lists every outcome on it. ``dp``: the additive dynamic programme
        (:mod:`~simulator.solver.additive`; no interaction terms, one-issue rules only). ``milp``:
        the 0/1 programme by epsilon-constraint (:mod:`~simulator.solver.milp`; two parties). These
        two list one outcome per frontier vector, count the ZOPA with a counting pass limited to
        ``count_budget`` evaluated outcomes (a lower bound past it) and take the closest outcome
        from the integer programme. ``auto`` picks one (:func:`choose_method`).
        ``result.method`` names the method used and ``result.stats`` what it reports.
    closest
        Whether to find the outcome closest to agreement when the ZOPA is empty (skip it when only
        counts and solutions are wanted, e.g. in scans).
    count_budget
        Outcomes the ZOPA counting pass may evaluate with ``dp`` and ``milp`` (None: no limit).

    Returns
    -------
    SolveResult
        Counts, the frontier, the solutions (None when the ZOPA is empty) and, when the ZOPA is
        empty, the outcome closest to agreement.

    Raises
    ------
    ScenarioError
        For an unknown ``frontier`` scope, ``disagreement`` kind or ``method``, or a method that
        does not apply.

    Examples
    --------
    >>> from simulator.formats import load_scenario
    >>> result = solve(load_scenario("scenarios/textbook_car.yaml"))
    >>> result.counts.zopa > 0, result.method
    (True, 'block branch and bound')
    """
    if frontier not in FRONTIER_SCOPES:
        raise ScenarioError(
            f"frontier scope must be one of {', '.join(FRONTIER_SCOPES)}, got {frontier!r}"
        )
    if method not in METHODS:
        raise ScenarioError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    start = time.perf_counter()
    cs = scenario if isinstance(scenario, CompiledScenario) else compile_scenario(scenario)
    chosen = choose_method(cs, frontier) if method == "auto" else method
    _check_method(cs, chosen, frontier)
    d = disagreement_point(cs, disagreement, progress)
    consistent = count_outcomes(
        cs, rule_regions(cs, "consistency"), progress=labelled(progress, "consistent")
    )
    feasible = count_outcomes(cs, rule_regions(cs, "all"), progress=labelled(progress, "feasible"))
    stats: dict[str, object] = {"method": chosen, "chosen_automatically": method == "auto"}
    if chosen == "enumerate":
        zone = _zone(
            cs,
            "all",
            zopa_threshold(cs, d),
            count=True,
            frontier=True,
            progress=labelled(progress, "ZOPA"),
        )
        assert zone.store is not None
        zopa_front = zone.store.frontier("zopa", cs.sizes)
        same = {"all": cs.n_outcomes, "feasible": feasible, "zopa": zone.count}[frontier]
        if frontier == "zopa" or zone.count == same:
            front = Frontier(frontier, zopa_front.outcomes, zopa_front.utilities, zopa_front.index)
        else:
            other = _zone(
                cs,
                _SCOPE_RULES[frontier],
                None,
                count=False,
                frontier=True,
                progress=labelled(progress, frontier),
            )
            assert other.store is not None
            front = other.store.frontier(frontier, cs.sizes)
        found = None
        if closest and zone.count == 0 and consistent > 0:
            found = _closest(cs, d, feasible, progress)
        counts = Counts(math.prod(cs.sizes), consistent, feasible, zone.count)
        stats.update(counts_exact=True, frontier_outcomes="all")
    else:
        counts, front, zopa_front, found, info = _solve_structured(
            cs, chosen, frontier, d, consistent, feasible, closest, progress, count_budget
        )
        stats.update(info)
        stats["frontier_outcomes"] = "one per utility vector"
    return SolveResult(
        scenario=cs.scenario,
        counts=counts,
        disagreement=d,
        frontier=front,
        zopa_frontier=zopa_front,
        solutions=_solutions(zopa_front, d, cs.power),
        closest=found,
        method=METHOD_NAMES[chosen],
        seconds=time.perf_counter() - start,
        stats=stats,
    )


def _check_method(cs: CompiledScenario, method: str, scope: Scope) -> None:
    if method == "dp":
        for rules in ("all", _SCOPE_RULES[scope]):
            if not additive.applies(cs, rule_regions(cs, rules)):
                raise ScenarioError(
                    "method 'dp' needs additive utilities (no interactions) and one-issue rules"
                )
    if method == "milp" and cs.n_parties != 2:
        raise ScenarioError(
            f"method 'milp' finds the frontier of two parties; this scenario has {cs.n_parties}"
        )
