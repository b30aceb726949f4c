"""The explorer's figures are drawn by worker processes (:mod:`simulator.explorer.render`): the
same bytes as drawn in the server's process, started as soon as the page asks for its view."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from simulator.explorer import Explorer, create_app, render
from simulator.explorer.session import _registered_figure, _utility_space

ROOT = Path(__file__).resolve().parents[2]
DROP = "dealer drops redline no_fire_sale"


@pytest.fixture(scope="module")
def explorer() -> Explorer:
    return Explorer.load(str(ROOT / "scenarios" / "textbook_car.yaml"))


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_a_worker_draws_the_same_bytes_as_the_server(
    explorer: Explorer, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = explorer.view([DROP])
    args = (view.result(), view.figure_data("option_map"), "option_map")
    assert render._get_pool() is not None  # the pool runs on this machine
    in_worker = render.draw(_registered_figure, args, fmt)
    monkeypatch.setenv("BARGAIN_EXPLORER_WORKERS", "0")
    monkeypatch.setattr(render, "_pool", None)
    assert render._get_pool() is None
    assert render.draw(_registered_figure, args, fmt) == in_worker
    cloud, proposals = view.figure_data("utility_space").cloud, view.proposals()
    here = render.draw(_utility_space, (view.result(), cloud, proposals, None), fmt)
    monkeypatch.undo()
    assert render.draw(_utility_space, (view.result(), cloud, proposals, None), fmt) == here


def test_the_view_starts_the_page_figures(explorer: Explorer) -> None:
    """``POST /api/view`` starts drawing the page's two figures; the page's requests for them
    share the same cache entries (nothing is drawn twice)."""
    client = TestClient(create_app(explorer))
    edits = ["buyer reservation -0.07"]
    assert client.post("/api/view", json={"edits": edits}).status_code == 200
    cache = explorer.view(edits)._cache
    wanted = {
        ("figure", "utility_space", "svg", None, True),
        ("figure", "option_map", "svg", None, True),
    }
    end = time.monotonic() + 60
    while not wanted <= set(cache) and time.monotonic() < end:
        time.sleep(0.05)
    assert wanted <= set(cache)
    drawn = cache[("figure", "option_map", "svg", None, True)]
    response = client.get("/api/figure/option_map.svg", params={"edit": edits})
    assert response.content == drawn


def test_a_bad_pair_is_422(explorer: Explorer) -> None:
    client = TestClient(create_app(explorer))
    for pair in ("buyer", "buyer,nobody,dealer"):
        response = client.post("/api/view", json={"edits": [], "pair": pair})
        assert response.status_code == 422, pair
