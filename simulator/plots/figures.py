"""Every figure of a result at once, for the command line and the report.

The figures need a few summaries of the space besides the :class:`~simulator.results.SolveResult`
(a utility cloud, option counts, proposal evaluations): a
:class:`~simulator.figure_registry.FigureData`, computed by
:func:`simulator.analysis.figure_data.figure_data`. :func:`figures` draws each kind of the figure
registry from it; nothing is computed here.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib
from matplotlib.figure import Figure

from simulator.figure_registry import (
    FIGURE_KINDS,
    FIGURE_TITLES,
    FIGURES,
    FigureData,
    available_kinds,
    chosen_kinds,
)
from simulator.results import SolveResult

__all__ = [
    "FIGURE_KINDS",
    "FIGURE_TITLES",
    "available_kinds",
    "figure_bytes",
    "figures",
]


def figures(
    result: SolveResult, data: FigureData, *, kinds: Sequence[str] | None = None
) -> dict[str, Figure]:
    """Draw the figures ``kinds`` (default: all that apply), keyed by kind, in report order.

    ``data`` comes from :func:`simulator.analysis.figure_data.figure_data` and holds at least
    what the kinds need (see :data:`~simulator.figure_registry.FIGURES`).
    """
    return {
        kind: FIGURES[kind].draw_function()(result, **data.arguments(kind))
        for kind in chosen_kinds(result, kinds)
    }


#: Metadata that would make two renderings of the same figure differ (dates), per format.
_NO_DATES: dict[str, dict[str, None]] = {
    "svg": {"Date": None},
    "pdf": {"CreationDate": None, "ModDate": None},
}


def figure_bytes(fig: Figure, fmt: str = "png", *, dpi: int = 150) -> bytes:
    """The figure as the bytes of a PNG, SVG or PDF file, without dates (same figure, same file)."""
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "bargain"}):  # fixed SVG ids
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=_NO_DATES.get(fmt))
    return buf.getvalue()
