"""The words for a decision rule (the scenario's ``agreement``) in the solve report: the verdict
and a "Who must agree" section. Every number comes from the result."""

from __future__ import annotations

from simulator.model import Scenario
from simulator.report.blocks import Block, Heading, Paragraph, share, table
from simulator.results import SolveResult

__all__ = ["rule_blocks", "rule_text", "rule_verdict", "rule_words"]


def rule_text(result: SolveResult) -> str:
    """The rule in words: "at least 4 of 6 parties, including Sportco and DOT"."""
    return rule_words(result.scenario)


def rule_words(s: Scenario) -> str:
    """The rule of scenario ``s`` (which has one) in words, as :func:`rule_text`."""
    assert s.agreement is not None
    quorum = s.agreement.quorum_of(len(s.parties))
    text = f"at least {quorum} of {len(s.parties)} parties"
    if s.agreement.veto:
        names = [s.party(v).display for v in s.agreement.veto]
        text += f", including {', '.join(names)}"
    return text


def rule_verdict(result: SolveResult) -> str:
    """The verdict under a decision rule."""
    c = result.counts
    if c.zopa:
        return (
            f"**Packages pass the decision rule** ({rule_text(result)} must accept): {c.zopa:,} of "
            f"{c.outcomes:,} packages ({share(c.zopa, c.outcomes)}) are consistent and accepted by "
            "enough parties; a party accepts a package that crosses none of its red lines and "
            "gives it at least its reservation utility."
        )
    if c.consistent == 0:
        return "**No package is consistent**: the consistency constraints exclude every outcome."
    return (
        f"**No package passes the decision rule** ({rule_text(result)} must accept): no "
        "consistent package is accepted by enough parties."
    )


def rule_blocks(result: SolveResult) -> list[Block]:
    """The "Who must agree" section: per party, required or not, its disagreement value for the
    solutions, and how many passing packages it accepts."""
    s, c = result.scenario, result.counts
    if s.agreement is None or c.accepted is None:
        return []
    required = set(s.agreement.required(s.party_ids))
    rows: list[list[object]] = [
        [
            p.display,
            "yes" if p.id in required else "no",
            float(d),
            f"{n:,}",
            share(n, c.zopa) if c.zopa else "-",
        ]
        for p, d, n in zip(s.parties, result.disagreement, c.accepted, strict=True)
    ]
    return [
        Heading(2, "Who must agree"),
        Paragraph(
            f"A package passes when it is consistent and {rule_text(result)} accept it. A party "
            "that can be outvoted keeps as its disagreement value for the bargaining solutions "
            "the least of its reservation and its lowest utility on the passing frontier."
        ),
        table(
            ["party", "required", "disagreement value", "passing packages it accepts", "share"],
            rows,
        ),
    ]
