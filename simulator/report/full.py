"""The full report: the solve report with its figures, the issue space and the proposals.

``bargain report`` renders these blocks as ``report.md`` and ``report.html``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from simulator.evaluate import ProposalEvaluation
from simulator.figure_registry import FIGURE_KINDS, FIGURE_TITLES
from simulator.report.blocks import Block, FigureRef, Heading, Paragraph, share, table
from simulator.report.markdown import blocks_markdown
from simulator.report.proposals import proposal_table
from simulator.report.ripeness import ripeness_section
from simulator.report.solve import (
    closest_blocks,
    footer,
    frontier_blocks,
    parties_blocks,
    ratification_blocks_of,
    solution_blocks,
    space_blocks,
    sureness_blocks,
    title_blocks,
    verdict,
)
from simulator.report.summary import report_summary_blocks
from simulator.report.words import rule_short
from simulator.results import SolveResult
from simulator.solver.stream import OptionCounts, OptionRules

if TYPE_CHECKING:
    from simulator.analysis.ripeness import RipenessResult

__all__ = [
    "FIGURE_KINDS",
    "FIGURE_TITLES",
    "figure_caption",
    "report_blocks",
    "report_markdown",
]


def figure_caption(kind: str, cloud: str | None = None) -> str:
    """The caption of a figure of the report: its title, and for the utility space what the
    cloud of packages shows (``cloud``, e.g. "every package")."""
    caption = FIGURE_TITLES[kind]
    if kind == "utility_space" and cloud is not None:
        caption += f" (packages shown: {cloud})"
    return caption + "."


def _option_blocks(
    result: SolveResult, zopa: OptionCounts, feasible: OptionCounts, rules: OptionRules | None
) -> list[Block]:
    s = result.scenario
    rows: list[list[object]] = []
    left_out = 0
    for i, issue in enumerate(s.issues):
        for k, option in enumerate(issue.options):
            crossed = []
            if rules is not None:
                for r, ref in enumerate(rules.rules):
                    if ref.is_red_line and rules.status[i][k, r]:
                        alone = rules.status[i][k, r] == 2
                        name = rule_short(s, ref.label, issues=False)
                        crossed.append(name + ("" if alone else " (with others)"))
            used = feasible.counts[i][k] or zopa.counts[i][k]
            if not used and not crossed:
                left_out += 1  # no all-zero rows: an option nothing uses and no line forbids
                continue
            shares = [share(feasible.counts[i][k], feasible.total)] if feasible.total else []
            shares += [share(zopa.counts[i][k], zopa.total)] if zopa.total else []
            rows.append([issue.label or issue.id, option.display, *shares, "; ".join(crossed)])
    header = ["issue", "option"]
    header += ["feasible packages"] if feasible.total else []
    header += ["ZOPA packages"] if zopa.total else []
    lead = (
        "For every option: the share of the feasible packages and of the ZOPA packages that use "
        "it, and the red lines it crosses (alone, or only together with options of other issues)."
    )
    if not feasible.total:
        lead = (
            "No package is feasible, so no option has a share of feasible or ZOPA packages. The "
            "options below cross red lines (alone, or only together with options of other issues)."
        )
    elif not zopa.total:
        lead = (
            "For every option: the share of the feasible packages that use it (there is no ZOPA), "
            "and the red lines it crosses (alone, or only together with options of other issues)."
        )
    if left_out:
        lead += f" Left out: {left_out} option(s) that no package uses and no red line forbids."
    return [
        Heading(2, "Issue space"),
        Paragraph(lead),
        *([table([*header, "red lines crossed"], rows)] if rows else []),
    ]


def _proposal_blocks(result: SolveResult, evaluations: Sequence[ProposalEvaluation]) -> list[Block]:
    s = result.scenario
    # the same tags as the figures (simulator.plots.proposal_tags)
    names = [f"P{k + 1} {e.proposal.display}" for k, e in enumerate(evaluations)]
    lines = []
    for name, e in zip(names, evaluations, strict=True):
        crossed = "; ".join(rule_short(s, f"{p}:{r}") for p, r in e.red_lines_crossed) or "none"
        risk = "; ".join(rule_short(s, f"{p}:{r}") for p, r in e.red_lines_at_risk) or "none"
        lines.append([name, f"{e.completions:,}", crossed, risk])
    return [
        Heading(2, "Proposals"),
        Paragraph(
            "Each party's utility (from the worst to the best package where a proposal leaves "
            "issues open) against its reservation value `d`."
        ),
        proposal_table(s, evaluations, names),
        table(["proposal", "packages it allows", "red lines crossed", "may cross"], lines),
    ]


def report_blocks(
    result: SolveResult,
    *,
    figures: Sequence[FigureRef] = (),
    zopa_options: OptionCounts | None = None,
    feasible_options: OptionCounts | None = None,
    option_rules: OptionRules | None = None,
    proposals: Sequence[ProposalEvaluation] | None = None,
    max_frontier: int = 20,
    ripeness: RipenessResult | None = None,
    coalitions: Sequence[Block] = (),
) -> list[Block]:
    """The full report as blocks: the solve report with the figures, the issue space and proposals.

    Each figure goes into its section; every figure no section placed (a kind registered after
    the report was written, or one the report does not know) goes under "More figures" at the end,
    so a new figure kind is never dropped. The issue-space section needs both option counts, the
    proposals section the evaluations; the section "Over time" the ripeness of a scenario whose
    reservations or weights move; ``coalitions`` is a section placed last
    (:func:`~simulator.report.coalitions.coalitions_section`).
    """
    placed = {f.kind: f for f in figures}
    used: set[str] = set()

    def figure(kind: str) -> list[Block]:
        if kind not in placed:
            return []
        used.add(kind)
        return [placed[kind]]

    blocks: list[Block] = [
        *title_blocks(result),
        Heading(2, "Verdict"),
        Paragraph(verdict(result)),
        *sureness_blocks(result),
        *figure("utility_space"),
        *report_summary_blocks(result),
        *parties_blocks(result),
        *space_blocks(result),
        *solution_blocks(result),
        *closest_blocks(result),
        *ratification_blocks_of(result),
    ]
    if zopa_options is not None and feasible_options is not None:
        blocks += _option_blocks(result, zopa_options, feasible_options, option_rules)
        blocks += figure("option_map")
    frontier = frontier_blocks(result, max_frontier)
    if frontier:
        blocks += [frontier[0], *figure("frontier_packages"), *frontier[1:]]
    else:  # no frontier, no section: its figure would be empty too
        used.add("frontier_packages")
    if proposals:
        blocks += [*_proposal_blocks(result, proposals), *figure("proposals")]
    if ripeness is not None:
        blocks += [*ripeness_section(ripeness), *figure("ripeness")]
    blocks += coalitions
    others = [f for f in figures if f.kind not in used]
    if others:
        blocks += [Heading(2, "More figures"), *others]
    blocks.append(footer(result))
    return blocks


def report_markdown(result: SolveResult, **kwargs: Any) -> str:
    """The full report in Markdown (see :func:`report_blocks` for the arguments)."""
    return blocks_markdown(report_blocks(result, **kwargs))
