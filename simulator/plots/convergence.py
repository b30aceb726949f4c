"""Monte Carlo, drawn as it converges: the running estimate of P(ZOPA) and its 95% Wilson interval
against the number of samples, with the exact value beside it where there is one.

The function takes the result and its convergence data (both from :mod:`simulator.analysis`) and
computes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from simulator.plots.style import own_axes

if TYPE_CHECKING:  # the figures only read the results
    from simulator.analysis.mc_stats import Convergence
    from simulator.analysis.monte_carlo import MonteCarloResult

__all__ = ["plot_convergence"]


def plot_convergence(
    mc: MonteCarloResult, convergence: Convergence, *, ax: Axes | None = None
) -> Figure:
    """The running estimate of P(ZOPA) (line ``estimate``) inside its 95% Wilson interval (band
    ``interval``) against the samples drawn (log scale), and the exact value (line ``exact``) when
    the result carries one.

    Parameters
    ----------
    mc
        From :func:`~simulator.analysis.monte_carlo.monte_carlo`.
    convergence
        ``convergence(mc.zopa > 0)`` (:func:`~simulator.analysis.mc_stats.convergence`).
    ax
        Axes to draw into; by default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, axes = own_axes(ax, 8.0, 4.0)
    c = convergence
    axes.fill_between(
        c.samples,
        c.low,
        c.high,
        color="#999999",
        alpha=0.35,
        lw=0,
        gid="interval",
        label="95% Wilson interval",
    )
    axes.plot(c.samples, c.estimate, color="black", lw=1.4, gid="estimate", label="estimate")
    if mc.p_zopa_exact is not None:
        axes.axhline(
            mc.p_zopa_exact,
            color="#0072B2",
            ls="--",
            lw=1.2,
            gid="exact",
            label=f"exact {mc.p_zopa_exact:.3f}",
        )
    axes.set_xscale("log")
    axes.set_xlim(1, max(int(c.samples[-1]) if len(c.samples) else 1, 2))
    axes.set_ylim(0, 1)
    axes.set_xlabel("samples drawn")
    axes.set_ylabel("P(ZOPA not empty)")
    lo, hi = mc.ci95
    axes.set_title(
        f"Convergence, {mc.samples:,} samples (seed {mc.seed}): P(ZOPA) = {mc.p_zopa:.3f} "
        f"(95% CI {lo:.3f}–{hi:.3f})",
        fontsize=10,
        loc="left",
    )
    axes.legend(fontsize=8, loc="best")
    return fig
