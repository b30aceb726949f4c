"""The ``bargain`` command: a thin shell over the public Python API.

Each subcommand lives in its own module with ``register(subparsers)`` and ``run(args) -> int``. A
user mistake (:class:`~simulator.errors.ScenarioError`) prints one clear message and exits with
status 2, without a traceback; warnings about the scenario go to stderr. A pass that cannot give a
partial answer and runs out of its budget or the command's ``--time-limit``
(:class:`~simulator.solver.budget.OverBudget`) says which, and the command exits with status 3.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
import warnings
from collections.abc import Sequence

from simulator import __version__
from simulator.cli import (
    coalitions_cmd,
    compare_cmd,
    convert_cmd,
    evaluate_cmd,
    explore_cmd,
    game_cmd,
    gaps_cmd,
    montecarlo_cmd,
    plot_cmd,
    report_cmd,
    ripeness_cmd,
    schema_cmd,
    simulate_cmd,
    solve_cmd,
    stress_cmd,
    sweep_cmd,
)
from simulator.errors import ScenarioError, ScenarioWarning
from simulator.limits import check_time_limit
from simulator.solver.budget import OverBudget, time_limit

__all__ = ["COMMANDS", "build_parser", "main"]

COMMANDS = [
    solve_cmd,
    evaluate_cmd,
    report_cmd,
    plot_cmd,
    stress_cmd,
    coalitions_cmd,
    gaps_cmd,
    compare_cmd,
    ripeness_cmd,
    sweep_cmd,
    montecarlo_cmd,
    game_cmd,
    simulate_cmd,
    convert_cmd,
    schema_cmd,
    explore_cmd,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bargain",
        description=(
            "Game-theoretic bargaining simulator: find the zone of possible agreement, the Pareto "
            "frontier and the classic bargaining solutions of a multi-party, multi-issue "
            "negotiation."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMANDS:
        module.register(sub)
    return parser


_STDOUT_ERRORS = (errno.ENOSPC, errno.EBADF, errno.EIO, errno.EDQUOT)


def _show_warning(message: warnings.WarningMessage) -> None:
    print(f"warning: {message.message}", file=sys.stderr)


def _stdout_error(exc: OSError) -> int:
    """Report an output error on stdout (a full disk, ``/dev/full``); what is buffered is lost."""
    sys.stdout = open(os.devnull, "w")
    print(f"error: cannot write to standard output: {exc.strerror or exc}", file=sys.stderr)
    return 2


def _time_limit(args: argparse.Namespace) -> float | None:
    """The ``--time-limit`` of a command that runs in a time-limit scope (``time_limit_option``),
    checked; None for the others (``solve`` passes its own to :func:`~simulator.solver.solve`)."""
    limit = getattr(args, "time_limit", None) if getattr(args, "time_limit_scope", False) else None
    return check_time_limit(limit, finite=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 2 user mistake, 3 a pass that cannot
    give a partial answer stopped at its budget or ``--time-limit``, 130 Ctrl-C)."""
    if sys.stdout is None:  # started with stdout closed (`>&-`)
        print(
            "error: standard output is closed; redirect it to a file or /dev/null", file=sys.stderr
        )
        return 2
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ScenarioWarning)
        try:
            with time_limit(_time_limit(args)):
                status = int(args.run(args))
            sys.stdout.flush()  # a full disk or /dev/full shows here, not at exit
        except OverBudget as exc:
            print(f"error: {exc.explain()}", file=sys.stderr)
            return 3
        except ScenarioError as exc:
            for w in caught:
                _show_warning(w)
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except BrokenPipeError:
            return 0
        except KeyboardInterrupt:
            print("interrupted; nothing more was written", file=sys.stderr)
            return 130
        except OSError as exc:
            if exc.errno not in _STDOUT_ERRORS or exc.filename is not None:
                raise
            return _stdout_error(exc)
    for w in caught:
        if issubclass(w.category, ScenarioWarning):
            _show_warning(w)
    return status
