"""``bargain montecarlo SOURCE --samples N --seed S``: sample the scenario's stated uncertainty."""

from __future__ import annotations

import argparse

from simulator.analysis.mc_stats import convergence, sample_until, with_exact
from simulator.analysis.monte_carlo import monte_carlo
from simulator.analysis.sampling import VARY, check_vary
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
        choices=("auto", "enumerate", "search", "solve"),
        default="auto",
        help="enumerate every outcome of all samples at once (small spaces), search each sample "
        "for what is reported only (branch and bound on the Nash product), or solve each sample "
        "(default: auto)",
    )
    p.add_argument(
        "--vary",
        metavar="WHAT",
        help="what varies, comma-separated: weights, reservations, red_lines (default all); the "
        "rest stays as stated. With red_lines alone, --plot draws the exact P(ZOPA) beside the "
        "estimate",
    )
    p.add_argument(
        "--zopa-sizes",
        action="store_true",
        help="with --method search: also count each sample's ZOPA (slow on large zones)",
    )
    p.add_argument(
        "--until-ci",
        type=float,
        metavar="W",
        help="sample (100, then doubling, at most --samples) until the 95%% interval of P(ZOPA) "
        "is narrower than W",
    )
    p.add_argument(
        "--time-limit",
        type=float,
        metavar="S",
        help="sample in rounds (100, then doubling, at most --samples) and stop before a round "
        "that would end past S seconds; the result is that of the last round, and says so",
    )
    p.add_argument(
        "--exact",
        action="store_true",
        help="the exact P(ZOPA) when each red line holds with its probability (weights and "
        "reservation values as stated), and the sets of red lines that block every deal",
    )
    p.add_argument(
        "--top", type=int, default=10, metavar="K", help="Nash packages listed (default 10)"
    )
    add_edit_arguments(p, "; applied before sampling")
    add_workers_argument(p, None)
    executor_option(p)
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    plot_option(p)
    add_progress_option(p)
    p.set_defaults(run=run)


def _check_exact(args: argparse.Namespace) -> None:
    """``--exact`` answers one question: refuse what it cannot honour rather than ignore it."""
    if args.plot:
        raise ScenarioError(
            "--exact gives one number and its blocking sets, no figure; to see the estimate "
            "converge to it, drop --exact and run --vary red_lines --plot FILE"
        )
    if args.vary is not None and check_vary(args.vary) != ("red_lines",):
        raise ScenarioError(
            f"--exact varies the red lines only (weights and reservation values as stated), "
            f"not --vary {args.vary}; drop --vary or give --vary red_lines"
        )
    for flag, given in (("--until-ci", args.until_ci), ("--time-limit", args.time_limit)):
        if given is not None:
            raise ScenarioError(f"--exact draws no samples: {flag} does not apply")


def run(args: argparse.Namespace) -> int:
    if args.samples < 1:
        raise ScenarioError(f"--samples must be at least 1, got {args.samples}")
    if args.top < 0:
        raise ScenarioError(f"--top must be >= 0, got {args.top}")
    check_budget("--samples", args.samples, MAX_SAMPLES, args.force)
    vary = check_vary(args.vary or ",".join(VARY))
    if args.exact:
        _check_exact(args)
    scenario = edited_source(args)
    if args.exact:
        from simulator.analysis.p_zopa import p_zopa_exact

        with progress_bar(args) as bar:
            exact = p_zopa_exact(scenario, progress=bar)
        return emit(args, exact, top=args.top)
    with executor_of(args) as executor, progress_bar(args) as bar:
        options = {"method": args.method, "vary": vary, "workers": args.workers}
        options.update(executor=executor, zopa_sizes=args.zopa_sizes)
        if args.until_ci is not None or args.time_limit is not None:
            result = sample_until(
                scenario,
                args.until_ci,
                args.samples,
                args.seed,
                seconds=args.time_limit,
                progress=bar,
                **options,
            )
        else:
            result = monte_carlo(scenario, args.samples, args.seed, progress=bar, **options)
    if args.plot:
        result = with_exact(result)
    from simulator.plots import plot_monte_carlo

    return emit(
        args,
        result,
        lambda: plot_monte_carlo(result, convergence=convergence(result.zopa > 0)),
        data=lambda: result.to_dict(args.top),
        top=args.top,
    )
