"""The Nash package of a target set by branch and bound, without building its frontier.

Notation
--------
``d`` ``(P,)`` the disagreement point, ``t`` ``(P,)`` the threshold of the target set (the ZOPA's
is ``d`` less the rounding slack, :func:`~simulator.solver.queries.zopa_threshold`), gains
``g_p(o) = max(u_p(o) - d_p, 0)`` and the Nash product ``N(o) = prod_p g_p(o)`` (Nash 1950).

:func:`solve` picks the Nash package on the target set's Pareto frontier: the largest ``N``, ties
(within :data:`~simulator.solver.bargaining.TIE_TOLERANCE` relative, at least absolute) to the
larger utilitarian sum, then to the lowest outcome index. Building a frontier of three or more
parties over a large zone is slow (minutes on a Ukraine snapshot's coalitions); this search asks
only for the maximiser and gives the same package:

- a node is explored only when its upper bounds reach ``t`` (with the combined bounds) and
  ``prod_p max(upper_p - d_p, 0)`` (rounding is monotone, so this bounds ``N`` below the node)
  is within the tie tolerance of the best product found so far;
- the kept candidates are the outcomes within the tie tolerance of the best product so far that no
  other candidate dominates (with the frontier's tie tolerance, the rounding slack): a dominated
  outcome has a smaller sum than its dominator, which is tied whenever it is, so it can never win
  the tie-break; a node whose upper-bound vector a candidate strictly dominates is dropped for the
  same reason;
- once a package is found, a node must also reach the hyperplane through the best package
  ``sum_p g_p / g*_p >= P`` (AM-GM: every package with a larger product lies beyond it), bounded
  like the combined bounds;
- the most promising nodes (largest bound on ``N``) are explored first.

The answer is :func:`~simulator.solver.bargaining.select_solution` over the candidates: exactly
the frontier's choice, since the candidates hold every frontier point that can tie.

Reference: Land & Doig (1960) branch and bound; Nash (1950), "The bargaining problem",
Econometrica 18(2).

Warm starts and samples. :func:`nash_point` takes packages known from elsewhere (the last
Monte Carlo samples' Nash packages, another coalition's): those in the set start the bound at
once. :func:`nash_samples` answers many samples of one scenario (sampled weights, reservations and
held red lines) with one compilation and one plan structure per held set of red lines
(:mod:`~simulator.solver.sample_plans`): each sample's value tables are one broadcast product, bit
for bit the compiler's (:func:`~simulator.compiled.value_tables`), and each search is warm-started
with the Nash packages found so far. Each answer is exactly :func:`~simulator.solver.solve`'s Nash
package of that sampled scenario (the tests compare them on random scenarios and the December
snapshot).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from simulator.compiled import (
    BoolArray,
    CompiledScenario,
    FloatArray,
    IntArray,
    evaluate_utilities,
    in_target,
    outcome_indices,
    weighted_tables,
)
from simulator.solver.bargaining import TIE_TOLERANCE, select_solution, solution_criterion
from simulator.solver.blocks import Batch, Block, combined_upper
from simulator.solver.pareto import dominated_by, pareto_mask
from simulator.solver.queries import EXISTS_BATCH, max_utility, zopa_threshold
from simulator.solver.sample_plans import empty_at_root, held_region_matrix, revalued
from simulator.solver.search import Plan, make_plan, run_search
from simulator.solver.visitors import combined_need

#: Nodes expanded at once by a Nash search (narrow, to reach an incumbent early).
NASH_BATCH = EXISTS_BATCH

__all__ = [
    "SAMPLE_INNER_BLOCK",
    "NashPoint",
    "NashVisitor",
    "held_regions",
    "in_zone",
    "nash_point",
    "nash_product",
    "nash_samples",
]


def nash_product(u: FloatArray, d: FloatArray) -> FloatArray:
    """``(m,)`` the Nash product ``prod_p max(u_p - d_p, 0)`` of each row of ``u`` ``(m, P)``."""
    return np.asarray(np.prod(np.maximum(np.asarray(u) - d, 0.0), axis=-1))


@dataclass(frozen=True)
class NashPoint:
    """The Nash package: option indices ``outcome`` ``(n,)``, ``utilities`` ``(P,)`` and its Nash
    ``product``."""

    outcome: IntArray
    utilities: FloatArray
    product: float


#: Relative margin on the hyperplane cut against float rounding (far above it, far below any gap
#: that matters).
_MARGIN = 1e-9


def _floor(best: float) -> float:
    """The smallest product still tied with ``best`` (the tie-break's tolerance)."""
    if not np.isfinite(best):
        return -np.inf
    return best - TIE_TOLERANCE * max(1.0, abs(best))


class NashVisitor:
    """Branch and bound for the Nash package of the outcomes that cross no tracked region and
    reach ``threshold``; ``candidates`` ``(m, P)`` and ``outcomes`` ``(m, n)`` hold the points
    that can still win the tie-break (see the module docstring). The bound rises as packages are
    found, so the search asks :meth:`keep` again before evaluating a leaf (``recheck``)."""

    recheck = True

    def __init__(self, cs: CompiledScenario, threshold: FloatArray, d: FloatArray) -> None:
        self.threshold = np.asarray(threshold, dtype=np.float64)
        self.d = np.asarray(d, dtype=np.float64)
        self.best = -np.inf
        self.tol = cs.rounding_slack  # the frontier's tie tolerance
        self.candidates = np.zeros((0, cs.n_parties))
        self.outcomes = np.zeros((0, cs.n_issues), dtype=np.int64)
        self._cut: tuple[FloatArray, FloatArray, FloatArray, float] | None = None

    def _product(self, u: FloatArray) -> FloatArray:
        return np.asarray(np.prod(np.maximum(u - self.d, 0.0), axis=1))

    def _set_cut(self, plan: Plan) -> None:
        """The hyperplane through the best package: ``w_p = 1 / g*_p``; a package tied with it
        has ``sum_p w_p g_p >= P (prod_p w_p * floor)^(1/P)`` (AM-GM), so a node whose bound
        on ``w . u`` misses that is dropped. ``rest`` ``(n+1,)`` bounds ``w . u`` over the
        positions from ``l`` on, ``term`` ``(T,)`` is each term's ``w . bonus``."""
        gain = self.candidates - self.d
        star = gain[int(np.argmax(np.prod(np.maximum(gain, 0.0), axis=1)))]
        if self.best <= 0 or not np.all(star > 0):
            self._cut = None
            return
        w = 1.0 / star
        tables = [plan.cs.values[i][:, plan.allowed[i]] for i in plan.order]
        rest = np.zeros(len(tables) + 1)
        for pos in range(len(tables) - 1, -1, -1):
            vals = tables[pos]
            rest[pos] = rest[pos + 1] + (float((w @ vals).max()) if vals.shape[1] else 0.0)
        need = len(w) * (float(np.prod(w)) * _floor(self.best)) ** (1.0 / len(w))
        self._cut = (w, rest, plan.cs.term_bonus @ w, need - _MARGIN * (1.0 + abs(need)))

    def _on_cut_side(self, plan: Plan, batch: Batch) -> BoolArray:
        """Which nodes can still hold a package tied with the best (the cut of :meth:`_set_cut`)."""
        if self._cut is None:
            return np.ones(len(batch), dtype=bool)
        w, rest, term, need = self._cut
        depth = batch.depth
        up = batch.partial @ w + rest[depth]
        if len(term):
            certain = batch.term_alive & (plan.term_decided_at <= depth)[None, :]
            open_ = batch.term_alive & (plan.term_decided_at > depth)[None, :]
            up += certain.astype(np.float64) @ term + open_.astype(np.float64) @ np.maximum(
                term, 0.0
            )
        up += _MARGIN * (1.0 + np.abs(up))
        return np.asarray(up - w @ self.d >= need)

    def keep(self, plan: Plan, batch: Batch, upper: FloatArray, lower: FloatArray) -> BoolArray:
        keep = np.all(upper >= self.threshold, axis=1)
        keep &= self._product(upper) >= _floor(self.best)
        if keep.any():
            rows = np.flatnonzero(keep)
            keep[rows] = self._on_cut_side(plan, batch.take(rows))
        if keep.any():
            need = combined_need(plan, self.threshold)
            keep[keep] = np.all(combined_upper(plan, batch.take(keep)) >= need[None, :], axis=1)
        if keep.any() and len(self.candidates):
            rows = np.flatnonzero(keep)
            keep[rows] = ~dominated_by(upper[rows], self.candidates)
        return np.asarray(keep)

    def leaf(self, plan: Plan, block: Block) -> None:
        ok = ~block.crossed & block.reaches(self.threshold)
        node, inner = np.nonzero(ok)
        if not len(node):
            return
        product = np.ones(len(node))
        for p in range(plan.n_parties):
            product *= np.maximum(block.party(p)[node, inner] - self.d[p], 0.0)
        near = product >= _floor(max(self.best, float(product.max())))
        node, inner = node[near], inner[near]
        self.offer(plan, block.points(node, inner), block.outcomes(plan, node, inner))

    def offer(self, plan: Plan, u: FloatArray, outcomes: IntArray) -> None:
        """Take packages of the target set (utilities ``(m, P)``, outcomes ``(m, n)``) as
        candidates: from a leaf, or known beforehand (seeds)."""
        if not len(u):
            return
        top = float(self._product(u).max())
        improved = top > self.best
        self.best = max(self.best, top)
        u = np.concatenate([self.candidates, u])
        outcomes = np.concatenate([self.outcomes, outcomes])
        outcomes, first = np.unique(outcomes, axis=0, return_index=True)
        u = u[first]
        tied = self._product(u) >= _floor(self.best)
        u, outcomes = u[tied], outcomes[tied]
        front = pareto_mask(u, tol=self.tol)
        self.candidates, self.outcomes = u[front], outcomes[front]
        if improved:
            self._set_cut(plan)

    def priority(self, plan: Plan, batch: Batch, upper: FloatArray) -> FloatArray:
        """Explore first the nodes whose box bound on the Nash product is largest."""
        return self._product(upper)


def nash_point(
    cs: CompiledScenario,
    regions: BoolArray,
    d: FloatArray,
    *,
    warm: IntArray | None = None,
    plan: Plan | None = None,
) -> NashPoint | None:
    """The Nash package of the outcomes in none of ``regions`` that give every party at least
    ``d`` (less the rounding slack): :func:`~simulator.solver.solve`'s Nash point when ``regions``
    are all the rules and ``d`` the reservation utilities, found without the skyline.

    Parameters
    ----------
    cs
        The compiled scenario.
    regions
        ``(R,)`` bool mask over ``cs.regions``: the rules that hold.
    d
        ``(P,)`` the disagreement point.
    warm
        ``(m, n)`` packages to try first (e.g. the last sample's Nash package): the best of them
        in the zone seeds the incumbent.
    plan
        The plan of ``cs`` and ``regions``, if already made.

    Returns
    -------
    NashPoint or None
        None when the zone is empty.

    Examples
    --------
    >>> from simulator.formats import load_scenario
    >>> from simulator.compiled import compile_scenario
    >>> from simulator.solver import rule_regions, solve
    >>> cs = compile_scenario(load_scenario("scenarios/textbook_car.yaml"))
    >>> found = nash_point(cs, rule_regions(cs, "all"), cs.reservation)
    >>> found.outcome.tolist() == list(solve(cs).solutions["nash"].outcome)
    True
    """
    regions = np.asarray(regions, dtype=bool)
    d = np.asarray(d, dtype=np.float64)
    plan = make_plan(cs, regions) if plan is None else plan
    threshold = zopa_threshold(cs, d)
    visitor = NashVisitor(cs, threshold, d)
    if warm is not None and len(warm):
        warm = np.asarray(warm, dtype=np.int64).reshape(-1, cs.n_issues)
        inside = warm[in_zone(cs, regions, d, warm)]
        visitor.offer(plan, evaluate_utilities(cs, inside), inside)
    run_search(plan, visitor, batch_nodes=NASH_BATCH)
    if not len(visitor.candidates):
        return None
    index = outcome_indices(cs.sizes, visitor.outcomes)
    ideal = _ideal_if_tied(cs, regions, d, visitor.candidates)
    row = select_solution("nash", visitor.candidates, index, d, cs.power, ideal)
    assert row is not None
    outcome, u = visitor.outcomes[row].copy(), visitor.candidates[row].copy()
    return NashPoint(outcome, u, float(nash_product(u, d)))


def _ideal_if_tied(
    cs: CompiledScenario, regions: BoolArray, d: FloatArray, candidates: FloatArray
) -> FloatArray | None:
    """The zone's ideal point (each party's largest utility over the zone, exact) when several
    candidates tie on the Nash product: :func:`~.bargaining.select_solution` breaks the tie by
    gains as shares of ``ideal - d``, and ``solve`` takes the ideal over the whole zone's frontier,
    not over the few candidates kept here. None without a tie (nothing to break)."""
    crit = solution_criterion("nash", candidates, d, cs.power)
    best = float(crit.max())
    if int(np.sum(crit >= best - TIE_TOLERANCE * max(1.0, abs(best)))) < 2:
        return None
    threshold = zopa_threshold(cs, d)
    return np.array([max_utility(cs, regions, threshold, p) for p in range(cs.n_parties)])


def in_zone(
    cs: CompiledScenario, regions: BoolArray, d: FloatArray, outcomes: IntArray
) -> BoolArray:
    """``(m,)`` which ``outcomes`` ``(m, n)`` lie in none of ``regions`` and give every party at
    least ``d`` (less the rounding slack), evaluated directly."""
    return in_target(cs, regions, zopa_threshold(cs, d), outcomes)


#: The inner block of a per-sample search: smaller than a solve's, so that node bounds prune
#: before the leaves (measured on the December snapshot: 1,024 is 3x faster than 16,384).
SAMPLE_INNER_BLOCK = 1 << 10


def held_regions(cs: CompiledScenario, holds: BoolArray) -> BoolArray:
    """``(R,)`` the regions in force when the red lines ``holds`` ``(L,)`` hold (``cs.rules`` with
    an owner, in order): every consistency constraint and the held red lines."""
    owner = cs.rule_owner
    in_force = owner < 0
    in_force[np.flatnonzero(owner >= 0)[np.asarray(holds, dtype=bool)]] = True
    return np.asarray(in_force[cs.region_rule]) if len(cs.regions) else np.zeros(0, dtype=bool)


def nash_samples(
    cs: CompiledScenario,
    weights: FloatArray,
    reservations: FloatArray,
    holds: BoolArray,
    *,
    warm: IntArray | None = None,
) -> list[NashPoint | None]:
    """The Nash package of each sample of ``cs`` (weights ``(S, P, n)``, reservation utilities
    ``(S, P)``, red lines holding ``(S, L)``), each exactly :func:`~simulator.solver.solve`'s for
    the sampled scenario; None for a sample without a ZOPA.

    The samples share the compiled rules (each sample's value tables are one broadcast product,
    bit for bit the compiler's: :func:`~simulator.compiled.value_tables`); each sample's search
    is seeded with the Nash packages found so far, most recent first (``warm`` adds more). What
    else they share is in :mod:`~simulator.solver.sample_plans`: every sample's held regions and
    root bound in one operation each (a sample empty at the root needs no search), and one plan
    structure per held set of red lines, revalued for each sample that holds the same set.

    >>> from simulator.formats import load_scenario
    >>> from simulator.compiled import compile_scenario, preference_weights
    >>> from simulator.solver import solve
    >>> cs = compile_scenario(load_scenario("scenarios/textbook_car.yaml"))
    >>> w = preference_weights(cs.scenario)[None]
    >>> found = nash_samples(cs, w, cs.reservation[None], np.ones((1, 2), dtype=bool))
    >>> found[0].outcome.tolist() == list(solve(cs).solutions["nash"].outcome)
    True
    """
    weights = np.asarray(weights, dtype=np.float64)
    tables = weighted_tables(cs.scenario, weights)
    seen: list[IntArray] = [] if warm is None else list(np.asarray(warm).reshape(-1, cs.n_issues))
    out: list[NashPoint | None] = []
    order = make_plan(cs, np.ones(len(cs.regions), dtype=bool)).order  # shared by the samples
    reservations = np.asarray(reservations, dtype=np.float64).reshape(len(weights), -1)
    held = held_region_matrix(cs, holds)
    thresholds = np.stack([zopa_threshold(cs, d) for d in reservations]).reshape(len(weights), -1)
    empty = empty_at_root(cs, tables, held, thresholds)
    plans: dict[bytes, Plan] = {}  # per held set: the first sample's plan, its structure shared
    for s in range(len(weights)):
        if empty[s]:
            out.append(None)
            continue
        d = reservations[s]
        sample = replace(cs, values=tuple(t[s] for t in tables), reservation=d.copy())
        key = held[s].tobytes()
        if key in plans:
            plan = revalued(plans[key], sample)
        else:
            plan = make_plan(sample, held[s], inner_block=SAMPLE_INNER_BLOCK, order=order)
            plans[key] = plan
        tries = np.array(seen[-_WARM:][::-1], dtype=np.int64).reshape(-1, cs.n_issues)
        found = nash_point(sample, held[s], d, warm=tries, plan=plan)
        if found is not None and not any(np.array_equal(found.outcome, o) for o in seen[-_WARM:]):
            seen.append(found.outcome)
        out.append(found)
    return out


#: Nash packages of earlier samples tried as the incumbent of the next.
_WARM = 8
