"""The timeline of snapshots: each party's utility at the package against its reservation, and the
zone's size, snapshot by snapshot (computes nothing: every number comes from the result)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.figure import Figure

from simulator.plots.style import new_figure, party_colours

if TYPE_CHECKING:
    from simulator.analysis.compare import CompareResult

__all__ = ["plot_compare_timeline"]


def plot_compare_timeline(result: CompareResult) -> Figure:
    """Top: each party's utility at the snapshot's package (Nash, or closest when there is no
    ZOPA; solid, filled markers for Nash, open for closest) and its reservation (dashed). Bottom:
    feasible and ZOPA counts on a symmetric log scale."""
    answers = result.answers
    x = list(range(len(answers)))
    fig = new_figure(max(6.0, 1.6 * len(answers) + 2.0), 6.0)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(2, 1))
    colours = party_colours(answers[0].scenario)
    names = {p.id: p.display for a in answers for p in a.scenario.parties}
    for pid in result.party_ids:
        colour = colours.get(pid, "#555555")
        u = [(a.utilities() or {}).get(pid) for a in answers]
        d = [{p.id: p.reservation for p in a.scenario.parties}.get(pid) for a in answers]
        top.plot(
            x, [float("nan") if v is None else v for v in u], color=colour, lw=1.5, label=names[pid]
        )
        top.plot(x, [float("nan") if v is None else v for v in d], color=colour, lw=1, ls="--")
        for k, a in enumerate(answers):
            if u[k] is not None:
                filled = a.package_kind == "nash"
                top.plot(
                    k, u[k], "o", color=colour, mfc=colour if filled else "white", ms=6, zorder=3
                )
    top.set_ylabel("utility at the package (—)\nreservation (- -)")
    top.legend(loc="best", fontsize="small", frameon=False)
    top.set_title("Marker filled: Nash package; open: closest package (no ZOPA)", fontsize="medium")
    feasible = [a.counts.feasible for a in answers]
    zopa = [a.counts.zopa for a in answers]
    bottom.plot(x, feasible, "s-", color="#3a3a3a", label="feasible packages")
    bottom.plot(x, zopa, "o-", color="#D55E00", label="ZOPA")
    bottom.set_yscale("symlog", linthresh=1)
    bottom.set_ylim(bottom=0, top=max(10.0, 3.0 * max(feasible)))
    bottom.set_ylabel("packages")
    bottom.legend(loc="best", fontsize="small", frameon=False)
    bottom.set_xticks(x, [a.label for a in answers])
    return fig
