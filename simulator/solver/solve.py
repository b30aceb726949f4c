"""Solve a scenario: exact counts, the ZOPA, Pareto frontiers, bargaining solutions, closest
outcome; the solve methods, chosen by name from :data:`SOLVE_METHODS`.

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

The visitors are in :mod:`~simulator.solver.visitors`, the counting and existence queries in
:mod:`~simulator.solver.queries`, the closest outcome in :mod:`~simulator.solver.closest`. This
module keeps :func:`solve` and the method registry: each :class:`SolveMethod` answers one
:class:`Question` with one :class:`MethodOutput`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from simulator.compiled import CompiledScenario, FloatArray, as_compiled
from simulator.errors import ScenarioError
from simulator.model import Scenario
from simulator.outcome_space import allowed_options
from simulator.progress import Progress, labelled
from simulator.results import Closest, Counts, Frontier, Point, SolveResult, SolveStats
from simulator.solver import additive, milp
from simulator.solver.bargaining import SOLUTIONS, select_solution
from simulator.solver.closest import closest_to_agreement
from simulator.solver.decision import decision_rule, passing_zone, rule_disagreement
from simulator.solver.queries import (
    count_outcomes,
    count_zopa,
    disagreement_point,
    rule_regions,
    zone,
    zopa_threshold,
)
from simulator.solver.visitors import FrontierStore

__all__ = [
    "FRONTIER_SCOPES",
    "METHODS",
    "SOLVE_METHODS",
    "MethodOutput",
    "Question",
    "SolveMethod",
    "choose_method",
    "method_title",
    "solve",
]

FRONTIER_SCOPES = ("all", "feasible", "zopa")
#: Utility evaluations (outcomes times parties) up to which ``auto`` enumerates.
ENUMERATE_LIMIT = 2 * 10**9
#: Outcomes the ZOPA counting pass may evaluate when the frontier is not enumerated.
COUNT_BUDGET = 10**9
#: The rules whose regions define each frontier scope.
_SCOPE_RULES = {"all": "none", "feasible": "all", "zopa": "all"}
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


@dataclass(frozen=True, eq=False)
class MethodOutput:
    """What every solve method answers: counts, the reported and the ZOPA frontiers, the closest
    outcome (None unless the ZOPA is empty and it was asked for) and the method's stats."""

    counts: Counts
    frontier: Frontier
    zopa_frontier: Frontier
    closest: Closest | None
    stats: SolveStats


@dataclass(frozen=True)
class SolveMethod:
    """One entry of :data:`SOLVE_METHODS`: its key, the prose a report prints (``title``), the
    function answering a :class:`Question`, and ``check``, which raises
    :class:`~simulator.errors.ScenarioError` when the method does not apply."""

    key: str
    title: str
    run: Callable[[Question], MethodOutput]
    check: Callable[[CompiledScenario, Scope], None]


def _enumerate(q: Question) -> MethodOutput:
    """The block branch and bound: exact counts, every frontier outcome. Under a decision rule
    the ZOPA is the passing set (:mod:`~simulator.solver.decision`), with per-party acceptance
    counts and no closest-to-agreement search."""
    cs = q.cs
    rule = decision_rule(cs)
    threshold = zopa_threshold(cs, q.d)
    accepted = None
    if rule is None:
        found = zone(
            cs, "all", threshold, count=True, frontier=True, progress=labelled(q.progress, "ZOPA")
        )
        assert found.store is not None
        count, store = found.count, found.store
    else:
        passing = passing_zone(cs, rule, threshold, labelled(q.progress, "passing"))
        count, store = int(passing.count), passing.store
        accepted = tuple(int(a) for a in passing.accepted)
    zopa_front = store.frontier("zopa", cs.sizes)
    same = {"all": cs.n_outcomes, "feasible": q.feasible, "zopa": count}[q.scope]
    if q.scope == "zopa" or (rule is None and count == same):
        front = Frontier(q.scope, zopa_front.outcomes, zopa_front.utilities, zopa_front.index)
    else:
        other = zone(
            cs,
            _SCOPE_RULES[q.scope],
            None,
            count=False,
            frontier=True,
            progress=labelled(q.progress, q.scope),
        )
        assert other.store is not None
        front = other.store.frontier(q.scope, cs.sizes)
    closest = None
    if q.closest and count == 0 and q.consistent > 0 and rule is None:
        closest = closest_to_agreement(cs, q.d, q.feasible, q.progress)
    counts = Counts(math.prod(cs.sizes), q.consistent, q.feasible, count, accepted)
    stats = SolveStats("enumerate", q.automatic, counts_exact=True, frontier_outcomes="all")
    return MethodOutput(counts, front, zopa_front, closest, stats)


def _frontier_by(
    method: str, cs: CompiledScenario, scope: str, threshold: FloatArray | None
) -> tuple[Frontier, dict[str, int | bool]]:
    """One scope's frontier by the additive programme or the integer programme (one outcome per
    utility vector), with what the method reports about itself."""
    tracked = rule_regions(cs, _SCOPE_RULES[scope])
    info: dict[str, int | bool] = {}
    if method == "dp":
        outcomes, u = additive.additive_frontier(cs, tracked, threshold)
    else:
        found = milp.frontier_two_parties(cs, tracked, threshold)
        outcomes, u = found.outcomes, found.utilities
        info = {"milp_solves": found.solves, "milp_integer_units": found.exact}
    store = FrontierStore(cs.n_issues, cs.n_parties, cs.rounding_slack)
    store.u, store.outcomes = u, outcomes
    return store.frontier(scope, cs.sizes), info


def _structured(method: str) -> Callable[[Question], MethodOutput]:
    """``dp`` or ``milp``: counts by components and a budgeted counting pass; frontiers without
    enumeration; the closest outcome from the integer programme."""

    def run(q: Question) -> MethodOutput:
        cs = q.cs
        threshold = zopa_threshold(cs, q.d)
        zopa, exact = count_zopa(cs, threshold, q.count_budget, q.progress)
        zopa_front, info = _frontier_by(method, cs, "zopa", threshold)
        if not exact:
            zopa = max(zopa, zopa_front.size)
        same = {"all": cs.n_outcomes, "feasible": q.feasible, "zopa": zopa}[q.scope]
        if q.scope == "zopa" or (exact and zopa == same):
            front = Frontier(q.scope, zopa_front.outcomes, zopa_front.utilities, zopa_front.index)
        else:
            front, more = _frontier_by(method, cs, q.scope, None)
            for k, v in more.items():
                info[k] = info.get(k, 0) + v if k == "milp_solves" else v
        closest = None
        if q.closest and zopa_front.size == 0 and q.consistent > 0:
            closest = closest_to_agreement(cs, q.d, q.feasible, q.progress, search=False)
        stats = SolveStats(
            method,
            q.automatic,
            counts_exact=exact,
            frontier_outcomes="one per utility vector",
            milp_solves=None if "milp_solves" not in info else int(info["milp_solves"]),
            milp_integer_units=None
            if "milp_integer_units" not in info
            else bool(info["milp_integer_units"]),
        )
        counts = Counts(cs.n_outcomes, q.consistent, q.feasible, zopa)
        return MethodOutput(counts, front, zopa_front, closest, stats)

    return run


def _applies_always(cs: CompiledScenario, scope: Scope) -> None:
    return None


def _check_dp(cs: CompiledScenario, scope: Scope) -> None:
    if cs.scenario.agreement is not None:
        raise ScenarioError("method 'dp' does not apply under a decision rule (agreement)")
    for rules in ("all", _SCOPE_RULES[scope]):
        if not additive.applies(cs, rule_regions(cs, rules)):
            raise ScenarioError(
                "method 'dp' needs additive utilities (no interactions) and one-issue rules"
            )


def _check_milp(cs: CompiledScenario, scope: Scope) -> None:
    if cs.scenario.agreement is not None:
        raise ScenarioError("method 'milp' does not apply under a decision rule (agreement)")
    if cs.n_parties != 2:
        raise ScenarioError(
            f"method 'milp' finds the frontier of two parties; this scenario has {cs.n_parties}"
        )


#: The solve methods by key; ``title`` is what ``result.method``'s key reads as in a report.
SOLVE_METHODS: dict[str, SolveMethod] = {
    "enumerate": SolveMethod("enumerate", "block branch and bound", _enumerate, _applies_always),
    "dp": SolveMethod(
        "dp",
        "additive dynamic programme over issues (frontier), block branch and bound (counts)",
        _structured("dp"),
        _check_dp,
    ),
    "milp": SolveMethod(
        "milp",
        "0/1 programme (HiGHS), epsilon-constraint frontier; block branch and bound (counts)",
        _structured("milp"),
        _check_milp,
    ),
}
METHODS = ("auto", *SOLVE_METHODS)
#: What each method's key reads as (the registry's titles).
METHOD_NAMES = {key: m.title for key, m in SOLVE_METHODS.items()}


def method_title(key: str) -> str:
    """The prose name of a solve method, for reports (the key itself if it is unknown).

    >>> method_title("enumerate")
    'block branch and bound'
    """
    entry = SOLVE_METHODS.get(key)
    return key if entry is None else entry.title


def _solutions(front: Frontier, d: FloatArray, power: FloatArray) -> dict[str, Point | None]:
    out: dict[str, Point | None] = {}
    for name in SOLUTIONS:
        row = select_solution(name, front.utilities, front.index, d, power)
        out[name] = None if row is None else front.point(row)
    return out


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
    if space * cs.n_parties <= ENUMERATE_LIMIT or cs.n_parties != 2 or cs.scenario.agreement:
        return "enumerate"
    scope_regions = rule_regions(cs, _SCOPE_RULES[frontier])
    if additive.applies(cs, tracked) and additive.applies(cs, scope_regions):
        return "dp"
    return "milp"


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
        ``result.method`` is the key of the method used (its prose is :func:`method_title`) and
        ``result.stats`` what it reports.
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
    (True, 'enumerate')
    """
    if frontier not in FRONTIER_SCOPES:
        raise ScenarioError(
            f"frontier scope must be one of {', '.join(FRONTIER_SCOPES)}, got {frontier!r}"
        )
    if method not in METHODS:
        raise ScenarioError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    start = time.perf_counter()
    cs = as_compiled(scenario)
    chosen = SOLVE_METHODS[choose_method(cs, frontier) if method == "auto" else method]
    chosen.check(cs, frontier)
    d = disagreement_point(cs, disagreement, progress)
    consistent = count_outcomes(
        cs, rule_regions(cs, "consistency"), progress=labelled(progress, "consistent")
    )
    feasible = count_outcomes(cs, rule_regions(cs, "all"), progress=labelled(progress, "feasible"))
    question = Question(
        cs, frontier, d, consistent, feasible, closest, progress, count_budget, method == "auto"
    )
    out = chosen.run(question)
    rule = decision_rule(cs)
    if rule is not None:
        d = rule_disagreement(rule, d, out.zopa_frontier)
    return SolveResult(
        scenario=cs.scenario,
        counts=out.counts,
        disagreement=d,
        frontier=out.frontier,
        zopa_frontier=out.zopa_frontier,
        solutions=_solutions(out.zopa_frontier, d, cs.power),
        closest=out.closest,
        method=chosen.key,
        seconds=time.perf_counter() - start,
        stats=out.stats,
    )
