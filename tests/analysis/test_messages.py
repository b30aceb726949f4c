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


def test_words_the_seed_4_sample_found_unread(car: Scenario) -> None:
    """Written after the seed-4 measurement (its survivors): the inventory an edit error lists
    (two red lines of one party), the reason a run found no zone, a discount factor message,
    the neutral mediator's name, and the method ``auto`` picks past eight strategies."""
    import dataclasses

    import numpy as np

    from simulator.analysis.edits.names import inventory
    from simulator.analysis.protocols import alternating_offers
    from simulator.analysis.strategic.bimatrix import equilibria
    from simulator.analysis.strategic.frontier import unit_pie_frontier
    from simulator.analysis.strategic.rubinstein import rubinstein

    buyer = car.party("buyer")
    two = dataclasses.replace(buyer.red_lines[0], id="also_warranty")
    buyer2 = dataclasses.replace(buyer, red_lines=(*buyer.red_lines, two))
    s = dataclasses.replace(car, parties=(buyer2, car.party("dealer")))
    assert "red lines: buyer: needs_warranty, also_warranty; dealer: no_fire_sale" in inventory(s)
    closed = dataclasses.replace(
        car, parties=(dataclasses.replace(buyer, reservation=0.99), car.party("dealer"))
    )
    assert alternating_offers(closed, rounds=3).reasons == (
        "Every package that respects all red lines leaves some party below its reservation "
        "(the ZOPA is empty).",
    )
    assert _message(rubinstein, unit_pie_frontier(), [1.0, 1.0]) == (
        "at least one discount factor must be below 1 (no cost of delay at all)"
    )
    neutral = single_text(car, mediator="neutral", start="sticker")
    assert neutral.settings["mediator"] == single_text(car, start="sticker").settings["mediator"]
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 9, (9, 9)), rng.integers(0, 9, (9, 9))
    assert equilibria(a, b).method == "lemke-howson"


def test_values_the_seed_4_sample_found_unread(car: Scenario) -> None:
    """Written after the seed-4 measurement: a revision's changes in a turn's JSON; a
    reservation change of a party without a range and a changed constraint, as texts; an
    infinitely patient party's bargaining power (the docstring's example); what is not a
    profile of mixed strategies is no equilibrium (the check that filters nashpy's answers)."""
    import dataclasses

    import numpy as np

    from simulator.analysis.snapshot_diff import snapshot_changes
    from simulator.analysis.strategic.bimatrix import _is_equilibrium
    from simulator.analysis.strategic.rubinstein import bargaining_powers

    t = single_text(car, start="sticker").history[1]
    assert t.to_dict(car)["changes"] == [{"issue": i, "from": a, "to": b} for i, a, b in t.changes]
    assert t.changes
    dealer = dataclasses.replace(car.party("dealer"), reservation_range=None)
    plain = dataclasses.replace(car, parties=(car.party("buyer"), dealer))
    moved = dataclasses.replace(dealer, reservation=0.3)
    later = dataclasses.replace(plain, parties=(car.party("buyer"), moved))
    (change,) = snapshot_changes(plain, later)
    assert (change.kind, change.item, change.before, change.after) == (
        "reservation",
        "dealer",
        "0.25",
        "0.3",
    )
    cons = car.constraints[0]  # an exclusion: change its combination
    assert cons.condition is not None
    other = dataclasses.replace(cons, condition=cons.condition.of({"delivery": "fast"}))
    (change,) = snapshot_changes(car, dataclasses.replace(car, constraints=(other,)))
    assert (change.kind, change.item, change.change) == ("constraint", cons.id, "changed")
    assert bargaining_powers([1.0, 0.9]).tolist() == [1.0, 0.0]
    assert bargaining_powers([0.9, 1.0]).tolist() == [0.0, 1.0]
    a = np.array([[1.0, 0.0], [0.0, 1.0]])
    half = np.array([0.5, 0.5])
    assert _is_equilibrium(a, a, half, half)
    assert not _is_equilibrium(a, a, np.array([0.5, 0.5, 0.0]), half)  # wrong length
    assert not _is_equilibrium(a, a, np.array([1.5, -0.5]), half)  # negative
    assert not _is_equilibrium(a, a, np.array([0.5, 0.4]), half)  # not summing to 1


def test_more_words_the_seed_4_sample_found_unread(car: Scenario) -> None:
    """Written after the seed-4 measurement: a label is read before initials (the order
    ``resolve_party`` documents), ``red_line`` is a spelling of ``redline``, the Monte Carlo
    scope of an enumerated run, the closest package's title and a vote's range in the
    ratification JSON, ripeness's refusal of a decision rule and its JSON's first period."""
    import dataclasses

    from simulator.analysis.edits import parse_edit, resolve_party
    from simulator.analysis.monte_carlo import monte_carlo
    from simulator.analysis.ratification import ratification
    from simulator.analysis.ripeness import ripeness
    from simulator.model import Agreement, Condition, Periods, Ratification, Uncertainty
    from simulator.solver import solve

    buyer = dataclasses.replace(car.party("buyer"), label="CD")
    dealer = dataclasses.replace(car.party("dealer"), id="car_dealer")  # initials "cd"
    s = dataclasses.replace(car, parties=(buyer, dealer))
    assert resolve_party(s, "cd") == "buyer" and resolve_party(s, "car_dealer") == "car_dealer"
    assert str(parse_edit("dealer drops red_line no_fire_sale", car)) == (
        "dealer drops redline no_fire_sale"
    )
    data = monte_carlo(car, 5, 0, workers=1, method="enumerate").to_dict()
    assert data["robust_scope"] == "all outcomes"
    vote = Ratification(
        "board",
        Condition.of({"warranty": ["three_years"]}),
        0.5,
        ratifier="board",
        probability_range=Uncertainty(0.25, 0.75),
    )
    voting = dataclasses.replace(
        car,
        parties=(
            car.party("buyer"),
            dataclasses.replace(car.party("dealer"), ratification=(vote,)),
        ),
    )
    closed = dataclasses.replace(
        voting,
        parties=(dataclasses.replace(car.party("buyer"), reservation=0.99), voting.parties[1]),
    )
    result = ratification(solve(closed))
    assert [(p.name, p.label) for p in result.packages] == [("closest", "Closest to agreement")]
    (term,) = result.to_dict()["ratification"]["terms"]
    assert term["range"] == [0.25, 0.75]
    ruled = dataclasses.replace(car, agreement=Agreement(quorum=2))
    assert _message(ripeness, ruled, 2) == (
        "ripeness asks for every party's acceptance; this scenario has a decision rule "
        "(agreement), which ripeness does not handle yet"
    )
    dated = dataclasses.replace(car, periods=Periods("month", "2025-12"))
    assert ripeness(dated, 1).to_dict()["start"] == "2025-12"
    assert ripeness(car, 1).to_dict()["start"] is None  # a scenario without periods


def test_a_text_everyone_accepts_at_the_deadline_is_agreed(car: Scenario) -> None:
    """Written after the seed-4 measurement: the single text's run ends "at the deadline with
    everyone accepting" as an agreement at its last text (the module docstring), here with a
    Pareto improvement still open; and the coalitions JSON states its ``min_size``."""
    from simulator.analysis.coalitions import coalitions
    from simulator.synthetic import synthetic_scenario

    s = synthetic_scenario(3, 3, 2, rng=0)
    r = single_text(s, mediator=s.party_ids[0], rounds=2)
    assert len(r.history) == r.rounds == 2
    assert set(r.history[-1].accepted_by) == set(s.party_ids)
    assert r.agreed and r.agreement_round == 1
    assert coalitions(car, min_size=1).to_dict()["min_size"] == 1
    assert coalitions(car).to_dict()["min_size"] == 2


def test_words_the_seed_5_sample_found_unread(car: Scenario) -> None:
    """Written after the seed-5 measurement (its survivors), each message whole: an amount that is
    not a finite number (``=1e999`` overflows to infinity, ``=1.2.3`` is no number) or lacks its
    operator; a veto dropped by a party that holds none (the veto parties listed, or ``none``);
    an exponent given to tit-for-tat or one that is no number; Rubinstein on an empty frontier;
    moving weights past the party's total (:mod:`simulator.analysis.timeline`)."""
    import dataclasses

    import numpy as np

    from simulator.analysis.edits import DropVeto
    from simulator.analysis.edits.text import parse_edit
    from simulator.analysis.strategic.frontier import BargainingFrontier
    from simulator.analysis.strategic.rubinstein import rubinstein
    from simulator.analysis.timeline import scenario_at
    from simulator.errors import EditError
    from simulator.model import Agreement, PathPoint, Periods, Trend

    def edit_message(call, *args) -> str:  # type: ignore[no-untyped-def]
        with pytest.raises(EditError) as caught:
            call(*args)
        return str(caught.value).splitlines()[0]

    for amount in ("=1e999", "=1.2.3", "0.3"):
        text = f"buyer reservation {amount}"
        assert edit_message(parse_edit, text, car) == (
            f"edit {text!r}: expected an amount such as =0.3 (set), +0.1 or -0.1 (shift) or "
            f"*1.5 (scale), got {amount!r}"
        )
    for veto, listed in (((), "none"), (("dealer",), "dealer")):
        ruled = dataclasses.replace(car, agreement=Agreement(quorum=2, veto=veto))
        assert edit_message(DropVeto("buyer").check, ruled) == (
            f"buyer drops veto: 'buyer' holds no veto (veto parties: {listed})"
        )
    assert edit_message(DropVeto("buyer").check, car) == (
        "buyer drops veto: the scenario has no 'agreement' block, so every party must accept; "
        "lower the quorum first (agreement quorum -1)"
    )
    assert _message(parse_strategy, "tft:2") == "tit-for-tat takes no exponent"
    assert _message(parse_strategy, "linear:x") == "strategy 'linear:x': E must be a number"
    empty = BargainingFrontier(("a", "b"), np.empty((0, 2)), np.zeros(2))
    assert _message(rubinstein, empty, [0.9, 0.9]) == (
        "the two parties' frontier is empty (no ZOPA package meets the floors): nothing to "
        "bargain over; open the ZOPA first (e.g. with --edit) or hold the others at their "
        "reservation"
    )
    months = Periods("month", "2025-12")
    buyer = car.party("buyer")
    prefs = dict(buyer.preferences)  # price's weight 0.5 moves to 1.5 of a total of 1
    to = PathPoint(months.label(2), 1.5, "assumption")
    prefs["price"] = dataclasses.replace(prefs["price"], trend=Trend(path=(to,)))
    moving = dataclasses.replace(buyer, preferences=prefs)
    s = dataclasses.replace(car, parties=(moving, car.party("dealer")), periods=months)
    assert _message(scenario_at, s, 2) == (
        "party 'buyer' at period 2 (2026-02): the moving weights sum to 1.5, but the party's "
        "total weight is 1 and its other weights (0.5) are rescaled to keep it; they must sum "
        "to at most the total, with another weight > 0 to rescale"
    )


def test_stages_and_values_the_seed_5_sample_found_unread(car: Scenario) -> None:
    """Written after the seed-5 measurement: the weight margins, a timed sweep and the
    concede-or-hold game name their stages (the :data:`~simulator.progress.Progress` contract: a
    named stage, a fraction in [0, 1]); the weight margins move once per movable weight; a sweep
    parameter reads the value it sets, each bonus its own; ``none`` is a name of the neutral
    mediator as ``neutral`` is."""
    import dataclasses

    from simulator.analysis.margins import margins
    from simulator.analysis.sensitivity import parse_parameter, sweep
    from simulator.analysis.strategic.concede import concede_or_hold
    from simulator.cli._common import without_timings
    from tests.analysis.conftest import deadlock_scenario

    seen = _stages(lambda progress: margins(car, progress=progress))
    n = sum(len(p.preferences) for p in car.parties)  # every weight of the car can move
    assert seen == [("weight margins", k / n) for k in range(n)] + [("weight margins", 1.0)]
    values = [0.3, 0.5, 0.7]
    seen = _stages(
        lambda progress: sweep(car, "buyer.reservation", values, seconds=600, progress=progress)
    )
    assert {s for s, _ in seen} == {"sweep"} and seen[-1] == ("sweep", 1.0)
    deadlock = deadlock_scenario()
    seen = _stages(
        lambda progress: concede_or_hold(deadlock, deadlock.party_ids, progress=progress)
    )
    stages = [s for k, (s, _) in enumerate(seen) if k == 0 or seen[k - 1][0] != s]
    assert stages == ["single concessions", "pairs of concessions", "opening pairs", "profiles"]

    buyer = car.party("buyer")
    (worry_free,) = buyer.interactions
    other = dataclasses.replace(worry_free, id="slow_and_cheap", bonus=-0.02)
    two = dataclasses.replace(buyer, interactions=(worry_free, other))
    s = dataclasses.replace(car, parties=(two, car.party("dealer")))
    for text, value in (
        ("buyer.bonus.worry_free", 0.05),
        ("buyer.bonus.slow_and_cheap", -0.02),
        ("buyer.reservation", 0.4),
        ("dealer.weight.warranty", 0.3),
    ):
        assert parse_parameter(text, s).current(s) == value

    def run(mediator: str) -> dict:  # type: ignore[type-arg]
        return without_timings(single_text(car, mediator=mediator, start="sticker").to_dict())

    assert run("none") == run("neutral")


def test_words_the_seed_6_sample_found_unread(car: Scenario) -> None:
    """Written after the seed-6 measurement: the inventory an edit error lists, whole, with two
    interaction terms of one party (parties, issues with their options, red lines, interactions)."""
    import dataclasses

    from simulator.analysis.edits.names import inventory

    buyer = car.party("buyer")
    both = dataclasses.replace(buyer.interactions[0], id="also_fast")
    buyer2 = dataclasses.replace(buyer, interactions=(*buyer.interactions, both))
    s = dataclasses.replace(car, parties=(buyer2, car.party("dealer")))
    assert inventory(s) == (
        "parties: buyer, dealer\n"
        "  issues: price (20, 22, 24, 26); warranty (none, one_year, three_years); "
        "delivery (fast, standard, slow)\n"
        "  red lines: buyer: needs_warranty; dealer: no_fire_sale\n"
        "  interactions: buyer: worry_free, also_fast"
    )
