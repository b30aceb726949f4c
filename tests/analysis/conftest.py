"""Small scenarios for the analysis tests, with answers checked by hand or by the oracle."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator import load_scenario
from simulator.model import Condition, Issue, Option, Party, Preference, Rule, Scenario
from tests.oracle import solve_oracle

ROOT = Path(__file__).resolve().parents[2]


def oracle_zopa(s: Scenario) -> int:
    """The ZOPA count by enumeration (the slow oracle)."""
    return solve_oracle(s).counts["zopa"]


def deadlock_scenario() -> Scenario:
    """Two parties whose red lines conflict on ``x`` and on ``y``: the feasible set is empty.

    A wants ``x = x2`` and ``y >= y1``; B wants ``x = x0`` and ``y = y0``; A also needs ``y = y2``
    when ``z = z1``. Reservations are 0, so the ZOPA is the feasible set.
    """
    opts = lambda *ids: tuple(Option(i) for i in ids)  # noqa: E731
    issues = (
        Issue("x", opts("x0", "x1", "x2")),
        Issue("y", opts("y0", "y1", "y2")),
        Issue("z", opts("z0", "z1")),
    )
    a = Party(
        "alpha_party",
        {
            "x": Preference(0.5, "linear"),
            "y": Preference(0.25, "linear"),
            "z": Preference(0.25, "table", table=(0.0, 1.0)),
        },
        red_lines=(
            Rule("a_x", "at_least", issue="x", bound="x2"),
            Rule("a_y", "at_least", issue="y", bound="y1"),
            Rule(
                "a_z",
                "implies",
                condition=Condition.of({"z": "z1"}),
                consequence=Condition.of({"y": "y2"}),
            ),
        ),
    )
    b = Party(
        "beta",
        {
            "x": Preference(0.5, "linear", direction="decreasing"),
            "y": Preference(0.5, "linear", direction="decreasing"),
        },
        label="Bravo",
        red_lines=(
            Rule("b_x", "at_most", issue="x", bound="x0"),
            Rule("b_y", "at_most", issue="y", bound="y0"),
        ),
    )
    return Scenario("deadlock", issues, (a, b))


@pytest.fixture
def car() -> Scenario:
    return load_scenario(str(ROOT / "scenarios" / "textbook_car.yaml"))


@pytest.fixture
def deadlock() -> Scenario:
    return deadlock_scenario()
