"""What the figures of a solved scenario show besides the result, computed once.

The draw functions of :mod:`simulator.plots` compute nothing: :func:`figure_data` runs the solver's
passes over the space and the proposal evaluator for the figure kinds asked for, and returns a
:class:`~simulator.figure_registry.FigureData` that :func:`simulator.plots.figures` draws from.
Which data a kind needs is declared in the figure registry
(:data:`~simulator.figure_registry.FIGURES`); :data:`BUILDERS` holds one function per field of
``FigureData``.

>>> import simulator
>>> from simulator.analysis.figure_data import figure_data
>>> result = simulator.solve(simulator.load_scenario("scenarios/textbook_car.yaml"))
>>> data = figure_data(result, ["frontier_packages"])
>>> data.option_rules is not None, data.cloud is None
(True, True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from simulator.compiled import FloatArray, preference_values
from simulator.evaluate import evaluate_proposals
from simulator.figure_registry import DATA_FIELDS, FIGURES, FigureData, chosen_kinds
from simulator.model import Scenario
from simulator.progress import Progress
from simulator.results import SolveResult
from simulator.rng import UNSET, RngLike, Unset, pick_rng
from simulator.solver.stream import option_counts, option_red_lines, utility_cloud

__all__ = ["BUILDERS", "figure_data", "option_values"]


def option_values(scenario: Scenario) -> tuple[tuple[FloatArray, ...], ...]:
    """``[p][i]`` ``(k_i,)``: party ``p``'s value (0 to 1) of each option of issue ``i``, 0 where
    the party gives the issue no weight.

    >>> from simulator.formats import load_scenario
    >>> option_values(load_scenario("scenarios/textbook_car.yaml"))[0][0].tolist()
    [1.0, 0.6666666666666667, 0.33333333333333337, 0.0]
    """
    out = []
    for party in scenario.parties:
        row = []
        for issue in scenario.issues:
            pref = party.preferences.get(issue.id)
            if pref is None or pref.weight == 0:
                row.append(np.zeros(len(issue.options)))
            else:
                row.append(np.asarray(preference_values(pref, issue), dtype=np.float64))
        out.append(tuple(row))
    return tuple(out)


Builder = Callable[[SolveResult, RngLike, "Progress | None"], Any]

#: One function per field of :class:`~simulator.figure_registry.FigureData`:
#: ``builder(result, rng, progress)``.
BUILDERS: dict[str, Builder] = {
    "cloud": lambda r, rng, progress: utility_cloud(r.scenario, rng=rng, progress=progress),
    "zopa_options": lambda r, rng, progress: option_counts(
        r.scenario, "zopa", disagreement=r.disagreement, progress=progress
    ),
    "feasible_options": lambda r, rng, progress: option_counts(
        r.scenario, "feasible", progress=progress
    ),
    "option_rules": lambda r, rng, progress: option_red_lines(r.scenario),
    "option_values": lambda r, rng, progress: option_values(r.scenario),
    "proposals": lambda r, rng, progress: tuple(evaluate_proposals(r.scenario)),
}


def figure_data(
    result: SolveResult,
    kinds: Sequence[str] | None = None,
    *,
    rng: RngLike = 0,
    seed: int | Unset | None = UNSET,
    progress: Progress | None = None,
) -> FigureData:
    """Compute what the figures ``kinds`` (default: all that apply) need, once.

    Parameters
    ----------
    result
        The solved scenario.
    kinds
        Figure kinds of :data:`~simulator.figure_registry.FIGURES`.
    rng
        The generator of the random sample of a space too large to show in full, or its seed
        (an int ``n`` means ``numpy.random.default_rng(n)``; see :mod:`simulator.rng`).
    seed
        The former name of ``rng``, still accepted.
    progress
        Called as ``progress(stage, fraction)`` during the passes over the space.

    Raises
    ------
    ScenarioError
        For an unknown kind, or one that does not apply to the scenario.
    """
    rng = pick_rng(rng, seed)
    chosen = chosen_kinds(result, kinds)
    needed = {field for kind in chosen for field in FIGURES[kind].needs}
    return FigureData(
        **{f: BUILDERS[f](result, rng, progress) for f in DATA_FIELDS if f in needed}
    )
