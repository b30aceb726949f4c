"""``bargain report SOURCE --out DIR``: a report to hand to a colleague, written as files.

``report.md`` (Markdown with the figures as files beside it), ``report.html`` (one self-contained
file with the figures embedded), ``result.json`` and ``figures/*.png``, all or nothing.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from simulator.cli._common import (
    add_source_argument,
    print_json,
    progress_bar,
    timings_option,
    without_timings,
    write_files,
)
from simulator.cli.plot_cmd import add_figure_options, check_out, draw
from simulator.cli.solve_cmd import add_margins_option, solve_source
from simulator.report import (
    FigureRef,
    blocks_markdown,
    figure_caption,
    plain_text,
    report_blocks,
    report_html,
    verdict,
)
from simulator.report.ripeness import RIPENESS_CAPTION

#: The periods and the time budget of the "Over time" section of a scenario that moves.
REPORT_PERIODS = 24
REPORT_RIPENESS_SECONDS = 300.0

if TYPE_CHECKING:
    from simulator.analysis.ripeness import RipenessResult
    from simulator.model import Scenario
    from simulator.results import SolveResult


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="write a Markdown and an HTML report with figures, and the JSON result, into a folder",
        description=(
            "Solve a scenario and write report.md, report.html (self-contained, figures embedded), "
            "result.json and figures/*.png into --out, all or nothing."
        ),
    )
    add_source_argument(p)
    p.add_argument("--out", metavar="DIR", default="out", help="output folder (default: out)")
    p.add_argument("--json", action="store_true", help="print the result as JSON as well")
    timings_option(p)
    add_figure_options(p)
    add_margins_option(p, "basic")
    p.add_argument(
        "--coalitions",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="add the coalitions section and lattice (default: for 3 to 8 parties)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from simulator.plots import figure_bytes

    check_out(args.out)
    result = solve_source(args)
    drawn, data = draw(result, args, None)
    images = {f"figures/{k}.png": figure_bytes(fig, "png") for k, fig in drawn.items()}
    cloud = None if data.cloud is None else data.cloud.description
    refs = [FigureRef(k, f"figures/{k}.png", figure_caption(k, cloud)) for k in drawn]
    over_time = _ripeness(args, result.scenario)
    if over_time is not None:
        from simulator.plots import plot_ripeness

        images["figures/ripeness.png"] = figure_bytes(plot_ripeness(over_time), "png")
        refs.append(FigureRef("ripeness", "figures/ripeness.png", RIPENESS_CAPTION))
    section = _coalitions(args, result, images)
    blocks = report_blocks(
        result,
        figures=refs,
        zopa_options=data.zopa_options,
        feasible_options=data.feasible_options,
        option_rules=data.option_rules,
        proposals=data.proposals,
        ripeness=over_time,
        coalitions=section,
    )
    payload = result.to_dict(max_frontier=args.max_frontier)
    if not args.timings:
        payload = without_timings(payload)
    written = write_files(
        args.out,
        {
            "result.json": json.dumps(payload, indent=2, ensure_ascii=False) + "\n",
            "report.md": blocks_markdown(blocks),
            "report.html": report_html(blocks, images),
            **images,
        },
        owned=("figures",),
    )
    if args.json:
        print_json(payload)
    else:
        print(plain_text(verdict(result)))
        for path in written:
            print(f"wrote {path}")
    return 0


def _coalitions(
    args: argparse.Namespace, result: SolveResult, images: dict[str, bytes]
) -> list[Any]:
    """The coalitions section (and its lattice in ``images``) when asked, or by default for
    three to eight parties."""
    from simulator.analysis.coalitions import MAX_PARTIES, coalitions
    from simulator.plots import figure_bytes, plot_coalitions
    from simulator.report.coalitions import coalitions_section

    n = len(result.scenario.parties)
    wanted = args.coalitions if args.coalitions is not None else 3 <= n <= MAX_PARTIES
    if not wanted:
        return []
    found = coalitions(result.scenario, whole=result)
    images["figures/coalitions.png"] = figure_bytes(plot_coalitions(found), "png")
    return coalitions_section(found, "figures/coalitions.png")


def _ripeness(args: argparse.Namespace, scenario: Scenario) -> RipenessResult | None:
    """The ripeness of a scenario whose reservations or weights move (None for a snapshot)."""
    from simulator.analysis.ripeness import ripeness
    from simulator.analysis.timeline import has_trends

    if not has_trends(scenario):
        return None
    with progress_bar(args) as bar:
        return ripeness(scenario, REPORT_PERIODS, seconds=REPORT_RIPENESS_SECONDS, progress=bar)
