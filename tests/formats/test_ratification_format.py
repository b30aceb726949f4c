"""Ratification terms in the YAML format: read, checked where they are written, written back."""

from __future__ import annotations

import pytest

from simulator.errors import ScenarioError
from simulator.formats import load_scenario
from simulator.formats.yaml_reader import loads_scenario_yaml
from simulator.formats.yaml_writer import dump_scenario_yaml
from simulator.model import Condition, Ratification, Scenario

BASE = """\
name: r
issues:
  - {id: land, options: [none, some, all]}
  - {id: guarantee, options: [treaty, pledge]}
parties:
  - id: a
    preferences: {land: {weight: 1, linear: decreasing}}
    ratification:
{terms}
  - id: b
    preferences: {land: {weight: 1, linear: increasing}}
"""


def read(terms: str) -> Scenario:
    return loads_scenario_yaml(BASE.replace("{terms}", terms), "r.yaml")


def test_terms_are_read_with_their_ranges_and_sources() -> None:
    s = read(
        "      - {id: vote, ratifier: referendum, when: {land: [some]}, probability: 0.6,"
        " probability_range: [0.45, 0.75], source: FS}\n"
        "      - {id: senate, when: {guarantee: [treaty]}, probability: 0.5}"
    )
    terms = s.parties[0].ratification
    assert terms[0] == Ratification(
        "vote",
        Condition.of({"land": ["some"]}),
        0.6,
        ratifier="referendum",
        probability_range=terms[0].probability_range,
        source="FS",
    )
    assert (terms[0].probability_range.low, terms[0].probability_range.high) == (0.45, 0.75)
    assert terms[1].voter == "senate"


def test_overlapping_terms_of_one_ratifier_are_refused_at_the_party() -> None:
    with pytest.raises(ScenarioError, match="overlapping conditions") as e:
        read(
            "      - {id: v1, ratifier: referendum, when: {land: [some, all]}, probability: 0.6}\n"
            "      - {id: v2, ratifier: referendum, when: {land: [all]}, probability: 0.2}"
        )
    assert e.value.line == 6 and "parties[0]" in str(e.value)


def test_terms_of_different_ratifiers_may_overlap() -> None:
    s = read(
        "      - {id: v1, ratifier: referendum, when: {land: [some, all]}, probability: 0.6}\n"
        "      - {id: v2, ratifier: parliament, when: {land: [all]}, probability: 0.2}"
    )
    assert len(s.parties[0].ratification) == 2


@pytest.mark.parametrize(
    ("term", "message"),
    [
        ("{id: v, when: {land: [some]}, probability: 1.5}", "probability"),
        ("{id: v, when: {land: [sme]}, probability: 0.5}", "sme"),
        ("{id: v, when: {land: [some]}, probability: 0.5, probability_range: [0.6, 0.9]}", "range"),
        ("{id: v, when: {land: [some]}}", "probability"),
    ],
)
def test_bad_terms_name_the_field(term: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message) as e:
        read("      - " + term)
    assert "ratification[0]" in str(e.value) and e.value.line == 9


def test_terms_round_trip() -> None:
    s = read(
        "      - {id: vote, ratifier: referendum, when: {land: [some]}, probability: 0.6,"
        " probability_range: [0.45, 0.75], source: FS, description: d}"
    )
    assert loads_scenario_yaml(dump_scenario_yaml(s)) == s


def test_a_file_without_terms_has_none() -> None:
    s = load_scenario("scenarios/textbook_car.yaml")
    assert all(p.ratification == () for p in s.parties)
    assert "ratification" not in dump_scenario_yaml(s)
