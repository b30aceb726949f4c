"""Blocks as Markdown (GitHub-flavoured): what ``bargain`` prints and ``report.md`` holds.

Blocks are separated by one blank line; an empty paragraph or list renders as no line but keeps
its separator, which is how some command outputs have always looked.
"""

from __future__ import annotations

from collections.abc import Sequence

from simulator.report.blocks import Block, BulletList, Heading, Paragraph, Table

__all__ = ["blocks_markdown", "markdown_lines", "markdown_table"]


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub-flavoured Markdown table; floats get three decimals.

    >>> print(markdown_table(["a", "b"], [[1, 0.5]]))
    | a | b |
    |---|---|
    | 1 | 0.500 |
    """

    def cell(x: object) -> str:
        if isinstance(x, float):
            return f"{x:.3f}"
        return str(x).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(x) for x in row) + " |" for row in rows]
    return "\n".join(lines)


def _bullets(block: BulletList) -> list[str]:
    lines = [block.lead] if block.lead else []
    for k, item in enumerate(block.items):
        lines.append("- " + item)
        lines += ["  - " + child for child in block.nested(k)]
    return lines


def markdown_lines(blocks: Sequence[Block]) -> list[str]:
    """The Markdown of ``blocks`` as lines (no trailing newline)."""
    lines: list[str] = []
    number = 0
    for k, b in enumerate(blocks):
        if k:
            lines.append("")
        if isinstance(b, Heading):
            lines.append("#" * b.level + " " + b.text)
        elif isinstance(b, Paragraph):
            lines += b.text.split("\n") if b.text else []
        elif isinstance(b, BulletList):
            lines += _bullets(b)
        elif isinstance(b, Table):
            lines += markdown_table(b.header, b.rows).split("\n")
        else:
            number += 1
            lines += [f"![{b.caption}]({b.path})", "", f"*Figure {number}. {b.caption}*"]
    return lines


def blocks_markdown(blocks: Sequence[Block]) -> str:
    """Render blocks as Markdown, separated by blank lines, ending with a newline.

    >>> print(blocks_markdown([Heading(2, "Deal?"), BulletList(("yes",), lead="Verdict:")]), end="")
    ## Deal?
    <BLANKLINE>
    Verdict:
    - yes
    """
    return "\n".join(markdown_lines(blocks)) + "\n"
