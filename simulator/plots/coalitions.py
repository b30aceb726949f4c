"""The coalition lattice: coalitions by size, linked to their one-larger supersets, coloured by the
size of their own ZOPA (computes nothing: the numbers come from the result)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from simulator.plots.style import own_axes

if TYPE_CHECKING:
    from simulator.analysis.coalitions import CoalitionsResult

__all__ = ["plot_coalitions"]


def plot_coalitions(result: CoalitionsResult, *, ax: Axes | None = None) -> Figure:
    """The lattice of coalitions: one row per size, grey for no zone, else coloured by the zone's
    size (log scale); winning coalitions under the rule have a thick black edge."""
    zones = result.zones
    sizes = sorted({len(z.members) for z in zones})
    width = max(sum(len(z.members) == k for z in zones) for k in sizes)
    fig, axes = own_axes(ax, max(6.0, 1.4 * width), 1.6 + 1.3 * len(sizes))
    pos: dict[tuple[str, ...], tuple[float, float]] = {}
    for k in sizes:
        row = [z for z in zones if len(z.members) == k]
        for j, z in enumerate(row):
            pos[z.members] = ((j + 0.5) * width / len(row), float(k))
    for z in zones:
        for other in zones:
            if len(other.members) == len(z.members) + 1 and set(z.members) <= set(other.members):
                (x0, y0), (x1, y1) = pos[z.members], pos[other.members]
                axes.plot([x0, x1], [y0, y1], color="#bbbbbb", lw=0.6, zorder=1)
    counts = [z.size_shown for z in zones if z.has_zone]
    norm = LogNorm(vmin=1, vmax=max(max(counts, default=1), 2))
    cmap = colormaps["viridis"]
    for z in zones:
        x, y = pos[z.members]
        colour = cmap(norm(z.size_shown)) if z.has_zone else "#dddddd"
        axes.scatter(
            [x],
            [y],
            s=900,
            color=colour,
            edgecolors="black",
            linewidths=2.2 if z.winning else 0.5,
            zorder=2,
            gid="coalition",
        )
        label = "\n".join(z.members)  # ids: display names are too long for a node
        axes.text(
            x,
            y,
            label,
            ha="center",
            va="center",
            fontsize=6.5,
            zorder=3,
            color="white" if z.has_zone and norm(z.size_shown) < 0.6 else "black",
        )
    sm = colormaps["viridis"]
    mappable = axes.scatter([], [], c=[], cmap=sm, norm=norm)
    fig.colorbar(
        mappable,
        ax=axes,
        label="packages in the coalition's own zone\n(estimated past the count budget; grey: none)",
    )
    axes.set_yticks(sizes, [f"{k} parties" for k in sizes])
    axes.set_xticks([])
    axes.set_xlim(-0.2, width + 0.2)
    axes.set_ylim(min(sizes) - 0.6, max(sizes) + 0.6)
    axes.set_title(
        "Coalitions and their own zones (thick edge: winning under the rule)",
        fontsize=11,
        loc="left",
    )
    return fig
