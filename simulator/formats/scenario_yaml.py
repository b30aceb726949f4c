"""Read and write scenario YAML files, the format of ``docs/scenario-format.md``.

Reading composes the YAML node tree with PyYAML's safe loader (nothing is constructed from tags, so
no object can be built and no code run) and walks it against the format by hand. Every value
therefore knows its field path and line, and every mistake is raised as a
:class:`~simulator.errors.ScenarioError` naming the file, the path
(``parties[1].red_lines[0].at_least``), the 1-based line, what is wrong and what is allowed.

Text fields take the text of the scalar as written, so ``date: 2025-11-20``, ``id: 000`` or
``options: [yes, no]`` keep their spelling instead of becoming a date, an integer or booleans. A
numeric issue's option ids are its values written compactly (``600``, ``2.5``); a reference to an
option may be written as a number (``at_least: 22``) and is matched by its value.

Writing (:func:`dump_scenario_yaml`) produces the same format with ``normalize_weights: false`` and
numbers written exactly, so that ``loads_scenario_yaml(dump_scenario_yaml(s)) == s``.
"""

from __future__ import annotations

import math
import os
import re
import warnings
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast

import yaml

from simulator.errors import ScenarioError, ScenarioWarning, did_you_mean
from simulator.model import (
    Condition,
    Interaction,
    Issue,
    Option,
    Party,
    Preference,
    Proposal,
    Rule,
    RuleKind,
    Scenario,
    Uncertainty,
    ValueKind,
)

__all__ = ["dump_scenario_yaml", "load_scenario_yaml", "loads_scenario_yaml"]

R = TypeVar("R")

# --- the keys of each part of the format (the JSON Schema in ``schema.py`` lists the same) --------
SCENARIO_KEYS = (
    "name",
    "title",
    "description",
    "date",
    "references",
    "constants",
    "normalize_weights",
    "issues",
    "parties",
    "constraints",
    "proposals",
)
ISSUE_KEYS = ("id", "label", "unit", "description", "source", "options", "values", "range")
OPTION_KEYS = ("id", "label", "value")
RANGE_KEYS = ("min", "max", "step")
PARTY_KEYS = (
    "id",
    "label",
    "description",
    "source",
    "reservation",
    "bargaining_power",
    "weight_concentration",
    "utility_cap",
    "discount",
    "preferences",
    "interactions",
    "red_lines",
)
RESERVATION_KEYS = ("value", "low", "high", "distribution", "mode", "source")
DISCOUNT_KEYS = ("value", "source")
UNCERTAINTY_KEYS = ("low", "high", "distribution", "mode")
PREFERENCE_KEYS = ("weight", "table", "linear", "ideal", "spread", "exponent", "source")
INTERACTION_KEYS = ("id", "when", "bonus", "source", "description")
RULE_KEYS = (
    "id",
    "issue",
    "not",
    "at_least",
    "at_most",
    "if",
    "then",
    "exclude",
    "source",
    "description",
    "probability",
    "probability_range",
)
PROPOSAL_KEYS = ("id", "label", "date", "source", "description", "options")

ISSUE_FORMS = ("options", "values", "range")
VALUE_FUNCTIONS = ("table", "linear", "ideal")
RULE_FORMS = ("not", "at_least", "at_most", "if", "exclude")
#: for each red-line form, the companion key it needs (the other companions are not allowed)
RULE_COMPANIONS = {
    "not": "issue",
    "at_least": "issue",
    "at_most": "issue",
    "if": "then",
    "exclude": None,
}
RULE_HINT = " (not, at_least, at_most go with issue; if goes with then)"
DIRECTIONS = ("increasing", "decreasing")
DISTRIBUTIONS = ("uniform", "triangular")
MAX_RANGE_OPTIONS = 100_000
RANGE_TOLERANCE = Decimal("1e-9")
WEIGHT_TOLERANCE = 1e-6

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
_STANDARD_TAGS = _SCALAR_TAGS | {_TAG + "map", _TAG + "seq"}
_NUMBER = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


# --- public API -----------------------------------------------------------------------------------
def load_scenario_yaml(path: str | os.PathLike[str]) -> Scenario:
    """Read a scenario YAML file.

    Parameters
    ----------
    path
        The ``.yaml`` file.

    Returns
    -------
    Scenario
        The scenario, with ``origin`` set to ``path``.

    Raises
    ------
    ScenarioError
        If the file cannot be read or breaks the format, with file, field path and line.

    Warns
    -----
    ScenarioWarning
        If a party's weights do not sum to 1 and ``normalize_weights`` is true (they are rescaled).
    """
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise ScenarioError(f"cannot read the scenario file: {e.strerror}", file=file) from None
    except UnicodeDecodeError as e:
        raise ScenarioError(f"not a UTF-8 text file ({e.reason})", file=file) from None
    return _scenario(_compose(text, file), origin=file)


def loads_scenario_yaml(text: str, filename: str = "<string>") -> Scenario:
    """Read a scenario from YAML text.

    Parameters
    ----------
    text
        The YAML document.
    filename
        The name used in error messages.

    Returns
    -------
    Scenario
        The scenario (``origin`` is None).

    Raises
    ------
    ScenarioError
        If the text breaks the format, with file, field path and line.

    Examples
    --------
    >>> s = loads_scenario_yaml('''
    ... name: tiny
    ... issues: [{id: price, values: [1, 2.5]}]
    ... parties: [{id: buyer, preferences: {price: {weight: 1, linear: decreasing}}}]
    ... ''')
    >>> s.issues[0].option_ids
    ('1', '2.5')
    """
    return _scenario(_compose(text, filename), origin=None)


def dump_scenario_yaml(scenario: Scenario) -> str:
    """Write a scenario as YAML in the scenario format.

    The text sets ``normalize_weights: false`` and writes every number exactly, so reading it back
    with :func:`loads_scenario_yaml` gives an equal scenario. ``origin`` (where the scenario was
    read from) is not written; neither are fields the chosen value function or rule kind ignores (a
    ``direction`` on a table, a ``peak`` on a linear value function).

    Parameters
    ----------
    scenario
        Any valid scenario.

    Returns
    -------
    str
        The YAML document.

    Examples
    --------
    >>> s = loads_scenario_yaml('''
    ... name: tiny
    ... issues: [{id: size, options: [small, large]}]
    ... parties: [{id: buyer, preferences: {size: {weight: 1, linear: increasing}}}]
    ... ''')
    >>> print(dump_scenario_yaml(s), end="")
    name: tiny
    normalize_weights: false
    issues:
    - id: size
      options: [small, large]
    parties:
    - id: buyer
      reservation: 0
      preferences:
        size: {weight: 1, linear: increasing}
    >>> loads_scenario_yaml(dump_scenario_yaml(s)) == s
    True
    """
    return yaml.dump(
        _scenario_data(scenario),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=None,
    )


# --- located nodes --------------------------------------------------------------------------------
@dataclass(frozen=True)
class _At:
    """A YAML node with the file it is in and its field path, for reading and for errors."""

    node: yaml.Node
    path: str
    file: str

    @property
    def line(self) -> int:
        return int(self.node.start_mark.line) + 1

    def error(self, message: str) -> ScenarioError:
        return ScenarioError(message, file=self.file, path=self.path or None, line=self.line)

    def at(self, node: yaml.Node, key: str | int) -> _At:
        """The location of a child node (a mapping value or a list item)."""
        if isinstance(key, int):
            return _At(node, f"{self.path}[{key}]", self.file)
        return _At(node, f"{self.path}.{key}" if self.path else key, self.file)

    @contextmanager
    def building(self) -> Iterator[None]:
        """Locate errors raised inside (e.g. by the model's ``__post_init__``) at this node."""
        try:
            yield
        except ScenarioError as e:
            raise e.located(file=self.file, path=self.path or None, line=self.line) from None


def _compose(text: str, filename: str) -> _At:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = None if mark is None else mark.line + 1
        problem = ": ".join(x for x in (e.context, e.problem) if x)
        raise ScenarioError(f"invalid YAML: {problem}", file=filename, line=line) from None
    except yaml.YAMLError as e:
        raise ScenarioError(f"invalid YAML: {e}", file=filename) from None
    if node is None:
        raise ScenarioError(
            "the file is empty; a scenario needs at least name, issues and parties", file=filename
        )
    return _At(node, "", filename)


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == _TAG + "null":
        return "nothing (null)"
    return repr(node.value) if node.tag == _TAG + "str" else str(node.value)


# --- scalars --------------------------------------------------------------------------------------
def _standard(n: _At) -> yaml.Node:
    """The node, if its tag is a core YAML one (no ``!!python/...``, no custom tags)."""
    if n.node.tag not in _STANDARD_TAGS:
        raise n.error(
            f"unsupported YAML tag {n.node.tag!r}; a scenario holds only text, numbers, "
            "true/false, lists and mappings"
        )
    return n.node


def _scalar(n: _At, expected: str) -> yaml.ScalarNode:
    node = _standard(n)
    if not isinstance(node, yaml.ScalarNode) or node.tag == _TAG + "null":
        raise n.error(f"expected {expected}, got {_describe(node)}")
    return node


def _text(n: _At) -> str:
    return str(_scalar(n, "text").value)


def _number_of(node: yaml.ScalarNode) -> float | None:
    """The number a scalar spells (``1e5`` included, which YAML 1.1 reads as text), or None."""
    if node.tag == _TAG + "int":
        value: float = _CONSTRUCTOR.construct_yaml_int(node)
    elif node.tag == _TAG + "float":
        value = _CONSTRUCTOR.construct_yaml_float(node)
    elif node.tag == _TAG + "str" and node.style is None and _NUMBER.fullmatch(node.value):
        value = float(node.value)
    else:
        return None
    try:
        return float(value)
    except OverflowError:
        return math.inf


def _number(
    n: _At, minimum: float = -math.inf, maximum: float = math.inf, *, strict: bool = False
) -> float:
    """A finite number in ``[minimum, maximum]`` (``(minimum, maximum]`` if ``strict``)."""
    value = _number_of(_scalar(n, _number_rule(minimum, maximum, strict)))
    if value is None or not (
        math.isfinite(value)
        and (value > minimum if strict else value >= minimum)
        and value <= maximum
    ):
        raise n.error(f"expected {_number_rule(minimum, maximum, strict)}, got {_describe(n.node)}")
    return value


def _number_rule(minimum: float, maximum: float, strict: bool) -> str:
    if math.isfinite(minimum) and math.isfinite(maximum):
        return f"a number in {'(' if strict else '['}{minimum:g}, {maximum:g}]"
    if math.isfinite(minimum):
        return f"a number {'>' if strict else '>='} {minimum:g}"
    return "a finite number"


def _unit(n: _At) -> float:
    return _number(n, 0.0, 1.0)


def _non_negative(n: _At) -> float:
    return _number(n, 0.0)


def _positive(n: _At) -> float:
    return _number(n, 0.0, strict=True)


def _discount_factor(n: _At) -> float:
    return _number(n, 0.0, 1.0, strict=True)


def _discount(n: _At) -> tuple[float, str | None]:
    """``number`` or ``{value, source}``: the discount factor per round and where it comes from."""
    if not isinstance(n.node, yaml.MappingNode):
        return _discount_factor(n), None
    f = _fields(n, DISCOUNT_KEYS, ("value",))
    return _discount_factor(f["value"]), _opt(f, "source", _text)


def _bool(n: _At) -> bool:
    node = _scalar(n, "true or false")
    if node.tag != _TAG + "bool":
        raise n.error(f"expected true or false, got {_describe(node)}")
    return bool(_CONSTRUCTOR.construct_yaml_bool(node))


def _choice(n: _At, allowed: tuple[str, ...]) -> str:
    word = _text(n)
    if word not in allowed:
        raise n.error(f"{word!r} is not allowed here; {did_you_mean(word, allowed)}")
    return word


def _number_id(value: float) -> str:
    """The option id of a numeric option: ``600.0 -> '600'``, ``2.5 -> '2.5'``."""
    return str(_plain(value))


def _plain(value: float) -> int | float:
    """An integral float as an int (written without ``.0``); any other float as it is."""
    value = float(value)
    return int(value) if value.is_integer() and abs(value) < 1e16 else value


# --- collections ----------------------------------------------------------------------------------
def _entries(n: _At) -> list[tuple[str, _At, _At]]:
    """``(key, key location, value location)`` of a mapping; a key given twice is an error."""
    if not isinstance(_standard(n), yaml.MappingNode):
        raise n.error(f"expected a mapping, got {_describe(n.node)}")
    seen: dict[str, int] = {}
    out = []
    for key_node, value_node in n.node.value:
        key = _text(_At(key_node, n.path, n.file))
        key_at = n.at(key_node, key)
        if key in seen:
            raise key_at.error(
                f"duplicate key {key!r} (first given at line {seen[key]}); a key may appear once"
            )
        seen[key] = key_at.line
        out.append((key, key_at, n.at(value_node, key)))
    return out


def _fields(n: _At, allowed: tuple[str, ...], required: Collection[str] = ()) -> dict[str, _At]:
    """A mapping's values by key; unknown keys are errors, optional keys set to null are absent."""
    found = {}
    for key, key_at, value_at in _entries(n):
        if key not in allowed:
            raise key_at.error(f"unknown key {key!r}; {did_you_mean(key, allowed)}")
        if key in required or value_at.node.tag != _TAG + "null":
            found[key] = value_at
    for key in required:
        if key not in found:
            raise n.error(f"missing required key {key!r} (required: {', '.join(required)})")
    return found


def _items(n: _At, what: str, *, nonempty: bool = False) -> list[_At]:
    node = _standard(n)
    if not isinstance(node, yaml.SequenceNode):
        raise n.error(f"expected a list of {what}, got {_describe(node)}")
    if nonempty and not node.value:
        raise n.error(f"the list is empty; give at least one of the {what}")
    return [n.at(child, k) for k, child in enumerate(node.value)]


def _opt(fields: Mapping[str, _At], key: str, read: Callable[[_At], R]) -> R | None:
    return read(fields[key]) if key in fields else None


def _exactly_one(
    n: _At, fields: Mapping[str, _At], keys: tuple[str, ...], what: str, hint: str = ""
) -> str:
    """The one key of ``keys`` that ``fields`` gives; none or several is an error."""
    given = sorted((k for k in keys if k in fields), key=lambda k: fields[k].node.start_mark.index)
    if len(given) == 1:
        return given[0]
    allowed = f"give exactly one of {', '.join(keys)}{hint}"
    if not given:
        raise n.error(f"{what} gives none of its forms; {allowed}")
    raise fields[given[1]].error(f"{what} gives both {given[0]!r} and {given[1]!r}; {allowed}")


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=_HasId)


def _build_all(
    n: _At | None, what: str, build: Callable[[_At], T], *, nonempty: bool = False
) -> tuple[T, ...]:
    """Build every item of a list, each located at its node; ids must be unique."""
    if n is None:
        return ()
    built: list[T] = []
    first: dict[str, int] = {}
    for item in _items(n, f"{what}s", nonempty=nonempty):
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
def _issue_ref(n: _At, issues: Mapping[str, Issue]) -> Issue:
    name = _text(n)
    if name not in issues:
        raise n.error(f"no issue {name!r}; {did_you_mean(name, issues)}")
    return issues[name]


def _option_ref(n: _At, issue: Issue) -> str:
    """An option of ``issue``, by id or, on a numeric issue, by value (``22`` for ``"22"``)."""
    node = _scalar(n, f"an option of issue {issue.id!r}")
    ids = issue.option_ids
    if node.value in ids:
        return str(node.value)
    number = _number_of(node)
    if number is not None and math.isfinite(number) and _number_id(number) in ids:
        return _number_id(number)
    raise n.error(
        f"issue {issue.id!r} has no option {node.value!r}; {did_you_mean(node.value, ids)}"
    )


def _option_refs(n: _At, issue: Issue) -> tuple[str, ...]:
    """One option or a non-empty list of options of ``issue``."""
    is_list = isinstance(n.node, yaml.SequenceNode)
    items = _items(n, f"options of issue {issue.id!r}", nonempty=True) if is_list else [n]
    return tuple(_option_ref(item, issue) for item in items)


def _option_sets(n: _At, issues: Mapping[str, Issue]) -> dict[str, tuple[str, ...]]:
    """``{issue: option or [options]}``."""
    return {
        (issue := _issue_ref(key_at, issues)).id: _option_refs(value_at, issue)
        for _, key_at, value_at in _entries(n)
    }


def _condition(n: _At, issues: Mapping[str, Issue]) -> Condition:
    clauses = _option_sets(n, issues)
    if not clauses:
        raise n.error("a condition names no issue; give {issue: [options], ...}")
    return Condition(tuple(clauses.items()))


# --- the scenario ---------------------------------------------------------------------------------
def _scenario(root: _At, origin: str | None) -> Scenario:
    if not isinstance(root.node, yaml.MappingNode):
        raise root.error(
            f"the top level of a scenario must be a mapping with name, issues and parties, "
            f"got {_describe(root.node)}"
        )
    f = _fields(root, SCENARIO_KEYS, ("name", "issues", "parties"))
    issues = _build_all(f["issues"], "issue", _issue, nonempty=True)
    by_id = {i.id: i for i in issues}
    normalize = _bool(f["normalize_weights"]) if "normalize_weights" in f else True
    parties = _build_all(
        f["parties"], "party", lambda n: _party(n, by_id, normalize), nonempty=True
    )
    with root.building():
        return Scenario(
            _text(f["name"]),
            issues,
            parties,
            constraints=_build_all(f.get("constraints"), "constraint", lambda n: _rule(n, by_id)),
            proposals=_build_all(f.get("proposals"), "proposal", lambda n: _proposal(n, by_id)),
            title=_opt(f, "title", _text),
            description=_opt(f, "description", _text),
            date=_opt(f, "date", _text),
            constants=tuple(_text(c) for c in _items(f["constants"], "texts"))
            if "constants" in f
            else (),
            references=_opt(f, "references", _references) or {},
            origin=origin,
        )


def _references(n: _At) -> dict[str, str]:
    return {key: _text(value_at) for key, _, value_at in _entries(n)}


# --- issues ---------------------------------------------------------------------------------------
def _issue(n: _At) -> Issue:
    f = _fields(n, ISSUE_KEYS, ("id",))
    form = _exactly_one(n, f, ISSUE_FORMS, "the issue")
    if form == "options":
        options = _build_all(f[form], "option", _option, nonempty=True)
    elif form == "values":
        options = _build_all(f[form], "value", lambda v: _numeric_option(_number(v)), nonempty=True)
    else:
        options = tuple(_numeric_option(v) for v in _range(f[form]))
    return Issue(
        _text(f["id"]),
        options,
        label=_opt(f, "label", _text),
        source=_opt(f, "source", _text),
        unit=_opt(f, "unit", _text),
        description=_opt(f, "description", _text),
    )


def _numeric_option(value: float) -> Option:
    return Option(_number_id(value), value=float(value))


def _option(n: _At) -> Option:
    if not isinstance(n.node, yaml.MappingNode):
        return Option(_text(n))
    f = _fields(n, OPTION_KEYS, ("id",))
    return Option(_text(f["id"]), label=_opt(f, "label", _text), value=_opt(f, "value", _number))


def _range(n: _At) -> list[float]:
    """``{min, max, step}`` discretised inclusively, exact for decimal steps (0.1 + 0.2 is 0.3).

    The values are computed in decimal arithmetic from the numbers as written, so ``0.3`` is 0.3 and
    not ``0.30000000000000004``; ``max`` is the last option when it lies on the grid within
    ``RANGE_TOLERANCE`` steps.
    """
    f = _fields(n, RANGE_KEYS, RANGE_KEYS)
    low, high, step = _number(f["min"]), _number(f["max"]), _positive(f["step"])
    if high < low:
        raise f["max"].error(f"max {high:g} is below min {low:g}; a range needs min <= max")
    start, width, end = (Decimal(repr(x)) for x in (low, step, high))
    count = int((end - start) / width + RANGE_TOLERANCE) + 1
    if count > MAX_RANGE_OPTIONS:
        raise n.error(
            f"the range has {count} options; at most {MAX_RANGE_OPTIONS} are allowed "
            "(use a larger step)"
        )
    grid = [start + k * width for k in range(count)]
    if abs(grid[-1] - end) <= RANGE_TOLERANCE * width:
        grid[-1] = end  # max lies on the grid (within the tolerance): it is the last option
    return [float(v) for v in grid]


# --- parties --------------------------------------------------------------------------------------
def _party(n: _At, issues: Mapping[str, Issue], normalize: bool) -> Party:
    f = _fields(n, PARTY_KEYS, ("id", "preferences"))
    party_id = _text(f["id"])
    prefs = _preferences(f["preferences"], issues)
    if normalize:
        prefs = _normalized(f["preferences"], prefs, party_id)
    value, spread, source = (
        _reservation(f["reservation"]) if "reservation" in f else (0.0, None, None)
    )
    discount, discount_source = _discount(f["discount"]) if "discount" in f else (None, None)
    return Party(
        party_id,
        prefs,
        value,
        label=_opt(f, "label", _text),
        interactions=_build_all(
            f.get("interactions"), "interaction", lambda t: _interaction(t, issues)
        ),
        red_lines=_build_all(f.get("red_lines"), "red line", lambda r: _rule(r, issues)),
        bargaining_power=_positive(f["bargaining_power"]) if "bargaining_power" in f else 1.0,
        utility_cap=_opt(f, "utility_cap", _number),
        discount=discount,
        discount_source=discount_source,
        reservation_range=spread,
        reservation_source=source,
        weight_concentration=_opt(f, "weight_concentration", _positive),
        source=_opt(f, "source", _text),
        description=_opt(f, "description", _text),
    )


def _preferences(n: _At, issues: Mapping[str, Issue]) -> dict[str, Preference]:
    prefs = {}
    for _, key_at, value_at in _entries(n):
        issue = _issue_ref(key_at, issues)
        with value_at.building():
            prefs[issue.id] = _preference(value_at, issue)
    return prefs


def _preference(n: _At, issue: Issue) -> Preference:
    f = _fields(n, PREFERENCE_KEYS, ("weight",))
    kind = cast(ValueKind, _exactly_one(n, f, VALUE_FUNCTIONS, "the preference"))
    if "spread" in f and kind != "ideal":
        raise f["spread"].error("spread applies only to an ideal value function (ideal: option)")
    direction = _choice(f["linear"], DIRECTIONS) if kind == "linear" else "increasing"
    return Preference(
        _non_negative(f["weight"]),
        kind,
        direction=cast(Any, direction),
        table=_table(f["table"], issue) if kind == "table" else None,
        peak=_option_ref(f["ideal"], issue) if kind == "ideal" else None,
        spread=_opt(f, "spread", _positive),
        exponent=_positive(f["exponent"]) if "exponent" in f else 1.0,
        source=_opt(f, "source", _text),
    )


def _table(n: _At, issue: Issue) -> tuple[float, ...]:
    values: dict[str, float] = {}
    for _, key_at, value_at in _entries(n):
        option = _option_ref(key_at, issue)
        if option in values:
            raise key_at.error(f"option {option!r} is given twice; give each option once")
        values[option] = _unit(value_at)
    missing = [o for o in issue.option_ids if o not in values]
    if missing:
        raise n.error(
            f"the table misses options {', '.join(missing)} of issue {issue.id!r}; "
            "give a value in [0, 1] for every option"
        )
    return tuple(values[o] for o in issue.option_ids)


def _normalized(n: _At, prefs: dict[str, Preference], party_id: str) -> dict[str, Preference]:
    """Weights rescaled to sum to 1, with a warning if they did not."""
    total = math.fsum(p.weight for p in prefs.values())
    if total == 0:
        raise n.error(
            f"party {party_id!r} gives no issue a weight > 0; give at least one "
            "(or set normalize_weights: false to take weights as given)"
        )
    if abs(total - 1.0) <= WEIGHT_TOLERANCE:
        return prefs
    warnings.warn(
        ScenarioWarning(
            f"{n.file}:{n.line}: {n.path}: the weights of party {party_id!r} sum to {total:.6g}, "
            "not 1; rescaled to sum to 1 (set normalize_weights: false to keep them as given)"
        ),
        stacklevel=2,
    )
    return {k: replace(p, weight=p.weight / total) for k, p in prefs.items()}


def _reservation(n: _At) -> tuple[float, Uncertainty | None, str | None]:
    """``number`` or ``{value, low, high, distribution, mode, source}``."""
    if not isinstance(n.node, yaml.MappingNode):
        return _number(n), None, None
    f = _fields(n, RESERVATION_KEYS, ("value",))
    return _number(f["value"]), _uncertainty(n, f, _number), _opt(f, "source", _text)


def _uncertainty(
    n: _At, f: Mapping[str, _At], number: Callable[[_At], float]
) -> Uncertainty | None:
    """The ``low``/``high``/``distribution``/``mode`` fields of ``f``, if any."""
    if "low" not in f and "high" not in f:
        for key in ("distribution", "mode"):
            if key in f:
                raise f[key].error(f"{key} needs a range: give low and high too")
        return None
    for key in ("low", "high"):
        if key not in f:
            raise n.error(f"missing {key!r}; an uncertainty range needs both low and high")
    with n.building():
        return Uncertainty(
            number(f["low"]),
            number(f["high"]),
            distribution=cast(Any, _choice(f["distribution"], DISTRIBUTIONS))
            if "distribution" in f
            else "uniform",
            mode=_opt(f, "mode", number),
        )


def _interaction(n: _At, issues: Mapping[str, Issue]) -> Interaction:
    f = _fields(n, INTERACTION_KEYS, ("id", "when", "bonus"))
    return Interaction(
        _text(f["id"]),
        _condition(f["when"], issues),
        _number(f["bonus"]),
        source=_opt(f, "source", _text),
        description=_opt(f, "description", _text),
    )


# --- red lines and constraints --------------------------------------------------------------------
def _rule(n: _At, issues: Mapping[str, Issue]) -> Rule:
    f = _fields(n, RULE_KEYS, ("id",))
    form = _rule_form(n, f)
    issue, options, bound = _one_issue_rule(form, f, issues)
    return Rule(
        _text(f["id"]),
        cast(RuleKind, "implies" if form == "if" else form),
        issue=issue,
        options=options,
        bound=bound,
        condition=_condition(f[form], issues) if form in ("if", "exclude") else None,
        consequence=_condition(f["then"], issues) if form == "if" else None,
        source=_opt(f, "source", _text),
        description=_opt(f, "description", _text),
        probability=_unit(f["probability"]) if "probability" in f else 1.0,
        probability_range=_opt(f, "probability_range", _probability_range),
    )


def _rule_form(n: _At, f: Mapping[str, _At]) -> str:
    """Which rule form (not, at_least, at_most, if, exclude) is used, with its companion key."""
    form = _exactly_one(n, f, RULE_FORMS, "the rule", RULE_HINT)
    needed = RULE_COMPANIONS[form]
    for key in ("issue", "then"):
        if key == needed and key not in f:
            raise n.error(f"{form!r} needs {key!r}; give both")
        if key != needed and key in f:
            users = [k for k, v in RULE_COMPANIONS.items() if v == key]
            raise f[key].error(f"{key!r} goes only with {', '.join(users)}, not with {form!r}")
    return form


def _one_issue_rule(
    form: str, f: Mapping[str, _At], issues: Mapping[str, Issue]
) -> tuple[str | None, tuple[str, ...], str | None]:
    """``(issue, options, bound)`` of a one-issue rule; ``(None, (), None)`` for the others."""
    if "issue" not in f:
        return None, (), None
    issue = _issue_ref(f["issue"], issues)
    if form == "not":
        return issue.id, _option_refs(f[form], issue), None
    return issue.id, (), _option_ref(f[form], issue)


def _probability_range(n: _At) -> Uncertainty:
    """``[low, high]`` or ``{low, high, distribution, mode}``, all in [0, 1]."""
    if isinstance(n.node, yaml.MappingNode):
        f = _fields(n, UNCERTAINTY_KEYS, ("low", "high"))
        return cast(Uncertainty, _uncertainty(n, f, _unit))
    items = _items(n, "two probabilities [low, high] (or a mapping {low, high, ...})")
    if len(items) != 2:
        raise n.error(f"expected two probabilities [low, high], got {len(items)} values")
    with n.building():
        return Uncertainty(_unit(items[0]), _unit(items[1]))


# --- proposals ------------------------------------------------------------------------------------
def _proposal(n: _At, issues: Mapping[str, Issue]) -> Proposal:
    f = _fields(n, PROPOSAL_KEYS, ("id",))
    return Proposal(
        _text(f["id"]),
        _opt(f, "options", lambda o: _option_sets(o, issues)) or {},
        label=_opt(f, "label", _text),
        date=_opt(f, "date", _text),
        source=_opt(f, "source", _text),
        description=_opt(f, "description", _text),
    )


# --- writing --------------------------------------------------------------------------------------
class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper, but text holding a NEL (U+0085) is double-quoted (escaped as ``\\N``).

    Plain PyYAML writes a NEL raw inside single quotes, where reading takes it for a line break.
    """


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    return dumper.represent_scalar(_TAG + "str", text, style='"' if "\x85" in text else None)


_Dumper.add_representer(str, _represent_text)


def _compact(data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` without the entries that are None (not given)."""
    return {k: v for k, v in data.items() if v is not None}


def _num(value: float | None) -> int | float | None:
    return None if value is None else _plain(value)


def _unless(value: float, default: float) -> int | float | None:
    return None if value == default else _plain(value)


def _scenario_data(s: Scenario) -> dict[str, Any]:
    issues = {i.id: i for i in s.issues}
    return _compact(
        {
            "name": s.name,
            "title": s.title,
            "description": s.description,
            "date": s.date,
            "references": dict(s.references) or None,
            "constants": list(s.constants) or None,
            "normalize_weights": False,
            "issues": [_issue_data(i) for i in s.issues],
            "parties": [_party_data(p, issues) for p in s.parties],
            "constraints": [_rule_data(r) for r in s.constraints] or None,
            "proposals": [_proposal_data(p) for p in s.proposals] or None,
        }
    )


def _issue_data(issue: Issue) -> dict[str, Any]:
    options: dict[str, Any]
    if all(o.value is not None and o == _numeric_option(o.value) for o in issue.options):
        options = {"values": [_num(o.value) for o in issue.options]}
    else:
        options = {"options": [_option_data(o) for o in issue.options]}
    return _compact(
        {
            "id": issue.id,
            "label": issue.label,
            "unit": issue.unit,
            **options,
            "description": issue.description,
            "source": issue.source,
        }
    )


def _option_data(option: Option) -> str | dict[str, Any]:
    if option.label is None and option.value is None:
        return option.id
    return _compact({"id": option.id, "label": option.label, "value": _num(option.value)})


def _party_data(p: Party, issues: Mapping[str, Issue]) -> dict[str, Any]:
    return _compact(
        {
            "id": p.id,
            "label": p.label,
            "description": p.description,
            "source": p.source,
            "reservation": _reservation_data(p),
            "bargaining_power": _unless(p.bargaining_power, 1.0),
            "weight_concentration": _num(p.weight_concentration),
            "utility_cap": _num(p.utility_cap),
            "discount": _discount_data(p),
            "preferences": {k: _preference_data(v, issues[k]) for k, v in p.preferences.items()},
            "interactions": [_interaction_data(t) for t in p.interactions] or None,
            "red_lines": [_rule_data(r) for r in p.red_lines] or None,
        }
    )


def _reservation_data(p: Party) -> int | float | dict[str, Any]:
    value = _plain(p.reservation)
    if p.reservation_range is None and p.reservation_source is None:
        return value
    spread = _uncertainty_data(p.reservation_range) if p.reservation_range else {}
    return _compact({"value": value, **spread, "source": p.reservation_source})


def _discount_data(p: Party) -> int | float | dict[str, Any] | None:
    if p.discount is None or p.discount_source is None:
        return _num(p.discount)
    return {"value": _plain(p.discount), "source": p.discount_source}


def _uncertainty_data(u: Uncertainty) -> dict[str, Any]:
    return _compact(
        {
            "low": _plain(u.low),
            "high": _plain(u.high),
            "distribution": None if u.distribution == "uniform" else u.distribution,
            "mode": _num(u.mode),
        }
    )


def _preference_data(p: Preference, issue: Issue) -> dict[str, Any]:
    function: dict[str, Any]
    if p.kind == "table":
        assert p.table is not None
        function = {"table": {o: _plain(v) for o, v in zip(issue.option_ids, p.table, strict=True)}}
    elif p.kind == "linear":
        function = {"linear": p.direction}
    else:
        function = {"ideal": p.peak, "spread": _num(p.spread)}
    return _compact(
        {
            "weight": _plain(p.weight),
            **function,
            "exponent": _unless(p.exponent, 1.0),
            "source": p.source,
        }
    )


def _interaction_data(t: Interaction) -> dict[str, Any]:
    return _compact(
        {
            "id": t.id,
            "when": t.when.as_dict(),
            "bonus": _plain(t.bonus),
            "source": t.source,
            "description": t.description,
        }
    )


def _rule_data(r: Rule) -> dict[str, Any]:
    form: dict[str, Any]
    if r.kind == "not":
        form = {"issue": r.issue, "not": list(r.options)}
    elif r.kind in ("at_least", "at_most"):
        form = {"issue": r.issue, r.kind: r.bound}
    elif r.kind == "implies":
        assert r.condition is not None and r.consequence is not None
        form = {"if": r.condition.as_dict(), "then": r.consequence.as_dict()}
    else:
        assert r.condition is not None
        form = {"exclude": r.condition.as_dict()}
    return _compact(
        {
            "id": r.id,
            **form,
            "source": r.source,
            "description": r.description,
            "probability": _unless(r.probability, 1.0),
            "probability_range": _probability_range_data(r.probability_range),
        }
    )


def _probability_range_data(u: Uncertainty | None) -> list[int | float] | dict[str, Any] | None:
    if u is None:
        return None
    if u.distribution == "uniform" and u.mode is None:
        return [_plain(u.low), _plain(u.high)]
    return _uncertainty_data(u)


def _proposal_data(p: Proposal) -> dict[str, Any]:
    options = {k: v[0] if len(v) == 1 else list(v) for k, v in p.options.items()}
    return _compact(
        {
            "id": p.id,
            "label": p.label,
            "date": p.date,
            "source": p.source,
            "description": p.description,
            "options": options or None,
        }
    )
