"""``bargain gaps SOURCE``: the issues that separate every pair of parties, and each pair's zone."""

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
from simulator.limits import bounded


def register(sub: argparse._SubParsersAction) -> None:
    from simulator.analysis.gaps import COUNT_BUDGET

    p = sub.add_parser(
        "gaps",
        help="the issues that separate every pair of parties, and each pair's own ZOPA",
        description=(
            "For every pair of parties: whether the two alone have a zone of possible agreement "
            "(exact), its size (exact within a budget, else a lower bound with an estimate), and "
            "the issues that separate them: first those where their red lines leave no option "
            "both allow, then those where each one's favourite option costs the other most, as "
            "shares of each party's utility range."
        ),
    )
    add_source_argument(p)
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument(
        "--count-budget",
        type=bounded(0, 10**15),
        default=COUNT_BUDGET,
        metavar="N",
        help=f"outcomes each pair's ZOPA count may evaluate (default {COUNT_BUDGET:.0e}; "
        "0: no limit, exact however long it takes)",
    )
    plot_option(p)
    add_progress_option(p)
    time_limit_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from simulator.analysis.gaps import gaps

    scenario = load_source(args.source)
    budget = None if args.count_budget == 0 else args.count_budget
    with progress_bar(args) as bar:
        result = gaps(scenario, count_budget=budget, progress=bar)
    from simulator.plots.gaps import plot_gaps

    return emit(args, result, lambda: plot_gaps(result))
