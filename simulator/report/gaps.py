"""The words of pairwise gaps (:class:`~simulator.analysis.gaps.GapsResult`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.report.blocks import Block, BulletList, Heading, Paragraph, table
from simulator.report.registry import register
from simulator.report.words import issue_name, option_name, party_name, rule_phrase

if TYPE_CHECKING:
    from simulator.analysis.gaps import GapsResult, PairGap

__all__ = ["gaps_blocks", "pair_blocks"]

#: Separating issues listed per pair in the text (all of them are in the JSON).
MAX_ISSUES = 8


def _zopa_words(pair: PairGap) -> str:
    if not pair.zopa_exists:
        return "none (exact)"
    if pair.count_exact:
        return f"{pair.zopa_count:,} packages (exact)"
    est = pair.estimate
    guess = "" if est is None else f"; about {est.value:,.0f} (95% {est.low:,.0f}–{est.high:,.0f})"
    return f"at least {pair.zopa_count:,} packages (count stopped by its budget{guess})"


def _percent(x: float) -> str:
    return f"{100 * x:.1f}%"


def pair_blocks(result: GapsResult, pair: PairGap) -> list[Block]:
    """One pair: its own ZOPA and the table of the issues that separate it."""
    s = result.scenario
    a, b = (party_name(s, p) for p in pair.parties)
    out: list[Block] = [
        Heading(3, f"{a} and {b}"),
        Paragraph(f"Their own zone of possible agreement: {_zopa_words(pair)}."),
    ]
    if not pair.issues:
        out.append(Paragraph("No issue separates them: their favourites coincide everywhere."))
        return out
    rows = []
    for g in pair.issues[:MAX_ISSUES]:
        issue = s.issue(g.issue)
        rows.append(
            [
                issue_name(issue),
                "no" if g.conflict else "yes",
                option_name(issue, g.favourite[0]),
                option_name(issue, g.favourite[1]),
                _percent(g.cost[0]),
                _percent(g.cost[1]),
            ]
        )
    out.append(
        table(
            [
                "issue",
                "red lines meet",
                f"{a} wants",
                f"{b} wants",
                f"{a} gives up at {b}'s choice",
                f"{b} gives up at {a}'s choice",
            ],
            rows,
        )
    )
    rest = len(pair.issues) - MAX_ISSUES
    if rest > 0:
        out.append(Paragraph(f"And {rest} smaller gap(s), listed in the JSON."))
    rules = [r for g in pair.issues if g.conflict for r in g.rules]
    if rules:
        out.append(BulletList(tuple(f"Red line in the way: {rule_phrase(s, r)}." for r in rules)))
    return out


@register("GapsResult", blank_line_after=True)
def gaps_blocks(result: GapsResult) -> list[Block]:
    """Every pair: whether it has a zone of its own, and the issues that separate it, by the rule
    of :mod:`simulator.analysis.gaps`."""
    s = result.scenario
    overview = []
    for pair in result.pairs:
        a, b = (party_name(s, p) for p in pair.parties)
        top = ", ".join(s.issue(g.issue).label or g.issue for g in pair.issues[:3]) or "none"
        conflicts = sum(g.conflict for g in pair.issues)
        overview.append([f"{a} – {b}", _zopa_words(pair), conflicts, len(pair.issues), top])
    out: list[Block] = [
        Heading(1, f"Pairwise gaps: {s.title or s.name}"),
        Paragraph(
            "For each pair of parties alone (their red lines, the constraints, their "
            "reservations): whether they have a zone of possible agreement of their own, and the "
            "issues that separate them. An issue separates a pair when their red lines on it leave "
            "no option both allow, or when each one's favourite option (among those both allow) "
            "costs the other part of its utility. What a party gives up is a share of its utility "
            "range over the consistent packages, so it does not depend on how its utility is "
            "scaled. Issues are read one at a time: linkage terms and red lines over several "
            "issues show only in the pair's zone."
        ),
        table(
            [
                "pair",
                "their own zone",
                "red lines that do not meet",
                "issues that separate them",
                "largest gaps",
            ],
            overview,
        ),
        Heading(2, "Pair by pair"),
    ]
    for pair in result.pairs:
        out += pair_blocks(result, pair)
    return out
