"""The analyses' messages and notes whole, as the analyst reads them: a check that only searches
for a word in a message passes whatever surrounds the word."""

from __future__ import annotations

import pytest

from simulator.analysis.protocols import STRATEGIES, parse_strategy, single_text
from simulator.analysis.scan import scan_concessions
from simulator.analysis.strategic.frontier import unit_pie_frontier
from simulator.compiled import compile_scenario
from simulator.errors import ScenarioError
from simulator.model import Scenario
from tests.oracle import enumerate_rows


def _message(call, *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ScenarioError) as caught:
        call(*args, **kwargs)
    return str(caught.value)


def test_an_unknown_strategy_lists_every_strategy() -> None:
    text = _message(parse_strategy, "greedy")
    assert text.startswith(
        f"unknown strategy 'greedy'; choose one of {', '.join(STRATEGIES)} (optionally NAME:E); "
    )


def test_a_unit_pie_of_one_point_says_how_many_it_needs() -> None:
    assert _message(unit_pie_frontier, 1) == "the unit pie needs at least 2 points, got 1"


def test_a_neutral_mediator_without_a_start_says_what_to_give(car: Scenario) -> None:
    assert _message(single_text, car) == (
        "a neutral mediator needs a starting text: give start (--start PROPOSAL) or a mediator"
    )


def test_a_single_text_run_states_its_pool(car: Scenario) -> None:
    r = single_text(car, mediator="dealer", rounds=3)
    pool = r.settings["pool"]
    # the car's 36 packages are few: the pool is exact, every package the constraints allow
    assert compile_scenario(car).n_outcomes == 36
    assert pool == {"size": sum(row.consistent for row in enumerate_rows(car)), "exact": True}


def test_a_scan_with_an_open_zone_says_no_set_is_needed(car: Scenario) -> None:
    search = scan_concessions(car, max_set_size=1).search
    assert search["note"] == "the baseline ZOPA is not empty: no concession set is needed"


def test_a_two_word_edit_says_what_its_verb_needs(car: Scenario) -> None:
    """Two words are a party and a verb: the message is about what the verb needs (or an unknown
    verb), not that the edit cannot be read; one word cannot be read."""
    from simulator.analysis.edits.text import parse_edit
    from simulator.errors import EditError

    def first_line(text: str) -> str:
        with pytest.raises(EditError) as caught:
            parse_edit(text, car)
        return str(caught.value).splitlines()[0]

    assert first_line("buyer concedes") == (
        "edit 'buyer concedes': expected ISSUE<op>OPTION with <op> one of <= >= != = < >"
    )
    assert first_line("buyer frobs").startswith("edit 'buyer frobs': unknown verb 'frobs'; ")
    assert first_line("buyer").startswith("cannot read edit 'buyer': write PARTY concedes ")


def test_every_spelling_of_tit_for_tat_and_a_target_past_its_deadline() -> None:
    """Written after the seed-3 measurement (its survivors): the aliases of tit-for-tat in any
    case, and a time-dependent target that stays at the reservation after the deadline
    (Faratin et al. 1998: ``r / T`` is capped at 1)."""
    import numpy as np

    from simulator.analysis.protocols import time_dependent_target

    for alias in ("tft", "TitForTat", "tit_for_tat", "Tit-for-Tat"):
        assert parse_strategy(alias).name == "tit-for-tat"
    after = time_dependent_target(np.array([10, 15, 40]), 10, 1.0, 0.4, 1.0)
    assert after.tolist() == pytest.approx([0.4, 0.4, 0.4])


def test_one_sample_is_a_monte_carlo_run_and_none_is_refused(car: Scenario) -> None:
    """Written after the seed-3 measurement: the least run is one sample."""
    from simulator.analysis.monte_carlo import monte_carlo

    assert monte_carlo(car, 1, 0, workers=1).to_dict()["samples"] == 1
    with pytest.raises(ScenarioError):
        monte_carlo(car, 0, 0, workers=1)
