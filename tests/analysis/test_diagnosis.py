"""``red_lines_at_limit`` on pinned ties: a line holds a package back only for a party that
strictly gains from the step it forbids."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

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


def test_concessions_are_the_gains_of_the_best_option_issue_by_issue():
    """On the car deal without its interaction (utilities additive over issues), a concession of
    a party on an issue is what it gains by moving that issue alone to its best option: the
    brute-force oracle's utilities, over every package, every party and every issue."""
    import dataclasses
    import itertools

    from simulator.analysis.diagnosis import concessions
    from tests.oracle import enumerate_rows

    car = loads_scenario_yaml(CAR)
    s = dataclasses.replace(
        car, parties=tuple(dataclasses.replace(p, interactions=()) for p in car.parties)
    )
    u = {row.outcome: row.u for row in enumerate_rows(s)}
    sizes = [len(i.options) for i in s.issues]
    for outcome in itertools.product(*map(range, sizes)):
        found = concessions(s, outcome)
        assert list(found) == list(s.party_ids)
        for p, party in enumerate(s.parties):
            want = []
            for n, issue in enumerate(s.issues):
                moved = [u[(*outcome[:n], k, *outcome[n + 1 :])][p] for k in range(sizes[n])]
                best = int(np.argmax(moved))
                loss = moved[best] - u[outcome][p]
                if loss > 1e-9:
                    want.append(
                        (issue.id, issue.options[outcome[n]].id, issue.options[best].id, loss)
                    )
            want.sort(key=lambda c: -c[3])
            got = [(c.issue, c.option, c.best, c.loss) for c in found[party.id]]
            assert [g[:3] for g in got] == [w[:3] for w in want]
            assert [g[3] for g in got] == pytest.approx([w[3] for w in want], abs=1e-12)
            for c in found[party.id]:
                assert c.to_dict() == {
                    "party": party.id,
                    "issue": c.issue,
                    "option": c.option,
                    "best": c.best,
                    "loss": round(c.loss, 10),
                }


def test_a_conflict_names_its_parties_lines_and_allowed_options():
    """The buyer wants at least one year of warranty; a dealer line of at most one year leaves
    one option both allow (no conflict), at most none leaves none: one conflict of the pair,
    with each party's allowed options in the issue's order, and its JSON."""
    from simulator.analysis.diagnosis import red_line_conflicts

    line = '{id: no_warranty, issue: warranty, at_most: %s, source: "assumption"}'
    for bound, conflicts in (("one_year", 0), ("none", 1)):
        text = CAR.replace(
            "      - {id: no_fire_sale,", "      - " + line % bound + "\n      - {id: no_fire_sale,"
        )
        assert text != CAR
        found = red_line_conflicts(loads_scenario_yaml(text))
        assert len(found) == conflicts
    (c,) = found
    assert (c.issue, c.parties) == ("warranty", ("buyer", "dealer"))
    assert c.rules == ("buyer:needs_warranty", "dealer:no_warranty")
    assert c.allowed == (("one_year", "three_years"), ("none",))
    assert c.to_dict() == {
        "issue": "warranty",
        "parties": ["buyer", "dealer"],
        "rules": ["buyer:needs_warranty", "dealer:no_warranty"],
        "allowed": {"buyer": ["one_year", "three_years"], "dealer": ["none"]},
    }
