"""Named proposals in words: each party's utility against its reservation, the red lines crossed,
who prefers it to no deal, and the Nash completion of open items (``bargain evaluate``)."""

from __future__ import annotations

from collections.abc import Sequence

from simulator.evaluate import ProposalEvaluation
from simulator.model import Scenario
from simulator.report.blocks import Table, table
from simulator.report.markdown import markdown_table

__all__ = ["proposal_table", "proposals_markdown"]


def proposal_table(
    scenario: Scenario, evaluations: Sequence[ProposalEvaluation], names: Sequence[str]
) -> Table:
    """Each proposal's utility for every party (a range for partial proposals) and who prefers it
    to no deal."""
    rows: list[list[object]] = []
    for e, name in zip(evaluations, names, strict=True):
        row: list[object] = [name, e.proposal.date or ""]
        for lo, hi in zip(e.low, e.high, strict=True):
            row.append(f"{lo:.3f}" if e.complete or lo == hi else f"{lo:.3f}–{hi:.3f}")
        row.append(", ".join(e.acceptable_to) or "nobody")
        rows.append(row)
    header = ["proposal", "date"]
    header += [f"{p.display} (d={p.reservation:.2f})" for p in scenario.parties]
    return table([*header, "prefer it to no deal"], rows)


def proposals_markdown(scenario: Scenario, evaluations: Sequence[ProposalEvaluation]) -> str:
    """Each proposal: every party's utility (a range for partial proposals) against its reservation,
    the red lines it crosses, who prefers it to no deal, and the Nash completion of open items."""
    out = [f"# Proposals: {scenario.title or scenario.name}", ""]
    parties = scenario.parties
    overview = proposal_table(scenario, evaluations, [e.proposal.display for e in evaluations])
    out.append(markdown_table(overview.header, overview.rows))
    for e in evaluations:
        out += ["", f"## {e.proposal.display}", ""]
        if e.proposal.source:
            out += [f"Source: {e.proposal.source}.", ""]
        kind = "complete" if e.complete else f"partial: {e.completions:,} consistent completions"
        out += [f"Proposal is {kind}.", ""]
        if e.red_lines_crossed:
            out.append(
                "Crosses red lines: " + ", ".join(f"{p}:{r}" for p, r in e.red_lines_crossed) + "."
            )
        if e.red_lines_at_risk:
            out.append(
                "Some completions cross: "
                + ", ".join(f"{p}:{r}" for p, r in e.red_lines_at_risk)
                + "."
            )
        short = [f"{p.display} {x:.3f}" for p, x in zip(parties, e.shortfall, strict=True) if x > 0]
        if short:
            out.append(
                "Even its best completion falls short of no deal for: " + ", ".join(short) + "."
            )
        if not e.complete:
            if e.nash_completion is None:
                out.append("No completion lies in the ZOPA, so there is no Nash completion.")
            else:
                nc = e.nash_completion
                filled = [
                    f"{iss.id}={iss.options[k].id}"
                    for iss, k in zip(scenario.issues, nc.outcome, strict=True)
                    if iss.id not in e.proposal.options or len(e.proposal.options[iss.id]) > 1
                ]
                out.append("Nash completion of its open items: " + ", ".join(filled) + ".")
    out.append("")
    return "\n".join(out)
