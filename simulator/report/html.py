"""Blocks as one self-contained HTML page, from Jinja2 templates shipped with the package.

The templates (``templates/page.html.j2``, ``blocks.html.j2``, ``report.css``) hold all markup;
this module only prepares the data: inline marks parsed into a tree
(:func:`~simulator.report.blocks.parse_inline`), figure numbers and figures embedded as base64
data URLs, so the page can be mailed or archived alone.

Escaping is explicit, not Jinja2's autoescape: prose escapes ``&``, ``<`` and ``>`` (filter
``text``), attributes, code and the title also quotes (filter ``attr``), exactly as
:func:`html.escape` has always done here, so pages stay byte-identical.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING

from simulator.report.blocks import (
    Block,
    BulletList,
    FigureRef,
    Heading,
    Paragraph,
    Table,
    format_cell,
    parse_inline,
)

if TYPE_CHECKING:
    import jinja2

__all__ = ["blocks_html", "inline_html", "report_html"]

_NUMBER = re.compile(r"^[-+]?[\d,]*\.?\d+(e[-+]?\d+)?%?$")
_MEDIA = {".png": "image/png", ".svg": "image/svg+xml", ".pdf": "application/pdf"}


def _numeric(x: object) -> bool:
    return isinstance(x, int | float) or bool(_NUMBER.match(format_cell(x)))


@cache
def _environment() -> jinja2.Environment:
    import jinja2  # only pages need it: imported here, once

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("simulator.report", "templates"),
        autoescape=False,  # every value is escaped by an explicit filter (see the module doc)
        keep_trailing_newline=True,
        trim_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        text=lambda s: html.escape(s, quote=False),
        attr=html.escape,
        marks=parse_inline,
        cell=format_cell,
        numeric=_numeric,
    )
    env.tests.update(
        heading=lambda b: isinstance(b, Heading),
        paragraph=lambda b: isinstance(b, Paragraph),
        bullets=lambda b: isinstance(b, BulletList),
        table=lambda b: isinstance(b, Table),
    )
    return env


def inline_html(text: str) -> str:
    """Escape ``text`` and render its inline marks as HTML.

    >>> inline_html("**No ZOPA** for `a<b` and *c*")
    '<strong>No ZOPA</strong> for <code>a&lt;b</code> and <em>c</em>'
    """
    macros = _environment().get_template("blocks.html.j2").module
    return str(macros.inline(parse_inline(text)))  # type: ignore[attr-defined]


def blocks_html(blocks: Sequence[Block]) -> str:
    """Blocks without figures as an HTML fragment, for a page that frames them itself (the
    explorer).

    >>> blocks_html([Heading(2, "Deal?"), Paragraph("**Yes**")])
    '<h2>Deal?</h2>\\n<p><strong>Yes</strong></p>'
    """
    macros = _environment().get_template("blocks.html.j2").module
    shown = [b for b in blocks if not isinstance(b, FigureRef)]
    return "\n".join(str(macros.block(b, 0, "")) for b in shown)  # type: ignore[attr-defined]


def _data_url(fig: FigureRef, images: Mapping[str, bytes]) -> str:
    """The figure as a data URL, or "" when it cannot be embedded (no bytes, or a PDF)."""
    data = images.get(fig.path)
    media = _MEDIA.get(fig.path[fig.path.rfind(".") :].lower(), "image/png")
    if data is None or media == "application/pdf":
        return ""
    return f"data:{media};base64,{base64.b64encode(data).decode('ascii')}"


def report_html(blocks: Sequence[Block], images: Mapping[str, bytes], *, title: str = "") -> str:
    """Render blocks as one HTML page.

    Parameters
    ----------
    blocks
        From :func:`~simulator.report.report_blocks`, or any renderer's blocks.
    images
        The bytes of each figure, keyed by the figure's ``path``; PNG and SVG are embedded.
    title
        The page title (default: the first heading).

    Returns
    -------
    str
        A complete HTML document with no external resource.

    Examples
    --------
    >>> page = report_html([Heading(1, "Deal?"), Table(("a",), ((0.5,),))], {})
    >>> "<h1>Deal?</h1>" in page and '<td class="num">0.500</td>' in page
    True
    """
    if not title:
        title = next((b.text for b in blocks if isinstance(b, Heading)), "Report")
    items = []
    number = 0
    for b in blocks:
        url = ""
        if isinstance(b, FigureRef):
            number += 1
            url = _data_url(b, images)
        items.append((b, number, url))
    return _environment().get_template("page.html.j2").render(title=title, items=items)
