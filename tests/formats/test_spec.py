"""The format's table (``formats/spec.py``) against the reader and the writer.

The writer writes only keys the table knows; every key of the table is read and survives a round
trip; the reader takes allowed keys, ranges and defaults from the table, so a change to the table
changes what the reader accepts.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from simulator.errors import ScenarioError
from simulator.formats import dump_scenario_yaml, loads_scenario_yaml, spec, yaml_reader
from simulator.formats.fields import Part
from simulator.model import Scenario
from tests.formats.test_scenario_yaml import BASE, TEXTBOOK, round_trip_scenarios, with_line

# Every key of every part of the table, at least once.
EVERY_KEY = """\
name: sink
title: Every key
description: A scenario that uses every key of the format
date: 2025-01-01
periods: {unit: month, start: "2025-01"}
references: {W1: A reference}
constants: [a constant]
normalize_weights: false
issues:
  - {id: price, label: Price, unit: EUR, description: cost, source: W1, values: [20, 22, 24]}
  - id: colour
    options: [red, {id: blue, label: Blue, value: 2}, green]
  - {id: weeks, range: {min: 2, max: 6, step: 2}}
parties:
  - id: buyer
    label: Buyer
    description: buys
    source: W1
    reservation:
      value: 0.4
      low: 0.3
      high: 0.5
      distribution: triangular
      mode: 0.4
      source: W1
      drift: -0.01
      drift_range: {low: -0.02, high: 0, distribution: triangular, mode: -0.01}
      drift_source: "assumption: the other offer ages"
    deal_bonus: {value: 0.25, low: 0.125, high: 0.5, source: W1}
    bargaining_power: 2
    weight_concentration: 30
    utility_cap: 0.9
    discount: {value: 0.9, source: W1}
    preferences:
      price: {weight: 0.5, linear: decreasing, exponent: 2, source: W1, drift: 0.01,
              drift_range: [0, 0.02], drift_source: W1}
      colour: {weight: 0.3, table: {red: 1, blue: 0.5, green: 0}}
      weeks: {weight: 0.2, ideal: 4, spread: 2}
    interactions:
      - {id: bundle, when: {colour: [red]}, bonus: 0.1, source: W1, description: likes it}
    red_lines:
      - id: r1
        issue: price
        not: [24]
        source: W1
        description: too dear
        probability: 0.9
        probability_range: {low: 0.8, high: 1, distribution: triangular, mode: 0.9}
      - {id: r2, issue: price, at_least: 22}
      - {id: r3, issue: colour, at_most: blue}
      - {id: r4, if: {colour: [green]}, then: {weeks: [2]}}
      - {id: r5, exclude: {colour: [red], weeks: [6]}, probability_range: [0.5, 1]}
    ratification:
      - id: vote_red
        ratifier: referendum
        when: {colour: [red]}
        probability: 0.6
        probability_range: [0.45, 0.75]
        source: W1
        description: a referendum on red
      - {id: vote_blue, ratifier: referendum, when: {colour: [blue]}, probability: 0.9}
    controls: {colour: green}
  - id: seller
    reservation:
      value: 0.3
      path: [{at: "2025-06", value: 0.2, low: 0.1, high: 0.3, source: W1}]
    preferences:
      price: {weight: 1, linear: increasing}
      weeks: {weight: 0.5, linear: increasing, path: [{at: "2025-03", value: 0.25, source: W1}]}
constraints:
  - {id: c1, exclude: {price: [20], colour: [green]}}
proposals:
  - {id: p1, label: P, date: 2025-01-02, source: W1, description: d, options: {price: 22}}
agreement: {quorum: 1, veto: [seller]}
"""

ALL_KEYS = {(part.name, key.name) for part in spec.ALL_PARTS for key in part}
#: what the writer rewrites: a range is written as its values
REWRITTEN = {("issue", "range"), ("range", "min"), ("range", "max"), ("range", "step")}


def keys_used(data: Any, part: Part = spec.SCENARIO) -> set[tuple[str, str]]:
    """``(part, key)`` of every key in a YAML document; fails on a key the table does not know."""
    if not isinstance(data, dict):  # a part written as its shorthand
        return set()
    unknown = set(data) - set(part.names)
    assert not unknown, f"{part.name} has keys the table does not know: {sorted(unknown)}"
    assert set(part.required) <= set(data), f"{part.name} misses required keys"
    used = {(part.name, k) for k in data}
    for name, value in data.items():
        key = part[name]
        if not isinstance(key.type, Part) or (key.pair and isinstance(value, list)):
            continue
        if key.container == "map":
            value = list(value.values())
        for item in value if key.container else [value]:
            used |= keys_used(item, key.type)
    return used


def test_the_example_uses_every_key_of_the_table() -> None:
    assert keys_used(yaml.safe_load(EVERY_KEY)) == ALL_KEYS


def test_every_key_round_trips() -> None:
    scenario = loads_scenario_yaml(EVERY_KEY)
    text = dump_scenario_yaml(scenario)
    assert loads_scenario_yaml(text) == scenario
    assert keys_used(yaml.safe_load(text)) == ALL_KEYS - REWRITTEN


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(round_trip_scenarios())
def test_the_writer_writes_only_keys_of_the_table(scenario: Scenario) -> None:
    keys_used(yaml.safe_load(dump_scenario_yaml(scenario)))


def test_bundled_scenarios_use_only_keys_of_the_table() -> None:
    for path in sorted(TEXTBOOK.parent.glob("*.yaml")):
        keys_used(yaml.safe_load(path.read_text(encoding="utf-8")))
        keys_used(yaml.safe_load(dump_scenario_yaml(loads_scenario_yaml(path.read_text()))))


# --- the reader follows the table -----------------------------------------------------------------
def edited(part: Part, name: str, **changes: Any) -> Part:
    """``part`` with key ``name`` changed (or dropped when ``changes`` is ``{"drop": True}``)."""
    keys = tuple(
        dataclasses.replace(k, **changes) if k.name == name else k
        for k in part
        if not (k.name == name and changes.get("drop"))
    )
    return dataclasses.replace(part, keys=keys)


def test_the_reader_takes_ranges_from_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_reader, "PREFERENCE", edited(spec.PREFERENCE, "weight", minimum=0.6))
    with pytest.raises(ScenarioError, match=r"expected a number >= 0\.6, got 0\.5"):
        loads_scenario_yaml(BASE)


def test_the_reader_takes_allowed_keys_from_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_reader, "PARTY", edited(spec.PARTY, "reservation", drop=True))
    with pytest.raises(ScenarioError, match="unknown key 'reservation'"):
        loads_scenario_yaml(BASE)


def test_the_reader_takes_defaults_from_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_reader, "PARTY", edited(spec.PARTY, "bargaining_power", default=3.0))
    assert loads_scenario_yaml(BASE).parties[1].bargaining_power == 3.0


def test_error_wording_comes_from_the_table() -> None:
    text = with_line(11, "      price: {weight: 0.5, linear: decreasing, exponent: 0}")
    with pytest.raises(ScenarioError) as info:
        loads_scenario_yaml(text)
    assert info.value.message == f"expected {spec.number_rule(spec.PREFERENCE['exponent'])}, got 0"
