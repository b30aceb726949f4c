"""`bargain solve`, `report` and `schema` end to end.

They run through the same entry point as the console.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
CAR = str(ROOT / "scenarios" / "textbook_car.yaml")


def run_json(capsys, *argv):
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_solve_json_has_the_documented_shape(capsys):
    data = run_json(capsys, "solve", CAR, "--json")
    assert set(data) >= {
        "source", "parties", "issues", "counts", "frontier", "solutions", "closest", "seconds"
    }
    assert data["counts"] == {"outcomes": 36, "consistent": 33, "feasible": 16, "zopa": 11}
    assert [p["name"] for p in data["parties"]] == ["buyer", "dealer"]
    assert data["parties"][0]["reservation"] == 0.4 and data["parties"][0]["red_lines"] == 1
    assert data["issues"][1] == {"name": "warranty", "options": ["none", "one_year", "three_years"]}
    assert data["frontier"]["scope"] == "zopa"
    assert data["frontier"]["size"] == len(data["frontier"]["points"]) == 10
    assert set(data["solutions"]) == {
        "nash", "weighted_nash", "kalai_smorodinsky", "egalitarian", "utilitarian"
    }
    assert data["closest"] is None
    assert data["seconds"] > 0


def test_max_frontier_truncates_points_but_not_size(capsys):
    data = run_json(capsys, "solve", CAR, "--json", "--frontier", "all", "--max-frontier", "2")
    assert data["frontier"]["scope"] == "all"
    assert len(data["frontier"]["points"]) == 2
    assert data["frontier"]["size"] > 2


def test_frontier_none_gives_counts_and_solutions_without_a_frontier(capsys):
    full = run_json(capsys, "solve", CAR, "--json")
    quick = run_json(capsys, "solve", CAR, "--json", "--frontier", "none")
    assert quick["frontier"] is None and quick["frontier_outcomes"] == "not computed"
    assert quick["counts"] == full["counts"] and quick["solutions"] == full["solutions"]
    assert main(["solve", CAR, "--frontier", "none"]) == 0
    out = capsys.readouterr().out
    assert "| Nash |" in out and "Not computed (--frontier none)" in out


def test_solve_prints_a_readable_report(capsys):
    assert main(["solve", CAR]) == 0
    out = capsys.readouterr().out
    assert "## Verdict" in out and "zone of possible agreement" in out
    assert "| Nash |" in out


def test_solve_writes_out_dir(tmp_path, capsys):
    assert main(["solve", CAR, "--json", "--out", str(tmp_path / "o")]) == 0
    assert json.loads((tmp_path / "o" / "result.json").read_text())["counts"]["zopa"] == 11
    assert (tmp_path / "o" / "report.md").read_text().startswith("# Buying a car")


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["solve", "nope.yaml"], "nope.yaml"),
        (["solve", CAR, "--max-frontier", "-1"], "--max-frontier"),
    ],
)
def test_user_mistakes_exit_2_without_traceback(capsys, argv, needle):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_bad_option_value_exits_2(capsys):
    assert main(["solve", CAR, "--frontier", "everything"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_schema_prints_json_schema(capsys):
    data = run_json(capsys, "schema")
    assert data["type"] == "object" and "parties" in data["properties"]


def test_console_script_and_module_entry_points(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "simulator", "solve", CAR, "--json"],
        capture_output=True, text=True, check=True,
    )
    assert json.loads(out.stdout)["counts"]["zopa"] == 11
    bad = subprocess.run(
        [sys.executable, "-m", "simulator", "solve", str(tmp_path / "missing.yaml")],
        capture_output=True, text=True,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
