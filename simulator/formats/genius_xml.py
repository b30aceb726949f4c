"""The XML vocabulary shared by the GENIUS domain and profile readers: attributes read with their
location, issue kinds, a domain's issues with what a profile needs to value them.

Every reader raises a :class:`~simulator.errors.ScenarioError` naming the element (``path``) and
what is wrong; the file is added by the caller.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal
from xml.etree.ElementTree import Element

from simulator.errors import ScenarioError
from simulator.model import Issue

__all__ = [
    "DOMAIN_ROOT",
    "KINDS",
    "PROFILE_ROOT",
    "DomainIssue",
    "IssueKind",
    "bounds_holder",
    "declared_kind",
    "integer",
    "number",
    "objective",
    "text",
]

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

    @property
    def name(self) -> str:
        return self.issue.id


def text(el: Element, attr: str, where: str) -> str:
    raw = el.get(attr)
    if raw is None:
        raise ScenarioError(f"<{el.tag}> needs a {attr!r} attribute", path=where)
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
            f"<{el.tag}> attribute {attr}={raw!r} is not a finite number", path=where
        )
    return x


def integer(el: Element, attr: str, where: str) -> int:
    raw = text(el, attr, where)
    try:
        return int(raw)
    except ValueError:
        raise ScenarioError(
            f"<{el.tag}> attribute {attr}={raw!r} is not an integer", path=where
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
        f"issue type {raw!r} is not supported (supported: {', '.join(KINDS)})", path=where
    )


def bounds_holder(el: Element) -> Element:
    """Where an integer or real issue keeps ``lowerbound``/``upperbound``: itself or its <range>."""
    bounds = el.find("range")
    no_attrs = el.get("lowerbound") is None and el.get("upperbound") is None
    return bounds if no_attrs and bounds is not None else el


def objective(parent: Element, where: str) -> Element:
    objectives = parent.findall("objective")
    if len(objectives) != 1:
        raise ScenarioError(f"expected one <objective>, found {len(objectives)}", path=where)
    if objectives[0].find("objective") is not None:
        raise ScenarioError(
            "nested <objective> elements are not supported: the issues must sit directly under "
            "the root objective",
            path=f"{where}/<objective>",
        )
    return objectives[0]
