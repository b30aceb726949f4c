"""Every figure of a result at once, for the command line and the report.

The figures need a few summaries of the space besides the :class:`~simulator.results.SolveResult`
(a utility cloud, option counts, proposal evaluations). :func:`plot_data` computes those a set of
figures needs, once, by calling the solver and the evaluator; :func:`figures` draws them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib
from matplotlib.figure import Figure

from simulator.errors import ScenarioError
from simulator.evaluate import ProposalEvaluation, evaluate_proposals
from simulator.plots.issues import plot_frontier_packages, plot_option_map
from simulator.plots.proposals import plot_proposals
from simulator.plots.utility import plot_utility_space
from simulator.report import FIGURE_KINDS, FIGURE_TITLES
from simulator.results import SolveResult
from simulator.solver.solve import Progress
from simulator.solver.stream import (
    OptionCounts,
    OptionRules,
    UtilityCloud,
    option_counts,
    option_red_lines,
    utility_cloud,
)

__all__ = [
    "FIGURE_KINDS",
    "FIGURE_TITLES",
    "PlotData",
    "available_kinds",
    "figure_bytes",
    "figures",
    "plot_data",
]


@dataclass(frozen=True, eq=False)
class PlotData:
    """What the figures need besides the result; ``None`` for what was not asked for."""

    cloud: UtilityCloud | None = None
    zopa_options: OptionCounts | None = None
    feasible_options: OptionCounts | None = None
    option_rules: OptionRules | None = None
    proposals: tuple[ProposalEvaluation, ...] | None = None


def available_kinds(result: SolveResult) -> tuple[str, ...]:
    """The figure kinds that make sense for ``result``'s scenario (a utility space needs two
    parties, the proposals figure needs proposals)."""
    s = result.scenario
    skip = set()
    if len(s.parties) < 2:
        skip.add("utility_space")
    if not s.proposals:
        skip.add("proposals")
    return tuple(k for k in FIGURE_KINDS if k not in skip)


def _kinds(result: SolveResult, kinds: Sequence[str] | None) -> tuple[str, ...]:
    if kinds is None:
        return available_kinds(result)
    unknown = [k for k in kinds if k not in FIGURE_KINDS]
    if unknown:
        raise ScenarioError(f"unknown figure kind(s) {unknown}; choose from {list(FIGURE_KINDS)}")
    missing = [k for k in kinds if k not in available_kinds(result)]
    if missing:
        raise ScenarioError(
            f"figure(s) {missing} do not apply to scenario {result.scenario.name!r} "
            "(a utility space needs two parties, the proposals figure needs proposals)"
        )
    return tuple(kinds)


def plot_data(
    result: SolveResult,
    *,
    kinds: Sequence[str] | None = None,
    seed: int = 0,
    progress: Progress | None = None,
) -> PlotData:
    """Compute what the figures ``kinds`` (default: all that apply) need, once.

    ``seed`` seeds the random sample of a space too large to show in full; ``progress`` is called
    as ``progress(stage, fraction)`` during the passes over the space.
    """
    chosen = _kinds(result, kinds)
    s = result.scenario
    cloud = zopa = feasible = rules = proposals = None
    if "utility_space" in chosen:
        cloud = utility_cloud(s, seed=seed, progress=progress)
    if "option_map" in chosen:
        zopa = option_counts(s, "zopa", disagreement=result.disagreement, progress=progress)
        feasible = option_counts(s, "feasible", progress=progress)
    if {"option_map", "frontier_packages"} & set(chosen):
        rules = option_red_lines(s)
    if s.proposals and {"utility_space", "proposals"} & set(chosen):
        proposals = tuple(evaluate_proposals(s))
    return PlotData(cloud, zopa, feasible, rules, proposals)


def figures(
    result: SolveResult,
    data: PlotData | None = None,
    *,
    kinds: Sequence[str] | None = None,
    seed: int = 0,
) -> dict[str, Figure]:
    """Draw the figures ``kinds`` (default: all that apply), keyed by kind, in report order.

    ``data`` comes from :func:`plot_data` (computed here when not given, with ``seed``).
    """
    chosen = _kinds(result, kinds)
    if data is None:
        data = plot_data(result, kinds=chosen, seed=seed)
    out: dict[str, Figure] = {}
    for kind in chosen:
        if kind == "utility_space":
            out[kind] = plot_utility_space(result, cloud=data.cloud, proposals=data.proposals)
        elif kind == "option_map":
            out[kind] = plot_option_map(
                result,
                zopa=data.zopa_options,
                feasible=data.feasible_options,
                rules=data.option_rules,
            )
        elif kind == "frontier_packages":
            out[kind] = plot_frontier_packages(result, rules=data.option_rules)
        else:
            out[kind] = plot_proposals(result, evaluations=data.proposals)
    return out


#: Metadata that would make two renderings of the same figure differ (dates), per format.
_NO_DATES: dict[str, dict[str, None]] = {
    "svg": {"Date": None},
    "pdf": {"CreationDate": None, "ModDate": None},
}


def figure_bytes(fig: Figure, fmt: str = "png", *, dpi: int = 150) -> bytes:
    """The figure as the bytes of a PNG, SVG or PDF file, without dates (same figure, same file)."""
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "bargain"}):  # fixed SVG ids
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=_NO_DATES.get(fmt))
    return buf.getvalue()
