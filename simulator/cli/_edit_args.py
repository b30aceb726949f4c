"""Options shared by the analysis subcommands: ``--edit``, ``--edits-file``, ``--workers``."""

from __future__ import annotations

import argparse
import os
import warnings
from pathlib import Path

import yaml

from simulator.analysis.edits import Edit, apply_edits, parse_edits
from simulator.cli._common import load_source
from simulator.errors import EditError, ScenarioError, ScenarioWarning
from simulator.formats.text_files import read_user_text
from simulator.limits import MAX_WORKERS_WARNING
from simulator.model import Scenario

__all__ = [
    "add_edit_arguments",
    "add_workers_argument",
    "check_workers",
    "edited_source",
    "edits_from_args",
    "read_edits_file",
]


def add_edit_arguments(parser: argparse.ArgumentParser, help_suffix: str = "") -> None:
    parser.add_argument(
        "--edit",
        action="append",
        default=[],
        metavar="EDIT",
        help='an edit such as "ukraine concedes nato=legal_renunciation" (repeatable; see '
        f"docs/stress-tests.md){help_suffix}",
    )
    parser.add_argument(
        "--edits-file",
        metavar="FILE",
        help="a YAML file holding a list of edit strings, applied before the --edit ones",
    )


def add_workers_argument(parser: argparse.ArgumentParser, default: int | None) -> None:
    shown = "the number of CPUs" if default is None else str(default)
    parser.add_argument(
        "--workers",
        type=int,
        default=default,
        metavar="K",
        help=f"local worker processes; 1 runs in this process (default: {shown})",
    )


def read_edits_file(path: str | Path) -> list[str]:
    """The edit strings listed in a YAML file (read with the safe loader).

    Raises
    ------
    EditError
        If the file cannot be read or is not a list of strings.
    """
    try:
        data = yaml.safe_load(read_user_text(path, "edits file"))
    except ScenarioError as e:
        raise EditError(e.message, file=str(path)) from None
    except yaml.YAMLError as e:
        raise EditError(f"cannot read the edits file: {e}", file=str(path)) from None
    except RecursionError:
        raise EditError(
            "cannot read the edits file: lists nested too deeply; give a flat list of strings",
            file=str(path),
        ) from None
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(x, str) for x in data):
        raise EditError(
            'an edits file is a YAML list of edit strings, e.g. - "russia drops redline no_nato"',
            file=str(path),
        )
    return list(data)


def edits_from_args(args: argparse.Namespace, scenario: Scenario) -> tuple[Edit, ...]:
    """Parse ``--edits-file`` then ``--edit`` against ``scenario``."""
    texts = read_edits_file(args.edits_file) if args.edits_file else []
    return parse_edits([*texts, *args.edit], scenario)


def check_workers(args: argparse.Namespace) -> None:
    """Check ``--workers`` (>= 1) and cap it at the machine's CPU cores, with a warning."""
    if args.workers is None:
        return
    if args.workers < 1:
        raise ScenarioError(f"--workers must be >= 1, got {args.workers}")
    cores = os.cpu_count() or 1
    if args.workers > cores:
        warnings.warn(
            MAX_WORKERS_WARNING.format(asked=args.workers, cores=cores),
            ScenarioWarning,
            stacklevel=2,
        )
        args.workers = cores


def edited_source(args: argparse.Namespace) -> Scenario:
    """Load ``args.source``, check ``--workers`` and apply the edits of the command line."""
    check_workers(args)
    scenario = load_source(args.source)
    return apply_edits(scenario, edits_from_args(args, scenario))
