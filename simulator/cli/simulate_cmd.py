"""``bargain simulate SOURCE --protocol alternating|single-text``: a protocol, turn by turn."""

from __future__ import annotations

import argparse
from typing import Any

from simulator.analysis.protocols import (
    STRATEGIES,
    alternating_offers,
    compare_with_proposal,
    parse_strategy,
    single_text,
)
from simulator.cli._common import (
    add_source_argument,
    emit,
    force_option,
    load_source,
    plot_option,
    progress_bar,
    timings_option,
)
from simulator.cli._common import progress_option as add_progress_option
from simulator.cli._edit_args import add_edit_arguments, edited_source
from simulator.errors import ScenarioError
from simulator.limits import MAX_ROUNDS, MAX_SEED, bounded, check_budget
from simulator.model import Scenario

PROTOCOLS = ("alternating", "single-text")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "simulate",
        help="simulate a negotiation protocol: alternating offers or a mediator's single text",
        description=(
            "alternating: the stacked alternating offers protocol; each party in turn accepts the "
            "standing offer or makes its own, conceding by its strategy (Boulware, linear, "
            "Conceder, tit-for-tat) until a deadline. single-text: a mediator drafts one package "
            "and revises it round by round to meet the parties' objections (Raiffa's single "
            "negotiating text). See docs/protocols.md."
        ),
    )
    add_source_argument(p)
    p.add_argument(
        "--protocol", choices=PROTOCOLS, default="alternating", help="default alternating"
    )
    p.add_argument(
        "--rounds", type=int, default=None, metavar="N",
        help="deadline in rounds (default 50 for alternating, 30 for single-text)",
    )  # fmt: skip
    p.add_argument(
        "--strategies",
        default="linear",
        metavar="NAME",
        help=f"alternating: everyone's strategy, one of {', '.join(STRATEGIES)} or NAME:E "
        "(default linear)",
    )
    p.add_argument(
        "--strategy",
        action="append",
        default=[],
        metavar="PARTY=NAME",
        help="alternating: one party's strategy, e.g. russia=boulware (repeatable)",
    )
    p.add_argument(
        "--order", metavar="P1,P2,...", help="alternating: the order of play (default: file order)"
    )
    p.add_argument("--start", metavar="PROPOSAL", help="single-text: the starting proposal")
    p.add_argument(
        "--mediator",
        metavar="PARTY",
        help="single-text: the mediator (default united_states if present, else neutral)",
    )
    p.add_argument(
        "--max-changes", type=int, default=2, metavar="K",
        help="single-text: issues one revision may change, 1 or 2 (default 2)",
    )  # fmt: skip
    p.add_argument(
        "--compare",
        metavar="PROPOSAL",
        help="single-text: compare the final text with this proposal, issue by issue",
    )
    p.add_argument(
        "--compare-file",
        metavar="FILE",
        help="single-text: look the --compare proposal up in this scenario file (e.g. a later "
        "snapshot with the same issues)",
    )
    p.add_argument(
        "--seed", type=bounded(0, MAX_SEED), default=0, metavar="S", help="random seed (default 0)"
    )
    force_option(p, f"--rounds above {MAX_ROUNDS:,}")
    timings_option(p)
    add_edit_arguments(p, "; applied before the simulation")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    plot_option(p)
    p.add_argument(
        "--pair",
        metavar="P,Q",
        help="with --plot: the two parties of the utility-space panel (default russia,ukraine when "
        "present, else the first two)",
    )
    add_progress_option(p)
    p.set_defaults(run=run, workers=None)


def _strategy_map(args: argparse.Namespace, scenario: Scenario) -> dict[str, Any]:
    chosen: dict[str, Any] = {"*": parse_strategy(args.strategies)}
    for item in args.strategy:
        party, sep, name = item.partition("=")
        if not sep or not party.strip() or not name.strip():
            raise ScenarioError(f"--strategy takes PARTY=NAME, got {item!r}")
        try:
            chosen[scenario.party(party.strip()).id] = parse_strategy(name)
        except ScenarioError as e:
            raise e.located(path=f"--strategy {item}") from None
    return chosen


def run(args: argparse.Namespace) -> int:
    if args.rounds is not None and args.rounds < 1:
        raise ScenarioError(f"--rounds must be >= 1, got {args.rounds}")
    if args.rounds is not None:
        check_budget("--rounds", args.rounds, MAX_ROUNDS, args.force)
    if args.compare and args.protocol != "single-text":
        raise ScenarioError("--compare applies to --protocol single-text only")
    if args.compare_file and not args.compare:
        raise ScenarioError("--compare-file needs --compare PROPOSAL")
    pair: tuple[str, str] | None = None
    if args.pair:
        names = [x.strip() for x in args.pair.split(",")]
        if len(names) != 2:
            raise ScenarioError(f"--pair takes two party ids P,Q, got {args.pair!r}")
        pair = (names[0], names[1])
    scenario = edited_source(args)
    other = load_source(args.compare_file) if args.compare_file else None
    with progress_bar(args) as bar:
        if args.protocol == "alternating":
            for flag in ("start", "mediator"):
                if getattr(args, flag):
                    raise ScenarioError(f"--{flag} applies to --protocol single-text only")
            order = args.order.split(",") if args.order else None
            result = alternating_offers(
                scenario,
                _strategy_map(args, scenario),
                rounds=args.rounds or 50,
                seed=args.seed,
                order=order,
                progress=bar,
            )
        else:
            if args.strategy or args.order:
                raise ScenarioError("--strategy and --order apply to --protocol alternating only")
            result = single_text(
                scenario,
                mediator=args.mediator,
                start=args.start,
                rounds=args.rounds or 30,
                seed=args.seed,
                max_changes=args.max_changes,
                progress=bar,
            )
    rows: list[dict[str, Any]] | None = None
    if args.compare:
        rows = compare_with_proposal(result, args.compare, other)

    def data() -> dict[str, Any]:
        d = result.to_dict()
        if rows is not None:
            d["comparison"] = {"proposal": args.compare, "issues": rows}
        return d

    from simulator.plots.protocols import plot_protocol

    return emit(
        args,
        result,
        lambda: plot_protocol(result, pair=pair),
        data=data,
        compare=args.compare,
        comparison=rows,
    )
