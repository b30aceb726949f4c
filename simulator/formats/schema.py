"""The JSON Schema (draft 2020-12) of the scenario YAML format, for editors and validators.

The schema describes the format of ``docs/scenario-format.md`` as precisely as JSON Schema allows:
every object rejects unknown keys, value functions, issue forms and red-line forms are ``oneOf``
alternatives, and numbers carry their ranges. Cross references (an option that must belong to the
named issue) are beyond JSON Schema; the loader checks them.

Examples
--------
>>> schema = scenario_json_schema()
>>> schema["required"]
['name', 'issues', 'parties']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from simulator.formats.scenario_yaml import (
    DIRECTIONS,
    DISTRIBUTIONS,
    ISSUE_FORMS,
    RULE_COMPANIONS,
    RULE_FORMS,
    VALUE_FUNCTIONS,
)

__all__ = ["scenario_json_schema"]

Schema = dict[str, Any]

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def scenario_json_schema() -> Schema:
    """The JSON Schema of a scenario file.

    Returns
    -------
    dict
        A draft 2020-12 JSON Schema; ``json.dumps`` it to save it as ``scenario.schema.json``.
    """
    top = _object(
        "A bargaining scenario: issues, parties, consistency constraints and named proposals.",
        {
            "name": _text("Short identifier of the scenario."),
            "title": _text("Display title."),
            **_texts("description"),
            "date": _text("Snapshot date, e.g. 2025-12-24."),
            "references": {
                "type": "object",
                "description": "Map from a reference id (W36, 000) to its full citation.",
                "additionalProperties": {"type": "string"},
            },
            "constants": _list({"type": "string"}, "Items every deal contains (not issues)."),
            "normalize_weights": {
                "type": "boolean",
                "default": True,
                "description": "true: rescale each party's weights to sum to 1 (warning if they "
                "did not); false: take them as given (GENIUS convention).",
            },
            "issues": _list(_ref("issue"), "The issues, in order.", min_items=1),
            "parties": _list(_ref("party"), "The parties.", min_items=1),
            "constraints": _list(_ref("rule"), "Consistency constraints that hold in every deal."),
            "proposals": _list(_ref("proposal"), "Named proposals."),
        },
        required=("name", "issues", "parties"),
    )
    return {"$schema": DRAFT, "title": "Bargaining scenario", **top, "$defs": _definitions()}


# --- building blocks ------------------------------------------------------------------------------
def _text(description: str) -> Schema:
    return {"type": "string", "description": description}


#: descriptions of the text fields many parts share
COMMON_TEXTS = {
    "label": "Display name.",
    "description": "Free text.",
    "source": "Where this comes from (a reference id, a document, 'assumption').",
}


def _texts(*keys: str) -> Schema:
    """The shared text fields ``keys`` (label, description, source), as properties."""
    return {key: _text(COMMON_TEXTS[key]) for key in keys}


def _number(description: str, **bounds: float) -> Schema:
    return {"type": "number", "description": description, **bounds}


def _probability(description: str) -> Schema:
    return _number(description, minimum=0, maximum=1)


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


def _list(items: Schema, description: str, *, min_items: int = 0) -> Schema:
    schema: Schema = {"type": "array", "description": description, "items": items}
    return schema | ({"minItems": min_items} if min_items else {})


def _object(
    description: str, properties: Schema, *, required: Iterable[str] = (), **extra: Any
) -> Schema:
    schema: Schema = {
        "type": "object",
        "description": description,
        "properties": properties,
        "additionalProperties": False,
    }
    return schema | ({"required": list(required)} if required else {}) | extra


def _one_of_keys(forms: Iterable[Iterable[str]], keys: Iterable[str]) -> list[Schema]:
    """``oneOf`` branches: each form requires its keys and forbids the other ``keys``."""
    keys = list(keys)
    branches = []
    for form in forms:
        form = list(form)
        others = [k for k in keys if k not in form]
        branches.append({"required": form, "not": {"anyOf": [{"required": [k]} for k in others]}})
    return branches


# --- the parts of a scenario ----------------------------------------------------------------------
def _definitions() -> Schema:
    return {
        "optionRef": {
            "type": ["string", "number"],
            "description": "An option id of the issue (a number for a numeric issue's value).",
        },
        "optionSet": {
            "anyOf": [
                _ref("optionRef"),
                {"type": "array", "items": _ref("optionRef"), "minItems": 1},
            ],
            "description": "One option, or a list of options (one of them).",
        },
        "condition": {
            "type": "object",
            "description": "A hyperrectangle: {issue: [options], ...}; holds when every named "
            "issue takes one of its options.",
            "minProperties": 1,
            "additionalProperties": _ref("optionSet"),
        },
        "uncertainty": _uncertainty(),
        "issue": _issue(),
        "option": _option(),
        "party": _party(),
        "reservation": _reservation(),
        "preference": _preference(),
        "interaction": _interaction(),
        "rule": _rule(),
        "proposal": _proposal(),
    }


def _issue() -> Schema:
    return _object(
        "One dimension of the deal; exactly one of options, values, range.",
        {
            "id": _text("Unique issue id, used everywhere else."),
            **_texts("label"),
            "unit": _text("Unit of a numeric issue."),
            **_texts("description", "source"),
            "options": _list(_ref("option"), "Ordered options.", min_items=1),
            "values": _list(
                {"type": "number"},
                "Numeric issue: its values; option ids are the values.",
                min_items=1,
            ),
            "range": _object(
                "Numeric issue: min, min+step, ... up to max (inclusive).",
                {
                    "min": _number("Smallest value."),
                    "max": _number("Largest value (>= min)."),
                    "step": _number("Step (> 0).", exclusiveMinimum=0),
                },
                required=("min", "max", "step"),
            ),
        },
        required=("id",),
        oneOf=[{"required": [form]} for form in ISSUE_FORMS],
    )


def _option() -> Schema:
    return {
        "description": "An option id, or {id, label, value}.",
        "anyOf": [
            {"type": "string"},
            _object(
                "An option with a display label and, for numeric issues, its number.",
                {
                    "id": _text("Option id, unique in the issue."),
                    **_texts("label"),
                    "value": _number("The option's number (numeric issues)."),
                },
                required=("id",),
            ),
        ],
    }


def _party() -> Schema:
    return _object(
        "A negotiating party.",
        {
            "id": _text("Unique party id."),
            **_texts("label", "description", "source"),
            "reservation": _ref("reservation"),
            "bargaining_power": _number(
                "Weight in the weighted Nash solution.", exclusiveMinimum=0
            ),
            "weight_concentration": _number(
                "Dirichlet concentration of the weights in Monte Carlo.", exclusiveMinimum=0
            ),
            "utility_cap": _number("Utility is min(cap, sum)."),
            "discount": _discount(),
            "preferences": {
                "type": "object",
                "description": "One entry per issue the party cares about (others weigh 0).",
                "additionalProperties": _ref("preference"),
            },
            "interactions": _list(_ref("interaction"), "Bonus or penalty terms."),
            "red_lines": _list(_ref("rule"), "Hard constraints of the party."),
        },
        required=("id", "preferences"),
    )


def _uncertainty_properties() -> Schema:
    return {
        "low": _number("Lower end of the range."),
        "high": _number("Upper end of the range."),
        "distribution": {"enum": list(DISTRIBUTIONS), "default": "uniform"},
        "mode": _number("Mode of a triangular distribution."),
    }


def _range_dependencies() -> Schema:
    return {"low": ["high"], "high": ["low"], "distribution": ["low"], "mode": ["low"]}


def _uncertainty() -> Schema:
    return _object(
        "A range for Monte Carlo.",
        _uncertainty_properties(),
        required=("low", "high"),
    )


def _discount() -> Schema:
    factor = _number("Discount factor per round, in (0, 1].", exclusiveMinimum=0, maximum=1)
    return {
        "description": "Discount factor per round of offers (bargain game rubinstein): a "
        "number in (0, 1], or {value, source}.",
        "oneOf": [
            factor,
            _object(
                "A discount factor and where it comes from.",
                {"value": factor, **_texts("source")},
                required=("value",),
            ),
        ],
    }


def _reservation() -> Schema:
    return {
        "description": "Value of no deal (BATNA) on the 0-1 utility scale: a number, or "
        "{value, low, high, distribution, mode, source}.",
        "oneOf": [
            {"type": "number"},
            _object(
                "A reservation value with an uncertainty range and a source.",
                {
                    "value": _number("The reservation value."),
                    **_uncertainty_properties(),
                    **_texts("source"),
                },
                required=("value",),
                dependentRequired=_range_dependencies(),
            ),
        ],
    }


def _preference() -> Schema:
    return _object(
        "Weight and value function of one issue; exactly one of table, linear, ideal.",
        {
            "weight": _number("Weight of the issue (>= 0).", minimum=0),
            "table": {
                "type": "object",
                "description": "A value in [0, 1] for every option.",
                "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1},
            },
            "linear": {
                "enum": list(DIRECTIONS),
                "description": "0 at the first option, 1 at the last (or the reverse).",
            },
            "ideal": {**_ref("optionRef"), "description": "Single-peaked at this option."},
            "spread": _number("Distance at which an ideal value reaches 0.", exclusiveMinimum=0),
            "exponent": _number("The value becomes v ** exponent.", exclusiveMinimum=0),
            **_texts("source"),
        },
        required=("weight",),
        oneOf=_one_of_keys(([k] for k in VALUE_FUNCTIONS), VALUE_FUNCTIONS),
        dependentRequired={"spread": ["ideal"]},
    )


def _interaction() -> Schema:
    return _object(
        "A bonus (negative: a penalty) in utility units when the condition holds.",
        {
            "id": _text("Unique within the party."),
            "when": _ref("condition"),
            "bonus": _number("Utility added when `when` holds."),
            **_texts("source", "description"),
        },
        required=("id", "when", "bonus"),
    )


def _rule() -> Schema:
    companions = sorted({c for c in RULE_COMPANIONS.values() if c})
    forms = ([form, c] if c else [form] for form, c in RULE_COMPANIONS.items())
    return _object(
        "A red line or consistency constraint: issue with not/at_least/at_most, if with then, "
        "or exclude.",
        {
            "id": _text("Unique id."),
            "issue": _text("The issue of a one-issue rule."),
            "not": {**_ref("optionSet"), "description": "Forbidden options."},
            "at_least": {
                **_ref("optionRef"),
                "description": "Options before this one are forbidden.",
            },
            "at_most": {
                **_ref("optionRef"),
                "description": "Options after this one are forbidden.",
            },
            "if": {**_ref("condition"), "description": "When this holds ..."},
            "then": {**_ref("condition"), "description": "... every clause of this must hold."},
            "exclude": {**_ref("condition"), "description": "A forbidden combination."},
            **_texts("source", "description"),
            "probability": _probability("Chance that the rule really holds."),
            "probability_range": {
                "description": "[low, high] or {low, high, distribution, mode} in [0, 1].",
                "anyOf": [
                    {
                        "type": "array",
                        "items": _probability("Bound."),
                        "minItems": 2,
                        "maxItems": 2,
                    },
                    _ref("uncertainty"),
                ],
            },
        },
        required=("id",),
        oneOf=_one_of_keys(forms, [*RULE_FORMS, *companions]),
    )


def _proposal() -> Schema:
    return _object(
        "A named package; issues it does not name are open.",
        {
            "id": _text("Unique proposal id."),
            **_texts("label"),
            "date": _text("Date of the proposal."),
            **_texts("source", "description"),
            "options": {
                "type": "object",
                "description": "{issue: option or [options left open]}.",
                "additionalProperties": _ref("optionSet"),
            },
        },
        required=("id",),
    )
