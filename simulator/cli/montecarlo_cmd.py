"""``bargain montecarlo SOURCE --samples N --seed S``: sample the scenario's stated uncertainty."""

from __future__ import annotations

import argparse

from simulator.analysis.monte_carlo import monte_carlo
from simulator.cli._common import (
    add_source_argument,
    emit,
    force_option,
    plot_option,
    progress_bar,
)
from simulator.cli._common import progress_option as add_progress_option
from simulator.cli._edit_args import add_edit_arguments, add_workers_argument, edited_source
from simulator.errors import ScenarioError
from simulator.limits import MAX_SAMPLES, MAX_SEED, bounded, check_budget


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "montecarlo",
        help="Monte Carlo over uncertain weights, reservation values and red lines",
        description=(
            "Draw weights (Dirichlet), reservation values (uniform or triangular ranges) and red "
            "lines (each holds with its probability) as the scenario states, solve each sample "
            "exactly, and report P(ZOPA not empty), the Nash outcomes, the proposals' chances and "
            "the most robust package. The same seed gives the same result with any --workers."
        ),
    )
    add_source_argument(p)
    p.add_argument("--samples", type=int, default=1000, metavar="N", help="default 1000")
    p.add_argument("--seed", type=bounded(0, MAX_SEED), default=0, metavar="S", help="default 0")
    force_option(p, f"--samples above {MAX_SAMPLES:,}")
    p.add_argument(
        "--method",
        choices=("auto", "enumerate", "solve"),
        default="auto",
        help="enumerate every outcome of all samples at once (small spaces) or solve each sample "
        "(default: auto)",
    )
    p.add_argument(
        "--top", type=int, default=10, metavar="K", help="Nash packages listed (default 10)"
    )
    add_edit_arguments(p, "; applied before sampling")
    add_workers_argument(p, None)
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    plot_option(p)
    add_progress_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.samples < 1 or args.top < 0:
        raise ScenarioError("--samples must be >= 1 and --top >= 0")
    check_budget("--samples", args.samples, MAX_SAMPLES, args.force)
    scenario = edited_source(args)
    with progress_bar(args) as bar:
        result = monte_carlo(
            scenario,
            args.samples,
            args.seed,
            method=args.method,
            workers=args.workers,
            progress=bar,
        )
    from simulator.plots import plot_monte_carlo

    return emit(
        args,
        result,
        lambda: plot_monte_carlo(result),
        data=lambda: result.to_dict(args.top),
        top=args.top,
    )
