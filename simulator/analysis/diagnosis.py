"""Diagnosis of a package or a scenario, as data: red-line conflicts, concessions, what binds.

The questions the analyst's summary (:func:`simulator.report.analyst_summary`) and the protocols
ask of the model: which unary red lines cannot hold together (:func:`red_line_conflicts`), what a
package asks of each party (:func:`concessions`), which red lines hold it back
(:func:`red_lines_at_limit`) and which interaction terms it triggers
(:func:`interactions_applying`). Each reads the model only (no search) and returns frozen data;
the words are :mod:`simulator.report.summary`'s.

Notation
--------
For party ``p`` with weight ``w_pi`` and value function ``v_pi`` on issue ``i``, the *weighted
loss* of option ``k`` is ``w_pi * (max_j v_pi(j) - v_pi(k))``: what the party gives up on that issue
against its best option, in its own utility units (interaction terms aside; the summary lists them
separately). A *unary* red line looks at one issue; its *allowed set* is the options it does not
forbid. A *red-line conflict* on issue ``i`` is a set of parties whose unary red lines on ``i``
leave no option all of them allow. A red line *holds a package back* when the package respects it
but an adjacent option of the same issue, which another party values more, would cross it.

Examples
--------
>>> import simulator
>>> car = simulator.load_scenario("scenarios/textbook_car.yaml")
>>> red_line_conflicts(car), red_lines_at_limit(car, (1, 1, 1))
((), ('buyer:needs_warranty', 'dealer:no_fire_sale'))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.compiled import preference_values
from simulator.model import Issue, Rule, Scenario, forbidden_regions

__all__ = [
    "Concession",
    "RedLineConflict",
    "concessions",
    "interactions_applying",
    "red_line_conflicts",
    "red_lines_at_limit",
]

#: Losses below this (in utility units) are not reported as concessions.
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class RedLineConflict:
    """Parties whose unary red lines on one issue leave no option that all of them allow.

    Attributes
    ----------
    issue
        The issue id.
    parties
        The party ids in conflict (one id when a party's own lines exclude every option).
    rules
        The red lines involved, as ``party:rule``.
    allowed
        Per party in ``parties``, the option ids its red lines on the issue leave open.
    """

    issue: str
    parties: tuple[str, ...]
    rules: tuple[str, ...]
    allowed: tuple[tuple[str, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "issue": self.issue,
            "parties": list(self.parties),
            "rules": list(self.rules),
            "allowed": {p: list(a) for p, a in zip(self.parties, self.allowed, strict=True)},
        }


@dataclass(frozen=True)
class Concession:
    """An issue on which a package gives a party less than its best option.

    ``loss`` is the weighted loss ``w * (v(best) - v(option))`` in the party's utility units.
    """

    party: str
    issue: str
    option: str
    best: str
    loss: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "party": self.party,
            "issue": self.issue,
            "option": self.option,
            "best": self.best,
            "loss": round(self.loss, 10),
        }


def _forbidden_options(rule: Rule, issues: dict[str, Issue]) -> set[str]:
    """The options a unary rule forbids on its issue."""
    bad: set[str] = set()
    for cond in forbidden_regions(rule, issues):
        for _, opts in cond.clauses:
            bad.update(opts)
    return bad


def _unary_lines(scenario: Scenario) -> list[tuple[str, Rule, str, set[str]]]:
    """Every unary red line as (party id, rule, issue id, forbidden option ids)."""
    issues = {i.id: i for i in scenario.issues}
    out = []
    for party in scenario.parties:
        for rule in party.red_lines:
            if rule.unary:
                issue = rule.issues[0]
                out.append((party.id, rule, issue, _forbidden_options(rule, issues)))
    return out


def red_line_conflicts(scenario: Scenario) -> tuple[RedLineConflict, ...]:
    """Issues on which the parties' unary red lines leave no common option.

    For every issue, each party's unary red lines on it leave an allowed set. When the allowed sets
    of all parties have no option in common, the conflict is reported as each pair of parties whose
    sets are disjoint, or as a single party whose own lines exclude everything, or, when no smaller
    group explains it, as the whole group. Red lines over several issues and consistency constraints
    can also empty the feasible set; they are not reported here.

    Parameters
    ----------
    scenario
        The model.

    Returns
    -------
    tuple of RedLineConflict
        In issue order, then party order.

    Examples
    --------
    >>> import simulator
    >>> red_line_conflicts(simulator.load_scenario("scenarios/textbook_car.yaml"))
    ()
    """
    lines = _unary_lines(scenario)
    out: list[RedLineConflict] = []
    for issue in scenario.issues:
        allowed: dict[str, set[str]] = {}
        rules: dict[str, list[str]] = {}
        for party_id, rule, issue_id, bad in lines:
            if issue_id != issue.id or not bad:
                continue
            allowed.setdefault(party_id, set(issue.option_ids))
            allowed[party_id] -= bad
            rules.setdefault(party_id, []).append(f"{party_id}:{rule.id}")
        if not allowed or set.intersection(*allowed.values()):
            continue
        order = [p for p in scenario.party_ids if p in allowed]
        groups: list[tuple[str, ...]] = [(p,) for p in order if not allowed[p]]
        groups += [
            (a, b)
            for k, a in enumerate(order)
            for b in order[k + 1 :]
            if allowed[a] and allowed[b] and not allowed[a] & allowed[b]
        ]
        if not groups:
            groups = [tuple(order)]
        for group in groups:
            out.append(
                RedLineConflict(
                    issue=issue.id,
                    parties=group,
                    rules=tuple(r for p in group for r in rules[p]),
                    allowed=tuple(
                        tuple(o for o in issue.option_ids if o in allowed[p]) for p in group
                    ),
                )
            )
    return tuple(out)


def concessions(scenario: Scenario, outcome: Sequence[int]) -> dict[str, tuple[Concession, ...]]:
    """What a package asks of each party: the issues where it is below the party's best option.

    Parameters
    ----------
    scenario
        The model.
    outcome
        Option indices, one per issue (as in :attr:`simulator.results.Point.outcome`).

    Returns
    -------
    dict
        ``{party id: concessions}``, each sorted by decreasing weighted loss (ties in issue order);
        issues the party does not weigh, or where the package is at its best, are left out.

    Examples
    --------
    >>> import simulator
    >>> s = simulator.load_scenario("scenarios/textbook_car.yaml")
    >>> [(c.issue, c.option, c.best, round(c.loss, 3)) for c in concessions(s, (3, 2, 0))["buyer"]]
    [('price', '26', '20', 0.5)]
    """
    out: dict[str, tuple[Concession, ...]] = {}
    for party in scenario.parties:
        found = []
        for issue, k in zip(scenario.issues, outcome, strict=True):
            pref = party.preferences.get(issue.id)
            if pref is None or pref.weight == 0:
                continue
            v = pref.weight * preference_values(pref, issue)
            best = int(np.argmax(v))
            loss = float(v[best] - v[int(k)])
            if loss > _TOLERANCE:
                found.append(
                    Concession(
                        party.id, issue.id, issue.options[int(k)].id, issue.options[best].id, loss
                    )
                )
        out[party.id] = tuple(sorted(found, key=lambda c: -c.loss))
    return out


def red_lines_at_limit(scenario: Scenario, outcome: Sequence[int]) -> tuple[str, ...]:
    """Unary red lines that hold a package back, as ``party:rule``.

    A line holds the package back when the package respects it, but an adjacent option of the same
    issue, which another party values more than the package's option, would cross it: without the
    line the package could move that way. The other party counts only if that option crosses none
    of its own unary red lines: a line never holds a package back on behalf of a party that could
    not accept the step either.

    Examples
    --------
    >>> import simulator
    >>> s = simulator.load_scenario("scenarios/textbook_car.yaml")
    >>> red_lines_at_limit(s, (1, 1, 1))
    ('buyer:needs_warranty', 'dealer:no_fire_sale')
    """
    position = {i.id: n for n, i in enumerate(scenario.issues)}
    values = {
        (p.id, i.id): pref.weight * preference_values(pref, i)
        for p in scenario.parties
        for i in scenario.issues
        if (pref := p.preferences.get(i.id)) is not None
    }
    lines = _unary_lines(scenario)
    forbids: dict[tuple[str, str], set[str]] = {}
    for party_id, _, issue_id, bad in lines:
        forbids.setdefault((party_id, issue_id), set()).update(bad)
    out = []
    for party_id, rule, issue_id, bad in lines:
        issue = scenario.issues[position[issue_id]]
        k = int(outcome[position[issue_id]])
        if issue.options[k].id in bad:
            continue
        for j in (k - 1, k + 1):
            if not (0 <= j < len(issue.options)) or issue.options[j].id not in bad:
                continue
            step = issue.options[j].id
            if any(
                v[j] > v[k] + _TOLERANCE and step not in forbids.get((owner, i), set())
                for (owner, i), v in values.items()
                if i == issue_id and owner != party_id
            ):
                out.append(f"{party_id}:{rule.id}")
                break
    return tuple(out)


def interactions_applying(
    scenario: Scenario, outcome: Sequence[int]
) -> dict[str, tuple[tuple[str, float], ...]]:
    """The interaction terms a package triggers: ``{party id: ((term id, bonus), ...)}``."""
    chosen = {i.id: i.options[int(k)].id for i, k in zip(scenario.issues, outcome, strict=True)}
    return {
        p.id: tuple(
            (t.id, t.bonus)
            for t in p.interactions
            if all(chosen[i] in opts for i, opts in t.when.clauses)
        )
        for p in scenario.parties
    }
