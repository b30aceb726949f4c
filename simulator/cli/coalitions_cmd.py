"""``bargain coalitions SOURCE``: coalitions with a zone of their own, veto players, power."""

from __future__ import annotations

import argparse

from simulator.cli._common import (
    add_source_argument,
    emit,
    load_source,
    plot_option,
    progress_bar,
    time_limit_option,
)
from simulator.cli._common import progress_option as add_progress_option


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "coalitions",
        help="coalitions with a zone of their own, veto players, pivotal parties, power indices",
        description=(
            "For every coalition of at least --min-size parties (all coalitions, for up to 8 "
            "parties): whether it has a zone of its own (only its members' red lines and "
            "reservations), its size, its Nash package and what that gives the outsiders; the "
            "veto players, pivotal parties, exact Shapley-Shubik and Banzhaf indices of the "
            "decision rule, and the deal without each party."
        ),
    )
    add_source_argument(p)
    p.add_argument(
        "--min-size", type=int, default=2, metavar="K", help="smallest coalition (default 2)"
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    plot_option(p)
    add_progress_option(p)
    time_limit_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from simulator.analysis.coalitions import coalitions

    scenario = load_source(args.source)
    with progress_bar(args) as bar:
        result = coalitions(scenario, min_size=args.min_size, progress=bar)
    from simulator.plots import plot_coalitions

    return emit(args, result, lambda: plot_coalitions(result))
