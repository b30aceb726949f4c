"""`bargain stress`, `sweep` and `montecarlo` end to end: exit codes and the JSON shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
CAR = str(ROOT / "scenarios" / "textbook_car.yaml")


def run_json(capsys, *argv):
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_stress_edit_json_shape(capsys):
    data = run_json(
        capsys, "stress", CAR, "--edit", "dealer drops redline no_fire_sale", "--edit",
        "buyer reservation -0.1", "--json",
    )  # fmt: skip
    assert data["edits"] == ["dealer drops redline no_fire_sale", "buyer reservation -0.1"]
    assert data["baseline"]["counts"]["zopa"] < data["edited"]["counts"]["zopa"]
    changes = data["changes"]
    assert changes["zopa"] == [data["baseline"]["counts"]["zopa"], data["edited"]["counts"]["zopa"]]
    assert set(changes) >= {"zopa", "solutions", "red_lines_released", "red_lines_binding"}
    nash = changes["solutions"]["nash"]
    assert set(nash) >= {"before", "after", "gain"} and set(nash["gain"]) == {"buyer", "dealer"}
    assert "dealer:no_fire_sale" in changes["red_lines_released"]


def test_stress_scan_json_shape_and_edits_read_back(capsys):
    data = run_json(capsys, "stress", CAR, "--edit", "buyer reservation =0.75", "--scan", "--json")
    assert data["baseline"] == {"zopa": 0, "nash": None, "nash_product": None}
    assert data["edits"] == ["buyer reservation =0.75"]
    first = data["concessions"][0]
    assert set(first) >= {"party", "edit", "zopa_after", "nash_after", "cost_to_conceder"}
    zopas = [c["zopa_after"] for c in data["concessions"]]
    assert zopas == sorted(zopas, reverse=True) and zopas[0] > 0
    assert data["minimal_sets"] and all(isinstance(e, str) for m in data["minimal_sets"] for e in m)
    for edit in [first["edit"], *data["minimal_sets"][-1]]:
        assert main(["stress", CAR, "--edit", edit, "--json", "--no-binding"]) == 0
        capsys.readouterr()


def test_stress_scan_for_one_party_in_text(capsys):
    assert main(["stress", CAR, "--scan", "--party", "Dealer", "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert "# What would it take" in out and "dealer drops redline no_fire_sale" in out
    assert "buyer concedes" not in out


def test_stress_edits_file(tmp_path, capsys):
    path = tmp_path / "edits.yaml"
    path.write_text('- "dealer drops redline no_fire_sale"\n- buyer reservation -0.1\n')
    data = run_json(capsys, "stress", CAR, "--edits-file", str(path), "--json", "--no-binding")
    assert data["edits"] == ["dealer drops redline no_fire_sale", "buyer reservation -0.1"]
    assert data["changes"]["red_lines_released"] is None


def test_stress_text_report(capsys):
    assert main(["stress", CAR, "--edit", "buyer concedes warranty=three_years"]) == 0
    out = capsys.readouterr().out
    assert "# Stress test" in out and "ZOPA:" in out and "| nash |" in out


def test_sweep_json_shape(capsys):
    data = run_json(
        capsys, "sweep", CAR, "--param", "buyer.reservation", "--range", "0.2:0.9:8", "--json"
    )
    assert data["param"] == "buyer.reservation" and len(data["values"]) == 8
    assert len(data["zopa"]) == 8 and data["zopa"][0] > 0 and data["zopa"][-1] == 0
    assert all(len(col) == 8 for col in data["solutions"].values())
    assert any(b["what"] == "ZOPA closes" for b in data["break_even"])
    assert all(set(b) >= {"value", "what"} for b in data["break_even"])


def test_sweep_text_with_values(capsys):
    assert main(["sweep", CAR, "--param", "dealer.power", "--values", "0.5,1,2"]) == 0
    assert "# Sweep of dealer.power" in capsys.readouterr().out


def test_montecarlo_json_shape_and_seed(capsys):
    argv = ["montecarlo", CAR, "--samples", "80", "--seed", "5", "--json"]
    a = run_json(capsys, *argv, "--workers", "1")
    b = run_json(capsys, *argv, "--workers", "2")
    assert a == b
    assert a["samples"] == 80 and a["seed"] == 5
    assert 0 <= a["ci95"][0] <= a["p_zopa"] <= a["ci95"][1] <= 1
    assert set(a["proposals"]) == {"sticker", "buyer_opening"}
    assert set(a["robust_package"]) == {"outcome", "p_acceptable"}
    assert all(set(p) == {"outcome", "frequency"} for p in a["nash_packages"])


def test_montecarlo_time_limit_says_where_it_stopped(capsys):
    """A limit no round can meet: the first round (100 samples) runs, and both outputs say that
    the sampling stopped short of the 20,000 asked for."""
    argv = ["montecarlo", CAR, "--samples", "20000", "--time-limit", "1e-6", "--workers", "1"]
    a = run_json(capsys, *argv, "--json")
    assert a["samples"] == 100
    stop = [w for w in a["warnings"] if w["kind"] == "time_limit"]
    assert stop == [{"kind": "time_limit", "samples": 100, "requested": 20000, "seconds": 1e-6}]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "Stopped at the time limit:** 100 of the 20,000 samples asked for" in out


def test_sweep_time_limit_says_where_it_stopped(capsys):
    """A limit no round can meet: the first round (the ends and every 8th of 100 values) runs,
    and both outputs say the grid is coarser than asked."""
    argv = ["sweep", CAR, "--param", "buyer.reservation", "--range", "0.3:0.9:100"]
    argv += ["--time-limit", "1e-6"]
    a = run_json(capsys, *argv, "--json")
    assert len(a["values"]) == 14 and a["values"][0] == 0.3 and a["values"][-1] == 0.9
    assert a["stopped"] == {"values": 14, "requested": 100, "seconds": 1e-6}
    assert main(argv) == 0
    assert "Stopped at the time limit:** 14 of the 100 values" in capsys.readouterr().out
    assert run_json(capsys, *argv[:-2], "--json")["stopped"] is None


def test_montecarlo_text(capsys):
    assert main(["montecarlo", CAR, "--samples", "20", "--workers", "1"]) == 0
    assert "P(ZOPA not empty)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["stress", CAR], "--scan"),
        (["stress", CAR, "--edit", "buyer concedes warranty=lifetime"], "one_year"),
        (["stress", CAR, "--edit", "seller drops redline x"], "buyer"),
        (["stress", CAR, "--edit", "buyer reservation -0.1", "--party", "buyer"], "--scan"),
        (["stress", CAR, "--edits-file", "/nonexistent/edits.yaml"], "edits file"),
        (["sweep", CAR, "--param", "buyer.patience", "--range", "0:1:3"], "reservation"),
        (["sweep", CAR, "--param", "buyer.reservation", "--range", "0:1"], "LOW:HIGH:COUNT"),
        (["sweep", CAR, "--param", "buyer.reservation", "--values", "a,b"], "--values"),
        (["montecarlo", CAR, "--samples", "0"], "--samples"),
    ],
)
def test_user_mistakes_exit_2_with_a_clear_message(capsys, argv, needle):
    assert main(argv) == 2
    assert needle in capsys.readouterr().err
