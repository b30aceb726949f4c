"""Proposals: what each named proposal gives each party, against the party's reservation value.

One panel per party, one row per proposal. A dot is the party's utility from a proposal that fixes
every issue; a bar spans the worst to the best completion of a proposal that leaves issues open. The
dashed line is the party's reservation value (the value of no deal) and the shaded side of it is
worse than no deal. ``×`` marks a proposal that crosses one of the party's red lines, ``(×)`` one
that some of its completions cross.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.transforms import blended_transform_factory

from simulator.errors import ScenarioError
from simulator.evaluate import ProposalEvaluation
from simulator.plots.style import freeze_layout, new_figure, party_colours, proposal_tags, wrap
from simulator.results import SolveResult

__all__ = ["plot_proposals"]


def plot_proposals(result: SolveResult, *, proposals: Sequence[ProposalEvaluation]) -> Figure:
    """Each party's utility from each proposal against its reservation value, red lines marked.

    Parameters
    ----------
    result
        The solved scenario (for the parties and reservation values); nothing is solved here.
    proposals
        The evaluations of the proposals to show, from
        :func:`~simulator.evaluate.evaluate_proposals`.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ScenarioError
        When the scenario has no proposals.
    """
    s = result.scenario
    evs = list(proposals)
    if not evs:
        raise ScenarioError(f"scenario {s.name!r} has no proposals to plot")
    colours = party_colours(s)
    tags = proposal_tags(evs)
    n_p, rows = len(s.parties), len(evs)
    fig = new_figure(2.2 * n_p + 2.4, 1.5 + 0.42 * rows)
    axes = fig.subplots(1, n_p, sharey=True, squeeze=False)[0]
    y = np.arange(rows)
    d = result.disagreement
    for p, (party, ax) in enumerate(zip(s.parties, axes, strict=True)):
        colour = colours[party.id]
        lo = np.array([e.low[p] for e in evs if e.completions] + [d[p]])
        hi = np.array([e.high[p] for e in evs if e.completions] + [d[p]])
        pad = max(float(hi.max() - lo.min()), 0.05) * 0.12
        x0, x1 = float(lo.min()) - pad, float(hi.max()) + 2.2 * pad
        ax.set_xlim(x0, x1)
        ax.axvspan(x0, d[p], color="#eeeeee", lw=0, zorder=0)
        line = ax.axvline(d[p], color=colour, ls="--", lw=1.4, zorder=1)
        line.set_gid(f"reservation:{party.id}")
        edge = blended_transform_factory(ax.transAxes, ax.transData)
        for j, e in enumerate(evs):
            gid = f"proposal:{e.proposal.id}:{party.id}"
            if not e.completions:
                ax.text(
                    0.5,
                    j,
                    "no consistent package",
                    transform=edge,
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="#555555",
                )
            elif e.low[p] == e.high[p]:
                ax.scatter([e.low[p]], [j], s=42, color=colour, zorder=3, gid=gid)
            else:
                ax.plot(
                    [e.low[p], e.high[p]],
                    [j, j],
                    color=colour,
                    lw=6,
                    alpha=0.8,
                    solid_capstyle="butt",
                    zorder=3,
                    gid=gid,
                )
            crossed = any(owner == party.id for owner, _ in e.red_lines_crossed)
            at_risk = any(owner == party.id for owner, _ in e.red_lines_at_risk)
            if crossed or at_risk:
                ax.text(
                    0.985,
                    j,
                    "×" if crossed else "(×)",
                    transform=edge,
                    ha="right",
                    va="center",
                    fontsize=10 if crossed else 8,
                    fontweight="bold",
                    color="black",
                    gid=f"red_line:{e.proposal.id}:{party.id}",
                )
        ax.set_title(
            f"{party.display}\n(reservation {d[p]:.2f})",
            color=colour,
            fontsize=9,
            fontweight="bold",
        )
        ax.set_xlabel("utility", fontsize=8)
        ax.tick_params(labelsize=7.5)
        ax.grid(True, axis="x", lw=0.3, alpha=0.5)
    axes[0].set_ylim(rows - 0.5, -0.5)
    axes[0].set_yticks(
        y, [f"{tags[e.proposal.id]}  {wrap(e.proposal.display, 30)}" for e in evs], fontsize=8
    )
    fig.suptitle(
        "Proposals: each party's utility against its reservation value",
        fontsize=11,
        x=0.02,
        ha="left",
    )
    fig.supxlabel(
        wrap(
            "Dot: the proposal fixes every issue. Bar: from the worst to the best of the packages "
            "it allows on the issues it leaves open. Dashed line: the reservation value (no deal); "
            "grey: worse than no deal. × the proposal crosses one of the party's red lines; (×) "
            "some of its packages do.",
            int((2.2 * n_p + 2.4) * 15),
        ),
        fontsize=7.5,
        x=0.01,
        ha="left",
    )
    freeze_layout(fig)
    return fig
