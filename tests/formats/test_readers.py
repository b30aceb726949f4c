"""The registry of file formats behind ``load_scenario``."""

from __future__ import annotations

from pathlib import Path

import pytest

import simulator.formats
from simulator.errors import ScenarioError
from simulator.formats import READERS, Reader, load_scenario
from tests.formats.test_scenario_yaml import BASE


def test_the_registry_lists_yaml_and_genius() -> None:
    assert [r.name for r in READERS] == ["yaml", "genius"]


def test_a_new_format_is_one_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "scenario.json"
    source.write_text("{}", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"unknown scenario file type '\.json'"):
        load_scenario(source)
    seen: list[Path] = []

    def read(path: Path) -> str:
        seen.append(path)
        return "read"

    entry = Reader("json", lambda p: p.suffix == ".json", read, "a .json file")  # type: ignore[arg-type]
    monkeypatch.setattr(simulator.formats, "READERS", (*READERS, entry))
    assert load_scenario(source) == "read"
    assert seen == [source]
    (tmp_path / "notes.txt").write_text(BASE, encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"or a GENIUS folder or a \.json file"):
        load_scenario(tmp_path / "notes.txt")
