"""The analysis package's shape: short modules, every public name where it always was, every
module with examples run by the doctest suite."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

import simulator.analysis
import simulator.analysis.protocols
from tests.test_doctests import MODULES

PACKAGE = Path(simulator.analysis.__file__).parent

#: Public names and the modules they have always been importable from (they may live elsewhere).
HOMES = {
    "simulator.analysis.stress": [
        "MAX_SOLVES",
        "Concession",
        "ScanResult",
        "StressResult",
        "binding_red_lines",
        "candidate_concessions",
        "scan_concessions",
        "stress_test",
    ],
    "simulator.analysis.strategic.rubinstein": [
        "ConvergenceStep",
        "RubinsteinResult",
        "bargaining_powers",
        "discount_factors",
        "rubinstein",
        "rubinstein_share",
        "upper_hull",
        "weighted_nash_on_hull",
    ],
    "simulator.analysis.protocols.mediation": [
        "compare_with_proposal",
        "neighbour_texts",
        "single_text",
    ],
    "simulator.analysis": simulator.analysis.__all__,
    "simulator.analysis.edits": [
        "Accept",
        "Adjust",
        "Concede",
        "DropRedLine",
        "Edit",
        "Offer",
        "Parameter",
        "apply_edits",
        "parse_edit",
        "parse_edits",
        "resolve_party",
        "select_options",
    ],
    "simulator.analysis.protocols": simulator.analysis.protocols.__all__,
}

#: Modules split out of larger ones, each carrying doctested examples.
SPLIT_OUT = [
    "simulator.analysis.edits.kinds",
    "simulator.analysis.edits.names",
    "simulator.analysis.edits.text",
    "simulator.analysis.minimal_sets",
    "simulator.analysis.protocols.pool",
    "simulator.analysis.protocols.result",
    "simulator.analysis.protocols.texts",
    "simulator.analysis.scan",
    "simulator.analysis.strategic.hull",
]


@pytest.mark.parametrize("module", sorted(HOMES))
def test_public_names_stay_importable(module: str) -> None:
    mod = importlib.import_module(module)
    missing = [name for name in HOMES[module] if not hasattr(mod, name)]
    assert not missing, f"{module} lost {missing}"


def test_split_modules_are_doctested() -> None:
    assert set(SPLIT_OUT) <= set(MODULES)


@pytest.mark.parametrize(
    "path", sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py"))
)
def test_modules_stay_short(path: str) -> None:
    """No analysis module over 400 lines (one concept per module)."""
    lines = (PACKAGE / path).read_text().count("\n")
    assert lines <= 400, f"analysis/{path} has {lines} lines"
