"""Hostile or careless input to the ``bargain`` command: a clear message and exit status 2, never a
traceback or a run without end (issue 22's probes, one test each)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from simulator.cli import main
from tests.kwdefaults import set_keyword_defaults

ROOT = Path(__file__).resolve().parents[2]
CAR = str(ROOT / "scenarios" / "textbook_car.yaml")


def fails_cleanly(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run the command; it must exit 2 with one ``error:`` line (no traceback). Its stderr."""
    status = main(list(argv))
    err = capsys.readouterr().err
    assert status == 2, err
    assert "Traceback" not in err and "error:" in err
    return err


@pytest.mark.parametrize("command", ["montecarlo", "simulate", "plot"])
def test_a_negative_seed_is_refused(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    extra = ["--out", "unused"] if command == "plot" else []
    err = fails_cleanly(capsys, command, CAR, "--seed", "-1", *extra)
    assert "--seed" in err and "from 0" in err


def test_a_huge_bonus_edit_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    err = fails_cleanly(capsys, "stress", CAR, "--edit", "buyer bonus worry_free =1e308")
    assert "worry_free" in err and "[-1000, 1000]" in err


@pytest.mark.parametrize("steps", ["1025", "100000"])
def test_rubinstein_steps_beyond_the_limit(steps: str, capsys: pytest.CaptureFixture[str]) -> None:
    err = fails_cleanly(capsys, "game", "rubinstein", "--delta", "0.9", "0.9", "--steps", steps)
    assert "steps must be >= 1 and <= " in err


def test_a_huge_dpi_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = fails_cleanly(capsys, "plot", CAR, "--out", str(tmp_path / "o"), "--dpi", "100000")
    assert "--dpi must be > 0 and at most" in err
    assert not (tmp_path / "o").exists()


def test_a_binary_edits_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edits = tmp_path / "edits.yaml"
    edits.write_bytes(bytes(range(256)) * 8)
    err = fails_cleanly(capsys, "stress", CAR, "--edits-file", str(edits))
    assert str(edits) in err and "UTF-8" in err


def test_a_deeply_nested_edits_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edits = tmp_path / "edits.yaml"
    edits.write_text("[" * 5000 + "]" * 5000)
    err = fails_cleanly(capsys, "stress", CAR, "--edits-file", str(edits))
    assert str(edits) in err and "nested too deeply" in err


def test_a_deeply_nested_compare_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("name: [" + "[" * 5000 + "]" * 5000 + "]\n")
    argv = ["simulate", CAR, "--protocol", "single-text", "--compare", "sticker"]
    err = fails_cleanly(capsys, *argv, "--compare-file", str(other))
    assert str(other) in err and "nested too deeply" in err


def test_a_deeply_nested_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "deep.yaml"
    scenario.write_text("name: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nested too deeply" in fails_cleanly(capsys, "solve", str(scenario))


def test_convert_onto_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "existing.yaml"
    target.mkdir()
    err = fails_cleanly(capsys, "convert", CAR, "-o", str(target))
    assert str(target) in err and "is a folder" in err
    assert sorted(os.listdir(tmp_path)) == ["existing.yaml"]  # no temporary file left


def test_plot_onto_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "figure.png"
    target.mkdir()
    err = fails_cleanly(capsys, "simulate", CAR, "--rounds", "3", "--plot", str(target))
    assert str(target) in err and "is a folder" in err
    assert sorted(os.listdir(tmp_path)) == ["figure.png"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)  # reading it would block forever
    err = fails_cleanly(capsys, "solve", str(fifo))
    assert str(fifo) in err and "not a regular file" in err
    edits = tmp_path / "edits.yaml"
    os.mkfifo(edits)
    assert "not a regular file" in fails_cleanly(capsys, "stress", CAR, "--edits-file", str(edits))


def test_convert_does_not_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "car.yaml"
    out.write_text("mine\n")
    assert "add --force" in fails_cleanly(capsys, "convert", CAR, "-o", str(out))
    assert out.read_text() == "mine\n"
    assert main(["convert", CAR, "-o", str(out), "--force"]) == 0
    assert out.read_text() != "mine\n"


def test_convert_never_overwrites_its_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "car.yaml"
    source.write_bytes(Path(CAR).read_bytes())
    err = fails_cleanly(capsys, "convert", str(source), "-o", str(source), "--force")
    assert "is the source itself" in err
    assert source.read_bytes() == Path(CAR).read_bytes()


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["sweep", CAR, "--param", "nobody.reservation", "--range", "0:1:3"], "--param nobody."),
        (["simulate", CAR, "--strategy", "nobody=linear"], "--strategy nobody=linear: "),
    ],
)
def test_an_unknown_party_names_the_option_and_the_parties(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    err = fails_cleanly(capsys, *argv)
    assert said in err and "allowed: buyer, dealer" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["sweep", CAR, "--param", "buyer.reservation", "--range", "0:1:10000000"],
        ["montecarlo", CAR, "--samples", "1000000000"],
        ["simulate", CAR, "--rounds", "1000000000"],
    ],
)
def test_a_run_beyond_its_budget_is_refused_up_front(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    err = fails_cleanly(capsys, *argv)
    assert "is more than the limit of" in err and "--force" in err


def test_workers_are_capped_at_the_cores(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["montecarlo", CAR, "--samples", "4", "--workers", "1000", "--json"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "--workers 1000 is more than the" in err and f"using {os.cpu_count()}" in err


UKRAINE = str(ROOT / "scenarios" / "ukraine_2025-12.yaml")


@pytest.mark.parametrize("samples", ["0", "-5"])
def test_montecarlo_needs_a_sample(samples: str, capsys: pytest.CaptureFixture[str]) -> None:
    err = fails_cleanly(capsys, "montecarlo", CAR, "--samples", samples)
    assert f"--samples must be at least 1, got {samples}" in err


def test_montecarlo_unknown_vary(capsys: pytest.CaptureFixture[str]) -> None:
    err = fails_cleanly(capsys, "montecarlo", CAR, "--vary", "wieghts")
    assert "--vary: unknown 'wieghts'" in err and "weights" in err


def test_exact_above_the_line_limit_names_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from simulator.analysis import p_zopa

    set_keyword_defaults(monkeypatch, p_zopa, "p_zopa_exact", limit=3)
    err = fails_cleanly(capsys, "montecarlo", UKRAINE, "--exact")
    assert "--exact takes at most 3 uncertain red lines" in err and "--vary red_lines" in err


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--plot", "never.png"], "no figure"),
        (["--vary", "weights"], "not --vary weights"),
        (["--until-ci", "0.1"], "--until-ci does not apply"),
        (["--time-limit", "5"], "--time-limit does not apply"),
    ],
)
def test_exact_is_never_silently_combined(
    extra: list[str],
    words: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    err = fails_cleanly(capsys, "montecarlo", CAR, "--exact", *extra)
    assert words in err and not (tmp_path / "never.png").exists()


def test_exact_with_vary_red_lines_is_what_exact_means(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["montecarlo", CAR, "--exact", "--vary", "red_lines", "--json"]) == 0
    assert "p_zopa_exact" in capsys.readouterr().out


@pytest.mark.parametrize("seconds", ["0", "-3", "nan"])
@pytest.mark.parametrize(
    "argv",
    [
        ["sweep", CAR, "--param", "buyer.reservation", "--range", "0:1:3"],
        ["montecarlo", CAR, "--samples", "200", "--workers", "1"],
    ],
)
def test_a_time_limit_must_be_a_positive_number_of_seconds(
    argv: list[str], seconds: str, capsys: pytest.CaptureFixture[str]
) -> None:
    err = fails_cleanly(capsys, *argv, "--time-limit", seconds)
    assert "--time-limit must be a positive number of seconds" in err


def test_a_time_limit_scope_must_be_finite(capsys: pytest.CaptureFixture[str]) -> None:
    """A command that runs in a time-limit scope needs a deadline: infinity is refused."""
    err = fails_cleanly(capsys, "gaps", CAR, "--time-limit", "inf")
    assert "--time-limit must be a positive number of seconds, got inf" in err
