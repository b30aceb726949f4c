"""The vectorised solver: exact counts, ZOPA, Pareto frontiers and bargaining solutions."""

from simulator.solver.bargaining import SOLUTIONS, select_solution, solution_criterion
from simulator.solver.pareto import dominated_by, pareto_mask
from simulator.solver.solve import (
    FRONTIER_SCOPES,
    METHODS,
    choose_method,
    disagreement_point,
    solve,
)

__all__ = [
    "FRONTIER_SCOPES",
    "METHODS",
    "SOLUTIONS",
    "choose_method",
    "disagreement_point",
    "dominated_by",
    "pareto_mask",
    "select_solution",
    "solution_criterion",
    "solve",
]
