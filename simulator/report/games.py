"""The strategic games in words: the Nash demand game (:class:`DemandGame`), concede-or-hold
(:class:`ConcedeGame`) and Rubinstein's alternating offers (:class:`RubinsteinResult`).

Each renderer reads the numbers of its result's ``to_dict()``, so the words show exactly what the
JSON says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.report.blocks import Block, BulletList, Heading, Paragraph, table
from simulator.report.registry import register

if TYPE_CHECKING:
    from simulator.analysis.strategic.concede import ConcedeGame
    from simulator.analysis.strategic.demand import DemandGame
    from simulator.analysis.strategic.rubinstein import RubinsteinResult

__all__ = ["concede_blocks", "demand_blocks", "mixed_caveat", "rubinstein_blocks"]


@register("RubinsteinResult")
def rubinstein_blocks(result: RubinsteinResult) -> list[Block]:
    """The SPE for either first mover, the shares, the agreement package (with a scenario) and the
    convergence to the weighted Nash point as rounds get shorter."""
    f = result.frontier
    a, b = f.parties
    d = result.to_dict()
    held = "" if f.scenario is None else f"; the other parties held at: {f.hold}"
    out: list[Block] = [
        Heading(1, f"Rubinstein alternating offers: {a} (first) and {b}"),
        Paragraph(
            f"Discount factors per round (month), from {result.delta_source}: "
            f"{a} {result.deltas[0]:g}, {b} {result.deltas[1]:g}."
        ),
    ]
    if any(result.delta_citations):
        cited = zip((a, b), result.delta_citations, strict=True)
        out.append(
            BulletList(tuple(f"{who}'s discount factor: {c}" for who, c in cited if c is not None))
        )
    rows = []
    for who, point in ((a, result.a_first), (b, result.b_first)):
        s = result.shares(point)
        rows.append([who, f"{point[0]:.4f}", f"{point[1]:.4f}", f"{s[0]:.4f}", f"{s[1]:.4f}"])
    out += [
        Paragraph(
            f"Frontier: {f.size} packages ({len(result.hull)} vertices of its convex hull); "
            f"disagreement point {a} {f.disagreement[0]:.4f}, {b} {f.disagreement[1]:.4f}"
            f"{held}."
        ),
        table(["first mover", f"{a} utility", f"{b} utility", f"{a} share", f"{b} share"], rows),
        Paragraph(
            "Shares are gains over the disagreement point as a fraction of the most each could "
            "gain (on the unit pie: the pie). First-mover share of "
            f"{a}: {result.first_mover_share:.6f}."
        ),
    ]
    if f.scenario is not None:
        pkg = f.package(result.agreement_row)
        items = [f"{issue}: {option}" for issue, option in pkg["outcome"].items()]
        items.append("utilities: " + ", ".join(f"{p} {u:.4f}" for p, u in pkg["utilities"].items()))
        out += [
            Paragraph(f"Agreement (nearest frontier package to the SPE, {a} first):"),
            BulletList(tuple(items)),
        ]
    w = result.weighted_nash
    steps = [
        [
            str(step["n"]),
            f"{step['deltas'][0]:.6f}",
            f"{step['deltas'][1]:.6f}",
            f"{step['a_proposes'][0]:.4f}",
            f"{step['a_proposes'][1]:.4f}",
            f"{step['distance']:.2e}",
        ]
        for step in d["convergence"]
    ]
    header = ["n (round = 1/n month)", f"delta {a}", f"delta {b}", f"{a} first: {a}"]
    header += [f"{a} first: {b}", "distance to weighted Nash"]
    return [
        *out,
        Heading(2, "As delta -> 1 (Binmore, Rubinstein & Wolinsky 1986)"),
        Paragraph(
            f"Bargaining powers from the discount rates, beta ∝ 1/(-ln delta): {a} "
            f"{result.powers[0]:.4f}, {b} {result.powers[1]:.4f}; weighted Nash point "
            f"{a} {w[0]:.4f}, {b} {w[1]:.4f}."
        ),
        table(header, steps),
    ]


def mixed_caveat(method: str, n_mixed: int, degenerate: bool, n_labels: int) -> str:
    """What the list of mixed equilibria does and does not establish."""
    if method.startswith("lemke-howson"):
        reach = (
            f"Lemke-Howson, started from each of the {n_labels} labels, reached only pure "
            "equilibria (listed above)"
            if n_mixed == 0
            else f"Lemke-Howson, started from each of the {n_labels} labels, reached these"
        )
        return f"{reach}. It follows one path per label, so it finds some equilibria, never all" + (
            "; the game is degenerate (a demand has several best replies), so this is no "
            "proof that no other mixed equilibrium exists: they can form continua."
            if degenerate
            else "."
        )
    if degenerate:
        return (
            f"{method.capitalize()} enumeration lists every equilibrium of a nondegenerate game; "
            "this game is degenerate (a demand has several best replies), so its mixed "
            "equilibria can form continua and these are representatives of them."
        )
    return f"{method.capitalize()} enumeration on a nondegenerate game: this list is complete."


@register("DemandGame")
def demand_blocks(game: DemandGame) -> list[Block]:
    """The pure equilibria (all of them), the mixed ones found, and how they relate to the NBS."""
    f = game.frontier
    a, b = f.parties
    d = game.to_dict()
    x, y = game.levels
    spacing = "the frontier levels" if game.grid is None else f"{game.grid} evenly spaced"
    rows = []
    for e in d["pure_equilibria"]["agreement"]:
        dist = e["distance_to_nash"]
        rows.append(
            [
                f"{e['demands'][a]:.4f}",
                f"{e['demands'][b]:.4f}",
                f"{e['nash_product']:.5f}",
                "-" if dist is None else f"{dist:.4f}",
            ]
        )
    for e in d["pure_equilibria"]["disagreement"]:
        demands = [f"{e['demands'][a]:.4f}", f"{e['demands'][b]:.4f}"]
        rows.append([*demands, "no deal (weak equilibrium)", "-"])
    mixed = d["mixed_equilibria"]
    found = [
        f"{a} mixes {len(e['support'][a])} demands, {b} {len(e['support'][b])}; expected "
        f"payoffs {a} {e['payoffs'][a]:.4f}, {b} {e['payoffs'][b]:.4f}"
        for e in mixed[:10]
    ]
    if len(mixed) > 10:
        found.append(f"... {len(mixed) - 10} more (see --json)")
    return [
        Heading(1, f"Nash demand game: {a} and {b}"),
        Paragraph(
            f"Frontier of {f.size} packages with the other parties held at: {f.hold}; disagreement "
            f"point {a} {f.disagreement[0]:.4f}, {b} {f.disagreement[1]:.4f}.\n"
            f"Demand levels: {len(x)} for {a}, {len(y)} for {b} ({spacing}); "
            f"{d['feasible_pairs']} of {len(x) * len(y)} pairs jointly feasible."
        ),
        Heading(
            2,
            f"Pure equilibria (all of them): {len(game.pure_agreement)} with agreement, "
            f"{len(game.pure_disagreement)} with disagreement",
        ),
        table([f"{a} demands", f"{b} demands", "Nash product", "distance to the NBS"], rows),
        Heading(2, f"Mixed equilibria found by {d['method']}: {len(mixed)}"),
        Paragraph(mixed_caveat(d["method"], len(mixed), d["degenerate"], len(x) + len(y))),
        BulletList(tuple(found)),
        Heading(2, "Relation to the Nash bargaining solution"),
        Paragraph(_relation_to_nash(d, a, b)),
    ]


def _relation_to_nash(d: dict[str, Any], a: str, b: str) -> str:
    nash = d["nash_solution"]
    if nash is None:
        return "No package gives both parties a gain: there is no Nash bargaining solution."
    u = nash["utilities"]
    text = f"NBS on this frontier: {a} {u[a]:.4f}, {b} {u[b]:.4f}."
    best = d["best_equilibrium"]
    if best is not None:
        verdict = (
            "it is the NBS (Nash 1953: smoothing the demand game selects it)"
            if d["best_equilibrium_is_nash"]
            else f"distance to the NBS {best['distance_to_nash']:.4f} (a coarser grid)"
        )
        text += (
            f"\nThe agreement equilibrium with the largest Nash product: {a} "
            f"{best['demands'][a]:.4f}, {b} {best['demands'][b]:.4f}; {verdict}."
        )
    return text


def _opens(count: int | None) -> str:
    return "" if count is None else f", opens the ZOPA with {count} of the other's"


@register("ConcedeGame")
def concede_blocks(game: ConcedeGame) -> list[Block]:
    """The payoff matrix, the equilibria, the game's structure and the candidate concessions."""
    from simulator.analysis.strategic.bimatrix import STRUCTURES  # SciPy and nashpy: load late

    a, b = game.parties
    rows, cols = game.strategies
    d = game.to_dict()
    matrix = [
        [
            game.label(e),
            *(
                f"{game.payoffs[0, i, j]:.4f}, {game.payoffs[1, i, j]:.4f}"
                + ("" if game.zopa[i, j] else " (no ZOPA)")
                for j in range(len(cols))
            ),
        ]
        for i, e in enumerate(rows)
    ]
    equilibria = []
    for e in d["equilibria"]:
        kind = "pure" if e["pure"] else "mixed"
        ra = ", ".join(f"{k} {v:.3f}" for k, v in e[a].items())
        rb = ", ".join(f"{k} {v:.3f}" for k, v in e[b].items())
        equilibria.append(
            f"{kind}: {a}: {ra}; {b}: {rb}; payoffs {a} {e['payoffs'][a]:.4f}, "
            f"{b} {e['payoffs'][b]:.4f}"
        )
    ranking, children = [], []
    for p in (a, b):
        ranked = d["ranking"][p]
        ranking.append(f"{p}: {len(ranked)} red-line concessions; the first five:")
        children.append(
            tuple(
                f"{r['edit']} (ZOPA alone {r['zopa_after']}" + _opens(r["opens_with"]) + ")"
                for r in ranked[:5]
            )
        )
    yes = {True: "yes", False: "no"}
    return [
        Heading(1, f"Concede or hold: {a} (rows) and {b} (columns)"),
        Paragraph(
            "Payoffs: each party's utility at the Nash point of the scenario with the chosen "
            "concessions applied, or its reservation when that ZOPA is empty."
        ),
        table([f"{a} \\ {b}", *(game.label(e) for e in cols)], matrix),
        Heading(2, "Equilibria"),
        BulletList(tuple(equilibria)),
        Paragraph(
            f"Conceding is (part of) an equilibrium: {yes[bool(d['conceding_is_equilibrium'])]}"
            f"; both holding is an equilibrium: {yes[bool(d['both_hold_is_equilibrium'])]}.\n"
            f"Structure of hold vs best concession: {game.structure} "
            f"({STRUCTURES.get(game.structure, '')})."
        ),
        Heading(2, "Candidate concessions, best first"),
        BulletList(tuple(ranking), children=tuple(children)),
        Paragraph(f"{d['seconds']:.1f} s, method {d['method']}."),
    ]
