"""Markdown reports of results: tables a person reads, built from result objects (no computing here)."""

from __future__ import annotations

from collections.abc import Sequence

from simulator.evaluate import ProposalEvaluation
from simulator.model import Scenario
from simulator.results import Point, SolveResult

__all__ = ["markdown_table", "proposals_markdown", "solve_markdown", "verdict"]

SOLUTION_TITLES = {
    "nash": "Nash",
    "weighted_nash": "Weighted Nash",
    "kalai_smorodinsky": "Kalai–Smorodinsky",
    "egalitarian": "Egalitarian",
    "utilitarian": "Utilitarian",
}


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
    """One paragraph in plain words: is there a deal, and if not, what comes closest and what binds."""
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
            f"**There is no zone of possible agreement**: {c.feasible:,} packages respect every red "
            "line, but none gives every party its reservation utility."
        )
    if result.closest is not None:
        cl = result.closest
        short = [
            f"{p.display} {x:.3f}" for p, x in zip(s.parties, cl.shortfall, strict=True) if x > 0
        ]
        if cl.crossed:
            text += f" The closest package crosses {len(cl.crossed)} red line(s) ({', '.join(cl.crossed)})"
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


def solve_markdown(result: SolveResult, *, max_frontier: int = 20) -> str:
    """The full solve report in Markdown."""
    s, c = result.scenario, result.counts
    out = [f"# {s.title or s.name}", ""]
    meta = [f"Source: `{result.source or s.origin or s.name}`"]
    if s.date:
        meta.append(f"snapshot date: {s.date}")
    out += ["; ".join(meta) + ".", ""]
    if s.description:
        out += [s.description.strip(), ""]
    out += ["## Verdict", "", verdict(result), ""]
    out += ["## Parties", ""]
    out.append(
        markdown_table(
            ["party", "reservation utility", "disagreement point", "red lines", "bargaining power"],
            [
                [p.display, p.reservation, float(d), len(p.red_lines), p.bargaining_power]
                for p, d in zip(s.parties, result.disagreement, strict=True)
            ],
        )
    )
    out += ["", "## The space of packages", ""]
    out.append(
        markdown_table(
            ["set", "packages", "share of all"],
            [
                ["all outcomes", f"{c.outcomes:,}", "100%"],
                ["consistent (no contradictory options)", f"{c.consistent:,}", _share(c.consistent, c.outcomes)],
                ["feasible (no red line crossed)", f"{c.feasible:,}", _share(c.feasible, c.outcomes)],
                ["ZOPA (feasible and above every reservation)", f"{c.zopa:,}", _share(c.zopa, c.outcomes)],
            ],
        )
    )
    named = [(name, pt) for name, pt in result.solutions.items() if pt is not None]
    if named:
        out += ["", "## Bargaining solutions on the ZOPA", ""]
        out.append(
            markdown_table(
                ["solution"] + [p.display for p in s.parties],
                [[SOLUTION_TITLES.get(n, n)] + list(pt.utilities) for n, pt in named],
            )
        )
        out += ["", "Packages:", ""]
        out.append(
            markdown_table(["issue"] + [SOLUTION_TITLES.get(n, n) for n, _ in named], _point_rows(s, named))
        )
    if result.closest is not None:
        cl = result.closest
        out += ["", "## Closest to agreement", ""]
        out.append(
            markdown_table(
                ["party", "utility", "disagreement point", "shortfall"],
                [
                    [p.display, u, float(d), x]
                    for p, u, d, x in zip(
                        s.parties, cl.point.utilities, result.disagreement, cl.shortfall, strict=True
                    )
                ],
            )
        )
        out += ["", "Package:", ""]
        out.append(markdown_table(["issue", "option"], _point_rows(s, [("closest", cl.point)])))
        if cl.crossed:
            out += ["", "Red lines it crosses: " + ", ".join(f"`{x}`" for x in cl.crossed) + "."]
        if cl.binding:
            out += ["", "What binds: " + ", ".join(f"`{x}`" for x in cl.binding) + "."]
    f = result.frontier
    out += ["", f"## Pareto frontier ({f.scope}): {f.size:,} packages", ""]
    if f.size:
        rows = sorted(range(f.size), key=lambda r: -float(f.utilities[r].sum()))[:max_frontier]
        out.append(
            markdown_table(
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
            out += ["", f"({f.size - max_frontier:,} more, by decreasing total utility, in the JSON.)"]
    out += ["", f"Solved exactly by {result.method} in {result.seconds:.2f} s.", ""]
    return "\n".join(out)


def proposals_markdown(scenario: Scenario, evaluations: Sequence[ProposalEvaluation]) -> str:
    """Each proposal: every party's utility (a range for partial proposals) against its reservation,
    the red lines it crosses, who prefers it to no deal, and the Nash completion of open items."""
    out = [f"# Proposals: {scenario.title or scenario.name}", ""]
    parties = scenario.parties
    rows: list[list[object]] = []
    for e in evaluations:
        row: list[object] = [e.proposal.display, e.proposal.date or ""]
        for p, lo, hi in zip(parties, e.low, e.high, strict=True):
            row.append(f"{lo:.3f}" if e.complete or lo == hi else f"{lo:.3f}–{hi:.3f}")
        row.append(", ".join(e.acceptable_to) or "nobody")
        rows.append(row)
    out.append(
        markdown_table(
            ["proposal", "date"] + [f"{p.display} (d={p.reservation:.2f})" for p in parties]
            + ["prefer it to no deal"],
            rows,
        )
    )
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
            out.append("Even its best completion falls short of no deal for: " + ", ".join(short) + ".")
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
