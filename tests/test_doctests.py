"""Every example in the package's docstrings runs and prints what it says (from the repository
root, where the examples find ``scenarios/``)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import simulator

ROOT = Path(__file__).resolve().parents[1]
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _with_examples() -> list[str]:
    finder = doctest.DocTestFinder()
    names = []
    for info in pkgutil.walk_packages(simulator.__path__, "simulator."):
        if info.name.endswith("__main__"):  # runs the CLI on import
            continue
        module = importlib.import_module(info.name)
        examples = (e for t in finder.find(module) for e in t.examples)
        if any(not e.options.get(doctest.SKIP) for e in examples):
            names.append(info.name)
    return sorted(names)


MODULES = _with_examples()


def test_the_examples_are_found() -> None:
    """The walk sees modules known to carry examples (so the test below is not vacuous)."""
    assert {"simulator.solver.pareto", "simulator.analysis.strategic.concede"} <= set(MODULES)
    assert len(MODULES) >= 30


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples(module: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    failed, tried = doctest.testmod(importlib.import_module(module), optionflags=FLAGS)
    assert tried > 0
    assert failed == 0, f"{failed} of {tried} examples in {module} failed (see the output above)"
