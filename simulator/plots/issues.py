"""Issue space: the options themselves rather than the utilities they give.

Two figures. The *option map* has one row per option, grouped by issue: how many feasible packages
and how many ZOPA packages use the option, and, per party, how much the party values the option (the
shade, in the party's colour) and whether it crosses one of the party's red lines (``×`` alone,
``(×)`` together with options of other issues). The *frontier packages* figure draws the packages of
the Pareto frontier as parallel coordinates, one horizontal axis per issue: a line's width says how
many frontier packages take that pair of options, and the bargaining solutions are drawn on top.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import offset_copy

from simulator.compiled import FloatArray, IntArray
from simulator.model import Option
from simulator.plots.style import (
    RED_LINE,
    SOLUTION_MARKERS,
    new_figure,
    own_axes,
    party_colours,
    scope_words,
    wrap,
)
from simulator.results import SolveResult
from simulator.solver.stream import OptionCounts, OptionRules

__all__ = ["option_label", "plot_frontier_packages", "plot_option_map"]

#: Longest option label shown in full; longer labels fall back to the option id.
LABEL_MAX = 40
_ROW = 0.2  # inches per row of the option map


def option_label(option: Option, limit: int = LABEL_MAX) -> str:
    """The option's label if it has one of at most ``limit`` characters, else its id with spaces for
    underscores (so that it can wrap).

    >>> option_label(Option("no_ban", "No ban; depends on allied consensus"))
    'No ban; depends on allied consensus'
    >>> option_label(Option("full_immediate_lift_and_ban_new"))
    'full immediate lift and ban new'
    """
    if option.label and len(option.label) <= limit:
        return option.label
    return option.id.replace("_", " ")


def _share_text(n: int, total: int) -> str:
    if n == 0:
        return "–"
    share = 100.0 * n / total
    return f"{share:.0f}%" if share >= 1 else "<1%"


def plot_option_map(
    result: SolveResult,
    *,
    zopa_options: OptionCounts,
    feasible_options: OptionCounts,
    option_rules: OptionRules,
    option_values: tuple[tuple[FloatArray, ...], ...],
    ax: Axes | None = None,
) -> Figure:
    """Which options the feasible set and the ZOPA use, and how each party sees each option.

    Parameters
    ----------
    result
        The solved scenario; nothing is solved here.
    zopa_options, feasible_options
        Option counts of the ZOPA and of the feasible set, from
        :func:`~simulator.solver.stream.option_counts`.
    option_rules
        How each option stands with each red line, from
        :func:`~simulator.solver.stream.option_red_lines`.
    option_values
        ``[p][i][k]``: party ``p``'s value of option ``k`` of issue ``i``, from
        :func:`~simulator.analysis.figure_data.option_values`.
    ax
        Axes to draw into; by default a new figure sized to the number of options.

    Returns
    -------
    matplotlib.figure.Figure
    """
    s = result.scenario
    zopa, feasible, rules = zopa_options, feasible_options, option_rules
    colours = party_colours(s)
    columns = ["feasible\npackages", "ZOPA\npackages", *[wrap(p.display, 12) for p in s.parties]]
    rows: list[tuple[int, int | None]] = []  # (issue, option) with option None for the issue header
    ticks: list[str] = []
    for i, issue in enumerate(s.issues):
        rows.append((i, None))
        rows += [(i, k) for k in range(len(issue.options))]
        ticks += [issue.label or issue.id, *[option_label(o) for o in issue.options]]
    labels_in = max(len(t) for t in ticks) * 7.5 * 0.62 / 72  # width of the longest row label
    width = labels_in + 0.5 + 0.9 * len(columns)
    note = wrap(
        "Grey columns: share of the feasible packages and of the ZOPA packages that use "
        "the option (– none). Party columns: shade = the party's value of the option (0 to 1); "
        "× = the option crosses one of the party's red lines, (×) = only together with "
        "options of other issues.",
        int(width * 15),
    )
    height = 1.3 + _ROW * len(rows)
    if ax is None:  # margins from the text sizes: no layout pass over hundreds of labels
        fig = new_figure(width, height)
        fig.set_layout_engine("none")
        left, right = labels_in + 0.2, 0.15
        top, bottom = 0.75, 0.2 + (note.count("\n") + 1) * 7.5 * 1.3 / 72
        axes = fig.add_axes(
            (left / width, bottom / height, 1 - (left + right) / width, 1 - (top + bottom) / height)
        )
    else:
        fig, axes = own_axes(ax, width, height)
    # every cell's colour in one image: grey by the share of packages, the party's colour by its
    # value (transparent header rows); one artist instead of one rectangle per cell
    cells = np.zeros((len(rows), len(columns), 4))
    for r, (i, k) in enumerate(rows):
        if k is None:
            continue
        for c, counts in enumerate((feasible, zopa)):
            n = counts.counts[i][k]
            share = n / counts.total if counts.total else 0.0
            grey = 1.0 - 0.75 * share
            cells[r, c] = (grey, grey, grey, 1.0)
            axes.text(
                c + 0.5,
                r + 0.5,
                _share_text(n, counts.total),
                ha="center",
                va="center",
                fontsize=7,
                color="white" if share > 0.6 else "black",
            )
        for p, party in enumerate(s.parties):
            c = 2 + p
            value = float(option_values[p][i][k])
            cells[r, c] = to_rgba(colours[party.id], 0.08 + 0.62 * value)
            worst = int(rules.party_status(i, p)[k])
            if worst:
                axes.text(
                    c + 0.5,
                    r + 0.5,
                    "×" if worst == 2 else "(×)",
                    ha="center",
                    va="center",
                    fontsize=9 if worst == 2 else 7.5,
                    fontweight="bold",
                    color="black",
                    gid=f"red_line:{party.id}:{i}:{k}",
                )
    axes.imshow(
        cells,
        extent=(0, len(columns), len(rows), 0),
        interpolation="none",  # one pixel per cell, scaled (SVG and PDF embed it unsampled)
        aspect="auto",
        gid="option_cells",
    )
    for r, (_, k) in enumerate(rows):
        if k is None and r:
            axes.axhline(r, color="black", lw=0.8)
    axes.set_xlim(0, len(columns))
    axes.set_ylim(len(rows), 0)
    # the row and column labels as plain texts beside the axes: a hundred ticks cost more to lay
    # out than the rest of the figure
    axes.set_xticks([])
    axes.set_yticks([])
    above = offset_copy(axes.get_xaxis_transform(), fig, y=3.5, units="points")
    for c, name in enumerate(columns):
        owner = s.parties[c - 2] if c >= 2 else None
        axes.text(
            c + 0.5,
            1.0,
            name,
            transform=above,
            ha="center",
            va="bottom",
            fontsize=8,
            color=colours[owner.id] if owner else "black",
            fontweight="bold" if owner else "normal",
        )
    beside = offset_copy(axes.get_yaxis_transform(), fig, x=-3.5, units="points")
    for r, ((_, k), text) in enumerate(zip(rows, ticks, strict=True)):
        axes.text(
            0.0,
            r + 0.5,
            text,
            transform=beside,
            ha="right",
            va="center",
            fontsize=7.5,
            fontweight="bold" if k is None else "normal",
        )
    for side in axes.spines.values():
        side.set_visible(False)
    if zopa.total:
        headline = f"a ZOPA of {zopa.total:,} packages"
    elif feasible.total:
        headline = f"no ZOPA; {feasible.total:,} feasible packages"
    else:
        headline = "no ZOPA and no feasible package"

    title = f"Issue space, option by option: {headline}"
    if ax is None:  # over the whole figure: the option labels make the axes start far right
        fig.suptitle(title, fontsize=11, x=0.01, y=1 - 0.08 / height, ha="left", va="top")
    else:
        axes.set_title(title, fontsize=11, loc="left")
    if ax is None:
        fig.supxlabel(note, fontsize=7.5, x=0.01, y=0.01, ha="left", va="bottom")
    return fig


def plot_frontier_packages(
    result: SolveResult, *, option_rules: OptionRules, ax: Axes | None = None
) -> Figure:
    """The Pareto frontier's packages as parallel coordinates, one horizontal axis per issue.

    Parameters
    ----------
    result
        The solved scenario; nothing is solved here. The frontier drawn is ``result.frontier``; when
        it is empty, the package closest to agreement is drawn alone, with its options that are
        part of a red line it crosses marked.
    option_rules
        How each option stands with each red line, from
        :func:`~simulator.solver.stream.option_red_lines` (marks the options of the closest
        package that cross a red line).
    ax
        Axes to draw into; by default a new figure sized to the number of issues.

    Returns
    -------
    matplotlib.figure.Figure
    """
    s = result.scenario
    f = result.frontier
    n = len(s.issues)
    width = 9.5
    fig, axes = own_axes(ax, width, 1.4 + 0.62 * n)
    y = np.arange(n, dtype=np.float64)  # issue i at height i, first issue on top (axis inverted)
    sizes = np.array([len(issue.options) for issue in s.issues])

    if f.size:
        segments, counts = [], []
        for i in range(n - 1):
            pairs, times = np.unique(f.outcomes[:, i : i + 2], axis=0, return_counts=True)
            for (a, b), c in zip(pairs, times, strict=True):
                segments.append([(_xpos(sizes, i, a), y[i]), (_xpos(sizes, i + 1, b), y[i + 1])])
                counts.append(c)
        widths = 0.6 + 4.5 * np.array(counts) / max(counts, default=1)
        axes.add_collection(
            LineCollection(segments, linewidths=widths, colors="#8c8c8c", alpha=0.55, zorder=1)
        )
    used = [np.bincount(f.outcomes[:, i], minlength=k) for i, k in enumerate(sizes)]
    for i, issue in enumerate(s.issues):
        axes.axhline(y[i], color="black", lw=0.5, zorder=0)
        k_i = len(issue.options)
        chars = max(6, int(width / k_i * 72 / (6.5 * 0.62)) - 1)  # what fits in a slot
        for k, option in enumerate(issue.options):
            on = used[i][k] > 0
            axes.scatter(
                [_xpos(sizes, i, k)],
                [y[i]],
                s=28 if on else 14,
                zorder=3,
                facecolor="black" if on else "white",
                edgecolor="black",
                lw=0.7,
            )
            axes.text(
                _xpos(sizes, i, k),
                y[i] - 0.14,
                wrap(option_label(option), chars),
                ha="center",
                va="bottom",
                fontsize=6.5,
                zorder=4,
                linespacing=0.95,
                bbox={"boxstyle": "square,pad=0.05", "fc": "white", "ec": "none", "alpha": 0.75},
            )
    handles = _draw_solution_paths(axes, result, sizes, y)
    if result.closest is not None and result.closest.crossed:
        _mark_crossed(axes, result, option_rules, sizes, y)
    axes.set_xlim(0, 1)
    axes.set_ylim(n - 0.5, -0.75)
    axes.set_yticks(y, [wrap(issue.label or issue.id, 22) for issue in s.issues], fontsize=8)
    axes.set_xticks([])
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    scope = scope_words(f.scope)
    if f.size:
        title = f"Packages on the Pareto frontier of the {scope}: {f.size:,}"
        caption = (
            "One horizontal axis per issue, its options left to right; filled dots: options some "
            "frontier package takes. The width of a grey band grows with the number of frontier "
            "packages that take both options it joins."
        )
    else:
        title = f"The Pareto frontier of the {scope} is empty"
        caption = "One horizontal axis per issue, its options left to right."
        if result.closest is not None:
            title += ": the package closest to agreement"
    if result.closest is not None and result.closest.crossed:
        caption += " × PARTY: the option is part of a red line of PARTY that the package crosses."
    axes.set_title(title, fontsize=11, loc="left")
    if handles:
        axes.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(0, -0.01),
            ncols=3,
            fontsize=7.5,
            frameon=False,
        )
    if ax is None:
        fig.supxlabel(
            wrap(caption, int(width * 15)),
            fontsize=7.5,
            x=0.01,
            ha="left",
        )
    return fig


def _xpos(sizes: IntArray, issue: int, option: int) -> float:
    """Horizontal position of an option on its issue's axis: the middle of its slot."""
    return (int(option) + 0.5) / int(sizes[issue])


def _mark_crossed(
    axes: Axes, result: SolveResult, rules: OptionRules, sizes: IntArray, y: FloatArray
) -> None:
    """Beside each option of the closest package that is part of a red line the package crosses,
    ``× PARTY`` for each such party."""
    assert result.closest is not None
    crossed = set(result.closest.crossed)
    parties = result.scenario.parties
    for i, k in enumerate(result.closest.point.outcome):
        owners = [
            parties[ref.owner].display
            for r, ref in enumerate(rules.rules)
            if ref.is_red_line and ref.label in crossed and rules.status[i][k, r]
        ]
        if owners:
            x = _xpos(sizes, i, k)
            right = x < 0.75  # the mark goes on the side with room
            axes.annotate(
                "× " + ", ".join(dict.fromkeys(owners)),
                (x, y[i]),
                xytext=(6 if right else -6, -3),
                textcoords="offset points",
                ha="left" if right else "right",
                va="bottom",
                fontsize=7,
                fontweight="bold",
                color=RED_LINE,
                zorder=8,
                gid=f"crossed:{i}",
            )


def _draw_solution_paths(
    axes: Axes, result: SolveResult, sizes: IntArray, y: FloatArray
) -> list[Line2D]:
    """The solutions' packages (or the closest package) as black paths, nudged apart."""
    paths: list[tuple[str, str, tuple[int, ...], str]] = []
    styles = ["-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1))]
    for name, pt in result.solutions.items():
        if pt is not None:
            paths.append((name, SOLUTION_MARKERS.get(name, ("o", name, 0))[1], pt.outcome, "black"))
    if result.closest is not None:
        paths.append(("closest", "closest to agreement", result.closest.point.outcome, RED_LINE))
    handles = []
    n = len(y)
    for j, (name, title, outcome, colour) in enumerate(paths):
        nudge = (j - (len(paths) - 1) / 2) * 0.008
        xs = np.array([_xpos(sizes, i, outcome[i]) for i in range(n)]) + nudge
        marker = SOLUTION_MARKERS.get(name, ("o", name, 0))[0]
        style = styles[j % len(styles)]
        axes.plot(xs, y, color=colour, lw=1.3, ls=style, zorder=5, gid=f"path:{name}")
        axes.scatter(
            xs, y, marker=marker, s=30, facecolor="white", edgecolor=colour, lw=0.9, zorder=6
        )
        handles.append(
            Line2D([], [], color=colour, ls=style, lw=1.3, marker=marker, mfc="white", label=title)
        )
    return handles
