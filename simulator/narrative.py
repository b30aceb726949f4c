"""The analyst's summary: what a solve result means, in plain words (Markdown).

:func:`analyst_summary` reads a :class:`~simulator.results.SolveResult` of any scenario and says
whether there is a zone of possible agreement (ZOPA); if not, which red lines cannot hold together,
what the package closest to agreement is and what it asks of each party, and which red lines and
reservation utilities bind. It only reads the result and the model: the solver has done the search.

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
>>> result = simulator.solve(simulator.load_scenario("scenarios/textbook_car.yaml"))
>>> print(analyst_summary(result, notes=False).splitlines()[2][:45])
**There is a zone of possible agreement.** 11
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from simulator.compiled import preference_values
from simulator.model import Issue, Rule, Scenario, forbidden_regions
from simulator.results import Point, SolveResult

__all__ = [
    "Concession",
    "RedLineConflict",
    "analyst_summary",
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
    line the package could move that way.

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
    out = []
    for party_id, rule, issue_id, bad in _unary_lines(scenario):
        issue = scenario.issues[position[issue_id]]
        k = int(outcome[position[issue_id]])
        if issue.options[k].id in bad:
            continue
        for j in (k - 1, k + 1):
            if not (0 <= j < len(issue.options)) or issue.options[j].id not in bad:
                continue
            if any(
                v[j] > v[k] + _TOLERANCE
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


# --- rendering ------------------------------------------------------------------------------------
def _share(n: int, total: int) -> str:
    if total == 0:
        return "0%"
    x = 100.0 * n / total
    return f"{x:.3g}%" if x >= 1e-3 or n == 0 else f"{x:.2e}%"


def _names(scenario: Scenario) -> dict[str, str]:
    return {p.id: p.display for p in scenario.parties}


def _issue_name(issue: Issue) -> str:
    return f"{issue.label} (`{issue.id}`)" if issue.label else f"`{issue.id}`"


def _rule_list(labels: Sequence[str], names: dict[str, str]) -> str:
    items = []
    for label in labels:
        party, _, rule = label.partition(":")
        items.append(f"{names.get(party, party)}'s `{rule}`")
    return ", ".join(items)


def _conflict_lines(scenario: Scenario, conflicts: Sequence[RedLineConflict]) -> list[str]:
    names = _names(scenario)
    lines = []
    for c in conflicts:
        issue = scenario.issue(c.issue)
        sides = []
        for party, rules, allowed in zip(c.parties, _group_rules(c), c.allowed, strict=True):
            opts = ", ".join(f"`{o}`" for o in allowed) or "nothing"
            sides.append(f"{names[party]} ({', '.join(f'`{r}`' for r in rules)}) allows {opts}")
        what = "leave no option in common" if len(c.parties) > 1 else "exclude every option"
        lines.append(f"- {_issue_name(issue)}: {'; '.join(sides)}. Together they {what}.")
    return lines


def _group_rules(c: RedLineConflict) -> list[list[str]]:
    """The rule ids of each party in the conflict, in party order."""
    return [[r.partition(":")[2] for r in c.rules if r.partition(":")[0] == p] for p in c.parties]


def _utility_table(
    result: SolveResult, point: Point, shortfall: Sequence[float] | None
) -> list[str]:
    s = result.scenario
    rows = ["| party | utility | reservation | gain over no deal |", "|---|---|---|---|"]
    for n, (p, u, d) in enumerate(
        zip(s.parties, point.utilities, result.disagreement, strict=True)
    ):
        gap = u - float(d)
        if shortfall is not None and shortfall[n] > 0:
            cell = f"short by {shortfall[n]:.3f}"
        else:
            cell = f"{max(gap, 0.0):+.3f}"
        rows.append(f"| {p.display} | {u:.3f} | {float(d):.3f} | {cell} |")
    return rows


def _asks_lines(result: SolveResult, point: Point, max_concessions: int) -> list[str]:
    s = result.scenario
    asks = concessions(s, point.outcome)
    terms = interactions_applying(s, point.outcome)
    lines = []
    for p in s.parties:
        own = asks[p.id]
        if not own:
            lines.append(f"- **{p.display}** gets its best option on every issue it weighs.")
            continue
        total = sum(c.loss for c in own)
        shown = own[:max_concessions]
        parts = []
        for c in shown:
            issue = s.issue(c.issue)
            got, best = issue.options[issue.index(c.option)], issue.options[issue.index(c.best)]
            parts.append(
                f"{issue.label or issue.id}: *{got.display}* instead of *{best.display}* "
                f"(−{c.loss:.3f})"
            )
        more = len(own) - len(shown)
        tail = f"; and {more} smaller concession(s)" if more > 0 else ""
        line = (
            f"- **{p.display}** concedes on {len(own)} issue(s), {total:.3f} of utility in all. "
            f"Largest: {'; '.join(parts)}{tail}."
        )
        if terms[p.id]:
            line += (
                " Linkage terms that apply: "
                + ", ".join(f"`{t}` ({b:+.3f})" for t, b in terms[p.id])
                + "."
            )
        lines.append(line)
    return lines


def _binding_lines(
    result: SolveResult, point: Point, crossed: Sequence[str], short: Sequence[float]
) -> list[str]:
    s = result.scenario
    names = _names(s)
    lines = []
    if crossed:
        lines.append(f"- Crossed by the package: {_rule_list(crossed, names)}.")
    reservations = [p.display for p, x in zip(s.parties, short, strict=True) if x > 0]
    if reservations:
        lines.append(
            "- Reservation utilities that bind (the package leaves these parties below no deal): "
            + ", ".join(reservations)
            + "."
        )
    limit = [x for x in red_lines_at_limit(s, point.outcome) if x not in crossed]
    if limit:
        lines.append(
            "- Holding the package back (it sits on them, and another party would gain from the "
            "step across): " + _rule_list(limit, names) + "."
        )
    if not lines:
        lines.append("- No red line is crossed or at its limit, and no reservation utility binds.")
    return lines


def analyst_summary(result: SolveResult, *, max_concessions: int = 4, notes: bool = True) -> str:
    """The plain-words summary of a solve result for an analyst, in Markdown.

    Sections: the verdict (is there a ZOPA, with the counts); when the feasible set is empty, the
    red lines that cannot hold together (:func:`red_line_conflicts`); the package the model singles
    out (the Nash solution on the ZOPA, otherwise the package closest to agreement) with each
    party's utility, what it asks of each party (:func:`concessions`) and which red lines and
    reservation utilities bind; and, with ``notes``, the scenario's own description as notes.

    Parameters
    ----------
    result
        The result of :func:`simulator.solve`.
    max_concessions
        How many concessions to name per party (the largest ones; the rest are counted).
    notes
        Whether to end with the scenario's ``description`` under "Notes" (when it has one).

    Returns
    -------
    str
        Markdown, starting with a level-2 heading, ending with a newline.
    """
    s, c = result.scenario, result.counts
    out = ["## What the model finds", ""]
    if c.zopa:
        out.append(
            f"**There is a zone of possible agreement.** {c.zopa:,} of {c.outcomes:,} packages "
            f"({_share(c.zopa, c.outcomes)}) respect every red line and give every party at least "
            "its reservation utility."
        )
    elif c.consistent == 0:
        out.append(
            "**No package is consistent**: the consistency constraints exclude every outcome."
        )
    elif c.feasible == 0:
        out.append(
            f"**There is no zone of possible agreement.** None of the {c.consistent:,} consistent "
            f"packages (of {c.outcomes:,}) respects every party's red lines at once."
        )
    else:
        out.append(
            f"**There is no zone of possible agreement.** {c.feasible:,} of {c.outcomes:,} "
            f"packages ({_share(c.feasible, c.outcomes)}) respect every red line, but none gives "
            "every party its reservation utility."
        )
    if c.feasible == 0 and c.consistent > 0:
        conflicts = red_line_conflicts(s)
        out += ["", "### Red lines that cannot all hold", ""]
        if conflicts:
            out += _conflict_lines(s, conflicts)
            out += [
                "",
                "Every package must therefore cross at least one red line on each of these issues.",
            ]
        else:
            out.append(
                "No single issue explains it: the red lines conflict only in combination, across "
                "issues or through the consistency constraints."
            )
    nash = result.solutions.get("nash") if c.zopa else None
    if nash is not None:
        out += ["", "### The Nash bargaining solution", ""]
        out.append(
            "The package that maximises the product of the parties' gains over no deal "
            "(Nash 1950) gives:"
        )
        out += ["", *_utility_table(result, nash, None), ""]
        out += ["What it asks of each party (largest weighted losses against its best option):", ""]
        out += _asks_lines(result, nash, max_concessions)
        out += ["", "### Which red lines bind", ""]
        out += _binding_lines(result, nash, (), [0.0] * len(s.parties))
    elif result.closest is not None:
        cl = result.closest
        n = len(cl.crossed)
        short = [x for x in cl.shortfall if x > 0]
        out += ["", "### What comes closest", ""]
        how = (
            f"crosses {n} red line(s) ({_rule_list(cl.crossed, _names(s))})"
            if n
            else "crosses no red line"
        ) + (
            f" and leaves {len(short)} party(ies) below their reservation utility"
            if short
            else " and gives every party at least its reservation utility"
        )
        out.append(
            "The package closest to agreement (fewest red lines crossed, then the smallest largest "
            f"shortfall, then the largest total utility) {how}:"
        )
        out += ["", *_utility_table(result, cl.point, cl.shortfall), ""]
        out += ["What it asks of each party (largest weighted losses against its best option):", ""]
        out += _asks_lines(result, cl.point, max_concessions)
        out += ["", "### Which red lines bind", ""]
        out += _binding_lines(result, cl.point, cl.crossed, cl.shortfall)
    if notes and s.description:
        out += ["", "### Notes", "", s.description.strip()]
    return "\n".join(out) + "\n"
