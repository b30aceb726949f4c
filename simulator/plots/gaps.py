"""The pairwise gap matrix: one cell per pair of parties, shaded by the sum of the gaps of the
issues that separate them, marked where the pair has no zone of its own (computes nothing: the
numbers come from the result)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from simulator.plots.style import own_axes

if TYPE_CHECKING:
    from simulator.analysis.gaps import GapsResult

__all__ = ["plot_gaps"]


def plot_gaps(result: GapsResult, *, ax: Axes | None = None) -> Figure:
    """A symmetric matrix of parties: each off-diagonal cell shows the pair's total gap (the sum
    of its separating issues' gaps, in shares of the parties' ranges) and the number of issues
    where their red lines do not meet; a cross marks a pair with no zone of its own."""
    s = result.scenario
    total, zopa = result.matrix()
    conflicts = {pair.parties: sum(g.conflict for g in pair.issues) for pair in result.pairs}
    ids = s.party_ids
    n = len(ids)
    fig, axes = own_axes(ax, 2.2 + 1.3 * n, 1.6 + 1.2 * n)
    cmap = colormaps["Oranges"]
    top = max(float(total.max()), 1e-9)
    image = axes.imshow(total, cmap=cmap, vmin=0.0, vmax=top)
    for pair in result.pairs:
        a, b = (ids.index(p) for p in pair.parties)
        for i, j in ((a, b), (b, a)):
            dark = total[i, j] > 0.6 * top
            text = f"{total[i, j]:.2f}\n{conflicts[pair.parties]} red-line clash(es)"
            axes.text(
                j, i, text, ha="center", va="center", fontsize=8, color="white" if dark else "black"
            )
            if not zopa[i, j]:
                axes.plot([j - 0.45, j + 0.45], [i - 0.45, i + 0.45], color="#555555", lw=0.8)
                axes.plot([j - 0.45, j + 0.45], [i + 0.45, i - 0.45], color="#555555", lw=0.8)
    names = [p.display for p in s.parties]
    axes.set_xticks(range(n), names, rotation=30, ha="right")
    axes.set_yticks(range(n), names)
    axes.set_title(
        "Pairwise gaps: total gap of the separating issues\n(crossed: no zone of their own)",
        fontsize=10,
    )
    fig.colorbar(image, ax=axes, label="total gap (shares of the parties' utility ranges)")
    return fig
