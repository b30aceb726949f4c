"""The JSON Schema (draft 2020-12) of the scenario YAML format, for editors and validators.

The schema is generated from the format's table (:mod:`simulator.formats.spec`), so it lists exactly
the keys the reader accepts: every object rejects unknown keys, issue forms, value functions and
red-line forms are ``oneOf`` alternatives, a part that may be written as one value (``reservation:
0.4``) is a ``oneOf`` of that value and the mapping, and numbers carry their ranges and defaults.
Cross references (an option that must belong to the named issue) are beyond JSON Schema; the reader
checks them.

Examples
--------
>>> schema = scenario_json_schema()
>>> schema["required"]
['name', 'issues', 'parties']
>>> schema["$defs"]["party"]["properties"]["bargaining_power"]["exclusiveMinimum"]
0
"""

from __future__ import annotations

import math
from typing import Any

from simulator.formats.spec import ALL_PARTS, SCENARIO, VALUE_TYPES, Key, Part

__all__ = ["scenario_json_schema"]

Schema = dict[str, Any]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
_SCALARS: dict[str, Schema] = {
    "text": {"type": "string"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
}


def scenario_json_schema() -> Schema:
    """The JSON Schema of a scenario file.

    Returns
    -------
    dict
        A draft 2020-12 JSON Schema; ``json.dumps`` it to save it as ``scenario.schema.json``.
    """
    return {
        "$schema": DRAFT,
        "title": "Bargaining scenario",
        **_part(SCENARIO),
        "$defs": _definitions(),
    }


def _definitions() -> Schema:
    return {
        "optionRef": {"type": ["string", "number"], "description": VALUE_TYPES["optionRef"]},
        "optionSet": {
            "anyOf": [
                _ref("optionRef"),
                {"type": "array", "items": _ref("optionRef"), "minItems": 1},
            ],
            "description": VALUE_TYPES["optionSet"],
        },
        "condition": {
            "type": "object",
            "description": VALUE_TYPES["condition"],
            "minProperties": 1,
            "additionalProperties": _ref("optionSet"),
        },
        **{part.name: _part(part) for part in ALL_PARTS[1:] if not part.inline},
    }


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def _part(part: Part) -> Schema:
    """A part as a closed object, or ``oneOf`` its shorthand and the object."""
    schema: Schema = {
        "type": "object",
        "description": part.description,
        "properties": {key.name: _property(key) for key in part},
        "additionalProperties": False,
    }
    if part.required:
        schema["required"] = list(part.required)
    if part.forms:
        schema["oneOf"] = _forms(part)
    needs = {k.name: list(k.needs) for k in part if not set(k.needs) <= set(part.required)}
    if needs:
        schema["dependentRequired"] = needs
    if part.shorthand is None:
        return schema
    return {"description": part.summary, "oneOf": [_property(part.shorthand), schema]}


def _forms(part: Part) -> list[Schema]:
    """``oneOf`` branches: each form requires its keys (and forbids the others' if they share)."""
    if all(len(form) == 1 for form in part.forms):
        return [{"required": list(form)} for form in part.forms]
    companions = sorted({c for c in part.companions.values() if c})
    keys = [*part.form_keys, *companions]
    return [
        {
            "required": list(form),
            "not": {"anyOf": [{"required": [k]} for k in keys if k not in form]},
        }
        for form in part.forms
    ]


def _property(key: Key) -> Schema:
    """The schema of one key: its value, described, with its default."""
    value = _value(key)
    if key.container == "list":
        schema: Schema = {"type": "array", "description": key.description, "items": value}
        return schema | ({"minItems": key.min_items} if key.min_items else {})
    if key.container == "map":
        return {"type": "object", "description": key.description, "additionalProperties": value}
    if key.description:
        value = value | {"description": key.description}
    return value | ({} if key.default is None else {"default": _plain(key.default)})


def _value(key: Key) -> Schema:
    """The schema of one value of the key (an item, for lists and maps), with its range."""
    if isinstance(key.type, Part):
        value = _part(key.type) if key.type.inline else _ref(key.type.name)
        if not key.pair:
            return value
        bound = _bounds(key) | {"description": "Bound."}
        pair = {"type": "array", "items": bound, "minItems": 2, "maxItems": 2}
        return {"anyOf": [pair, value]}
    if key.type == "choice":
        return {"enum": list(key.choices)}
    if key.type == "number":
        return _bounds(key)
    if key.type in _SCALARS:
        return dict(_SCALARS[key.type])
    return _ref(key.type)


def _bounds(key: Key) -> Schema:
    schema: Schema = {"type": "number"}
    if math.isfinite(key.minimum):
        schema["exclusiveMinimum" if key.strict else "minimum"] = _plain(key.minimum)
    if math.isfinite(key.maximum):
        schema["maximum"] = _plain(key.maximum)
    return schema


def _plain(value: object) -> object:
    """An integral float as an int (``0`` rather than ``0.0``); anything else as it is."""
    return int(value) if isinstance(value, float) and value.is_integer() else value
