"""``bargain report SOURCE --out DIR``: the solve report and its JSON, written as files."""

from __future__ import annotations

import argparse
import json
import sys

from simulator.cli._common import add_source_argument, progress_option, write_files
from simulator.cli.solve_cmd import solve_source
from simulator.report import solve_markdown, verdict


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "report",
        help="write a Markdown report and the JSON result of a scenario into a folder",
        description="Solve a scenario and write report.md and result.json into --out.",
    )
    add_source_argument(p)
    p.add_argument("--out", metavar="DIR", default="out", help="output folder (default: out)")
    p.add_argument(
        "--frontier", choices=("all", "feasible", "zopa"), default="zopa", help=argparse.SUPPRESS
    )
    p.add_argument("--max-frontier", type=int, default=1000, help=argparse.SUPPRESS)
    p.add_argument(
        "--disagreement", choices=("reservation", "worst"), default="reservation", help=argparse.SUPPRESS
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON as well")
    progress_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    result = solve_source(args)
    data = result.to_dict(max_frontier=args.max_frontier)
    written = write_files(
        args.out,
        {
            "result.json": json.dumps(data, indent=2, ensure_ascii=False) + "\n",
            "report.md": solve_markdown(result),
        },
    )
    if args.json:
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(verdict(result).replace("**", ""))
        for path in written:
            print(f"wrote {path}")
    return 0
