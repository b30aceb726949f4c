"""The names of a scenario's things as an analyst reads them: labels first, ids in parentheses.

Every renderer that names a party, an issue, an option or a red line in running text takes the
words from here, so that ``red_line:ukraine:nato_at_most_2`` reads "Ukraine: Ukraine's NATO path at
most *Silent moratorium* (`nato_at_most_2`)" everywhere.
"""

from __future__ import annotations

from simulator.errors import ScenarioError
from simulator.model import Condition, Issue, Rule, Scenario

__all__ = [
    "binding_phrase",
    "bound_word",
    "condition_phrase",
    "issue_name",
    "option_name",
    "party_name",
    "rule_phrase",
    "rule_short",
]


def party_name(scenario: Scenario, party_id: str) -> str:
    """The party's label (its id if it has none)."""
    try:
        return scenario.party(party_id).display
    except ScenarioError:  # an id the scenario does not know (after an edit): show it as given
        return party_id


def issue_name(issue: Issue) -> str:
    """The issue's label with its id in parentheses, or the id alone."""
    return f"{issue.label} (`{issue.id}`)" if issue.label else f"`{issue.id}`"


def option_name(issue: Issue, option_id: str) -> str:
    """The option's label in italics (its id if it has none)."""
    return f"*{issue.options[issue.index(option_id)].display}*"


def _options(issue: Issue, ids: tuple[str, ...]) -> str:
    names = [option_name(issue, o) for o in ids]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def condition_phrase(scenario: Scenario, cond: Condition) -> str:
    """``issue is X or Y and other is Z`` in labels."""
    parts = []
    for issue_id, opts in cond.clauses:
        issue = scenario.issue(issue_id)
        parts.append(f"{issue.label or issue.id} is {_options(issue, opts)}")
    return " and ".join(parts)


def bound_word(issue: Issue, kind: str, bound: str) -> str:
    """``at least`` or ``at most`` for a rule ``kind`` bounded at option ``bound``: in the option
    order, except on a numeric issue, where the words follow the numbers the rule allows (the
    army cap runs 900 to 200, so "at or after 800 in the list" reads "at most 800").

    >>> from simulator.model import Option
    >>> cap = Issue("cap", tuple(Option(str(v), value=float(v)) for v in (900, 800, 600)))
    >>> bound_word(cap, "at_least", "800"), bound_word(cap, "at_most", "800")
    ('at most', 'at least')
    """
    word = "at least" if kind == "at_least" else "at most"
    if not issue.numeric:
        return word
    k = issue.index(bound)
    allowed = issue.options[k:] if kind == "at_least" else issue.options[: k + 1]
    values = [float(o.value) for o in allowed if o.value is not None]
    limit = issue.options[k].value
    if limit is not None and values and all(v >= limit for v in values):
        return "at least"
    if limit is not None and values and all(v <= limit for v in values):
        return "at most"
    return word


def _rule_body(scenario: Scenario, rule: Rule) -> str:
    if rule.kind in ("at_least", "at_most") and rule.issue and rule.bound:
        issue = scenario.issue(rule.issue)
        word = bound_word(issue, rule.kind, rule.bound)
        return f"{issue.label or issue.id} {word} {option_name(issue, rule.bound)}"
    if rule.kind == "not" and rule.issue:
        issue = scenario.issue(rule.issue)
        return f"{issue.label or issue.id} not {_options(issue, rule.options)}"
    if rule.kind == "implies" and rule.condition and rule.consequence:
        return (
            f"if {condition_phrase(scenario, rule.condition)}, then "
            f"{condition_phrase(scenario, rule.consequence)}"
        )
    if rule.kind == "exclude" and rule.condition:
        return f"never {condition_phrase(scenario, rule.condition)}"
    return rule.description or rule.id


def rule_phrase(scenario: Scenario, label: str) -> str:
    """A red line named ``party:rule`` (or ``red_line:party:rule``) in words: the party, what the
    line asks in labels, and the rule's id in parentheses. An unknown name is shown as given."""
    party_id, _, rule_id = label.removeprefix("red_line:").partition(":")
    try:
        party = scenario.party(party_id)
        rule = next(r for r in party.red_lines if r.id == rule_id)
        return f"{party.display}: {_rule_body(scenario, rule)} (`{rule_id}`)"
    except (ScenarioError, StopIteration):  # not one of this scenario's lines: show the id
        return f"`{label}`"


def rule_short(scenario: Scenario, label: str, *, issues: bool = True) -> str:
    """A red line for a table cell: the party and (with ``issues``) the issues in labels, the id
    in parentheses (``Ukraine on NATO path (`nato_at_most_2`)``)."""
    party_id, _, rule_id = label.removeprefix("red_line:").partition(":")
    try:
        party = scenario.party(party_id)
        rule = next(r for r in party.red_lines if r.id == rule_id)
    except (ScenarioError, StopIteration):
        return f"`{label}`"
    where = ", ".join(scenario.issue(i).label or i for i in rule.issues) if issues else ""
    return f"{party.display}" + (f" on {where}" if where else "") + f" (`{rule_id}`)"


def binding_phrase(scenario: Scenario, label: str) -> str:
    """What binds, as :class:`~simulator.results.Closest` names it (``reservation:PARTY`` or
    ``red_line:PARTY:ID``), in words."""
    if label.startswith("reservation:"):
        return f"{party_name(scenario, label.removeprefix('reservation:'))}'s reservation"
    return rule_phrase(scenario, label)
