"""The solve report: the verdict in plain words and the sections of a solve result, as blocks.

No computing happens here: every number comes from the :class:`~simulator.results.SolveResult`.
"""

from __future__ import annotations

from collections.abc import Sequence

from simulator.model import Scenario
from simulator.report.agreement import rule_blocks, rule_verdict
from simulator.report.blocks import Block, Heading, Paragraph, share, table
from simulator.report.markdown import blocks_markdown
from simulator.report.registry import register
from simulator.report.summary import BUDGET_WORDS, report_summary_blocks, stopped_early
from simulator.report.words import binding_phrase, rule_phrase
from simulator.results import Point, SolveResult
from simulator.solver import method_title
from simulator.solver.bargaining import SOLUTIONS

__all__ = ["SOLUTION_TITLES", "solve_blocks", "solve_markdown", "sureness_blocks", "verdict"]

SOLUTION_TITLES = {name: c.title for name, c in SOLUTIONS.items()}


def option_name(scenario: Scenario, issue_index: int, k: int) -> str:
    return scenario.issues[issue_index].options[k].display


def verdict(result: SolveResult) -> str:
    """One paragraph in plain words: is there a deal, and if not, what comes closest and what
    binds."""
    s, c = result.scenario, result.counts
    if s.agreement is not None:
        return rule_verdict(result)
    early = stopped_early(result)
    if early is not None and not c.zopa:
        return early
    if c.zopa:
        nash = result.solutions.get("nash")
        text = (
            f"**There is a zone of possible agreement**: {c.zopa:,} of {c.outcomes:,} packages "
            f"({share(c.zopa, c.outcomes)}) cross no red line and give every party at least its "
            f"reservation utility."
        )
        if nash is not None:
            gains = ", ".join(
                f"{p.display} {u:.3f} (no deal {d:.3f})"
                for p, u, d in zip(s.parties, nash.utilities, result.disagreement, strict=True)
            )
            text += f" The Nash bargaining solution gives {gains}."
        return text if early is None else f"{early} {text}"
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
            lines = "; ".join(rule_phrase(s, x) for x in cl.crossed)
            text += f" The closest package crosses {len(cl.crossed)} red line(s) ({lines})"
            text += f" and leaves shortfalls of {', '.join(short)}." if short else "."
        elif short:
            text += f" The closest feasible package still leaves shortfalls of {', '.join(short)}."
        others = [x for x in cl.binding if x.removeprefix("red_line:") not in cl.crossed]
        if others:
            text += " Also binding: " + "; ".join(binding_phrase(s, x) for x in others) + "."
    return text


def point_rows(scenario: Scenario, named: Sequence[tuple[str, Point]]) -> list[list[object]]:
    rows: list[list[object]] = []
    for i, issue in enumerate(scenario.issues):
        row: list[object] = [issue.label or issue.id]
        row += [option_name(scenario, i, pt.outcome[i]) for _, pt in named]
        rows.append(row)
    return rows


def title_blocks(result: SolveResult) -> list[Block]:
    s = result.scenario
    out: list[Block] = [Heading(1, s.title or s.name)]
    meta = [f"Source: `{result.source or s.origin or s.name}`"]
    if s.date:
        meta.append(f"snapshot date: {s.date}")
    out.append(Paragraph("; ".join(meta) + "."))
    if s.description:
        out.append(Paragraph(s.description.strip()))
    return out


def parties_blocks(result: SolveResult) -> list[Block]:
    s = result.scenario
    return [
        Heading(2, "Parties"),
        table(
            ["party", "reservation utility", "disagreement point", "red lines", "bargaining power"],
            [
                [p.display, p.reservation, float(d), len(p.red_lines), p.bargaining_power]
                for p, d in zip(s.parties, result.disagreement, strict=True)
            ],
        ),
    ]


def space_blocks(result: SolveResult) -> list[Block]:
    c = result.counts
    return [
        Heading(2, "The space of packages"),
        table(
            ["set", "packages", "share of all"],
            [
                ["all outcomes", f"{c.outcomes:,}", "100%"],
                [
                    "consistent (no contradictory options)",
                    f"{c.consistent:,}",
                    share(c.consistent, c.outcomes),
                ],
                [
                    "feasible (no red line crossed)",
                    f"{c.feasible:,}",
                    share(c.feasible, c.outcomes),
                ],
                [
                    "ZOPA (feasible and above every reservation)"
                    if result.scenario.agreement is None
                    else "passing (consistent, accepted under the decision rule)",
                    f"{c.zopa:,}",
                    share(c.zopa, c.outcomes),
                ],
            ],
        ),
    ]


def solution_blocks(result: SolveResult) -> list[Block]:
    s = result.scenario
    named = [(name, pt) for name, pt in result.solutions.items() if pt is not None]
    if not named:
        return []
    return [
        Heading(2, "Bargaining solutions on the ZOPA"),
        table(
            ["solution"] + [p.display for p in s.parties],
            [[SOLUTION_TITLES.get(n, n), *pt.utilities] for n, pt in named],
        ),
        Paragraph("Packages:"),
        table(["issue"] + [SOLUTION_TITLES.get(n, n) for n, _ in named], point_rows(s, named)),
    ]


def closest_blocks(result: SolveResult) -> list[Block]:
    s, cl = result.scenario, result.closest
    if cl is None:
        return []
    out: list[Block] = [
        Heading(2, "Closest to agreement"),
        table(
            ["party", "utility", "disagreement point", "shortfall"],
            [
                [p.display, u, float(d), x]
                for p, u, d, x in zip(
                    s.parties, cl.point.utilities, result.disagreement, cl.shortfall, strict=True
                )
            ],
        ),
        Paragraph("Package:"),
        table(["issue", "option"], point_rows(s, [("closest", cl.point)])),
    ]
    if cl.crossed:
        crossed = "; ".join(rule_phrase(s, x) for x in cl.crossed)
        out.append(Paragraph(f"Red lines it crosses: {crossed}."))
    others = [x for x in cl.binding if x.removeprefix("red_line:") not in cl.crossed]
    if others:
        out.append(
            Paragraph("Also binding: " + "; ".join(binding_phrase(s, x) for x in others) + ".")
        )
    if not cl.proved:
        why = (
            f"the search stopped at {BUDGET_WORDS.get(cl.budget_ended, cl.budget_ended)}, so "
            "this is the closest package it found"
            if cl.budget_ended
            else "it is the integer programme's answer, not checked by a search (the space is "
            "past enumeration)"
        )
        out.append(Paragraph(f"Not proved the closest: {why}."))
    return out


def frontier_blocks(result: SolveResult, max_frontier: int) -> list[Block]:
    s, f = result.scenario, result.frontier
    if f.scope == "none":
        return [
            Heading(2, "Pareto frontier"),
            Paragraph(
                "Not computed (--frontier none): the counts and the bargaining solutions were "
                "found by branch and bound without it."
            ),
        ]
    if not f.size:
        return []  # no empty section: the verdict already says the set is empty
    out: list[Block] = [Heading(2, f"Pareto frontier ({f.scope}): {f.size:,} packages")]
    rows = sorted(range(f.size), key=lambda r: -float(f.utilities[r].sum()))[:max_frontier]
    out.append(
        table(
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


def sureness_blocks(result: SolveResult) -> list[Block]:
    """The "how sure is this" box of the verdict's margins, when they were computed."""
    if result.margins is None:
        return []
    from simulator.report.margins import margins_blocks

    return margins_blocks(result.margins)


def pair_gap_blocks(result: SolveResult) -> list[Block]:
    """Every pair's own zone and the issues that separate it, when ``--gaps`` computed them."""
    if result.gaps is None:
        return []
    from simulator.report.gaps import gaps_blocks

    return [Heading(2, "Pairwise gaps"), *gaps_blocks(result.gaps)[1:]]


def ratification_blocks_of(result: SolveResult) -> list[Block]:
    """The ratification risk of the packages, when it was computed."""
    if result.ratification is None:
        return []
    from simulator.report.ratification import ratification_blocks

    return ratification_blocks(result.ratification)


def footer(result: SolveResult) -> Paragraph:
    """How the result was found, how long it took (unless ``--no-timings`` zeroed it), and what a
    budget that ended the search leaves uncertain."""
    took = f" in {result.seconds:.2f} s" if result.seconds else ""
    ended = result.stats.budget_ended
    how = result.stats.count_method
    counted = f" The ZOPA was counted exactly by the {how}." if how else ""
    if ended is None:
        return Paragraph(f"Solved exactly by {method_title(result.method)}{took}.{counted}")
    if result.stats.counts_exact and result.stats.frontier_complete is False:
        return Paragraph(
            f"Counted exactly by {method_title(result.method)}{took}, and the solutions found "
            f"exactly without the frontier; the frontier pass stopped at "
            f"{BUDGET_WORDS.get(ended, ended)}, so the frontiers are partial.{counted}"
        )
    if result.stats.counts_exact:  # only the closest package's search ran out
        return Paragraph(
            f"Counted exactly by {method_title(result.method)}{took}; the search for the closest "
            f"package stopped at {BUDGET_WORDS.get(ended, ended)}, so none is given.{counted}"
        )
    partial = result.stats.frontier_complete is False
    frontier = " and the frontiers are partial" if partial else ""
    return Paragraph(
        f"Solved by {method_title(result.method)}{took}; the search stopped "
        f"at {BUDGET_WORDS.get(ended, ended)}, so the ZOPA count is a lower bound{frontier}."
    )


@register("SolveResult", blank_line_after=True)
def solve_blocks(result: SolveResult, *, max_frontier: int = 20) -> list[Block]:
    """The solve report as blocks: verdict, parties, counts, solutions, closest, frontier."""
    return [
        *title_blocks(result),
        Heading(2, "Verdict"),
        Paragraph(verdict(result)),
        *sureness_blocks(result),
        *report_summary_blocks(result),
        *parties_blocks(result),
        *space_blocks(result),
        *rule_blocks(result),
        *solution_blocks(result),
        *closest_blocks(result),
        *ratification_blocks_of(result),
        *frontier_blocks(result, max_frontier),
        *pair_gap_blocks(result),
        footer(result),
    ]


def solve_markdown(result: SolveResult, *, max_frontier: int = 20) -> str:
    """The full solve report in Markdown."""
    return blocks_markdown(solve_blocks(result, max_frontier=max_frontier))
