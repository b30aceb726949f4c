"""The vocabulary of the scenario format's table (:mod:`simulator.formats.spec`): keys and parts.

A :class:`Key` is one key of a mapping in a scenario file (its type, range, default, whether it is
required, what it means); a :class:`Part` is one kind of mapping (an issue, a party, a rule) with
its keys, its alternative forms and the single value it may be written as instead.

Examples
--------
>>> weight = Key("weight", "number", "Weight of the issue.", minimum=0)
>>> number_rule(weight)
'a number >= 0'
>>> Part("p", "p", "A part.", (weight,)).names
('weight',)
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["VALUE_TYPES", "Key", "Part", "number_rule"]

#: value types that are not mappings with fixed keys, with what they are
VALUE_TYPES = {
    "optionRef": "An option id of the issue (a number for a numeric issue's value).",
    "optionSet": "One option, or a list of options (one of them).",
    "condition": "A hyperrectangle: {issue: [options], ...}; holds when every named issue takes "
    "one of its options.",
}


@dataclass(frozen=True)
class Key:
    """One key of a mapping in the format.

    ``type`` is a scalar (``text``, ``number``, ``boolean``, ``choice``), the name of a value type
    (:data:`VALUE_TYPES`) or a :class:`Part`. ``container`` makes it a list or a map (from any key
    to) of that type. ``minimum``/``maximum`` bound a number (``strict``: the minimum itself is
    excluded); for a list or map of numbers they bound each item. ``size`` bounds the absolute
    value (:mod:`simulator.limits`), said in the error only when a number breaks it. ``needs``
    names keys that must be given with this one; ``pair`` lets a part also be written
    ``[low, high]``.
    """

    name: str
    type: str | Part
    description: str = ""
    required: bool = False
    default: object = None
    container: Literal["", "list", "map"] = ""
    min_items: int = 0
    minimum: float = -math.inf
    maximum: float = math.inf
    size: float = math.inf
    strict: bool = False
    choices: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    pair: bool = False

    @property
    def part(self) -> Part:
        """The part this key holds (an error if it holds a scalar or a value type)."""
        if not isinstance(self.type, Part):
            raise TypeError(f"key {self.name!r} holds {self.type}, not a part")
        return self.type


@dataclass(frozen=True)
class Part:
    """A mapping of the format: its keys, the required ones, its forms and its shorthand.

    ``forms`` lists the alternative forms, each as the key that names it followed by the keys that
    must go with it (``("at_least", "issue")``); exactly one form is given. ``shorthand`` is the
    single value the whole part may be written as instead of the mapping, and ``summary`` then
    describes both ways. ``path`` says where the part sits in a file, for the docs.
    """

    name: str
    path: str
    description: str
    keys: tuple[Key, ...]
    forms: tuple[tuple[str, ...], ...] = ()
    shorthand: Key | None = None
    summary: str = ""
    inline: bool = False
    _index: dict[str, Key] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {k.name: k for k in self.keys})
        named = [k for form in self.forms for k in form] + [n for k in self.keys for n in k.needs]
        unknown = sorted(set(named) - set(self._index))
        if unknown or len(self._index) != len(self.keys):
            raise ValueError(f"part {self.name!r}: unknown or repeated keys {unknown}")

    def __getitem__(self, name: str) -> Key:
        return self._index[name]

    def __iter__(self) -> Iterator[Key]:
        return iter(self.keys)

    @property
    def names(self) -> tuple[str, ...]:
        """Every key, in the order of the format."""
        return tuple(k.name for k in self.keys)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(k.name for k in self.keys if k.required)

    @property
    def form_keys(self) -> tuple[str, ...]:
        """The key that names each form (``options``, ``values``, ``range``)."""
        return tuple(form[0] for form in self.forms)

    @property
    def companions(self) -> dict[str, str | None]:
        """For each form, the key that must go with it (None if none)."""
        return {form[0]: form[1] if len(form) > 1 else None for form in self.forms}


def number_rule(key: Key) -> str:
    """What a number key accepts, in words (``a number in (0, 1]``), as errors and docs say it."""
    low, high = key.minimum, key.maximum
    if math.isfinite(low) and math.isfinite(high):
        return f"a number in {'(' if key.strict else '['}{low:g}, {high:g}]"
    if math.isfinite(low):
        return f"a number {'>' if key.strict else '>='} {low:g}"
    return "a finite number"
