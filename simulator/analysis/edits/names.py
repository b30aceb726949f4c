"""How edits name things: parties, issues, options and selections of options.

A party is named by its id, its label (any case) or the initials of a multi-word id
(``united_states`` -> ``us``) when no other party has the same initials (:func:`resolve_party`).
An option is named by its id, or on a numeric issue by its number; a *selection* ``op operand``
picks options by their order (``<``, ``<=``, ``>``, ``>=``; the number on a numeric issue) or by
name (``=``, ``!=`` with one option or a comma-separated list; :func:`select_options`). Every
error names what could have been meant.
"""

from __future__ import annotations

import math
import re
from typing import Literal

from simulator.errors import EditError, did_you_mean
from simulator.model import Issue, Scenario

__all__ = [
    "COMPARISONS",
    "Comparison",
    "find_issue",
    "format_number",
    "inventory",
    "option_id",
    "option_position",
    "resolve_party",
    "select_options",
]

Comparison = Literal["=", "!=", "<", "<=", ">", ">="]
COMPARISONS: tuple[str, ...] = ("<=", ">=", "!=", "=", "<", ">")


def format_number(x: float) -> str:
    """Shortest text that reads back as ``x`` (``2`` rather than ``2.0``)."""
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def find_issue(scenario: Scenario, issue_id: str) -> Issue:
    """The issue with id ``issue_id``; :class:`EditError` with a suggestion if there is none."""
    for issue in scenario.issues:
        if issue.id == issue_id:
            return issue
    raise EditError(f"no issue {issue_id!r}; {did_you_mean(issue_id, scenario.issue_ids)}")


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
        named = {option_id(issue, word.strip()) for word in operand.split(",")}
        chosen = tuple(o for o in ids if (o in named) == (op == "="))
    else:
        pos = option_position(issue, operand)
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


def option_id(issue: Issue, word: str) -> str:
    """The id of the option ``word`` names: an id, or on a numeric issue its number."""
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


def option_position(issue: Issue, word: str) -> float:
    """Where ``word`` lies in the option order: its index, or on a numeric issue its number."""
    if issue.numeric:
        try:
            x = float(word)
        except ValueError:
            x = math.nan
        if math.isfinite(x):
            return x
        return float(issue.options[issue.option_ids.index(option_id(issue, word))].value or 0.0)
    return float(issue.option_ids.index(option_id(issue, word)))


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


def inventory(scenario: Scenario) -> str:
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
