"""Utility space: every package, the reservation lines and the ZOPA, the Pareto frontier, the
bargaining solutions and the proposals, for two parties or as a pairwise grid for more.

Each panel shows one pair of parties ``(p, q)``: the packages as points (or a density when there are
many), feasible ones dark and those that cross a red line light; each party's reservation value as a
line in the party's colour, with the region above both shaded; the Pareto frontier of the result's
scope; the bargaining solutions; the outcome closest to agreement when the ZOPA is empty; and the
proposals, as a cross where a proposal fixes every issue and as a dashed box spanning its worst and
best utilities where it leaves issues open. With three or more parties a panel is a projection: a
point above both lines of one panel may still fall below a third party's reservation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from simulator.compiled import FloatArray
from simulator.errors import ScenarioError
from simulator.evaluate import ProposalEvaluation
from simulator.plots.style import (
    SOLUTION_MARKERS,
    Label,
    freeze_layout,
    new_figure,
    own_axes,
    party_colours,
    place_labels,
    proposal_tags,
    scope_words,
    wrap,
)
from simulator.plots.utility_layers import SCATTER_MAX, PanelData, draw_panel
from simulator.results import SolveResult
from simulator.solver.stream import UtilityCloud

__all__ = ["plot_utility_space"]


def plot_utility_space(
    result: SolveResult,
    *,
    cloud: UtilityCloud,
    proposals: Sequence[ProposalEvaluation],
    pair: tuple[int | str, int | str] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draw the utility space of two parties, or a pairwise grid of every pair.

    Parameters
    ----------
    result
        The solved scenario; nothing is solved here.
    cloud
        The packages to show, from :func:`~simulator.solver.stream.utility_cloud` (as
        :func:`~simulator.analysis.figure_data.figure_data` computes it).
    proposals
        Proposal evaluations from :func:`~simulator.evaluate.evaluate_proposals` (empty for
        none).
    pair
        Two parties (ids or indices) to draw in one panel. By default: the only pair when there are
        two parties, else a grid of every pair.
    ax
        Axes to draw one pair into (needs ``pair`` when there are more than two parties).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ScenarioError
        With fewer than two parties, an unknown party, or ``ax`` without ``pair`` for a grid.
    """
    s = result.scenario
    if len(s.parties) < 2:
        raise ScenarioError("a utility-space figure needs at least two parties")
    data = PanelData(result, cloud, tuple(proposals), _limits(result, cloud, proposals))
    if pair is None and len(s.parties) > 2:
        if ax is not None:
            raise ScenarioError("pass pair=(p, q) to draw one pair of parties into ax")
        return _grid(data)
    p, q = _pair(result, pair or (0, 1))
    fig, axes = own_axes(ax, 9.0, 5.8)
    handles = draw_panel(axes, data, p, q)
    _axis_labels(axes, data, p, q)
    names = f"{s.parties[p].display} and {s.parties[q].display}"
    # wrapped: a long headline would run under the legend, a long caption off the figure
    title = wrap(f"Utility space of {names}: {_headline(result)}", 64)
    axes.set_title(title, fontsize=11, loc="left")
    if ax is None:
        fig.supxlabel(wrap(_caption(data), 130), fontsize=8, x=0.01, ha="left")
        fig.legend(handles=handles, loc="outside right upper", fontsize=7.5, frameon=False)
    else:
        axes.legend(handles=handles, fontsize=7, loc="best")
    _label_panel(axes, data, p, q, solution_labels=True)
    if ax is None:
        freeze_layout(fig)
    return fig


def _pair(result: SolveResult, pair: tuple[int | str, int | str]) -> tuple[int, int]:
    ids = result.scenario.party_ids
    out = []
    for x in pair:
        if isinstance(x, str):
            out.append(ids.index(result.scenario.party(x).id))
        elif 0 <= int(x) < len(ids):
            out.append(int(x))
        else:
            raise ScenarioError(f"party index {x} out of range 0..{len(ids) - 1}")
    if out[0] == out[1]:
        raise ScenarioError("pair needs two different parties")
    return out[0], out[1]


def _headline(result: SolveResult) -> str:
    c = result.counts
    if c.zopa:
        return f"a ZOPA of {c.zopa:,} packages"
    if c.feasible == 0:
        return "no ZOPA, no package respects every red line"
    return "no ZOPA"


def _caption(data: PanelData) -> str:
    f = data.result.frontier
    text = (
        f"Packages shown: {data.cloud.description}. Pareto frontier of the {scope_words(f.scope)}."
    )
    if len(data.result.scenario.parties) > 2:
        text += " Each panel projects the space onto two parties."
    return text


def _limits(
    result: SolveResult, cloud: UtilityCloud, proposals: Sequence[ProposalEvaluation]
) -> FloatArray:
    """``(P, 2)`` axis range per party covering everything drawn, with a margin."""
    parts = [
        result.disagreement[None, :],
        result.frontier.utilities,
        result.zopa_frontier.utilities,
    ]
    parts += [cloud.feasible, cloud.infeasible]
    if cloud.method == "binned":
        parts.append(cloud.edges[:, [0, -1]].T)
    for e in proposals:
        if e.completions:
            parts += [np.array([e.low, e.high])]
    if result.closest is not None:
        parts.append(np.array(result.closest.point.utilities)[None, :])
    stack = np.concatenate([x for x in parts if len(x)])
    lo, hi = stack.min(axis=0), stack.max(axis=0)
    pad = np.maximum(hi - lo, 1e-3) * 0.05
    return np.stack([lo - pad, hi + pad], axis=1)


def _label_panel(ax: Axes, data: PanelData, p: int, q: int, *, solution_labels: bool) -> None:
    """Text labels: solutions (those that coincide share one label) and proposal tags, placed clear
    of each other and of the points drawn."""
    result = data.result
    labels: list[Label] = []
    points = [result.frontier.utilities[:, [p, q]]]
    if data.cloud.method == "exact" and len(data.cloud.feasible) <= SCATTER_MAX:
        points += [data.cloud.feasible[:, [p, q]], data.cloud.infeasible[:, [p, q]]]
    if solution_labels:
        groups: dict[tuple[float, float], list[str]] = {}
        for name, pt in result.solutions.items():
            if pt is not None:
                key = (pt.utilities[p], pt.utilities[q])
                groups.setdefault(key, []).append(SOLUTION_MARKERS.get(name, ("", name, 0))[1])
        found = sum(pt is not None for pt in result.solutions.values())
        for (x, y), names in groups.items():
            text = "all solutions" if len(names) == found > 2 else wrap(", ".join(names), 26)
            labels.append(Label(x, y, text, "label:solution"))
    tags = proposal_tags(data.proposals)
    for e in data.proposals:
        if e.completions:  # a cross is labelled at its point, a box at its top left corner
            labels.append(Label(e.low[p], e.high[q], tags[e.proposal.id], "label:proposal"))
    place_labels(ax, labels, obstacles=np.concatenate(points))


def _axis_labels(
    ax: Axes, data: PanelData, p: int, q: int, *, x: bool = True, y: bool = True
) -> None:
    s = data.result.scenario
    colours = party_colours(s)
    if x:
        ax.set_xlabel(f"{s.parties[p].display} utility", color=colours[s.parties[p].id])
    if y:
        ax.set_ylabel(f"{s.parties[q].display} utility", color=colours[s.parties[q].id])


def _grid(data: PanelData) -> Figure:
    s = data.result.scenario
    n = len(s.parties)
    size = 3.3 if n == 3 else 2.9 if n == 4 else 2.3
    width = size * (n - 1) + 0.6
    fig = new_figure(width, size * (n - 1) + 0.9)
    axes = fig.subplots(n - 1, n - 1, squeeze=False)
    legend: dict[str, Artist] = {}
    for row in range(n - 1):
        for col in range(n - 1):
            ax = axes[row][col]
            if col > row:
                ax.set_axis_off()
                continue
            p, q = col, row + 1
            for h in draw_panel(ax, data, p, q):
                legend.setdefault(str(h.get_label()), h)
            _axis_labels(ax, data, p, q, x=row == n - 2, y=col == 0)
            if row != n - 2:
                ax.tick_params(labelbottom=False)
            if col != 0:
                ax.tick_params(labelleft=False)
    order = {party.id: k for k, party in enumerate(s.parties)}
    handles = sorted(legend.values(), key=lambda h: _legend_rank(h, order))
    for h in handles:  # one legend for the grid, in the empty upper triangle
        h.set_label(wrap(str(h.get_label()), 36))
    axes[0][n - 2].legend(
        handles=handles, loc="upper right", fontsize=7.5, frameon=False, borderaxespad=0
    )
    fig.suptitle(
        f"Utility space, every pair of parties: {_headline(data.result)}",
        fontsize=11,
        x=0.02,
        ha="left",
    )
    fig.supxlabel(wrap(_caption(data), int(width * 15)), fontsize=8, x=0.01, ha="left")
    for row in range(n - 1):
        for col in range(row + 1):
            _label_panel(axes[row][col], data, col, row + 1, solution_labels=False)
    freeze_layout(fig)
    return fig


_GROUPS = ("cloud", "zopa", "reservation", "frontier", "solution", "closest", "proposal")


def _legend_rank(handle: Artist, party_order: dict[str, int]) -> tuple[int, int]:
    """Legend order of a handle (its gid names its group): groups in order, parties in order."""
    gid = handle.get_gid() or ""
    group, _, rest = gid.partition(":")
    return (_GROUPS.index(group) if group in _GROUPS else len(_GROUPS), party_order.get(rest, 0))
