"""``bargain compare A B [...]``: snapshots side by side, what changed and how the answer moved."""

from __future__ import annotations

import argparse

from simulator.cli._common import emit, load_source, plot_option, time_limit_option


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare",
        help="compare snapshots: what changed in the inputs and how the answer moved",
        description=(
            "Solve two or more snapshots of a negotiation (in time order) exactly and compare "
            "them: the counts, verdict, package (Nash, or closest without a ZOPA) and utilities "
            "of each; for each step every changed input (issues, options, weights, reservations, "
            "red lines and their probabilities, terms, proposals) with its source before and "
            "after, the issues on which the package moved, and the verdict's nearest flips."
        ),
    )
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="scenario files, in time order")
    p.add_argument(
        "--label",
        action="append",
        default=[],
        metavar="NAME",
        help="a name per snapshot, in order (default: each snapshot's date, else its name)",
    )
    p.add_argument(
        "--no-margins",
        dest="margins",
        action="store_false",
        help="skip each verdict's robustness margins (faster)",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    plot_option(p)
    time_limit_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from simulator.analysis.compare import compare
    from simulator.errors import ScenarioError

    if len(args.sources) < 2:
        raise ScenarioError("compare needs at least two snapshots (SOURCE SOURCE [...])")
    scenarios = [load_source(s) for s in args.sources]
    labels = args.label or None
    result = compare(scenarios, labels=labels, margins=args.margins)
    from simulator.plots import plot_compare_timeline

    return emit(args, result, lambda: plot_compare_timeline(result))
