"""Sphinx configuration of the bargain documentation site (``make docs``).

Sphinx with the PyData theme, MyST Markdown for the pages (the same Markdown that GitHub shows),
numpydoc for the docstrings, autosummary for the API reference and a directive of ours for the
command line (from its argument parsers), so the reference pages are generated from the code and
cannot drift. myst-nb renders the
walkthrough notebook: it is stored without outputs, executed once per build into a cache under
``docs/_build`` and shown with its figures. ``_ext/bargain_docs.py`` holds the few directives of our
own (the JSON Schema, command output, the Ukraine sources).
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOCS / "_ext"))
os.environ.setdefault("MPLBACKEND", "Agg")
# the notebook's kernel imports the package of this checkout, whatever the environment has installed
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))

import simulator  # noqa: E402

project = "bargain"
author = "the bargain developers"
copyright = "2026, the bargain developers"
release = version = simulator.__version__

extensions = [
    "myst_nb",  # MyST Markdown pages and notebooks (includes myst_parser)
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx.ext.mathjax",
    "sphinx_design",  # the cards of the landing page
    "bargain_docs",
]

exclude_patterns = ["_build", "**.ipynb_checkpoints", "README.md"]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
root_doc = "index"
smartquotes_action = "qe"  # curly quotes, but keep `--json` as two hyphens (the CLI reference)
templates_path = ["_templates"]

# MyST: $...$ maths, definition lists, ::: fences, anchors for the headings pages link to
myst_enable_extensions = ["dollarmath", "amsmath", "deflist", "colon_fence"]
myst_heading_anchors = 3



def _code_version() -> str:
    """A hash of the package and the scenarios: the notebook's outputs depend on both."""
    digest = hashlib.sha256()
    for path in sorted([*(ROOT / "simulator").rglob("*.py"), *(ROOT / "scenarios").glob("*.yaml")]):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


# The notebook is executed once (by jupyter-cache, keyed on its code) and then read from the cache,
# with the notebook's own folder as working directory, as the tests run it. The cache lives in a
# folder named after the package's code, so a change to the package or the scenarios runs it again.
# A cell that fails is a build error (the tests would fail too).
nb_execution_mode = "cache"
nb_execution_cache_path = str(DOCS / "_build" / ".jupyter_cache" / _code_version())
nb_execution_in_temp = False
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True

# API reference: autosummary writes one page per module under reference/api/ (generated, not in git)
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"members": True, "show-inheritance": False}
autodoc_typehints = "none"  # numpydoc shows the types from the docstrings
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

html_theme = "pydata_sphinx_theme"
html_title = f"bargain {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_static_path: list[str] = []
html_show_sourcelink = False
