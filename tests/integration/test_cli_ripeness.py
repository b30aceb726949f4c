"""`bargain ripeness` end to end: the JSON shape of the issue, the figure, the text, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
DRIFT = str(ROOT / "scenarios" / "textbook_car_drift.yaml")


def test_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ripeness", DRIFT, "--periods", "6", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"periods", "first_open", "drift_margins", "complete", "unit"}
    first = data["periods"][0]
    assert set(first) >= {"t", "label", "zopa", "nash", "closest", "parties"}
    assert (first["t"], first["label"], first["zopa"], first["nash"]) == (0, "2025-01", 0, None)
    opened = data["periods"][data["first_open"]]
    assert opened["zopa"] > 0 and opened["nash"]["outcome"] and opened["closest"] is None
    margin = data["drift_margins"][0]
    assert margin["party"] == "buyer" and [n["within"] for n in margin["needed"]] == [6]
    low = margin["range"][0]
    assert [n["within_range"] for n in margin["needed"]] == [low <= margin["needed"][0]["drift"]]
    assert set(margin) >= {"drift", "earlier_at", "earlier_to", "later_at", "later_to", "exact"}


def test_text_and_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    figure = tmp_path / "window.png"
    assert main(["ripeness", DRIFT, "--periods", "6", "--plot", str(figure)]) == 0
    text = capsys.readouterr().out
    assert "a zone first opens in 2025-04" in text and "Whose position has to move" in text
    assert figure.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--periods", "-1"], "must be an integer from 0"),
        (["--periods", "601"], "must be an integer from 0"),
        (["--time-limit", "0"], "--time-limit must be a positive number"),
    ],
)
def test_bad_options_exit_2(argv: list[str], message: str) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "simulator", "ripeness", DRIFT, *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr


def test_a_bad_file_exits_2_naming_file_field_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        Path(DRIFT)
        .read_text(encoding="utf-8")
        .replace("drift: -0.02", "drift: -0.02\n      path: []")
    )
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "simulator",
            "ripeness",
            str(bad),
            "--plot",
            str(tmp_path / "f.png"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "bad.yaml:" in out.stderr and "parties[0].reservation.path" in out.stderr
    assert not (tmp_path / "f.png").exists()


def test_the_report_of_a_scenario_that_moves_has_an_over_time_section(tmp_path: Path) -> None:
    out = tmp_path / "drift"
    assert main(["report", DRIFT, "--out", str(out), "--no-timings"]) == 0
    text = (out / "report.md").read_text(encoding="utf-8")
    assert "## Over time: when a deal becomes possible" in text
    assert "### Whose position has to move, and how fast" in text
    assert "figures/ripeness.png" in text and (out / "figures" / "ripeness.png").exists()
    still = tmp_path / "still"
    assert main(["report", str(ROOT / "scenarios" / "textbook_car.yaml"), "--out", str(still)]) == 0
    assert "Over time" not in (still / "report.md").read_text(encoding="utf-8")
    assert not (still / "figures" / "ripeness.png").exists()


def test_edits_apply_at_every_period_and_keep_the_drift(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ripeness", DRIFT, "--periods", "4", "--json"]) == 0
    before = json.loads(capsys.readouterr().out)
    edit = ["--edit", "buyer reservation -0.1"]
    assert main(["ripeness", DRIFT, "--periods", "4", "--json", *edit]) == 0
    after = json.loads(capsys.readouterr().out)
    for b, a in zip(before["periods"], after["periods"], strict=True):
        assert a["parties"][0]["reservation"] == pytest.approx(b["parties"][0]["reservation"] - 0.1)
    assert after["first_open"] < before["first_open"]
