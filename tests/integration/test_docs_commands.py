"""Every ``bargain`` command in a shell block of the docs and the README runs and exits with 0.

Commands with ``--json`` must print valid JSON. Each runs through ``simulator.cli.main`` (what the
``bargain`` script calls) from a scratch folder that looks like the repository root, after the
files its page asks the reader to save (``tests/markdown_blocks.py``). A block marked
``<!-- not run: REASON -->`` is left out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.cli import main
from tests.markdown_blocks import SHELLS, blocks, commands, pages, sandbox, write_files

CASES = [
    pytest.param(block, argv, id=f"{block.where}:{' '.join(argv[:2])}")
    for page in pages()
    for block in blocks(page)
    if block.language in SHELLS and not block.skip
    for argv in commands(block)
]


def test_the_commands_are_found() -> None:
    assert len(CASES) >= 20
    assert {argv[0] for case in CASES for argv in [case.values[1]]} >= {
        "solve", "report", "plot", "stress", "sweep", "montecarlo", "game", "simulate", "schema"
    }


@pytest.mark.parametrize(("block", "argv"), CASES)
def test_documented_command_runs(block, argv, tmp_path: Path, monkeypatch, capsys) -> None:
    here = sandbox(tmp_path)
    monkeypatch.chdir(here)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    write_files(blocks(block.page), here, before_line=block.line)
    status = main(argv)
    out = capsys.readouterr()
    assert status == 0, f"{block.where}: `bargain {' '.join(argv)}` exited {status}: {out.err}"
    if "--json" in argv:
        json.loads(out.out)
