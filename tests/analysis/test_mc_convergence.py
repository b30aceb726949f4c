"""Monte Carlo's convergence data, the exact value beside the estimate, and the progress note."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import simulator.limits as limits
from simulator.analysis import convergence, monte_carlo, p_zopa_exact, wilson_interval, with_exact
from simulator.analysis._tasks import run_tasks
from simulator.analysis.mc_stats import WIDE_INTERVAL, running_note, sample_warnings
from simulator.cli._common import ProgressBar
from tests.analysis.test_monte_carlo import uncertain_car


def test_convergence_is_the_running_estimate_with_its_interval():
    rng = np.random.default_rng(4)
    found = rng.random(3000) < 0.3
    c = convergence(found, checkpoints=50)
    assert c.samples[0] == 1 and c.samples[-1] == 3000 and len(c.samples) <= 50
    assert np.all(np.diff(c.samples) > 0)
    for n, est, lo, hi in zip(c.samples, c.estimate, c.low, c.high, strict=True):
        assert est == found[:n].mean()  # the obvious computation, point by point
        assert (lo, hi) == wilson_interval(int(found[:n].sum()), int(n))
    assert set(c.to_dict()) == {"samples", "estimate", "low", "high"}
    assert len(convergence(np.zeros(0, dtype=bool)).samples) == 0


def test_the_exact_value_sits_beside_the_estimate_only_when_red_lines_vary(car):
    s = uncertain_car(car)
    red = monte_carlo(s, 200, seed=2, workers=1, vary="red_lines")
    exact = float(p_zopa_exact(s).p_zopa)
    assert with_exact(red).p_zopa_exact == exact
    assert with_exact(red).to_dict()["p_zopa_exact"] == exact
    lo, hi = red.ci95
    assert lo <= exact <= hi
    everything = monte_carlo(s, 50, seed=2, workers=1)
    assert with_exact(everything).p_zopa_exact is None
    assert "p_zopa_exact" not in everything.to_dict()


def test_the_progress_bar_shows_samples_per_second_and_the_estimate(car):
    stream = io.StringIO()
    bar = ProgressBar(enabled=True, stream=stream)
    monte_carlo(
        uncertain_car(car), 90, seed=1, workers=1, method="search", chunk_size=30, progress=bar
    )
    bar.close()
    text = stream.getvalue()
    assert "samples/s" in text and "P(ZOPA) ≈" in text
    assert text.count("Monte Carlo") >= 1 and "\t" not in text  # one line, a note


def test_a_note_is_called_with_every_result_in_order():
    seen: list[tuple[str, float]] = []
    out = run_tasks(
        abs,
        [(-1,), (-2,), (-3,)],
        progress=lambda s, f: seen.append((s, f)),
        stage="work",
        note=lambda r: f"last {r}",
    )
    assert out == [1, 2, 3]
    assert [s for s, _ in seen] == ["work\tlast 1", "work\tlast 2", "work\tlast 3"]


def test_running_note_counts_samples_and_zopas():
    note = running_note()
    zopa = type("S", (), {})
    a, b = zopa(), zopa()
    a.zopa, b.zopa = 1, 0
    assert note([a, b]).endswith("P(ZOPA) ≈ 0.500")
    assert note(([a], None)).endswith("P(ZOPA) ≈ 0.667")  # an enumerated task's (samples, counts)
    with pytest.raises(AttributeError):
        note([object()])


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 60).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_samples_needed_is_the_least_that_brings_the_width_down_as_one_over_sqrt_n(sn):
    """Module Notation: the width falls as ``1 / sqrt(S)``, so the samples that bring ``W`` down
    to the limit are the least ``S'`` with ``W sqrt(S / S') <= limit``."""
    successes, n = sn
    lo, hi = wilson_interval(successes, n)
    wide = [w for w in sample_warnings(successes, n) if w["kind"] == "wide_interval"]
    assert bool(wide) == (hi - lo > WIDE_INTERVAL)
    if wide:
        assert (wide[0]["width"], wide[0]["limit"]) == (hi - lo, WIDE_INTERVAL)
        needed = wide[0]["samples_needed"]
        assert (hi - lo) * math.sqrt(n / needed) <= WIDE_INTERVAL * (1 + 1e-12)
        assert needed == n or (hi - lo) * math.sqrt(n / (needed - 1)) > WIDE_INTERVAL


def test_a_time_limit_stops_before_the_round_that_would_pass_it(car, monkeypatch):
    """On a clock where a round takes one second per 100 samples: with 3.5 s, the rounds of 100
    (1 s) and 200 (2 s more, 3 s in all) run, and the next, 400, would end at 7 s: it stops at
    200, saying so, with the very result of a plain run of 200 samples."""
    import importlib

    import simulator.analysis.mc_stats as mc_stats

    # the module (the package's attribute of that name is the function)
    mc_module = importlib.import_module("simulator.analysis.monte_carlo")

    clock, original = [0.0], mc_module.monte_carlo

    def timed(scenario, n, seed, **options):
        clock[0] += n / 100
        return original(scenario, n, seed, **options)

    monkeypatch.setattr(limits.time, "perf_counter", lambda: clock[0])
    monkeypatch.setattr(mc_module, "monte_carlo", timed)
    got = mc_stats.sample_until(car, None, 10_000, 3, seconds=3.5, workers=1)
    assert got.samples == 200 and clock[0] == 3.0
    plain = monte_carlo(car, 200, 3, workers=1)
    assert np.array_equal(got.zopa, plain.zopa) and got.nash == plain.nash
    stop = [w for w in got.warnings if w["kind"] == "time_limit"]
    assert stop == [{"kind": "time_limit", "samples": 200, "requested": 10_000, "seconds": 3.5}]
    assert got.to_dict()["warnings"] == got.warnings
    # the next round is predicted at twice the last one's time: 1 s + 2 s passes 2.9 s
    clock[0] = 0.0
    assert mc_stats.sample_until(car, None, 10_000, 3, seconds=2.9, workers=1).samples == 100
    # the prediction is the last round's time alone (4 s for 400, so 8 s for 800), not the time
    # since the start: at 7 s, 800 more end at 15 s, within 15.5 s
    clock[0] = 0.0
    assert mc_stats.sample_until(car, None, 800, 3, seconds=15.5, workers=1).samples == 800
    # with room for every round, it runs to --samples and does not warn
    clock[0] = 0.0
    full = mc_stats.sample_until(car, None, 800, 3, seconds=100.0, workers=1)
    assert full.samples == 800 and not [w for w in full.warnings if w["kind"] == "time_limit"]
    # an interval narrow enough stops it first, as without a time limit
    clock[0] = 0.0
    wide = mc_stats.sample_until(car, 0.5, 10_000, 3, seconds=100.0, workers=1)
    assert wide.samples == 100 and wide.stopped is None


@pytest.mark.parametrize("seconds", [0.0, -1.0, float("nan")])
def test_a_time_limit_must_be_positive(car, seconds):
    from simulator.analysis.mc_stats import sample_until
    from simulator.errors import ScenarioError

    with pytest.raises(ScenarioError, match="--time-limit must be a positive number"):
        sample_until(car, None, 100, 0, seconds=seconds, workers=1)


def test_running_note_gives_the_samples_per_second_since_it_was_made(monkeypatch):
    """Written after the seed-6 measurement: the rate is the samples seen so far over the seconds
    since the note was made (a fake clock: made at 100 s, called at 100.5 s and 102 s)."""
    import types

    import simulator.analysis.mc_stats as mc_stats

    clock = iter([100.0, 100.5, 102.0])
    fake = types.SimpleNamespace(perf_counter=lambda: next(clock))
    monkeypatch.setattr(mc_stats, "time", fake)  # the module's clock only
    note = running_note()
    sample = type("S", (), {"zopa": 1})
    assert note([sample()] * 3) == "6 samples/s, P(ZOPA) ≈ 1.000"
    assert note([sample()] * 3997) == "2,000 samples/s, P(ZOPA) ≈ 1.000"
