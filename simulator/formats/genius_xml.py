"""The XML vocabulary shared by the GENIUS domain and profile readers: attributes read with their
location, issue kinds, a domain's issues with what a profile needs to value them.

Every reader raises a :class:`~simulator.errors.ScenarioError` naming the element (``path``), its
line (:func:`parse` records the line of every element) and what is wrong; the file is added by the
caller. Numbers are finite and of size at most :data:`~simulator.limits.MAX_VALUE`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

import defusedxml.ElementTree as safe_et
from defusedxml import DefusedXmlException

from simulator.errors import ScenarioError
from simulator.limits import MAX_VALUE
from simulator.model import Issue

__all__ = [
    "DOMAIN_ROOT",
    "KINDS",
    "PROFILE_ROOT",
    "DomainIssue",
    "IssueKind",
    "bounds_holder",
    "declared_kind",
    "error",
    "integer",
    "line",
    "number",
    "objective",
    "parse",
    "text",
]

#: the attribute :func:`parse` adds to every element: its line in the file (a namespace GENIUS
#: never uses, so it cannot clash with a real attribute)
LINE = "{urn:bargain}line"

IssueKind = Literal["discrete", "integer", "real"]

DOMAIN_ROOT = "negotiation_template"
PROFILE_ROOT = "utility_space"
KINDS: tuple[IssueKind, ...] = ("discrete", "integer", "real")


@dataclass(frozen=True)
class DomainIssue:
    """An issue of the domain file: its model issue plus what a profile needs to value it."""

    index: int
    kind: IssueKind
    issue: Issue
    lower: float = 0.0
    upper: float = 0.0
    values: tuple[float, ...] = ()
    line: int | None = None  #: the line of its <issue> element in the domain file

    @property
    def name(self) -> str:
        return self.issue.id


class _LineBuilder(TreeBuilder):
    """A tree builder that stamps each element with the line its start tag is on."""

    parser: Any = None

    def start(self, tag: Any, attrs: dict[str, str]) -> Element:
        return super().start(tag, {**attrs, LINE: str(self.parser.parser.CurrentLineNumber)})


def parse(file: Path) -> Element:
    """The root of an XML file parsed with :mod:`defusedxml` (no DTD), lines recorded.

    Raises
    ------
    ScenarioError
        Naming the file and, where the parser knows it, the line: for XML that is not well
        formed, a DTD or entity (refused, never expanded), or a file that cannot be read.
    """
    builder = _LineBuilder()
    parser = safe_et.DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.parser = parser
    try:
        root: Element = safe_et.parse(file, parser=parser).getroot()
    except DefusedXmlException as e:
        raise ScenarioError(
            f"refused to read it ({e}): GENIUS files need no DTD, entity or external "
            "reference, so none is allowed",
            file=str(file),
            line=parser.parser.CurrentLineNumber,
        ) from None
    except ParseError as e:
        raise ScenarioError(
            f"is not well-formed XML ({e})", file=str(file), line=e.position[0]
        ) from None
    except OSError as e:
        raise ScenarioError(f"cannot be read ({e.strerror or e})", file=str(file)) from None
    return root


def line(el: Element) -> int | None:
    """The line of ``el`` in its file, if :func:`parse` read it."""
    raw = el.get(LINE)
    return None if raw is None else int(raw)


def error(message: str, el: Element, where: str) -> ScenarioError:
    """A :class:`~simulator.errors.ScenarioError` at element ``el``: its path and its line."""
    return ScenarioError(message, path=where, line=line(el))


def text(el: Element, attr: str, where: str) -> str:
    raw = el.get(attr)
    if raw is None:
        raise ScenarioError(f"<{el.tag}> needs a {attr!r} attribute", path=where, line=line(el))
    return raw


def number(el: Element, attr: str, where: str, *, default: float | None = None) -> float:
    if el.get(attr) is None and default is not None:
        return default
    raw = text(el, attr, where)
    try:
        x = float(raw)
    except ValueError:
        x = math.nan
    if not math.isfinite(x):
        raise ScenarioError(
            f"<{el.tag}> attribute {attr}={raw!r} is not a finite number",
            path=where,
            line=line(el),
        )
    if abs(x) > MAX_VALUE:
        raise ScenarioError(
            f"<{el.tag}> attribute {attr}={raw!r}: expected a number of size at most "
            f"{MAX_VALUE:g} (docs/limits.md)",
            path=where,
            line=line(el),
        )
    return x


def integer(el: Element, attr: str, where: str) -> int:
    raw = text(el, attr, where)
    try:
        return int(raw)
    except ValueError:
        raise ScenarioError(
            f"<{el.tag}> attribute {attr}={raw!r} is not an integer", path=where, line=line(el)
        ) from None


def declared_kind(el: Element, where: str) -> IssueKind | None:
    """The issue type an <issue> declares (``type``, else ``vtype``, else ``etype``), if any."""
    raw = next((el.get(a) for a in ("type", "vtype", "etype") if el.get(a)), None)
    if raw is None:
        return None
    for kind in KINDS:
        if raw.strip().lower() == kind:
            return kind
    raise ScenarioError(
        f"issue type {raw!r} is not supported (supported: {', '.join(KINDS)})",
        path=where,
        line=line(el),
    )


def bounds_holder(el: Element) -> Element:
    """Where an integer or real issue keeps ``lowerbound``/``upperbound``: itself or its <range>."""
    bounds = el.find("range")
    no_attrs = el.get("lowerbound") is None and el.get("upperbound") is None
    return bounds if no_attrs and bounds is not None else el


def objective(parent: Element, where: str) -> Element:
    objectives = parent.findall("objective")
    if len(objectives) != 1:
        raise ScenarioError(
            f"expected one <objective>, found {len(objectives)}", path=where, line=line(parent)
        )
    if objectives[0].find("objective") is not None:
        raise ScenarioError(
            "nested <objective> elements are not supported: the issues must sit directly under "
            "the root objective",
            path=f"{where}/<objective>",
            line=line(objectives[0]),
        )
    return objectives[0]
