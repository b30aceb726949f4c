"""``bargain ripeness SOURCE``: when a zone opens as reservations and weights move in time."""

from __future__ import annotations

import argparse

from simulator.cli._common import (
    add_source_argument,
    emit,
    load_source,
    plot_option,
    progress_bar,
    timings_option,
)
from simulator.cli._common import progress_option as add_progress_option
from simulator.cli._edit_args import add_edit_arguments, edits_from_args
from simulator.limits import bounded, check_time_limit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ripeness",
        help="when a zone of possible agreement opens as outside options drift over time",
        description=(
            "Solve the scenario of every period t = 0..N, moving reservations and weights by "
            "their drift or path (the `periods` block of the scenario format): the ZOPA count, "
            "the Nash or closest package and each party's margin per period, the first period "
            "with a zone, and for each party the drift that would open one sooner or within 6, "
            "12 and 24 periods (exact)."
        ),
    )
    add_source_argument(p)
    p.add_argument(
        "--periods",
        type=bounded(0, 600),
        default=24,
        metavar="N",
        help="the last period to solve (default 24)",
    )
    p.add_argument(
        "--time-limit",
        type=float,
        default=None,
        metavar="SECONDS",
        help="stop starting new periods after this many seconds; the output says where it stopped",
    )
    add_edit_arguments(p, "; applied at every period (trends are kept)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    plot_option(p)
    add_progress_option(p)
    timings_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from simulator.analysis.ripeness import ripeness

    check_time_limit(args.time_limit)
    from simulator.analysis.edits import apply_edits

    scenario = load_source(args.source)
    scenario = apply_edits(scenario, edits_from_args(args, scenario))
    with progress_bar(args) as bar:
        result = ripeness(scenario, args.periods, seconds=args.time_limit, progress=bar)
    from simulator.plots import plot_ripeness

    return emit(args, result, lambda: plot_ripeness(result))
