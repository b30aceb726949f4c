"""The exact P(ZOPA) under red-line uncertainty against brute force over every held set."""

from __future__ import annotations

import dataclasses
import itertools
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.analysis import p_zopa_exact
from simulator.analysis.p_zopa import hold_probability
from simulator.cli import main
from simulator.errors import ScenarioError
from simulator.model import Scenario, Uncertainty
from simulator.synthetic import synthetic_scenario
from tests.kwdefaults import set_keyword_defaults
from tests.oracle import enumerate_rows
from tests.strategies import scenarios


def brute_force(s: Scenario) -> tuple[Fraction, set[frozenset[str]]]:
    """P(ZOPA) summed over all 2^k held sets, and the minimal blocking sets, from the oracle."""
    rows = enumerate_rows(s)
    d = [p.reservation for p in s.parties]
    zopa = [r for r in rows if r.consistent and all(x >= y for x, y in zip(r.u, d, strict=True))]
    lines = {f"{p.id}:{r.id}": hold_probability(r) for p in s.parties for r in p.red_lines}
    certain = {k for k, p in lines.items() if p == 1}
    free = [k for k, p in lines.items() if 0 < p < 1]
    total, blocking = Fraction(0), []
    for n in range(len(free) + 1):
        for held in itertools.combinations(free, n):
            force = certain | set(held)
            p = Fraction(1)
            for k in free:
                p *= lines[k] if k in held else 1 - lines[k]
            if any(not force & set(r.crossed) for r in zopa):
                total += p
            else:
                blocking.append(frozenset(held))
    minimal = {b for b in blocking if not any(o < b for o in blocking)}
    return total, minimal


def with_probabilities(s: Scenario, probs: list[float], ranged: list[bool]) -> Scenario:
    parties, k = [], 0
    for party in s.parties:
        reds = []
        for rule in party.red_lines:
            p = probs[k % len(probs)]
            span = Uncertainty(p / 2, (1 + p) / 2) if ranged[k % len(ranged)] else None
            reds.append(dataclasses.replace(rule, probability=p, probability_range=span))
            k += 1
        parties.append(dataclasses.replace(party, red_lines=tuple(reds)))
    return dataclasses.replace(s, parties=tuple(parties))


def found_sets(result) -> set[frozenset[str]]:
    return {frozenset(result.lines[j].label for j in b) for b in result.blocking_sets}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    scenarios(max_issues=3, max_options=3, max_parties=3),
    st.lists(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]), min_size=1, max_size=6),
    st.lists(st.booleans(), min_size=1, max_size=3),
)
def test_exact_p_zopa_equals_brute_force(s, probs, ranged):
    s = with_probabilities(s, probs, ranged)
    result = p_zopa_exact(s)
    total, minimal = brute_force(s)
    assert result.p_zopa == total
    assert found_sets(result) == minimal


def many_lines(n_lines: int) -> Scenario:
    s = synthetic_scenario(4, 4, 3, rng=6, red_lines=n_lines, reservation=0.58)
    return with_probabilities(s, [0.3, 0.6, 0.8, 0.5], [False, True])


def test_exact_p_zopa_on_a_synthetic_scenario_with_many_lines():
    s = many_lines(12)
    result = p_zopa_exact(s)
    total, minimal = brute_force(s)
    assert len(result.lines) == 12 and 0 < result.p_zopa < 1 and len(minimal) >= 5
    assert result.p_zopa == total and found_sets(result) == minimal
    assert result.searches < 2 ** len(result.lines)
    data = result.to_dict()
    assert data["p_zopa_exact"] == float(total)
    assert data["uncertain_red_lines"] == [
        {"red_line": line.label, "probability": float(line.probability)} for line in result.lines
    ]
    for entry in data["blocking_sets"]:
        product = 1.0
        for line in entry["red_lines"]:
            product *= line["probability"]
        assert entry["probability"] == pytest.approx(product)


def test_limits_give_clear_errors():
    s = many_lines(12)
    with pytest.raises(ScenarioError, match="at most 3 uncertain red lines"):
        p_zopa_exact(s, limit=3)
    with pytest.raises(ScenarioError, match="existence searches"):
        p_zopa_exact(s, max_searches=1)


def test_hold_probability_is_the_mean_the_sampler_draws_from():
    s = many_lines(2)
    rule = s.parties[0].red_lines[0]
    ranged = dataclasses.replace(rule, probability=0.2, probability_range=Uncertainty(0.1, 0.7))
    assert hold_probability(ranged) == (Fraction(0.1) + Fraction(0.7)) / 2
    tri = dataclasses.replace(ranged, probability_range=Uncertainty(0.1, 0.7, "triangular"))
    assert hold_probability(tri) == (Fraction(0.1) + Fraction(0.2) + Fraction(0.7)) / 3
    # a stated mode replaces the stated probability as the peak: (low + mode + high) / 3
    peak = dataclasses.replace(ranged, probability_range=Uncertainty(0.1, 0.7, "triangular", 0.6))
    assert hold_probability(peak) == (Fraction(0.1) + Fraction(0.6) + Fraction(0.7)) / 3


def test_cli_exact(capsys, tmp_path):
    import json

    from simulator.formats.yaml_writer import dump_scenario_yaml

    path = tmp_path / "s.yaml"
    path.write_text(dump_scenario_yaml(many_lines(12)))
    assert main(["montecarlo", str(path), "--exact", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"p_zopa_exact", "blocking_sets", "seconds"}
    assert main(["montecarlo", str(path), "--exact"]) == 0
    text = capsys.readouterr().out
    assert "P(ZOPA not empty) =" in text and "No deal when" in text


def test_cli_exact_over_the_limit_exits_2(capsys, tmp_path, monkeypatch):
    from simulator.analysis import p_zopa
    from simulator.formats.yaml_writer import dump_scenario_yaml

    path = tmp_path / "s.yaml"
    path.write_text(dump_scenario_yaml(many_lines(12)))
    set_keyword_defaults(
        monkeypatch, p_zopa, "p_zopa_exact", limit=2, max_searches=10, progress=None
    )
    assert main(["montecarlo", str(path), "--exact", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "at most 2 uncertain red lines" in captured.err


def test_sampled_estimate_with_vary_red_lines_agrees_with_exact():
    """The sample frequency lies in its 99.9% Wilson interval around the exact value: the
    tolerance is the interval's half-width at this sample size (about 0.026 for 4,000 samples)."""
    from simulator.analysis import monte_carlo, wilson_interval

    s = many_lines(12)
    exact = float(p_zopa_exact(s).p_zopa)
    mc = monte_carlo(s, 4000, rng=11, vary="red_lines", workers=1)
    hits = int((mc.zopa > 0).sum())
    lo, hi = wilson_interval(hits, mc.samples, 0.999)
    assert lo <= exact <= hi
    assert mc.to_dict()["vary"] == ["red_lines"]


def test_vary_keeps_the_rest_as_stated():
    from simulator.analysis.sampling import draw_sample, sample_rng

    s = many_lines(12)
    every = draw_sample(s, sample_rng(3, 0))
    only = draw_sample(s, sample_rng(3, 0), ("red_lines",))
    assert (only.holds == every.holds).all()
    assert list(only.reservation) == [p.reservation for p in s.parties]
    none = draw_sample(s, sample_rng(3, 0), ("weights",))
    assert none.holds.all() and (none.weights == every.weights).all()


def test_unknown_vary_name_exits_2(capsys):
    assert main(["montecarlo", "scenarios/textbook_car.yaml", "--vary", "weight"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "did you mean 'weights'" in captured.err
    with pytest.raises(ScenarioError, match="unknown 'nothing'"):
        from simulator.analysis import monte_carlo

        monte_carlo(many_lines(2), 5, vary="nothing")


def test_until_ci_stops_at_the_width_and_equals_a_plain_run():
    from simulator.analysis import monte_carlo
    from simulator.analysis.mc_stats import sample_until

    s = many_lines(12)
    r = sample_until(s, 0.04, 5000, 4, start=50, workers=1, vary="red_lines")
    lo, hi = r.ci95
    assert hi - lo < 0.04 and r.samples in (200, 400, 800, 1600)
    lo, hi = monte_carlo(s, r.samples // 2, 4, workers=1, vary="red_lines").ci95
    assert hi - lo >= 0.04  # the round before did not stop
    plain = monte_carlo(s, r.samples, 4, workers=1, vary="red_lines")
    assert plain.to_dict() == r.to_dict()
    capped = sample_until(s, 0.01, 120, 4, start=50, workers=1, vary="red_lines")
    assert capped.samples == 120 and capped.ci95[1] - capped.ci95[0] >= 0.01


def test_few_samples_warn_in_json_and_text(capsys):
    argv = ["montecarlo", "scenarios/textbook_car.yaml", "--samples", "10", "--workers", "1"]
    assert main([*argv, "--json"]) == 0
    import json

    kinds = [w["kind"] for w in json.loads(capsys.readouterr().out)["warnings"]]
    assert "few_samples" in kinds
    assert main(argv) == 0
    assert "only 10 samples" in capsys.readouterr().out
    assert main([*argv, "--until-ci", "0"]) == 2
    assert "--until-ci must lie in (0, 1]" in capsys.readouterr().err
