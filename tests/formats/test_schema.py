"""The JSON Schema of the scenario format: valid, accepts written files, rejects mistakes."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from simulator.errors import ScenarioError
from simulator.formats import dump_scenario_yaml, loads_scenario_yaml, spec
from simulator.formats.schema import scenario_json_schema
from simulator.model import Scenario
from tests.formats.test_scenario_yaml import BASE, TEXTBOOK, round_trip_scenarios, with_line

jsonschema = pytest.importorskip("jsonschema")
VALIDATOR = jsonschema.Draft202012Validator(scenario_json_schema())


def as_json(text: str) -> Any:
    """The YAML document as the JSON an editor would check (dates as strings)."""
    return json.loads(json.dumps(yaml.safe_load(text), default=str))


def errors(text: str) -> list[str]:
    return [e.message for e in VALIDATOR.iter_errors(as_json(text))]


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = scenario_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    json.dumps(schema)


def test_textbook_and_base_validate() -> None:
    assert errors(TEXTBOOK.read_text(encoding="utf-8")) == []
    assert errors(BASE) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(round_trip_scenarios())
def test_written_scenarios_validate(scenario: Scenario) -> None:
    assert errors(dump_scenario_yaml(scenario)) == []


BROKEN = {
    "unknown key": (11, "      price: {weigth: 0.5, linear: decreasing}"),
    "missing weight": (11, "      price: {linear: decreasing}"),
    "two value functions": (11, "      price: {weight: 0.5, linear: decreasing, ideal: 20}"),
    "no value function": (11, "      price: {weight: 0.5}"),
    "spread without ideal": (11, "      price: {weight: 0.5, linear: decreasing, spread: 2}"),
    "bad direction": (11, "      price: {weight: 0.5, linear: up}"),
    "negative weight": (17, "      price: {weight: -1, linear: increasing}"),
    "table value above 1": (
        12,
        "      colour: {weight: 0.5, table: {red: 1.5, blue: 0, green: 0}}",
    ),
    "issue with two forms": (4, "    values: [20, 22, 24]\n    options: [a, b]"),
    "issue without form": (4, "    unit: EUR"),
    "range with step 0": (4, "    range: {min: 20, max: 24, step: 0}"),
    "rule with two forms": (14, "      - {id: cheap, issue: price, at_most: 22, not: [20]}"),
    "rule without issue": (14, "      - {id: cheap, at_most: 22}"),
    "then with at_most": (14, "      - {id: c, issue: price, at_most: 22, then: {price: 20}}"),
    "if without then": (20, "    if: {colour: [green]}"),
    "probability above 1": (14, "      - {id: cheap, issue: price, at_most: 22, probability: 2}"),
    "reservation low only": (9, "    reservation: {value: 0.4, low: 0.3}"),
    "reservation as text": (9, "    reservation: high"),
    "missing name": (1, "title: demo"),
    "empty condition": (20, "    exclude: {}"),
}


@pytest.mark.parametrize("case", BROKEN.values(), ids=list(BROKEN))
def test_broken_documents_fail_the_schema_and_the_loader(case: tuple[int, str]) -> None:
    text = with_line(*case)
    assert errors(text)
    with pytest.raises(ScenarioError):
        loads_scenario_yaml(text)


@pytest.mark.parametrize(
    ("definition", "keys"),
    [
        (None, spec.SCENARIO.names),
        ("issue", spec.ISSUE.names),
        ("party", spec.PARTY.names),
        ("preference", spec.PREFERENCE.names),
        ("interaction", spec.INTERACTION.names),
        ("rule", spec.RULE.names),
        ("proposal", spec.PROPOSAL.names),
        ("uncertainty", spec.UNCERTAINTY.names),
    ],
)
def test_schema_lists_the_keys_the_loader_accepts(definition: str | None, keys: tuple[str]) -> None:
    schema = scenario_json_schema()
    part = schema if definition is None else schema["$defs"][definition]
    assert list(part["properties"]) == list(keys)
    assert part["additionalProperties"] is False


def test_schema_lists_option_range_and_reservation_keys() -> None:
    defs = scenario_json_schema()["$defs"]
    assert list(defs["option"]["oneOf"][1]["properties"]) == list(spec.OPTION.names)
    assert list(defs["issue"]["properties"]["range"]["properties"]) == list(spec.RANGE.names)
    assert list(defs["reservation"]["oneOf"][1]["properties"]) == list(spec.RESERVATION.names)
