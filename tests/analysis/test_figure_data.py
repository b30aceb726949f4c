"""The data the figures show: computed once, only what the chosen kinds need, and the same as the
solver's and the evaluator's own answers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import simulator
from simulator.analysis.figure_data import figure_data, option_values
from simulator.compiled import preference_values
from simulator.errors import ScenarioError
from simulator.evaluate import evaluate_proposals
from simulator.solver.stream import option_counts, utility_cloud
from simulator.synthetic import synthetic_scenario

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def car():
    return simulator.solve(simulator.load_scenario(ROOT / "scenarios" / "textbook_car.yaml"))


def test_only_what_the_chosen_kinds_need(car):
    data = figure_data(car, ["proposals"])
    assert data.proposals is not None and data.cloud is None and data.option_rules is None
    data = figure_data(car, ["frontier_packages"])
    assert data.option_rules is not None and data.proposals is None
    everything = figure_data(car)
    assert all(getattr(everything, f) is not None for f in ("cloud", "option_values", "proposals"))


def test_the_data_is_the_solvers_and_the_evaluators(car):
    s = car.scenario
    data = figure_data(car, ["utility_space", "option_map"], seed=3)
    cloud = utility_cloud(s, seed=3)
    assert np.array_equal(data.cloud.feasible, cloud.feasible)
    assert data.zopa_options == option_counts(s, "zopa", disagreement=car.disagreement)
    fields = ("proposal", "low", "high", "red_lines_crossed", "red_lines_at_risk")
    assert [[getattr(e, f) for f in fields] for e in data.proposals] == [
        [getattr(e, f) for f in fields] for e in evaluate_proposals(s)
    ]


def test_option_values_are_each_partys_values_or_zero():
    s = simulator.load_scenario(ROOT / "scenarios" / "textbook_car.yaml")
    values = option_values(s)
    for p, party in enumerate(s.parties):
        for i, issue in enumerate(s.issues):
            pref = party.preferences.get(issue.id)
            want = (
                np.zeros(len(issue.options))
                if pref is None or pref.weight == 0
                else preference_values(pref, issue)
            )
            assert np.array_equal(values[p][i], want)


def test_unknown_or_inapplicable_kinds_are_refused(car):
    with pytest.raises(ScenarioError, match="unknown"):
        figure_data(car, ["pie"])
    one_party = simulator.solve(synthetic_scenario(2, 2, 1))
    with pytest.raises(ScenarioError, match="do not apply"):
        figure_data(one_party, ["utility_space"])


def test_the_sample_generator_follows_the_rng_convention(car, monkeypatch):
    import simulator.analysis.figure_data as fd

    seen = []
    monkeypatch.setattr(fd, "utility_cloud", lambda s, rng, progress: seen.append(rng))
    generator = np.random.default_rng(5)
    figure_data(car, ["utility_space"], rng=5)
    figure_data(car, ["utility_space"], seed=5)  # the former name
    figure_data(car, ["utility_space"], rng=generator)
    figure_data(car, ["utility_space"])
    assert seen[:2] == [5, 5] and seen[2] is generator and seen[3] == 0
    with pytest.raises(TypeError, match="not both"):
        figure_data(car, ["utility_space"], rng=1, seed=2)
