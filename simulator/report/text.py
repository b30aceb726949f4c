"""Blocks as plain terminal text: the words without Markdown marks.

Headings are underlined with box-drawing rules, tables are aligned in columns, bullets are ``•``
(nested ``◦``), and inline marks (``**``, ``*``, backticks) are dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

from simulator.report.blocks import (
    Block,
    BulletList,
    Heading,
    Paragraph,
    Table,
    format_cell,
    plain_text,
)

__all__ = ["blocks_text"]


def _table(block: Table) -> list[str]:
    rows = [[plain_text(h) for h in block.header]]
    rows += [[plain_text(format_cell(x)).replace("\n", " ") for x in row] for row in block.rows]
    widths = [max(len(r[c]) for r in rows if c < len(r)) for c in range(len(block.header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(x.ljust(w) for x, w in zip(cells, widths, strict=False)).rstrip()

    return [line(rows[0]), "  ".join("─" * w for w in widths), *(line(r) for r in rows[1:])]


def _block(b: Block, number: int) -> list[str]:
    if isinstance(b, Heading):
        text = plain_text(b.text)
        return [text, ("═" if b.level == 1 else "─") * len(text)]
    if isinstance(b, Paragraph):
        return plain_text(b.text).split("\n") if b.text else []
    if isinstance(b, BulletList):
        lines = [plain_text(b.lead)] if b.lead else []
        for k, item in enumerate(b.items):
            lines.append("• " + plain_text(item))
            lines += ["  ◦ " + plain_text(child) for child in b.nested(k)]
        return lines
    if isinstance(b, Table):
        return _table(b)
    return [f"Figure {number}. {plain_text(b.caption)} ({b.path})"]


def blocks_text(blocks: Sequence[Block]) -> str:
    """Render blocks as plain text for a terminal, separated by blank lines.

    >>> print(blocks_text([Heading(2, "Deal?"), Paragraph("**Yes**, with `a`."),
    ...                    Table(("party", "u"), (("Buyer", 0.5),))]), end="")
    Deal?
    ─────
    <BLANKLINE>
    Yes, with a.
    <BLANKLINE>
    party  u
    ─────  ─────
    Buyer  0.500
    """
    parts: list[str] = []
    number = 0
    for b in blocks:
        if not isinstance(b, Heading | Paragraph | BulletList | Table):
            number += 1
        lines = _block(b, number)
        if lines:
            parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"
