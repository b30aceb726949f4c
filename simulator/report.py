"""Markdown reports of results: tables a person reads, built from result objects.

No computing happens here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from simulator.evaluate import ProposalEvaluation
from simulator.figure_registry import FIGURE_KINDS, FIGURE_TITLES
from simulator.model import Scenario
from simulator.results import Point, SolveResult
from simulator.solver import method_title
from simulator.solver.bargaining import SOLUTIONS
from simulator.solver.stream import OptionCounts, OptionRules

__all__ = [
    "FIGURE_KINDS",
    "FIGURE_TITLES",
    "Block",
    "FigureRef",
    "Heading",
    "Paragraph",
    "Table",
    "blocks_markdown",
    "format_cell",
    "markdown_table",
    "proposals_markdown",
    "report_blocks",
    "report_markdown",
    "solve_blocks",
    "solve_markdown",
    "verdict",
]

SOLUTION_TITLES = {name: c.title for name, c in SOLUTIONS.items()}


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub-flavoured Markdown table; floats get three decimals.

    >>> print(markdown_table(["a", "b"], [[1, 0.5]]))
    | a | b |
    |---|---|
    | 1 | 0.500 |
    """

    def cell(x: object) -> str:
        if isinstance(x, float):
            return f"{x:.3f}"
        return str(x).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(x) for x in row) + " |" for row in rows]
    return "\n".join(lines)


def _option(scenario: Scenario, issue_index: int, k: int) -> str:
    return scenario.issues[issue_index].options[k].display


def _share(n: int, total: int) -> str:
    if total == 0:
        return "0%"
    share = 100.0 * n / total
    return f"{share:.3g}%" if share >= 1e-3 or n == 0 else f"{share:.2e}%"


def verdict(result: SolveResult) -> str:
    """One paragraph in plain words: is there a deal, and if not, what comes closest and what
    binds."""
    s, c = result.scenario, result.counts
    if c.zopa:
        nash = result.solutions.get("nash")
        text = (
            f"**There is a zone of possible agreement**: {c.zopa:,} of {c.outcomes:,} packages "
            f"({_share(c.zopa, c.outcomes)}) cross no red line and give every party at least its "
            f"reservation utility."
        )
        if nash is not None:
            gains = ", ".join(
                f"{p.display} {u:.3f} (no deal {d:.3f})"
                for p, u, d in zip(s.parties, nash.utilities, result.disagreement, strict=True)
            )
            text += f" The Nash bargaining solution gives {gains}."
        return text
    if c.consistent == 0:
        return "**No package is consistent**: the consistency constraints exclude every outcome."
    if c.feasible == 0:
        text = (
            "**There is no zone of possible agreement**: no package respects every party's red "
            "lines at once."
        )
    else:
        text = (
            f"**There is no zone of possible agreement**: {c.feasible:,} packages respect every "
            "red line, but none gives every party its reservation utility."
        )
    if result.closest is not None:
        cl = result.closest
        short = [
            f"{p.display} {x:.3f}" for p, x in zip(s.parties, cl.shortfall, strict=True) if x > 0
        ]
        if cl.crossed:
            text += (
                f" The closest package crosses {len(cl.crossed)} red line(s) "
                f"({', '.join(cl.crossed)})"
            )
            text += f" and leaves shortfalls of {', '.join(short)}." if short else "."
        elif short:
            text += f" The closest feasible package still leaves shortfalls of {', '.join(short)}."
        if cl.binding:
            text += f" Binding: {', '.join(cl.binding)}."
    return text


def _point_rows(scenario: Scenario, named: Sequence[tuple[str, Point]]) -> list[list[object]]:
    rows: list[list[object]] = []
    for i, issue in enumerate(scenario.issues):
        row: list[object] = [issue.label or issue.id]
        row += [_option(scenario, i, pt.outcome[i]) for _, pt in named]
        rows.append(row)
    return rows


# --- the report as blocks: one structure, rendered as Markdown here and as HTML in report_html ---
@dataclass(frozen=True)
class Heading:
    """A section heading (level 1 is the title)."""

    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """Text with Markdown inline marks only: ``**bold**``, ``*italic*`` and ```code```."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table: a header and rows of cells (floats are shown with three decimals)."""

    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]


@dataclass(frozen=True)
class FigureRef:
    """A figure: ``path`` of its image relative to the report, and a one-line caption."""

    kind: str
    path: str
    caption: str


Block = Heading | Paragraph | Table | FigureRef


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> Table:
    return Table(tuple(header), tuple(tuple(r) for r in rows))


def format_cell(x: object) -> str:
    """How a table cell reads: floats with three decimals, everything else as text."""
    return f"{x:.3f}" if isinstance(x, float) else str(x)


def blocks_markdown(blocks: Sequence[Block]) -> str:
    """Render blocks as Markdown, separated by blank lines."""
    parts = []
    number = 0
    for b in blocks:
        if isinstance(b, Heading):
            parts.append("#" * b.level + " " + b.text)
        elif isinstance(b, Paragraph):
            parts.append(b.text)
        elif isinstance(b, Table):
            parts.append(markdown_table(b.header, b.rows))
        else:
            number += 1
            parts.append(f"![{b.caption}]({b.path})\n\n*Figure {number}. {b.caption}*")
    return "\n\n".join(parts) + "\n"


def _title_blocks(result: SolveResult) -> list[Block]:
    s = result.scenario
    out: list[Block] = [Heading(1, s.title or s.name)]
    meta = [f"Source: `{result.source or s.origin or s.name}`"]
    if s.date:
        meta.append(f"snapshot date: {s.date}")
    out.append(Paragraph("; ".join(meta) + "."))
    if s.description:
        out.append(Paragraph(s.description.strip()))
    return out


def _parties_blocks(result: SolveResult) -> list[Block]:
    s = result.scenario
    return [
        Heading(2, "Parties"),
        _table(
            ["party", "reservation utility", "disagreement point", "red lines", "bargaining power"],
            [
                [p.display, p.reservation, float(d), len(p.red_lines), p.bargaining_power]
                for p, d in zip(s.parties, result.disagreement, strict=True)
            ],
        ),
    ]


def _space_blocks(result: SolveResult) -> list[Block]:
    c = result.counts
    return [
        Heading(2, "The space of packages"),
        _table(
            ["set", "packages", "share of all"],
            [
                ["all outcomes", f"{c.outcomes:,}", "100%"],
                [
                    "consistent (no contradictory options)",
                    f"{c.consistent:,}",
                    _share(c.consistent, c.outcomes),
                ],
                [
                    "feasible (no red line crossed)",
                    f"{c.feasible:,}",
                    _share(c.feasible, c.outcomes),
                ],
                [
                    "ZOPA (feasible and above every reservation)",
                    f"{c.zopa:,}",
                    _share(c.zopa, c.outcomes),
                ],
            ],
        ),
    ]


def _solution_blocks(result: SolveResult) -> list[Block]:
    s = result.scenario
    named = [(name, pt) for name, pt in result.solutions.items() if pt is not None]
    if not named:
        return []
    return [
        Heading(2, "Bargaining solutions on the ZOPA"),
        _table(
            ["solution"] + [p.display for p in s.parties],
            [[SOLUTION_TITLES.get(n, n), *pt.utilities] for n, pt in named],
        ),
        Paragraph("Packages:"),
        _table(
            ["issue"] + [SOLUTION_TITLES.get(n, n) for n, _ in named], _point_rows(s, named)
        ),
    ]


def _closest_blocks(result: SolveResult) -> list[Block]:
    s, cl = result.scenario, result.closest
    if cl is None:
        return []
    out: list[Block] = [
        Heading(2, "Closest to agreement"),
        _table(
            ["party", "utility", "disagreement point", "shortfall"],
            [
                [p.display, u, float(d), x]
                for p, u, d, x in zip(
                    s.parties, cl.point.utilities, result.disagreement, cl.shortfall, strict=True
                )
            ],
        ),
        Paragraph("Package:"),
        _table(["issue", "option"], _point_rows(s, [("closest", cl.point)])),
    ]
    if cl.crossed:
        crossed = ", ".join(f"`{x}`" for x in cl.crossed)
        out.append(Paragraph(f"Red lines it crosses: {crossed}."))
    if cl.binding:
        out.append(Paragraph("What binds: " + ", ".join(f"`{x}`" for x in cl.binding) + "."))
    return out


def _frontier_blocks(result: SolveResult, max_frontier: int) -> list[Block]:
    s, f = result.scenario, result.frontier
    out: list[Block] = [Heading(2, f"Pareto frontier ({f.scope}): {f.size:,} packages")]
    if not f.size:
        return out
    rows = sorted(range(f.size), key=lambda r: -float(f.utilities[r].sum()))[:max_frontier]
    out.append(
        _table(
            ["#"] + [p.display for p in s.parties] + ["package"],
            [
                [k + 1]
                + [float(x) for x in f.utilities[r]]
                + [
                    ", ".join(
                        f"{iss.id}={iss.options[int(o)].id}"
                        for iss, o in zip(s.issues, f.outcomes[r], strict=True)
                    )
                ]
                for k, r in enumerate(rows)
            ],
        )
    )
    if f.size > max_frontier:
        more = f.size - max_frontier
        out.append(Paragraph(f"({more:,} more, by decreasing total utility, in the JSON.)"))
    return out


def _footer(result: SolveResult) -> Paragraph:
    return Paragraph(f"Solved exactly by {method_title(result.method)} in {result.seconds:.2f} s.")


def markdown_blocks(text: str) -> list[Block]:
    """Blocks from the simple Markdown that :func:`simulator.narrative.analyst_summary` writes:
    ``##``/``###`` headings, pipe tables, bullet lists (one paragraph per bullet) and paragraphs."""
    blocks: list[Block] = []
    for chunk in text.strip().split("\n\n"):
        lines = chunk.strip().splitlines()
        if not lines:
            continue
        head = lines[0]
        if head.startswith("#"):
            level = len(head) - len(head.lstrip("#"))
            blocks.append(Heading(level, head[level:].strip()))
            lines = lines[1:]
        if not lines:
            continue
        if all(line.startswith("|") for line in lines) and len(lines) >= 2:
            cells = [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines]
            blocks.append(_table(cells[0], [row for row in cells[2:]]))
        elif all(line.startswith("- ") for line in lines):
            blocks += [Paragraph("• " + line[2:]) for line in lines]
        else:
            blocks.append(Paragraph(" ".join(line.strip() for line in lines)))
    return blocks


def _summary_blocks(result: SolveResult) -> list[Block]:
    from simulator.narrative import analyst_summary

    return markdown_blocks(analyst_summary(result))


def solve_blocks(result: SolveResult, *, max_frontier: int = 20) -> list[Block]:
    """The solve report as blocks: verdict, parties, counts, solutions, closest, frontier."""
    return [
        *_title_blocks(result),
        Heading(2, "Verdict"),
        Paragraph(verdict(result)),
        *_summary_blocks(result),
        *_parties_blocks(result),
        *_space_blocks(result),
        *_solution_blocks(result),
        *_closest_blocks(result),
        *_frontier_blocks(result, max_frontier),
        _footer(result),
    ]


def solve_markdown(result: SolveResult, *, max_frontier: int = 20) -> str:
    """The full solve report in Markdown."""
    return blocks_markdown(solve_blocks(result, max_frontier=max_frontier))


def _option_blocks(
    result: SolveResult, zopa: OptionCounts, feasible: OptionCounts, rules: OptionRules | None
) -> list[Block]:
    s = result.scenario
    rows: list[list[object]] = []
    for i, issue in enumerate(s.issues):
        for k, option in enumerate(issue.options):
            crossed = []
            if rules is not None:
                for r, ref in enumerate(rules.rules):
                    if ref.is_red_line and rules.status[i][k, r]:
                        alone = rules.status[i][k, r] == 2
                        crossed.append(f"`{ref.label}`" + ("" if alone else " (with others)"))
            rows.append(
                [
                    issue.label or issue.id,
                    option.display,
                    _share(feasible.counts[i][k], feasible.total),
                    _share(zopa.counts[i][k], zopa.total),
                    ", ".join(crossed),
                ]
            )
    lead = (
        "For every option: the share of the feasible packages and of the ZOPA packages that use "
        "it, and the red lines it crosses (alone, or only together with options of other issues)."
    )
    return [
        Heading(2, "Issue space"),
        Paragraph(lead),
        _table(
            ["issue", "option", "feasible packages", "ZOPA packages", "red lines crossed"], rows
        ),
    ]


def _proposal_blocks(
    result: SolveResult, evaluations: Sequence[ProposalEvaluation]
) -> list[Block]:
    s = result.scenario
    # the same tags as the figures (simulator.plots.proposal_tags)
    names = [f"P{k + 1} {e.proposal.display}" for k, e in enumerate(evaluations)]
    lines = []
    for name, e in zip(names, evaluations, strict=True):
        crossed = ", ".join(f"`{p}:{r}`" for p, r in e.red_lines_crossed) or "none"
        risk = ", ".join(f"`{p}:{r}`" for p, r in e.red_lines_at_risk) or "none"
        lines.append([name, f"{e.completions:,}", crossed, risk])
    return [
        Heading(2, "Proposals"),
        Paragraph(
            "Each party's utility (from the worst to the best package where a proposal leaves "
            "issues open) against its reservation value `d`."
        ),
        _proposal_table(s, evaluations, names),
        _table(["proposal", "packages it allows", "red lines crossed", "may cross"], lines),
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
) -> list[Block]:
    """The full report as blocks: the solve report with the figures, the issue space and proposals.

    Each figure goes into its section (figure kinds the report does not know go at the end); the
    issue-space section needs both option counts, the proposals section the evaluations.
    """
    placed = {f.kind: f for f in figures if f.kind in FIGURE_KINDS}

    def figure(kind: str) -> list[Block]:
        return [placed[kind]] if kind in placed else []

    blocks: list[Block] = [
        *_title_blocks(result),
        Heading(2, "Verdict"),
        Paragraph(verdict(result)),
        *figure("utility_space"),
        *_summary_blocks(result),
        *_parties_blocks(result),
        *_space_blocks(result),
        *_solution_blocks(result),
        *_closest_blocks(result),
    ]
    if zopa_options is not None and feasible_options is not None:
        blocks += _option_blocks(result, zopa_options, feasible_options, option_rules)
        blocks += figure("option_map")
    frontier = _frontier_blocks(result, max_frontier)
    blocks += [frontier[0], *figure("frontier_packages"), *frontier[1:]]
    if proposals:
        blocks += [*_proposal_blocks(result, proposals), *figure("proposals")]
    others = [f for f in figures if f.kind not in FIGURE_KINDS]
    if others:
        blocks += [Heading(2, "More figures"), *others]
    blocks.append(_footer(result))
    return blocks


def report_markdown(result: SolveResult, **kwargs: Any) -> str:
    """The full report in Markdown (see :func:`report_blocks` for the arguments)."""
    return blocks_markdown(report_blocks(result, **kwargs))


def _proposal_table(
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
    return _table([*header, "prefer it to no deal"], rows)


def proposals_markdown(scenario: Scenario, evaluations: Sequence[ProposalEvaluation]) -> str:
    """Each proposal: every party's utility (a range for partial proposals) against its reservation,
    the red lines it crosses, who prefers it to no deal, and the Nash completion of open items."""
    out = [f"# Proposals: {scenario.title or scenario.name}", ""]
    parties = scenario.parties
    table = _proposal_table(scenario, evaluations, [e.proposal.display for e in evaluations])
    out.append(markdown_table(table.header, table.rows))
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
