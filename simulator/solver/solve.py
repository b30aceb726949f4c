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
- closest to agreement: a subtree whose lower bound on (red lines crossed, largest normalised
  shortfall, see :mod:`~simulator.solver.closest`) is
  worse than the best outcome found so far is dropped.

The visitors are in :mod:`~simulator.solver.visitors`, the counting and existence queries in
:mod:`~simulator.solver.queries`, the closest outcome in :mod:`~simulator.solver.closest`. This
module keeps :func:`solve` and the method registry (the methods' bodies are in
:mod:`~simulator.solver.methods`): each :class:`SolveMethod` answers one
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
from simulator.results import Frontier, Point, SolveResult
from simulator.solver import additive
from simulator.solver.bargaining import SOLUTIONS, select_solution
from simulator.solver.budget import Budget
from simulator.solver.decision import decision_rule, rule_disagreement
from simulator.solver.methods import (
    SCOPE_RULES,
    MethodOutput,
    Question,
    Scope,
    enumerate_method,
    structured_method,
    without_frontier,
)
from simulator.solver.queries import count_outcomes, disagreement_point, rule_regions

__all__ = [
    "FRONTIER_SCOPES",
    "METHODS",
    "NO_FRONTIER",
    "SOLVE_METHODS",
    "MethodOutput",
    "Question",
    "SolveMethod",
    "choose_method",
    "method_title",
    "solve",
]

FRONTIER_SCOPES = ("all", "feasible", "zopa")
#: ``solve(frontier=NO_FRONTIER)``: the counts and the solutions only, no frontier computed.
NO_FRONTIER = "none"
#: Utility evaluations (outcomes times parties) up to which ``auto`` enumerates.
ENUMERATE_LIMIT = 2 * 10**9
#: Outcomes the ZOPA counting pass may evaluate when the frontier is not enumerated.
COUNT_BUDGET = 10**9
#: Nodes the ZOPA counting pass may expand when the frontier is not enumerated (about 15 s on
#: the reservation-value 30issues, where weak bounds expand nodes without reaching leaves).
COUNT_NODES = 10**6


@dataclass(frozen=True)
class SolveMethod:
    """One entry of :data:`SOLVE_METHODS`: its key, the prose a report prints (``title``), the
    function answering a :class:`Question`, and ``check``, which raises
    :class:`~simulator.errors.ScenarioError` when the method does not apply."""

    key: str
    title: str
    run: Callable[[Question], MethodOutput]
    check: Callable[[CompiledScenario, Scope], None]


def _applies_always(cs: CompiledScenario, scope: Scope) -> None:
    return None


def _check_dp(cs: CompiledScenario, scope: Scope) -> None:
    if cs.scenario.agreement is not None:
        raise ScenarioError("method 'dp' does not apply under a decision rule (agreement)")
    for rules in ("all", SCOPE_RULES[scope]):
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
    "enumerate": SolveMethod(
        "enumerate", "block branch and bound", enumerate_method, _applies_always
    ),
    "dp": SolveMethod(
        "dp",
        "additive dynamic programme over issues (frontier), block branch and bound (counts)",
        structured_method("dp"),
        _check_dp,
    ),
    "milp": SolveMethod(
        "milp",
        "0/1 programme (HiGHS), epsilon-constraint frontier; block branch and bound (counts)",
        structured_method("milp"),
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
    scope_regions = rule_regions(cs, SCOPE_RULES[frontier])
    if additive.applies(cs, tracked) and additive.applies(cs, scope_regions):
        return "dp"
    return "milp"


def solve(
    scenario: Scenario | CompiledScenario,
    *,
    frontier: Scope | Literal["none"] = "zopa",
    disagreement: str = "reservation",
    progress: Progress | None = None,
    method: str = "auto",
    closest: bool = True,
    count_budget: int | None = COUNT_BUDGET,
    count_nodes: int | None = COUNT_NODES,
    time_limit: float | None = None,
) -> SolveResult:
    """Solve ``scenario`` exactly.

    Parameters
    ----------
    scenario
        A scenario, or one already compiled with :func:`~simulator.compiled.compile_scenario`.
    frontier
        Which set's Pareto frontier to report: ``all`` outcomes, ``feasible`` ones or the ``zopa``.
        The bargaining solutions are chosen on the ZOPA's frontier. ``none``: no frontier is
        computed; the block branch and bound counts the ZOPA and finds each solution by a
        branch and bound of its own (:mod:`~simulator.solver.optimum_search`: the same packages,
        seconds instead of minutes on four-party zones of 10^8 packages); both frontiers of the
        result are then empty, of scope ``none``, and ``stats.frontier_outcomes`` is ``"not
        computed"``. With ``dp`` and ``milp``, whose frontier comes first and cheaply, ``none``
        reports the ZOPA's frontier as ``zopa`` does. Not under a decision rule.
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
    count_nodes
        Nodes that counting pass may expand (None: no limit).
    time_limit
        Seconds the whole solve may take (None: no limit). The searches stop when it runs out:
        the counts are then lower bounds, ``stats.counts_exact`` is False and
        ``stats.budget_ended`` says which budget ended a pass (``nodes``, ``outcomes``, ``time``).

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
    if frontier not in (*FRONTIER_SCOPES, NO_FRONTIER):
        raise ScenarioError(
            f"frontier scope must be one of {', '.join(FRONTIER_SCOPES)} or {NO_FRONTIER}, "
            f"got {frontier!r}"
        )
    if method not in METHODS:
        raise ScenarioError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    start = time.perf_counter()
    if time_limit is not None and not time_limit > 0:
        raise ScenarioError(f"time limit must be a positive number of seconds, got {time_limit}")
    deadline = None if time_limit is None else start + time_limit
    cs = as_compiled(scenario)
    none = frontier == NO_FRONTIER
    scope: Scope = "zopa" if frontier == "none" else frontier
    if none and cs.scenario.agreement is not None:
        raise ScenarioError(
            "frontier 'none' does not apply under a decision rule (agreement): its "
            "disagreement point is read off the passing frontier"
        )
    chosen = SOLVE_METHODS[choose_method(cs, scope) if method == "auto" else method]
    chosen.check(cs, scope)
    d = disagreement_point(cs, disagreement, progress)
    consistent = count_outcomes(
        cs, rule_regions(cs, "consistency"), progress=labelled(progress, "consistent")
    )
    feasible = count_outcomes(cs, rule_regions(cs, "all"), progress=labelled(progress, "feasible"))
    question = Question(
        cs,
        scope,
        d,
        consistent,
        feasible,
        closest,
        progress,
        count_budget,
        method == "auto",
        Budget(nodes=count_nodes, outcomes=count_budget, deadline=deadline),
    )
    out = without_frontier(question) if none and chosen.key == "enumerate" else chosen.run(question)
    rule = decision_rule(cs)
    if rule is not None:
        d = rule_disagreement(rule, d, out.zopa_frontier)
    return SolveResult(
        scenario=cs.scenario,
        counts=out.counts,
        disagreement=d,
        frontier=out.frontier,
        zopa_frontier=out.zopa_frontier,
        solutions=(
            _solutions(out.zopa_frontier, d, cs.power) if out.solutions is None else out.solutions
        ),
        closest=out.closest,
        method=chosen.key,
        seconds=time.perf_counter() - start,
        stats=out.stats,
        zopa_estimate=out.zopa_estimate,
    )
