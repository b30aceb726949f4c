"""Helpers shared by the subcommands: loading, progress on stderr, JSON, atomic file output."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tqdm import tqdm

from simulator.cli._output import write_files
from simulator.errors import ScenarioError
from simulator.model import Scenario

__all__ = [
    "ProgressBar",
    "add_source_argument",
    "emit",
    "executor_of",
    "executor_option",
    "force_option",
    "json_text",
    "load_source",
    "plot_option",
    "print_json",
    "progress_bar",
    "progress_option",
    "save_plot",
    "timings_option",
    "without_timings",
    "write_files",
]


def add_source_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "source", help="a scenario file (.yaml) or a GENIUS/ANAC folder (domain + profile XMLs)"
    )


def load_source(source: str) -> Scenario:
    """Load a scenario file or GENIUS folder, with a clear error if it cannot be read."""
    from simulator.formats import load_scenario

    return load_scenario(source)


def timings_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-timings",
        dest="timings",
        action="store_false",
        help="leave the run time (the `seconds` fields) out of the output, so that two runs of "
        "the same input give identical files",
    )


def without_timings(data: Any) -> Any:
    """``data`` with every ``seconds`` key removed, at any depth (``--no-timings``).

    >>> without_timings({"seconds": 1.5, "runs": [{"seconds": 2, "n": 1}]})
    {'runs': [{'n': 1}]}
    """
    if isinstance(data, dict):
        return {k: without_timings(v) for k, v in data.items() if k != "seconds"}
    if isinstance(data, list):
        return [without_timings(v) for v in data]
    return data


def json_text(args: argparse.Namespace, data: Any) -> str:
    """The JSON of a result as commands print and write it (``--no-timings`` applied)."""
    if not getattr(args, "timings", True):
        data = without_timings(data)
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, allow_nan=False)
    sys.stdout.write("\n")


class ProgressBar:
    """A progress line on stderr for long searches (tqdm): shown on a terminal, or always with
    ``enabled=True`` (``--progress``), never with ``enabled=False`` (``--no-progress``).

    Called as ``bar(stage, fraction)``, the signature every ``progress`` argument of the package
    takes; a stage ``"name\\tnote"`` (a tab between) shows the note after the bar (samples per
    second and the running estimate, say); each stage gets its own line, redrawn at most ten
    times a second. Nothing ever goes to stdout.
    """

    def __init__(self, enabled: bool | None = None, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._bar: tqdm[Any] | None = None
        self._stage = ""

    def __call__(self, stage: str, fraction: float) -> None:
        if not self.enabled:
            return
        stage, _, note = stage.partition("\t")  # "stage<TAB>note": a note after the bar
        if self._bar is None or stage != self._stage:
            self.close()
            self._stage = stage
            self._bar = tqdm(
                total=1.0,
                desc=f"{stage:<28}",
                file=self.stream,
                mininterval=0.1,
                bar_format="{desc} [{bar:30}] {percentage:5.1f}%  {elapsed}{postfix}",
                dynamic_ncols=False,
            )
        if note:
            self._bar.set_postfix_str(note, refresh=False)
        self._bar.update(min(max(fraction, 0.0), 1.0) - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


@contextmanager
def progress_bar(args: argparse.Namespace) -> Iterator[ProgressBar]:
    """The command's progress bar (``--progress``), closed however the work ends."""
    bar = ProgressBar(getattr(args, "progress", None))
    try:
        yield bar
    finally:
        bar.close()


def progress_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar on stderr (default: when stderr is a terminal)",
    )


def time_limit_option(parser: argparse.ArgumentParser) -> None:
    """``--time-limit S``: the whole command runs in a :func:`~simulator.solver.budget.time_limit`
    scope (every search and HiGHS solve ends by then; see ``cli.main``)."""
    parser.add_argument(
        "--time-limit",
        type=float,
        metavar="S",
        help="stop every search and integer programme after S seconds: a pass that can give a "
        "partial answer says which budget ended it, one that cannot stops the command with a "
        "message (exit status 3) and nothing is written (default: no limit; work budgets always "
        "apply)",
    )
    parser.set_defaults(time_limit_scope=True)


def force_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--force",
        action="store_true",
        help=f"run even beyond the stated limits ({what}; see docs/limits.md)",
    )


def executor_option(parser: argparse.ArgumentParser) -> None:
    """``--scheduler ADDRESS`` and ``--dask-local N``: where the tasks run, instead of local
    processes (``--workers``)."""
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the tasks on a running Dask cluster, e.g. tcp://10.0.0.5:8786 (needs the "
        "distributed extra); the result is the same as a local run's",
    )
    parser.add_argument(
        "--dask-local",
        type=int,
        metavar="N",
        help="start a local Dask cluster of N worker processes for this run",
    )


@contextmanager
def executor_of(args: argparse.Namespace) -> Iterator[Any]:
    """The Dask executor ``--scheduler``/``--dask-local`` ask for (None: local processes), open
    for the ``with`` block; ``args.workers`` becomes the cluster's worker count."""
    from simulator.analysis._tasks import dask_executor

    with dask_executor(getattr(args, "scheduler", None), getattr(args, "dask_local", None)) as ex:
        if ex is not None:
            args.workers = ex.workers
        yield ex


def plot_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--plot",
        metavar="FILE",
        help="also draw the result into FILE (.png, .svg or .pdf)",
    )


def save_plot(path: str | None, draw: Callable[[], Any]) -> None:
    """Draw a figure with ``draw()`` and write it to ``path`` (format from the extension)."""
    if not path:
        return
    target = Path(path)
    fmt = target.suffix.lstrip(".").lower()
    if fmt not in ("png", "svg", "pdf"):
        raise ScenarioError(f"--plot {path}: the file must end in .png, .svg or .pdf")
    from simulator.plots import figure_bytes

    data = figure_bytes(draw(), fmt)
    write_files(target.parent if str(target.parent) else ".", {target.name: data})


def emit(
    args: argparse.Namespace,
    result: Any,
    draw: Callable[[], Any] | None = None,
    *,
    data: Callable[[], Any] | None = None,
    **options: Any,
) -> int:
    """Finish a command with any result: draw ``--plot`` (if the command has it), then print
    the JSON with ``--json`` (``result.to_dict()``, or ``data()`` when the command shapes it), or
    else the result's Markdown from its registered renderer (``options`` go to the renderer).
    Returns the exit status 0."""
    from simulator.report import renderer_of, to_markdown

    if draw is not None:
        save_plot(getattr(args, "plot", None), draw)
    if getattr(args, "json", False):
        sys.stdout.write(json_text(args, result.to_dict() if data is None else data()))
    else:
        text = to_markdown(result, **options)
        sys.stdout.write(text + ("\n" if renderer_of(result).blank_line_after else ""))
    return 0
