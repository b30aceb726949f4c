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
from tests.markdown_blocks import (
    SHELLS,
    Block,
    blocks,
    commands,
    needs_missing_shared,
    pages,
    sandbox,
    write_files,
)

BLOCKS = [
    pytest.param(block, id=block.where)
    for page in pages()
    for block in blocks(page)
    if block.language in SHELLS and not block.skip and commands(block)
]


def test_the_commands_are_found() -> None:
    run = [argv for case in BLOCKS for argv in commands(case.values[0])]
    assert len(run) >= 30
    assert {argv[0] for argv in run} >= {
        "solve", "evaluate", "report", "plot", "stress", "sweep", "montecarlo", "game", "simulate",
        "convert", "schema",
    }


@pytest.mark.parametrize("block", BLOCKS)
def test_documented_commands_run(block: Block, tmp_path: Path, monkeypatch, capsys) -> None:
    """The commands of one block run in order in one folder (one may read an earlier one's file)."""
    if needs_missing_shared(block):
        pytest.skip("../shared (the GENIUS reference domains) is not beside this checkout")
    here = sandbox(tmp_path)
    monkeypatch.chdir(here)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    write_files(blocks(block.page), here, before_line=block.line)
    for argv in commands(block):
        status = main(argv)
        out = capsys.readouterr()
        command = f"bargain {' '.join(argv)}"
        assert status == 0, f"{block.where}: `{command}` exited {status}: {out.err}"
        if "--json" in argv:
            json.loads(out.out)
