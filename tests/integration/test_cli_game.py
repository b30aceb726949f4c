"""`bargain game` end to end: the JSON contract, exit status 2 on bad input, --plot."""

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


def test_unit_pie_contract(capsys) -> None:
    data = run_json(capsys, "game", "rubinstein", "--delta", "0.9", "0.8", "--json")
    assert set(data) == {"first_mover_share", "shares"} and set(data["shares"]) == {"1", "2"}
    assert data["first_mover_share"] == pytest.approx((1 - 0.8) / (1 - 0.72))
    assert data["shares"]["1"] + data["shares"]["2"] == pytest.approx(1.0)


def test_scenario_contract(capsys) -> None:
    data = run_json(
        capsys, "game", CAR, "rubinstein", "--parties", "buyer", "dealer", "--delta", "0.9", "0.8",
        "--json",
    )  # fmt: skip
    assert set(data) == {"first_mover_share", "shares", "agreement"}
    assert set(data["agreement"]) == {"outcome", "utilities"}
    assert set(data["shares"]) == {"buyer", "dealer"}


def test_demand_and_concede_json(capsys) -> None:
    demand = run_json(capsys, "game", CAR, "demand", "--json")
    assert demand["best_equilibrium_is_nash"] and demand["pure_equilibria"]["complete"]
    concede = run_json(capsys, "game", CAR, "concede", "--json")
    assert concede["structure"] == "indifferent" and len(concede["profiles"]) == 4


@pytest.mark.parametrize(
    "argv",
    [
        ["game", CAR, "rubinstein", "--parties", "buyer", "nobody", "--delta", "0.9", "0.9"],
        ["game", "rubinstein", "--delta", "0.9", "1.5"],
        ["game", "rubinstein", "--delta", "1", "1"],
        ["game", "demand"],
        ["game", CAR, "rubinstein"],  # the car has no discount factors
        ["game", CAR, "demand", "--grid", "1"],
    ],
)
def test_bad_input_exits_2(argv: list[str], capsys) -> None:
    assert main(argv) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_plot(tmp_path: Path, capsys) -> None:
    for kind, extra in (("rubinstein", ["--delta", "0.9", "0.8"]), ("demand", []), ("concede", [])):
        out = tmp_path / f"{kind}.png"
        assert main(["game", CAR, kind, *extra, "--plot", str(out)]) == 0
        assert out.stat().st_size > 1000


def test_discount_sources_reach_the_report(tmp_path: Path, capsys) -> None:
    """``discount: {value, source}`` in the scenario: the factors are used, and each party's
    citation is printed under them and returned as ``delta_citations``."""
    import dataclasses

    from simulator.formats import dump_scenario_yaml, load_scenario

    car = load_scenario(CAR)
    cited = {"buyer": (0.9, "buyer: assumed, one month"), "dealer": (0.8, None)}
    parties = tuple(
        dataclasses.replace(p, discount=cited[p.id][0], discount_source=cited[p.id][1])
        for p in car.parties
    )
    path = tmp_path / "car.yaml"
    path.write_text(dump_scenario_yaml(dataclasses.replace(car, parties=parties)))
    data = run_json(capsys, "game", str(path), "rubinstein", "--full", "--json")
    assert data["deltas"] == {"buyer": 0.9, "dealer": 0.8} and data["delta_source"] == "scenario"
    assert data["delta_citations"] == {"buyer": "buyer: assumed, one month", "dealer": None}
    assert main(["game", str(path), "rubinstein"]) == 0
    text = capsys.readouterr().out
    assert "- buyer's discount factor: buyer: assumed, one month" in text
    assert "dealer's discount factor" not in text


@pytest.mark.parametrize(
    ("method", "n_mixed", "degenerate", "says"),
    [
        ("lemke-howson", 0, True, ["reached only pure equilibria", "no proof"]),
        ("lemke-howson", 3, False, ["reached these", "never all"]),
        ("support", 2, True, ["degenerate", "representatives"]),
        ("vertex", 1, False, ["this list is complete"]),
    ],
)
def test_demand_report_says_what_the_mixed_list_proves(
    method: str, n_mixed: int, degenerate: bool, says: list[str]
) -> None:
    from simulator.report.games import mixed_caveat as _mixed_caveat

    text = _mixed_caveat(method, n_mixed, degenerate, 24)
    assert all(s in text for s in says), text
    assert ("complete" in text) == (method == "vertex")
