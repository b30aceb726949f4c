"""Every ``python`` block of the documentation runs (``tests/markdown_blocks.py`` says how).

The blocks of one page run in order in one namespace, as a reader would run them one after the
other, from a scratch folder that looks like the repository root, with matplotlib on Agg. The
README's quick start is run (and its printed output checked) by ``integration/test_readme.py``.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

from tests.markdown_blocks import (
    ROOT,
    SHELLS,
    Block,
    blocks,
    needs_missing_shared,
    pages,
    sandbox,
    write_files,
)

matplotlib.use("Agg")

DOC_PAGES = [p for p in pages() if p.name != "README.md"]
WITH_PYTHON = [p for p in DOC_PAGES if any(b.language == "python" for b in blocks(p))]


def _id(page: Path) -> str:
    return str(page.relative_to(ROOT / "docs"))


def test_the_blocks_are_found() -> None:
    """The collector sees the pages known to carry examples (so the tests are not vacuous)."""
    names = {_id(p) for p in WITH_PYTHON}
    assert {"stress-tests.md", "genius.md", "tutorial/first-scenario.md"} <= names
    runnable = [b for p in DOC_PAGES for b in blocks(p) if b.language == "python" and not b.skip]
    assert len(runnable) >= 20


@pytest.mark.parametrize("page", DOC_PAGES, ids=_id)
def test_every_block_is_tagged_and_every_skip_says_why(page: Path) -> None:
    """A block that runs ``bargain`` says whether it is a command (``sh``) or a synopsis (``text``),
    and a block left out of the tests gives its reason."""
    for block in blocks(page):
        assert block.skip is None or block.skip.strip(), f"{block.where}: 'not run' needs a reason"
        if not block.language:
            first = block.text.lstrip().removeprefix("$ ")
            assert not first.startswith("bargain"), (
                f"{block.where}: tag this block `sh` to run it or `text` if it is a synopsis"
            )
        if block.language in SHELLS and block.skip is None:
            assert "SOURCE" not in block.text, f"{block.where}: a synopsis in a shell block"


@pytest.mark.parametrize("page", WITH_PYTHON, ids=_id)
def test_python_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    here = sandbox(tmp_path)
    monkeypatch.chdir(here)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    page_blocks = blocks(page)
    if any(needs_missing_shared(b) for b in page_blocks if b.language == "python"):
        pytest.skip("../shared (the GENIUS reference domains) is not beside this checkout")
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for block in page_blocks:
        if block.language != "python" or block.skip:
            continue
        write_files(page_blocks, here, before_line=block.line)
        _run(block, namespace)


def _run(block: Block, namespace: dict[str, object]) -> None:
    code = compile("\n" * block.line + block.text, str(block.page), "exec")
    try:
        exec(code, namespace)
    except Exception as exc:
        raise AssertionError(f"the example at {block.where} fails: {exc!r}") from exc
    finally:
        import matplotlib.pyplot as plt

        plt.close("all")
