"""The figure registry: complete entries whose draw functions take exactly the data they need, and a
module the command line reads without matplotlib."""

from __future__ import annotations

import dataclasses
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.figure_registry import (
    DATA_FIELDS,
    FIGURE_KINDS,
    FIGURE_TITLES,
    FIGURES,
    FigureData,
    FigureKind,
)

ROOT = Path(__file__).resolve().parents[1]


def test_kinds_in_report_order_with_one_title_each():
    assert FIGURE_KINDS == ("utility_space", "option_map", "frontier_packages", "proposals")
    assert FIGURE_TITLES == {k: f.title for k, f in FIGURES.items()}
    assert all(f.kind == k and f.title and f.needs for k, f in FIGURES.items())


@pytest.mark.parametrize("kind", FIGURE_KINDS)
def test_each_draw_function_takes_the_result_and_exactly_the_data_it_needs(kind):
    entry = FIGURES[kind]
    params = inspect.signature(entry.draw_function()).parameters.values()
    positional = [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD]
    required = [p.name for p in params if p.kind is p.KEYWORD_ONLY and p.default is p.empty]
    assert positional == ["result"]
    assert sorted(required) == sorted(entry.needs)


def test_every_data_field_is_needed_by_some_figure():
    assert {f for e in FIGURES.values() for f in e.needs} == set(DATA_FIELDS)
    assert DATA_FIELDS == tuple(f.name for f in dataclasses.fields(FigureData))


def test_an_entry_cannot_need_unknown_data():
    with pytest.raises(ValueError, match="unknown data"):
        FigureKind("pie", "A pie", "simulator.plots.pie:plot_pie", needs=("slices",))


def test_missing_data_is_named():
    from simulator.errors import ScenarioError

    with pytest.raises(ScenarioError, match="option_rules"):
        FigureData().arguments("frontier_packages")


def test_the_registry_and_the_command_line_load_without_matplotlib():
    code = (
        "import sys, simulator.figure_registry, simulator.cli.plot_cmd, simulator.cli.report_cmd; "
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_a_kind_that_does_not_apply_is_refused_with_every_condition_in_words():
    import simulator
    from simulator.errors import ScenarioError
    from simulator.figure_registry import chosen_kinds
    from simulator.synthetic import synthetic_scenario

    one_party = simulator.solve(synthetic_scenario(2, 2, 1))
    assert "utility_space" not in chosen_kinds(one_party, None)
    with pytest.raises(ScenarioError) as err:
        chosen_kinds(one_party, ["utility_space"])
    assert str(err.value).endswith(
        "(a utility space needs two parties, the proposals figure needs proposals)"
    )
    assert all(f.requires for f in FIGURES.values() if f.applies.__name__ != "_always")
