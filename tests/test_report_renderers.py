"""One renderer per result type: each command's words, from Python and from the command line.

The files in ``tests/golden_text/`` are what ``bargain ... `` printed before the renderers moved
out of the command line (commit 581894d); the Markdown must stay byte for byte the same.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import Any

import pytest

from simulator.cli import main
from simulator.report import RENDERERS, render, renderer_of, to_markdown
from tests.test_report import _well_formed

ROOT = Path(__file__).resolve().parents[1]
CAR = "scenarios/textbook_car.yaml"
CASES = {
    "solve": ["solve", CAR],
    "evaluate": ["evaluate", CAR, "--all-proposals"],
    "stress": ["stress", CAR, "--edit", "buyer concedes warranty=none"],
    "scan": ["stress", CAR, "--scan"],
    "sweep": ["sweep", CAR, "--param", "buyer.reservation", "--range", "0.2:0.6:9"],
    "montecarlo": ["montecarlo", CAR, "--samples", "40", "--seed", "3", "--workers", "1"],
    "exact": ["montecarlo", CAR, "--exact", "--edit", "buyer reservation =0.75"],
    "demand": ["game", CAR, "demand"],
    "concede": ["game", CAR, "concede"],
    "rubinstein": ["game", CAR, "rubinstein", "--delta", "0.9", "0.8"],
    "alternating": ["simulate", CAR, "--protocol", "alternating", "--seed", "2"],
    "coalitions": ["coalitions", CAR],
    "gaps": ["gaps", CAR],
    "ratification": ["solve", CAR, "--ratification", "expected"],
    "compare": ["compare", CAR, "scenarios/siting_six.yaml", "--no-margins"],
    "ripeness": ["ripeness", "scenarios/textbook_car_drift.yaml", "--periods", "6"],
    "single_text": [
        "simulate",
        CAR,
        "--protocol",
        "single-text",
        "--seed",
        "2",
        "--start",
        "sticker",
        "--compare",
        "sticker",
    ],
}
COMMANDS = (
    "solve",
    "evaluate",
    "stress",
    "sweep",
    "montecarlo",
    "game",
    "simulate",
    "coalitions",
    "gaps",
    "compare",
    "ripeness",
)


def _timeless(text: str) -> str:
    """Timings differ from run to run."""
    return re.sub(r"\d+\.\d+ s\b", "<T> s", text)


@pytest.fixture(scope="module")
def runs() -> dict[str, tuple[str, Any, dict[str, Any]]]:
    """Each case run through the command line: what it printed, the result it emitted, and the
    renderer options it passed."""
    import importlib

    import simulator.cli._common as common

    out: dict[str, tuple[str, Any, dict[str, Any]]] = {}
    seen: list[tuple[Any, dict[str, Any]]] = []

    def spy(args: Any, result: Any, draw: Any = None, **kwargs: Any) -> int:
        options = {k: v for k, v in kwargs.items() if k != "data"}
        seen.append((result, options))
        return common.emit(args, result, draw, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        for name in COMMANDS:
            mp.setattr(importlib.import_module(f"simulator.cli.{name}_cmd"), "emit", spy)
        for case, argv in CASES.items():
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer):
                assert main(argv) == 0
            result, options = seen.pop()
            out[case] = (buffer.getvalue(), result, options)
    return out


@pytest.mark.parametrize("case", CASES)
def test_markdown_is_what_the_command_printed_before(runs, case: str) -> None:
    printed, _, _ = runs[case]
    before = (ROOT / "tests" / "golden_text" / f"{case}_car.md").read_text(encoding="utf-8")
    assert _timeless(printed) == _timeless(before)


@pytest.mark.parametrize("case", CASES)
def test_python_renders_what_the_command_prints(runs, case: str) -> None:
    printed, result, options = runs[case]
    text = to_markdown(result, **options)
    assert text + ("\n" if renderer_of(result).blank_line_after else "") == printed
    assert render(result, "markdown", **options) == text


@pytest.mark.parametrize("case", CASES)
def test_html_of_every_result_is_well_formed(runs, case: str) -> None:
    _, result, options = runs[case]
    page = render(result, "html", **options)
    assert page.startswith("<!DOCTYPE html>") and "<h1>" in page
    _well_formed(page)


@pytest.mark.parametrize("case", CASES)
def test_terminal_text_of_every_result_has_no_markdown_marks(runs, case: str) -> None:
    _, result, options = runs[case]
    text = render(result, "text", **options)
    assert text.strip()
    assert not re.search(r"\*\*|`|^#+ \w|^\||^- |^\s*\|?---", text, re.M), text


def test_the_registry_covers_every_result_class() -> None:
    from simulator.analysis.coalitions import CoalitionsResult
    from simulator.analysis.compare import CompareResult
    from simulator.analysis.gaps import GapsResult
    from simulator.analysis.monte_carlo import MonteCarloResult
    from simulator.analysis.p_zopa import ExactZopaResult
    from simulator.analysis.protocols import ProtocolResult
    from simulator.analysis.ratification import RatificationResult
    from simulator.analysis.ripeness import RipenessResult
    from simulator.analysis.sensitivity import SweepResult
    from simulator.analysis.strategic.concede import ConcedeGame
    from simulator.analysis.strategic.demand import DemandGame
    from simulator.analysis.strategic.rubinstein import RubinsteinResult
    from simulator.analysis.stress import ScanResult, StressResult
    from simulator.evaluate import ProposalEvaluation, ProposalEvaluations
    from simulator.results import SolveResult

    classes = [
        SolveResult,
        ProposalEvaluation,
        ProposalEvaluations,
        StressResult,
        ScanResult,
        SweepResult,
        MonteCarloResult,
        ExactZopaResult,
        DemandGame,
        ConcedeGame,
        RubinsteinResult,
        ProtocolResult,
        CoalitionsResult,
        GapsResult,
        RatificationResult,
        CompareResult,
        RipenessResult,
    ]
    assert sorted(RENDERERS) == sorted(c.__name__ for c in classes)
    for cls in classes:
        hints = renderer_of.__globals__["RENDERERS"][cls.__name__].blocks.__annotations__
        assert cls.__name__ in str(hints.get("result", hints.get("game")))  # typed, not Any


def test_every_case_emits_a_registered_result(runs) -> None:
    kinds = {type(result).__name__ for _, result, _ in runs.values()}
    # evaluate emits its evaluations all at once; solve and evaluate carry the ratification
    assert kinds == set(RENDERERS) - {"ProposalEvaluation", "RatificationResult"}


def test_one_proposal_reads_as_in_the_list(runs) -> None:
    _, evaluations, _ = runs["evaluate"]
    first = evaluations.evaluations[0]
    assert to_markdown(first).startswith(to_markdown(evaluations).split("\n## ")[0].split("|")[0])
    assert f"## {first.proposal.display}" in to_markdown(first)


def test_an_unregistered_result_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match="no renderer is registered for int"):
        render(3)


# --- to_dict(): every result, no argument; the JSON the commands print --------------------------
#: Where the command shapes its JSON beyond ``to_dict()``: the scan adds the edits applied first,
#: rubinstein prints the contract (``contract_dict()``) unless --full, a comparison is added.
SHAPED = {"scan", "rubinstein", "single_text"}


@pytest.mark.parametrize("case", CASES)
def test_every_result_has_to_dict_without_arguments(runs, case: str) -> None:
    import json

    _, result, _ = runs[case]
    data = result.to_dict()
    assert isinstance(data, dict) and json.dumps(data, allow_nan=False)
    if case in SHAPED:
        return
    buffer = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(buffer):
        mp.chdir(ROOT)
        assert main([*CASES[case], "--json"]) == 0
    assert _no_seconds(json.loads(buffer.getvalue())) == _no_seconds(json.loads(json.dumps(data)))


def _no_seconds(data: Any) -> Any:
    """The JSON without its timings, which differ from run to run."""
    if isinstance(data, dict):
        return {k: _no_seconds(v) for k, v in data.items() if k != "seconds"}
    if isinstance(data, list):
        return [_no_seconds(v) for v in data]
    return data


def test_nested_values_take_the_scenario_or_give_indices(runs) -> None:
    _, result, _ = runs["solve"]
    nash = result.solutions["nash"]
    assert nash.to_dict(result.scenario)["outcome"] == {
        "price": "26",
        "warranty": "three_years",
        "delivery": "fast",
    }
    assert nash.to_dict() == {"outcome": [3, 2, 0], "utilities": [0.55, 0.5]}
    assert result.frontier.to_dict()["points"][0]["outcome"] == list(result.frontier.outcomes[0])


def test_diagnosis_and_game_pieces_have_to_dict(runs) -> None:
    from simulator.analysis.diagnosis import concessions

    _, result, _ = runs["solve"]
    asks = concessions(result.scenario, result.solutions["nash"].outcome)
    assert asks["buyer"][0].to_dict() == {
        "party": "buyer",
        "issue": "price",
        "option": "26",
        "best": "20",
        "loss": 0.5,
    }
    _, game, _ = runs["demand"]
    assert game.frontier.to_dict()["size"] == game.frontier.size
    assert game.equilibria.to_dict()["method"] == game.to_dict()["method"]
