"""The keys many parts of the scenario format share (:mod:`simulator.formats.spec`): labels,
sources, ranges, and the size limits of numbers."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from simulator.formats.fields import Key, Part
from simulator.limits import MAX_VALUE, UTILITY_LIMIT

__all__ = [
    "DESCRIPTION",
    "DISCOUNT_FACTOR",
    "DISTRIBUTION",
    "HIGH",
    "LABEL",
    "LOW",
    "MODE",
    "PROBABILITY",
    "SOURCE",
    "UNCERTAINTY",
    "UTILITY",
    "VALUE",
]


# --- the keys many parts share --------------------------------------------------------------------
def _text(name: str, description: str, *, required: bool = False) -> Key:
    return Key(name, "text", description, required=required)


def _number(name: str, description: str, **details: Any) -> Key:
    return Key(name, "number", description, **details)


LABEL = _text("label", "Display name.")
DESCRIPTION = _text("description", "Free text.")
SOURCE = _text("source", "Where this comes from (a reference id, a document, 'assumption').")
LOW = _number("low", "Lower end of the range.", needs=("high",))
HIGH = _number("high", "Upper end of the range.", needs=("low",))
DISTRIBUTION = Key(
    "distribution",
    "choice",
    "How values are drawn from the range.",
    default="uniform",
    choices=("uniform", "triangular"),
    needs=("low",),
)
MODE = _number("mode", "Mode of a triangular distribution.", needs=("low",))
DISCOUNT_FACTOR = _number(
    "value", "Discount factor per round, in (0, 1].", minimum=0, maximum=1, strict=True
)
PROBABILITY: dict[str, Any] = {"minimum": 0.0, "maximum": 1.0}
#: the size of utility-scale numbers and option values (simulator.limits says why)
UTILITY: dict[str, Any] = {"size": UTILITY_LIMIT}
VALUE: dict[str, Any] = {"size": MAX_VALUE}

UNCERTAINTY = Part(
    "uncertainty",
    "parties[].red_lines[].probability_range, constraints[].probability_range, "
    "parties[].ratification[].probability_range",
    "A range for Monte Carlo.",
    (replace(LOW, required=True), replace(HIGH, required=True), DISTRIBUTION, MODE),
)
