"""The layers of one utility-space panel: the packages, the ZOPA region and reservation lines, the
Pareto frontier, the bargaining solutions, the closest package and the proposals.

:func:`draw_panel` draws them for one pair of parties ``(p, q)`` and returns the legend handles;
:mod:`simulator.plots.utility` lays panels out (one pair, or a grid of every pair) and labels them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, LogNorm
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from simulator.compiled import FloatArray, IntArray
from simulator.evaluate import ProposalEvaluation
from simulator.plots.style import (
    FEASIBLE,
    INFEASIBLE,
    RED_LINE,
    SOLUTION_MARKERS,
    ZOPA_SHADE,
    party_colours,
    proposal_tags,
    scope_words,
)
from simulator.results import SolveResult
from simulator.solver.stream import UtilityCloud

__all__ = ["DENSITY_BINS", "SCATTER_MAX", "PanelData", "draw_panel"]

#: Most packages of one category drawn as points; more are drawn as a density.
SCATTER_MAX = 5000
#: Bins per axis of a density drawn from points.
DENSITY_BINS = 150


@dataclass(frozen=True)
class PanelData:
    """What a utility-space figure draws: the result, its packages, the proposals, the axis
    ranges."""

    result: SolveResult
    cloud: UtilityCloud
    proposals: tuple[ProposalEvaluation, ...]
    limits: FloatArray  # (P, 2) axis range per party


def draw_panel(ax: Axes, data: PanelData, p: int, q: int) -> list[Artist]:
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


def _draw_cloud(ax: Axes, data: PanelData, p: int, q: int) -> list[Artist]:
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


def _cloud_label(data: PanelData, feasible: bool, name: str, n: int) -> str:
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
    plural = "s" if f.size != 1 else ""
    label = f"Pareto frontier of the {scope_words(f.scope)} ({f.size:,} package{plural})"
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


def _draw_proposals(ax: Axes, data: PanelData, p: int, q: int) -> list[Artist]:
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
