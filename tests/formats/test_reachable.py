"""Reservations no package meets, or every package meets, are warned (issue 22).

The bound ``utility_bounds`` is checked against a brute-force minimum and maximum over every
package of random scenarios (sound always; tight when nothing but additive values counts); the
readers' warnings are checked on small YAML and GENIUS files written here, with their location.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.compiled import compile_scenario, evaluate_utilities
from simulator.errors import ScenarioWarning
from simulator.formats import load_scenario_yaml, loads_scenario_yaml
from simulator.formats.genius import load_genius_folder
from simulator.formats.reachable import utility_bounds
from simulator.model import Scenario
from simulator.outcome_space import outcome_grid
from tests.formats.test_genius import PROFILE, ZERO_PROFILE, write_folder
from tests.strategies import scenarios

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def brute_force(scenario: Scenario) -> np.ndarray:
    """``(P, 2)``: each party's least and most utility over every package."""
    cs = compile_scenario(scenario)
    u = evaluate_utilities(cs, outcome_grid(cs.sizes))
    return np.stack([u.min(axis=0), u.max(axis=0)], axis=1)


@settings(max_examples=60, deadline=None)
@given(scenarios(red_lines=False), st.booleans())
def test_the_bounds_hold_every_package_and_are_tight_when_additive(
    scenario: Scenario, additive: bool
) -> None:
    if additive:
        scenario = replace(
            scenario,
            parties=tuple(replace(p, interactions=(), utility_cap=None) for p in scenario.parties),
        )
    truth = brute_force(scenario)
    for party, (least, most) in zip(scenario.parties, truth, strict=True):
        low, high = utility_bounds(party, scenario.issues)
        assert low <= least + 1e-9 and most <= high + 1e-9
        if additive:  # each issue's best (and worst) option can be chosen together
            assert (low, high) == pytest.approx((least, most), abs=1e-9)


YAML = """name: t
issues:
  - {{id: x, options: [a, b, c]}}
  - {{id: y, options: [d, e]}}
normalize_weights: false
parties:
  - id: p
    reservation: {reservation}
    utility_cap: {cap}
    preferences:
      x: {{weight: 30, table: {{a: 0, b: 0.5, c: 1}}}}
      y: {{weight: 25, table: {{d: 0.2, e: 1}}}}
    interactions:
      - {{id: t, when: {{x: [a]}}, bonus: {bonus}}}
  - id: q
    preferences:
      x: {{weight: 1, linear: increasing}}
"""


def messages(text: str) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loads_scenario_yaml(text, filename="t.yaml")
    return [str(w.message) for w in caught if issubclass(w.category, ScenarioWarning)]


# the plain utilities run from 30*0 + 25*0.2 = 5 to 30 + 25 = 55
@pytest.mark.parametrize(
    ("reservation", "cap", "bonus", "warned"),
    [
        pytest.param(55, "null", 0, None, id="exactly the best package"),
        pytest.param(55.5, "null", 0, "no package meets it", id="above the best package"),
        pytest.param(58, "null", 3, None, id="reachable only through a bonus"),
        pytest.param(58.5, "null", 3, "no package meets it", id="above even with the bonus"),
        pytest.param(50, 49, 0, "no package meets it", id="above the utility cap"),
        pytest.param(5, "null", 0, "every package meets it", id="at the worst package"),
        pytest.param(3, "null", 0, "every package meets it", id="below the worst package"),
        pytest.param(3, "null", -2, "every package meets it", id="at the worst with a malus"),
        pytest.param(4, "null", -2, None, id="above the worst with a malus"),
        pytest.param(0, "null", 0, None, id="zero means no reservation"),
        pytest.param(-2, "null", 0, None, id="negative means any deal"),
    ],
)
def test_yaml_reservations_out_of_reach_are_warned_with_their_line(
    reservation: float, cap: str, bonus: float, warned: str | None
) -> None:
    found = [
        m
        for m in messages(YAML.format(reservation=reservation, cap=cap, bonus=bonus))
        if "reservation" in m
    ]
    if warned is None:
        assert found == []
    else:
        assert len(found) == 1 and warned in found[0]
        assert found[0].startswith("t.yaml:8: parties[0].reservation: "), found[0]


def test_integer_point_scenarios_load_without_a_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScenarioWarning)
        load_scenario_yaml(SCENARIOS / "siting_six.yaml")


def test_a_genius_reservation_out_of_reach_is_warned_with_its_line(tmp_path: Path) -> None:
    # bob values only the price, weight 0.25: his utilities run from 0 to 0.25
    bob = ZERO_PROFILE.replace("</objective>", '</objective><reservation value="0.3"/>')
    folder = write_folder(tmp_path, {"bob.xml": bob})
    with pytest.warns(ScenarioWarning) as caught:
        load_genius_folder(folder)
    found = [str(w.message) for w in caught if "no package meets it" in str(w.message)]
    line = bob[: bob.index("<reservation")].count("\n") + 1
    assert found == [found[0]] and found[0].startswith(f"bob.xml:{line}: <reservation>: ")


def test_a_genius_reservation_in_reach_is_not_warned(tmp_path: Path) -> None:
    bob = ZERO_PROFILE.replace("</objective>", '</objective><reservation value="0.25"/>')
    balanced = PROFILE.replace('<weight index="1" value="0.5"/>', '<weight index="1" value="0.4"/>')
    folder = write_folder(tmp_path, {"bob.xml": bob, "alice.xml": balanced})
    with warnings.catch_warnings():
        warnings.filterwarnings("error", ".*the reservation", ScenarioWarning)
        load_genius_folder(folder)
