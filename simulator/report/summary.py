"""The analyst's summary: what a solve result means, in plain words.

:func:`summary_blocks` reads a :class:`~simulator.results.SolveResult` of any scenario and says
whether there is a zone of possible agreement (ZOPA); if not, which red lines cannot hold together,
what the package closest to agreement is and what it asks of each party, and which red lines and
reservation utilities bind. The facts come from :mod:`simulator.analysis.diagnosis`; this module
only words them. :func:`analyst_summary` is the same in Markdown.

Examples
--------
>>> import simulator
>>> result = simulator.solve(simulator.load_scenario("scenarios/textbook_car.yaml"))
>>> print(analyst_summary(result, notes=False).splitlines()[2][:45])
**There is a zone of possible agreement.** 11
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from simulator.model import Issue, Scenario
from simulator.report.agreement import rule_verdict
from simulator.report.blocks import Block, BulletList, Heading, Paragraph, Table, share, table
from simulator.report.markdown import blocks_markdown
from simulator.report.words import option_name, rule_phrase
from simulator.results import Point, SolveResult
from simulator.solver.budget import BUDGET_WORDS

if TYPE_CHECKING:
    from simulator.analysis.diagnosis import RedLineConflict

# simulator.analysis.diagnosis is imported where it is used: importing any analysis module runs
# simulator/analysis/__init__, which loads SciPy and nashpy, and `import simulator` (hence every
# command) should not pay for that.

__all__ = ["analyst_summary", "report_summary_blocks", "summary_blocks"]


def _names(scenario: Scenario) -> dict[str, str]:
    return {p.id: p.display for p in scenario.parties}


def _issue_name(issue: Issue) -> str:
    return f"{issue.label} (`{issue.id}`)" if issue.label else f"`{issue.id}`"


def _rule_list(scenario: Scenario, labels: Sequence[str]) -> str:
    return "; ".join(rule_phrase(scenario, label) for label in labels)


def _group_rules(c: RedLineConflict) -> list[list[str]]:
    """The rule ids of each party in the conflict, in party order."""
    return [[r.partition(":")[2] for r in c.rules if r.partition(":")[0] == p] for p in c.parties]


def _conflict_items(scenario: Scenario, conflicts: Sequence[RedLineConflict]) -> list[str]:
    names = _names(scenario)
    items = []
    for c in conflicts:
        issue = scenario.issue(c.issue)
        sides = []
        for party, rules, allowed in zip(c.parties, _group_rules(c), c.allowed, strict=True):
            opts = ", ".join(option_name(issue, o) for o in allowed) or "nothing"
            sides.append(f"{names[party]} ({', '.join(f'`{r}`' for r in rules)}) allows {opts}")
        what = "leave no option in common" if len(c.parties) > 1 else "exclude every option"
        items.append(f"{_issue_name(issue)}: {'; '.join(sides)}. Together they {what}.")
    return items


def _utility_table(result: SolveResult, point: Point, shortfall: Sequence[float] | None) -> Table:
    s = result.scenario
    rows = []
    for n, (p, u, d) in enumerate(
        zip(s.parties, point.utilities, result.disagreement, strict=True)
    ):
        gap = u - float(d)
        if shortfall is not None and shortfall[n] > 0:
            cell = f"short by {shortfall[n]:.3f}"
        else:
            cell = f"{max(gap, 0.0):+.3f}"
        rows.append([p.display, f"{u:.3f}", f"{float(d):.3f}", cell])
    no_deal = "reservation" if s.agreement is None else "disagreement value"
    return table(["party", "utility", no_deal, "gain over no deal"], rows)


def _asks(result: SolveResult, point: Point, max_concessions: int) -> BulletList:
    from simulator.analysis.diagnosis import concessions, interactions_applying

    s = result.scenario
    asks = concessions(s, point.outcome)
    terms = interactions_applying(s, point.outcome)
    items = []
    for p in s.parties:
        own = asks[p.id]
        if not own:
            items.append(f"**{p.display}** gets its best option on every issue it weighs.")
            continue
        total = sum(c.loss for c in own)
        shown = own[:max_concessions]
        parts = []
        for c in shown:
            issue = s.issue(c.issue)
            got, best = issue.options[issue.index(c.option)], issue.options[issue.index(c.best)]
            parts.append(
                f"{issue.label or issue.id}: *{got.display}* instead of *{best.display}* "
                f"(−{c.loss:.3f})"
            )
        more = len(own) - len(shown)
        tail = f"; and {more} smaller concession(s)" if more > 0 else ""
        item = (
            f"**{p.display}** concedes on {len(own)} issue(s), {total:.3f} of utility in all. "
            f"Largest: {'; '.join(parts)}{tail}."
        )
        if terms[p.id]:
            item += (
                " Linkage terms that apply: "
                + ", ".join(f"`{t}` ({b:+.3f})" for t, b in terms[p.id])
                + "."
            )
        items.append(item)
    return BulletList(tuple(items))


def _binding(
    result: SolveResult, point: Point, crossed: Sequence[str], short: Sequence[float]
) -> BulletList:
    from simulator.analysis.diagnosis import red_lines_at_limit

    s = result.scenario
    items = []
    if crossed:
        items.append(f"Crossed by the package: {_rule_list(s, crossed)}.")
    reservations = [p.display for p, x in zip(s.parties, short, strict=True) if x > 0]
    if reservations:
        items.append(
            "Reservation utilities that bind (the package leaves these parties below no deal): "
            + ", ".join(reservations)
            + "."
        )
    limit = [x for x in red_lines_at_limit(s, point.outcome) if x not in crossed]
    for owner in s.parties:
        own = [x for x in limit if x.partition(":")[0] == owner.id]
        if own:
            items.append(
                f"{owner.display}'s red lines the package sits on (one step across, on that "
                "issue alone, would give another party more and cross none of that party's own "
                f"lines): {_rule_list(s, own)}."
            )
    if not items:
        items.append("No red line is crossed or at its limit, and no reservation utility binds.")
    return BulletList(tuple(items))


def stopped_early(result: SolveResult) -> str | None:
    """The sentence for a search that a budget stopped (None when the counts are exact)."""
    ended = result.stats.budget_ended
    if result.stats.counts_exact or ended is None:
        return None
    found = (
        f"it found {result.counts.zopa:,} packages in the zone of possible agreement (a lower "
        "bound)"
        if result.counts.zopa
        else "it found no package in the zone of possible agreement yet, so whether there is a "
        "zone is unknown"
    )
    text = f"**The search stopped at {BUDGET_WORDS.get(ended, ended)}**: {found}."
    guess = result.zopa_estimate
    if guess is not None:
        text += (
            f" Sampling the {guess.open_outcomes:.3g} packages it left open ({guess.samples:,} "
            f"seeded samples) estimates the zone at {guess.value:.3g} packages (95% interval "
            f"{guess.low:.3g} to {guess.high:.3g})."
        )
    return text


def _finding(result: SolveResult, verdict_shown: bool = False) -> list[Block]:
    """Is there a ZOPA, with the counts; with ``verdict_shown`` (the verdict is printed just
    above) the counts alone, without saying the verdict again (nothing under a decision rule,
    whose verdict is the counts)."""
    found = _finding_words(result)
    if not verdict_shown:
        return [found]
    if result.scenario.agreement is not None:
        return []
    if found.text.startswith("**"):
        rest = found.text.split("**", 2)[2].lstrip(".: ")
        return [Paragraph(rest[:1].upper() + rest[1:] if rest else found.text)]
    return [found]


def _finding_words(result: SolveResult) -> Paragraph:
    c = result.counts
    if result.scenario.agreement is not None:
        return Paragraph(rule_verdict(result))
    early = stopped_early(result)
    if early is not None:
        return Paragraph(early)
    if c.zopa:
        return Paragraph(
            f"**There is a zone of possible agreement.** {c.zopa:,} of {c.outcomes:,} packages "
            f"({share(c.zopa, c.outcomes)}) respect every red line and give every party at least "
            "its reservation utility."
        )
    if c.consistent == 0:
        return Paragraph(
            "**No package is consistent**: the consistency constraints exclude every outcome."
        )
    if c.feasible == 0:
        return Paragraph(
            f"**There is no zone of possible agreement.** None of the {c.consistent:,} consistent "
            f"packages (of {c.outcomes:,}) respects every party's red lines at once."
        )
    return Paragraph(
        f"**There is no zone of possible agreement.** {c.feasible:,} of {c.outcomes:,} "
        f"packages ({share(c.feasible, c.outcomes)}) respect every red line, but none gives "
        "every party its reservation utility."
    )


def _conflict_blocks(scenario: Scenario) -> list[Block]:
    from simulator.analysis.diagnosis import red_line_conflicts

    conflicts = red_line_conflicts(scenario)
    heading = Heading(3, "Red lines that cannot all hold")
    if not conflicts:
        why = (
            "No single issue explains it: the red lines conflict only in combination, across "
            "issues or through the consistency constraints."
        )
        return [heading, Paragraph(why)]
    every = "Every package must therefore cross at least one red line on each of these issues."
    return [heading, BulletList(tuple(_conflict_items(scenario, conflicts))), Paragraph(every)]


def _package_blocks(
    result: SolveResult,
    point: Point,
    lead: str,
    shortfall: Sequence[float] | None,
    crossed: Sequence[str],
    max_concessions: int,
) -> list[Block]:
    """The singled-out package: each party's utility, what it asks of each, what binds."""
    short = [0.0] * len(result.scenario.parties) if shortfall is None else shortfall
    return [
        Paragraph(lead),
        _utility_table(result, point, shortfall),
        Paragraph("What it asks of each party (largest weighted losses against its best option):"),
        _asks(result, point, max_concessions),
        Heading(3, "Which red lines bind"),
        _binding(result, point, crossed, short),
    ]


def summary_blocks(
    result: SolveResult,
    *,
    max_concessions: int = 4,
    notes: bool = True,
    verdict_shown: bool = False,
) -> list[Block]:
    """The plain-words summary of a solve result for an analyst, as blocks.

    Sections: the verdict (is there a ZOPA, with the counts); when the feasible set is empty, the
    red lines that cannot hold together (:func:`~simulator.analysis.diagnosis.red_line_conflicts`);
    the package the model singles out (the Nash solution on the ZOPA, otherwise the package closest
    to agreement) with each party's utility, what it asks of each party
    (:func:`~simulator.analysis.diagnosis.concessions`) and which red lines and reservation
    utilities bind; and, with ``notes``, the scenario's own description as notes.

    Parameters
    ----------
    result
        The result of :func:`simulator.solve`.
    max_concessions
        How many concessions to name per party (the largest ones; the rest are counted).
    notes
        Whether to end with the scenario's ``description`` under "Notes" (when it has one).
    verdict_shown
        The verdict is printed just above (the solve report): give the counts without saying it
        again.
    """
    s, c = result.scenario, result.counts
    out: list[Block] = [Heading(2, "What the model finds"), *_finding(result, verdict_shown)]
    if c.feasible == 0 and c.consistent > 0:
        out += _conflict_blocks(s)
    nash = result.solutions.get("nash") if c.zopa else None
    if nash is not None:
        out.append(Heading(3, "The Nash bargaining solution"))
        lead = (
            "The package that maximises the product of the parties' gains over no deal "
            "(Nash 1950) gives:"
        )
        out += _package_blocks(result, nash, lead, None, (), max_concessions)
    elif result.closest is not None:
        cl = result.closest
        n = len(cl.crossed)
        short = [x for x in cl.shortfall if x > 0]
        how = (
            f"crosses {n} red line(s) ({_rule_list(s, cl.crossed)})" if n else "crosses no red line"
        ) + (
            f" and leaves {len(short)} party(ies) below their reservation utility"
            if short
            else " and gives every party at least its reservation utility"
        )
        lead = (
            "The package closest to agreement (fewest red lines crossed, then the smallest largest "
            "shortfall, then the largest total gain, each gain and shortfall as a share of the "
            f"party's utility range) {how}:"
        )
        out.append(Heading(3, "What comes closest"))
        out += _package_blocks(result, cl.point, lead, cl.shortfall, cl.crossed, max_concessions)
    if notes and s.description:
        out += [Heading(3, "Notes"), Paragraph(s.description.strip())]
    return out


def analyst_summary(result: SolveResult, *, max_concessions: int = 4, notes: bool = True) -> str:
    """The plain-words summary of a solve result (:func:`summary_blocks`) in Markdown, starting
    with a level-2 heading and ending with a newline."""
    return blocks_markdown(summary_blocks(result, max_concessions=max_concessions, notes=notes))


def report_summary_blocks(result: SolveResult) -> list[Block]:
    """The summary as the solve report shows it: each bullet a paragraph of its own (``•``), and
    the notes as paragraphs with their lines joined."""
    out: list[Block] = []
    # the report prints the verdict and the description above: say neither again
    for b in summary_blocks(result, notes=False, verdict_shown=True):
        if isinstance(b, BulletList):
            out += [Paragraph("• " + item) for item in b.items]
        elif isinstance(b, Paragraph) and "\n" in b.text:
            chunks = [c.strip().splitlines() for c in b.text.split("\n\n")]
            out += [Paragraph(" ".join(x.strip() for x in c)) for c in chunks if c]
        else:
            out.append(b)
    return out
