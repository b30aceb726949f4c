"""Stress tests, drawn: the ZOPA before and after an edit, the ranking of single concessions, sweep
curves with their break-even points, and the Monte Carlo distribution of the ZOPA.

Each function takes the result type of :mod:`simulator.analysis` it draws and computes nothing.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from simulator.errors import ScenarioError
from simulator.plots.style import (
    SOLUTION_MARKERS,
    freeze_layout,
    new_figure,
    own_axes,
    party_colours,
    wrap,
)
from simulator.results import SolveResult

if TYPE_CHECKING:  # the figures only read the results; no import of the analyses at run time
    from simulator.analysis.mc_stats import Convergence
    from simulator.analysis.monte_carlo import MonteCarloResult
    from simulator.analysis.sensitivity import SweepResult
    from simulator.analysis.stress import ScanResult, StressResult

__all__ = ["plot_monte_carlo", "plot_scan", "plot_stress", "plot_sweep"]


def _party_index(result: SolveResult, party: int | str) -> int:
    ids = result.scenario.party_ids
    if isinstance(party, str):
        return ids.index(result.scenario.party(party).id)
    if not 0 <= party < len(ids):
        raise ScenarioError(f"party index {party} out of range 0..{len(ids) - 1}")
    return party


def plot_stress(
    stress: StressResult, *, pair: tuple[int | str, int | str] = (0, 1), ax: Axes | None = None
) -> Figure:
    """The Pareto frontier, reservation lines and Nash point before (grey) and after (black) edits.

    Parameters
    ----------
    stress
        From :func:`~simulator.analysis.stress.stress_test`.
    pair
        The two parties (ids or indices) on the axes.
    ax
        Axes to draw into; by default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    before, after = stress.baseline, stress.edited
    s = before.scenario
    if len(s.parties) < 2:
        raise ScenarioError("a before/after figure needs at least two parties")
    p, q = _party_index(before, pair[0]), _party_index(before, pair[1])
    if p == q:
        raise ScenarioError("pair needs two different parties")
    colours = party_colours(s)
    fig, axes = own_axes(ax, 8.0, 6.4)
    for when, result, colour, style in (
        ("before", before, "#9a9a9a", ":"),
        ("after", after, "black", "--"),
    ):
        f = result.frontier
        if f.size:
            u = f.utilities
            order = np.argsort(u[:, p], kind="stable")
            axes.plot(u[order, p], u[order, q], color=colour, lw=0.8, zorder=2)
            axes.scatter(
                u[:, p],
                u[:, q],
                s=42 if when == "before" else 14,
                facecolor="white" if when == "before" else colour,
                edgecolor=colour,
                lw=0.8,
                zorder=3,
                gid=f"frontier:{when}",
                label=f"Pareto frontier {when} ({f.size:,} packages; ZOPA {result.counts.zopa:,})",
            )
        for k, line in ((p, axes.axvline), (q, axes.axhline)):
            party = s.parties[k]
            ln = line(result.disagreement[k], color=colours[party.id], ls=style, lw=1.3)
            ln.set_gid(f"reservation:{party.id}:{when}")
            ln.set_label(f"{party.display} reservation {when} {result.disagreement[k]:.2f}")
        nash = result.solutions.get("nash")
        if nash is not None:
            axes.scatter(
                [nash.utilities[p]],
                [nash.utilities[q]],
                s=190,
                marker=SOLUTION_MARKERS["nash"][0],
                facecolor="white" if when == "before" else "black",
                edgecolor=colour,
                lw=1.2,
                zorder=5,
                gid=f"solution:nash:{when}",
                label=f"Nash {when}",
            )
    edits = "; ".join(str(e) for e in stress.edits)
    zopa = f"ZOPA {before.counts.zopa:,} → {after.counts.zopa:,} packages"
    axes.set_title(wrap(f"Before and after: {edits} ({zopa})", 90), fontsize=10, loc="left")
    axes.set_xlabel(f"{s.parties[p].display} utility", color=colours[s.parties[p].id])
    axes.set_ylabel(f"{s.parties[q].display} utility", color=colours[s.parties[q].id])
    axes.grid(True, lw=0.3, alpha=0.4)
    if ax is None:
        fig.legend(loc="outside lower center", ncols=2, fontsize=7.5, frameon=False)
        freeze_layout(fig)
    else:
        axes.legend(fontsize=7)
    return fig


def plot_scan(scan: ScanResult, *, top: int = 15, ax: Axes | None = None) -> Figure:
    """The single concessions ranked: the ZOPA after each, as bars in the conceding party's colour.

    Parameters
    ----------
    scan
        From :func:`~simulator.analysis.stress.scan_concessions`.
    top
        How many concessions to show, best first.
    ax
        Axes to draw into; by default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if top < 1:
        raise ScenarioError(f"top must be >= 1, got {top}")
    shown = scan.concessions[:top]
    colours = party_colours(scan.scenario)
    fig, axes = own_axes(ax, 9.0, 1.3 + 0.3 * max(len(shown), 1))
    y = np.arange(len(shown))
    zopa = [c.zopa_after for c in shown]
    bars = axes.barh(y, zopa, color=[colours.get(c.party, "#777777") for c in shown], height=0.7)
    for bar in bars:
        bar.set_gid("scan")
    axes.set_yticks(y, [wrap(str(c.edit), 60) for c in shown], fontsize=7.5)  # names the party
    axes.set_ylim(len(shown) - 0.5, -0.5)
    baseline = scan.baseline.zopa
    line = axes.axvline(baseline, color="black", ls="--", lw=1)
    line.set_gid("baseline")
    if max(zopa, default=0) > 1000:  # counts span orders of magnitude
        axes.set_xscale("symlog", linthresh=1)
    axes.set_xlabel(f"packages in the ZOPA after the concession (dashed: now, {baseline:,})")
    axes.set_title(
        f"Single concessions ranked (top {len(shown)} of {len(scan.concessions)})",
        fontsize=11,
        loc="left",
    )
    axes.grid(True, axis="x", lw=0.3, alpha=0.5)
    return fig


def plot_sweep(sweep: SweepResult) -> Figure:
    """A sweep: the ZOPA size and every party's Nash utility against the swept value, with the
    break-even points.

    Parameters
    ----------
    sweep
        From :func:`~simulator.analysis.sensitivity.sweep`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    s = sweep.scenario
    colours = party_colours(s)
    x = np.array(sweep.values)
    fig = new_figure(8.5, 6.0)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(1, 1.3))
    top.plot(x, sweep.zopa, color="black", marker="o", ms=3, lw=1.2, gid="zopa")
    top.set_ylabel("packages in the ZOPA")
    if max(sweep.zopa, default=0) > 1000:  # counts span orders of magnitude
        top.set_yscale("symlog", linthresh=1)
    nash = sweep.solution("nash")
    for k, party in enumerate(s.parties):
        u = np.array([np.nan if pt is None else pt.utilities[k] for pt in nash])
        bottom.plot(
            x,
            u,
            color=colours[party.id],
            marker="o",
            ms=3,
            lw=1.4,
            gid=f"nash:{party.id}",
            label=party.display,
        )
    bottom.set_ylabel("utility at the Nash solution")
    bottom.set_xlabel(str(sweep.param))
    current = sweep.param.current(s)
    for ax in (top, bottom):
        ax.axvline(current, color="#777777", ls=":", lw=1, gid="current")
        for b in sweep.break_even:
            ax.axvline(b.value, color="black", ls="--", lw=0.9, gid="break_even")
        ax.grid(True, lw=0.3, alpha=0.4)
    for b in sweep.break_even:
        top.annotate(
            wrap(b.what, 24),
            (b.value, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(3, -3),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=7,
        )
    bottom.legend(fontsize=7.5, loc="best")
    fig.suptitle(
        f"Sweep of {sweep.param} (dotted: the scenario's value {current:g}; dashed: break-even)",
        fontsize=11,
        x=0.02,
        ha="left",
    )
    return fig


def plot_monte_carlo(
    mc: MonteCarloResult, *, convergence: Convergence | None = None, ax: Axes | None = None
) -> Figure:
    """The distribution of the ZOPA size over the Monte Carlo samples, and P(ZOPA) with its 95% CI;
    with ``convergence`` (``convergence(mc.zopa > 0)``), the convergence panel
    (:func:`~simulator.plots.convergence.plot_convergence`) above it, or alone when the run did
    not count the ZOPAs' sizes.

    Parameters
    ----------
    mc
        From :func:`~simulator.analysis.monte_carlo.monte_carlo`.
    convergence
        The running estimate to draw above the histogram.
    ax
        Axes to draw the histogram into (without ``convergence``); by default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if convergence is not None:
        from simulator.plots.convergence import plot_convergence

        if not mc.sizes_counted:
            return plot_convergence(mc, convergence)
        fig = new_figure(8.0, 8.0)
        top, bottom = fig.subplots(2, 1)
        plot_convergence(mc, convergence, ax=top)
        plot_monte_carlo(mc, ax=bottom)
        return fig
    fig, axes = own_axes(ax, 8.0, 4.5)
    zopa = np.asarray(mc.zopa)
    empty = int((zopa == 0).sum())
    positive = zopa[zopa > 0]
    axes.bar([0], [empty], width=0.8, color="#D55E00", gid="empty", label="no ZOPA")
    labels = ["0"]
    if len(positive):
        if positive.max() <= 40:  # one bar per count
            counts = np.bincount(positive, minlength=int(positive.max()) + 1)[1:]
            labels += [str(k) for k in range(1, len(counts) + 1)]
        else:  # logarithmic bins
            edges = np.unique(np.geomspace(1, positive.max() + 1, 25).round().astype(np.int64))
            counts, _ = np.histogram(positive, bins=edges)
            labels += [
                f"{a:,}–{b - 1:,}" if b - 1 > a else f"{a:,}" for a, b in itertools.pairwise(edges)
            ]
        axes.bar(
            np.arange(1, len(counts) + 1),
            counts,
            width=0.8,
            color="#3a3a3a",
            gid="zopa",
            label="a ZOPA",
        )
    step = max(1, len(labels) // 12)
    axes.set_xticks(
        np.arange(0, len(labels), step),
        labels[::step],
        fontsize=7.5,
        rotation=0 if len(labels[-1]) < 5 else 30,
        ha="center" if len(labels[-1]) < 5 else "right",
    )
    lo, hi = mc.ci95
    axes.set_title(
        f"Monte Carlo, {mc.samples:,} samples (seed {mc.seed}): P(ZOPA) = {mc.p_zopa:.2f} "
        f"(95% CI {lo:.2f}–{hi:.2f})",
        fontsize=10,
        loc="left",
    )
    if not mc.sizes_counted:  # the run only knew empty or not
        axes.set_xticks([0, 1], ["empty", "not empty (size not counted)"], fontsize=7.5)
    axes.set_xlabel("packages in the ZOPA of a sample")
    axes.set_ylabel("samples")
    axes.legend(fontsize=8)
    return fig
