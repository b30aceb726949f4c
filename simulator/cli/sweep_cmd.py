"""``bargain sweep SOURCE --param P --range LO:HI:N``: ZOPA and solutions for each value."""

from __future__ import annotations

import argparse

from simulator.analysis.sensitivity import parse_parameter, parse_range, sweep
from simulator.cli._common import (
    add_source_argument,
    emit,
    executor_of,
    executor_option,
    force_option,
    plot_option,
    progress_bar,
)
from simulator.cli._common import progress_option as add_progress_option
from simulator.cli._edit_args import add_edit_arguments, add_workers_argument, edited_source
from simulator.errors import EditError, ScenarioError
from simulator.limits import MAX_SWEEP_POINTS, check_budget, check_time_limit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sweep",
        help="sweep one parameter: ZOPA size, solutions and break-even points per value",
        description=(
            "Solve the scenario for each value of one parameter (PARTY.reservation, "
            "PARTY.weight.ISSUE, PARTY.power or PARTY.bonus.INTERACTION) and find where the ZOPA "
            "opens or closes and where the Nash outcome changes."
        ),
    )
    add_source_argument(p)
    p.add_argument("--param", required=True, metavar="P", help="e.g. ukraine.reservation")
    grid = p.add_mutually_exclusive_group(required=True)
    grid.add_argument("--range", metavar="LO:HI:N", help="N evenly spaced values, ends included")
    grid.add_argument("--values", metavar="X,Y,...", help="comma-separated values")
    p.add_argument(
        "--refine",
        type=int,
        default=0,
        metavar="R",
        help="bisection steps per break-even point, one solve each (default 0)",
    )
    p.add_argument(
        "--time-limit",
        type=float,
        metavar="S",
        help="solve the values coarse to fine (both ends and some nine values first, then "
        "halfway between, round by round) and stop before a round that would end past S "
        "seconds; the result covers the whole range on the grid solved, and says so",
    )
    add_edit_arguments(p, "; applied before the sweep")
    add_workers_argument(p, 1)
    executor_option(p)
    force_option(p, f"more than {MAX_SWEEP_POINTS:,} values")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    plot_option(p)
    add_progress_option(p)
    p.set_defaults(run=run)


def _values(args: argparse.Namespace) -> tuple[float, ...]:
    if args.range:
        count = args.range.rpartition(":")[2].strip()
        if count.isdigit():  # before the values are made: 10**9 of them would not fit
            check_budget("the sweep's number of values", int(count), MAX_SWEEP_POINTS, args.force)
        return parse_range(args.range)
    try:
        return tuple(float(x) for x in args.values.split(","))
    except ValueError:
        raise EditError(f"--values takes comma-separated numbers, got {args.values!r}") from None


def run(args: argparse.Namespace) -> int:
    if args.refine < 0:
        raise ScenarioError("--refine must be >= 0")
    check_time_limit(args.time_limit)
    values = _values(args)
    check_budget("the sweep's number of values", len(values), MAX_SWEEP_POINTS, args.force)
    scenario = edited_source(args)
    try:
        parse_parameter(args.param, scenario)  # checked before any work, named as given
    except ScenarioError as e:
        raise e.located(path=f"--param {args.param}") from None
    with executor_of(args) as executor, progress_bar(args) as bar:
        result = sweep(
            scenario,
            args.param,
            values,
            refine=args.refine,
            executor=executor,
            workers=args.workers,
            progress=bar,
            seconds=args.time_limit,
        )
    from simulator.plots import plot_sweep

    return emit(args, result, lambda: plot_sweep(result))
