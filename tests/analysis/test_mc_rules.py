"""Monte Carlo under a decision rule (``agreement``): each sample's answer is the rule-aware solve
of the sampled scenario; the methods that assume unanimity are refused with the reason."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from simulator.analysis import monte_carlo
from simulator.analysis.sampling import draws, sampled_scenario
from simulator.cli import main
from simulator.compiled import compile_scenario
from simulator.errors import ScenarioError
from simulator.formats import dump_scenario_yaml, load_scenario
from simulator.model import Proposal, Scenario, Uncertainty
from simulator.outcome_space import box_outcomes, proposal_box
from simulator.report import blocks_of, blocks_text
from simulator.solver import passing_mask, solve
from tests.strategies import with_uncertainty

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def siting() -> Scenario:
    """Six parties, 4 of 6 with two vetoes; uncertain weights, reservations and red lines, and
    two proposals (one package; a box of packages)."""
    s = load_scenario(ROOT / "scenarios" / "siting_six.yaml")
    s = with_uncertainty(s, 20.0, Uncertainty(45.0, 75.0), 0.6)
    proposals = (
        Proposal("harbour_deal", {"site": ("harbour",), "capacity": ("t250k",), "fund": ("m10",)}),
        Proposal("rail_any", {"site": ("rail_yard",)}),
    )
    return dataclasses.replace(s, proposals=proposals)


def test_each_sample_is_the_rule_aware_solve(siting):
    result = monte_carlo(siting, 80, 3, workers=1)
    assert result.method == "solve"
    passing_any = {p.id: [] for p in siting.proposals}
    outcomes = {tuple(o) for o in result.nash if o is not None}
    for k, draw in enumerate(draws(siting, 3, range(80))):
        sampled = sampled_scenario(siting, draw)
        solved = solve(sampled, closest=False)
        nash = solved.solutions["nash"]
        assert result.nash[k] == (None if nash is None else tuple(nash.outcome))
        assert result.zopa[k] == solved.counts.zopa
        cs = compile_scenario(sampled)
        for p in siting.proposals:
            passing_any[p.id].append(passing_mask(cs, box_outcomes(proposal_box(siting, p))).any())
    assert result.proposals == {pid: float(np.mean(v)) for pid, v in passing_any.items()}
    assert 0 < result.p_zopa < 1 and 0 < min(result.proposals.values())
    assert len(outcomes) > 1  # the samples move the Nash package


def test_the_robust_package_counts_passing_samples(siting):
    result = monte_carlo(siting, 40, 5, workers=1)
    assert result.robust is not None
    samples = draws(siting, 5, range(40))
    count = sum(
        bool(passing_mask(compile_scenario(sampled_scenario(siting, d)), np.array(result.robust)))
        for d in samples
    )
    assert count == result.robust_count


def test_the_rule_changes_the_answer(siting):
    """The same draws under unanimity give fewer deals: the rule is not ignored."""
    ruled = monte_carlo(siting, 60, 2, workers=1)
    unanimous = monte_carlo(dataclasses.replace(siting, agreement=None), 60, 2, workers=1)
    assert np.all(ruled.zopa >= unanimous.zopa) and ruled.p_zopa > unanimous.p_zopa


def test_the_executor_and_chunks_change_nothing(siting):
    a = monte_carlo(siting, 30, 4, workers=1).to_dict()
    assert monte_carlo(siting, 30, 4, workers=2, chunk_size=7).to_dict() == a


@pytest.mark.parametrize("method", ["search", "enumerate"])
def test_unanimity_methods_are_refused_with_the_reason(siting, method):
    with pytest.raises(ScenarioError, match="threat points read off the whole Pareto frontier"):
        monte_carlo(siting, 10, 1, method=method, workers=1)


def test_the_command_line_under_a_rule(siting, tmp_path, capsys):
    path = tmp_path / "siting.yaml"
    path.write_text(dump_scenario_yaml(siting))
    argv = ["montecarlo", str(path), "--samples", "30", "--seed", "1", "--no-progress"]
    assert main([*argv, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["method"] == "solve" and 0 < data["p_zopa"] <= 1
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "P(some package passes (at least 4 of 6 parties, including" in text
    assert "ZOPA" not in text
    assert main([*argv, "--method", "search"]) == 2
    err = capsys.readouterr().err
    assert "--method solve" in err and "Traceback" not in err


def test_the_words_under_a_rule(siting):
    text = blocks_text(blocks_of(monte_carlo(siting, 20, 1, workers=1)))
    assert "probability that some package they allow passes the decision rule" in text
    assert "Passes in" in text
