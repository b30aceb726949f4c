"""Numbers out of their stated range in a scenario file: refused with the field path and line and
what is allowed (issue 22; the limits are in simulator/limits.py and docs/limits.md)."""

from __future__ import annotations

import pytest

from simulator.errors import ScenarioError
from simulator.formats import loads_scenario_yaml

BASE = """name: tiny
issues:
  - id: price
    values: [1, 2, 3]
parties:
  - id: buyer
    reservation: {reservation}
    {extra}
    preferences: {{price: {{weight: {weight}, linear: decreasing}}}}
    interactions:
      - {{id: t, when: {{price: "1"}}, bonus: {bonus}}}
"""


def load(reservation: str = "0.2", weight: str = "1", bonus: str = "0.1", extra: str = "") -> None:
    text = BASE.format(reservation=reservation, weight=weight, bonus=bonus, extra=extra)
    loads_scenario_yaml(text, "s.yaml")


@pytest.mark.parametrize(
    ("fields", "path", "line", "said"),
    [
        ({"reservation": "1e308"}, "parties[0].reservation", 7, "size at most 1000"),
        ({"reservation": "1001"}, "parties[0].reservation", 7, "size at most 1000"),
        ({"weight": "1e308"}, "parties[0].preferences.price.weight", 9, "size at most 1000"),
        ({"bonus": "-1e308"}, "parties[0].interactions[0].bonus", 11, "size at most 1000"),
        ({"extra": "utility_cap: -0.5"}, "parties[0].utility_cap", 8, "a number >= 0"),
        (
            {"reservation": "{value: 0.9, low: 0.1, high: 0.5}"},
            "parties[0].reservation.value",
            7,
            "lies outside its own range [0.1, 0.5]",
        ),
    ],
)
def test_out_of_range_is_refused_where_it_is(
    fields: dict[str, str], path: str, line: int, said: str
) -> None:
    with pytest.raises(ScenarioError) as info:
        load(**fields)
    e = info.value
    assert (e.file, e.path, e.line) == ("s.yaml", path, line)
    assert said in e.message


def test_the_limits_themselves_are_allowed() -> None:
    load(reservation="{value: 0.5, low: 0.5, high: 0.5}", weight="1000", bonus="-1000")
    load(reservation="-1000", extra="utility_cap: 0")


def test_a_values_list_beyond_the_limit_is_refused_before_it_is_built() -> None:
    text = BASE.format(reservation="0", weight="1", bonus="0", extra="").replace(
        "values: [1, 2, 3]", "values: [" + ",".join(map(str, range(100_001))) + "]"
    )
    with pytest.raises(ScenarioError, match="lists 100,001 values; at most 100,000"):
        loads_scenario_yaml(text, "s.yaml")


def test_huge_option_values_are_refused() -> None:
    text = BASE.format(reservation="0", weight="1", bonus="0", extra="").replace(
        "values: [1, 2, 3]", "values: [1, 1e300]"
    )
    with pytest.raises(ScenarioError, match="size at most 1e"):
        loads_scenario_yaml(text, "s.yaml")
