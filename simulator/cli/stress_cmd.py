"""``bargain stress SOURCE``: what edits change (``--edit``), or what it would take (``--scan``)."""

from __future__ import annotations

import argparse
from typing import Any

from simulator.analysis.edits import apply_edits
from simulator.analysis.stress import (
    MAX_SOLVES,
    ScanResult,
    StressResult,
    scan_concessions,
    stress_test,
)
from simulator.cli._common import (
    add_source_argument,
    emit,
    load_source,
    plot_option,
    progress_bar,
)
from simulator.cli._common import progress_option as add_progress_option
from simulator.cli._edit_args import add_edit_arguments, add_workers_argument, edits_from_args
from simulator.errors import ScenarioError
from simulator.model import Scenario
from simulator.results import Point


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "stress",
        help="stress tests: what edits (concessions) change, or which concessions open a deal",
        description=(
            "With --edit: solve the scenario before and after the edits and report the changes. "
            "With --scan: try every single concession of each party, rank them, and find the "
            "minimal sets of concessions that open an empty ZOPA (exact up to --max-set-size)."
        ),
    )
    add_source_argument(p)
    add_edit_arguments(p, "; with --scan the edits are applied first")
    p.add_argument("--scan", action="store_true", help="scan every single concession")
    p.add_argument("--party", metavar="P", help="with --scan: only this party's concessions")
    p.add_argument(
        "--max-set-size",
        type=int,
        default=3,
        metavar="K",
        help="with --scan: largest minimal concession set searched (default 3)",
    )
    p.add_argument(
        "--max-solves",
        type=int,
        default=MAX_SOLVES,
        metavar="N",
        help=f"with --scan: bound on the searches for minimal sets (default {MAX_SOLVES})",
    )
    p.add_argument(
        "--no-binding",
        action="store_true",
        help="with --edit: skip finding the binding red lines (one solve per red line)",
    )
    p.add_argument("--top", type=int, default=20, metavar="N", help="concessions shown (text)")
    p.add_argument(
        "--max-frontier",
        type=int,
        default=1000,
        metavar="N",
        help="at most N frontier points per solve in the JSON (default 1000)",
    )
    add_workers_argument(p, 1)
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    plot_option(p)
    add_progress_option(p)
    p.set_defaults(run=run)


def _fmt(x: float) -> str:
    return f"{x:+.3f}"


def _change_text(scenario: Scenario, before: Point | None, after: Point | None) -> str:
    """How a solution's package changes: the issues that change, or no deal on either side."""

    def full(point: Point) -> str:
        return ", ".join(
            f"{i.id}={i.options[k].id}" for i, k in zip(scenario.issues, point.outcome, strict=True)
        )

    if before is None or after is None:
        return f"{'no deal' if before is None else full(before)} -> " + (
            "no deal" if after is None else full(after)
        )
    moves = [
        f"{i.id}: {i.options[a].id} -> {i.options[b].id}"
        for i, a, b in zip(scenario.issues, before.outcome, after.outcome, strict=True)
        if a != b
    ]
    return "; ".join(moves) if moves else "unchanged"


def stress_markdown(result: StressResult) -> str:
    s = result.baseline.scenario
    parties = s.party_ids
    lines = [f"# Stress test: {s.title or s.name}", "", "Edits:"]
    lines += [f"- `{e}`" for e in result.edits]
    z0, z1 = result.baseline.counts.zopa, result.edited.counts.zopa
    lines += ["", f"ZOPA: {z0:,} -> {z1:,} outcomes", ""]
    lines.append("| solution | package change | " + " | ".join(f"gain {p}" for p in parties) + " |")
    lines.append("|---" * (2 + len(parties)) + "|")
    for name, before in result.baseline.solutions.items():
        after = result.edited.solutions.get(name)
        gain = result.gain(name)
        cells = [name, _change_text(s, before, after), *(_fmt(gain[p]) for p in parties)]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        "A gain is the utility after less the utility before; no deal counts as the reservation."
    )
    if result.binding_before is not None and result.binding_after is not None:
        released = [r for r in result.binding_before if r not in result.binding_after]
        started = [r for r in result.binding_after if r not in result.binding_before]
        lines += [
            "",
            "A red line binds when dropping it alone enlarges the ZOPA.",
            f"- stop binding: {', '.join(released) or 'none'}",
            f"- start binding: {', '.join(started) or 'none'}",
            f"- binding after: {', '.join(result.binding_after) or 'none'}",
        ]
    return "\n".join(lines)


def scan_markdown(result: ScanResult, top: int) -> str:
    s = result.scenario
    base = result.baseline
    lines = [f"# What would it take: {s.title or s.name}", ""]
    lines.append(f"Baseline ZOPA: {base.zopa:,} outcomes.")
    lines += [
        "",
        f"## Single concessions (best {min(top, len(result.concessions))} of "
        f"{len(result.concessions)})",
        "",
    ]
    lines.append("| # | concession | ZOPA after | Nash product | cost to conceder |")
    lines.append("|---|---|---|---|---|")
    for k, c in enumerate(result.concessions[:top], 1):
        product = "-" if c.nash_product is None else f"{c.nash_product:.4g}"
        cost = "-" if c.cost_to_conceder is None else _fmt(c.cost_to_conceder)
        lines.append(f"| {k} | `{c.edit}` | {c.zopa_after:,} | {product} | {cost} |")
    search: dict[str, Any] = result.search
    lines += ["", "## Minimal concession sets", ""]
    if "note" in search:
        lines.append(str(search["note"]) + ".")
    else:
        state = "complete" if search["complete"] else "stopped at the bound on work: not exhaustive"
        lines.append(
            f"Exact search up to {search['max_size']} edits over {search['candidates']} candidate "
            f"edits ({search['solves']} searches; {state})."
        )
        lines.append("")
        lines += ["- " + " + ".join(f"`{e}`" for e in m) for m in result.minimal_sets]
        if not result.minimal_sets:
            lines.append(f"- none up to {search['max_size']} edits")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    scenario = load_source(args.source)
    edits = edits_from_args(args, scenario)
    if args.workers is not None and args.workers < 1:
        raise ScenarioError(f"--workers must be >= 1, got {args.workers}")
    if not args.scan and not edits:
        raise ScenarioError("give --edit EDIT (or --edits-file FILE), or --scan")
    if args.party and not args.scan:
        raise ScenarioError("--party goes with --scan")
    with progress_bar(args) as bar:
        if args.scan:
            scan = scan_concessions(
                apply_edits(scenario, edits),
                args.party,
                max_set_size=args.max_set_size,
                max_solves=args.max_solves,
                workers=args.workers,
                progress=bar,
            )
        else:
            result = stress_test(
                scenario, edits, binding=not args.no_binding, workers=args.workers, progress=bar
            )
    from simulator.plots import plot_scan, plot_stress

    if args.scan:

        def scan_data() -> dict[str, Any]:
            data = scan.to_dict()
            data["edits"] = [str(e) for e in edits]
            return data

        return emit(args, scan_data, lambda: scan_markdown(scan, args.top), lambda: plot_scan(scan))
    return emit(
        args,
        lambda: result.to_dict(args.max_frontier),
        lambda: stress_markdown(result),
        lambda: plot_stress(result),
    )
