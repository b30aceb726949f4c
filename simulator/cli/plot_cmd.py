"""``bargain plot SOURCE --out DIR``: the figures of a scenario, written as image files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from simulator.cli._common import (
    add_source_argument,
    print_json,
    progress_bar,
    progress_option,
    time_limit_option,
    write_files,
)
from simulator.cli.solve_cmd import solve_source
from simulator.errors import ScenarioError
from simulator.figure_registry import FIGURE_KINDS, FIGURE_TITLES, FigureData
from simulator.limits import MAX_DPI, MAX_SEED, bounded
from simulator.results import SolveResult
from simulator.solver import FRONTIER_SCOPES

if TYPE_CHECKING:  # matplotlib is imported only when a figure is drawn
    from matplotlib.figure import Figure

FORMATS = ("png", "svg", "pdf")


def add_figure_options(p: argparse.ArgumentParser) -> None:
    """Options shared by ``plot`` and ``report``: the solve options and the sample seed."""
    p.add_argument(
        "--frontier",
        choices=FRONTIER_SCOPES,
        default="zopa",
        help="which set's Pareto frontier to draw (default: zopa)",
    )
    p.add_argument("--max-frontier", type=int, default=1000, help=argparse.SUPPRESS)
    p.add_argument(
        "--disagreement",
        choices=("reservation", "worst"),
        default="reservation",
        help="disagreement point, as for `bargain solve` (default: reservation)",
    )
    p.add_argument(
        "--seed",
        type=bounded(0, MAX_SEED),
        default=0,
        help="seed of the random sample of packages drawn when the space is too large to show in "
        "full (default: 0)",
    )
    progress_option(p)
    time_limit_option(p)


def register(sub: argparse._SubParsersAction) -> None:
    kinds = "; ".join(f"{k}: {FIGURE_TITLES[k]}" for k in FIGURE_KINDS)
    p = sub.add_parser(
        "plot",
        help="draw the figures of a scenario into a folder (utility space, issue space, proposals)",
        description=f"Solve a scenario and draw its figures into --out, one file each. {kinds}.",
    )
    add_source_argument(p)
    p.add_argument("--out", metavar="DIR", required=True, help="output folder")
    p.add_argument(
        "--kind",
        choices=FIGURE_KINDS,
        action="append",
        metavar="KIND",
        help=f"a figure to draw (repeatable; default: all that apply): {', '.join(FIGURE_KINDS)}",
    )
    p.add_argument("--format", choices=FORMATS, default="png", help="image format (default: png)")
    p.add_argument("--dpi", type=int, default=150, help="resolution of PNG files (default: 150)")
    p.add_argument("--json", action="store_true", help="print the list of written files as JSON")
    add_figure_options(p)
    p.set_defaults(run=run)


def check_out(out: str) -> None:
    """Fail before the work, not after it, when ``--out`` cannot be a folder."""
    if Path(out).exists() and not Path(out).is_dir():
        raise ScenarioError(f"--out {out} exists and is not a directory")


def draw(
    result: SolveResult, args: argparse.Namespace, kinds: list[str] | None
) -> tuple[dict[str, Figure], FigureData]:
    """The figures ``kinds`` (default: all that apply) keyed by kind, and the data they show."""
    from simulator.analysis.figure_data import figure_data
    from simulator.plots import figures

    with progress_bar(args) as bar:
        data = figure_data(result, kinds, rng=args.seed, progress=bar)
    return figures(result, data, kinds=kinds), data


def run(args: argparse.Namespace) -> int:
    if not 0 < args.dpi <= MAX_DPI:
        raise ScenarioError(f"--dpi must be > 0 and at most {MAX_DPI}, got {args.dpi}")
    from simulator.plots import figure_bytes

    result = solve_source(args)
    drawn, _ = draw(result, args, args.kind)
    fmt = args.format
    files = {f"{k}.{fmt}": figure_bytes(fig, fmt, dpi=args.dpi) for k, fig in drawn.items()}
    written = write_files(args.out, files)
    if args.json:
        print_json([str(path) for path in written])
    else:
        print("\n".join(f"wrote {path}" for path in written))
    return 0
