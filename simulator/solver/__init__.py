"""The vectorised solver: exact counts, ZOPA, Pareto frontiers and bargaining solutions.

This package is the engine the analyses and the evaluator build on. Its public API, all importable
from ``simulator.solver``:

- :func:`solve` and its methods (:data:`METHODS`, :func:`choose_method`);
- the queries: :func:`count_outcomes`, :func:`exists_outcome`, :func:`max_utility`,
  :func:`utility_ranges`,
  :func:`find_deal`, :func:`exists_deal`, :func:`count_deals` (under the scenario's decision rule),
  :func:`zopa_threshold`,
  :func:`disagreement_point`, :func:`rule_regions`, :func:`allowed_options`;
- the search engine: :func:`make_plan` precomputes a :class:`Plan`, :func:`run_search` walks it in
  :class:`Batch` es of nodes and evaluated :class:`Block` s, and a :class:`Visitor` decides what to
  keep (:class:`ZoneVisitor` counts a set and builds its frontier);
- budgets: a :class:`Budget` (nodes expanded, outcomes evaluated, seconds) runs as a
  :class:`Meter` that ends a search with :class:`OverBudget` (:func:`count_zopa_within`);
  ``with time_limit(seconds):`` bounds every search and HiGHS solve of a whole question;
- :func:`solve_samples`: the ZOPA and solutions of many weightings of one scenario at once;
- :func:`nash_point` and :func:`nash_samples`: the Nash package alone, by branch and bound on the
  Nash product, without a frontier (Monte Carlo's per-sample question, each coalition's own zone);
  :func:`in_zone` tests packages against a zone exactly;
- :func:`optimum_point` and :func:`solutions_without_frontier`: every bargaining solution the same
  way, each by a branch and bound on its own criterion (``solve(frontier="none")``);
- the bargaining solutions (:data:`SOLUTIONS`, :func:`select_solution`) and Pareto tests.
"""

from simulator.outcome_space import allowed_options
from simulator.progress import Progress, StageProgress, labelled
from simulator.solver.bargaining import SOLUTIONS, select_solution, solution_criterion
from simulator.solver.batch import SampleSolutions, solve_samples
from simulator.solver.blocks import Batch, Block, combined_upper, node_bounds, weight_vectors
from simulator.solver.budget import Budget, Meter, time_limit
from simulator.solver.closest import closest_key, closest_to_agreement
from simulator.solver.decision import (
    UNANIMOUS_ONLY,
    count_deals,
    exists_deal,
    find_deal,
    passing_mask,
)
from simulator.solver.nash_search import (
    SAMPLE_INNER_BLOCK,
    NashPoint,
    NashVisitor,
    held_regions,
    in_zone,
    nash_point,
    nash_samples,
)
from simulator.solver.optimum_search import optimum_point, solutions_without_frontier, zone_ideal
from simulator.solver.pareto import dominated_by, pareto_mask
from simulator.solver.queries import (
    BoundedCount,
    count_outcomes,
    count_zopa,
    count_zopa_within,
    disagreement_point,
    exists_outcome,
    find_outcome,
    max_utility,
    rule_regions,
    utility_ranges,
    zopa_threshold,
)
from simulator.solver.search import Plan, Visitor, make_plan, run_search, space_size
from simulator.solver.solve import (
    FRONTIER_SCOPES,
    METHODS,
    NO_FRONTIER,
    SOLVE_METHODS,
    MethodOutput,
    Question,
    SolveMethod,
    choose_method,
    method_title,
    solve,
)
from simulator.solver.visitors import (
    BudgetedCount,
    ExistsVisitor,
    ExtremesVisitor,
    FrontierStore,
    MaxVisitor,
    MinVisitor,
    OverBudget,
    ZoneVisitor,
)

__all__ = [
    "FRONTIER_SCOPES",
    "METHODS",
    "NO_FRONTIER",
    "SAMPLE_INNER_BLOCK",
    "SOLUTIONS",
    "SOLVE_METHODS",
    "UNANIMOUS_ONLY",
    "Batch",
    "Block",
    "BoundedCount",
    "Budget",
    "BudgetedCount",
    "ExistsVisitor",
    "ExtremesVisitor",
    "FrontierStore",
    "MaxVisitor",
    "Meter",
    "MethodOutput",
    "MinVisitor",
    "NashPoint",
    "NashVisitor",
    "OverBudget",
    "Plan",
    "Progress",
    "Question",
    "SampleSolutions",
    "SolveMethod",
    "StageProgress",
    "Visitor",
    "ZoneVisitor",
    "allowed_options",
    "choose_method",
    "closest_key",
    "closest_to_agreement",
    "combined_upper",
    "count_deals",
    "count_outcomes",
    "count_zopa",
    "count_zopa_within",
    "disagreement_point",
    "dominated_by",
    "exists_deal",
    "exists_outcome",
    "find_deal",
    "find_outcome",
    "held_regions",
    "in_zone",
    "labelled",
    "make_plan",
    "max_utility",
    "method_title",
    "nash_point",
    "nash_samples",
    "node_bounds",
    "optimum_point",
    "pareto_mask",
    "passing_mask",
    "rule_regions",
    "run_search",
    "select_solution",
    "solution_criterion",
    "solutions_without_frontier",
    "solve",
    "solve_samples",
    "space_size",
    "time_limit",
    "utility_ranges",
    "weight_vectors",
    "zone_ideal",
    "zopa_threshold",
]
