"""Every key of the analyses' JSON is one that docs/reference/json-output.md documents.

A key the page does not name (a renamed key, a typo) breaks every script that reads the JSON.
Keys that are data (party and issue ids) are not names to document.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from simulator.analysis.gaps import gaps
from simulator.analysis.ratified_solve import proposal_ratification
from simulator.evaluate import evaluate_proposals
from simulator.model import Proposal, Scenario
from tests.analysis.conftest import ROOT
from tests.analysis.test_ratification import car_with_a_vote

PAGE = (ROOT / "docs" / "reference" / "json-output.md").read_text(encoding="utf-8")


def _section(heading: str) -> str:
    """The page's text from the ``## heading`` line to the next heading of that level."""
    start = PAGE.index(f"\n## {heading}")
    end = PAGE.find("\n## ", start + 1)
    return PAGE[start : end if end > 0 else None]


def _keys(data: Any) -> Iterable[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from _keys(value)
    elif isinstance(data, list):
        for value in data:
            yield from _keys(value)


def _undocumented(data: dict[str, Any], heading: str, scenario: Scenario) -> set[str]:
    ids = {*scenario.party_ids, *(i.id for i in scenario.issues)}
    text = _section(heading)
    return {k for k in _keys(data) if k not in ids and f'"{k}"' not in text}


def test_the_gaps_json_names_only_documented_keys(car: Scenario) -> None:
    data = gaps(car).to_dict()
    assert {"scenario", "gaps", "gap"} <= set(_keys(data))
    assert _undocumented(data, "`bargain gaps`", car) == set()


def test_the_ratification_json_names_only_documented_keys() -> None:
    s = car_with_a_vote(0.25)
    s = dataclasses.replace(s, proposals=(*s.proposals, Proposal("open", {"delivery": ("fast",)})))
    risk, _ = proposal_ratification(s, evaluate_proposals(s), "expected")
    data = risk.to_dict()
    assert {"ratification", "terms", "proposal_ranges"} <= set(_keys(data))
    assert _undocumented(data, "Ratification", s) == set()
