"""The Nash package of a ZOPA by branch and bound on the Nash product, without its skyline.

Notation
--------
``d`` ``(P,)`` is the disagreement point, ``t = zopa_threshold(d)`` the ZOPA's threshold (``d``
less the rounding slack ``e``), ``g_p = max(u_p - d_p, 0)`` the gains and ``N(o) = prod_p g_p`` the
Nash product (Nash 1950). :func:`~simulator.solver.solve` picks the Nash package on the ZOPA's
Pareto frontier ``F`` (tie tolerance ``e``) by :func:`~.bargaining.select_solution`: the largest
``N``, ties within a relative ``1e-12`` to the larger utility sum, then to the lowest outcome index.

The search asks only that question. Below a node with per-party bounds ``upper`` and the combined
bounds ``c_k >= mean_{p in S_k} u_p`` (the plan's uniform weight vectors over subsets ``S_k``,
:func:`~.blocks.combined_upper`), every outcome of the ZOPA has (AM-GM on ``S_k``, and
``g_p <= u_p - d_p + e`` because ``u_p >= d_p - e``)

    N(o) <= min( prod_p (upper_p - d_p)^+ ,
                 min_k (c_k - mean_{S_k} d + e)^+ ^ |S_k| * prod_{p not in S_k} (upper_p - d_p)^+ ).

A node whose bound is below ``best - delta`` is dropped, ``best`` being the largest ``N`` found so
far (the *incumbent*, which a caller may seed with a package known to lie in the ZOPA: a warm start
from the last sample). The leaves keep every package of the ZOPA with ``N >= best - delta``; the
answer is ``select_solution`` on their frontier.

Exactness: ``delta`` exceeds what the tie tolerance can move a Nash product by
(``2 P e G^(P-1)``, ``G`` the largest gain possible) plus the tie band, so every package that
competes for the Nash point on ``F``, and every package that could take one off ``F``, is kept:
the answer is :func:`~simulator.solver.solve`'s, tie-breaks included (the tests compare them on
random and bundled scenarios). An empty ZOPA gives None, after the same proof as an existence
search. Like the frontier pass, leaves consider only the inner block's own frontier when the
block is additive (:attr:`~.search.Plan.inner_front`).

The acceptance test (:meth:`NashVisitor.possible` on nodes, :meth:`NashVisitor.accepted` on
leaves) is unanimity; a decision rule can replace those two methods.
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
    issue_values,
    outcome_indices,
    value_tables,
)
from simulator.solver.bargaining import TIE_TOLERANCE, select_solution
from simulator.solver.blocks import Batch, Block, combined_upper
from simulator.solver.pareto import pareto_mask
from simulator.solver.queries import EXISTS_BATCH, zopa_threshold
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


class NashVisitor:
    """Branch and bound on the Nash product over the ZOPA (see the module Notation)."""

    def __init__(self, plan: Plan, d: FloatArray, incumbent: float = -np.inf) -> None:
        cs = plan.cs
        self.d = np.asarray(d, dtype=np.float64)
        self.threshold = zopa_threshold(cs, self.d)
        self.slack = cs.rounding_slack
        self.best = float(incumbent)
        gain = plan.rest_max[0] + plan.bonus_pos.sum(axis=0) - self.d
        top = max(1.0, float(np.max(np.where(np.isfinite(gain), gain, 1.0))))
        p = cs.n_parties
        self._delta_abs = 4.0 * p * self.slack * top ** (p - 1)
        members = plan.lam > 0
        self._members = members  # (K, P)
        self._size = members.sum(axis=1)  # (K,)
        self._mean_d = (plan.lam @ self.d)[None, :]  # (1, K)
        self._need = combined_need(plan, self.threshold)
        self.u = np.zeros((0, p))
        self.outcomes = np.zeros((0, cs.n_issues), dtype=np.int64)

    @property
    def delta(self) -> float:
        """How far below the incumbent a package is still kept (see the module Notation)."""
        return self._delta_abs + 10 * TIE_TOLERANCE * max(1.0, abs(self.best))

    def bound(self, plan: Plan, batch: Batch, upper: FloatArray) -> FloatArray:
        """``(N,)`` an upper bound on the Nash product of every ZOPA package below each node."""
        gain = np.maximum(upper - self.d, 0.0)  # (N, P)
        ub = np.prod(gain, axis=1)
        mean = np.maximum(combined_upper(plan, batch) - self._mean_d + self.slack, 0.0)
        for k in range(len(self._size)):
            if self._size[k] < 2:
                continue
            rest = np.prod(gain[:, ~self._members[k]], axis=1)
            ub = np.minimum(ub, mean[:, k] ** self._size[k] * rest)
        return np.asarray(ub)

    def possible(self, plan: Plan, batch: Batch, upper: FloatArray) -> BoolArray:
        """Nodes below which a package of the ZOPA may lie (every party's bound reaches its
        threshold, and so does every combined bound)."""
        keep = np.all(upper >= self.threshold, axis=1)
        if keep.any():
            cu = combined_upper(plan, batch.take(keep))
            keep[keep] = np.all(cu >= self._need[None, :], axis=1)
        return np.asarray(keep)

    def accepted(self, plan: Plan, block: Block) -> BoolArray:
        """``(N, B)`` the packages of a leaf in the ZOPA."""
        return np.asarray(~block.crossed & block.reaches(self.threshold))

    def keep(self, plan: Plan, batch: Batch, upper: FloatArray, lower: FloatArray) -> BoolArray:
        keep = self.possible(plan, batch, upper)
        if keep.any() and np.isfinite(self.best):
            rows = np.flatnonzero(keep)
            keep[rows] = self.bound(plan, batch.take(rows), upper[rows]) >= self.best - self.delta
        return keep

    def priority(self, plan: Plan, batch: Batch, upper: FloatArray) -> FloatArray:
        """The most promising nodes first: the largest product bound."""
        return np.asarray(np.prod(np.maximum(upper - self.d, 0.0), axis=1))

    def leaf(self, plan: Plan, block: Block) -> None:
        ok = self.accepted(plan, block)
        front = plan.inner_front
        if front is not None:
            ok[:, np.setdiff1d(np.arange(plan.block_size), front)] = False
        if not ok.any():
            return
        crit = np.ones(block.shape)  # the whole leaf party by party: no gather per package
        for p in range(plan.n_parties):
            crit *= np.maximum(block.party(p) - self.d[p], 0.0)
        crit[~ok] = -1.0
        top = float(crit.max())
        if top > self.best:
            self.best = top
            if len(self.u):
                held = nash_product(self.u, self.d) >= self.best - self.delta
                self.u, self.outcomes = self.u[held], self.outcomes[held]
        node, inner = np.nonzero(crit >= self.best - self.delta)
        if len(node):
            self.u = np.concatenate([self.u, block.points(node, inner)])
            self.outcomes = np.concatenate([self.outcomes, block.outcomes(plan, node, inner)])

    def answer(self, cs: CompiledScenario) -> NashPoint | None:
        """The Nash package among the packages kept (None: the ZOPA is empty)."""
        if not len(self.u):
            return None
        on = np.flatnonzero(pareto_mask(self.u, tol=cs.rounding_slack))
        index = outcome_indices(cs.sizes, self.outcomes[on])
        row = select_solution("nash", self.u[on], index, self.d, cs.power)
        assert row is not None
        k = on[row]
        return NashPoint(
            self.outcomes[k].copy(), self.u[k].copy(), float(nash_product(self.u[k], self.d))
        )


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
    incumbent = -np.inf
    if warm is not None and len(warm):
        incumbent = _warm_incumbent(cs, regions, d, np.asarray(warm, dtype=np.int64))
    visitor = NashVisitor(plan, d, incumbent)
    run_search(plan, visitor, batch_nodes=NASH_BATCH)
    return visitor.answer(cs)


def in_zone(
    cs: CompiledScenario, regions: BoolArray, d: FloatArray, outcomes: IntArray
) -> BoolArray:
    """``(m,)`` which ``outcomes`` ``(m, n)`` lie in none of ``regions`` and give every party at
    least ``d`` (less the rounding slack), evaluated directly."""
    outcomes = np.asarray(outcomes, dtype=np.int64).reshape(-1, cs.n_issues)
    inside = np.ones(len(outcomes), dtype=bool)
    for region, on in zip(cs.regions, regions, strict=True):
        if on:
            inside &= ~region.contains(outcomes)
    if inside.any():
        u = evaluate_utilities(cs, outcomes[inside])
        inside[inside] = np.all(u >= zopa_threshold(cs, d), axis=1)
    return inside


def _warm_incumbent(
    cs: CompiledScenario, regions: BoolArray, d: FloatArray, warm: IntArray
) -> float:
    """The largest Nash product among the ``warm`` packages in the zone (``-inf``: none)."""
    warm = warm.reshape(-1, cs.n_issues)
    inside = in_zone(cs, regions, d, warm)
    if not inside.any():
        return -np.inf
    return float(nash_product(evaluate_utilities(cs, warm[inside]), d).max())


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
    is seeded with the Nash packages found so far, most recent first (``warm`` adds more).

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
    tables = value_tables(issue_values(cs.scenario), weights)
    seen: list[IntArray] = [] if warm is None else list(np.asarray(warm).reshape(-1, cs.n_issues))
    out: list[NashPoint | None] = []
    order = make_plan(cs, np.ones(len(cs.regions), dtype=bool)).order  # shared by the samples
    for s in range(len(weights)):
        d = np.asarray(reservations[s], dtype=np.float64)
        sample = replace(cs, values=tuple(t[s] for t in tables), reservation=d.copy())
        regions = held_regions(cs, holds[s])
        plan = make_plan(sample, regions, inner_block=SAMPLE_INNER_BLOCK, order=order)
        tries = np.array(seen[-_WARM:][::-1], dtype=np.int64).reshape(-1, cs.n_issues)
        found = nash_point(sample, regions, d, warm=tries, plan=plan)
        if found is not None and not any(np.array_equal(found.outcome, o) for o in seen[-_WARM:]):
            seen.append(found.outcome)
        out.append(found)
    return out


#: Nash packages of earlier samples tried as the incumbent of the next.
_WARM = 8
