"""Every bargaining solution of the ZOPA by branch and bound, without building its frontier.

Notation
--------
As in :mod:`~simulator.solver.bargaining`: ``d`` ``(P,)`` the disagreement point, gains
``g_p = u_p - d_p``, ``beta`` ``(P,)`` the bargaining powers, ``I`` ``(P,)`` the ideal point (each
party's largest utility over the ZOPA, exact: :func:`zone_ideal`) and
``C(u)`` the criterion a solution maximises. ``t`` is the ZOPA's threshold
(:func:`~simulator.solver.queries.zopa_threshold`).

:func:`~simulator.solver.solve` picks each solution on the ZOPA's Pareto frontier. In four
dimensions over a zone of 10^8 packages that frontier takes minutes; each solution alone needs
only the maximiser of a monotone criterion, which a branch and bound finds from the node bounds
(Land & Doig 1960). :func:`solutions_without_frontier` answers all of them this way:

- Nash by :func:`~simulator.solver.nash_search.nash_point` (the product's box bound and its AM-GM
  cut);
- every other registered solution by :class:`CriterionVisitor`, the same search with ``C``: a node
  is explored only when ``C(min(upper, I))`` (``C`` is monotone, and no ZOPA package exceeds
  ``I``) is within the tie tolerance of the best found; candidates are kept as the Nash search keeps
  them (tied with the best and not dominated, with the frontier's tie tolerance), so that
  :func:`~simulator.solver.bargaining.select_solution` over them, with the zone's ideal point for
  the tie-break, picks exactly the frontier's package;
- a cut per criterion once a package is found: weighted Nash a hyperplane through the best package
  (weighted AM-GM: ``sum_p a_p g_p / g*_p >= exp((C_floor - C*) / B)`` with ``B = sum beta`` and
  ``a = beta / B``), utilitarian the hyperplane ``sum_p u_p >= C_floor``, egalitarian and
  Kalai–Smorodinsky a raised threshold (``u_p >= d_p + C_floor``, resp.
  ``d_p + C_floor (I_p - d_p)``), which the combined bounds then prune with.

Reference: Land & Doig (1960) branch and bound; Kalai & Smorodinsky (1975); Kalai (1977).
"""

from __future__ import annotations

import numpy as np

from simulator.compiled import BoolArray, CompiledScenario, FloatArray, outcome_indices
from simulator.progress import Progress, StageProgress, labelled
from simulator.results import Point
from simulator.solver.bargaining import (
    SOLUTIONS,
    TIE_TOLERANCE,
    select_solution,
    solution_criterion,
)
from simulator.solver.blocks import Batch, Block
from simulator.solver.nash_search import NASH_BATCH, NashVisitor, nash_point
from simulator.solver.queries import zopa_threshold
from simulator.solver.search import Plan, make_plan, run_search
from simulator.solver.visitors import MaxVisitor

__all__ = ["CriterionVisitor", "optimum_point", "solutions_without_frontier", "zone_ideal"]

#: Relative margin of the cuts against float rounding (as the Nash search's).
_MARGIN = 1e-9


def _floor(best: float) -> float:
    """The smallest criterion value still tied with ``best`` (the tie-break's tolerance)."""
    if not np.isfinite(best):
        return -np.inf
    return best - TIE_TOLERANCE * max(1.0, abs(best))


class CriterionVisitor(NashVisitor):
    """Branch and bound for the package of the ZOPA that solution ``name`` picks: the Nash
    search (:class:`~simulator.solver.nash_search.NashVisitor`) with the solution's criterion in
    place of the product and a cut of its own (see the module docstring). ``ideal`` ``(P,)`` is
    the ZOPA's ideal point, which bounds every package and is what the criterion and the
    tie-break read."""

    def __init__(
        self,
        cs: CompiledScenario,
        threshold: FloatArray,
        d: FloatArray,
        name: str,
        ideal: FloatArray,
    ) -> None:
        super().__init__(cs, threshold, d)
        self.name = name
        self.ideal = np.asarray(ideal, dtype=np.float64)
        self.beta = np.asarray(cs.power, dtype=np.float64)
        self.base_threshold = self.threshold.copy()

    def _product(self, u: FloatArray) -> FloatArray:
        u = np.minimum(np.asarray(u, dtype=np.float64), self.ideal)
        return solution_criterion(self.name, u, self.d, self.beta, self.ideal)

    def _set_cut(self, plan: Plan) -> None:
        floor = _floor(self.best)
        self._cut = None
        if self.name in ("egalitarian", "kalai_smorodinsky") and np.isfinite(floor):
            room = self.ideal - self.d if self.name == "kalai_smorodinsky" else np.ones_like(self.d)
            raised = self.d + floor * room
            raised -= _MARGIN * (1.0 + np.abs(raised))
            active = room > 0
            self.threshold = self.base_threshold.copy()
            self.threshold[active] = np.maximum(self.base_threshold, raised)[active]
        elif self.name == "utilitarian" and np.isfinite(floor):
            self._cut = _hyperplane(plan, np.ones_like(self.d), floor - float(self.d.sum()))
        elif self.name == "weighted_nash" and np.isfinite(floor):
            gain = self.candidates - self.d
            star = gain[int(np.argmax(self._product(self.candidates)))]
            total = float(self.beta.sum())
            if np.all(star > 0) and total > 0:
                w = self.beta / total / star
                self._cut = _hyperplane(plan, w, float(np.exp((floor - self.best) / total)))

    def leaf(self, plan: Plan, block: Block) -> None:
        ok = ~block.crossed & block.reaches(self.threshold)
        node, inner = np.nonzero(ok)
        if not len(node):
            return
        u = np.stack([block.party(p)[node, inner] for p in range(plan.n_parties)], axis=1)
        crit = self._product(u)
        near = crit >= _floor(max(self.best, float(crit.max())))
        node, inner = node[near], inner[near]
        self.offer(plan, u[near], block.outcomes(plan, node, inner))

    def priority(self, plan: Plan, batch: Batch, upper: FloatArray) -> FloatArray:
        """Explore first the nodes whose bound on the criterion is largest."""
        return self._product(upper)


def _hyperplane(
    plan: Plan, w: FloatArray, need: float
) -> tuple[FloatArray, FloatArray, FloatArray, float]:
    """The cut ``w . (u - d) >= need`` in the form the Nash search tests nodes against: ``rest``
    ``(n+1,)`` bounds ``w . u`` over the positions from ``l`` on, ``term`` ``(T,)`` is each term's
    ``w . bonus``."""
    tables = [plan.cs.values[i][:, plan.allowed[i]] for i in plan.order]
    rest = np.zeros(len(tables) + 1)
    for pos in range(len(tables) - 1, -1, -1):
        vals = tables[pos]
        rest[pos] = rest[pos + 1] + (float((w @ vals).max()) if vals.shape[1] else 0.0)
    return w, rest, plan.cs.term_bonus @ w, need - _MARGIN * (1.0 + abs(need))


def zone_ideal(
    cs: CompiledScenario, regions: BoolArray, d: FloatArray, *, plan: Plan | None = None
) -> FloatArray:
    """``(P,)`` each party's largest utility over the outcomes in none of ``regions`` that give
    every party at least ``d`` (less the rounding slack); ``-inf`` everywhere if there is none.
    :func:`~simulator.solver.queries.max_utility`'s branch and bound, in narrow batches (the
    best nodes first reach a good incumbent early)."""
    threshold = zopa_threshold(cs, d)
    plan = make_plan(cs, np.asarray(regions, dtype=bool)) if plan is None else plan
    ideal = np.full(cs.n_parties, -np.inf)
    for p in range(cs.n_parties):
        visitor = MaxVisitor(p, threshold)
        run_search(plan, visitor, batch_nodes=NASH_BATCH)
        ideal[p] = visitor.best
    return ideal


def optimum_point(
    cs: CompiledScenario,
    regions: BoolArray,
    d: FloatArray,
    name: str,
    ideal: FloatArray,
    *,
    plan: Plan | None = None,
    progress: StageProgress | None = None,
) -> Point | None:
    """The package solution ``name`` picks among the outcomes in none of ``regions`` that give
    every party at least ``d`` (less the rounding slack), with ``ideal`` that set's ideal point
    (:func:`zone_ideal`): :func:`~simulator.solver.solve`'s choice, found without the frontier.
    None when the set is empty.

    >>> from simulator.formats import load_scenario
    >>> from simulator.compiled import compile_scenario
    >>> from simulator.solver import rule_regions, solve
    >>> cs = compile_scenario(load_scenario("scenarios/textbook_car.yaml"))
    >>> regions = rule_regions(cs, "all")
    >>> ideal = zone_ideal(cs, regions, cs.reservation)
    >>> found = optimum_point(cs, regions, cs.reservation, "egalitarian", ideal)
    >>> found.outcome == solve(cs).solutions["egalitarian"].outcome
    True
    """
    regions = np.asarray(regions, dtype=bool)
    d = np.asarray(d, dtype=np.float64)
    plan = make_plan(cs, regions) if plan is None else plan
    if name == "nash":
        found = nash_point(cs, regions, d, plan=plan)
        if found is None:
            return None
        index = int(outcome_indices(cs.sizes, found.outcome[None, :])[0])
        return Point(
            tuple(int(k) for k in found.outcome), tuple(float(x) for x in found.utilities), index
        )
    visitor = CriterionVisitor(cs, zopa_threshold(cs, d), d, name, ideal)
    run_search(plan, visitor, progress, batch_nodes=NASH_BATCH)
    if not len(visitor.candidates):
        return None
    indices = outcome_indices(cs.sizes, visitor.outcomes)
    row = select_solution(name, visitor.candidates, indices, d, cs.power, ideal)
    assert row is not None
    return Point(
        tuple(int(k) for k in visitor.outcomes[row]),
        tuple(float(x) for x in visitor.candidates[row]),
        int(indices[row]),
    )


def solutions_without_frontier(
    cs: CompiledScenario,
    regions: BoolArray,
    d: FloatArray,
    progress: Progress | None = None,
) -> dict[str, Point | None]:
    """Every registered solution (:data:`~simulator.solver.bargaining.SOLUTIONS`) of the outcomes
    in none of ``regions`` that give every party at least ``d``, each by its own branch and bound
    (:func:`optimum_point`), in the registry's order; all None when the set is empty."""
    regions = np.asarray(regions, dtype=bool)
    plan = make_plan(cs, regions)
    ideal = zone_ideal(cs, regions, d, plan=plan)
    if not np.all(np.isfinite(ideal)):
        return dict.fromkeys(SOLUTIONS)
    return {
        name: optimum_point(
            cs, regions, d, name, ideal, plan=plan, progress=labelled(progress, name)
        )
        for name in SOLUTIONS
    }
