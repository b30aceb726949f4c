"""The block representation of every text the simulator writes: one structure, three renderers.

A document is a sequence of blocks: :class:`Heading`, :class:`Paragraph`, :class:`BulletList`,
:class:`Table` and :class:`FigureRef`. Renderers turn it into Markdown
(:mod:`simulator.report.markdown`), one HTML page (:mod:`simulator.report.html`, Jinja2 templates)
or plain terminal text (:mod:`simulator.report.text`). Results are data; the functions that build
blocks from them live beside this module, one per result type (:mod:`simulator.report.registry`).

Inline text
-----------
Text in a block may carry three inline marks, the subset of Markdown that reads well unrendered:
``**strong**``, ``*emphasis*`` and ```code```. :func:`parse_inline` turns such text into a tree of
:class:`Inline` nodes once, so that the HTML and terminal renderers work on data, never on marks.
Soft line breaks (``"\\n"``) inside a paragraph stay line breaks in Markdown and in the terminal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = [
    "Block",
    "BulletList",
    "FigureRef",
    "Heading",
    "Inline",
    "Paragraph",
    "Table",
    "format_cell",
    "parse_inline",
    "plain_text",
    "share",
    "table",
]


@dataclass(frozen=True)
class Heading:
    """A section heading (level 1 is the title)."""

    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """Text with inline marks only: ``**bold**``, ``*italic*`` and ```code```.

    An empty paragraph renders as nothing (it still separates its neighbours by a blank line in
    Markdown, which some command outputs have always shown).
    """

    text: str


@dataclass(frozen=True)
class BulletList:
    """A bulleted list; ``lead`` is a line shown right above it (no blank line between), and
    ``children`` holds, per item, a nested list (empty tuples for items without one).

    An empty list renders as nothing, like an empty :class:`Paragraph`.
    """

    items: tuple[str, ...]
    lead: str = ""
    children: tuple[tuple[str, ...], ...] = ()

    def nested(self, k: int) -> tuple[str, ...]:
        """The nested items under item ``k`` (none when ``children`` is shorter)."""
        return self.children[k] if k < len(self.children) else ()


@dataclass(frozen=True)
class Table:
    """A table: a header and rows of cells (floats are shown with three decimals)."""

    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]


@dataclass(frozen=True)
class FigureRef:
    """A figure: ``path`` of its image relative to the report, and a one-line caption."""

    kind: str
    path: str
    caption: str


Block = Heading | Paragraph | BulletList | Table | FigureRef


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> Table:
    """A :class:`Table` from any sequences (the block keeps tuples)."""
    return Table(tuple(header), tuple(tuple(r) for r in rows))


def format_cell(x: object) -> str:
    """How a table cell reads: floats with three decimals, everything else as text.

    >>> format_cell(0.5), format_cell(3), format_cell("a")
    ('0.500', '3', 'a')
    """
    return f"{x:.3f}" if isinstance(x, float) else str(x)


def share(n: int, total: int) -> str:
    """``n`` of ``total`` as a percentage with three significant digits (tiny shares in
    scientific notation).

    >>> share(11, 36), share(1, 10**9), share(0, 0)
    ('30.6%', '1.00e-07%', '0%')
    """
    if total == 0:
        return "0%"
    x = 100.0 * n / total
    return f"{x:.3g}%" if x >= 1e-3 or n == 0 else f"{x:.2e}%"


# --- inline marks ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Inline:
    """A node of inline text: ``kind`` is ``"text"`` or ``"code"`` (a leaf with ``text``), or
    ``"strong"`` or ``"em"`` (with ``children``)."""

    kind: str
    text: str = ""
    children: tuple[Inline, ...] = ()


_CODE = re.compile(r"(`[^`]*`)")
_STRONG = re.compile(r"\*\*(.+?)\*\*")
_EM = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")


def _text(text: str) -> list[Inline]:
    return [Inline("text", text)] if text else []


def _split(
    text: str, pattern: re.Pattern[str], kind: str, inner: Callable[[str], list[Inline]]
) -> list[Inline]:
    """``text`` cut at the matches of ``pattern``: a match becomes a ``kind`` node, and ``inner``
    reads the marked text and the text between matches."""
    out: list[Inline] = []
    at = 0
    for m in pattern.finditer(text):
        out += inner(text[at : m.start()])
        out.append(Inline(kind, children=tuple(inner(m.group(1)))))
        at = m.end()
    return out + inner(text[at:])


def _emphasis(text: str) -> list[Inline]:
    return _split(text, _EM, "em", _text)


def parse_inline(text: str) -> tuple[Inline, ...]:
    """The inline marks of ``text`` as a tree: code spans first, then strong, then emphasis
    (which may sit inside strong, never across it). Unmatched marks stay text.

    >>> [(n.kind, n.text or n.children[0].text) for n in parse_inline("**No** `a<b` *c*")]
    [('strong', 'No'), ('text', ' '), ('code', 'a<b'), ('text', ' '), ('em', 'c')]
    """
    out: list[Inline] = []
    for part in _CODE.split(text):
        if len(part) >= 2 and part.startswith("`") and part.endswith("`"):
            out.append(Inline("code", part[1:-1]))
        elif part:
            out += _split(part, _STRONG, "strong", _emphasis)
    return tuple(out)


def plain_text(text: str) -> str:
    """``text`` without its inline marks (for the terminal).

    >>> plain_text("**There is no ZOPA**: `buyer:needs_warranty` binds, *mostly*.")
    'There is no ZOPA: buyer:needs_warranty binds, mostly.'
    """

    def flat(nodes: Sequence[Inline]) -> str:
        return "".join(n.text if n.kind in ("text", "code") else flat(n.children) for n in nodes)

    return flat(parse_inline(text))
