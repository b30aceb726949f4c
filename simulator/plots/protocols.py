"""Negotiation protocols, drawn: each party's utility over the run, and the offers in utility space.

Each function takes a :class:`~simulator.analysis.protocols.ProtocolResult` and computes nothing:
the frontier and the Nash point are the ones the run recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from simulator.errors import ScenarioError
from simulator.plots.style import new_figure, own_axes, party_colours, wrap

if TYPE_CHECKING:  # the figures only read the results
    from simulator.analysis.protocols import ProtocolResult

__all__ = ["plot_protocol", "plot_protocol_trajectory", "plot_protocol_utilities"]


def plot_protocol_utilities(result: ProtocolResult, *, ax: Axes | None = None) -> Figure:
    """Each party's utility over the run, with reservation lines and the agreement marked.

    Alternating offers: per party, what its own offers give it, round by round (its concession
    curve; dashed: its target). Single text: every party's utility for each text.

    Parameters
    ----------
    result
        From :func:`~simulator.analysis.protocols.alternating_offers` or
        :func:`~simulator.analysis.protocols.single_text`.
    ax
        Axes to draw into; by default a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import simulator
    >>> from simulator.analysis.protocols import alternating_offers
    >>> r = alternating_offers(simulator.load_scenario("scenarios/textbook_car.yaml"), rounds=10)
    >>> len(plot_protocol_utilities(r).axes[0].lines)  # two curves and a reservation per party
    7
    """
    s = result.scenario
    colours = party_colours(s)
    fig, axes = own_axes(ax, 8.0, 4.8)
    u = result.utilities_over_rounds()
    end = float(result.history[-1].round) if result.history else 0.0
    for p, party in enumerate(s.parties):
        c = colours[party.id]
        if result.protocol == "alternating":
            mine = [k for k, t in enumerate(result.history) if t.party == party.id]
            offers = [k for k in mine if result.history[k].action == "offer"]
            rounds = np.array([result.history[k].round for k in offers], dtype=np.float64)
            axes.plot(rounds, u[offers, p], color=c, lw=1.4, marker=".", ms=4,
                      label=party.display)  # fmt: skip
            targets = [np.nan if (g := result.history[k].target) is None else g for k in mine]
            axes.plot([result.history[k].round for k in mine], targets, color=c, lw=0.8,
                      ls="--", alpha=0.7)  # fmt: skip
        else:
            rounds = np.array([t.round for t in result.history], dtype=np.float64)
            axes.plot(rounds, u[:, p], color=c, lw=1.4, marker=".", ms=5, label=party.display)
        axes.axhline(party.reservation, color=c, lw=0.8, ls=":")
    if result.protocol == "alternating":
        axes.set_xlabel("round")
        axes.set_ylabel("utility of the party's own offers (dashed: target; dotted: reservation)")
    else:
        axes.set_xlabel("text (0 = starting text)")
        axes.set_ylabel("utility of the text (dotted: reservation)")
    if result.agreed and result.agreement is not None:
        axes.axvline(end, color="black", lw=1.0, ls="--")
        for p, party in enumerate(s.parties):
            axes.scatter(
                [end], [result.agreement.utilities[p]], marker="D", s=40, facecolor="none",
                edgecolor=colours[party.id], lw=1.5, zorder=5,
            )  # fmt: skip
        axes.annotate(
            f"agreement (round {result.agreement_round})",
            (end, float(max(result.agreement.utilities))),
            xytext=(-6, 8),
            textcoords="offset points",
            ha="right",
            fontsize=8,
        )
    axes.set_title(wrap(wrap_title(result), 70), fontsize=10)
    axes.legend(fontsize=8, loc="best")
    return fig


def wrap_title(result: ProtocolResult) -> str:
    verdict = "agreement" if result.agreed else "no agreement"
    return f"{result.protocol}: {result.scenario.title or result.scenario.name} ({verdict})"


def _pair(result: ProtocolResult, pair: tuple[int | str, int | str] | None) -> tuple[int, int]:
    s = result.scenario
    ids = s.party_ids
    if len(ids) < 2:
        raise ScenarioError("a utility-space figure needs at least two parties")
    if pair is None:
        if "russia" in ids and "ukraine" in ids:
            return ids.index("russia"), ids.index("ukraine")
        return 0, 1
    out = []
    for p in pair:
        if isinstance(p, str):
            out.append(ids.index(s.party(p).id))
        elif 0 <= p < len(ids):
            out.append(p)
        else:
            raise ScenarioError(f"party index {p} out of range 0..{len(ids) - 1}")
    if out[0] == out[1]:
        raise ScenarioError("pair needs two different parties")
    return out[0], out[1]


def plot_protocol_trajectory(
    result: ProtocolResult,
    *,
    pair: tuple[int | str, int | str] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """The offers (or texts) of the run in two parties' utility space, against the ZOPA frontier
    and the Nash point the run recorded, with the reservation lines and the agreement.

    Parameters
    ----------
    result
        A protocol run.
    pair
        The two parties (ids or indices); default russia/ukraine when present, else the first two.
    ax
        Axes to draw into; by default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    s = result.scenario
    p, q = _pair(result, pair)
    colours = party_colours(s)
    fig, axes = own_axes(ax, 6.4, 6.0)
    if result.frontier is not None and result.frontier.size:
        f = result.frontier.utilities
        axes.scatter(f[:, p], f[:, q], s=10, color="#9a9a9a", label="ZOPA frontier", zorder=2)
    if result.nash is not None:
        axes.scatter(
            [result.nash.utilities[p]], [result.nash.utilities[q]], marker="*", s=160,
            color="black", label="Nash", zorder=5,
        )  # fmt: skip
    u = result.utilities_over_rounds()
    if result.protocol == "alternating":
        for party in s.parties:
            rows = [
                i
                for i, t in enumerate(result.history)
                if t.action == "offer" and t.party == party.id
            ]
            if rows:
                axes.plot(
                    u[rows, p], u[rows, q], marker="o", ms=3, lw=0.8, color=colours[party.id],
                    label=f"offers of {party.display}", zorder=3,
                )  # fmt: skip
    else:
        axes.plot(
            u[:, p], u[:, q], marker="o", ms=4, lw=1.0, color="#444444", label="texts", zorder=3
        )
        for i, t in enumerate(result.history):
            axes.annotate(
                str(t.round), (u[i, p], u[i, q]), xytext=(4, 3), textcoords="offset points",
                fontsize=7,
            )  # fmt: skip
    axes.axvline(s.parties[p].reservation, color=colours[s.parties[p].id], lw=0.8, ls=":")
    axes.axhline(s.parties[q].reservation, color=colours[s.parties[q].id], lw=0.8, ls=":")
    if result.agreement is not None:
        a = result.agreement.utilities
        axes.scatter([a[p]], [a[q]], marker="D", s=70, facecolor="none", edgecolor="black",
                     lw=1.5, label="agreement", zorder=6)  # fmt: skip
    axes.set_xlabel(f"utility of {s.parties[p].display}")
    axes.set_ylabel(f"utility of {s.parties[q].display}")
    axes.legend(fontsize=8, loc="best")
    return fig


def plot_protocol(
    result: ProtocolResult, *, pair: tuple[int | str, int | str] | None = None
) -> Figure:
    """Both panels side by side: utilities over the run and the trajectory in utility space.

    Examples
    --------
    >>> import simulator
    >>> from simulator.analysis.protocols import single_text
    >>> car = simulator.load_scenario("scenarios/textbook_car.yaml")
    >>> len(plot_protocol(single_text(car, start="sticker")).axes)
    2
    """
    fig = new_figure(13.0, 5.2)
    left, right = fig.subplots(1, 2, width_ratios=[1.5, 1.0])
    plot_protocol_utilities(result, ax=left)
    plot_protocol_trajectory(result, pair=pair, ax=right)
    return fig
