"""The window over time: each party's reservation path and best achievable utility, period by
period, with the periods that have a zone shaded (computes nothing: the numbers come from the
result)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from simulator.plots.style import own_axes, party_colours

if TYPE_CHECKING:
    from simulator.analysis.ripeness import RipenessResult

__all__ = ["plot_ripeness"]


def plot_ripeness(result: RipenessResult, *, ax: Axes | None = None) -> Figure:
    """One line pair per party in its colour: the reservation ``d_p(t)`` (dashed) and the best
    utility it can get while every other party gets its reservation, ``M_p(t)`` (solid; missing
    where no package gives the others theirs). Periods with a ZOPA are shaded green; the first
    one is marked."""
    s = result.scenario
    fig, axes = own_axes(ax, 8.0, 4.8)
    colours = party_colours(s)
    ts = np.array([v.t for v in result.periods], dtype=float)
    for p, party in enumerate(s.parties):
        d = np.array([v.reservation[p] for v in result.periods])
        best = np.array([v.best[p] for v in result.periods])
        best = np.where(np.isfinite(best), best, np.nan)
        colour = colours[party.id]
        axes.plot(ts, d, "--", color=colour, lw=1.4, label=f"{party.display}: reservation")
        axes.plot(ts, best, "-o", color=colour, lw=1.8, ms=3, label=f"{party.display}: best")
    for v in result.periods:
        if v.is_open:
            axes.axvspan(v.t - 0.5, v.t + 0.5, color="#009E73", alpha=0.12, lw=0, gid="open")
    if result.first_open is not None:
        axes.axvline(result.first_open, color="#009E73", lw=1.5, gid="first_open")
        label = result.periods[result.first_open].label
        axes.annotate(
            f"zone opens: {label}",
            (result.first_open, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(4, -12),
            textcoords="offset points",
            color="#006644",
            fontsize=9,
        )
    step = max(1, len(result.periods) // 12)
    shown = result.periods[::step]
    axes.set_xticks([v.t for v in shown], [v.label for v in shown], rotation=45, ha="right")
    axes.set_xlim(-0.5, max(ts.max(initial=0.0), 1.0) + 0.5)
    axes.set_xlabel(f"{result.unit} (shaded: a zone of possible agreement exists)")
    axes.set_ylabel("utility")
    title = s.title or s.name
    axes.set_title(f"When a deal becomes possible: {title}", fontsize=11)
    axes.legend(fontsize=8, loc="best", ncol=2 if len(s.parties) > 2 else 1)
    axes.grid(alpha=0.3)
    return fig
