"""Proposal evaluation.

Hand-computed utilities, ranges over completions, red lines and acceptance.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.evaluate import evaluate_proposal, evaluate_proposals
from simulator.formats import load_scenario
from simulator.model import Proposal

CAR = str(Path(__file__).resolve().parents[1] / "scenarios" / "textbook_car.yaml")


@pytest.fixture(scope="module")
def car():
    return load_scenario(CAR)


def test_complete_proposal_matches_hand_computation(car):
    # sticker: price 26 (of 20..26), warranty one_year, delivery standard (of fast, standard, slow)
    e = evaluate_proposal(car, "sticker")
    buyer = 0.5 * 0.0 + 0.3 * 0.6 + 0.2 * 0.5  # price low is good; table; linear decreasing
    dealer = 0.5 * 1.0 + 0.3 * 0.5 + 0.2 * 0.5  # price high is good; warranty costly; slow is easy
    assert e.complete and e.completions == 1
    assert e.low == pytest.approx((buyer, dealer), abs=1e-10)
    assert e.high == e.low
    assert e.acceptable_to == ("dealer",)  # 0.28 < buyer's 0.40
    assert e.shortfall == pytest.approx((0.40 - buyer, 0.0), abs=1e-10)
    assert e.nash_completion is None  # the package is not in the ZOPA
    assert not e.red_lines_crossed


def test_partial_proposal_ranges_over_consistent_completions(car):
    # buyer_opening fixes price 22 and three_years; delivery is open, but fast is inconsistent at 22
    e = evaluate_proposal(car, "buyer_opening")
    assert not e.complete and e.completions == 2
    buyer = [0.5 * (4 / 6) + 0.3 * 1.0 + 0.2 * v for v in (0.5, 0.0)]  # standard, slow
    dealer = [0.5 * (2 / 6) + 0.3 * 0.0 + 0.2 * v for v in (0.5, 1.0)]
    assert e.low == pytest.approx((min(buyer), min(dealer)), abs=1e-10)
    assert e.high == pytest.approx((max(buyer), max(dealer)), abs=1e-10)
    assert e.nash_completion is not None
    # Nash on the two completions: (0.7333-0.4)*(0.2667-0.25) vs (0.6333-0.4)*(0.3667-0.25)
    assert e.to_dict()["nash_completion"]["outcome"]["delivery"] == "slow"
    assert set(e.acceptable_to) == {"buyer", "dealer"}


def test_red_lines_crossed_and_at_risk(car):
    fire_sale = Proposal("fire_sale", {"price": ("20",), "warranty": ("none",)})
    open_price = Proposal("open_price", {"warranty": ("one_year",), "delivery": ("slow",)})
    s = dataclasses.replace(car, proposals=(fire_sale, open_price))
    e = evaluate_proposal(s, "fire_sale")
    assert set(e.red_lines_crossed) == {("dealer", "no_fire_sale"), ("buyer", "needs_warranty")}
    assert e.acceptable_to == ()
    e2 = evaluate_proposal(s, "open_price")
    assert e2.red_lines_at_risk == (("dealer", "no_fire_sale"),)  # price 20 is one completion
    assert "dealer" not in e2.acceptable_to and "dealer" in e2.acceptable_to_some


def test_evaluate_cli_json_shape(capsys):
    assert main(["evaluate", CAR, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    names = [p["name"] for p in data["proposals"]]
    assert names == ["sticker", "buyer_opening"]
    sticker, opening = data["proposals"]
    assert set(sticker) >= {"name", "utilities", "red_lines_crossed", "acceptable_to", "shortfall"}
    assert isinstance(sticker["utilities"]["buyer"], float)
    assert set(opening["utilities"]["buyer"]) == {"min", "max"}


def test_evaluate_cli_selects_proposals_and_rejects_unknown(capsys):
    assert main(["evaluate", CAR, "--proposal", "sticker", "--json"]) == 0
    assert [p["name"] for p in json.loads(capsys.readouterr().out)["proposals"]] == ["sticker"]
    assert main(["evaluate", CAR, "--proposal", "stiker"]) == 2
    assert "did you mean 'sticker'" in capsys.readouterr().err


def test_evaluate_all(car):
    assert [e.proposal.id for e in evaluate_proposals(car)] == ["sticker", "buyer_opening"]
