"""Same input, same seed, identical output files with ``--no-timings`` (issue 22): the run time is
the one field that differs between runs, ``seconds``, and the flag drops it everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
CAR = str(ROOT / "scenarios" / "textbook_car.yaml")


@pytest.mark.parametrize(
    "argv",
    [
        ["solve", CAR, "--json"],
        ["simulate", CAR, "--rounds", "6", "--json"],
        ["game", CAR, "concede", "--json"],
    ],
)
def test_json_without_timings_is_identical_run_to_run(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = []
    for _ in range(2):
        assert main([*argv, "--no-timings"]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] and '"seconds"' not in outputs[0]
    assert main(argv) == 0
    assert '"seconds"' in capsys.readouterr().out  # still there by default


def test_report_folders_without_timings_are_identical(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("a", "b"):
        assert main(["report", CAR, "--out", str(tmp_path / name), "--no-timings"]) == 0
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.*"))
    assert files
    for f in files:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    assert "seconds" not in (tmp_path / "a" / "result.json").read_text()
    assert " s." not in (tmp_path / "a" / "report.md").read_text().split("Solved exactly")[-1]
