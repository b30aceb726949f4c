"""``bargain game [SOURCE] {demand,concede,rubinstein}``: what self-interested parties would do.

See :mod:`simulator.analysis.strategic` and ``docs/strategic.md``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from simulator.cli._common import emit, plot_option, progress_bar
from simulator.cli._common import progress_option as add_progress_option
from simulator.cli._edit_args import add_edit_arguments, add_workers_argument, edited_source
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
    if args.workers is not None and args.workers < 1:
        raise ScenarioError(f"--workers must be >= 1, got {args.workers}")
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

    return emit(args, data, lambda: rubinstein_markdown(result), draw)


def rubinstein_markdown(result: Any) -> str:
    f = result.frontier
    a, b = f.parties
    d = result.to_dict()
    lines = [
        f"# Rubinstein alternating offers: {a} (first) and {b}",
        "",
        f"Discount factors per round (month), from {result.delta_source}: "
        f"{a} {result.deltas[0]:g}, {b} {result.deltas[1]:g}.",
        "",
        *(
            f"- {who}'s discount factor: {cite}"
            for who, cite in zip((a, b), result.delta_citations, strict=True)
            if cite is not None
        ),
        *([""] if any(result.delta_citations) else []),
        f"Frontier: {f.size} packages ({len(result.hull)} vertices of its convex hull); "
        f"disagreement point {a} {f.disagreement[0]:.4f}, {b} {f.disagreement[1]:.4f}"
        + ("" if f.scenario is None else f"; the other parties held at: {f.hold}")
        + ".",
        "",
        "| first mover | " + f"{a} utility | {b} utility | {a} share | {b} share |",
        "|---|---|---|---|---|",
    ]
    for who, point in ((a, result.a_first), (b, result.b_first)):
        s = result.shares(point)
        lines.append(f"| {who} | {point[0]:.4f} | {point[1]:.4f} | {s[0]:.4f} | {s[1]:.4f} |")
    lines += [
        "",
        f"Shares are gains over the disagreement point as a fraction of the most each could gain "
        f"(on the unit pie: the pie). First-mover share of {a}: {result.first_mover_share:.6f}.",
    ]
    if f.scenario is not None:
        pkg = f.package(result.agreement_row)
        lines += ["", f"Agreement (nearest frontier package to the SPE, {a} first):", ""]
        lines += [f"- {issue}: {option}" for issue, option in pkg["outcome"].items()]
        lines.append(
            "- utilities: " + ", ".join(f"{p} {u:.4f}" for p, u in pkg["utilities"].items())
        )
    w = result.weighted_nash
    lines += [
        "",
        "## As delta -> 1 (Binmore, Rubinstein & Wolinsky 1986)",
        "",
        f"Bargaining powers from the discount rates, beta ∝ 1/(-ln delta): {a} "
        f"{result.powers[0]:.4f}, {b} {result.powers[1]:.4f}; weighted Nash point {a} {w[0]:.4f}, "
        f"{b} {w[1]:.4f}.",
        "",
        f"| n (round = 1/n month) | delta {a} | delta {b} | {a} first: {a} | {a} first: {b} "
        "| distance to weighted Nash |",
        "|---|---|---|---|---|---|",
    ]
    for step in d["convergence"]:
        lines.append(
            f"| {step['n']} | {step['deltas'][0]:.6f} | {step['deltas'][1]:.6f} | "
            f"{step['a_proposes'][0]:.4f} | {step['a_proposes'][1]:.4f} | {step['distance']:.2e} |"
        )
    return "\n".join(lines)


# --- demand --------------------------------------------------------------------------------------


def _run_demand(args: argparse.Namespace) -> int:
    from simulator.analysis.strategic.demand import demand_game

    scenario, parties = _scenario_and_parties(args, needed=True)
    assert parties is not None
    game = demand_game(_frontier(args, scenario, parties), grid=args.grid, method=args.method)

    def draw() -> Any:
        from simulator.plots.strategic import plot_demand_game

        return plot_demand_game(game)

    return emit(args, game.to_dict, lambda: demand_markdown(game), draw)


def _mixed_caveat(method: str, n_mixed: int, degenerate: bool, n_labels: int) -> str:
    """What the list of mixed equilibria does and does not establish."""
    if method.startswith("lemke-howson"):
        reach = (
            f"Lemke-Howson, started from each of the {n_labels} labels, reached only pure "
            "equilibria (listed above)"
            if n_mixed == 0
            else f"Lemke-Howson, started from each of the {n_labels} labels, reached these"
        )
        return (
            f"{reach}. It follows one path per label, so it finds some equilibria, never all"
            + (
                "; the game is degenerate (a demand has several best replies), so this is no "
                "proof that no other mixed equilibrium exists: they can form continua."
                if degenerate
                else "."
            )
        )
    if degenerate:
        return (
            f"{method.capitalize()} enumeration lists every equilibrium of a nondegenerate game; "
            "this game is degenerate (a demand has several best replies), so its mixed "
            "equilibria can form continua and these are representatives of them."
        )
    return f"{method.capitalize()} enumeration on a nondegenerate game: this list is complete."


def demand_markdown(game: Any) -> str:
    f = game.frontier
    a, b = f.parties
    d = game.to_dict()
    x, y = game.levels
    lines = [
        f"# Nash demand game: {a} and {b}",
        "",
        f"Frontier of {f.size} packages with the other parties held at: {f.hold}; disagreement "
        f"point {a} {f.disagreement[0]:.4f}, {b} {f.disagreement[1]:.4f}.",
        f"Demand levels: {len(x)} for {a}, {len(y)} for {b} "
        f"({'the frontier levels' if game.grid is None else f'{game.grid} evenly spaced'}); "
        f"{d['feasible_pairs']} of {len(x) * len(y)} pairs jointly feasible.",
        "",
        f"## Pure equilibria (all of them): {len(game.pure_agreement)} with agreement, "
        f"{len(game.pure_disagreement)} with disagreement",
        "",
        f"| {a} demands | {b} demands | Nash product | distance to the NBS |",
        "|---|---|---|---|",
    ]
    for e in d["pure_equilibria"]["agreement"]:
        dist = e["distance_to_nash"]
        lines.append(
            f"| {e['demands'][a]:.4f} | {e['demands'][b]:.4f} | {e['nash_product']:.5f} | "
            f"{'-' if dist is None else f'{dist:.4f}'} |"
        )
    for e in d["pure_equilibria"]["disagreement"]:
        lines.append(
            f"| {e['demands'][a]:.4f} | {e['demands'][b]:.4f} | no deal (weak equilibrium) | - |"
        )
    mixed = d["mixed_equilibria"]
    lines += ["", f"## Mixed equilibria found by {d['method']}: {len(mixed)}", ""]
    lines.append(_mixed_caveat(d["method"], len(mixed), d["degenerate"], len(x) + len(y)))
    lines.append("")
    for e in mixed[:10]:
        lines.append(
            f"- {a} mixes {len(e['support'][a])} demands, {b} {len(e['support'][b])}; expected "
            f"payoffs {a} {e['payoffs'][a]:.4f}, {b} {e['payoffs'][b]:.4f}"
        )
    if len(mixed) > 10:
        lines.append(f"- ... {len(mixed) - 10} more (see --json)")
    lines += ["", "## Relation to the Nash bargaining solution", ""]
    nash = d["nash_solution"]
    if nash is None:
        lines.append("No package gives both parties a gain: there is no Nash bargaining solution.")
    else:
        u = nash["utilities"]
        lines.append(f"NBS on this frontier: {a} {u[a]:.4f}, {b} {u[b]:.4f}.")
        best = d["best_equilibrium"]
        if best is not None:
            verdict = (
                "it is the NBS (Nash 1953: smoothing the demand game selects it)"
                if d["best_equilibrium_is_nash"]
                else f"distance to the NBS {best['distance_to_nash']:.4f} (a coarser grid)"
            )
            lines.append(
                f"The agreement equilibrium with the largest Nash product: {a} "
                f"{best['demands'][a]:.4f}, {b} {best['demands'][b]:.4f}; {verdict}."
            )
    return "\n".join(lines)


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

    return emit(args, game.to_dict, lambda: concede_markdown(game), draw)


def concede_markdown(game: Any) -> str:
    from simulator.analysis.strategic.bimatrix import STRUCTURES

    a, b = game.parties
    rows, cols = game.strategies
    d = game.to_dict()
    lines = [
        f"# Concede or hold: {a} (rows) and {b} (columns)",
        "",
        "Payoffs: each party's utility at the Nash point of the scenario with the chosen "
        "concessions applied, or its reservation when that ZOPA is empty.",
        "",
        f"| {a} \\ {b} | " + " | ".join(game.label(e) for e in cols) + " |",
        "|---" * (1 + len(cols)) + "|",
    ]
    for i, e in enumerate(rows):
        cells = [
            f"{game.payoffs[0, i, j]:.4f}, {game.payoffs[1, i, j]:.4f}"
            + ("" if game.zopa[i, j] else " (no ZOPA)")
            for j in range(len(cols))
        ]
        lines.append(f"| {game.label(e)} | " + " | ".join(cells) + " |")
    lines += ["", "## Equilibria", ""]
    for e in d["equilibria"]:
        kind = "pure" if e["pure"] else "mixed"
        ra = ", ".join(f"{k} {v:.3f}" for k, v in e[a].items())
        rb = ", ".join(f"{k} {v:.3f}" for k, v in e[b].items())
        lines.append(
            f"- {kind}: {a}: {ra}; {b}: {rb}; payoffs {a} {e['payoffs'][a]:.4f}, "
            f"{b} {e['payoffs'][b]:.4f}"
        )
    lines += [
        "",
        f"Conceding is (part of) an equilibrium: {'yes' if d['conceding_is_equilibrium'] else 'no'}"
        f"; both holding is an equilibrium: {'yes' if d['both_hold_is_equilibrium'] else 'no'}.",
        f"Structure of hold vs best concession: {game.structure} "
        f"({STRUCTURES.get(game.structure, '')}).",
        "",
        "## Candidate concessions, best first",
        "",
    ]
    for p in (a, b):
        ranked = d["ranking"][p]
        lines.append(f"- {p}: {len(ranked)} red-line concessions; the first five:")
        for r in ranked[:5]:
            extra = (
                ""
                if r["opens_with"] is None
                else f", opens the ZOPA with {r['opens_with']} of the other's"
            )
            lines.append(f"  - {r['edit']} (ZOPA alone {r['zopa_after']}{extra})")
    lines.append(f"\n{d['seconds']:.1f} s, method {d['method']}.")
    return "\n".join(lines)
