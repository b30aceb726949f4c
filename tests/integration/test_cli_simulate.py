"""`bargain simulate` end to end: the JSON shape, the text output, --plot, --edit and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
CAR = str(ROOT / "scenarios" / "textbook_car.yaml")


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_alternating_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "simulate", CAR, "--rounds", "5", "--json")
    assert data["protocol"] == "alternating" and data["seed"] == 0 and data["rounds"] == 5
    assert data["agreed"] is True and data["agreement_round"] == 4
    assert data["agreement"]["outcome"] == {
        "price": "26", "warranty": "three_years", "delivery": "fast",
    }  # fmt: skip
    assert set(data["agreement"]["utilities"]) == {"buyer", "dealer"}
    assert data["settings"]["strategies"] == {"buyer": "linear(e=1)", "dealer": "linear(e=1)"}
    assert data["settings"]["pool"] == {"size": 33, "exact": True, "sample": 0}
    d = data["distances"]
    assert d["frontier"] == "zopa" and d["on_frontier"] and d["is_nash"]
    assert d["frontier_distance"] == 0.0 and d["nash_distance"] == 0.0
    first, last = data["history"][0], data["history"][-1]
    assert set(first) >= {
        "round",
        "party",
        "action",
        "package",
        "utilities",
        "accepted_by",
        "target",
    }
    assert (last["party"], last["action"], last["accepted_by"]) == (
        "buyer",
        "accept",
        ["dealer", "buyer"],
    )
    assert data["verdict"].startswith("Agreement in round 4")


def test_strategy_per_party_and_seed_reproducible(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["simulate", CAR, "--strategies", "conceder", "--strategy", "dealer=boulware",
            "--seed", "7", "--json"]  # fmt: skip
    a = run_json(capsys, *argv)
    b = run_json(capsys, *argv)
    a.pop("seconds"), b.pop("seconds")
    assert a == b
    assert a["settings"]["strategies"] == {"buyer": "conceder(e=2)", "dealer": "boulware(e=0.2)"}


def test_single_text_json_and_compare(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(
        capsys, "simulate", CAR, "--protocol", "single-text", "--start", "sticker",
        "--compare", "buyer_opening", "--json",
    )  # fmt: skip
    assert data["protocol"] == "single-text" and data["agreed"]
    assert data["settings"]["mediator"] == "mediator" and data["settings"]["start"] == "sticker"
    text0 = data["history"][0]
    assert text0["action"] == "text" and text0["objections"] == {"buyer": ["below_reservation"]}
    assert text0["requests"]["buyer"][0] == {"issue": "price", "option": "20", "gain": 0.5}
    assert data["history"][1]["changes"] == [{"issue": "price", "from": "26", "to": "22"}]
    rows = {r["issue"]: r for r in data["comparison"]["issues"]}
    assert rows["price"]["text_move"] == "down" and rows["price"]["proposal_move"] == "down"
    assert rows["delivery"]["proposal_move"] == "open"


def test_text_output_has_the_table_and_the_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", CAR, "--rounds", "5"]) == 0
    out = capsys.readouterr().out
    assert "| round | party | action | target | buyer | dealer |" in out
    assert "## Verdict" in out and "the Nash package itself" in out
    assert main(["simulate", CAR, "--protocol", "single-text", "--mediator", "dealer"]) == 0
    out = capsys.readouterr().out
    assert "| text | buyer | dealer | accepted by | objections | changes |" in out
    assert "Mediator: dealer" in out


def test_edit_and_no_agreement(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(
        capsys, "simulate", CAR, "--edit", "buyer reservation =0.9", "--rounds", "6", "--json"
    )
    assert data["agreed"] is False and data["agreement"] is None
    assert "ZOPA is empty" in data["reasons"][0]
    assert data["parties"][0] == {"name": "buyer", "reservation": 0.9}


def test_plot_writes_a_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "run.png"
    assert main(["simulate", CAR, "--plot", str(target)]) == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    target = tmp_path / "text.svg"
    assert main(["simulate", CAR, "--protocol", "single-text", "--start", "sticker",
                 "--plot", str(target)]) == 0  # fmt: skip
    assert b"<svg" in target.read_bytes()[:500]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--strategy", "seller=linear"], "no party 'seller'"),
        (["--strategy", "buyer"], "PARTY=NAME"),
        (["--strategies", "greedy"], "unknown strategy"),
        (["--rounds", "0"], "--rounds must be >= 1"),
        (["--protocol", "single-text", "--start", "nope"], "no proposal 'nope'"),
        (["--protocol", "single-text"], "neutral mediator needs"),
        (["--protocol", "single-text", "--mediator", "seller"], "no party 'seller'"),
        (["--start", "sticker"], "single-text only"),
        (
            ["--protocol", "single-text", "--start", "sticker", "--strategy", "buyer=linear"],
            "alternating only",
        ),
        (["--compare", "sticker"], "single-text only"),
        (["--edit", "seller drops redline x"], "seller"),
        (["--order", "buyer"], "order must list every party"),
        (["--plot", "out.txt"], ".png, .svg or .pdf"),
        (["--plot", "out.png", "--pair", "buyer"], "two party ids"),
        (["--plot", "out.png", "--pair", "buyer,buyer"], "two different parties"),
        (["--plot", "out.png", "--pair", "buyer,seller"], "no party 'seller'"),
    ],
)
def test_bad_input_exits_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    assert main(["simulate", CAR, *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and message in err
