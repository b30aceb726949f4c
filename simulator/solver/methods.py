"""The bodies of the solve methods: each answers one :class:`Question` with one
:class:`MethodOutput` (the registry, :data:`~simulator.solver.solve.SOLVE_METHODS`, and
:func:`~simulator.solver.solve.solve` live in :mod:`~simulator.solver.solve`).

- :func:`enumerate_method`: the block branch and bound, exact counts and every frontier outcome
  (within the time limit, when there is one);
- :func:`without_frontier`: the counts and the bargaining solutions by bounds-driven searches,
  no frontier (``solve(frontier="none")``);
- :func:`structured_method` (``dp``, ``milp``): the frontiers first, without enumeration (the
  ZOPA's is cut from the reported one when both have the same rules), then the ZOPA count by a
  counting pass within its own :class:`~simulator.solver.budget.Budget`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

from simulator.compiled import CompiledScenario, FloatArray
from simulator.progress import Progress, labelled
from simulator.results import (
    Closest,
    Counts,
    Frontier,
    Point,
    SolveStats,
    ZopaEstimate,
    empty_frontier,
)
from simulator.solver import additive, milp
from simulator.solver.bargaining import SOLUTIONS
from simulator.solver.budget import Budget, OverBudget, time_limit
from simulator.solver.closest import closest_to_agreement
from simulator.solver.decision import decision_rule, passing_zone
from simulator.solver.optimum_search import solutions_without_frontier
from simulator.solver.queries import count_zopa_within, rule_regions, zone, zopa_threshold
from simulator.solver.visitors import FrontierStore

__all__ = [
    "ENUMERATE_NODES",
    "ENUMERATE_OUTCOMES",
    "FRONTIER_SECONDS",
    "SCOPE_RULES",
    "MethodOutput",
    "Question",
    "Scope",
    "enumerate_method",
    "structured_method",
    "without_frontier",
]

#: The default work budget of each enumeration pass (about a minute at worst on the development
#: machine: ~10^5 node expansions and ~10^8 leaf evaluations per second); past it the counts are
#: lower bounds and the frontier covers what was seen, and the result says which budget ended it.
ENUMERATE_NODES = 5 * 10**6
ENUMERATE_OUTCOMES = 10**10
#: Seconds the pass that counts the ZOPA and builds its frontier together may run when the caller
#: set no time limit. A zone of 10^8 packages or more can have a four-party frontier of 10^4
#: points whose skyline takes minutes; past these seconds (or the work budget) the counts and the
#: solutions come exactly from the pass without a frontier (:func:`without_frontier`), and the
#: frontier found so far is reported as partial (``frontier_complete: false``).
FRONTIER_SECONDS = 60.0
#: The rules whose regions define each frontier scope.
SCOPE_RULES = {"all": "none", "feasible": "all", "zopa": "all"}
Scope = Literal["all", "feasible", "zopa"]


@dataclass(frozen=True, eq=False)
class Question:
    """What every solve method is asked: the scenario, the reported scope, the disagreement point
    ``d`` and the counts found before the method runs, and how far to go."""

    cs: CompiledScenario
    scope: Scope
    d: FloatArray
    consistent: int
    feasible: int
    closest: bool
    progress: Progress | None
    count_budget: int | None
    automatic: bool
    budget: Budget = field(default_factory=Budget)


@dataclass(frozen=True, eq=False)
class MethodOutput:
    """What every solve method answers: counts, the reported and the ZOPA frontiers, the closest
    outcome (None unless the ZOPA is empty and it was asked for) and the method's stats."""

    counts: Counts
    frontier: Frontier
    zopa_frontier: Frontier
    closest: Closest | None
    stats: SolveStats
    zopa_estimate: ZopaEstimate | None = None
    #: the bargaining solutions when the method found them itself (else they are chosen on
    #: ``zopa_frontier``)
    solutions: dict[str, Point | None] | None = None


def _closest_within(q: Question, search: bool = True) -> tuple[Closest | None, str | None]:
    """The closest package, or None and the budget that ended its search: the counts stand
    exact, and the JSON's ``budget_ended`` says why no closest package is given (its utility
    ranges are integer programmes, which the time limit can stop before the search starts)."""
    try:
        return closest_to_agreement(q.cs, q.d, q.feasible, q.progress, search=search), None
    except OverBudget as e:
        return None, e.budget


def enumerate_method(q: Question) -> MethodOutput:
    """The block branch and bound: exact counts, every frontier outcome (within the work budget
    :data:`ENUMERATE_NODES`, :data:`ENUMERATE_OUTCOMES` and the time limit, if any: past them the
    counts are lower bounds and the frontiers partial). Under a
    decision rule the ZOPA is the passing set (:mod:`~simulator.solver.decision`), with per-party
    acceptance counts and no closest-to-agreement search."""
    cs = q.cs
    rule = decision_rule(cs)
    own = q.budget.deadline is None and rule is None  # no caller's limit: the frontier's own
    deadline = time.perf_counter() + FRONTIER_SECONDS if own else q.budget.deadline
    work = Budget(ENUMERATE_NODES, ENUMERATE_OUTCOMES, deadline=deadline)
    threshold = zopa_threshold(cs, q.d)
    accepted = None
    estimate: ZopaEstimate | None = None
    ended: str | None
    if rule is None:
        found = zone(
            cs,
            "all",
            threshold,
            count=True,
            frontier=True,
            progress=labelled(q.progress, "ZOPA"),
            budget=work,
        )
        assert found.store is not None
        count, store, ended = found.count, found.store, found.budget_ended
    else:
        passing = passing_zone(cs, rule, threshold, labelled(q.progress, "passing"))
        count, store, ended = int(passing.count), passing.store, None
        accepted = tuple(int(a) for a in passing.accepted)
    zopa_front = store.frontier("zopa", cs.sizes)
    same = {"all": cs.n_outcomes, "feasible": q.feasible, "zopa": count}[q.scope]
    if q.scope == "zopa" or (rule is None and ended is None and count == same):
        front = Frontier(q.scope, zopa_front.outcomes, zopa_front.utilities, zopa_front.index)
    else:
        other = zone(
            cs,
            SCOPE_RULES[q.scope],
            None,
            count=False,
            frontier=True,
            progress=labelled(q.progress, q.scope),
            budget=work,
        )
        ended = ended or other.budget_ended
        assert other.store is not None
        front = other.store.frontier(q.scope, cs.sizes)
    if own and ended is not None:  # the frontier ran too long: counts and solutions without it
        exact = without_frontier(q)
        if exact.stats.counts_exact:
            stats = replace(
                exact.stats, frontier_outcomes="all", budget_ended=ended, frontier_complete=False
            )
            return MethodOutput(
                exact.counts, front, zopa_front, exact.closest, stats, solutions=exact.solutions
            )
        if exact.zopa_estimate is not None:  # its lower bound and its estimate of the rest
            count, estimate = exact.counts.zopa, exact.zopa_estimate
    closest, late = None, None
    if q.closest and count == 0 and ended is None and q.consistent > 0 and rule is None:
        closest, late = _closest_within(q)
    counts = Counts(math.prod(cs.sizes), q.consistent, q.feasible, count, accepted)
    stats = SolveStats(
        "enumerate",
        q.automatic,
        counts_exact=ended is None,
        frontier_outcomes="all",
        budget_ended=ended or late,
        frontier_complete=None if ended is None else False,
    )
    return MethodOutput(counts, front, zopa_front, closest, stats, estimate)


def without_frontier(q: Question) -> MethodOutput:
    """The counts and the bargaining solutions without any frontier: one counting pass of the
    ZOPA (within the enumeration's work budget and the time limit, when there is one), then each
    solution by its own branch and bound
    (:func:`~simulator.solver.optimum_search.solutions_without_frontier`), exactly the package
    the frontier would give. Both frontiers are empty, of scope ``none``, and the stats
    say ``frontier_outcomes="not computed"``. Not under a decision rule (its disagreement point
    is read off the passing frontier)."""
    cs = q.cs
    threshold = zopa_threshold(cs, q.d)
    work = Budget(ENUMERATE_NODES, ENUMERATE_OUTCOMES, deadline=q.budget.deadline)
    counted = count_zopa_within(cs, threshold, work, q.progress)
    count, ended = counted.value, counted.budget_ended
    if count == 0 and ended is None:
        solutions: dict[str, Point | None] = dict.fromkeys(SOLUTIONS)
    else:
        solutions = solutions_without_frontier(cs, rule_regions(cs, "all"), q.d, q.progress)
    closest, late = None, None
    if q.closest and count == 0 and ended is None and q.consistent > 0:
        closest, late = _closest_within(q)
    none = empty_frontier("none", cs.n_issues, cs.n_parties)
    stats = SolveStats(
        "enumerate",
        q.automatic,
        counts_exact=ended is None,
        frontier_outcomes="not computed",
        budget_ended=ended or late,
        count_method=counted.method,
    )
    counts = Counts(math.prod(cs.sizes), q.consistent, q.feasible, count)
    return MethodOutput(counts, none, none, closest, stats, counted.estimate, solutions=solutions)


def _frontier_by(
    method: str,
    cs: CompiledScenario,
    scope: str,
    threshold: FloatArray | None,
    progress: Progress | None = None,
) -> tuple[Frontier, dict[str, int | bool]]:
    """One scope's frontier by the additive programme or the integer programme (one outcome per
    utility vector), with what the method reports about itself."""
    tracked = rule_regions(cs, SCOPE_RULES[scope])
    info: dict[str, int | bool] = {}
    if method == "dp":
        outcomes, u = additive.additive_frontier(cs, tracked, threshold)
    else:
        stage = labelled(progress, f"{scope} frontier (integer programme)")
        found = milp.frontier_two_parties(cs, tracked, threshold, stage)
        outcomes, u = found.outcomes, found.utilities
        info = {"milp_solves": found.solves, "milp_integer_units": found.exact}
        if not found.complete:
            info["frontier_complete"] = False
    store = FrontierStore(cs.n_issues, cs.n_parties, cs.rounding_slack)
    store.u, store.outcomes = u, outcomes
    return store.frontier(scope, cs.sizes), info


def _cut(front: Frontier, threshold: FloatArray) -> Frontier:
    """The ZOPA frontier derived from a frontier of the same outcomes (same rules): its points
    that reach ``threshold``. A point of the ZOPA dominated by any outcome is dominated by one
    in the ZOPA (the dominating outcome reaches the threshold too), so nothing is recomputed."""
    rows = [r for r in range(front.size) if bool((front.utilities[r] >= threshold).all())]
    return Frontier(
        "zopa", front.outcomes[rows], front.utilities[rows], tuple(front.index[r] for r in rows)
    )


def _frontiers(
    method: str, q: Question, threshold: FloatArray, derived: bool
) -> tuple[Frontier, Frontier, dict[str, int | bool]]:
    """The reported frontier and the ZOPA's (cut from the reported one when ``derived``), with
    what the method reports about itself."""
    cs = q.cs
    if q.scope == "zopa":
        zopa_front, info = _frontier_by(method, cs, "zopa", threshold, q.progress)
        front = Frontier(q.scope, zopa_front.outcomes, zopa_front.utilities, zopa_front.index)
        return front, zopa_front, info
    front, info = _frontier_by(method, cs, q.scope, None, q.progress)
    if derived:
        return front, _cut(front, threshold), info
    zopa_front, more = _frontier_by(method, cs, "zopa", threshold, q.progress)
    for k, v in more.items():
        info[k] = info.get(k, 0) + v if k == "milp_solves" else (v and info.get(k, True))
    return front, zopa_front, info


def structured_method(method: str) -> Callable[[Question], MethodOutput]:
    """``dp`` or ``milp``: the frontiers first, without enumeration (the ZOPA's is cut from the
    reported one when both have the same rules); then the ZOPA count by a counting pass within
    its own budget; the closest outcome from the integer programme."""

    def run(q: Question) -> MethodOutput:
        cs = q.cs
        threshold = zopa_threshold(cs, q.d)
        derived = q.scope != "zopa" and bool(
            (rule_regions(cs, "all") == rule_regions(cs, SCOPE_RULES[q.scope])).all()
        )
        left = None if q.budget.deadline is None else q.budget.deadline - time.perf_counter()
        with time_limit(left):  # HiGHS stops at the solve's deadline too
            front, zopa_front, info = _frontiers(method, q, threshold, derived)
        complete = bool(info.pop("frontier_complete", True))
        counted = count_zopa_within(cs, threshold, q.budget, q.progress)
        zopa = counted.value if counted.exact else max(counted.value, zopa_front.size)
        closest, late = None, None
        if q.closest and complete and zopa_front.size == 0 and q.consistent > 0:
            closest, late = _closest_within(q, search=False)
        stats = SolveStats(
            method,
            q.automatic,
            counts_exact=counted.exact,
            frontier_outcomes="one per utility vector",
            milp_solves=None if "milp_solves" not in info else int(info["milp_solves"]),
            milp_integer_units=None
            if "milp_integer_units" not in info
            else bool(info["milp_integer_units"]),
            budget_ended=counted.budget_ended or (None if complete else "time") or late,
            frontier_complete=None if complete else False,
            count_method=counted.method,
        )
        counts = Counts(cs.n_outcomes, q.consistent, q.feasible, zopa)
        return MethodOutput(counts, front, zopa_front, closest, stats, counted.estimate)

    return run
