"""The text syntax of edits: reading one or several, and applying a list given as text or objects.

The syntax is documented in :mod:`simulator.analysis.edits`; ``parse_edit(str(edit), scenario) ==
edit`` for every edit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import cast

from simulator.analysis.edits.kinds import (
    Accept,
    Adjust,
    Arithmetic,
    Concede,
    DropRedLine,
    Edit,
    Offer,
    Parameter,
)
from simulator.analysis.edits.names import (
    COMPARISONS,
    Comparison,
    find_issue,
    format_number,
    inventory,
    option_id,
    option_position,
    resolve_party,
    select_options,
)
from simulator.analysis.edits.rules import RULE_SUBJECT, DropVeto, Quorum
from simulator.errors import EditError, ScenarioError, did_you_mean
from simulator.model import Issue, Scenario

__all__ = ["VERBS", "apply_edits", "parse_edit", "parse_edits"]

VERBS = ("concedes", "accepts", "offers", "drops", "reservation", "weight", "power", "bonus")
_VERB_ALIASES = {
    "concede": "concedes",
    "accept": "accepts",
    "offer": "offers",
    "drop": "drops",
    "bargaining_power": "power",
}
_SYNTAX = (
    "write PARTY concedes ISSUE=OPTION | PARTY accepts ISSUE<=OPTION | "
    "PARTY offers ISSUE>=OPTION | "
    "PARTY drops redline ID | PARTY reservation -0.1 (or +x, =x, *x) | PARTY weight ISSUE *1.5 | "
    "PARTY power =2 | PARTY bonus INTERACTION =0.1 | PARTY drops veto | agreement quorum =3 "
    "(or +1, -1)"
)


def _amount(text: str, where: str) -> tuple[Arithmetic, float]:
    m = re.fullmatch(r"\s*([=*+\-]?)\s*([0-9.eE+\-]+)\s*", text)
    try:
        value = float(m.group(2)) if m else math.nan
    except ValueError:
        value = math.nan
    if m is None or not math.isfinite(value) or not m.group(1):
        raise EditError(
            f"{where}: expected an amount such as =0.3 (set), +0.1 or -0.1 (shift) or *1.5 "
            f"(scale), got {text.strip()!r}"
        )
    sign = m.group(1)
    if sign == "-":
        return "+", -value
    return cast(Arithmetic, sign), value


def _split_comparison(text: str, where: str) -> tuple[str, str, str]:
    m = re.fullmatch(r"([^=<>!\s]+)\s*(<=|>=|!=|=|<|>)\s*(\S.*)", text.strip())
    if m is None:
        raise EditError(
            f"{where}: expected ISSUE<op>OPTION with <op> one of {' '.join(COMPARISONS)}"
        )
    return m.group(1), m.group(2), re.sub(r"\s*,\s*", ",", m.group(3).strip())


def _canonical_operand(issue: Issue, op: str, operand: str) -> str:
    """The operand as option ids where it names options (so that ``str`` round-trips)."""
    if op in ("=", "!="):
        return ",".join(option_id(issue, w) for w in operand.split(","))
    try:
        return option_id(issue, operand)
    except EditError:
        if issue.numeric:
            option_position(issue, operand)
            return format_number(float(operand))
        raise


def parse_edit(text: str, scenario: Scenario) -> Edit:
    """Parse one edit in the text syntax (see :mod:`simulator.analysis.edits`) against ``scenario``.

    Parameters
    ----------
    text
        For example ``"ukraine concedes nato=legal_renunciation"``.
    scenario
        The scenario the edit will be applied to: names are checked against it.

    Returns
    -------
    Edit
        With party, issue and option names resolved to ids; ``str`` of it reads back the same.

    Raises
    ------
    EditError
        If the text is malformed or names something the scenario lacks; the message lists the
        parties, issues and options, red lines and interactions it could have named.

    Examples
    --------
    >>> from simulator.formats import load_scenario
    >>> car = load_scenario("scenarios/textbook_car.yaml")
    >>> edit = parse_edit("Buyer concedes warranty = none", car)
    >>> edit, str(edit)
    (Concede(party='buyer', issue='warranty', option='none'), 'buyer concedes warranty=none')
    >>> str(parse_edit("dealer weight price * 1.5", car))
    'dealer weight price *1.5'
    """
    words = text.split()
    if len(words) < 2:
        raise EditError(f"cannot read edit {text!r}: {_SYNTAX}\n  {inventory(scenario)}")
    try:
        return _parse(words, text, scenario)
    except EditError as e:
        if "\n" in e.message:
            raise
        raise EditError(f"{e.message}\n  {inventory(scenario)}") from None


def _parse(words: list[str], text: str, scenario: Scenario) -> Edit:
    if words[0].lower() == RULE_SUBJECT and RULE_SUBJECT not in scenario.party_ids:
        return _parse_rule(words[1:], text, scenario)
    party = resolve_party(scenario, words[0])
    verb = _VERB_ALIASES.get(words[1].lower(), words[1].lower())
    rest = words[2:]
    where = f"edit {text.strip()!r}"
    if verb not in VERBS:
        raise EditError(
            f"{where}: unknown verb {words[1]!r}; {did_you_mean(verb, VERBS)}; {_SYNTAX}"
        )
    if verb in ("concedes", "accepts", "offers"):
        issue_id, op, operand = _split_comparison("".join(rest), where)
        issue = find_issue(scenario, issue_id)
        if verb == "concedes":
            if op != "=":
                raise EditError(f"{where}: concedes takes ISSUE=OPTION (one option), got {op!r}")
            return Concede(party, issue.id, option_id(issue, operand))
        operand = _canonical_operand(issue, op, operand)
        select_options(issue, op, operand)
        kind = Accept if verb == "accepts" else Offer
        return kind(party, issue.id, cast(Comparison, op), operand)
    if verb == "drops" and [w.lower() for w in rest] == ["veto"]:
        veto = DropVeto(party)
        veto.check(scenario)
        return veto
    if verb == "drops":
        tail = [w.lower() for w in rest[:-1]]
        if not rest or tail not in (["redline"], ["red_line"], ["red", "line"], ["red-line"]):
            raise EditError(f"{where}: write {party} drops redline ID")
        drop = DropRedLine(party, rest[-1])
        drop.check(scenario)
        return drop
    if verb in ("reservation", "power"):
        op_, amount = _amount("".join(rest), where)
        return Adjust(party, cast(Parameter, verb), op_, amount)
    if len(rest) >= 2:
        target, amount_text = rest[0], "".join(rest[1:])
    else:
        m = re.fullmatch(r"(.+?)([=*+\-].*)", "".join(rest))
        if m is None:
            raise EditError(
                f"{where}: write {party} {verb} {'ISSUE' if verb == 'weight' else 'ID'} *1.5"
            )
        target, amount_text = m.group(1), m.group(2)
    op_, amount = _amount(amount_text, where)
    if verb == "weight":
        target = find_issue(scenario, target).id
    adjust = Adjust(party, cast(Parameter, verb), op_, amount, target)
    adjust.apply(scenario)  # checks the target and the new value
    return adjust


def _parse_rule(words: list[str], text: str, scenario: Scenario) -> Edit:
    """``agreement quorum =3`` (or ``+1``, ``-1``)."""
    where = f"edit {text.strip()!r}"
    if not words or words[0].lower() != "quorum":
        raise EditError(f"{where}: write {RULE_SUBJECT} quorum =3 (or +1, -1)")
    op_, amount = _amount("".join(words[1:]), where)
    quorum = Quorum(op_, amount)
    quorum.apply(scenario)  # checks the new quorum
    return quorum


def parse_edits(texts: Iterable[str], scenario: Scenario) -> tuple[Edit, ...]:
    """Parse several edits, each against ``scenario`` (the scenario before any of them)."""
    return tuple(parse_edit(text, scenario) for text in texts)


def apply_edits(scenario: Scenario, edits: Sequence[Edit | str]) -> Scenario:
    """Apply edits in order (text is parsed first) and return the edited scenario.

    Names are checked against ``scenario``; an edit made redundant by an earlier one (dropping a
    red line a concession already removed) changes nothing.

    Raises
    ------
    EditError
        If an edit is malformed or cannot be applied (e.g. a weight outside its range).

    Examples
    --------
    >>> from simulator.formats import load_scenario
    >>> car = load_scenario("scenarios/textbook_car.yaml")
    >>> edited = apply_edits(car, ["dealer drops redline no_fire_sale", "buyer reservation -0.1"])
    >>> edited.party("dealer").red_lines, round(edited.party("buyer").reservation, 2)
    ((), 0.3)
    >>> car.party("dealer").red_lines[0].id  # the original is unchanged
    'no_fire_sale'
    """
    parsed = [parse_edit(e, scenario) if isinstance(e, str) else e for e in edits]
    current = scenario
    try:
        for edit in parsed:
            edit.check(scenario)
        for edit in parsed:
            current = edit.apply(current)
    except EditError:
        raise
    except ScenarioError as e:
        raise EditError(f"{edit}: {e.message}") from None
    return current
