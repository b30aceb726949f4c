"""The kinds of edit and what each does to a scenario (the Semantics of :mod:`.edits`).

Each edit is a frozen dataclass whose :meth:`~Edit.apply` returns a new scenario built with
:func:`dataclasses.replace`, and whose ``str`` is its text (see :mod:`simulator.analysis.edits`).

>>> from simulator.formats import load_scenario
>>> car = load_scenario("scenarios/textbook_car.yaml")
>>> concede = Concede("buyer", "warranty", "none")
>>> edited = concede.apply(car)  # a constraint fixes the issue, the red line stops forbidding it
>>> edited.constraints[-1].options, edited.party("buyer").red_lines
(('one_year', 'three_years'), ())
>>> more = Adjust("buyer", "weight", "*", 1.5, "price")  # the other weights keep the total
>>> weights = more.apply(car).party("buyer").preferences.items()
>>> str(more), {i: round(p.weight, 2) for i, p in weights}
('buyer weight price *1.5', {'price': 0.75, 'warranty': 0.15, 'delivery': 0.1})
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from simulator.analysis.edits.names import Comparison, find_issue, format_number, select_options
from simulator.errors import EditError, ScenarioError, did_you_mean
from simulator.model import Party, Scenario, Uncertainty, forbidden_regions
from simulator.outcome_space import excluding_rule

__all__ = [
    "Accept",
    "Adjust",
    "Arithmetic",
    "Concede",
    "DropRedLine",
    "Edit",
    "Offer",
    "Parameter",
]

Arithmetic = Literal["=", "+", "*"]
Parameter = Literal["reservation", "weight", "power", "bonus"]


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
        return select_options(find_issue(scenario, self.issue), self.op, self.operand)


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
        find_issue(scenario, self.issue).index(self.option)
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
            amount = (
                f"+{format_number(self.amount)}" if self.amount >= 0 else format_number(self.amount)
            )
        else:
            amount = f"{self.op}{format_number(self.amount)}"
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


def _replace_party(scenario: Scenario, party: Party) -> Scenario:
    parties = tuple(party if p.id == party.id else p for p in scenario.parties)
    return dataclasses.replace(scenario, parties=parties)


def _restrict(scenario: Scenario, edit: Offer | Concede, chosen: Sequence[str]) -> Scenario:
    """Add a constraint forbidding the options of ``edit.issue`` outside ``chosen``."""
    issue = find_issue(scenario, edit.issue)
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
    issue = find_issue(scenario, issue_id)
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
