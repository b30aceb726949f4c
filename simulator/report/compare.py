"""Snapshots side by side in words: how the answer moved, then for each step what changed in the
inputs (with the sources) and what did not move (``bargain compare``).

Worded from :class:`simulator.analysis.compare.CompareResult` (data only; imported for types)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.report.blocks import Block, BulletList, Heading, Paragraph, table
from simulator.report.registry import register

if TYPE_CHECKING:
    from simulator.analysis.compare import CompareResult, SnapshotAnswer, SnapshotStep
    from simulator.analysis.snapshot_diff import Change

__all__ = ["compare_blocks"]

KIND_WORDS = {
    "issue": "issue",
    "party": "party",
    "reservation": "reservation",
    "weight": "weight",
    "red_line": "red line",
    "interaction": "interaction term",
    "ratification": "ratification term",
    "constraint": "constraint",
    "proposal": "proposal",
    "agreement": "decision rule",
    "snapshot": "snapshot",
}


def _package_words(a: SnapshotAnswer) -> str:
    if a.package is None:
        return "no package"
    if a.package_kind == "nash":
        return "Nash package"
    crossed = ", ".join(f"`{c}`" for c in a.crossed) or "no red line"
    return f"closest package (crosses {crossed})"


def _answers_table(result: CompareResult) -> list[Block]:
    parties = result.party_ids
    names = {p.id: p.display for a in result.answers for p in a.scenario.parties}
    header = ["snapshot", "consistent", "feasible", "ZOPA", "package"]
    header += [f"{names[p]}: utility (reservation)" for p in parties]
    ratified = any(a.ratified is not None for a in result.answers)
    if ratified:
        header.append("P(ratified if signed)")
    rows = []
    for a in result.answers:
        c = a.counts
        zopa = f"{c.zopa:,}" + ("" if a.counts_exact else " (at least)")
        row: list[object] = [a.label, f"{c.consistent:,}", f"{c.feasible:,}", zopa]
        row.append(_package_words(a))
        u = a.utilities() or {}
        d = {p.id: p.reservation for p in a.scenario.parties}
        for p in parties:
            row.append(f"{u[p]:.3f} ({d[p]:.3f})" if p in u else "–")
        if ratified:
            row.append("–" if a.ratified is None else f"{a.ratified:.3f}")
        rows.append(row)
    return [Heading(2, "How the answer moved"), table(header, rows)]


def _change_row(c: Change) -> list[object]:
    before = c.before if c.before is not None else "–"
    after = c.after if c.after is not None else "–"
    source = c.source_after or c.source_before or ""
    if c.change == "re-sourced":
        source = f"before: {c.source_before or '–'}; after: {c.source_after or '–'}"
        return [
            KIND_WORDS.get(c.kind, c.kind),
            c.party or "",
            f"`{c.item}`",
            c.change,
            after,
            source,
        ]
    what = KIND_WORDS.get(c.kind, c.kind)
    return [what, c.party or "", f"`{c.item}`", c.change, f"{before} → {after}", source]


def _what_stayed(a: SnapshotAnswer, b: SnapshotAnswer, step: SnapshotStep) -> list[str]:
    """Plain sentences on what moved and what did not."""
    out = []
    if a.verdict == b.verdict:
        out.append(f"The verdict did not move: {b.verdict.replace('zopa', 'ZOPA')} at both.")
    else:
        out.append(f"The verdict moved: {a.verdict} → {b.verdict}.")
    if a.counts.zopa == b.counts.zopa and a.counts.feasible == b.counts.feasible:
        out.append(
            f"The counts did not move ({b.counts.feasible:,} feasible, {b.counts.zopa:,} in the "
            "ZOPA)."
        )
    else:
        out.append(
            f"Feasible packages {a.counts.feasible:,} → {b.counts.feasible:,}; ZOPA "
            f"{a.counts.zopa:,} → {b.counts.zopa:,}."
        )
    if step.package_moves is not None and a.package_kind == b.package_kind:
        n = len({*(a.outcome() or {}), *(b.outcome() or {})})
        moved = [f"`{i}` ({x or '–'} → {y or '–'})" for i, x, y in step.package_moves]
        kind = "Nash" if b.package_kind == "nash" else "closest"
        if not moved:
            out.append(f"The {kind} package is the same on every one of the {n} issues.")
        else:
            out.append(
                f"The {kind} package is the same on {n - len(moved)} of {n} issues; it moved "
                f"on {', '.join(moved)}."
            )
        if a.crossed != b.crossed and b.package_kind == "closest":
            out.append(
                f"The red lines it crosses moved: {', '.join(a.crossed) or 'none'} → "
                f"{', '.join(b.crossed) or 'none'}."
            )
    if step.utility_moves:
        parts = [f"{p} {x:+.3f}" for p, x in step.utility_moves.items()]
        out.append("Utilities at the package: " + ", ".join(parts) + ".")
    if a.ratified is not None and b.ratified is not None:
        words = "did not move" if a.ratified == b.ratified else "moved"
        out.append(
            f"P(the package is ratified if signed) {words}: {a.ratified:.3f} → {b.ratified:.3f}."
        )
    return out


def _margin_lines(result: CompareResult) -> list[Block]:
    from simulator.report.margins import margin_phrase

    lines = []
    for a in result.answers:
        if a.margins is None:
            continue
        nearest = a.margins.nearest()[:2]
        if nearest:
            flips = "; or ".join(margin_phrase(m) for m in nearest)
            lines.append(f"**{a.label}**: the verdict flips if {flips}.")
        else:
            lines.append(
                f"**{a.label}**: no single reservation or red line flips the verdict on its own."
            )
    if not lines:
        return []
    return [Heading(2, "Nearest flips of each verdict"), BulletList(tuple(lines))]


@register("CompareResult", blank_line_after=True)
def compare_blocks(result: CompareResult) -> list[Block]:
    """How the answer moved across snapshots, then each step's changed inputs and what stayed."""
    labels = " → ".join(a.label for a in result.answers)
    out: list[Block] = [Heading(1, f"Snapshots compared: {labels}")]
    out += _answers_table(result)
    out += _margin_lines(result)
    for step in result.steps:
        a, b = result.answers[step.before], result.answers[step.after]
        out.append(Heading(2, f"{a.label} → {b.label}"))
        out.append(BulletList(tuple(_what_stayed(a, b, step))))
        if step.changes:
            header = ["what", "party", "item", "change", "before → after", "source"]
            moved = [c for c in step.changes if c.change != "re-sourced"]
            cited = [c for c in step.changes if c.change == "re-sourced"]
            out.append(Paragraph(f"What changed in the inputs ({len(moved)}):"))
            if moved:
                out.append(table(header, [_change_row(c) for c in moved]))
            if cited:
                out.append(Paragraph(f"Same value, new source text ({len(cited)}):"))
                out.append(table([*header[:4], "value", "source"], [_change_row(c) for c in cited]))
        else:
            out.append(Paragraph("No input of the model changed."))
    return out
