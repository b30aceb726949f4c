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
from dataclasses import dataclass

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, LogNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from simulator.compiled import FloatArray, IntArray
from simulator.errors import ScenarioError
from simulator.evaluate import ProposalEvaluation
from simulator.plots.style import (
    FEASIBLE,
    INFEASIBLE,
    RED_LINE,
    SOLUTION_MARKERS,
    ZOPA_SHADE,
    Label,
    freeze_layout,
    new_figure,
    own_axes,
    party_colours,
    place_labels,
    wrap,
)
from simulator.results import SolveResult
from simulator.solver.stream import UtilityCloud

__all__ = ["plot_utility_space", "proposal_tags"]

#: Most packages of one category drawn as points; more are drawn as a density.
SCATTER_MAX = 5000
#: Bins per axis of a density drawn from points.
DENSITY_BINS = 150


def proposal_tags(evaluations: Sequence[ProposalEvaluation]) -> dict[str, str]:
    """Short tag (``P1``, ``P2``, ...) of each proposal id, used in every figure and table."""
    return {e.proposal.id: f"P{k + 1}" for k, e in enumerate(evaluations)}


@dataclass(frozen=True)
class _Inputs:
    result: SolveResult
    cloud: UtilityCloud
    proposals: tuple[ProposalEvaluation, ...]
    limits: FloatArray  # (P, 2) axis range per party


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
    data = _Inputs(result, cloud, tuple(proposals), _limits(result, cloud, proposals))
    if pair is None and len(s.parties) > 2:
        if ax is not None:
            raise ScenarioError("pass pair=(p, q) to draw one pair of parties into ax")
        return _grid(data)
    p, q = _pair(result, pair or (0, 1))
    fig, axes = own_axes(ax, 9.0, 5.8)
    handles = _panel(axes, data, p, q)
    _axis_labels(axes, data, p, q)
    names = f"{s.parties[p].display} and {s.parties[q].display}"
    axes.set_title(f"Utility space of {names}: {_headline(result)}", fontsize=11, loc="left")
    if ax is None:
        fig.supxlabel(_caption(data), fontsize=8, x=0.01, ha="left")
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


def _caption(data: _Inputs) -> str:
    f = data.result.frontier
    text = f"Packages shown: {data.cloud.description}. Pareto frontier of the {_scope(f.scope)}."
    if len(data.result.scenario.parties) > 2:
        text += " Each panel projects the space onto two parties."
    return text


def _scope(scope: str) -> str:
    return {"all": "whole space", "feasible": "feasible packages", "zopa": "ZOPA"}.get(scope, scope)


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


def _panel(ax: Axes, data: _Inputs, p: int, q: int) -> list[Artist]:
    """Draw one pair of parties; returns the legend handles."""
    result, s = data.result, data.result.scenario
    colours = party_colours(s)
    (x0, x1), (y0, y1) = data.limits[p], data.limits[q]
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    d = result.disagreement
    handles: list[Artist] = []
    handles += _draw_cloud(ax, data, p, q)
    zone = "ZOPA region" if len(s.parties) == 2 else "above both reservation values"
    shade = Rectangle(
        (d[p], d[q]), x1 - d[p], y1 - d[q], color=ZOPA_SHADE, alpha=0.28, lw=0, zorder=0.5
    )
    shade.set_gid("zopa")
    ax.add_patch(shade)
    handles.append(Patch(color=ZOPA_SHADE, alpha=0.5, label=zone, gid="zopa"))
    for k, line in ((p, ax.axvline), (q, ax.axhline)):
        party = s.parties[k]
        ln = line(d[k], color=colours[party.id], ls="--", lw=1.4, zorder=2)
        ln.set_gid(f"reservation:{party.id}")
        what = "reservation" if d[k] == party.reservation else "disagreement point"
        handles.append(
            Line2D(
                [],
                [],
                color=colours[party.id],
                ls="--",
                gid=f"reservation:{party.id}",
                label=f"{party.display} {what} {d[k]:.2f}",
            )
        )
    handles += _draw_frontier(ax, result, p, q)
    handles += _draw_solutions(ax, result, p, q)
    handles += _draw_proposals(ax, data, p, q)
    ax.grid(True, lw=0.3, alpha=0.4)
    return handles


def _draw_cloud(ax: Axes, data: _Inputs, p: int, q: int) -> list[Artist]:
    cloud = data.cloud
    handles: list[Artist] = []
    for feasible, colour, name in (
        (False, INFEASIBLE, "crosses a red line"),
        (True, FEASIBLE, "feasible"),
    ):
        pts = cloud.feasible if feasible else cloud.infeasible
        n = cloud.n_feasible if feasible else cloud.n_infeasible
        gid = f"cloud:{'feasible' if feasible else 'infeasible'}"
        if cloud.method != "binned" and len(pts) <= SCATTER_MAX:
            ax.scatter(
                pts[:, p], pts[:, q], s=10 if feasible else 8, c=colour, lw=0, zorder=1, gid=gid
            )
            label = _cloud_label(data, feasible, name, n)
            handles.append(
                Line2D([], [], ls="", marker="o", ms=4, color=colour, label=label, gid="cloud")
            )
            continue
        counts: FloatArray | IntArray
        if cloud.method == "binned":
            counts = cloud.histogram(p, q, feasible)
            xe, ye = cloud.edges[p], cloud.edges[q]
        else:
            counts, xe, ye = np.histogram2d(
                pts[:, p], pts[:, q], bins=DENSITY_BINS, range=[data.limits[p], data.limits[q]]
            )
        if counts.sum() == 0:
            continue
        light = "#e6e6e6" if not feasible else "#9a9a9a"
        cmap = LinearSegmentedColormap.from_list(gid, [light, colour])
        mesh = ax.pcolormesh(
            xe,
            ye,
            np.ma.masked_equal(counts.T, 0),
            cmap=cmap,
            norm=LogNorm(vmin=1, vmax=max(float(counts.max()), 1.0)),
            shading="flat",
            rasterized=True,
            zorder=1,
        )
        mesh.set_gid(gid)
        label = _cloud_label(data, feasible, name, n).removesuffix(")") + ", density)"
        handles.append(Patch(color=colour, label=label, gid="cloud"))
    return handles


def _cloud_label(data: _Inputs, feasible: bool, name: str, n: int) -> str:
    """Legend text of a layer of points: how many packages, and how they were found."""
    exact = data.result.counts.feasible
    if data.cloud.method != "sampled":
        return f"{name} ({n:,} package{'s' if n != 1 else ''})"
    if feasible and exact == 0:
        return f"{name}: none (exact count)"
    if feasible:
        return f"{name} ({n:,} sampled of {exact:,})"
    return f"{name} ({n:,} sampled packages)"


def _draw_frontier(ax: Axes, result: SolveResult, p: int, q: int) -> list[Artist]:
    f = result.frontier
    if not f.size:
        return []
    u = f.utilities
    if len(result.scenario.parties) == 2:
        order = np.argsort(u[:, p], kind="stable")
        ax.plot(u[order, p], u[order, q], color="black", lw=0.8, alpha=0.7, zorder=3)
    ax.scatter(
        u[:, p],
        u[:, q],
        s=16,
        facecolor="white",
        edgecolor="black",
        lw=0.8,
        zorder=4,
        gid="frontier",
    )
    label = (
        f"Pareto frontier of the {_scope(f.scope)} ({f.size:,} package{'s' if f.size != 1 else ''})"
    )
    return [
        Line2D(
            [],
            [],
            ls="-",
            lw=0.8,
            marker="o",
            ms=4,
            mfc="white",
            color="black",
            label=label,
            gid="frontier",
        )
    ]


def _draw_solutions(ax: Axes, result: SolveResult, p: int, q: int) -> list[Artist]:
    handles: list[Artist] = []
    for name, pt in result.solutions.items():
        if pt is None:
            continue
        marker, title, size = SOLUTION_MARKERS.get(name, ("o", name, 60))
        u = pt.utilities
        ax.scatter(
            [u[p]],
            [u[q]],
            s=size,
            marker=marker,
            facecolor="white",
            edgecolor="black",
            lw=1.1,
            zorder=6,
            gid=f"solution:{name}",
        )
        handles.append(
            Line2D(
                [],
                [],
                ls="",
                marker=marker,
                ms=7,
                mfc="white",
                mec="black",
                label=title,
                gid="solution",
            )
        )
    cl = result.closest
    if cl is not None:
        u = cl.point.utilities
        ax.scatter(
            [u[p]],
            [u[q]],
            s=90,
            marker="o",
            facecolor="none",
            edgecolor=RED_LINE,
            lw=1.6,
            zorder=6,
            gid="closest",
        )
        handles.append(
            Line2D(
                [],
                [],
                ls="",
                marker="o",
                ms=7,
                mfc="none",
                mec=RED_LINE,
                mew=1.6,
                label="closest to agreement",
                gid="closest",
            )
        )
    return handles


def _draw_proposals(ax: Axes, data: _Inputs, p: int, q: int) -> list[Artist]:
    handles: list[Artist] = []
    tags = proposal_tags(data.proposals)
    for e in data.proposals:
        if not e.completions:
            continue
        label = f"{tags[e.proposal.id]} {e.proposal.display}"
        gid = f"proposal:{e.proposal.id}"
        if e.low[p] == e.high[p] and e.low[q] == e.high[q]:
            ax.scatter(
                [e.low[p]],
                [e.low[q]],
                s=60,
                marker="X",
                facecolor="black",
                edgecolor="white",
                lw=0.6,
                zorder=5,
                gid=gid,
            )
            handles.append(
                Line2D(
                    [],
                    [],
                    ls="",
                    marker="X",
                    ms=7,
                    mfc="black",
                    mec="white",
                    label=label,
                    gid="proposal",
                )
            )
        else:
            box = Rectangle(
                (e.low[p], e.low[q]),
                e.high[p] - e.low[p],
                e.high[q] - e.low[q],
                fill=False,
                ls="--",
                lw=1.0,
                edgecolor="black",
                zorder=5,
            )
            box.set_gid(gid)
            ax.add_patch(box)
            handles.append(
                Patch(fill=False, ls="--", edgecolor="black", label=label, gid="proposal")
            )
    return handles


def _label_panel(ax: Axes, data: _Inputs, p: int, q: int, *, solution_labels: bool) -> None:
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
    ax: Axes, data: _Inputs, p: int, q: int, *, x: bool = True, y: bool = True
) -> None:
    s = data.result.scenario
    colours = party_colours(s)
    if x:
        ax.set_xlabel(f"{s.parties[p].display} utility", color=colours[s.parties[p].id])
    if y:
        ax.set_ylabel(f"{s.parties[q].display} utility", color=colours[s.parties[q].id])


def _grid(data: _Inputs) -> Figure:
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
            for h in _panel(ax, data, p, q):
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
