"""Pairwise gaps (issue 16, item 3) on a three-party example checked by hand, against brute force
for the pairs' own zones, and through the CLI, the renderer and the figure."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given, settings

from simulator.analysis.gaps import gaps
from simulator.cli import main
from simulator.model import Issue, Option, Party, Preference, Rule, Scenario
from simulator.report import render
from tests import oracle
from tests.strategies import scenarios


def three_parties() -> Scenario:
    """x: x0 < x1 < x2, y: y0, y1.

    - A: x linear increasing (weight 1/2: 0, 1/4, 1/2), y0 worth 1/2; reservation 1/2; no lines.
    - B: x linear decreasing (1/2, 1/4, 0), y0 worth 1/2; reservation 1/2; line x at most x1.
    - C: x linear increasing (weight 1: 0, 1/2, 1), no view on y; reservation 0; line x at least x2.

    Every range over the (unconstrained) space is 1, so shares are utility differences.

    - A-B: both allow x0, x1; A's favourite x1, B's x0: A gives up 1/4, B gives up 1/2 - 1/4 = 1/4,
      gap 1/2; both favour y0: no gap. Zone: x in {x0, x1}, A >= 1/2, B >= 1/2: (x0, y0) and
      (x1, y0), 2 packages.
    - A-C: only x2 is allowed by both, and both would pick it; C has no view on y, so its favourite
      is A's (y0): nothing separates them. Zone: x2 with y0 (A 1) or y1 (A 1/2): 2 packages.
    - B-C: B allows x0, x1, C only x2: their red lines do not meet on x. B wants x0, C x2: B gives
      up 1/2 - 0, C gives up 1 - 0, gap 3/2. No zone.
    """
    x = Issue("x", tuple(Option(f"x{k}") for k in range(3)), label="Issue X")
    y = Issue("y", (Option("y0", label="Yes"), Option("y1", label="No")), label="Issue Y")
    y_pref = Preference(0.5, "table", table=(1.0, 0.0))
    a = Party("a", {"x": Preference(0.5), "y": y_pref}, reservation=0.5, label="Alpha")
    b = Party(
        "b",
        {"x": Preference(0.5, direction="decreasing"), "y": y_pref},
        reservation=0.5,
        red_lines=(Rule("x_at_most_1", "at_most", issue="x", bound="x1"),),
        label="Beta",
    )
    c = Party(
        "c",
        {"x": Preference(1.0)},
        red_lines=(Rule("x_at_least_2", "at_least", issue="x", bound="x2"),),
        label="Gamma",
    )
    return Scenario("three", issues=(x, y), parties=(a, b, c))


def test_the_hand_checked_three_party_example() -> None:
    result = gaps(three_parties())
    by_pair = {p.parties: p for p in result.pairs}
    assert list(by_pair) == [("a", "b"), ("a", "c"), ("b", "c")]
    ab, ac, bc = by_pair[("a", "b")], by_pair[("a", "c")], by_pair[("b", "c")]
    assert [(g.issue, g.conflict, g.favourite, g.cost, g.gap) for g in ab.issues] == [
        ("x", False, ("x1", "x0"), (0.25, 0.25), 0.5)
    ]
    assert (ab.zopa_exists, ab.zopa_count, ab.count_exact) == (True, 2, True)
    assert ac.issues == ()
    assert (ac.zopa_exists, ac.zopa_count) == (True, 2)
    [g] = bc.issues
    assert (g.issue, g.conflict, g.favourite, g.cost, g.gap) == (
        "x",
        True,
        ("x0", "x2"),
        (0.5, 1.0),
        1.5,
    )
    assert set(g.rules) == {"b:x_at_most_1", "c:x_at_least_2"}
    assert (bc.zopa_exists, bc.zopa_count, bc.count_exact) == (False, 0, True)
    d = result.to_dict()
    assert [p["parties"] for p in d["gaps"]] == [["a", "b"], ["a", "c"], ["b", "c"]]
    assert d["gaps"][2]["issues"][0]["red_lines_do_not_meet"] is True
    assert d["gaps"][0]["zopa"] == {"exists": True, "count": 2, "count_exact": True}
    assert d["gaps"][2]["issues"][0] == {
        "issue": "x",
        "red_lines_do_not_meet": True,
        "red_lines": list(g.rules),
        "favourite": {"b": "x0", "c": "x2"},
        "cost": {"b": 0.5, "c": 1.0},
        "gap": 1.5,
    }
    assert [p["total_gap"] for p in d["gaps"]] == [0.5, 0.0, 1.5]


def test_issues_are_ordered_conflicts_first_then_by_gap() -> None:
    s = three_parties()
    z = Issue("z", (Option("z0"), Option("z1")))
    a, b, c = s.parties
    # B and C also differ on z, by more than on x's gap share of B, but x's red lines do not meet
    b = dataclasses.replace(b, preferences={**b.preferences, "z": Preference(1.0)})
    c = dataclasses.replace(
        c, preferences={**c.preferences, "z": Preference(1.0, direction="decreasing")}
    )
    result = gaps(dataclasses.replace(s, issues=(*s.issues, z), parties=(a, b, c)))
    bc = result.pairs[2]
    assert [g.issue for g in bc.issues] == ["x", "z"]
    assert bc.issues[1].gap > 0


@settings(max_examples=40, deadline=None, database=None)
@given(scenarios(max_issues=3, max_options=3, max_parties=3))
def test_each_pairs_zone_is_the_brute_force_count(s: Scenario) -> None:
    if len(s.parties) < 2:
        return
    result = gaps(s)
    for pair in result.pairs:
        sub = dataclasses.replace(
            s, parties=tuple(s.party(p) for p in pair.parties), proposals=(), agreement=None
        )
        want = oracle.solve_oracle(sub).counts["zopa"]
        assert pair.count_exact
        assert pair.zopa_count == want
        assert pair.zopa_exists == (want > 0)


def test_a_count_past_its_budget_is_a_lower_bound_with_an_estimate() -> None:
    s = three_parties()
    pair = gaps(s, count_budget=1).pairs[0]
    assert pair.zopa_exists
    assert not pair.count_exact and pair.zopa_count <= 2
    assert pair.estimate is not None
    assert "lower bound" in render(gaps(s, count_budget=1), "markdown") or "at least" in render(
        gaps(s, count_budget=1), "markdown"
    )


def test_the_words_use_labels_and_name_the_red_lines() -> None:
    text = render(gaps(three_parties()), "markdown")
    assert "Beta and Gamma" in text
    assert "Issue X (`x`)" in text
    assert "Beta: Issue X at most *x1* (`x_at_most_1`)" in text
    assert "none (exact)" in text


def test_the_command_prints_json_and_draws_the_matrix(tmp_path, capsys) -> None:
    from simulator.formats.yaml_writer import dump_scenario_yaml

    path = tmp_path / "three.yaml"
    path.write_text(dump_scenario_yaml(three_parties()))
    assert main(["gaps", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["gaps"]) == 3
    png = tmp_path / "gaps.png"
    assert main(["gaps", str(path), "--plot", str(png)]) == 0
    assert png.stat().st_size > 1000
    capsys.readouterr()
    assert main(["solve", str(path), "--gaps", "--json"]) == 0
    assert [g["parties"] for g in json.loads(capsys.readouterr().out)["gaps"]] == [
        ["a", "b"],
        ["a", "c"],
        ["b", "c"],
    ]


def test_one_party_is_refused_with_a_clear_message() -> None:
    from simulator.errors import ScenarioError

    s = three_parties()
    with pytest.raises(ScenarioError, match="at least two parties"):
        gaps(dataclasses.replace(s, parties=s.parties[:1]))


def test_a_party_whose_own_lines_forbid_every_option_favours_its_best_of_all() -> None:
    """A gets two lines on x that leave it nothing (at most x0, at least x2): a conflict of A
    alone. With no option allowed, A's favourite is its best of all the options (x2, as its x
    is increasing), which C's only allowed option also is: the pair disagrees on nothing else."""
    s = three_parties()
    a = dataclasses.replace(
        s.parties[0],
        red_lines=(
            Rule("x_at_most_0", "at_most", issue="x", bound="x0"),
            Rule("x_at_least_2", "at_least", issue="x", bound="x2"),
        ),
    )
    s = dataclasses.replace(s, parties=(a, *s.parties[1:]))
    ac = next(p for p in gaps(s).pairs if p.parties == ("a", "c"))
    [g] = ac.issues
    assert (g.issue, g.conflict, g.favourite, g.gap) == ("x", True, ("x2", "x2"), 0.0)


def test_the_matrix_holds_each_pair_s_total_gap_and_zone() -> None:
    """Written after the seed-6 measurement: the matrix the figure draws, against the hand-checked
    example: total gaps 1/2 (a-b), 0 (a-c), 3/2 (b-c), symmetric, 0 on the diagonal; every zone
    but b-c's exists, the diagonal true."""
    total, zopa = gaps(three_parties()).matrix()
    assert total.tolist() == [[0.0, 0.5, 0.0], [0.5, 0.0, 1.5], [0.0, 1.5, 0.0]]
    assert zopa.tolist() == [[True, True, True], [True, True, False], [True, False, True]]
