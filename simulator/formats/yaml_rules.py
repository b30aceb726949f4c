"""Read rules (red lines of parties, consistency constraints of a scenario), ratification terms,
uncertainty ranges and a party's deal bonus (a value in [0, 1) with its stated range).

A rule is one of five forms (:data:`simulator.formats.spec.RULE`): ``issue`` with ``not``,
``at_least`` or ``at_most``; ``if`` with ``then``; or ``exclude``. The form and its companion key
are checked against the table, then the options and conditions against the issues.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import yaml

from simulator.formats import yaml_syntax as y
from simulator.formats.fields import Key
from simulator.formats.spec import DEAL_BONUS, RATIFICATION, RULE, UNCERTAINTY
from simulator.model import Issue, Ratification, Rule, RuleKind, Uncertainty

__all__ = [
    "read_deal_bonus",
    "read_probability_range",
    "read_range",
    "read_ratification",
    "read_rule",
    "read_uncertainty",
]


def read_rule(n: y.Located, issues: Mapping[str, Issue]) -> Rule:
    f = y.fields(n, RULE)
    get = y.getter(f, RULE)
    form = _rule_form(n, f)
    issue, options, bound = _one_issue_rule(form, f, issues)
    return Rule(
        get("id"),
        cast(RuleKind, "implies" if form == "if" else form),
        issue=issue,
        options=options,
        bound=bound,
        condition=y.condition(f[form], issues) if form in ("if", "exclude") else None,
        consequence=y.condition(f["then"], issues) if form == "if" else None,
        source=get("source"),
        description=get("description"),
        probability=get("probability"),
        probability_range=y.optional(f, "probability_range", read_probability_range),
    )


def read_ratification(n: y.Located, issues: Mapping[str, Issue]) -> Ratification:
    """A ratification term: ``{id, ratifier, when, probability, probability_range, ...}``."""
    f = y.fields(n, RATIFICATION)
    get = y.getter(f, RATIFICATION)
    return Ratification(
        get("id"),
        y.condition(f["when"], issues),
        get("probability"),
        ratifier=get("ratifier"),
        probability_range=y.optional(f, "probability_range", read_probability_range),
        source=get("source"),
        description=get("description"),
    )


def _rule_form(n: y.Located, f: Mapping[str, y.Located]) -> str:
    """Which rule form (not, at_least, at_most, if, exclude) is used, with its companion key."""
    form = y.exactly_one(n, f, RULE, "the rule")
    companions = RULE.companions
    needed = companions[form]
    for key in dict.fromkeys(c for c in companions.values() if c):
        if key == needed and key not in f:
            raise n.error(f"{form!r} needs {key!r}; give both")
        if key != needed and key in f:
            users = [k for k, v in companions.items() if v == key]
            raise f[key].error(f"{key!r} goes only with {', '.join(users)}, not with {form!r}")
    return form


def _one_issue_rule(
    form: str, f: Mapping[str, y.Located], issues: Mapping[str, Issue]
) -> tuple[str | None, tuple[str, ...], str | None]:
    """``(issue, options, bound)`` of a one-issue rule; ``(None, (), None)`` for the others."""
    if "issue" not in f:
        return None, (), None
    issue = y.issue_ref(f["issue"], issues)
    if form == "not":
        return issue.id, y.option_refs(f[form], issue), None
    return issue.id, (), y.option_ref(f[form], issue)


def read_probability_range(n: y.Located) -> Uncertainty:
    """``[low, high]`` or ``{low, high, distribution, mode}``, all in [0, 1]."""
    return read_range(n, RULE["probability_range"], "probabilities")


def read_range(n: y.Located, bounds: Key, what: str) -> Uncertainty:
    """``[low, high]`` or ``{low, high, distribution, mode}`` of ``what`` (``probabilities``),
    numbers in the range of ``bounds``."""
    if isinstance(n.node, yaml.MappingNode):
        return cast(Uncertainty, read_uncertainty(n, y.fields(n, UNCERTAINTY), bounds))
    items = y.items(n, f"two {what} [low, high] (or a mapping {{low, high, ...}})")
    if len(items) != 2:
        raise n.error(f"expected two {what} [low, high], got {len(items)} values")
    with n.building():
        return Uncertainty(y.number(items[0], bounds), y.number(items[1], bounds))


def read_uncertainty(n: y.Located, f: Mapping[str, y.Located], bounds: Key) -> Uncertainty | None:
    """The ``low``/``high``/``distribution``/``mode`` fields of ``f``, if any, numbers in the range
    of ``bounds``."""
    if "low" not in f and "high" not in f:
        for key in ("distribution", "mode"):
            if key in f:
                raise f[key].error(f"{key} needs a range: give low and high too")
        return None
    for key in ("low", "high"):
        if key not in f:
            raise n.error(f"missing {key!r}; an uncertainty range needs both low and high")
    get = y.getter(f, UNCERTAINTY)
    with n.building():
        return Uncertainty(
            y.number(f["low"], bounds),
            y.number(f["high"], bounds),
            distribution=get("distribution"),
            mode=y.number(f["mode"], bounds) if "mode" in f else None,
        )


def read_deal_bonus(n: y.Located | None) -> dict[str, Any]:
    """``number`` or ``{value, low, high, source}``: the premium for any deal, in [0, 1), as the
    keywords ``deal_bonus``, ``deal_bonus_range`` and ``deal_bonus_source`` of a party (0 when
    ``n`` is None)."""
    if n is None:
        return {"deal_bonus": 0.0, "deal_bonus_range": None, "deal_bonus_source": None}
    assert DEAL_BONUS.shorthand is not None
    at = n
    if not isinstance(n.node, yaml.MappingNode):
        value, spread, source = y.number(n, DEAL_BONUS.shorthand), None, None
    else:
        f = y.fields(n, DEAL_BONUS)
        get = y.getter(f, DEAL_BONUS)
        value, spread, source = (
            get("value"),
            read_uncertainty(n, f, DEAL_BONUS["low"]),
            get("source"),
        )
        at = f["value"]
        if spread is not None and not spread.low <= value <= spread.high:
            raise at.error(
                f"the deal bonus {value:g} lies outside its own range [{spread.low:g}, "
                f"{spread.high:g}]; give a value between low and high"
            )
    if value >= 1.0 or (spread is not None and spread.high >= 1.0):
        raise at.error("a deal bonus must be below 1 (at 1 only the deal counts, not its terms)")
    return {"deal_bonus": value, "deal_bonus_range": spread, "deal_bonus_source": source}
