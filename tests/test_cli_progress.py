"""The progress bar (tqdm): on stderr only, shown on a terminal or with --progress, never with
--no-progress; stdout keeps exactly the result."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.cli._common import ProgressBar

ROOT = Path(__file__).resolve().parents[1]
SWEEP = [
    "sweep",
    str(ROOT / "scenarios" / "textbook_car.yaml"),
    "--param",
    "buyer.reservation",
    "--range",
    "0.2:0.6:3",
    "--json",
]


def test_progress_goes_to_stderr_and_json_stays_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*SWEEP, "--progress"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["values"] == [0.2, 0.4, 0.6]
    assert "100.0%" in err and err.endswith("\n")


def test_no_progress_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*SWEEP, "--no-progress"]) == 0
    assert capsys.readouterr().err == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_default_follows_the_terminal() -> None:
    quiet, shown = io.StringIO(), _Terminal()
    for stream in (quiet, shown):
        bar = ProgressBar(stream=stream)
        bar("solving", 0.5)
        bar("solving", 1.0)
        bar("counting", 1.0)
        bar.close()
    assert quiet.getvalue() == ""
    lines = shown.getvalue().replace("\r", "\n").split("\n")
    assert any(line.startswith("solving") and "100.0%" in line for line in lines)
    assert any(line.startswith("counting") for line in lines)
