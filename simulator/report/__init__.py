"""Every word the simulator writes: results in, blocks out, rendered as Markdown, HTML or text.

Results are data (:mod:`simulator.results`, :mod:`simulator.analysis`); this package turns them into
blocks (:mod:`~simulator.report.blocks`) and renders the blocks as Markdown
(:mod:`~simulator.report.markdown`), one self-contained HTML page (:mod:`~simulator.report.html`,
Jinja2 templates) or plain terminal text (:mod:`~simulator.report.text`). Nothing here computes.
"""

from __future__ import annotations

# the renderers of the other result types: importing them registers them
from simulator.report import (  # noqa: F401
    coalitions,
    compare,
    games,
    gaps,
    margins,
    p_zopa,
    protocols,
    ratification,
    ripeness,
    sensitivity,
    stress,
)
from simulator.report.blocks import (
    Block,
    BulletList,
    FigureRef,
    Heading,
    Paragraph,
    Table,
    format_cell,
    parse_inline,
    plain_text,
)
from simulator.report.full import (
    FIGURE_KINDS,
    FIGURE_TITLES,
    figure_caption,
    report_blocks,
    report_markdown,
)
from simulator.report.html import inline_html, report_html
from simulator.report.markdown import blocks_markdown, markdown_table
from simulator.report.proposals import proposals_markdown
from simulator.report.registry import (
    RENDERERS,
    blocks_of,
    register,
    render,
    renderer_of,
    to_html,
    to_markdown,
    to_text,
)
from simulator.report.solve import SOLUTION_TITLES, solve_blocks, solve_markdown, verdict
from simulator.report.summary import analyst_summary, summary_blocks
from simulator.report.text import blocks_text

__all__ = [
    "FIGURE_KINDS",
    "FIGURE_TITLES",
    "RENDERERS",
    "SOLUTION_TITLES",
    "Block",
    "BulletList",
    "FigureRef",
    "Heading",
    "Paragraph",
    "Table",
    "analyst_summary",
    "blocks_markdown",
    "blocks_of",
    "blocks_text",
    "figure_caption",
    "format_cell",
    "inline_html",
    "markdown_table",
    "parse_inline",
    "plain_text",
    "proposals_markdown",
    "register",
    "render",
    "renderer_of",
    "report_blocks",
    "report_html",
    "report_markdown",
    "solve_blocks",
    "solve_markdown",
    "summary_blocks",
    "to_html",
    "to_markdown",
    "to_text",
    "verdict",
]
