"""The shape of the package (issue 14): short modules, a CLI without words of its own.

Plots computing nothing is checked in ``tests/test_plots.py`` (its imports), the analyses' own
layout in ``tests/analysis/test_layout.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "simulator"
MAX_LINES = 400

#: Marks of Markdown or HTML being built: a table rule or cell, bold, an image, a tag.
MARKUP = ("|---", "| ", " |", "**", "![", "<p", "<h", "<table", "<div", "<br")


def _modules() -> list[str]:
    return sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", _modules())
def test_no_module_is_over_400_lines(path: str) -> None:
    """One concept per module: none over 400 lines."""
    lines = (PACKAGE / path).read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"simulator/{path} has {lines} lines (at most {MAX_LINES})"


def markup_in(source: str) -> list[str]:
    """String constants in ``source`` that build Markdown or HTML (docstrings excepted).

    >>> markup_in('x = "| a | b |"')
    ['| a | b |']
    >>> markup_in('def f():\\n    "A docstring may say **this**."\\n    return "plain"')
    []
    """
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and any(mark in node.value for mark in MARKUP)
        ):
            found.append(node.value)
    return found


@pytest.mark.parametrize("path", [p for p in _modules() if p.startswith("cli/")])
def test_the_cli_builds_no_markdown_or_html(path: str) -> None:
    """Every word a command prints comes from ``simulator.report``; the CLI only wires."""
    found = markup_in((PACKAGE / path).read_text(encoding="utf-8"))
    assert not found, f"simulator/{path} builds markup: {found}"


def test_markup_in_finds_what_the_old_cli_built() -> None:
    # lines of the kind the CLI held before the report package (581894d: stress_cmd, sweep_cmd)
    old = (
        'lines = ["| party | before | after |", "|---|---|---|"]\n'
        'text = f"**{name}**: {value:.3f}"\n'
        'def f():\n    """Docstrings may show **marks**."""\n    return "plain words"\n'
    )
    assert markup_in(old) == ["| party | before | after |", "|---|---|---|", "**", "**: "]
