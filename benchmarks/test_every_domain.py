"""Issue 20, target 4c: no command on any GENIUS reference domain or bundled scenario takes more
than 60 s with the default budgets.

Each command runs in a fresh process with a hard limit (:data:`HARD_CPU` CPU seconds), so a hang
fails fast and the table still shows every other row: ``bargain solve --json`` on every folder of
``../shared/data/genius`` and every ``scenarios/*.yaml``, and ``bargain report`` on every bundled
scenario. Run it as a benchmark (``pytest benchmarks/test_every_domain.py -s``: one row per command
in the session's table) or as a script (``python benchmarks/test_every_domain.py``: the table on
stdout, exit status 1 if a command failed or took more than :data:`TARGET` seconds). Each row has
the wall time and the child's CPU time: on a machine other jobs share, the CPU time is what the
command would take alone (the commands are single-threaded, HiGHS included), and the target holds
when either is within it.
"""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GENIUS = ROOT.parent / "shared" / "data" / "genius"
#: The issue's target, seconds per command.
TARGET = 60.0
#: CPU seconds past which the command is killed (``RLIMIT_CPU``): twice the target, so a slow
#: row is measured and a hang is not; CPU rather than wall time, so a loaded machine kills nothing.
HARD_CPU = int(2 * TARGET)
#: Wall-clock seconds past which the command is killed anyway (a process stuck off the CPU).
HARD_TIMEOUT = 15 * TARGET


def commands() -> list[tuple[str, list[str]]]:
    """``(label, argv after 'bargain')`` for every command of the sweep."""
    found: list[tuple[str, list[str]]] = []
    if GENIUS.is_dir():
        for folder in sorted(p for p in GENIUS.iterdir() if p.is_dir()):
            found.append((f"solve genius/{folder.name}", ["solve", str(folder), "--json"]))
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        found.append((f"solve {path.name}", ["solve", str(path), "--json"]))
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        found.append((f"report {path.name}", ["report", str(path)]))
    return found


def _limit_cpu() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (HARD_CPU, HARD_CPU + 5))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_one(argv: list[str]) -> tuple[float, float, str]:
    """Wall time and CPU time (user + system: what the command costs on an idle core, whatever
    the machine's load) of ``bargain ARGV`` in a fresh process, and its outcome (``ok``,
    ``exit N`` or ``killed``)."""
    start, cpu = time.perf_counter(), _children_cpu()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "simulator", *argv],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=HARD_TIMEOUT,
            preexec_fn=_limit_cpu,
        )
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, float("nan"), "killed"
    status = "ok" if done.returncode == 0 else f"exit {done.returncode}"
    if done.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        status = "killed"
    return time.perf_counter() - start, _children_cpu() - cpu, status


@pytest.mark.parametrize("label, argv", commands(), ids=[c[0] for c in commands()])
def test_command_within_target(record, label: str, argv: list[str]) -> None:
    seconds, cpu, status = run_one(argv)
    record(benchmark=label, seconds=seconds, cpu_seconds=cpu, status=status)
    assert status == "ok"
    assert min(seconds, cpu) <= TARGET  # CPU time when other jobs share the cores


def main() -> int:
    """Print the table; 1 if some command failed or missed the target."""
    bad = 0
    print(f"{'command':45} {'wall s':>8} {'cpu s':>8}  status")
    for label, argv in commands():
        seconds, cpu, status = run_one(argv)
        late = min(seconds, cpu) > TARGET or status != "ok"
        bad += late
        flag = "  <-- over target" if late else ""
        print(f"{label:45} {seconds:8.1f} {cpu:8.1f}  {status}{flag}", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
