"""``bargain stress SOURCE``: what edits change (``--edit``), or what it would take (``--scan``)."""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

from simulator.analysis.edits import apply_edits
from simulator.analysis.stress import MAX_SOLVES, scan_concessions, stress_test
from simulator.cli._common import (
    add_source_argument,
    emit,
    executor_of,
    executor_option,
    load_source,
    plot_option,
    progress_bar,
    time_limit_option,
)
from simulator.cli._common import progress_option as add_progress_option
from simulator.cli._edit_args import (
    add_edit_arguments,
    add_workers_argument,
    check_workers,
    edits_from_args,
)
from simulator.cli.solve_cmd import add_margins_option, with_margins
from simulator.errors import ScenarioError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "stress",
        help="stress tests: what edits (concessions) change, or which concessions open a deal",
        description=(
            "With --edit: solve the scenario before and after the edits and report the changes. "
            "With --scan: try every single concession of each party, rank them, and find the "
            "minimal sets of concessions that open an empty ZOPA (exact up to --max-set-size)."
        ),
    )
    add_source_argument(p)
    add_edit_arguments(p, "; with --scan the edits are applied first")
    p.add_argument("--scan", action="store_true", help="scan every single concession")
    p.add_argument("--party", metavar="P", help="with --scan: only this party's concessions")
    p.add_argument(
        "--max-set-size",
        type=int,
        default=3,
        metavar="K",
        help="with --scan: largest minimal concession set searched (default 3)",
    )
    p.add_argument(
        "--max-solves",
        type=int,
        default=MAX_SOLVES,
        metavar="N",
        help=f"with --scan: bound on the searches for minimal sets (default {MAX_SOLVES})",
    )
    p.add_argument(
        "--no-binding",
        action="store_true",
        help="with --edit: skip finding the binding red lines (one solve per red line)",
    )
    p.add_argument("--top", type=int, default=20, metavar="N", help="concessions shown (text)")
    p.add_argument(
        "--max-frontier",
        type=int,
        default=1000,
        metavar="N",
        help="at most N frontier points per solve in the JSON (default 1000)",
    )
    add_workers_argument(p, 1)
    executor_option(p)
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    plot_option(p)
    add_margins_option(p, None)
    add_progress_option(p)
    time_limit_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    scenario = load_source(args.source)
    edits = edits_from_args(args, scenario)
    check_workers(args)
    if not args.scan and not edits:
        raise ScenarioError("give --edit EDIT (or --edits-file FILE), or --scan")
    if args.party and not args.scan:
        raise ScenarioError("--party goes with --scan")
    with executor_of(args) as executor, progress_bar(args) as bar:
        run = {"executor": executor, "workers": args.workers, "progress": bar}
        if args.scan:
            scan = scan_concessions(
                apply_edits(scenario, edits),
                args.party,
                max_set_size=args.max_set_size,
                max_solves=args.max_solves,
                **run,
            )
        else:
            result = stress_test(scenario, edits, binding=not args.no_binding, **run)
            result = dataclasses.replace(result, edited=with_margins(args, result.edited))
    from simulator.plots import plot_scan, plot_stress

    if args.scan:

        def scan_data() -> dict[str, Any]:
            data = scan.to_dict()
            data["edits"] = [str(e) for e in edits]
            return data

        return emit(args, scan, lambda: plot_scan(scan), data=scan_data, top=args.top)
    return emit(
        args,
        result,
        lambda: plot_stress(result),
        data=lambda: result.to_dict(args.max_frontier),
    )
