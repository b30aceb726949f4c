"""Named proposals in words: each party's utility against its reservation, the red lines crossed,
for whom every completion is acceptable, and the Nash completion of open items (``bargain
evaluate``)."""

from __future__ import annotations

from collections.abc import Sequence

from simulator.evaluate import ProposalEvaluation, ProposalEvaluations
from simulator.model import Scenario
from simulator.report.blocks import Block, Heading, Paragraph, Table, table
from simulator.report.markdown import blocks_markdown
from simulator.report.registry import register
from simulator.report.words import rule_phrase

__all__ = [
    "proposal_blocks",
    "proposal_table",
    "proposals_blocks",
    "proposals_markdown",
]


#: The last column: a party is listed when every completion crosses none of its red lines and
#: gives it at least its reservation (``ProposalEvaluation.acceptable_to``); a party whose own
#: utility is above no deal but some completion crosses one of its lines is not.
ACCEPTS = "acceptable in every completion (red lines and reservation)"


def proposal_table(
    scenario: Scenario, evaluations: Sequence[ProposalEvaluation], names: Sequence[str]
) -> Table:
    """Each proposal's utility for every party (a range for partial proposals) and the parties
    for which every completion is acceptable (:data:`ACCEPTS`)."""
    rows: list[list[object]] = []
    for e, name in zip(evaluations, names, strict=True):
        row: list[object] = [name, e.proposal.date or ""]
        for lo, hi in zip(e.low, e.high, strict=True):
            row.append(f"{lo:.3f}" if e.complete or lo == hi else f"{lo:.3f}–{hi:.3f}")
        row.append(", ".join(scenario.party(p).display for p in e.acceptable_to) or "nobody")
        rows.append(row)
    header = ["proposal", "date"]
    header += [f"{p.display} (d={p.reservation:.2f})" for p in scenario.parties]
    return table([*header, ACCEPTS], rows)


@register("ProposalEvaluations", blank_line_after=True)
def proposals_blocks(result: ProposalEvaluations) -> list[Block]:
    """Each proposal: every party's utility (a range for partial proposals) against its
    reservation, the red lines it crosses, who prefers it to no deal, and the Nash completion of
    open items."""
    scenario, evaluations = result.scenario, result.evaluations
    out: list[Block] = [
        Heading(1, f"Proposals: {scenario.title or scenario.name}"),
        proposal_table(scenario, evaluations, [e.proposal.display for e in evaluations]),
    ]
    for e in evaluations:
        out.append(Heading(2, e.proposal.display))
        if e.proposal.source:
            out.append(Paragraph(f"Source: {e.proposal.source}."))
        kind = "complete" if e.complete else f"partial: {e.completions:,} consistent completions"
        out += [Paragraph(f"Proposal is {kind}."), Paragraph("\n".join(_notes(scenario, e)))]
    if result.ratification is not None:
        from simulator.report.ratification import ratification_blocks

        out += ratification_blocks(result.ratification)
    return out


@register("ProposalEvaluation", blank_line_after=True)
def proposal_blocks(result: ProposalEvaluation) -> list[Block]:
    """One proposal's evaluation, as :func:`proposals_blocks` words several."""
    return proposals_blocks(ProposalEvaluations(result.scenario, (result,)))


def _notes(scenario: Scenario, e: ProposalEvaluation) -> list[str]:
    """What stands out about one proposal: red lines crossed, shortfalls, the Nash completion."""
    out = []
    if e.red_lines_crossed:
        crossed = "; ".join(rule_phrase(scenario, f"{p}:{r}") for p, r in e.red_lines_crossed)
        out.append(f"Crosses red lines: {crossed}.")
    if e.red_lines_at_risk:
        risk = "; ".join(rule_phrase(scenario, f"{p}:{r}") for p, r in e.red_lines_at_risk)
        out.append(f"Some completions cross: {risk}.")
    parties = scenario.parties
    short = [f"{p.display} {x:.3f}" for p, x in zip(parties, e.shortfall, strict=True) if x > 0]
    if short:
        out.append("Even its best completion falls short of no deal for: " + ", ".join(short) + ".")
    if not e.complete:
        if e.nash_completion is None:
            out.append("No completion lies in the ZOPA, so there is no Nash completion.")
        else:
            filled = [
                f"{iss.id}={iss.options[k].id}"
                for iss, k in zip(scenario.issues, e.nash_completion.outcome, strict=True)
                if iss.id not in e.proposal.options or len(e.proposal.options[iss.id]) > 1
            ]
            out.append("Nash completion of its open items: " + ", ".join(filled) + ".")
    return out


def proposals_markdown(scenario: Scenario, evaluations: Sequence[ProposalEvaluation]) -> str:
    """:func:`proposals_blocks` of these evaluations, in Markdown."""
    return blocks_markdown(proposals_blocks(ProposalEvaluations(scenario, tuple(evaluations))))
