"""The explorer's JSON API with FastAPI's test client: the answers equal the CLI's, and the server
is safe by default (only its own scenario, bounded requests, edits checked before solving)."""

from __future__ import annotations

import json
import threading
import time
import warnings
from pathlib import Path

import pytest
import yaml

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():  # starlette asks for httpx2; httpx still works
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from simulator.analysis.edits import apply_edits
from simulator.cli import main
from simulator.explorer import MAX_EDITS, Explorer, create_app
from simulator.explorer import session as session_module
from simulator.formats import load_scenario
from simulator.formats.yaml_writer import dump_scenario_yaml
from simulator.plots.style import party_colours

ROOT = Path(__file__).resolve().parents[2]
CAR = "scenarios/textbook_car.yaml"
DROP = "dealer drops redline no_fire_sale"


@pytest.fixture(scope="module")
def explorer() -> Explorer:
    return Explorer.load(str(ROOT / CAR))


@pytest.fixture()
def client(explorer: Explorer) -> TestClient:
    return TestClient(create_app(explorer))


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_scenario_has_labels_colours_and_stated_uncertainty(client: TestClient) -> None:
    data = client.get("/api/scenario").json()
    car = load_scenario(ROOT / CAR)
    assert [p["label"] for p in data["parties"]] == [p.display for p in car.parties]
    assert {p["id"]: p["colour"] for p in data["parties"]} == party_colours(car)
    dealer = data["parties"][1]
    assert [r["id"] for r in dealer["red_lines"]] == ["no_fire_sale"]
    assert 0 <= dealer["red_lines"][0]["probability"] <= 1
    assert data["issues"][0]["options"][0]["values"]["buyer"] == 1.0
    assert [p["id"] for p in data["proposals"]] == [p.id for p in car.proposals]


@pytest.mark.parametrize("edits", [[], [DROP], [DROP, "buyer concedes warranty=none"]])
def test_solve_is_the_json_of_bargain_solve(
    client: TestClient, capsys: pytest.CaptureFixture[str], tmp_path: Path, edits: list[str]
) -> None:
    edited = apply_edits(load_scenario(ROOT / CAR), edits)
    path = tmp_path / "edited.yaml"
    path.write_text(dump_scenario_yaml(edited), encoding="utf-8")
    status, out, _ = cli(capsys, "solve", str(path), "--json")
    assert status == 0
    expected = json.loads(out)
    del expected["seconds"]
    got = client.post("/api/solve", json={"edits": edits}).json()
    assert got.pop("source") == str(ROOT / CAR)
    expected.pop("source")
    assert got == expected


def test_evaluate_is_the_json_of_bargain_evaluate(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = cli(capsys, "evaluate", str(ROOT / CAR), "--json")
    assert status == 0
    assert client.post("/api/evaluate", json={"edits": []}).json() == json.loads(out)


@pytest.mark.parametrize(
    "bad", ["dealr drops redline no_fire_sale", "buyer concedes warranty=forever", "buyer frobs"]
)
def test_a_malformed_edit_is_422_with_the_cli_message(
    client: TestClient, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    status, _, err = cli(capsys, "stress", str(ROOT / CAR), "--edit", bad)
    assert status == 2
    for path in ("/api/solve", "/api/evaluate", "/api/view", "/api/scan"):
        response = client.post(path, json={"edits": [DROP, bad]})
        assert response.status_code == 422, path
        assert f"error: {response.json()['detail']}\n" == err
    response = client.get("/api/figure/utility_space.png", params={"edit": [bad]})
    assert response.status_code == 422


def test_edits_are_validated_before_anything_is_solved(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = session_module.View.result
    monkeypatch.setattr(session_module.View, "result", lambda self: calls.append(1) or real(self))
    assert (
        client.post("/api/solve", json={"edits": [DROP, "buyer weight nothing *2"]}).status_code
        == 422
    )
    assert calls == []


def test_view_gives_canonical_edits_and_the_report_words(client: TestClient) -> None:
    data = client.post("/api/view", json={"edits": ["Dealer drops redline no_fire_sale"]}).json()
    assert data["edits"] == [DROP]
    assert "<strong>There is a zone of possible agreement</strong>" in data["verdict_html"]
    assert "<table>" in data["report_html"] and "<script" not in data["report_html"]


def test_view_says_how_sure_the_verdict_is(explorer: Explorer, client: TestClient) -> None:
    from simulator.analysis.margins import margins

    data = client.post("/api/view", json={"edits": []}).json()
    expected = margins(explorer.scenario, weights=False).to_dict()  # `solve --margins --json`
    assert data["margins"] == expected["margins"]
    timing = "seconds"
    assert data["robustness"].pop(timing) >= 0
    expected["robustness"].pop(timing)
    assert data["robustness"] == expected["robustness"]
    assert data["sure_html"].startswith("<h3>How sure is this</h3>")
    assert "A ZOPA exists; it closes if Buyer's reservation rises above" in data["sure_html"]
    assert "How sure is this" in data["report_html"]  # the full report carries the box too
    dropped = client.post("/api/view", json={"edits": [DROP]}).json()
    edited = explorer.view([DROP]).scenario
    assert dropped["margins"] == margins(edited, weights=False).to_dict()["margins"]


@pytest.mark.parametrize(("fmt", "magic"), [("png", b"\x89PNG"), ("svg", b"<?xml")])
def test_figures_as_png_and_svg(client: TestClient, fmt: str, magic: bytes) -> None:
    response = client.get(f"/api/figure/utility_space.{fmt}", params={"edit": [DROP]})
    assert response.status_code == 200
    assert response.content.startswith(magic)
    for bad in ("/api/figure/nothing.png", "/api/figure/utility_space.pdf"):
        assert client.get(bad).status_code == 422


def test_figures_are_drawn_from_the_solved_view(
    explorer: Explorer, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second request for a state solves nothing; a figure reuses the solve."""
    import simulator.solver

    edits = ["buyer reservation -0.05"]
    client.post("/api/solve", json={"edits": edits})
    solves = []
    real = simulator.solver.solve
    monkeypatch.setattr(
        simulator.solver, "solve", lambda *a, **k: solves.append(1) or real(*a, **k)
    )
    client.post("/api/solve", json={"edits": edits})
    client.get("/api/figure/option_map.png", params={"edit": edits})
    assert solves == []


def test_at_most_64_edits(client: TestClient) -> None:
    response = client.post(
        "/api/solve", json={"edits": ["buyer reservation +0.001"] * (MAX_EDITS + 1)}
    )
    assert response.status_code == 422
    assert f"at most {MAX_EDITS} edits" in response.json()["detail"]
    assert (
        client.post(
            "/api/solve", json={"edits": ["buyer reservation +0.001"] * MAX_EDITS}
        ).status_code
        == 200
    )


def test_request_bodies_are_limited(client: TestClient) -> None:
    body = json.dumps({"edits": ["x" * 70_000]})
    response = client.post("/api/solve", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413

    def chunks():  # no Content-Length: the limit counts what arrives
        for _ in range(20):
            yield b" " * 5000

    response = client.post(
        "/api/solve", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "path",
    [
        "/static/../session.py",
        "/static/%2e%2e/session.py",
        "/static/",
        "/etc/passwd",
        "/api/figure/..%2F..%2Fetc%2Fpasswd.png",
    ],
)
def test_nothing_but_the_page_and_the_api(client: TestClient, path: str) -> None:
    assert client.get(path).status_code in (404, 422)


def test_requests_cannot_name_another_file(client: TestClient) -> None:
    """A path in a request is just an unknown field or a bad edit, never a file to read."""
    response = client.post("/api/solve", json={"edits": [], "source": "/etc/passwd"})
    assert response.json()["source"] == str(ROOT / CAR)
    response = client.post("/api/solve", json={"edits": ["/etc/passwd"]})
    assert response.status_code == 422


def test_concurrent_tabs_get_independent_correct_answers(explorer: Explorer) -> None:
    client = TestClient(create_app(Explorer(explorer.scenario, explorer.source)))
    states = [[], [DROP], ["buyer reservation -0.1"], [DROP, "buyer reservation -0.1"]] * 3
    expected = {
        json.dumps(e): Explorer(explorer.scenario, explorer.source).view(e).solve_json()
        for e in states[:4]
    }
    answers: list[tuple[list[str], dict]] = []

    def tab(edits: list[str]) -> None:
        answers.append((edits, client.post("/api/solve", json={"edits": edits}).json()))

    threads = [threading.Thread(target=tab, args=(e,)) for e in states]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == len(states)
    for edits, answer in answers:
        assert answer == expected[json.dumps(edits)]


def test_downloads_round_trip(client: TestClient, tmp_path: Path) -> None:
    from simulator.cli._edit_args import read_edits_file

    edits = ["Dealer drops redline no_fire_sale", "buyer reservation -0.1"]
    response = client.post("/api/edits.yaml", json={"edits": edits})
    assert "attachment" in response.headers["content-disposition"]
    (tmp_path / "edits.yaml").write_bytes(response.content)
    assert read_edits_file(tmp_path / "edits.yaml") == [DROP, "buyer reservation -0.1"]
    response = client.post("/api/scenario.yaml", json={"edits": edits})
    (tmp_path / "s.yaml").write_bytes(response.content)
    data = yaml.safe_load(response.content)
    assert data["name"] == load_scenario(ROOT / CAR).name
    edited = load_scenario(tmp_path / "s.yaml")
    assert edited.party("dealer").red_lines == ()


def _wait(client: TestClient, job: str, timeout: float = 30.0) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        data = client.get(f"/api/scan/{job}").json()
        if data["state"] != "running":
            return data
        time.sleep(0.05)
    raise AssertionError("the scan did not finish")


def test_scan_reports_progress_and_equals_the_cli(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    response = client.post("/api/scan", json={"edits": [DROP], "max_set_size": 2})
    assert response.status_code == 202
    done = _wait(client, response.json()["id"])
    assert done["state"] == "done" and done["progress"]["fraction"] == 1.0
    status, out, _ = cli(
        capsys, "stress", str(ROOT / CAR), "--scan", "--edit", DROP, "--max-set-size", "2",
        "--max-solves", "2000", "--json",
    )  # fmt: skip
    assert status == 0
    assert done["result"] == json.loads(out)


def test_a_scan_can_be_cancelled_and_has_a_time_limit(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import simulator.analysis.scan as scan_module

    real = scan_module.summarise

    def slow(scenario):  # one slow solve per concession
        time.sleep(0.05)
        return real(scenario)

    monkeypatch.setattr(scan_module, "summarise", slow)
    import simulator.analysis.minimal_sets as ms

    monkeypatch.setattr(ms, "summarise", slow, raising=False)
    job = client.post("/api/scan", json={"edits": [], "time_limit": 0.3}).json()["id"]
    timed = _wait(client, job)
    assert timed["state"] == "timed out" and "time limit" in timed["error"]
    job = client.post("/api/scan", json={"edits": [], "time_limit": 60}).json()["id"]
    assert client.delete(f"/api/scan/{job}").status_code == 200
    cancelled = _wait(client, job)
    assert cancelled["state"] == "cancelled"
    assert client.get("/api/scan/nope").status_code == 404
    assert client.post("/api/scan", json={"time_limit": 10_000}).status_code == 422


def test_openapi_documents_the_api(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {
        "/api/scenario",
        "/api/solve",
        "/api/evaluate",
        "/api/scan",
        "/api/figure/{kind}.{fmt}",
    } <= set(paths)
    assert client.get("/api/docs").status_code == 200


def test_the_page_is_self_contained(client: TestClient) -> None:
    page = client.get("/").text
    assert "http://" not in page and "https://" not in page  # no CDN
    assert "Buying a car" in page
    for asset in ("/static/explorer.js", "/static/explorer.css"):
        text = client.get(asset).text
        assert "https://" not in text and "http://" not in text
