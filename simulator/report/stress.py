"""Stress tests in words: what edits change (:class:`StressResult`) and what it would take
(:class:`ScanResult`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.model import Scenario
from simulator.report.blocks import Block, BulletList, Heading, Paragraph, table
from simulator.report.registry import register
from simulator.results import Point

if TYPE_CHECKING:
    from simulator.analysis.stress import ScanResult, StressResult

__all__ = ["scan_blocks", "stress_blocks"]


def _signed(x: float) -> str:
    return f"{x:+.3f}"


def package_text(scenario: Scenario, point: Point) -> str:
    """A whole package as ``issue=option, ...`` (option ids)."""
    return ", ".join(
        f"{i.id}={i.options[k].id}" for i, k in zip(scenario.issues, point.outcome, strict=True)
    )


def _change_text(scenario: Scenario, before: Point | None, after: Point | None) -> str:
    """How a solution's package changes: the issues that change, or no deal on either side."""
    if before is None or after is None:
        return f"{'no deal' if before is None else package_text(scenario, before)} -> " + (
            "no deal" if after is None else package_text(scenario, after)
        )
    moves = [
        f"{i.id}: {i.options[a].id} -> {i.options[b].id}"
        for i, a, b in zip(scenario.issues, before.outcome, after.outcome, strict=True)
        if a != b
    ]
    return "; ".join(moves) if moves else "unchanged"


@register("StressResult")
def stress_blocks(result: StressResult) -> list[Block]:
    """The stress test: the edits, the ZOPA before and after, each solution's change and gains,
    and the red lines that stop or start binding."""
    s = result.baseline.scenario
    parties = s.party_ids
    z0, z1 = result.baseline.counts.zopa, result.edited.counts.zopa
    rows = []
    for name, before in result.baseline.solutions.items():
        after = result.edited.solutions.get(name)
        gain = result.gain(name)
        rows.append([name, _change_text(s, before, after), *(_signed(gain[p]) for p in parties)])
    out: list[Block] = [
        Heading(1, f"Stress test: {s.title or s.name}"),
        BulletList(tuple(f"`{e}`" for e in result.edits), lead="Edits:"),
        Paragraph(f"ZOPA: {z0:,} -> {z1:,} outcomes"),
        table(["solution", "package change", *(f"gain {p}" for p in parties)], rows),
        Paragraph(
            "A gain is the utility after less the utility before; no deal counts as the "
            "reservation."
        ),
    ]
    if result.binding_before is not None and result.binding_after is not None:
        released = [r for r in result.binding_before if r not in result.binding_after]
        started = [r for r in result.binding_after if r not in result.binding_before]
        items = (
            f"stop binding: {', '.join(released) or 'none'}",
            f"start binding: {', '.join(started) or 'none'}",
            f"binding after: {', '.join(result.binding_after) or 'none'}",
        )
        out.append(
            BulletList(items, lead="A red line binds when dropping it alone enlarges the ZOPA.")
        )
    if result.edited.margins is not None:
        from simulator.report.margins import margins_blocks

        out += margins_blocks(result.edited.margins)
    return out


@register("ScanResult")
def scan_blocks(result: ScanResult, *, top: int = 20) -> list[Block]:
    """What would it take: the ``top`` single concessions and the minimal concession sets."""
    s = result.scenario
    rows = []
    for k, c in enumerate(result.concessions[:top], 1):
        product = "-" if c.nash_product is None else f"{c.nash_product:.4g}"
        cost = "-" if c.cost_to_conceder is None else _signed(c.cost_to_conceder)
        rows.append([k, f"`{c.edit}`", f"{c.zopa_after:,}", product, cost])
    n = len(result.concessions)
    out: list[Block] = [
        Heading(1, f"What would it take: {s.title or s.name}"),
        Paragraph(f"Baseline ZOPA: {result.baseline.zopa:,} outcomes."),
        Heading(2, f"Single concessions (best {min(top, n)} of {n})"),
        table(["#", "concession", "ZOPA after", "Nash product", "cost to conceder"], rows),
        Heading(2, "Minimal concession sets"),
    ]
    search: dict[str, Any] = result.search
    if "note" in search:
        return [*out, Paragraph(str(search["note"]) + ".")]
    state = (
        "complete"
        if search["complete"]
        else "stopped at the time limit: not exhaustive"
        if search.get("budget_ended") == "time"
        else "stopped at the bound on work: not exhaustive"
    )
    sets = [" + ".join(f"`{e}`" for e in m) for m in result.minimal_sets]
    return [
        *out,
        Paragraph(
            f"Exact search up to {search['max_size']} edits over {search['candidates']} candidate "
            f"edits ({search['solves']} searches; {state})."
        ),
        BulletList(tuple(sets or [f"none up to {search['max_size']} edits"])),
    ]
