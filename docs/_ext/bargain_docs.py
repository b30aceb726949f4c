"""Sphinx directives of the bargain site: pages that show what the code says, made at build time.

``bargain-output``
    Runs one ``bargain`` command line in this process (``simulator.cli.main``) and shows what it
    printed: JSON pretty-printed, text as it is. The command runs in a fresh folder where
    ``scenarios/`` is the repository's, so commands that write files (``--out out``) leave nothing
    in the repository. A command that exits with a status other than 0 (or ``:status:``) fails the
    build, so the reference pages cannot show output the command no longer gives. ``:max-lines: N``
    shows the first N lines and says how many were left out; ``:max-items: N`` shortens every JSON
    list to its first N items (and says how many more there were), so that every key stays visible.

``bargain-cli``
    The command line, generated from the argument parsers (``simulator.cli.build_parser``): one
    section per subcommand with its description, usage and a table of its arguments, help texts
    taken as plain text (as ``--help`` prints them).

``bargain-public-api`` (in Markdown pages)
    A summary table of what ``import simulator`` gives (``simulator.__all__``), each name linked to
    its page in the module reference, so the list follows the package's ``__all__``.

``bargain-sources``
    The ``references`` map of a scenario file as a table, web addresses as links.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import shlex
import tempfile
import types
import typing
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

ROOT = Path(__file__).resolve().parents[2]
_URL = re.compile(r"https?://\S+")


def run_bargain(command: str) -> tuple[int, str]:
    """Run ``bargain ARGS`` in a scratch folder beside the scenarios; (exit status, stdout)."""
    from simulator.cli import main

    argv = shlex.split(command)
    if not argv or argv[0] != "bargain":
        raise ValueError(f"not a bargain command line: {command!r}")
    out = io.StringIO()
    here = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="bargain-docs-") as tmp:
        (Path(tmp) / "scenarios").symlink_to(ROOT / "scenarios")
        try:
            os.chdir(tmp)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
                status = main(argv[1:])
        finally:
            os.chdir(here)
    return status, out.getvalue()


class BargainOutput(SphinxDirective):
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {
        "max-lines": directives.positive_int,
        "status": directives.nonnegative_int,
        "max-items": directives.positive_int,
    }

    def run(self) -> list[nodes.Node]:
        command = " ".join(line.strip().rstrip("\\") for line in self.content).strip()
        status, printed = run_bargain(command)
        expected = self.options.get("status", 0)
        if status != expected:
            raise self.error(f"`{command}` exited with status {status}, not {expected}")
        language = "text"
        if "--json" in command.split() or command.split()[:2] == ["bargain", "schema"]:
            data = json.loads(printed)
            if "max-items" in self.options:
                data = _shorten(data, self.options["max-items"])
            printed = json.dumps(data, indent=2, ensure_ascii=False)
            language = "json"
        lines = printed.rstrip("\n").splitlines()
        limit = self.options.get("max-lines")
        if limit and len(lines) > limit:
            lines = [*lines[:limit], f"... ({len(lines) - limit} more lines)"]
        prompt = nodes.literal_block("", f"$ {command}", language="console")
        return [prompt, nodes.literal_block("", "\n".join(lines), language=language)]


def _shorten(data: Any, items: int) -> Any:
    if isinstance(data, dict):
        return {k: _shorten(v, items) for k, v in data.items()}
    if isinstance(data, list):
        kept = [_shorten(v, items) for v in data[:items]]
        return kept + ([f"... ({len(data) - items} more)"] if len(data) > items else [])
    return data


class BargainCli(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        from simulator.cli import build_parser

        parser = build_parser()
        out: list[nodes.Node] = [*_parser_body(parser, with_arguments=True)]
        for name, sub in _subcommands(parser).items():
            section = nodes.section(ids=[f"bargain-{name}"], names=[f"bargain {name}"])
            section += nodes.title(text=f"bargain {name}")
            section.extend(_parser_body(sub, with_arguments=True))
            self.state.document.note_implicit_target(section, section)
            out.append(section)
        return out


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _parser_body(parser: argparse.ArgumentParser, *, with_arguments: bool) -> list[nodes.Node]:
    body: list[nodes.Node] = []
    if parser.description:
        body.append(nodes.paragraph(text=parser.description))
    usage = parser.format_usage().removeprefix("usage: ").strip()
    body.append(nodes.literal_block("", usage, language="text"))
    formatter = parser._get_formatter()
    rows = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) or action.help == argparse.SUPPRESS:
            continue
        if action.option_strings:
            shown = ", ".join(action.option_strings)
            if action.nargs != 0:
                metavar = formatter._get_default_metavar_for_optional(action)
                shown += " " + formatter._format_args(action, metavar)
        else:
            metavar = formatter._get_default_metavar_for_positional(action)
            shown = formatter._format_args(action, metavar)
        help_text = formatter._expand_help(action) if action.help else ""
        rows.append(_row([nodes.literal(text=shown)], [nodes.Text(" ".join(help_text.split()))]))
    if with_arguments and rows:
        body.append(_table(("argument", "what it does"), rows, widths=(35, 65)))
    if parser.epilog:
        body.append(nodes.paragraph(text=parser.epilog))
    return body


def _table(header: tuple[str, str], rows: list[nodes.row], widths: tuple[int, int]) -> nodes.table:
    table = nodes.table()
    group = nodes.tgroup(cols=2)
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    head += _row([nodes.Text(header[0])], [nodes.Text(header[1])])
    body = nodes.tbody()
    body.extend(rows)
    group += head
    group += body
    return table


class BargainPublicApi(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        import simulator

        names = []
        for name in simulator.__all__:
            obj = getattr(simulator, name)
            module = getattr(obj, "__module__", None)
            if module and hasattr(obj, "__qualname__"):  # classes and functions, not constants
                names.append(f"{module}.{obj.__qualname__}")
        rst = ".. autosummary::\n   :nosignatures:\n\n" + "".join(f"   ~{n}\n" for n in names)
        # autosummary writes reST roles, so it runs in an eval-rst block of the Markdown page
        return self.parse_text_to_nodes("```{eval-rst}\n" + rst + "```\n")


class BargainSources(SphinxDirective):
    required_arguments = 1  # a scenario file, relative to the repository root

    def run(self) -> list[nodes.Node]:
        import yaml

        path = ROOT / self.arguments[0]
        self.env.note_dependency(str(path))
        references = yaml.safe_load(path.read_text(encoding="utf-8")).get("references") or {}
        if not references:
            raise self.error(f"{self.arguments[0]} has no references map")
        rows = [_row([nodes.literal(text=str(k))], _linked(str(v))) for k, v in references.items()]
        table = _table(("id", "source"), rows, widths=(10, 90))
        return [table]


def _linked(text: str) -> list[nodes.Node]:
    parts: list[nodes.Node] = []
    at = 0
    for match in _URL.finditer(text):
        parts.append(nodes.Text(text[at : match.start()]))
        url = match.group(0).rstrip(").,;")
        parts.append(nodes.reference(url, url, refuri=url))
        at = match.start() + len(url)
    parts.append(nodes.Text(text[at:]))
    return parts


def _row(*cells: list[nodes.Node]) -> nodes.row:
    row = nodes.row()
    for content in cells:
        entry = nodes.entry()
        entry += nodes.paragraph("", "", *content)
        row += entry
    return row


def _skip_type_alias(
    app: Sphinx, what: str, name: str, obj: Any, skip: bool, options: Any
) -> bool | None:
    """Leave type aliases (``RuleKey = tuple[...]``) out of the API pages: autodoc takes them for
    classes and fails on their signature; their definition is in the source, next to their use."""
    generic = getattr(typing, "_GenericAlias", types.GenericAlias)
    if isinstance(obj, types.GenericAlias | types.UnionType | generic):
        return True
    return None


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("autodoc-skip-member", _skip_type_alias)
    app.add_directive("bargain-output", BargainOutput)
    app.add_directive("bargain-cli", BargainCli)
    app.add_directive("bargain-public-api", BargainPublicApi)
    app.add_directive("bargain-sources", BargainSources)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
