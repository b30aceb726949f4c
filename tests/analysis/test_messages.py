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


def test_an_edit_s_unknown_target_and_missing_amount_say_what_to_write(car: Scenario) -> None:
    """Written after the seed-3 measurement: a weight on an issue the party has no preference on
    lists the issues it has; an edit without an amount shows the syntax, naming what follows the
    verb (an ``ISSUE`` for a weight, an ``ID`` for a bonus)."""
    from simulator.analysis.edits import Adjust
    from simulator.analysis.edits.text import parse_edit
    from simulator.errors import EditError

    with pytest.raises(EditError) as caught:
        Adjust("buyer", "weight", "*", 1.5, "colour").apply(car)
    assert str(caught.value) == (
        "buyer weight colour *1.5: party 'buyer' has no preference on issue 'colour'; "
        "(allowed: price, warranty, delivery)"
    )
    for text, what in (("buyer bonus worry_free", "ID"), ("buyer weight price", "ISSUE")):
        with pytest.raises(EditError) as caught:
            parse_edit(text, car)
        verb = text.split()[1]
        first = str(caught.value).splitlines()[0]  # then the scenario's inventory
        assert first == f"edit {text!r}: write buyer {verb} {what} *1.5"


def _stages(run) -> list[tuple[str, float]]:  # type: ignore[no-untyped-def]
    """The ``(stage, fraction)`` calls of a run, each checked against the contract of
    :data:`simulator.progress.Progress`: a stage name and a fraction in [0, 1]."""
    seen: list[tuple[str, float]] = []

    def progress(stage: str, fraction: float) -> None:
        assert isinstance(stage, str) and stage
        assert isinstance(fraction, float | int) and 0 <= fraction <= 1
        seen.append((stage, fraction))

    run(progress)
    return seen


def test_the_gaps_and_the_alternating_offers_name_their_stages(car: Scenario) -> None:
    """Written after the seed-3 measurement: each stage has its name and ends at 1."""
    from simulator.analysis.gaps import gaps
    from simulator.analysis.protocols import alternating_offers

    seen = _stages(lambda progress: gaps(car, progress=progress))
    assert {s for s, _ in seen} == {"pairwise gaps"} and seen[-1] == ("pairwise gaps", 1.0)
    seen = _stages(lambda progress: alternating_offers(car, rounds=5, progress=progress))
    assert seen[0] == ("solving", 0.0) and seen[-1] == ("negotiating", 1.0)
    assert {s for s, _ in seen} == {"solving", "negotiating"}


def test_a_ratification_says_how_its_packages_were_chosen(car: Scenario) -> None:
    """Written after the seed-3 measurement: ``mode`` is ``nominal`` by default and
    ``expected`` from the expected solve, also when there is no zone (then the nominal closest
    package is reported), as the JSON reference documents."""
    import dataclasses

    from simulator.analysis.ratification import ratification
    from simulator.analysis.ratified_solve import expected_solve
    from simulator.solver import solve

    assert ratification(solve(car)).to_dict()["ratification"]["mode"] == "nominal"
    buyer = dataclasses.replace(car.party("buyer"), reservation=0.99)
    closed = dataclasses.replace(car, parties=(buyer, car.party("dealer")))
    nominal = solve(closed)
    assert nominal.counts.zopa == 0 and nominal.closest is not None
    found = expected_solve(nominal)
    assert (found.mode, found.cells) == ("expected", 1)
    assert [p.name for p in found.packages] == ["closest"]
    assert found.packages[0].point.outcome == nominal.closest.point.outcome
