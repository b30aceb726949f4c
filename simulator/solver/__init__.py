"""The vectorised solver: exact counts, ZOPA, Pareto frontiers and bargaining solutions.

This package is the engine the analyses and the evaluator build on. Its public API, all importable
from ``simulator.solver``:

- :func:`solve` and its methods (:data:`METHODS`, :func:`choose_method`);
- the queries: :func:`count_outcomes`, :func:`exists_outcome`, :func:`zopa_threshold`,
  :func:`disagreement_point`, :func:`rule_regions`, :func:`allowed_options`;
- the search engine: :func:`make_plan` precomputes a :class:`Plan`, :func:`run_search` walks it in
  :class:`Batch` es of nodes and evaluated :class:`Block` s, and a :class:`Visitor` decides what to
  keep (:class:`ZoneVisitor` counts a set and builds its frontier);
- the bargaining solutions (:data:`SOLUTIONS`, :func:`select_solution`) and Pareto tests.
"""

from simulator.outcome_space import allowed_options
from simulator.progress import Progress, StageProgress, labelled
from simulator.solver.bargaining import SOLUTIONS, select_solution, solution_criterion
from simulator.solver.pareto import dominated_by, pareto_mask
from simulator.solver.search import (
    Batch,
    Block,
    Plan,
    Visitor,
    combined_upper,
    make_plan,
    node_bounds,
    run_search,
    space_size,
)
from simulator.solver.solve import (
    FRONTIER_SCOPES,
    METHODS,
    ZoneVisitor,
    choose_method,
    count_outcomes,
    disagreement_point,
    exists_outcome,
    rule_regions,
    solve,
    zopa_threshold,
)

__all__ = [
    "FRONTIER_SCOPES",
    "METHODS",
    "SOLUTIONS",
    "Batch",
    "Block",
    "Plan",
    "Progress",
    "StageProgress",
    "Visitor",
    "ZoneVisitor",
    "allowed_options",
    "choose_method",
    "combined_upper",
    "count_outcomes",
    "disagreement_point",
    "dominated_by",
    "exists_outcome",
    "labelled",
    "make_plan",
    "node_bounds",
    "pareto_mask",
    "rule_regions",
    "run_search",
    "select_solution",
    "solution_criterion",
    "solve",
    "space_size",
    "zopa_threshold",
]
