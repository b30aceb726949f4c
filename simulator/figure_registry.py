"""The figure registry: every figure kind of a solved scenario, the data it needs, its draw function
and its title.

This module imports neither matplotlib nor the solver, so the command line reads it for ``--help``
and ``--kind`` choices at no cost. Three modules meet here:

- :class:`FigureData` holds what figures show besides the :class:`~simulator.results.SolveResult`
  (a utility cloud, option counts, proposal evaluations, ...), each field ``None`` until a chosen
  figure needs it;
- :func:`simulator.analysis.figure_data.figure_data` computes the fields the chosen kinds need,
  once (it calls the solver and the evaluator);
- :func:`simulator.plots.figures` draws each kind by calling its draw function with the result and
  the fields it needs, passed by name. Draw functions compute nothing.

Adding a figure
---------------
1. Write the draw function in a module of :mod:`simulator.plots`:
   ``plot_thing(result, *, cloud, proposals, ax=None) -> Figure``, whose keyword arguments are
   named after the :class:`FigureData` fields it draws (and may add optional ones, such as ``ax``).
2. Add one :class:`FigureKind` to the tuple that builds :data:`FIGURES`::

       FigureKind(
           kind="thing",  # also the file name: thing.png
           title="What the figure shows, in one line (captions and --help)",
           draw="simulator.plots.thing:plot_thing",
           needs=("cloud", "proposals"),
       ),

   Its position is its place in the report; ``applies`` (with ``requires``, the same in words)
   says which scenarios it makes sense for.
3. Only if it shows data no figure needed before: add a field to :class:`FigureData` and its
   builder to ``simulator.analysis.figure_data.BUILDERS``.

``bargain plot --kind thing``, ``bargain report`` and :func:`simulator.plots.figures` then draw
it; the tests check that every entry's draw function takes exactly the fields it needs.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from simulator.errors import ScenarioError

if TYPE_CHECKING:  # types only: this module stays free of the solver and of matplotlib
    from simulator.compiled import FloatArray
    from simulator.evaluate import ProposalEvaluation
    from simulator.model import Scenario
    from simulator.results import SolveResult
    from simulator.solver.stream import OptionCounts, OptionRules, UtilityCloud

__all__ = [
    "FIGURES",
    "FIGURE_KINDS",
    "FIGURE_TITLES",
    "FigureData",
    "FigureKind",
    "available_kinds",
    "chosen_kinds",
]


@dataclass(frozen=True, eq=False)
class FigureData:
    """What the figures show besides the result; ``None`` for what no chosen figure needs.

    Attributes
    ----------
    cloud
        Every consistent package in utility space (or a density, or a sample), from
        :func:`~simulator.solver.stream.utility_cloud`.
    zopa_options, feasible_options
        Exact per-option counts of the ZOPA and of the feasible set, from
        :func:`~simulator.solver.stream.option_counts`.
    option_rules
        How each option stands with each red line, from
        :func:`~simulator.solver.stream.option_red_lines`.
    option_values
        ``option_values[p][i]`` ``(k_i,)``: party ``p``'s value (0 to 1) of each option of issue
        ``i``; 0 where the party gives the issue no weight.
    proposals
        The evaluations of the scenario's proposals, in its order, from
        :func:`~simulator.evaluate.evaluate_proposals`.
    """

    cloud: UtilityCloud | None = None
    zopa_options: OptionCounts | None = None
    feasible_options: OptionCounts | None = None
    option_rules: OptionRules | None = None
    option_values: tuple[tuple[FloatArray, ...], ...] | None = None
    proposals: tuple[ProposalEvaluation, ...] | None = None

    def arguments(self, kind: str) -> dict[str, Any]:
        """The keyword arguments of figure ``kind``'s draw function: the fields it needs.

        Raises
        ------
        ScenarioError
            When a field it needs was not computed.
        """
        needs = FIGURES[kind].needs
        missing = [f for f in needs if getattr(self, f) is None]
        if missing:
            raise ScenarioError(f"figure {kind!r} needs {missing}, which this FigureData lacks")
        return {f: getattr(self, f) for f in needs}


#: The field names of :class:`FigureData`, in the order they are computed.
DATA_FIELDS = tuple(f.name for f in dataclasses.fields(FigureData))


def _always(scenario: Scenario) -> bool:
    return True


def _two_parties(scenario: Scenario) -> bool:
    return len(scenario.parties) >= 2


def _has_proposals(scenario: Scenario) -> bool:
    return bool(scenario.proposals)


@dataclass(frozen=True)
class FigureKind:
    """One figure of a solved scenario.

    Attributes
    ----------
    kind
        Its name (``bargain plot --kind``) and file name.
    title
        One line saying what it shows, for captions and ``--help``.
    draw
        ``"module:function"`` of its draw function, imported only when drawn (this module stays
        free of matplotlib).
    needs
        The :class:`FigureData` fields the draw function takes, as keyword arguments of the same
        names.
    applies, requires
        Whether it makes sense for a scenario, and that condition in words for the error message
        (``"a utility space needs two parties"``).
    """

    kind: str
    title: str
    draw: str
    needs: tuple[str, ...]
    applies: Callable[[Scenario], bool] = _always
    requires: str = ""

    def __post_init__(self) -> None:
        unknown = [f for f in self.needs if f not in DATA_FIELDS]
        if unknown:
            raise ValueError(f"figure {self.kind!r} needs unknown data {unknown}: see FigureData")

    def draw_function(self) -> Callable[..., Any]:
        """The draw function (imports its module, and matplotlib with it)."""
        module, _, name = self.draw.partition(":")
        function: Callable[..., Any] = getattr(importlib.import_module(module), name)
        return function


#: Every figure kind of a solved scenario, in report order.
FIGURES: dict[str, FigureKind] = {
    f.kind: f
    for f in (
        FigureKind(
            kind="utility_space",
            title="Utility space: every package, the reservation lines and the ZOPA, the Pareto "
            "frontier, the bargaining solutions and the proposals",
            draw="simulator.plots.utility:plot_utility_space",
            needs=("cloud", "proposals"),
            applies=_two_parties,
            requires="a utility space needs two parties",
        ),
        FigureKind(
            kind="option_map",
            title="Issue space: which options the feasible set and the ZOPA use, what each party "
            "thinks of each option and which options cross its red lines",
            draw="simulator.plots.issues:plot_option_map",
            needs=("zopa_options", "feasible_options", "option_rules", "option_values"),
        ),
        FigureKind(
            kind="frontier_packages",
            title="The packages of the Pareto frontier, issue by issue (parallel "
            "coordinates), with the bargaining solutions",
            draw="simulator.plots.issues:plot_frontier_packages",
            needs=("option_rules",),
        ),
        FigureKind(
            kind="proposals",
            title="Each party's utility from each proposal against its reservation value, with "
            "the red lines crossed",
            draw="simulator.plots.proposals:plot_proposals",
            needs=("proposals",),
            applies=_has_proposals,
            requires="the proposals figure needs proposals",
        ),
    )
}

#: The figure kinds in report order (each also names its file), and one line on each.
FIGURE_KINDS = tuple(FIGURES)
FIGURE_TITLES = {kind: f.title for kind, f in FIGURES.items()}


def available_kinds(result: SolveResult) -> tuple[str, ...]:
    """The figure kinds that make sense for ``result``'s scenario (a utility space needs two
    parties, the proposals figure needs proposals)."""
    return tuple(k for k, f in FIGURES.items() if f.applies(result.scenario))


def chosen_kinds(result: SolveResult, kinds: Sequence[str] | None) -> tuple[str, ...]:
    """``kinds`` checked against the registry and the scenario (default: all that apply).

    Raises
    ------
    ScenarioError
        For an unknown kind, or one that does not apply to the scenario.
    """
    if kinds is None:
        return available_kinds(result)
    unknown = [k for k in kinds if k not in FIGURES]
    if unknown:
        raise ScenarioError(f"unknown figure kind(s) {unknown}; choose from {list(FIGURE_KINDS)}")
    missing = [k for k in kinds if k not in available_kinds(result)]
    if missing:
        why = ", ".join(f.requires for f in FIGURES.values() if f.requires)
        raise ScenarioError(
            f"figure(s) {missing} do not apply to scenario {result.scenario.name!r} ({why})"
        )
    return tuple(kinds)
