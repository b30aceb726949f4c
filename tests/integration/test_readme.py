"""The README's quick start runs as written and prints what it says."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_quick_start_runs_and_prints_what_it_claims(monkeypatch):
    monkeypatch.chdir(ROOT)
    blocks = _python_blocks((ROOT / "README.md").read_text())
    assert blocks, "the README has no python quick start"
    for block in blocks:
        expected = [line[2:] for line in block.splitlines() if line.startswith("# ")]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, "README.md", "exec"), {})
        assert out.getvalue().splitlines() == expected
