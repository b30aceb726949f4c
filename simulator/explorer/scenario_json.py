"""``GET /api/scenario``: what the page needs to draw its controls, with labels and colours.

Every item has its id (what edits name) and its label (what people read); every party its colour
from :func:`simulator.plots.style.party_colours`, so the page matches the figures. "How sure is
this" is what the scenario states today: each red line's probability (and its range) and each
reservation's range.
"""

from __future__ import annotations

from typing import Any

from simulator.analysis.figure_data import option_values
from simulator.model import Scenario
from simulator.model.preferences import Uncertainty
from simulator.model.rules import Rule
from simulator.report.words import bound_word

__all__ = ["scenario_json"]


def _range(u: Uncertainty | None) -> list[float] | None:
    return None if u is None else [float(u.low), float(u.high)]


def _rule_text(scenario: Scenario, rule: Rule) -> str:
    """A short reading of a one-issue red line, in labels; the description for the others."""
    if rule.issue is not None and rule.kind in ("at_most", "at_least") and rule.bound is not None:
        issue = scenario.issue(rule.issue)
        words = bound_word(issue, rule.kind, rule.bound)
        return (
            f"{(issue.label or issue.id)}: {words} {issue.options[issue.index(rule.bound)].display}"
        )
    if rule.issue is not None and rule.kind == "not":
        issue = scenario.issue(rule.issue)
        names = ", ".join(issue.options[issue.index(o)].display for o in rule.options)
        return f"{(issue.label or issue.id)}: not {names}"
    return rule.description or rule.id


def scenario_json(scenario: Scenario, source: str, colours: dict[str, str]) -> dict[str, Any]:
    """The scenario's issues, parties, red lines and proposals, for the page and other tools."""
    values = option_values(scenario)
    parties = []
    for party in scenario.parties:
        parties.append(
            {
                "id": party.id,
                "label": party.display,
                "colour": colours[party.id],
                "reservation": float(party.reservation),
                "reservation_range": _range(party.reservation_range),
                "bargaining_power": float(party.bargaining_power),
                "weights": {i.id: float(party.weight(i.id)) for i in scenario.issues},
                "red_lines": [
                    {
                        "id": r.id,
                        "text": _rule_text(scenario, r),
                        "description": r.description,
                        "probability": float(r.probability),
                        "probability_range": _range(r.probability_range),
                    }
                    for r in party.red_lines
                ],
            }
        )
    issues = [
        {
            "id": issue.id,
            "label": issue.label or issue.id,
            "options": [
                {
                    "id": o.id,
                    "label": o.display,
                    "values": {
                        party.id: round(float(values[p][i][k]), 4)
                        for p, party in enumerate(scenario.parties)
                    },
                }
                for k, o in enumerate(issue.options)
            ],
        }
        for i, issue in enumerate(scenario.issues)
    ]
    proposals = [
        {"id": pr.id, "label": pr.display, "date": pr.date, "options": dict(pr.options)}
        for pr in scenario.proposals
    ]
    from simulator.report.solve import SOLUTION_TITLES

    return {
        "name": scenario.name,
        "title": scenario.title or scenario.name,
        "source": source,
        "parties": parties,
        "issues": issues,
        "proposals": proposals,
        "solutions": dict(SOLUTION_TITLES),
    }
