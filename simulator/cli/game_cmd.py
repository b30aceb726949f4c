"""``bargain game [SOURCE] {demand,concede,rubinstein}``: what self-interested parties would do.

See :mod:`simulator.analysis.strategic` and ``docs/strategic.md``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from simulator.cli._common import emit, plot_option, progress_bar, timings_option
from simulator.cli._common import progress_option as add_progress_option
from simulator.cli._edit_args import (
    add_edit_arguments,
    add_workers_argument,
    check_workers,
    edited_source,
)
from simulator.errors import ScenarioError

KINDS = ("demand", "concede", "rubinstein")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "game",
        help="strategic games: Nash demand game, concede-or-hold, Rubinstein alternating offers",
        description=(
            "demand: the Nash demand game of two parties on their frontier (the others held). "
            "concede: each of two parties holds its red lines or makes one of its best single "
            "concessions; payoffs at the Nash point of each resulting scenario. rubinstein: "
            "alternating offers with a discount factor per round (month), its subgame-perfect "
            "equilibrium and the limit delta -> 1 (weighted Nash). Without SOURCE, rubinstein "
            "bargains over the unit pie. See docs/strategic.md."
        ),
    )
    p.add_argument(
        "source",
        nargs="?",
        help="a scenario file (.yaml) or GENIUS folder; optional for rubinstein (unit pie)",
    )
    p.add_argument("kind", choices=KINDS, help="which game")
    p.add_argument("--parties", nargs=2, metavar=("A", "B"), help="the two players (A moves first)")
    p.add_argument(
        "--hold",
        default="nash",
        metavar="nash|reservation|PROPOSAL",
        help="demand, rubinstein: floors of the other parties: their utility at the Nash point "
        "(default), their reservation, or the worst a named proposal gives them",
    )
    p.add_argument(
        "--grid",
        type=int,
        metavar="N",
        help="demand: N evenly spaced demand levels per party (default: the frontier's own levels)",
    )
    p.add_argument(
        "--method",
        default="auto",
        choices=("auto", "support", "vertex", "lemke-howson"),
        help="demand, concede: nashpy algorithm for mixed equilibria (default auto: by size)",
    )
    p.add_argument(
        "--top",
        type=int,
        default=1,
        metavar="K",
        help="concede: concessions per party besides holding (default 1: the 2x2 game)",
    )
    patience = p.add_mutually_exclusive_group()
    patience.add_argument(
        "--delta",
        nargs=2,
        metavar=("D1", "D2"),
        help="rubinstein: discount factors per round (month) of A and B, in (0, 1] "
        "(default: the parties' `discount` in the scenario)",
    )
    patience.add_argument(
        "--monthly-cost",
        nargs=2,
        metavar=("C1", "C2"),
        help="rubinstein: share of the gain from a deal lost per month of delay, in [0, 1); "
        "delta = 1 - C",
    )
    p.add_argument(
        "--steps",
        type=int,
        default=13,
        metavar="S",
        help=(
            "rubinstein: length of the delta -> 1 series (round length 1/n, n = 1, 2, ..., 2^(S-1))"
        ),
    )
    p.add_argument(
        "--full",
        action="store_true",
        help="rubinstein --json: also print the convergence series and all details",
    )
    add_edit_arguments(p, "; applied before the game")
    timings_option(p)
    add_workers_argument(p, 1)
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    plot_option(p)
    add_progress_option(p)
    p.set_defaults(run=run)


def _numbers(values: list[str], what: str) -> list[float]:
    out = []
    for v in values:
        try:
            out.append(float(v))
        except ValueError:
            raise ScenarioError(f"{what} takes numbers, got {v!r}") from None
    return out


def _deltas(
    args: argparse.Namespace, scenario: Any, parties: tuple[str, str]
) -> tuple[list[float], str, list[str | None]]:
    """The discount factors, where they came from, and the scenario's citation for each."""
    if args.delta:
        return _numbers(args.delta, "--delta"), "given", [None, None]
    if args.monthly_cost:
        costs = _numbers(args.monthly_cost, "--monthly-cost")
        for c in costs:
            if not 0.0 <= c < 1.0:
                raise ScenarioError(f"--monthly-cost must lie in [0, 1), got {c:g}")
        return [1.0 - c for c in costs], "monthly cost", [None, None]
    if scenario is None:
        raise ScenarioError("without SOURCE, give the discount factors: --delta D1 D2")
    deltas, citations = [], []
    for pid in parties:
        party = scenario.party(pid)
        if party.discount is None:
            raise ScenarioError(
                f"party {pid!r} has no `discount` in the scenario: give --delta D1 D2"
            )
        deltas.append(float(party.discount))
        citations.append(party.discount_source)
    return deltas, "scenario", citations


def _scenario_and_parties(
    args: argparse.Namespace, needed: bool
) -> tuple[Any, tuple[str, str] | None]:
    if args.source is None:
        if needed:
            raise ScenarioError(f"bargain game {args.kind} needs a SOURCE scenario")
        if args.parties:
            raise ScenarioError("--parties needs a SOURCE scenario")
        if args.edit or args.edits_file:
            raise ScenarioError("--edit needs a SOURCE scenario")
        return None, None
    scenario = edited_source(args)
    from simulator.analysis.edits import resolve_party

    if args.parties:
        names = tuple(resolve_party(scenario, p) for p in args.parties)
    elif len(scenario.parties) == 2:
        names = tuple(scenario.party_ids)
    else:
        raise ScenarioError(
            f"the scenario has {len(scenario.parties)} parties: choose two with --parties A B "
            f"(of {', '.join(scenario.party_ids)})"
        )
    if names[0] == names[1]:
        raise ScenarioError(f"--parties needs two different parties, got {names[0]!r} twice")
    return scenario, (names[0], names[1])


def _frontier(args: argparse.Namespace, scenario: Any, parties: tuple[str, str]) -> Any:
    from simulator.analysis.strategic.frontier import bargaining_frontier

    return bargaining_frontier(scenario, parties, hold=args.hold)


def run(args: argparse.Namespace) -> int:
    check_workers(args)
    runner: dict[str, Callable[[argparse.Namespace], int]] = {
        "demand": _run_demand,
        "concede": _run_concede,
        "rubinstein": _run_rubinstein,
    }
    return runner[args.kind](args)


# --- rubinstein ----------------------------------------------------------------------------------


def _run_rubinstein(args: argparse.Namespace) -> int:
    from simulator.analysis.strategic.frontier import unit_pie_frontier
    from simulator.analysis.strategic.rubinstein import RubinsteinResult, rubinstein

    scenario, parties = _scenario_and_parties(args, needed=False)
    if scenario is None:
        frontier = unit_pie_frontier()
        deltas, origin, cited = _deltas(args, None, ("1", "2"))
    else:
        assert parties is not None
        deltas, origin, cited = _deltas(args, scenario, parties)
        frontier = _frontier(args, scenario, parties)
    result: RubinsteinResult = rubinstein(
        frontier, deltas, steps=args.steps, delta_source=origin, delta_citations=cited
    )

    def data() -> dict[str, Any]:
        return result.to_dict() if args.full else result.contract_dict()

    def draw() -> Any:
        from simulator.plots.strategic import plot_rubinstein

        return plot_rubinstein(result)

    return emit(args, result, draw, data=data)


# --- demand --------------------------------------------------------------------------------------


def _run_demand(args: argparse.Namespace) -> int:
    from simulator.analysis.strategic.demand import demand_game

    scenario, parties = _scenario_and_parties(args, needed=True)
    assert parties is not None
    game = demand_game(_frontier(args, scenario, parties), grid=args.grid, method=args.method)

    def draw() -> Any:
        from simulator.plots.strategic import plot_demand_game

        return plot_demand_game(game)

    return emit(args, game, draw)


# --- concede -------------------------------------------------------------------------------------


def _run_concede(args: argparse.Namespace) -> int:
    from simulator.analysis.strategic.concede import concede_or_hold

    scenario, parties = _scenario_and_parties(args, needed=True)
    assert parties is not None
    with progress_bar(args) as bar:
        game = concede_or_hold(
            scenario,
            parties,
            top=args.top,
            method=args.method,
            workers=args.workers,
            progress=bar,
        )

    def draw() -> Any:
        from simulator.plots.strategic import plot_concede_game

        return plot_concede_game(game)

    return emit(args, game, draw)
