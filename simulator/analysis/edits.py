"""Edits (concessions): named, composable changes to a scenario, with a short text syntax.

An edit never changes the scenario it is applied to: :meth:`Edit.apply` returns a new
:class:`~simulator.model.Scenario` built with :func:`dataclasses.replace`. Edits compose by applying
them in order (:func:`apply_edits`). ``str(edit)`` gives the text syntax back, and
``parse_edit(str(edit), scenario) == edit``.

Syntax
------
One edit is ``PARTY VERB ARGUMENTS``::

    ukraine concedes nato=legal_renunciation   # fix the issue to the option; the party's
                                               # one-issue red lines stop forbidding it
    russia accepts donbas_withdrawal<=1        # the party's one-issue red lines stop
                                               # forbidding the options selected
    us offers security_guarantees>=art5_like   # restrict the deal to the options selected
    russia drops redline no_nato               # remove the red line
    ukraine reservation -0.1                   # shift (+x, -x), set (=x) or scale (*x)
    russia weight sanctions *1.5               # the same for a weight (see below)
    ukraine power =2                           # bargaining power (weighted Nash)
    buyer bonus worry_free =0.1                # an interaction term's bonus

``PARTY`` is a party id, a party label (any case), or the initials of a multi-word id
(``united_states`` -> ``us``) when no other party has the same initials. An option is named by
its id, or on a numeric issue by its number. ``<``, ``<=``, ``>``, ``>=`` follow the option
order (the number on a numeric issue); ``=`` and ``!=`` take one option or a comma-separated list.

Semantics
---------
*Selection* ``S``: the options of the issue an operator selects. *Offers* adds a consistency
constraint forbidding the options outside ``S``: the outcome space and every value function stay
the same, the outcomes outside ``S`` are no longer consistent. *Accepts* removes ``S`` from what
the party's one-issue red lines on that issue forbid (a red line left forbidding nothing is
dropped; cross-issue red lines are kept: drop them by id). *Concedes* ``issue=option`` is
*offers* followed by *accepts* with ``S = {option}``.

A weight edit changes ``w_pi`` and rescales the party's other weights proportionally so that its
total weight stays the same (utilities stay on the scale of the reservation value). A reservation
edit moves the reservation's uncertainty range with it (``+``, ``*``); setting it (``=``) drops
the range.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal, cast

from simulator.errors import EditError, ScenarioError, did_you_mean
from simulator.model import Issue, Party, Scenario, Uncertainty, forbidden_regions
from simulator.outcome_space import excluding_rule

__all__ = [
    "Accept",
    "Adjust",
    "Concede",
    "DropRedLine",
    "Edit",
    "Offer",
    "apply_edits",
    "parse_edit",
    "parse_edits",
    "resolve_party",
    "select_options",
]

Comparison = Literal["=", "!=", "<", "<=", ">", ">="]
Arithmetic = Literal["=", "+", "*"]
Parameter = Literal["reservation", "weight", "power", "bonus"]

COMPARISONS: tuple[str, ...] = ("<=", ">=", "!=", "=", "<", ">")
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
    "PARTY power =2 | PARTY bonus INTERACTION =0.1"
)


def _number(x: float) -> str:
    """Shortest text that reads back as ``x`` (``2`` rather than ``2.0``)."""
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


# --- edits ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """A named change to a scenario made by (or on behalf of) ``party``."""

    party: str

    def apply(self, scenario: Scenario) -> Scenario:
        """The edited scenario; ``scenario`` itself is not changed."""
        raise NotImplementedError

    def check(self, scenario: Scenario) -> None:
        """Raise :class:`EditError` if the edit names something ``scenario`` lacks.

        Only red lines can disappear as edits compose, so only :class:`DropRedLine` needs this.
        """

    def __str__(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class _Selection(Edit):
    """An edit about the options of ``issue`` that ``op operand`` selects."""

    issue: str
    op: Comparison
    operand: str
    verb: ClassVar[str] = ""

    def __str__(self) -> str:
        return f"{self.party} {self.verb} {self.issue}{self.op}{self.operand}"

    def selection(self, scenario: Scenario) -> tuple[str, ...]:
        """The option ids selected, in option order."""
        return select_options(_issue(scenario, self.issue), self.op, self.operand)


@dataclass(frozen=True)
class Offer(_Selection):
    """Restrict ``issue`` to the options selected (a consistency constraint)."""

    verb: ClassVar[str] = "offers"

    def apply(self, scenario: Scenario) -> Scenario:
        return _restrict(scenario, self, self.selection(scenario))


@dataclass(frozen=True)
class Accept(_Selection):
    """The party's one-issue red lines on ``issue`` stop forbidding the options selected."""

    verb: ClassVar[str] = "accepts"

    def apply(self, scenario: Scenario) -> Scenario:
        return _accept(scenario, self.party, self.issue, self.selection(scenario))


@dataclass(frozen=True)
class Concede(Edit):
    """Fix ``issue`` to ``option`` and stop the party's one-issue red lines forbidding it."""

    issue: str
    option: str

    def __str__(self) -> str:
        return f"{self.party} concedes {self.issue}={self.option}"

    def apply(self, scenario: Scenario) -> Scenario:
        _issue(scenario, self.issue).index(self.option)
        fixed = _restrict(scenario, self, (self.option,))
        return _accept(fixed, self.party, self.issue, (self.option,))


@dataclass(frozen=True)
class DropRedLine(Edit):
    """Remove one of the party's red lines."""

    red_line: str

    def __str__(self) -> str:
        return f"{self.party} drops redline {self.red_line}"

    def check(self, scenario: Scenario) -> None:
        ids = [r.id for r in scenario.party(self.party).red_lines]
        if self.red_line not in ids:
            raise EditError(
                f"{self}: party {self.party!r} has no red line {self.red_line!r}; "
                f"{did_you_mean(self.red_line, ids)}"
            )

    def apply(self, scenario: Scenario) -> Scenario:
        """Without the red line; nothing changes if an earlier edit already removed it."""
        party = scenario.party(self.party)
        kept = tuple(r for r in party.red_lines if r.id != self.red_line)
        return _replace_party(scenario, dataclasses.replace(party, red_lines=kept))


@dataclass(frozen=True)
class Adjust(Edit):
    """Set (``=``), shift (``+``, a negative amount shifts down) or scale (``*``) a number.

    ``param`` is ``reservation``, ``power`` (bargaining power), ``weight`` (``target`` is the
    issue) or ``bonus`` (``target`` is the party's interaction term).
    """

    param: Parameter
    op: Arithmetic
    amount: float
    target: str | None = None

    def __str__(self) -> str:
        if self.op == "+":
            amount = f"+{_number(self.amount)}" if self.amount >= 0 else _number(self.amount)
        else:
            amount = f"{self.op}{_number(self.amount)}"
        target = f" {self.target}" if self.target is not None else ""
        return f"{self.party} {self.param}{target} {amount}"

    def _new(self, old: float) -> float:
        if self.op == "=":
            return self.amount
        return old + self.amount if self.op == "+" else old * self.amount

    def apply(self, scenario: Scenario) -> Scenario:
        party = scenario.party(self.party)
        try:
            if self.param == "reservation":
                changed = self._reservation(party)
            elif self.param == "power":
                changed = dataclasses.replace(
                    party, bargaining_power=self._new(party.bargaining_power)
                )
            elif self.param == "weight":
                changed = self._weight(party)
            else:
                changed = self._bonus(party)
        except EditError:
            raise
        except ScenarioError as e:
            raise EditError(f"{self}: {e.message}") from None
        return _replace_party(scenario, changed)

    def _reservation(self, party: Party) -> Party:
        span = party.reservation_range
        if span is not None and self.op != "=":
            mode = None if span.mode is None else self._new(span.mode)
            low, high = sorted((self._new(span.low), self._new(span.high)))
            span = Uncertainty(low, high, span.distribution, mode)
        elif self.op == "=":
            span = None
        return dataclasses.replace(
            party, reservation=self._new(party.reservation), reservation_range=span
        )

    def _weight(self, party: Party) -> Party:
        assert self.target is not None
        prefs = dict(party.preferences)
        if self.target not in prefs:
            raise EditError(
                f"{self}: party {party.id!r} has no preference on issue {self.target!r}; "
                f"{did_you_mean(self.target, list(prefs))}"
            )
        old = prefs[self.target].weight
        new = self._new(old)
        total = sum(p.weight for p in prefs.values())
        if not (math.isfinite(new) and new >= 0):
            raise EditError(f"{self}: the weight would be {new}; a weight must be >= 0")
        if new == old:
            return party
        if total - old <= 0 or new > total:
            raise EditError(
                f"{self}: the weight would be {new}, but the party's total weight is {total} "
                f"and its other issues weigh {total - old}; the other weights are rescaled to "
                "keep the total, so the new weight must lie in [0, total] and another issue "
                "must have weight > 0"
            )
        scale = (total - new) / (total - old)
        for issue_id, pref in prefs.items():
            weight = new if issue_id == self.target else pref.weight * scale
            prefs[issue_id] = dataclasses.replace(pref, weight=weight)
        return dataclasses.replace(party, preferences=prefs)

    def _bonus(self, party: Party) -> Party:
        ids = [t.id for t in party.interactions]
        if self.target not in ids:
            raise EditError(
                f"{self}: party {party.id!r} has no interaction {self.target!r}; "
                f"{did_you_mean(str(self.target), ids)}"
            )
        terms = tuple(
            dataclasses.replace(t, bonus=self._new(t.bonus)) if t.id == self.target else t
            for t in party.interactions
        )
        return dataclasses.replace(party, interactions=terms)


# --- helpers -------------------------------------------------------------------------------------


def _issue(scenario: Scenario, issue_id: str) -> Issue:
    for issue in scenario.issues:
        if issue.id == issue_id:
            return issue
    raise EditError(f"no issue {issue_id!r}; {did_you_mean(issue_id, scenario.issue_ids)}")


def _replace_party(scenario: Scenario, party: Party) -> Scenario:
    parties = tuple(party if p.id == party.id else p for p in scenario.parties)
    return dataclasses.replace(scenario, parties=parties)


def _restrict(scenario: Scenario, edit: Offer | Concede, chosen: Sequence[str]) -> Scenario:
    """Add a constraint forbidding the options of ``edit.issue`` outside ``chosen``."""
    issue = _issue(scenario, edit.issue)
    verb = "concedes" if isinstance(edit, Concede) else "offers"
    base = f"{edit.party}_{verb}_{edit.issue}"
    taken = {c.id for c in scenario.constraints}
    rid = base
    for k in range(2, len(taken) + 2):
        if rid not in taken:
            break
        rid = f"{base}_{k}"
    rule = excluding_rule(issue, chosen, rid, description=str(edit))
    if rule is None:
        return scenario
    return dataclasses.replace(scenario, constraints=(*scenario.constraints, rule))


def _accept(scenario: Scenario, party_id: str, issue_id: str, accepted: Sequence[str]) -> Scenario:
    """Remove ``accepted`` from what the party's one-issue red lines on ``issue_id`` forbid."""
    issue = _issue(scenario, issue_id)
    party = scenario.party(party_id)
    kept = []
    for rule in party.red_lines:
        if rule.issues != (issue_id,):
            kept.append(rule)
            continue
        regions = forbidden_regions(rule, {issue.id: issue})
        forbidden = {o for cond in regions for _, opts in cond.clauses for o in opts}
        left = tuple(o for o in issue.option_ids if o in forbidden and o not in accepted)
        if len(left) == len(forbidden):
            kept.append(rule)
        elif left:
            kept.append(
                dataclasses.replace(
                    rule,
                    kind="not",
                    issue=issue_id,
                    options=left,
                    bound=None,
                    condition=None,
                    consequence=None,
                )
            )
    return _replace_party(scenario, dataclasses.replace(party, red_lines=tuple(kept)))


def select_options(issue: Issue, op: str, operand: str) -> tuple[str, ...]:
    """The option ids of ``issue`` that ``op operand`` selects, in option order.

    Raises
    ------
    EditError
        If the operand names no option (listing the options), or the selection is empty.

    Examples
    --------
    >>> from simulator.model import Option
    >>> issue = Issue("troops", tuple(Option(str(v), value=v) for v in (400, 600, 800)))
    >>> select_options(issue, "<=", "600"), select_options(issue, ">", "500")
    (('400', '600'), ('600', '800'))
    >>> select_options(issue, "!=", "400,800")
    ('600',)
    """
    if op not in COMPARISONS:
        raise EditError(f"unknown comparison {op!r}; use one of {' '.join(COMPARISONS)}")
    ids = issue.option_ids
    if op in ("=", "!="):
        named = {_option_id(issue, word.strip()) for word in operand.split(",")}
        chosen = tuple(o for o in ids if (o in named) == (op == "="))
    else:
        pos = _position(issue, operand)
        keys = [o.value for o in issue.options] if issue.numeric else list(range(len(ids)))
        test = {
            "<": lambda k: k < pos,
            "<=": lambda k: k <= pos,
            ">": lambda k: k > pos,
            ">=": lambda k: k >= pos,
        }[op]
        chosen = tuple(o for o, k in zip(ids, keys, strict=True) if test(k))
    if not chosen:
        raise EditError(
            f"no option of issue {issue.id!r} is {op} {operand} "
            f"(options in order: {', '.join(ids)})"
        )
    return chosen


def _option_id(issue: Issue, word: str) -> str:
    if word in issue.option_ids:
        return word
    if issue.numeric:
        try:
            x = float(word)
        except ValueError:
            x = math.nan
        for o in issue.options:
            if o.value == x:
                return o.id
    raise EditError(
        f"issue {issue.id!r} has no option {word!r}; {did_you_mean(word, issue.option_ids)}"
    )


def _position(issue: Issue, word: str) -> float:
    """Where ``word`` lies in the option order: its index, or on a numeric issue its number."""
    if issue.numeric:
        try:
            x = float(word)
        except ValueError:
            x = math.nan
        if math.isfinite(x):
            return x
        return float(issue.options[issue.option_ids.index(_option_id(issue, word))].value or 0.0)
    return float(issue.option_ids.index(_option_id(issue, word)))


def _initials(party_id: str) -> str | None:
    words = [w for w in re.split(r"[_\-\s]+", party_id) if w]
    return "".join(w[0] for w in words).lower() if len(words) > 1 else None


def resolve_party(scenario: Scenario, name: str) -> str:
    """The id of the party ``name`` refers to: an id, a label (any case) or unambiguous initials.

    >>> from simulator.synthetic import synthetic_scenario
    >>> resolve_party(synthetic_scenario(2, 2, 2), "PARTY1")
    'party1'
    """
    ids = scenario.party_ids
    if name in ids:
        return name
    low = name.lower()
    for kind in ("id", "label", "initials"):
        if kind == "id":
            found = [p.id for p in scenario.parties if p.id.lower() == low]
        elif kind == "label":
            found = [
                p.id for p in scenario.parties if p.label is not None and p.label.lower() == low
            ]
        else:
            found = [p.id for p in scenario.parties if _initials(p.id) == low]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise EditError(f"party {name!r} is ambiguous: it could be {', '.join(found)}")
    return _no_party(scenario, name)


def _no_party(scenario: Scenario, name: str) -> str:
    aliases = [
        f"{p.id}: {', '.join(extra)}"
        for p in scenario.parties
        if (extra := [x for x in (p.label, _initials(p.id)) if x and x.lower() != p.id.lower()])
    ]
    also = f"; also by label or initials ({'; '.join(aliases)})" if aliases else ""
    raise EditError(f"no party {name!r}; {did_you_mean(name, scenario.party_ids)}{also}")


def _inventory(scenario: Scenario) -> str:
    """What an edit could name: parties, issues with their options, red lines and interactions."""
    lines = [f"parties: {', '.join(scenario.party_ids)}"]
    lines.append(
        "issues: " + "; ".join(f"{i.id} ({', '.join(i.option_ids)})" for i in scenario.issues)
    )
    reds = [
        f"{p.id}: {', '.join(r.id for r in p.red_lines)}" for p in scenario.parties if p.red_lines
    ]
    lines.append("red lines: " + ("; ".join(reds) if reds else "none"))
    terms = [
        f"{p.id}: {', '.join(t.id for t in p.interactions)}"
        for p in scenario.parties
        if p.interactions
    ]
    if terms:
        lines.append("interactions: " + "; ".join(terms))
    return "\n  ".join(lines)


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
        return ",".join(_option_id(issue, w) for w in operand.split(","))
    try:
        return _option_id(issue, operand)
    except EditError:
        if issue.numeric:
            _position(issue, operand)
            return _number(float(operand))
        raise


def parse_edit(text: str, scenario: Scenario) -> Edit:
    """Parse one edit written in the text syntax (see the module docstring) against ``scenario``.

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
        raise EditError(f"cannot read edit {text!r}: {_SYNTAX}\n  {_inventory(scenario)}")
    try:
        return _parse(words, text, scenario)
    except EditError as e:
        if "\n" in e.message:
            raise
        raise EditError(f"{e.message}\n  {_inventory(scenario)}") from None


def _parse(words: list[str], text: str, scenario: Scenario) -> Edit:
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
        issue = _issue(scenario, issue_id)
        if verb == "concedes":
            if op != "=":
                raise EditError(f"{where}: concedes takes ISSUE=OPTION (one option), got {op!r}")
            return Concede(party, issue.id, _option_id(issue, operand))
        operand = _canonical_operand(issue, op, operand)
        select_options(issue, op, operand)
        kind = Accept if verb == "accepts" else Offer
        return kind(party, issue.id, cast(Comparison, op), operand)
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
        target = _issue(scenario, target).id
    adjust = Adjust(party, cast(Parameter, verb), op_, amount, target)
    adjust.apply(scenario)  # checks the target and the new value
    return adjust


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
