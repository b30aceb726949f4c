"""``bargain evaluate SOURCE``: how each party fares under the scenario's named proposals."""

from __future__ import annotations

import argparse

from simulator.cli._common import add_source_argument, emit, load_source
from simulator.cli.solve_cmd import add_ratification_option
from simulator.errors import ScenarioError
from simulator.evaluate import ProposalEvaluations, evaluate_proposals


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "evaluate",
        help="evaluate named proposals: utilities, red lines crossed, who prefers them to no deal",
        description=(
            "Evaluate the scenario's named proposals. A partial proposal gets each party's utility "
            "range over its completions and the completion the Nash criterion would choose."
        ),
    )
    add_source_argument(p)
    p.add_argument(
        "--proposal",
        action="append",
        default=[],
        metavar="NAME",
        help="a proposal to evaluate (repeatable)",
    )
    p.add_argument("--all-proposals", action="store_true", help="evaluate every proposal (default)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    add_ratification_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    scenario = load_source(args.source)
    if not scenario.proposals:
        raise ScenarioError(f"{args.source}: the scenario has no proposals to evaluate")
    names = None if args.all_proposals or not args.proposal else list(args.proposal)
    evaluations = tuple(evaluate_proposals(scenario, names))
    result = ProposalEvaluations(scenario, evaluations, source=args.source)
    has_terms = any(p.ratification for p in scenario.parties)
    if has_terms or args.ratification != "nominal":
        from simulator.analysis.ratified_solve import proposal_ratification

        risk, evaluations = proposal_ratification(scenario, evaluations, args.ratification)
        result = ProposalEvaluations(scenario, evaluations, args.source, ratification=risk)
    return emit(args, result)
