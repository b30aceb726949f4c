"""``red_lines_at_limit`` on pinned ties: a line holds a package back only for a party that
strictly gains from the step it forbids."""

from __future__ import annotations

from pathlib import Path

from simulator.analysis.diagnosis import red_lines_at_limit
from simulator.formats import loads_scenario_yaml

CAR = (Path(__file__).resolve().parents[2] / "scenarios" / "textbook_car.yaml").read_text()
DEALER_WARRANTY = 'warranty: {weight: 0.3, linear: decreasing, source: "assumption"}'


def test_a_party_indifferent_to_the_step_does_not_hold_the_line_at_its_limit():
    """At (22, one year, standard) the buyer's warranty line forbids the step to no warranty. The
    dealer, who values no warranty more, makes it a line at its limit; a dealer who values no
    warranty and one year exactly the same does not (a tie is no gain)."""
    car = loads_scenario_yaml(CAR)
    assert red_lines_at_limit(car, (1, 1, 1)) == ("buyer:needs_warranty", "dealer:no_fire_sale")
    flat = CAR.replace(
        DEALER_WARRANTY,
        'warranty: {weight: 0.3, table: {none: 1, one_year: 1, three_years: 0}, source: "tie"}',
    )
    assert flat != CAR
    assert red_lines_at_limit(loads_scenario_yaml(flat), (1, 1, 1)) == ("dealer:no_fire_sale",)
