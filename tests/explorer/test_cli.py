"""`bargain explore`: the address it prints, the browser, the warning for a non-local host, a
clean stop on Ctrl-C, and exit status 2 for a mistake."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")

from simulator.cli import main  # noqa: E402

CAR = str(Path(__file__).resolve().parents[2] / "scenarios" / "textbook_car.yaml")


@pytest.fixture()
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Stand in for uvicorn's loop: record the address, then stop as Ctrl-C does."""
    seen: list[tuple[str, int]] = []

    def run(self: uvicorn.Server) -> None:
        seen.append((self.config.host, self.config.port))
        raise KeyboardInterrupt

    monkeypatch.setattr(uvicorn.Server, "run", run)
    return seen


def test_explore_prints_the_url_and_stops_cleanly_on_ctrl_c(
    served: list[tuple[str, int]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", opened.append)
    assert main(["explore", CAR, "--no-browser", "--port", "8765"]) == 0
    out, err = capsys.readouterr()
    assert "http://127.0.0.1:8765/" in out
    assert served == [("127.0.0.1", 8765)]
    assert "warning" not in err and opened == []


def test_a_non_local_host_gets_a_warning(
    served: list[tuple[str, int]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explore", CAR, "--no-browser", "--host", "0.0.0.0"]) == 0
    assert "warning: --host 0.0.0.0" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv", [["explore", "nowhere.yaml", "--no-browser"], ["explore", CAR, "--port", "70000"]]
)
def test_mistakes_exit_2(
    served: list[tuple[str, int]], capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("error: ")
    assert served == []
