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
from simulator.report import to_markdown
from simulator.results import SolveResult
from simulator.solver import FRONTIER_SCOPES, solve


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
        choices=FRONTIER_SCOPES,
        default="zopa",
        help="which set's Pareto frontier to report (default: zopa)",
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
    p.add_argument("--out", metavar="DIR", help="also write result.json and report.md into DIR")
    timings_option(p)
    progress_option(p)
    p.set_defaults(run=run)


def solve_source(args: argparse.Namespace) -> SolveResult:
    """Load and solve ``args.source``; ``seconds`` covers loading and solving."""
    if args.max_frontier < 0:
        raise ScenarioError(f"--max-frontier must be >= 0, got {args.max_frontier}")
    start = time.perf_counter()
    scenario = load_source(args.source)
    with progress_bar(args) as bar:
        result = solve(
            scenario, frontier=args.frontier, disagreement=args.disagreement, progress=bar
        )
    import dataclasses

    seconds = time.perf_counter() - start if getattr(args, "timings", True) else 0.0
    return dataclasses.replace(result, source=args.source, seconds=seconds)


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
