"""Strategic games, drawn: the Nash demand game, the concede-or-hold matrix, Rubinstein's
alternating offers converging on the weighted Nash point.

Each function takes a result type of :mod:`simulator.analysis.strategic` and computes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from simulator.plots.style import (
    OKABE_ITO,
    SOLUTION_MARKERS,
    ZOPA_SHADE,
    freeze_layout,
    own_axes,
    party_colours,
    wrap,
)

if TYPE_CHECKING:  # the figures only read the results
    from simulator.analysis.strategic.concede import ConcedeGame
    from simulator.analysis.strategic.demand import DemandGame
    from simulator.analysis.strategic.frontier import BargainingFrontier
    from simulator.analysis.strategic.rubinstein import RubinsteinResult

__all__ = ["plot_concede_game", "plot_demand_game", "plot_rubinstein"]


def _colours(frontier: BargainingFrontier) -> tuple[str, str]:
    if frontier.scenario is None:
        return OKABE_ITO["blue"], OKABE_ITO["orange"]
    c = party_colours(frontier.scenario)
    return c[frontier.parties[0]], c[frontier.parties[1]]


def _label(frontier: BargainingFrontier, k: int) -> str:
    pid = frontier.parties[k]
    if frontier.scenario is None:
        return f"party {pid}"
    return frontier.scenario.party(pid).display


def _frontier_axes(axes: Axes, frontier: BargainingFrontier) -> None:
    ca, cb = _colours(frontier)
    u, d = frontier.utilities, frontier.disagreement
    axes.plot(u[:, 0], u[:, 1], color="black", lw=0.8, zorder=2)
    axes.scatter(
        u[:, 0],
        u[:, 1],
        s=16,
        color="black",
        zorder=3,
        gid="frontier",
        label=f"frontier ({frontier.size} packages)",
    )
    axes.axvline(d[0], color=ca, ls="--", lw=1.2, gid=f"reservation:{frontier.parties[0]}")
    axes.axhline(d[1], color=cb, ls="--", lw=1.2, gid=f"reservation:{frontier.parties[1]}")
    axes.set_xlabel(f"{_label(frontier, 0)} utility", color=ca)
    axes.set_ylabel(f"{_label(frontier, 1)} utility", color=cb)
    axes.grid(True, lw=0.3, alpha=0.4)


def plot_demand_game(game: DemandGame, *, ax: Axes | None = None) -> Figure:
    """The demand pairs (jointly feasible ones shaded), the pure equilibria, the NBS.

    Parameters
    ----------
    game
        From :func:`~simulator.analysis.strategic.demand.demand_game`.
    ax
        Axes to draw into; by default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    f = game.frontier
    fig, axes = own_axes(ax, 7.5, 6.4)
    x, y = game.levels
    gx, gy = np.meshgrid(x, y, indexing="ij")
    feas = game.feasible
    axes.scatter(
        gx[feas],
        gy[feas],
        s=10,
        color=ZOPA_SHADE,
        edgecolor="#8a8a8a",
        lw=0.3,
        zorder=1,
        gid="demands:feasible",
        label="jointly feasible demand pair",
    )
    axes.scatter(
        gx[~feas],
        gy[~feas],
        s=6,
        color="#d8d8d8",
        zorder=1,
        gid="demands:infeasible",
        label="incompatible demands (no deal)",
    )
    _frontier_axes(axes, f)
    if game.pure_agreement:
        pa = np.array([[x[i], y[j]] for i, j in game.pure_agreement])
        axes.scatter(
            pa[:, 0],
            pa[:, 1],
            s=60,
            facecolor="none",
            edgecolor=OKABE_ITO["bluish_green"],
            lw=1.4,
            zorder=4,
            gid="equilibria:agreement",
            label=f"pure equilibrium with agreement ({len(pa)})",
        )
    if game.pure_disagreement:
        pd = np.array([[x[i], y[j]] for i, j in game.pure_disagreement])
        axes.scatter(
            pd[:, 0],
            pd[:, 1],
            s=60,
            marker="x",
            color=OKABE_ITO["vermillion"],
            zorder=4,
            gid="equilibria:disagreement",
            label=f"pure equilibrium without agreement ({len(pd)})",
        )
    if game.nash_row is not None:
        nb = f.utilities[game.nash_row]
        marker, name, size = SOLUTION_MARKERS["nash"]
        axes.scatter(
            [nb[0]],
            [nb[1]],
            s=size,
            marker=marker,
            facecolor="white",
            edgecolor="black",
            lw=1.2,
            zorder=5,
            gid="solution:nash",
            label=f"{name} bargaining solution",
        )
    title = f"Nash demand game: {_label(f, 0)} and {_label(f, 1)} (others held at {f.hold})"
    axes.set_title(wrap(title, 80), fontsize=10, loc="left")
    if ax is None:
        fig.legend(loc="outside lower center", ncols=2, fontsize=7.5, frameon=False)
        freeze_layout(fig)
    else:
        axes.legend(fontsize=7)
    return fig


def plot_concede_game(game: ConcedeGame, *, ax: Axes | None = None) -> Figure:
    """The payoff matrix of the concede-or-hold game, cells shaded by whether the ZOPA opens,
    equilibria framed.

    Parameters
    ----------
    game
        From :func:`~simulator.analysis.strategic.concede.concede_or_hold`.
    ax
        Axes to draw into; by default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    rows, cols = game.strategies
    k1, k2 = len(rows), len(cols)
    fig, axes = own_axes(ax, 2.2 + 2.3 * k2, 1.8 + 1.0 * k1)
    colours = party_colours(game.scenario)
    a, b = game.parties
    opened = (game.zopa > 0).astype(float)
    axes.imshow(opened, cmap=ListedColormap(["#eeeeee", ZOPA_SHADE]), vmin=0, vmax=1, aspect="auto")
    for i in range(k1):
        for j in range(k2):
            axes.text(
                j,
                i - 0.15,
                f"{game.payoffs[0, i, j]:.3f}",
                ha="center",
                va="center",
                color=colours[a],
                fontsize=9,
            )
            axes.text(
                j,
                i + 0.15,
                f"{game.payoffs[1, i, j]:.3f}",
                ha="center",
                va="center",
                color=colours[b],
                fontsize=9,
            )
    for e in game.equilibria.equilibria:
        if e.pure:
            (i,), (j,) = e.support
            axes.add_patch(_frame(j, i, OKABE_ITO["bluish_green"], f"equilibrium:{i}:{j}"))
    axes.set_xticks(range(k2), [wrap(game.label(e), 22) for e in cols], fontsize=7.5)
    axes.set_yticks(range(k1), [wrap(game.label(e), 26) for e in rows], fontsize=7.5)
    axes.set_xlabel(game.scenario.party(b).display, color=colours[b])
    axes.set_ylabel(game.scenario.party(a).display, color=colours[a])
    axes.xaxis.set_label_position("top")
    axes.xaxis.tick_top()
    mixed = sum(1 for e in game.equilibria.equilibria if not e.pure)
    title = (
        f"Concede or hold: {game.structure.replace('_', ' ')}; pure equilibria framed"
        + (f", {mixed} mixed" if mixed else "")
        + " (yellow: the ZOPA opens)"
    )
    axes.set_title(wrap(title, 70), fontsize=10, loc="left")
    if ax is None:
        freeze_layout(fig)
    return fig


def _frame(x: float, y: float, colour: str, gid: str) -> Rectangle:

    return Rectangle(
        (x - 0.47, y - 0.47), 0.94, 0.94, fill=False, edgecolor=colour, lw=2.5, gid=gid
    )


def plot_rubinstein(result: RubinsteinResult, *, ax: Axes | None = None) -> Figure:
    """The frontier and its convex hull, the disagreement point, the SPE proposals for
    ``delta ** (1/n)`` converging on the weighted Nash point.

    Parameters
    ----------
    result
        From :func:`~simulator.analysis.strategic.rubinstein.rubinstein`.
    ax
        Axes to draw into; by default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    f = result.frontier
    fig, axes = own_axes(ax, 7.5, 6.4)
    _frontier_axes(axes, f)
    h = result.hull
    axes.plot(
        h[:, 0],
        h[:, 1],
        color="#7a7a7a",
        ls=":",
        lw=1.0,
        zorder=2,
        gid="hull",
        label="boundary with lotteries (convex hull)",
    )
    axes.scatter(
        [f.disagreement[0]],
        [f.disagreement[1]],
        s=40,
        marker="o",
        color="black",
        zorder=4,
        gid="disagreement",
        label="disagreement point",
    )
    ca, cb = _colours(f)
    pa = np.array([s.proposal_a for s in result.convergence])
    pb = np.array([s.proposal_b for s in result.convergence])
    axes.plot(
        pa[:, 0],
        pa[:, 1],
        marker="o",
        ms=4,
        color=ca,
        lw=0.8,
        zorder=4,
        gid="spe:a_first",
        label=f"SPE, {_label(f, 0)} first, δ^(1/n), n = 1 … {result.convergence[-1].n}",
    )
    axes.plot(
        pb[:, 0],
        pb[:, 1],
        marker="s",
        ms=4,
        color=cb,
        lw=0.8,
        zorder=4,
        gid="spe:b_first",
        label=f"SPE, {_label(f, 1)} first",
    )
    w = result.weighted_nash
    marker, name, size = SOLUTION_MARKERS["weighted_nash"]
    axes.scatter(
        [w[0]],
        [w[1]],
        s=size * 1.5,
        marker=marker,
        facecolor="white",
        edgecolor="black",
        lw=1.2,
        zorder=5,
        gid="solution:weighted_nash",
        label=f"{name}, β = ({result.powers[0]:.2f}, {result.powers[1]:.2f})",
    )
    title = (
        f"Alternating offers: {_label(f, 0)} (δ={result.deltas[0]:g}) and {_label(f, 1)} "
        f"(δ={result.deltas[1]:g}); first-mover share {result.first_mover_share:.3f}"
    )
    axes.set_title(wrap(title, 80), fontsize=10, loc="left")
    if ax is None:
        fig.legend(loc="outside lower center", ncols=2, fontsize=7.5, frameon=False)
        freeze_layout(fig)
    else:
        axes.legend(fontsize=7)
    return fig
