"""The scenario YAML format as one table: every key, its type, range, default and meaning.

Each part of a scenario file that is a mapping (the top level, an issue, a party, a rule, ...) is a
:class:`~simulator.formats.fields.Part` (:mod:`~simulator.formats.fields`): its keys in the order
the format lists them, which are required, which are alternative *forms* (exactly one of
``options``/``values``/``range``) and, for parts that may be written as a single value
(``reservation: 0.4``), that shorthand. Three value types are not mappings with fixed keys
(:data:`VALUE_TYPES`): an option reference, an option set and a condition.

Everything that states the format reads this table: the reader (allowed and required keys, number
ranges, choices, defaults), the writer's test, the JSON Schema (:mod:`~simulator.formats.schema`)
and the field tables of ``docs/scenario-format.md`` (:mod:`~simulator.formats.field_docs`). Adding
a key is one :class:`Key` here plus the line of the reader that builds the model from it.

Examples
--------
>>> PREFERENCE["exponent"].default
1.0
>>> number_rule(PARTY["discount"].part.shorthand)
'a number in (0, 1]'
>>> [form[0] for form in RULE.forms]
['not', 'at_least', 'at_most', 'if', 'exclude']
"""

from __future__ import annotations

from dataclasses import replace

from simulator.formats.fields import VALUE_TYPES, Key, Part, number_rule
from simulator.formats.spec_common import (
    DESCRIPTION,
    DISCOUNT_FACTOR,
    DISTRIBUTION,
    HIGH,
    LABEL,
    LOW,
    MODE,
    PROBABILITY,
    SOURCE,
    UNCERTAINTY,
    UTILITY,
    VALUE,
    _number,
    _text,
)
from simulator.formats.spec_time import PATH_POINT, PERIODS, trend_keys

__all__ = [
    "AGREEMENT",
    "ALL_PARTS",
    "DEAL_BONUS",
    "DISCOUNT",
    "INTERACTION",
    "ISSUE",
    "OPTION",
    "PARTY",
    "PATH_POINT",
    "PERIODS",
    "PREFERENCE",
    "PROPOSAL",
    "RANGE",
    "RATIFICATION",
    "RESERVATION",
    "RULE",
    "SCENARIO",
    "UNCERTAINTY",
    "VALUE_TYPES",
    "Key",
    "Part",
    "number_rule",
]


# --- the parts ------------------------------------------------------------------------------------
PROBABILITY_RANGE = Key(
    "probability_range",
    UNCERTAINTY,
    "[low, high] or {low, high, distribution, mode} in [0, 1].",
    pair=True,
    **PROBABILITY,
)
RANGE = Part(
    "range",
    "issues[].range",
    "Numeric issue: min, min+step, ... up to max (inclusive).",
    (
        _number("min", "Smallest value.", required=True, **VALUE),
        _number("max", "Largest value (>= min).", required=True, **VALUE),
        _number("step", "Step (> 0).", required=True, minimum=0, strict=True, **VALUE),
    ),
    inline=True,
)
OPTION = Part(
    "option",
    "issues[].options[]",
    "An option with a display label and, for numeric issues, its number.",
    (
        _text("id", "Option id, unique in the issue.", required=True),
        LABEL,
        _number("value", "The option's number (numeric issues)."),
    ),
    shorthand=Key("", "text"),
    summary="An option id, or {id, label, value}.",
)
ISSUE = Part(
    "issue",
    "issues[]",
    "One dimension of the deal; exactly one of options, values, range.",
    (
        _text("id", "Unique issue id, used everywhere else.", required=True),
        LABEL,
        _text("unit", "Unit of a numeric issue."),
        DESCRIPTION,
        SOURCE,
        Key("options", OPTION, "Ordered options.", container="list", min_items=1),
        Key(
            "values",
            "number",
            "Numeric issue: its values; option ids are the values.",
            container="list",
            min_items=1,
            **VALUE,
        ),
        Key("range", RANGE),
    ),
    forms=(("options",), ("values",), ("range",)),
)
RESERVATION = Part(
    "reservation",
    "parties[].reservation",
    "A reservation value with an uncertainty range and a source.",
    (
        _number("value", "The reservation value.", required=True, **UTILITY),
        replace(LOW, **UTILITY),
        replace(HIGH, **UTILITY),
        DISTRIBUTION,
        replace(MODE, **UTILITY),
        SOURCE,
        *trend_keys("reservation"),
    ),
    shorthand=Key("", "number", **UTILITY),
    summary="Value of no deal (BATNA) on the 0-1 utility scale: a number, or "
    "{value, low, high, distribution, mode, source}, moving in time with drift or path.",
)
_LAMBDA = _number("value", "The premium lambda in [0, 1).", required=True, **PROBABILITY)
DEAL_BONUS = Part(
    "deal_bonus",
    "parties[].deal_bonus",
    "A premium for any deal: every deal is worth lambda + (1 - lambda) * (weights and terms).",
    (_LAMBDA, replace(LOW, **PROBABILITY), replace(HIGH, **PROBABILITY), SOURCE),
    shorthand=_LAMBDA,
    summary="A premium lambda for any deal, on the reservation's 0-1 scale: a number in [0, 1), or "
    "{value, low, high, source} (the range is stated, not sampled).",
)
DISCOUNT = Part(
    "discount",
    "parties[].discount",
    "A discount factor and where it comes from.",
    (replace(DISCOUNT_FACTOR, required=True), SOURCE),
    shorthand=DISCOUNT_FACTOR,
    summary="Discount factor per round of offers (bargain game rubinstein): a number in (0, 1], "
    "or {value, source}.",
    inline=True,
)
PREFERENCE = Part(
    "preference",
    "parties[].preferences.ISSUE",
    "Weight and value function of one issue; exactly one of table, linear, ideal. A weight that "
    "moves (drift, path) rescales the party's weights that do not move, to keep its total.",
    (
        _number(
            "weight",
            "Weight of the issue (>= 0).",
            required=True,
            minimum=0,
            **UTILITY,
        ),
        Key(
            "table", "number", "A value in [0, 1] for every option.", container="map", **PROBABILITY
        ),
        Key(
            "linear",
            "choice",
            "0 at the first option, 1 at the last (or the reverse).",
            choices=("increasing", "decreasing"),
        ),
        Key("ideal", "optionRef", "Single-peaked at this option."),
        _number(
            "spread",
            "Distance at which an ideal value reaches 0.",
            minimum=0,
            strict=True,
            needs=("ideal",),
        ),
        _number(
            "exponent", "The value becomes v ** exponent.", minimum=0, strict=True, default=1.0
        ),
        SOURCE,
        *trend_keys("weight"),
    ),
    forms=(("table",), ("linear",), ("ideal",)),
)
INTERACTION = Part(
    "interaction",
    "parties[].interactions[]",
    "A bonus (negative: a penalty) in utility units when the condition holds.",
    (
        _text("id", "Unique within the party.", required=True),
        Key("when", "condition", required=True),
        _number("bonus", "Utility added when `when` holds.", required=True, **UTILITY),
        SOURCE,
        DESCRIPTION,
    ),
)
RATIFICATION = Part(
    "ratification",
    "parties[].ratification[]",
    "A domestic ratifier (referendum, parliament, Senate) that must approve a package in `when`. "
    "Ratifiers vote independently; the party ratifies a package when every ratifier whose term "
    "matches it approves, so the matching probabilities multiply (Putnam 1988). Terms of one "
    "ratifier must not overlap.",
    (
        _text("id", "Unique within the party.", required=True),
        _text(
            "ratifier", "Who votes (terms with the same ratifier are one vote; default: the id)."
        ),
        Key("when", "condition", required=True),
        _number("probability", "Chance the ratifier approves.", required=True, **PROBABILITY),
        PROBABILITY_RANGE,
        SOURCE,
        DESCRIPTION,
    ),
)
RULE = Part(
    "rule",
    "parties[].red_lines[], constraints[]",
    "A red line or consistency constraint: issue with not/at_least/at_most, if with then, "
    "or exclude.",
    (
        _text("id", "Unique id.", required=True),
        _text("issue", "The issue of a one-issue rule."),
        Key("not", "optionSet", "Forbidden options."),
        Key("at_least", "optionRef", "Options before this one are forbidden."),
        Key("at_most", "optionRef", "Options after this one are forbidden."),
        Key("if", "condition", "When this holds ..."),
        Key("then", "condition", "... every clause of this must hold."),
        Key("exclude", "condition", "A forbidden combination."),
        SOURCE,
        DESCRIPTION,
        _number("probability", "Chance that the rule really holds.", default=1.0, **PROBABILITY),
        PROBABILITY_RANGE,
    ),
    forms=(
        ("not", "issue"),
        ("at_least", "issue"),
        ("at_most", "issue"),
        ("if", "then"),
        ("exclude",),
    ),
)
PARTY = Part(
    "party",
    "parties[]",
    "A negotiating party.",
    (
        _text("id", "Unique party id.", required=True),
        LABEL,
        DESCRIPTION,
        SOURCE,
        Key("reservation", RESERVATION, default=0.0),
        Key("deal_bonus", DEAL_BONUS, default=0.0),
        _number(
            "bargaining_power",
            "Weight in the weighted Nash solution.",
            minimum=0,
            strict=True,
            default=1.0,
        ),
        _number(
            "weight_concentration",
            "Dirichlet concentration of the weights in Monte Carlo.",
            minimum=0,
            strict=True,
        ),
        _number("utility_cap", "Utility is min(cap, sum).", minimum=0, **UTILITY),
        Key("discount", DISCOUNT),
        Key(
            "preferences",
            PREFERENCE,
            "One entry per issue the party cares about (others weigh 0).",
            required=True,
            container="map",
        ),
        Key("interactions", INTERACTION, "Bonus or penalty terms.", container="list"),
        Key("red_lines", RULE, "Hard constraints of the party.", container="list"),
        Key("ratification", RATIFICATION, "Domestic ratifiers of a package.", container="list"),
        Key(
            "controls",
            "optionRef",
            "Issues only this party can settle, each with the option that holds without its "
            "signature: a package it rejects can still pass with these issues at their defaults, "
            "if it then passes without the party.",
            container="map",
        ),
    ),
)
PROPOSAL = Part(
    "proposal",
    "proposals[]",
    "A named package; issues it does not name are open.",
    (
        _text("id", "Unique proposal id.", required=True),
        LABEL,
        _text("date", "Date of the proposal."),
        SOURCE,
        DESCRIPTION,
        Key("options", "optionSet", "{issue: option or [options left open]}.", container="map"),
    ),
)
AGREEMENT = Part(
    "agreement",
    "agreement",
    "The decision rule: a package passes when it is consistent, at least `quorum` parties accept "
    "it and every veto party accepts it (a party accepts when it crosses none of its red lines "
    "and gets at least its reservation). Without it, every party must accept.",
    (
        _number(
            "quorum",
            "How many parties must accept (a whole number from 1 to the number of parties; "
            "default: all).",
            minimum=1,
        ),
        Key(
            "veto",
            "text",
            "Parties whose acceptance is always required (no more of them than the quorum).",
            container="list",
        ),
    ),
)
SCENARIO = Part(
    "scenario",
    "",
    "A bargaining scenario: issues, parties, consistency constraints and named proposals.",
    (
        _text("name", "Short identifier of the scenario.", required=True),
        _text("title", "Display title."),
        DESCRIPTION,
        _text("date", "Snapshot date, e.g. 2025-12-24."),
        Key("periods", PERIODS, "Periods for reservations and weights that move in time."),
        Key(
            "references",
            "text",
            "Map from a reference id (W36, 000) to its full citation.",
            container="map",
        ),
        Key("constants", "text", "Items every deal contains (not issues).", container="list"),
        Key(
            "normalize_weights",
            "boolean",
            "true: rescale each party's weights to sum to 1 (warning if they did not); false: "
            "take them as given (GENIUS convention).",
            default=True,
        ),
        Key("issues", ISSUE, "The issues, in order.", required=True, container="list", min_items=1),
        Key("parties", PARTY, "The parties.", required=True, container="list", min_items=1),
        Key(
            "constraints",
            RULE,
            "Consistency constraints that hold in every deal.",
            container="list",
        ),
        Key("proposals", PROPOSAL, "Named proposals.", container="list"),
        Key("agreement", AGREEMENT, "Who must accept a package (default: every party)."),
    ),
)

#: every part, the top level first, in the order the docs and the JSON Schema list them
ALL_PARTS = (
    SCENARIO,
    UNCERTAINTY,
    ISSUE,
    OPTION,
    RANGE,
    PARTY,
    RESERVATION,
    DEAL_BONUS,
    DISCOUNT,
    PREFERENCE,
    INTERACTION,
    RULE,
    RATIFICATION,
    PROPOSAL,
    AGREEMENT,
    PERIODS,
    PATH_POINT,
)
