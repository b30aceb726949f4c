"""The YAML layer of the scenario reader: nodes that know their file, field path and line.

A scenario file is composed into PyYAML's node tree with the safe loader (nothing is constructed
from tags, so no object can be built and no code run) and read node by node: :class:`Located` is a
node with its file and field path (``parties[1].red_lines[0].at_least``), and every reader here
raises a :class:`~simulator.errors.ScenarioError` naming the file, the path, the 1-based line, what
is wrong and what is allowed. Mappings are checked against a part of the format's table
(:mod:`simulator.formats.spec`), numbers against a key's range.

Text takes the text of the scalar as written, so ``2025-11-20``, ``000`` or ``yes`` keep their
spelling; a number may be written ``1e5`` (text to YAML 1.1). A numeric issue's option ids are its
values written compactly (:func:`number_id`: ``600``, ``2.5``), which the writer shares.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import yaml

from simulator.errors import ScenarioError, did_you_mean
from simulator.formats.fields import Key, Part, number_rule
from simulator.model import Condition, Issue, Option

__all__ = [
    "TAG",
    "Located",
    "boolean",
    "build_all",
    "choice",
    "compose",
    "condition",
    "describe",
    "entries",
    "exactly_one",
    "fields",
    "getter",
    "issue_ref",
    "items",
    "number",
    "number_id",
    "number_of",
    "numeric_option",
    "option_ref",
    "option_refs",
    "option_sets",
    "optional",
    "plain",
    "scalar",
    "standard",
    "text",
    "value",
]

R = TypeVar("R")

TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
_STANDARD_TAGS = _SCALAR_TAGS | {TAG + "map", TAG + "seq"}
_NUMBER = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


# --- located nodes --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Located:
    """A YAML node with the file it is in and its field path, for reading and for errors."""

    node: yaml.Node
    path: str
    file: str

    @property
    def line(self) -> int:
        return int(self.node.start_mark.line) + 1

    def error(self, message: str) -> ScenarioError:
        return ScenarioError(message, file=self.file, path=self.path or None, line=self.line)

    def at(self, node: yaml.Node, key: str | int) -> Located:
        """The location of a child node (a mapping value or a list item)."""
        if isinstance(key, int):
            return Located(node, f"{self.path}[{key}]", self.file)
        return Located(node, f"{self.path}.{key}" if self.path else key, self.file)

    @contextmanager
    def building(self) -> Iterator[None]:
        """Locate errors raised inside (e.g. by the model's ``__post_init__``) at this node."""
        try:
            yield
        except ScenarioError as e:
            raise e.located(file=self.file, path=self.path or None, line=self.line) from None


def compose(text: str, filename: str) -> Located:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = None if mark is None else mark.line + 1
        problem = ": ".join(x for x in (e.context, e.problem) if x)
        raise ScenarioError(f"invalid YAML: {problem}", file=filename, line=line) from None
    except yaml.YAMLError as e:
        raise ScenarioError(f"invalid YAML: {e}", file=filename) from None
    except RecursionError:
        raise ScenarioError(
            "invalid YAML: lists or mappings nested too deeply (a scenario needs a few levels)",
            file=filename,
        ) from None
    if node is None:
        raise ScenarioError(
            "the file is empty; a scenario needs at least name, issues and parties", file=filename
        )
    return Located(node, "", filename)


def describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == TAG + "null":
        return "nothing (null)"
    return repr(node.value) if node.tag == TAG + "str" else str(node.value)


# --- scalars --------------------------------------------------------------------------------------
def standard(n: Located) -> yaml.Node:
    """The node, if its tag is a core YAML one (no ``!!python/...``, no custom tags)."""
    if n.node.tag not in _STANDARD_TAGS:
        raise n.error(
            f"unsupported YAML tag {n.node.tag!r}; a scenario holds only text, numbers, "
            "true/false, lists and mappings"
        )
    return n.node


def scalar(n: Located, expected: str) -> yaml.ScalarNode:
    node = standard(n)
    if not isinstance(node, yaml.ScalarNode) or node.tag == TAG + "null":
        raise n.error(f"expected {expected}, got {describe(node)}")
    return node


def text(n: Located) -> str:
    return str(scalar(n, "text").value)


def number_of(node: yaml.ScalarNode) -> float | None:
    """The number a scalar spells (``1e5`` included, which YAML 1.1 reads as text), or None."""
    if node.tag == TAG + "int":
        value: float = _CONSTRUCTOR.construct_yaml_int(node)
    elif node.tag == TAG + "float":
        value = _CONSTRUCTOR.construct_yaml_float(node)
    elif node.tag == TAG + "str" and node.style is None and _NUMBER.fullmatch(node.value):
        value = float(node.value)
    else:
        return None
    try:
        return float(value)
    except OverflowError:
        return math.inf


def number(n: Located, key: Key) -> float:
    """A finite number in the range of ``key`` (e.g. ``(0, 1]``)."""
    value = number_of(scalar(n, number_rule(key)))
    if value is None or not (
        math.isfinite(value)
        and (value > key.minimum if key.strict else value >= key.minimum)
        and value <= key.maximum
    ):
        raise n.error(f"expected {number_rule(key)}, got {describe(n.node)}")
    if abs(value) > key.size:
        raise n.error(
            f"expected {number_rule(key)} of size at most {key.size:g} (docs/limits.md), "
            f"got {describe(n.node)}"
        )
    return value


def boolean(n: Located) -> bool:
    node = scalar(n, "true or false")
    if node.tag != TAG + "bool":
        raise n.error(f"expected true or false, got {describe(node)}")
    return bool(_CONSTRUCTOR.construct_yaml_bool(node))


def choice(n: Located, key: Key) -> str:
    """One of the words ``key`` allows."""
    word = text(n)
    if word not in key.choices:
        raise n.error(f"{word!r} is not allowed here; {did_you_mean(word, key.choices)}")
    return word


def number_id(value: float) -> str:
    """The option id of a numeric option: ``600.0 -> '600'``, ``2.5 -> '2.5'``."""
    return str(plain(value))


def plain(value: float) -> int | float:
    """An integral float as an int (written without ``.0``); any other float as it is."""
    value = float(value)
    return int(value) if value.is_integer() and abs(value) < 1e16 else value


# --- collections ----------------------------------------------------------------------------------
def entries(n: Located) -> list[tuple[str, Located, Located]]:
    """``(key, key location, value location)`` of a mapping; a key given twice is an error."""
    if not isinstance(standard(n), yaml.MappingNode):
        raise n.error(f"expected a mapping, got {describe(n.node)}")
    seen: dict[str, int] = {}
    out = []
    for key_node, value_node in n.node.value:
        key = text(Located(key_node, n.path, n.file))
        key_at = n.at(key_node, key)
        if key in seen:
            raise key_at.error(
                f"duplicate key {key!r} (first given at line {seen[key]}); a key may appear once"
            )
        seen[key] = key_at.line
        out.append((key, key_at, n.at(value_node, key)))
    return out


def fields(n: Located, part: Part) -> dict[str, Located]:
    """A mapping's values by key, checked against ``part``: unknown keys are errors, required keys
    must be given, optional keys set to null are absent."""
    allowed, required = part.names, part.required
    found = {}
    for key, key_at, value_at in entries(n):
        if key not in allowed:
            raise key_at.error(f"unknown key {key!r}; {did_you_mean(key, allowed)}")
        if key in required or value_at.node.tag != TAG + "null":
            found[key] = value_at
    for key in required:
        if key not in found:
            raise n.error(f"missing required key {key!r} (required: {', '.join(required)})")
    return found


def value(n: Located, key: Key) -> Any:
    """The scalar value of a text, number, true/false or choice key, checked against ``key``."""
    if key.type == "number":
        return number(n, key)
    if key.type == "boolean":
        return boolean(n)
    if key.type == "choice":
        return choice(n, key)
    return text(n)


def getter(found: Mapping[str, Located], part: Part) -> Callable[[str], Any]:
    """``get(name)``: the value of scalar key ``name`` of ``part`` if given, else its default."""

    def get(name: str) -> Any:
        key = part[name]
        return value(found[name], key) if name in found else key.default

    return get


def items(n: Located, what: str, *, nonempty: bool = False) -> list[Located]:
    node = standard(n)
    if not isinstance(node, yaml.SequenceNode):
        raise n.error(f"expected a list of {what}, got {describe(node)}")
    if nonempty and not node.value:
        raise n.error(f"the list is empty; give at least one of the {what}")
    return [n.at(child, k) for k, child in enumerate(node.value)]


def optional(found: Mapping[str, Located], key: str, read: Callable[[Located], R]) -> R | None:
    return read(found[key]) if key in found else None


def exactly_one(n: Located, found: Mapping[str, Located], part: Part, what: str) -> str:
    """The one form of ``part`` that ``found`` gives; none or several is an error."""
    keys = part.form_keys
    given = sorted((k for k in keys if k in found), key=lambda k: found[k].node.start_mark.index)
    if len(given) == 1:
        return given[0]
    allowed = f"give exactly one of {', '.join(keys)}{_companion_hint(part)}"
    if not given:
        raise n.error(f"{what} gives none of its forms; {allowed}")
    raise found[given[1]].error(f"{what} gives both {given[0]!r} and {given[1]!r}; {allowed}")


def _companion_hint(part: Part) -> str:
    """`` (not, at_least, at_most go with issue; if goes with then)`` for forms with companions."""
    users: dict[str, list[str]] = {}
    for form, companion in part.companions.items():
        if companion is not None:
            users.setdefault(companion, []).append(form)
    said = [f"{', '.join(u)} go{'es' if len(u) == 1 else ''} with {c}" for c, u in users.items()]
    return f" ({'; '.join(said)})" if said else ""


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=_HasId)


def build_all(
    n: Located | None, what: str, build: Callable[[Located], T], *, nonempty: bool = False
) -> tuple[T, ...]:
    """Build every item of a list, each located at its node; ids must be unique."""
    if n is None:
        return ()
    built: list[T] = []
    first: dict[str, int] = {}
    for item in items(n, f"{what}s", nonempty=nonempty):
        with item.building():
            obj = build(item)
        if obj.id in first:
            raise item.error(
                f"duplicate {what} id {obj.id!r} (first at line {first[obj.id]}); "
                f"{what} ids must be unique"
            )
        first[obj.id] = item.line
        built.append(obj)
    return tuple(built)


# --- references to issues and options -------------------------------------------------------------
def issue_ref(n: Located, issues: Mapping[str, Issue]) -> Issue:
    name = text(n)
    if name not in issues:
        raise n.error(f"no issue {name!r}; {did_you_mean(name, issues)}")
    return issues[name]


def option_ref(n: Located, issue: Issue) -> str:
    """An option of ``issue``, by id or, on a numeric issue, by value (``22`` for ``"22"``)."""
    node = scalar(n, f"an option of issue {issue.id!r}")
    ids = issue.option_ids
    if node.value in ids:
        return str(node.value)
    number = number_of(node)
    if number is not None and math.isfinite(number) and number_id(number) in ids:
        return number_id(number)
    raise n.error(
        f"issue {issue.id!r} has no option {node.value!r}; {did_you_mean(node.value, ids)}"
    )


def option_refs(n: Located, issue: Issue) -> tuple[str, ...]:
    """One option or a non-empty list of options of ``issue``."""
    is_list = isinstance(n.node, yaml.SequenceNode)
    listed = items(n, f"options of issue {issue.id!r}", nonempty=True) if is_list else [n]
    return tuple(option_ref(item, issue) for item in listed)


def option_choices(n: Located, issues: Mapping[str, Issue]) -> dict[str, str]:
    """``{issue: option}``: one option of each issue named."""
    return {
        (issue := issue_ref(key_at, issues)).id: option_ref(value_at, issue)
        for _, key_at, value_at in entries(n)
    }


def option_sets(n: Located, issues: Mapping[str, Issue]) -> dict[str, tuple[str, ...]]:
    """``{issue: option or [options]}``."""
    return {
        (issue := issue_ref(key_at, issues)).id: option_refs(value_at, issue)
        for _, key_at, value_at in entries(n)
    }


def condition(n: Located, issues: Mapping[str, Issue]) -> Condition:
    clauses = option_sets(n, issues)
    if not clauses:
        raise n.error("a condition names no issue; give {issue: [options], ...}")
    return Condition(tuple(clauses.items()))


def numeric_option(value: float) -> Option:
    return Option(number_id(value), value=float(value))
