"""``bargain montecarlo SOURCE --samples N --seed S``: sample the scenario's stated uncertainty."""

from __future__ import annotations

import argparse

from simulator.analysis.monte_carlo import MonteCarloResult, monte_carlo
from simulator.cli._common import add_source_argument, emit, plot_option, progress_bar
from simulator.cli._common import progress_option as add_progress_option
from simulator.cli._edit_args import add_edit_arguments, add_workers_argument, edited_source
from simulator.errors import ScenarioError
from simulator.results import outcome_dict


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
    p.add_argument("--seed", type=int, default=0, metavar="S", help="default 0")
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


def montecarlo_markdown(result: MonteCarloResult, top: int) -> str:
    s = result.scenario
    lo, hi = result.ci95
    lines = [f"# Monte Carlo: {s.title or s.name}", ""]
    lines.append(
        f"{result.samples:,} samples, seed {result.seed}, method {result.method}. "
        f"P(ZOPA not empty) = {result.p_zopa:.3f} (95% Wilson interval {lo:.3f}-{hi:.3f})."
    )
    lines += ["", "## Nash outcomes", "", "| frequency | package |", "|---|---|"]
    for outcome, freq in result.nash_packages(top):
        text = ", ".join(f"{k}={v}" for k, v in outcome_dict(s, outcome).items())
        lines.append(f"| {freq:.3f} | {text} |")
    if result.proposals:
        lines += ["", "## Proposals: probability that some package they allow is in the ZOPA", ""]
        lines += [f"- {pid}: {p:.3f}" for pid, p in result.proposals.items()]
    lines += ["", "## Most robust package", ""]
    if result.robust is None:
        lines.append("No package is in the ZOPA of any sample.")
    else:
        text = ", ".join(f"{k}={v}" for k, v in outcome_dict(s, result.robust).items())
        share = result.robust_count / result.samples
        lines.append(f"In the ZOPA of {share:.3f} of the samples ({result.robust_scope}): {text}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    if args.samples < 1 or args.top < 0:
        raise ScenarioError("--samples must be >= 1 and --top >= 0")
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
        lambda: result.to_dict(args.top),
        lambda: montecarlo_markdown(result, args.top),
        lambda: plot_monte_carlo(result),
    )
