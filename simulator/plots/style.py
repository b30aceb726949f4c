"""The shared look of every figure: party colours, solution markers, figures and label placement.

Every party keeps one colour in every figure, from the Okabe–Ito palette (Okabe & Ito 2008, "Color
Universal Design"), which stays distinguishable for the common forms of colour blindness. Yellow is
kept for the ZOPA shading and vermillion for red lines, so the parties get blue, orange, bluish
green, reddish purple, sky blue and black, in the scenario's order (past six parties the colours
repeat).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from simulator.compiled import FloatArray
from simulator.evaluate import ProposalEvaluation
from simulator.model import Scenario
from simulator.solver.bargaining import SOLUTIONS

__all__ = [
    "OKABE_ITO",
    "RED_LINE",
    "SOLUTION_MARKERS",
    "ZOPA_SHADE",
    "new_figure",
    "party_colours",
    "place_labels",
    "proposal_tags",
    "scope_words",
    "wrap",
]

#: The Okabe–Ito palette.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
_PARTY_ORDER = ("blue", "orange", "bluish_green", "reddish_purple", "sky_blue", "black")
#: Colour that marks red lines.
RED_LINE = OKABE_ITO["vermillion"]
#: Colour of the region above every reservation value.
ZOPA_SHADE = OKABE_ITO["yellow"]
#: Colours of packages: feasible ones, and consistent ones that cross a red line.
FEASIBLE = "#3a3a3a"
INFEASIBLE = "#c4c4c4"
#: Marker, display name and scatter size of each bargaining solution, from the registry
#: (white-filled, nested sizes so that solutions that coincide stay visible).
SOLUTION_MARKERS = {name: (c.marker, c.label, c.marker_size) for name, c in SOLUTIONS.items()}


def party_colours(scenario: Scenario) -> dict[str, str]:
    """One colour per party id, the same in every figure (Okabe–Ito, in the scenario's order).

    >>> from simulator.formats import load_scenario
    >>> party_colours(load_scenario("scenarios/textbook_car.yaml"))
    {'buyer': '#0072B2', 'dealer': '#E69F00'}
    """
    names = [OKABE_ITO[_PARTY_ORDER[k % len(_PARTY_ORDER)]] for k in range(len(scenario.parties))]
    return {p.id: c for p, c in zip(scenario.parties, names, strict=True)}


def proposal_tags(evaluations: Sequence[ProposalEvaluation]) -> dict[str, str]:
    """Short tag (``P1``, ``P2``, ...) of each proposal id, used in every figure and table."""
    return {e.proposal.id: f"P{k + 1}" for k, e in enumerate(evaluations)}


def scope_words(scope: str) -> str:
    """The set a frontier scope names, in words (``"zopa"`` -> ``"ZOPA"``)."""
    return {"all": "whole space", "feasible": "feasible packages", "zopa": "ZOPA"}.get(scope, scope)


def new_figure(width: float, height: float) -> Figure:
    """A figure on an Agg canvas (no pyplot state): it can be measured, saved and shown anywhere."""
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def own_axes(ax: Axes | None, width: float, height: float) -> tuple[Figure, Axes]:
    """``ax``'s figure and ``ax``, or a new figure with one axes."""
    if ax is not None:
        fig = ax.get_figure()
        assert isinstance(fig, Figure)
        return fig, ax
    fig = new_figure(width, height)
    return fig, fig.add_subplot()


def wrap(text: str, width: int) -> str:
    """Break ``text`` into lines of at most ``width`` characters (long words are kept whole)."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=False)) or text


@dataclass
class Label:
    """A text label for the data point ``(x, y)``, placed by :func:`place_labels`."""

    x: float
    y: float
    text: str
    gid: str = ""


#: Offsets (points) tried around an anchor, nearest first.
_OFFSETS = [
    (dx * r, dy * r)
    for r in (1.0, 1.8, 2.8, 4.0)
    for dx, dy in ((7, 7), (7, -7), (-7, 7), (-7, -7), (9, 0), (-9, 0), (0, 9), (0, -9))
]


def place_labels(
    ax: Axes,
    labels: Sequence[Label],
    *,
    obstacles: FloatArray | None = None,
    fontsize: float = 7.5,
) -> list[Annotation]:
    """Annotate each label near its point, clear of the other labels, the points and the axes edge.

    Greedy: labels are placed in order, each at the first offset, in rings of growing radius,
    whose text box stays inside the axes and covers no label placed so far, no anchor point and
    none of the ``obstacles`` ``(m, 2)`` (data coordinates); if no offset is clear, at the one with
    the least overlap. It runs the figure's layout first, so call it once the axes limits are final
    (and see :func:`freeze_layout`).
    """
    fig = ax.get_figure()
    assert isinstance(fig, Figure)
    if not hasattr(fig.canvas, "get_renderer"):  # a bare Figure(): measure text with Agg
        FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    frame = ax.get_window_extent(renderer)
    anchors = [ax.transData.transform((lab.x, lab.y)) for lab in labels]
    taken: list[Bbox] = [Bbox.from_bounds(x - 4, y - 4, 8, 8) for x, y in anchors]
    points = np.zeros((0, 2))
    if obstacles is not None and len(obstacles):
        points = ax.transData.transform(np.asarray(obstacles, dtype=np.float64))
    placed = []
    for lab in labels:
        best: tuple[float, Annotation] | None = None
        for dx, dy in _OFFSETS:
            ann = ax.annotate(
                lab.text,
                (lab.x, lab.y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha="left" if dx > 0 else "right" if dx < 0 else "center",
                va="bottom" if dy > 0 else "top" if dy < 0 else "center",
                fontsize=fontsize,
                gid=lab.gid or None,
                arrowprops=None if abs(dx) + abs(dy) <= 14 else {"arrowstyle": "-", "lw": 0.5},
                bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7},
                zorder=10,
            )
            box = ann.get_window_extent(renderer)
            overlap = sum(_area(box, other) for other in taken)
            overlap += box.width * box.height - _area(box, frame)
            overlap += 30.0 * _inside(box, points)
            if best is None or overlap < best[0]:
                if best is not None:
                    best[1].remove()
                best = (overlap, ann)
            else:
                ann.remove()
            if overlap <= 0:
                break
        assert best is not None
        taken.append(best[1].get_window_extent(renderer))
        placed.append(best[1])
    return placed


def _inside(box: Bbox, points: FloatArray) -> int:
    """How many display points fall inside ``box``."""
    if not len(points):
        return 0
    x, y = points[:, 0], points[:, 1]
    return int(((x >= box.x0) & (x <= box.x1) & (y >= box.y0) & (y <= box.y1)).sum())


def freeze_layout(fig: Figure) -> None:
    """Run the layout once and keep the axes where it put them (labels were placed against it)."""
    fig.draw_without_rendering()
    fig.set_layout_engine("none")


def _area(a: Bbox, b: Bbox) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(w, 0.0) * max(h, 0.0)
