"""``compare_with_proposal`` against its definition: per issue, the text's move from its start
(the sign of the change of option position) next to the proposal's (the sign of its mean
position's change; ``open`` when it leaves the issue open), and whether they agree."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.analysis.protocols import alternating_offers, compare_with_proposal, single_text
from simulator.errors import ScenarioError
from simulator.model import Proposal, Scenario


def _sign(x: float) -> str:
    return "none" if x == 0 else "up" if x > 0 else "down"


def test_each_row_is_the_moves_of_the_text_and_the_proposal(car: Scenario) -> None:
    r = single_text(car, start="sticker", rounds=20)
    start, final = r.history[0].outcome, r.history[-1].outcome
    assert start != final  # the text moved on some issue
    # a proposal one step down on price, the start on warranty (both options around it: the
    # mean position), one step up on delivery where it can, and open elsewhere
    price, warranty, delivery = car.issues
    proposals = [
        Proposal("p", {"price": (price.options[start[0] - 1].id,)}),
        Proposal(
            "q",
            {
                "warranty": tuple(warranty.options[k].id for k in (start[1] - 1, start[1] + 1)),
                "delivery": (delivery.options[min(start[2] + 1, 2)].id,),
            },
        ),
    ]
    seen = set()
    for proposal in proposals:
        rows = compare_with_proposal(r, proposal)
        assert [row["issue"] for row in rows] == list(car.issue_ids)
        for issue, a, b, row in zip(car.issues, start, final, rows, strict=True):
            assert (row["start"], row["final"]) == (issue.options[a].id, issue.options[b].id)
            assert row["text_move"] == _sign(b - a)
            allowed = proposal.options.get(issue.id)
            if allowed is None:
                assert row["proposal"] is None and row["proposal_move"] == "open"
                assert row["same_direction"] is None
            else:
                mean = float(np.mean([issue.index(o) for o in allowed]))
                assert row["proposal"] == list(allowed)
                assert row["proposal_move"] == _sign(mean - a)
                assert row["same_direction"] == (row["text_move"] == row["proposal_move"])
            seen |= {row["text_move"], row["proposal_move"]}
    assert {"up", "down", "none", "open"} <= seen
    # by id, in the run's scenario
    by_id = compare_with_proposal(r, "buyer_opening")
    assert by_id == compare_with_proposal(r, car.proposal("buyer_opening"))


def test_only_a_single_text_run_can_be_compared(car: Scenario) -> None:
    with pytest.raises(ScenarioError, match=r"^compare_with_proposal needs a single-text run$"):
        compare_with_proposal(alternating_offers(car, rounds=3), "sticker")
