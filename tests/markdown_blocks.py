"""The code blocks of the documentation's Markdown pages, for the tests that run them.

Every fenced block of ``docs/**/*.md`` (and ``README.md``) is found with its language and line.
An HTML comment on the line before a block (invisible on the site and on GitHub) says how the tests
treat it:

- ``<!-- not run: REASON -->``: the block is shown but never run; the reason is required (e.g. it
  needs a Dask cluster);
- ``<!-- file: NAME -->``: the block's text is a file the page asks the reader to save; the tests
  write it as ``NAME`` in the page's folder before running the page's later blocks.

Everything else in a ``python`` block runs (``tests/test_docs_examples.py``), and so does every
``bargain`` command in a ``sh`` or ``console`` block (``tests/integration/test_docs_commands.py``).
Each page runs in a scratch folder that looks like the repository (``scenarios/`` and
``notebooks/`` linked, ``../shared`` beside it when there is one), so examples that write files
leave nothing behind.

A hand-written collector rather than pytest-markdown-docs: the blocks of a page share one
namespace in order, shell commands run too, files a page asks the reader to save are written
first, and a block left out says why, all in some 100 lines with no new test dependency.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHELLS = frozenset({"sh", "bash", "console", "shell"})
_FENCE = re.compile(
    r"^(?P<fence>`{3,})(?P<info>[^`\n]*)\n(?P<body>.*?)^(?P=fence)[ \t]*$", re.M | re.S
)
_MARK = re.compile(r"<!--\s*(not run|file):\s*(.*?)\s*-->\s*\Z", re.S)


@dataclass(frozen=True)
class Block:
    page: Path
    line: int
    language: str
    text: str
    skip: str | None = None  # the reason it is not run
    file: str | None = None  # the name the page saves it as

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def pages() -> list[Path]:
    """The Markdown pages of the site (sources, not generated pages) and the README."""
    docs = ROOT / "docs"
    found = [
        p for p in docs.rglob("*.md") if not {"_build", "api"} & set(p.relative_to(docs).parts[:-1])
    ]
    return [*sorted(found), ROOT / "README.md"]


def blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    found = []
    for match in _FENCE.finditer(text):
        info = match.group("info").strip()
        language = info.split()[0] if info and not info.startswith("{") else info
        before = text[: match.start()].rstrip()
        mark = _MARK.search(before[-300:]) if before.endswith("-->") else None
        kind, value = (mark.group(1), mark.group(2)) if mark else (None, None)
        found.append(
            Block(
                page=page,
                line=text.count("\n", 0, match.start()) + 1,
                language=language,
                text=match.group("body"),
                skip=value if kind == "not run" else None,
                file=value if kind == "file" else None,
            )
        )
    return found


def commands(block: Block) -> list[list[str]]:
    """The ``bargain`` command lines of a shell block, as argument lists without ``bargain``.

    Continuation lines (``\\``) are joined; in a ``console`` block only ``$ `` lines are commands.
    A ``.venv/bin/`` prefix (the README's) is dropped; other commands (``make``, ``pip``) do not
    run.
    A redirection or pipe ends the command (``bargain schema > FILE`` runs ``bargain schema``).
    """
    lines = block.text.replace("\\\n", " ").splitlines()
    found = []
    for line in lines:
        line = line.strip()
        if block.language == "console":
            if not line.startswith("$ "):
                continue
            line = line[2:]
        words = shlex.split(line, comments=True)
        for stop in (">", "|"):  # output redirected or piped: run the command, keep its output
            if stop in words:
                words = words[: words.index(stop)]
        if words and words[0] in {"bargain", ".venv/bin/bargain"}:
            found.append(words[1:])
    return found


def sandbox(tmp_path: Path) -> Path:
    """A scratch folder that looks like the repository root for the examples."""
    here = tmp_path / "repo"
    here.mkdir()
    for name in ("scenarios", "notebooks"):
        (here / name).symlink_to(ROOT / name)
    shared = ROOT.parent / "shared"
    if shared.is_dir():
        (tmp_path / "shared").symlink_to(shared)
    return here


def needs_missing_shared(block: Block) -> bool:
    """The block reads ``../shared`` (the GENIUS reference domains), which this checkout lacks."""
    return "../shared" in block.text and not (ROOT.parent / "shared").is_dir()


def write_files(page_blocks: list[Block], folder: Path, *, before_line: int) -> None:
    """Write the page's ``file:`` blocks that come before ``before_line`` into ``folder``."""
    for block in page_blocks:
        if block.file and block.line < before_line:
            (folder / block.file).write_text(block.text, encoding="utf-8")
