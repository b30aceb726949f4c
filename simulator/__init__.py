"""Game-theoretic bargaining simulator: exact ZOPA, Pareto frontier and bargaining solutions.

>>> import simulator
>>> scenario = simulator.load_scenario("scenarios/textbook_car.yaml")
>>> result = simulator.solve(scenario)
>>> result.counts.zopa
11
"""

from simulator.compiled import CompiledScenario, compile_scenario, evaluate_utilities
from simulator.errors import EditError, ScenarioError, ScenarioWarning
from simulator.formats import dump_scenario_yaml, load_scenario
from simulator.model import (
    Condition,
    Interaction,
    Issue,
    Option,
    Party,
    Preference,
    Proposal,
    Rule,
    Scenario,
    Uncertainty,
)
from simulator.report.summary import analyst_summary
from simulator.results import Closest, Counts, Frontier, Point, SolveResult
from simulator.solver import SOLUTIONS, solve

__version__ = "0.1.0"

__all__ = [
    "SOLUTIONS",
    "Closest",
    "CompiledScenario",
    "Condition",
    "Counts",
    "EditError",
    "Frontier",
    "Interaction",
    "Issue",
    "Option",
    "Party",
    "Point",
    "Preference",
    "Proposal",
    "Rule",
    "Scenario",
    "ScenarioError",
    "ScenarioWarning",
    "SolveResult",
    "Uncertainty",
    "__version__",
    "analyst_summary",
    "compile_scenario",
    "dump_scenario_yaml",
    "evaluate_utilities",
    "load_scenario",
    "solve",
]
