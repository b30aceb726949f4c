"""The verdict's robustness margins in words: the headline sentence and the "how sure is this" box.

Worded from :class:`simulator.analysis.margins.Margins` (data only; imported for types)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.report.blocks import Block, BulletList, Heading, Paragraph, table

if TYPE_CHECKING:
    from simulator.analysis.margins import Margin, Margins

__all__ = ["margin_phrase", "margins_blocks", "margins_headline"]

#: Numeric flips listed in the headline.
HEADLINE_FLIPS = 2


def _number(x: float) -> str:
    return f"{x:.3f}".rstrip("0").rstrip(".") if abs(x) >= 0.001 else f"{x:.2g}"


def margin_phrase(m: Margin) -> str:
    """``Russia's reservation falls by 0.015 (to 0.535), within its stated range``."""
    opens = m.verdict_after == "zopa"
    if m.kind == "red_line":
        held = "" if m.probability is None else f"; it holds with probability {m.probability:.2f}"
        return f"{m.label} is dropped{held}"
    assert isinstance(m.flips_at, float) and isinstance(m.value, float)
    move = "falls" if m.flips_at < m.value else "rises"
    if m.kind == "reservation" and not opens:
        move = "rises above" if m.flips_at > m.value else "falls below"
        text = f"{m.label} {move} {_number(m.boundary or m.flips_at)}"
    else:
        text = f"{m.label} {move} by {_number(m.distance)} (to {_number(m.flips_at)})"
    if m.within_range is True:
        text += ", within its stated range"
    elif m.within_range is False and m.range is not None:
        text += f", outside its stated range {_number(m.range[0])}–{_number(m.range[1])}"
    return text


def margins_headline(m: Margins) -> str:
    """The nearest flips in one sentence: "No ZOPA; one opens if ..."."""
    flips = m.nearest()
    if m.verdict == "zopa":
        start = "A ZOPA exists"
        if not flips:
            untried = f" ({len(w)} weights not tried)" if (w := m.weights_not_tried) else ""
            return f"{start}; no single change of a reservation or a weight closes it{untried}."
        then = "it closes if"
    else:
        start = "No ZOPA"
        if not flips:
            why = "" if m.feasible else " (the red lines alone leave no package)"
            return (
                f"{start}; no single change of a reservation, a weight or a red line opens "
                f"one{why}."
            )
        then = "one opens if"
    lines = [f for f in flips if f.kind == "red_line"]
    numbers = [f for f in flips if f.kind != "red_line"][:HEADLINE_FLIPS]
    parts = [margin_phrase(f) for f in numbers]
    if lines:
        parts.append(
            margin_phrase(lines[0])
            if len(lines) == 1
            else f"any one of {len(lines)} red lines is dropped (below)"
        )
    return f"{start}; {then} " + ", or if ".join(parts) + "."


def _cell(x: float | str | None) -> str:
    if x is None:
        return "no change flips it"
    return x if isinstance(x, str) else _number(x)


def margins_blocks(m: Margins) -> list[Block]:
    """The "how sure is this" box: the headline, every flipping margin, the red-line
    probabilities, and what the verdict depends on. Not a registered renderer: no command emits
    margins alone; the solve and stress renderers place this box under their verdict."""
    out: list[Block] = [Heading(3, "How sure is this"), Paragraph(margins_headline(m))]
    rows: list[list[object]] = []
    for f in m.nearest():
        rng = "" if f.range is None else f"{_number(f.range[0])}–{_number(f.range[1])}"
        inside = {True: "yes", False: "no", None: ""}[f.within_range]
        rows.append(
            [
                f.label,
                _cell(f.value),
                rng,
                _cell(f.flips_at) + ("" if f.exact else " (±1e-9)"),
                inside,
                "a ZOPA" if f.verdict_after == "zopa" else "no ZOPA",
            ]
        )
    if rows:
        out.append(
            table(["what changes", "now", "stated range", "flips at", "within range", "then"], rows)
        )
    if m.verdict == "no_zopa" and m.feasible:
        steady = [
            f.label
            for f in m.items
            if f.flips_at is None and f.kind != "red_line" and f.question == "verdict"
        ]
        if steady and len(steady) < len(m.items):
            out.append(
                Paragraph(
                    "No value of these alone opens a ZOPA: "
                    + ", ".join(steady[:6])
                    + (f" and {len(steady) - 6} more." if len(steady) > 6 else ".")
                )
            )
    moves = [
        f"{f.label}: then {'; '.join(f'{i}: *{o}*' for i, o in f.package_words)}"
        for f in m.items
        if f.question == "package" and f.kind == "red_line"
    ]
    if moves:
        out.append(
            BulletList(
                tuple(moves), lead="The package changes if any one of these red lines is dropped:"
            )
        )
    out += _package_move_blocks(m)
    if m.red_lines:
        out.append(
            BulletList(
                lead="Red lines that may not hold, least certain first:",
                items=tuple(
                    f"{label}: holds with probability {p:.2f}"
                    for label, p in sorted(m.red_lines, key=lambda x: x[1])[:10]
                ),
            )
        )
        if len(m.red_lines) > 10:
            out.append(Paragraph(f"({len(m.red_lines) - 10} more red lines below certainty.)"))
    weights = any(f.kind == "weight" for f in m.items) or bool(m.weights_not_tried)
    how = "weights by bisection to 1e-9" if weights else "weights not tried: --margins all"
    if m.weights_not_tried:
        out.append(_untried(m.weights_not_tried, "weight(s) were moved for the verdict"))
    out.append(
        Paragraph(
            f"Each margin moves one parameter alone and re-solves exactly ({how})"
            + (f"; computed in {m.seconds:.2f} s." if m.seconds else ".")
        )
    )
    return out


def _package_move_blocks(m: Margins) -> list[Block]:
    """The nearest reservation and weight moves that change the package, and what the budget
    left untried."""
    moved = sorted(
        (f for f in m.items if f.question == "package" and f.kind != "red_line" and f.flips_at),
        key=lambda f: f.distance,
    )
    out: list[Block] = []
    if moved:
        rows = [
            [
                f.label,
                _cell(f.value),
                _cell(f.flips_at),
                "yes" if f.exact else "no",
                "-" if f.within_range is None else ("yes" if f.within_range else "no"),
                "; ".join(f"{i}: *{o}*" for i, o in f.package_words) or "-",
            ]
            for f in moved[:8]
        ]
        out += [
            Paragraph(
                "The package changes when one reservation or weight moves this far (to 1e-6; "
                "a reservation's is the nearest change, a weight's is found on a grid, so a "
                "change between grid points can be missed: 'exact' says which):"
            ),
            table(
                ["what changes", "now", "changes at", "exact", "within its stated range", "then"],
                rows,
            ),
        ]
    if m.package_not_tried:
        out.append(_untried(m.package_not_tried, "parameter(s) were moved for the package"))
    return out


def _untried(names: tuple[str, ...], what: str) -> Paragraph:
    """What the time budget left, named (never shown as "no change")."""
    more = " and more." if len(names) > 6 else "."
    return Paragraph(
        f"The time budget ended before {len(names)} {what}, so nothing is known of them: "
        + ", ".join(names[:6])
        + more
    )
