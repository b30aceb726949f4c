"""``bargain solve SOURCE``: exact counts, ZOPA, Pareto frontier, bargaining solutions."""

from __future__ import annotations

import argparse
import json
import time

from simulator.cli._common import (
    add_source_argument,
    emit,
    load_source,
    progress_bar,
    progress_option,
    timings_option,
    without_timings,
    write_files,
)
from simulator.errors import ScenarioError
from simulator.limits import check_time_limit
from simulator.report import to_markdown
from simulator.results import SolveResult
from simulator.solver import FRONTIER_SCOPES, NO_FRONTIER, solve
from simulator.solver.budget import time_limit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "solve",
        help="solve a scenario exactly: counts, ZOPA, Pareto frontier, bargaining solutions",
        description="Solve a scenario exactly and print a report (or JSON with --json).",
    )
    add_source_argument(p)
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument(
        "--frontier",
        choices=(*FRONTIER_SCOPES, NO_FRONTIER),
        default="zopa",
        help="which set's Pareto frontier to report (default: zopa); 'none' computes no "
        "frontier: the counts and the solutions by branch and bound, seconds where a "
        "four-party frontier of a large zone takes tens of seconds",
    )
    p.add_argument(
        "--max-frontier",
        type=int,
        default=1000,
        metavar="N",
        help=(
            "at most N frontier points in the JSON (frontier.size is the true count; default 1000)"
        ),
    )
    p.add_argument(
        "--disagreement",
        choices=("reservation", "worst"),
        default="reservation",
        help="disagreement point: the reservation utilities, or max(reservation, worst utility) "
        "(NegMAS's convention)",
    )
    p.add_argument(
        "--time-limit",
        type=float,
        metavar="S",
        help="stop the searches after S seconds: counts become lower bounds and the output says "
        "which budget ended them; --margins and --gaps get what is left, and stop the command "
        "(exit status 3) if it runs out (default: no limit; work budgets always apply)",
    )
    p.add_argument("--out", metavar="DIR", help="also write result.json and report.md into DIR")
    add_margins_option(p, None)
    p.add_argument(
        "--gaps",
        action="store_true",
        help="also every pair's own ZOPA and the issues that separate it (as `bargain gaps`)",
    )
    add_ratification_option(p)
    timings_option(p)
    progress_option(p)
    p.set_defaults(run=run)


def add_margins_option(p: argparse.ArgumentParser, default: str | None) -> None:
    """``--margins [all]``: the verdict's robustness margins (reservations and red lines; with
    ``all`` also every weight, by bisection: about ten times slower)."""
    p.add_argument(
        "--margins",
        nargs="?",
        choices=("basic", "all", "none"),
        const="basic",
        default=default,
        help="the smallest move of each reservation and red line that flips the verdict "
        "(exact; 'all' adds every weight, by bisection, and what changes the package: slower, "
        "within --time-limit or 300 s, naming what the budget did not reach"
        + (f"; default: {default})" if default else "; off by default)"),
    )


def add_ratification_option(p: argparse.ArgumentParser) -> None:
    """``--ratification nominal|expected``: choose packages by utility as signed (default) or by
    expected utility, a failed ratification counting as no deal."""
    p.add_argument(
        "--ratification",
        choices=("nominal", "expected"),
        default="nominal",
        help="choose packages by their utility as signed (nominal, the default) or by expected "
        "utility, a failed domestic ratification counting as no deal (expected); scenarios with "
        "ratification terms report each package's probability of being ratified either way",
    )


def with_margins(args: argparse.Namespace, result: SolveResult) -> SolveResult:
    """``result`` with the margins of its scenario's verdict when ``--margins`` asks for them."""
    import dataclasses

    level = getattr(args, "margins", None)
    if level in (None, "none"):
        return result
    from simulator.analysis.margins import MARGINS_SECONDS, margins

    everything = level == "all"
    budget = getattr(args, "time_limit", None) or MARGINS_SECONDS
    with progress_bar(args) as bar:
        found = margins(
            result.scenario, weights=everything, package=everything, seconds=budget, progress=bar
        )
    if not getattr(args, "timings", True):
        found = dataclasses.replace(found, seconds=0.0)
    return dataclasses.replace(result, margins=found)


def solve_source(args: argparse.Namespace) -> SolveResult:
    """Load and solve ``args.source``; ``seconds`` covers loading and solving."""
    if args.max_frontier < 0:
        raise ScenarioError(f"--max-frontier must be >= 0, got {args.max_frontier}")
    limit = check_time_limit(getattr(args, "time_limit", None))
    start = time.perf_counter()
    scenario = load_source(args.source)
    with progress_bar(args) as bar:
        result = solve(
            scenario,
            frontier=args.frontier,
            disagreement=args.disagreement,
            progress=bar,
            time_limit=limit,
        )
    import dataclasses

    seconds = time.perf_counter() - start if getattr(args, "timings", True) else 0.0
    result = dataclasses.replace(result, source=args.source, seconds=seconds)
    from simulator.analysis.ratified_solve import with_ratification

    left = None if limit is None else max(limit - (time.perf_counter() - start), 0.0)
    with time_limit(left):  # what follows the solve has what is left of --time-limit
        result = with_ratification(result, getattr(args, "ratification", "nominal"))
        result = with_margins(args, result)
        if getattr(args, "gaps", False):
            from simulator.analysis.gaps import gaps

            result = dataclasses.replace(result, gaps=gaps(scenario))
    return result


def run(args: argparse.Namespace) -> int:
    result = solve_source(args)
    data = result.to_dict(max_frontier=args.max_frontier)
    if not args.timings:
        data = without_timings(data)
    if args.out:
        write_files(
            args.out,
            {
                "result.json": json.dumps(data, indent=2, ensure_ascii=False) + "\n",
                "report.md": to_markdown(result),
            },
        )
    return emit(args, result, data=lambda: data)
