"""Ratification risk in words: which domestic votes a package faces, the probability that it is
ratified once signed and that it stands, and each party's expected utility.

Worded from :class:`simulator.analysis.ratification.RatificationResult` (data only; imported for
types)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.report.blocks import Block, Heading, Paragraph, table
from simulator.report.registry import register

if TYPE_CHECKING:
    from simulator.analysis.ratification import RatificationResult
    from simulator.model import Scenario

__all__ = ["ratification_blocks", "rule_words"]


def rule_words(scenario: Scenario) -> str:
    """When a signed package is ratified, in words."""
    rule, n = scenario.agreement, len(scenario.parties)
    if rule is None or rule.quorum_of(n) == n:
        return "every party ratifies it"
    veto = ", ".join(scenario.party(v).display for v in rule.veto)
    need = f"at least {rule.quorum_of(n)} of the {n} parties ratify it"
    return need + (f", {veto} among them" if veto else "")


def _with_range(p: float, low: float, high: float) -> str:
    """``0.120 (0.000–0.285)``, the range only when it is not a point."""
    return f"{p:.3f}" + ("" if low == high else f" ({low:.3f}–{high:.3f})")


def _span(low: float, high: float) -> str:
    return f"{low:.3f}" if low == high else f"from {low:.3f} to {high:.3f}"


def _mode_words(r: RatificationResult) -> str:
    if r.mode == "nominal":
        return (
            "Packages are chosen by their utility as signed (`--ratification nominal`); the "
            "ratification risk below is reported, not used to choose them."
        )
    count = r.cells or 0
    cells = (
        "" if r.cells is None else f" ({count:,} cell{'s' * (count != 1)} of the terms' partition)"
    )
    return (
        "Packages are chosen by **expected utility** (`--ratification expected`): a package that "
        "fails ratification counts as no deal, so each party expects p·u + (1 − p)·d" + cells + "."
        " The zone is unchanged: ratification risk makes no package acceptable that was not."
    )


@register("RatificationResult", blank_line_after=True)
def ratification_blocks(result: RatificationResult) -> list[Block]:
    """The terms, then for each package the votes it faces, P(ratified), P(stands) and the
    expected utilities."""
    r = result
    s = r.scenario
    terms = [(s.parties[p], t) for p, party in enumerate(s.parties) for t in party.ratification]
    out: list[Block] = [Heading(2, "Ratification risk"), Paragraph(_mode_words(r))]
    if not terms:
        out.append(Paragraph("No party has ratification terms: every signed package stands."))
    else:
        out.append(
            Paragraph(
                "Domestic ratifiers vote independently (a two-level game, Putnam 1988). A party "
                "ratifies a package when every ratifier whose term matches it approves; a signed "
                f"package is ratified when {rule_words(s)}."
            )
        )
        rows: list[list[object]] = []
        for party, t in terms:
            spread = t.probability_range
            rng = "" if spread is None else f"{spread.low:.2f}–{spread.high:.2f}"
            when = "; ".join(f"{i}: {', '.join(o)}" for i, o in t.when.clauses)
            rows.append([party.display, t.voter, when, f"{t.probability:.2f}", rng, t.source or ""])
        out.append(table(["party", "ratifier", "votes on", "P(approves)", "range", "source"], rows))
    if r.ranges:
        out.append(
            table(
                ["partial proposal", "P(ratified if signed) over its completions"],
                [[label, _span(float(lo), float(hi))] for _, label, lo, hi in r.ranges],
            )
        )
    if not r.packages:
        return out
    header = ["package", "votes it faces", "P(ratified if signed)", "P(stands)"]
    header += [f"{p.display}: expected (as signed)" for p in s.parties]
    rows = []
    for pkg in r.packages:
        row: list[object] = [
            pkg.label,
            ", ".join(t for _, t in pkg.terms) or "none",
            _with_range(float(pkg.ratified), *(float(x) for x in pkg.ratified_range)),
            f"{float(pkg.stands):.3f}",
        ]
        row += [
            f"{e:.3f} ({u:.3f})" for e, u in zip(pkg.expected, pkg.point.utilities, strict=True)
        ]
        rows.append(row)
    out.append(table(header, rows))
    out.append(
        Paragraph(
            "P(ratified if signed) takes every party as having signed; in brackets its exact "
            "bounds over the terms' stated ranges. P(stands) also counts a party that rejects the "
            "package at the table (a red line crossed, or less than its reservation) as a failed "
            "vote. Expected utility uses P(ratified if signed)."
        )
    )
    return out
