"""Sweeps: each value solved as the edited scenario; break-even points bracket the truth."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

import simulator.limits as limits
from simulator import solve
from simulator.analysis import apply_edits, parse_parameter, parse_range, sweep
from simulator.errors import EditError
from simulator.model import Condition, Issue, Option, Party, Preference, Rule, Scenario
from simulator.results import outcome_dict, utility_dict
from tests.oracle import enumerate_rows, solve_oracle


def test_each_value_is_the_edited_scenario(car):
    values = (0.2, 0.4, 0.6, 0.8)
    result = sweep(car, "buyer.reservation", values)
    data = result.to_dict()
    assert data["param"] == "buyer.reservation" and data["values"] == list(values)
    for k, v in enumerate(values):
        edited = apply_edits(car, [f"buyer reservation ={v}"])
        assert data["zopa"][k] == solve_oracle(edited).counts["zopa"]
        expected = solve(edited).solutions
        for name, column in data["solutions"].items():
            point = expected[name]
            assert column[k] == (None if point is None else utility_dict(car, point.utilities))


def test_zopa_break_even_brackets_the_exact_threshold(car):
    """The ZOPA is empty exactly when the buyer's reservation exceeds the best utility the buyer can
    get from a feasible outcome the dealer accepts (by enumeration)."""
    dealer_d = car.party("dealer").reservation
    threshold = max(
        r.u[0] for r in enumerate_rows(car) if r.consistent and not r.crossed and r.u[1] >= dealer_d
    )
    result = sweep(car, "buyer.reservation", parse_range("0.3:0.9:7"), refine=20)
    (closes,) = [b for b in result.break_even if b.what == "ZOPA closes"]
    assert closes.lo <= threshold + 1e-9 < closes.hi
    assert closes.hi - closes.lo < 1e-6


def test_nash_break_even_points_separate_different_outcomes(car):
    result = sweep(car, "dealer.weight.price", parse_range("0.1:0.9:9"), refine=4)
    changes = [b for b in result.break_even if b.what == "Nash outcome changes"]
    assert changes
    for b in changes:
        at = [
            solve(apply_edits(car, [f"dealer weight price ={x}"])).solutions["nash"]
            for x in (b.lo, b.hi)
        ]
        assert at[0].outcome != at[1].outcome
        assert (b.before.outcome, b.after.outcome) == (at[0].outcome, at[1].outcome)
    # the JSON names both packages of each change, and none for the ZOPA's own break-even points
    data = result.to_dict()
    for b, entry in zip(result.break_even, data["break_even"], strict=True):
        assert (entry["value"], entry["what"], entry["between"]) == (b.hi, b.what, [b.lo, b.hi])
        if b.what == "Nash outcome changes":
            assert entry["nash_before"] == outcome_dict(car, b.before.outcome)
            assert entry["nash_after"] == outcome_dict(car, b.after.outcome)
        else:
            assert "nash_before" not in entry and "nash_after" not in entry
    # the progress bar names its stage
    seen = []
    sweep(car, "buyer.reservation", [0.3, 0.5], progress=lambda s, f: seen.append((s, f)))
    assert seen[-1] == ("sweep", 1.0)


def test_executor_gives_the_same_sweep(car):
    a = sweep(car, "buyer.power", [0.5, 1.0, 2.0, 4.0]).to_dict()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        b = sweep(car, "buyer.power", [4.0, 2.0, 1.0, 0.5, 1.0], executor=pool).to_dict()
    assert a == b


@pytest.mark.parametrize(
    ("param", "edit"),
    [
        ("buyer.power", lambda p, x: dataclasses.replace(p, bargaining_power=x)),
        ("dealer.reservation", lambda p, x: dataclasses.replace(p, reservation=x)),
    ],
)
def test_each_point_is_a_direct_solve_of_the_edited_scenario(car, param, edit):
    """Not the code against itself: each value against ``solve`` of the scenario edited by hand."""
    values = [0.1, 0.3, 2.0] if param.endswith("power") else [0.0, 0.25, 0.45]
    got = sweep(car, param, values).to_dict()
    who = param.split(".")[0]
    for k, x in enumerate(values):
        parties = tuple(edit(p, x) if p.id == who else p for p in car.parties)
        direct = solve(dataclasses.replace(car, parties=parties))
        assert got["zopa"][k] == direct.counts.zopa
        for name, point in direct.solutions.items():
            want = None if point is None else dict(zip(car.party_ids, point.utilities, strict=True))
            row = got["solutions"][name][k]
            assert (row is None) == (want is None)
            if want is not None:
                assert row == pytest.approx(want, abs=1e-9)


@pytest.mark.parametrize(
    "text, must_name",
    [
        ("seller.reservation", ["buyer", "dealer"]),
        ("buyer.patience", ["reservation", "weight", "power", "bonus"]),
        ("buyer.weight.colour", ["price", "warranty", "delivery"]),
        ("buyer.bonus.nothing", ["worry_free"]),
        ("buyer", ["PARTY.reservation"]),
    ],
)
def test_parameter_errors_list_the_choices(car, text, must_name):
    with pytest.raises(EditError) as err:
        parse_parameter(text, car)
    for name in must_name:
        assert name in str(err.value)


def test_ranges():
    assert parse_range("0.2:0.6:21")[:3] == (0.2, 0.22, 0.24)
    assert len(parse_range("0.2:0.6:21")) == 21
    for bad in ["0.2:0.6", "a:b:3", "0:1:0", "0:1:1"]:
        with pytest.raises(EditError):
            parse_range(bad)


def test_values_outside_the_allowed_range_are_clear_errors(car):
    with pytest.raises(EditError, match="bargaining_power"):
        sweep(car, "buyer.power", [0.0, 1.0])
    with pytest.raises(EditError, match="total"):
        sweep(car, "buyer.weight.price", [0.5, 2.0])


def test_unsorted_repeated_values_sweep_in_order_and_bracket_the_threshold(car):
    """Values given in descending order with repeats: swept sorted and once each, and the ZOPA's
    break-even still brackets the enumerated threshold (break-even points join neighbours)."""
    dealer_d = car.party("dealer").reservation
    threshold = max(
        r.u[0] for r in enumerate_rows(car) if r.consistent and not r.crossed and r.u[1] >= dealer_d
    )
    given = [0.9, 0.3, 0.7, 0.5, 0.9, 0.4, 0.8, 0.6, 0.3]
    result = sweep(car, "buyer.reservation", given, refine=20)
    assert list(result.values) == sorted(set(given))
    (closes,) = [b for b in result.break_even if b.what == "ZOPA closes"]
    assert closes.lo <= threshold + 1e-9 < closes.hi and closes.hi - closes.lo < 1e-6
    for k, v in enumerate(result.values):
        edited = apply_edits(car, [f"buyer reservation ={v}"])
        assert result.zopa[k] == solve_oracle(edited).counts["zopa"]


@given(st.integers(1, 3000), st.integers(1, 20))
def test_coarse_to_fine_solves_each_value_once_ends_first(n, first):
    from simulator.analysis.sensitivity import coarse_to_fine

    rounds = coarse_to_fine(n, first)
    flat = [i for r in rounds for i in r]
    assert sorted(flat) == list(range(n))  # each value once
    assert {0, n - 1} <= set(rounds[0])
    assert len(rounds[0]) >= min(n, first)  # enough of a first look
    # each round halves the largest gap between the values solved so far
    done: set[int] = set()
    gaps = []
    for r in rounds:
        done |= set(r)
        ordered = sorted(done)
        gaps.append(max((b - a for a, b in itertools.pairwise(ordered)), default=0))
    assert gaps[-1] <= 1
    assert all(b <= -(-a // 2) for a, b in itertools.pairwise(gaps))


def test_a_time_limit_sweeps_coarse_to_fine_and_says_where_it_stopped(car, monkeypatch):
    """On a clock of one second per value: 100 values with 20 s solve the first round (14
    values, every 8th and the last) and stop before the second (12 more would end at 26 s); the
    result is the plain sweep of those values, break-even points included, marked stopped."""
    import simulator.analysis.sensitivity as sensitivity

    clock, original = [0.0], sensitivity.run_tasks

    def timed(fn, items, **kw):
        clock[0] += len(items)
        return original(fn, items, **kw)

    monkeypatch.setattr(limits.time, "perf_counter", lambda: clock[0])
    monkeypatch.setattr(sensitivity, "run_tasks", timed)
    values = parse_range("0.3:0.9:100")
    got = sweep(car, "dealer.weight.price", values, seconds=20.0)
    solved = [values[i] for i in range(0, 100, 8)] + [values[99]]
    assert got.values == tuple(solved) and got.stopped == (100, 20.0)
    plain = sweep(car, "dealer.weight.price", solved).to_dict()
    assert got.to_dict() == {
        **plain,
        "stopped": {"values": 14, "requested": 100, "seconds": 20.0},
    }
    # 26 s: the second round fits (14 + 12), the third (25 more) would not
    clock[0] = 0.0
    assert len(sweep(car, "dealer.weight.price", values, seconds=26.0).values) == 26
    # time for every round: the whole grid, not stopped
    clock[0] = 0.0
    full = sweep(car, "dealer.weight.price", values, seconds=1000.0)
    assert full.values == tuple(values) and full.stopped is None
    assert full.to_dict()["stopped"] is None
    with pytest.raises(EditError, match="--time-limit must be a positive number"):
        sweep(car, "dealer.weight.price", values, seconds=0.0)


def _either_or() -> Scenario:
    """Two yes/no issues and a constraint that exactly one is yes: ``p`` gets its weight on the
    issue that is yes, ``u_p = w`` (A yes) or ``1 - w`` (B yes) with ``w`` its weight on A, and
    needs 0.7; ``q`` takes anything. So the zone is {B yes} for ``w <= 0.3``, empty between, and
    {A yes} for ``w >= 0.7``: the ZOPA closes and opens again as ``w`` rises."""
    yes_no = (Option("no"), Option("yes"))
    issues = (Issue("a", yes_no), Issue("b", yes_no))
    flat = {"a": Preference(0.5, "linear"), "b": Preference(0.5, "linear")}
    one = (
        Rule("not_both", "exclude", condition=Condition.of({"a": "yes", "b": "yes"})),
        Rule("not_neither", "exclude", condition=Condition.of({"a": "no", "b": "no"})),
    )
    parties = (Party("p", flat, reservation=0.7), Party("q", flat, reservation=0.0))
    return Scenario("either_or", issues, parties, constraints=one)


def test_a_zone_that_closes_and_opens_again_is_bracketed_where_it_does():
    """Written after the seed-3 measurement (its survivors): break-even points between
    neighbouring values only, named by what happens (``ZOPA opens`` as the value rises), and a
    Nash change whose bisection meets the closed zone between its ends (no Nash package there:
    the change is the first value where the start's package stops being chosen, ``w = 0.3``)."""
    s = _either_or()
    coarse = sweep(s, "p.weight.a", [0.1, 0.2, 0.5, 0.8, 0.9])
    assert list(coarse.zopa) == [1, 1, 0, 1, 1]
    assert [(b.what, b.lo, b.hi) for b in coarse.break_even] == [
        ("ZOPA closes", 0.2, 0.5),
        ("ZOPA opens", 0.5, 0.8),
    ]
    (opens,) = sweep(s, "p.weight.a", [0.5, 0.9], refine=30).break_even
    assert opens.what == "ZOPA opens" and opens.lo < 0.7 <= opens.hi < 0.7 + 1e-6
    (change,) = sweep(s, "p.weight.a", [0.1, 0.9], refine=30).break_even
    assert change.what == "Nash outcome changes"
    assert change.lo <= 0.3 < change.hi < 0.3 + 1e-6
    assert change.before is not None and change.before.outcome == (0, 1)
    assert change.after is None  # the first value past it has no zone at all


def test_the_format_s_name_bargaining_power_is_the_power(car):
    """Written after the seed-6 measurement: ``PARTY.bargaining_power``, the scenario format's key
    (any case), names the same parameter as ``PARTY.power`` and reads the party's power."""
    s = dataclasses.replace(
        car,
        parties=tuple(
            dataclasses.replace(p, bargaining_power=2.5) if p.id == "buyer" else p
            for p in car.parties
        ),
    )
    for text in ("buyer.bargaining_power", "Buyer.Bargaining_Power"):
        parameter = parse_parameter(text, s)
        assert parameter == parse_parameter("buyer.power", s)
        assert str(parameter) == "buyer.power" and parameter.current(s) == 2.5
