"""The exact P(ZOPA) in words (:class:`ExactZopaResult`): the probability, then the sets of red
lines that block every deal, each as the sentence an analyst reads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.report.blocks import Block, BulletList, Heading, Paragraph
from simulator.report.registry import register

if TYPE_CHECKING:
    from simulator.analysis.p_zopa import ExactZopaResult

__all__ = ["exact_zopa_blocks"]


def _and(words: list[str]) -> str:
    if len(words) <= 2:
        return " and ".join(words)
    return ", ".join(words[:-1]) + f" and {words[-1]}"


def blocking_sentence(result: ExactZopaResult, blocking_set: tuple[int, ...]) -> str:
    """ "No deal when ... hold (p = 0.825·0.675 = 0.557)" for one blocking set."""
    if not blocking_set:
        return "No deal even when every uncertain red line is dropped (p = 1)."
    lines = [result.lines[j] for j in blocking_set]
    names = [f"`{line.label}`" for line in lines]
    verb = "holds" if len(lines) == 1 else ("both hold" if len(lines) == 2 else "all hold")
    factors = "·".join(f"{float(line.probability):.3g}" for line in lines)
    p = float(result.set_probability(blocking_set))
    shown = f"{factors} = {p:.3g}" if len(lines) > 1 else f"{p:.3g}"
    return f"No deal when {_and(names)} {verb} (p = {shown})."


@register("ExactZopaResult")
def exact_zopa_blocks(result: ExactZopaResult, *, top: int = 10) -> list[Block]:
    """P(ZOPA not empty), exact, and the ``top`` most likely minimal blocking sets."""
    s = result.scenario
    k = len(result.lines)
    out: list[Block] = [
        Heading(1, f"Exact P(ZOPA): {s.title or s.name}"),
        Paragraph(
            f"P(ZOPA not empty) = {float(result.p_zopa):.4f}, exact: each of the {k} uncertain "
            "red lines holds independently with its probability (the mean of its range when it "
            "states one), weights and reservation values as stated. Shannon expansion over the "
            f"red lines in exact rational arithmetic: {result.searches:,} existence searches, "
            f"{result.seconds:.1f} s."
        ),
    ]
    if result.certain:
        out.append(Paragraph("Always hold: " + ", ".join(f"`{c}`" for c in result.certain) + "."))
    n = len(result.blocking_sets)
    out.append(Heading(2, f"Minimal blocking sets ({n})"))
    if not n:
        return [*out, Paragraph("None: whichever uncertain red lines hold, a ZOPA remains.")]
    shown = result.blocking_sets[:top] if top else result.blocking_sets
    out.append(BulletList(tuple(blocking_sentence(result, b) for b in shown)))
    if len(shown) < n:
        out.append(Paragraph(f"{n - len(shown)} more, less likely, in the JSON (`--json`)."))
    return out
