"""The explorer's pairwise gaps (issue 16, item 3, on the page): ``POST /api/gaps`` is
``bargain gaps --json`` of the edited scenario plus the report's words for it, and the gap matrix
is a figure of the API, redrawn for every state."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from simulator.analysis.edits import apply_edits
from simulator.analysis.gaps import gaps
from simulator.cli import main
from simulator.explorer import Explorer, create_app
from simulator.formats import load_scenario
from simulator.formats.yaml_writer import dump_scenario_yaml
from simulator.report.gaps import gaps_blocks
from simulator.report.html import blocks_html

ROOT = Path(__file__).resolve().parents[2]
CAR = ROOT / "scenarios" / "textbook_car.yaml"
DROP = "dealer drops redline no_fire_sale"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(Explorer.load(str(CAR))))


def cli_gaps(edits: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    path = tmp_path / "edited.yaml"
    path.write_text(dump_scenario_yaml(apply_edits(load_scenario(CAR), edits)), "utf-8")
    assert main(["gaps", str(path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("edits", [[], [DROP], [DROP, "buyer concedes warranty=none"]])
def test_gaps_is_the_json_of_bargain_gaps(
    client: TestClient, tmp_path: Path, capsys: pytest.CaptureFixture[str], edits: list[str]
) -> None:
    got = client.post("/api/gaps", json={"edits": edits}).json()
    got.pop("html")
    assert got == cli_gaps(edits, tmp_path, capsys)


def test_gaps_follow_every_change(client: TestClient) -> None:
    """Dropping the dealer's price floor changes the pair's own zone and what separates them."""
    before = client.post("/api/gaps", json={"edits": []}).json()["gaps"][0]
    after = client.post("/api/gaps", json={"edits": [DROP]}).json()["gaps"][0]
    assert before["parties"] == after["parties"] == ["buyer", "dealer"]
    assert after["zopa"]["count"] > before["zopa"]["count"]


def test_gaps_words_are_the_reports(client: TestClient) -> None:
    """The page shows the words of ``bargain gaps`` (the report package), not words of its own:
    labels, not ids."""
    html = client.post("/api/gaps", json={"edits": [DROP]}).json()["html"]
    edited = apply_edits(load_scenario(CAR), [DROP])
    assert html == blocks_html(gaps_blocks(gaps(edited))[1:])
    assert "<h3>Buyer and Dealer</h3>" in html and "Their own zone of possible agreement" in html
    assert "<table>" in html and "<script" not in html


@pytest.mark.parametrize(("fmt", "magic"), [("png", b"\x89PNG"), ("svg", b"<?xml")])
def test_the_gap_matrix_is_a_figure(client: TestClient, fmt: str, magic: bytes) -> None:
    before = client.get(f"/api/figure/gaps.{fmt}")
    after = client.get(f"/api/figure/gaps.{fmt}", params={"edit": [DROP]})
    assert before.status_code == after.status_code == 200
    assert before.content.startswith(magic) and after.content != before.content
    assert client.get("/api/figure/gaps.png", params={"pair": "buyer,dealer"}).status_code == 422
    assert client.get("/api/figure/gaps.pdf").status_code == 422


def test_a_malformed_edit_is_422_with_the_cli_message(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = "dealr drops redline no_fire_sale"
    assert main(["gaps", str(CAR)]) == 0
    capsys.readouterr()
    assert main(["stress", str(CAR), "--edit", bad]) == 2
    err = capsys.readouterr().err
    response = client.post("/api/gaps", json={"edits": [bad]})
    assert response.status_code == 422
    assert f"error: {response.json()['detail']}\n" == err
    assert client.get("/api/figure/gaps.svg", params={"edit": [bad]}).status_code == 422
