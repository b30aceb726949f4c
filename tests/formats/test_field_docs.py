"""The field tables of ``docs/scenario-format.md`` are the ones the format's table generates."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from simulator.formats import spec
from simulator.formats.field_docs import COMMAND, DOC, field_table, main, missing_blocks, update_doc


def test_the_committed_doc_matches_the_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert update_doc(text) == text, f"{DOC} is out of date with formats/spec.py; run `{COMMAND}`"


def test_every_part_of_the_format_has_a_block_in_the_doc() -> None:
    assert missing_blocks(DOC.read_text(encoding="utf-8")) == []


def test_every_key_is_a_row() -> None:
    for part in spec.ALL_PARTS:
        table = field_table(part)
        assert all(f"| `{key.name}` |" in table for key in part), part.name


def test_a_changed_range_changes_the_doc() -> None:
    weight = dataclasses.replace(spec.PREFERENCE["weight"], minimum=0.5)
    keys = tuple(weight if k.name == "weight" else k for k in spec.PREFERENCE)
    changed = field_table(dataclasses.replace(spec.PREFERENCE, keys=keys))
    assert "number >= 0.5" in changed and changed != field_table(spec.PREFERENCE)


def test_check_and_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "format.md"
    doc.write_text("# Format\n\n<!-- fields: range -->\nold\n<!-- end of fields -->\n")
    assert main(["--check", "--doc", str(doc)]) == 1
    assert COMMAND in capsys.readouterr().err
    assert main(["--write", "--doc", str(doc)]) == 0
    assert main(["--check", "--doc", str(doc)]) == 0
    assert "| `step` | yes | number > 0 |" in doc.read_text()
