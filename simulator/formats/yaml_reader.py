"""Read scenario YAML files, the format of ``docs/scenario-format.md``, into a :class:`Scenario`.

The file is walked node by node (:mod:`simulator.formats.yaml_syntax`), and every mapping is checked
against its part of the format's table (:mod:`simulator.formats.spec`): the keys it allows and
requires, the range of every number, the words of every choice and the default of every key not
given. Every mistake is a :class:`~simulator.errors.ScenarioError` naming the file, the field path
(``parties[1].red_lines[0].at_least``), the 1-based line, what is wrong and what is allowed.

A numeric issue's option ids are its values written compactly (``600``, ``2.5``); a reference to an
option may be written as a number (``at_least: 22``) and is matched by its value.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any, cast

import yaml

from simulator.errors import ScenarioWarning
from simulator.formats import yaml_syntax as y
from simulator.formats.reachable import warn_unreachable_reservation
from simulator.formats.spec import (
    AGREEMENT,
    DISCOUNT,
    INTERACTION,
    ISSUE,
    OPTION,
    PARTY,
    PREFERENCE,
    PROPOSAL,
    RANGE,
    SCENARIO,
)
from simulator.formats.text_files import read_user_text
from simulator.formats.yaml_periods import read_periods, read_reservation, read_trend
from simulator.formats.yaml_rules import read_deal_bonus, read_ratification, read_rule
from simulator.limits import MAX_OPTIONS
from simulator.model import (
    Agreement,
    Interaction,
    Issue,
    Option,
    Party,
    Periods,
    Preference,
    Proposal,
    Scenario,
    ValueKind,
)

__all__ = ["load_scenario_yaml", "loads_scenario_yaml"]

MAX_RANGE_OPTIONS = MAX_OPTIONS
RANGE_TOLERANCE = Decimal("1e-9")
WEIGHT_TOLERANCE = 1e-6


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
    text = read_user_text(path, "scenario file")
    return _scenario(y.compose(text, file), origin=file)


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
    return _scenario(y.compose(text, filename), origin=None)


# --- the scenario ---------------------------------------------------------------------------------
def _scenario(root: y.Located, origin: str | None) -> Scenario:
    if not isinstance(root.node, yaml.MappingNode):
        raise root.error(
            f"the top level of a scenario must be a mapping with name, issues and parties, "
            f"got {y.describe(root.node)}"
        )
    f = y.fields(root, SCENARIO)
    get = y.getter(f, SCENARIO)
    issues = y.build_all(f["issues"], "issue", _issue, nonempty=True)
    by_id = {i.id: i for i in issues}
    normalize = get("normalize_weights")
    periods = y.optional(f, "periods", read_periods)
    parties = y.build_all(
        f["parties"], "party", lambda n: _party(n, by_id, normalize, periods), nonempty=True
    )
    party_ids = tuple(p.id for p in parties)
    agreement = y.optional(f, "agreement", lambda n: _agreement(n, party_ids))
    with root.building():
        return Scenario(
            get("name"),
            issues,
            parties,
            constraints=y.build_all(
                f.get("constraints"), "constraint", lambda n: read_rule(n, by_id)
            ),
            proposals=y.build_all(f.get("proposals"), "proposal", lambda n: _proposal(n, by_id)),
            title=get("title"),
            description=get("description"),
            date=get("date"),
            constants=tuple(y.text(c) for c in y.items(f["constants"], "texts"))
            if "constants" in f
            else (),
            references=y.optional(f, "references", _references) or {},
            origin=origin,
            agreement=agreement,
            periods=periods,
        )


def _agreement(n: y.Located, party_ids: tuple[str, ...]) -> Agreement:
    """The decision rule, each check located at its key (quorum, veto)."""
    f = y.fields(n, AGREEMENT)
    quorum = None
    if "quorum" in f:
        value = y.number(f["quorum"], AGREEMENT["quorum"])
        if not value.is_integer():
            raise f["quorum"].error(f"quorum must be a whole number, got {y.plain(value)}")
        quorum = int(value)
    veto = tuple(y.text(v) for v in y.items(f["veto"], "party ids")) if "veto" in f else ()
    with n.building():
        rule = Agreement(quorum, veto)
    if "quorum" in f:
        with f["quorum"].building():
            rule.check_quorum(party_ids)
    with (f["veto"] if "veto" in f else n).building():
        rule.check_veto(party_ids)
    return rule


def _references(n: y.Located) -> dict[str, str]:
    return {key: y.text(value_at) for key, _, value_at in y.entries(n)}


# --- issues ---------------------------------------------------------------------------------------
def _issue(n: y.Located) -> Issue:
    f = y.fields(n, ISSUE)
    get = y.getter(f, ISSUE)
    form = y.exactly_one(n, f, ISSUE, "the issue")
    listed = f[form].node
    if isinstance(listed, yaml.SequenceNode) and len(listed.value) > MAX_OPTIONS:
        raise f[form].error(  # before building them: a million would take minutes
            f"the issue lists {len(listed.value):,} {form}; at most {MAX_OPTIONS:,} are allowed"
        )
    if form == "options":
        options = y.build_all(f[form], "option", _option, nonempty=True)
    elif form == "values":
        value = ISSUE["values"]
        options = y.build_all(
            f[form], "value", lambda v: y.numeric_option(y.number(v, value)), nonempty=True
        )
    else:
        options = tuple(y.numeric_option(v) for v in _range(f[form]))
    return Issue(
        get("id"),
        options,
        label=get("label"),
        source=get("source"),
        unit=get("unit"),
        description=get("description"),
    )


def _option(n: y.Located) -> Option:
    if not isinstance(n.node, yaml.MappingNode):
        return Option(y.text(n))
    get = y.getter(y.fields(n, OPTION), OPTION)
    return Option(get("id"), label=get("label"), value=get("value"))


def _range(n: y.Located) -> list[float]:
    """``{min, max, step}`` discretised inclusively, exact for decimal steps (0.1 + 0.2 is 0.3).

    The values are computed in decimal arithmetic from the numbers as written, so ``0.3`` is 0.3 and
    not ``0.30000000000000004``; ``max`` is the last option when it lies on the grid within
    ``RANGE_TOLERANCE`` steps.
    """
    f = y.fields(n, RANGE)
    get = y.getter(f, RANGE)
    low, high, step = get("min"), get("max"), get("step")
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
def _party(
    n: y.Located, issues: Mapping[str, Issue], normalize: bool, periods: Periods | None
) -> Party:
    f = y.fields(n, PARTY)
    get = y.getter(f, PARTY)
    party_id = get("id")
    prefs = _preferences(f["preferences"], issues, periods)
    if normalize:
        prefs = _normalized(f["preferences"], prefs, party_id)
    no_deal = cast(float, PARTY["reservation"].default)
    value, spread, source, trend = (
        read_reservation(f["reservation"], periods)
        if "reservation" in f
        else (no_deal, None, None, None)
    )
    discount, discount_source = _discount(f["discount"]) if "discount" in f else (None, None)
    party = Party(
        party_id,
        prefs,
        value,
        label=get("label"),
        interactions=y.build_all(
            f.get("interactions"), "interaction", lambda t: _interaction(t, issues)
        ),
        red_lines=y.build_all(f.get("red_lines"), "red line", lambda r: read_rule(r, issues)),
        ratification=y.build_all(
            f.get("ratification"), "ratification term", lambda t: read_ratification(t, issues)
        ),
        controls=y.option_choices(f["controls"], issues) if "controls" in f else {},
        bargaining_power=get("bargaining_power"),
        utility_cap=get("utility_cap"),
        discount=discount,
        discount_source=discount_source,
        reservation_range=spread,
        reservation_source=source,
        reservation_trend=trend,
        weight_concentration=get("weight_concentration"),
        **read_deal_bonus(f.get("deal_bonus")),
        source=get("source"),
        description=get("description"),
    )
    if "reservation" in f:
        at = f["reservation"]
        warn_unreachable_reservation(party, issues.values(), f"{at.file}:{at.line}: {at.path}")
    return party


def _preferences(
    n: y.Located, issues: Mapping[str, Issue], periods: Periods | None
) -> dict[str, Preference]:
    prefs = {}
    for _, key_at, value_at in y.entries(n):
        issue = y.issue_ref(key_at, issues)
        with value_at.building():
            prefs[issue.id] = _preference(value_at, issue, periods)
    return prefs


def _preference(n: y.Located, issue: Issue, periods: Periods | None) -> Preference:
    f = y.fields(n, PREFERENCE)
    get = y.getter(f, PREFERENCE)
    kind = cast(ValueKind, y.exactly_one(n, f, PREFERENCE, "the preference"))
    if "spread" in f and kind != "ideal":
        raise f["spread"].error("spread applies only to an ideal value function (ideal: option)")
    direction = get("linear") if kind == "linear" else "increasing"
    return Preference(
        get("weight"),
        kind,
        direction=cast(Any, direction),
        table=_table(f["table"], issue) if kind == "table" else None,
        peak=y.option_ref(f["ideal"], issue) if kind == "ideal" else None,
        spread=get("spread"),
        exponent=get("exponent"),
        source=get("source"),
        trend=read_trend(n, f, PREFERENCE, periods),
    )


def _table(n: y.Located, issue: Issue) -> tuple[float, ...]:
    values: dict[str, float] = {}
    for _, key_at, value_at in y.entries(n):
        option = y.option_ref(key_at, issue)
        if option in values:
            raise key_at.error(f"option {option!r} is given twice; give each option once")
        values[option] = y.number(value_at, PREFERENCE["table"])
    missing = [o for o in issue.option_ids if o not in values]
    if missing:
        raise n.error(
            f"the table misses options {', '.join(missing)} of issue {issue.id!r}; "
            "give a value in [0, 1] for every option"
        )
    return tuple(values[o] for o in issue.option_ids)


def _normalized(n: y.Located, prefs: dict[str, Preference], party_id: str) -> dict[str, Preference]:
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
    return {
        k: replace(p, weight=p.weight / total, trend=p.trend and p.trend.scaled(1 / total))
        for k, p in prefs.items()
    }


def _discount(n: y.Located) -> tuple[float, str | None]:
    """``number`` or ``{value, source}``: the discount factor per round and where it comes from."""
    assert DISCOUNT.shorthand is not None
    if not isinstance(n.node, yaml.MappingNode):
        return y.number(n, DISCOUNT.shorthand), None
    get = y.getter(y.fields(n, DISCOUNT), DISCOUNT)
    return get("value"), get("source")


def _interaction(n: y.Located, issues: Mapping[str, Issue]) -> Interaction:
    f = y.fields(n, INTERACTION)
    get = y.getter(f, INTERACTION)
    return Interaction(
        get("id"),
        y.condition(f["when"], issues),
        get("bonus"),
        source=get("source"),
        description=get("description"),
    )


# --- proposals ------------------------------------------------------------------------------------
def _proposal(n: y.Located, issues: Mapping[str, Issue]) -> Proposal:
    f = y.fields(n, PROPOSAL)
    get = y.getter(f, PROPOSAL)
    return Proposal(
        get("id"),
        y.optional(f, "options", lambda o: y.option_sets(o, issues)) or {},
        label=get("label"),
        date=get("date"),
        source=get("source"),
        description=get("description"),
    )
