"""``compare``: hand-made snapshots that differ in known ways; answers against direct solves."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.analysis.compare import compare
from simulator.analysis.snapshot_diff import snapshot_changes
from simulator.formats import load_scenario
from simulator.formats.yaml_writer import dump_scenario_yaml
from simulator.model import Agreement, Proposal, Scenario
from simulator.results import outcome_dict
from simulator.solver import solve

ROOT = Path(__file__).resolve().parents[2]


def snapshots() -> tuple[Scenario, Scenario]:
    """The car deal, and a later snapshot with five known changes: the dealer's reservation rises
    (0.25 -> 0.45, new source), the buyer weighs the warranty more (0.3 -> 0.4, delivery 0.2 ->
    0.1), the buyer's warranty line tightens (at least one year -> three years), its probability
    falls to 0.8, and a new proposal appears."""
    a = load_scenario(ROOT / "scenarios" / "textbook_car.yaml")
    buyer, dealer = a.parties
    prefs = dict(buyer.preferences)
    prefs["warranty"] = dataclasses.replace(prefs["warranty"], weight=0.4)
    prefs["delivery"] = dataclasses.replace(prefs["delivery"], weight=0.1)
    line = dataclasses.replace(buyer.red_lines[0], bound="three_years", probability=0.8)
    buyer_b = dataclasses.replace(buyer, preferences=prefs, red_lines=(line,))
    dealer_b = dataclasses.replace(
        dealer, reservation=0.3, reservation_source="assumption: fewer customers this month"
    )
    offer = Proposal("dealer_offer", {"price": ("24",), "warranty": ("three_years",)})
    b = dataclasses.replace(
        a, parties=(buyer_b, dealer_b), proposals=(*a.proposals, offer), date="2025-02-01"
    )
    return a, b


def test_the_changes_are_exactly_the_known_ones() -> None:
    a, b = snapshots()
    found = {(c.kind, c.party, c.item, c.change) for c in snapshot_changes(a, b)}
    assert found == {
        ("reservation", "dealer", "dealer", "changed"),
        ("weight", "buyer", "warranty", "changed"),
        ("weight", "buyer", "delivery", "changed"),
        ("red_line", "buyer", "needs_warranty", "changed"),
        ("proposal", None, "dealer_offer", "added"),
        ("snapshot", None, "date", "changed"),
    }
    by_item = {c.item: c for c in snapshot_changes(a, b)}
    assert by_item["dealer"].before == "0.25 (0.15 to 0.35)"
    assert by_item["dealer"].after == "0.3 (0.15 to 0.35)"
    assert by_item["dealer"].source_after == "assumption: fewer customers this month"
    assert by_item["needs_warranty"].after == "warranty >= three_years; p = 0.8"
    assert snapshot_changes(a, a) == ()


def test_a_new_decision_rule_and_reordered_options_are_changes() -> None:
    """The rule is a change of its own; an issue's text lists its options in order."""
    a, _ = snapshots()
    delivery = a.issue("delivery")
    reordered = dataclasses.replace(delivery, options=tuple(reversed(delivery.options)))
    b = dataclasses.replace(
        a, issues=(*a.issues[:-1], reordered), agreement=Agreement(1, ("dealer",))
    )
    by_kind = {c.kind: c for c in snapshot_changes(a, b)}
    assert set(by_kind) == {"issue", "agreement"}
    assert by_kind["agreement"].change == "changed"
    assert by_kind["agreement"].after == str(Agreement(1, ("dealer",)))
    issue = by_kind["issue"]
    assert (issue.item, issue.change) == ("delivery", "changed")
    assert issue.before.split(", ") == list(delivery.option_ids)
    assert issue.after.split(", ") == list(reversed(delivery.option_ids))


def test_a_renamed_one_issue_line_is_one_change() -> None:
    a, _ = snapshots()
    buyer = a.parties[0]
    renamed = dataclasses.replace(buyer.red_lines[0], id="needs_long_warranty", bound="three_years")
    b = dataclasses.replace(
        a, parties=(dataclasses.replace(buyer, red_lines=(renamed,)), a.parties[1])
    )
    (change,) = snapshot_changes(a, b)
    assert change.item == "needs_warranty → needs_long_warranty" and change.change == "changed"


def test_the_answers_are_those_of_direct_solves() -> None:
    a, b = snapshots()
    result = compare([a, b], labels=["January", "February"], margins=False)
    for answer, s in zip(result.answers, (a, b), strict=True):
        direct = solve(s)
        assert answer.counts == direct.counts
        want = direct.solutions["nash"] if direct.counts.zopa else direct.closest.point  # type: ignore[union-attr]
        assert answer.package is not None and want is not None
        assert answer.package.outcome == want.outcome
    old, new = (
        outcome_dict(s, x.package.outcome) for s, x in zip((a, b), result.answers, strict=True)
    )  # type: ignore[union-attr]
    moves = {(i, old[i], new[i]) for i in old if old[i] != new[i]}
    assert set(result.steps[0].package_moves or ()) == moves
    data = result.to_dict()
    assert [s["label"] for s in data["snapshots"]] == ["January", "February"]
    assert len(data["steps"]) == 1 and data["steps"][0]["changes"]
    # the JSON's package moves are the step's, issue by issue in the scenario's order
    assert data["steps"][0]["package_moves"] == [
        {"issue": i, "before": old[i], "after": new[i]} for i in old if old[i] != new[i]
    ]


def test_three_snapshots_give_two_steps_and_a_figure() -> None:
    from simulator.plots import plot_compare_timeline

    a, b = snapshots()
    result = compare([a, b, a], margins=True)
    assert [(s.before, s.after) for s in result.steps] == [(0, 1), (1, 2)]
    assert result.answers[0].margins is not None
    fig = plot_compare_timeline(result)
    assert len(fig.axes) == 2 and len(fig.axes[0].get_lines()) >= 2 * len(a.parties)


def test_fewer_than_two_snapshots_is_an_error() -> None:
    from simulator.errors import ScenarioError

    a, _ = snapshots()
    with pytest.raises(ScenarioError, match="at least two"):
        compare([a])


def test_the_command_writes_json_text_and_a_figure(tmp_path: Path) -> None:
    a, b = snapshots()
    files = []
    for name, s in (("jan.yaml", a), ("feb.yaml", b)):
        (tmp_path / name).write_text(dump_scenario_yaml(s), encoding="utf-8")
        files.append(str(tmp_path / name))
    run = [sys.executable, "-m", "simulator", "compare", *files]
    out = subprocess.run([*run, "--json"], capture_output=True, text=True, cwd=ROOT, check=True)
    assert len(json.loads(out.stdout)["snapshots"]) == 2
    text = subprocess.run(
        [*run, "--plot", str(tmp_path / "t.png")], capture_output=True, text=True, cwd=ROOT
    )
    assert text.returncode == 0 and "What changed in the inputs" in text.stdout
    assert (tmp_path / "t.png").stat().st_size > 0
    bad = subprocess.run(run[:-1], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "at least two" in bad.stderr and "Traceback" not in bad.stderr


def test_ukraine_november_to_december_package_moves_match_the_solves() -> None:
    """The closest packages of the two snapshots, solved directly, differ on exactly the issues
    compare lists (no Ukraine number is pinned: ukmodel changes the snapshots)."""
    nov = load_scenario(ROOT / "scenarios" / "ukraine_2025-11.yaml")
    dec = load_scenario(ROOT / "scenarios" / "ukraine_2025-12.yaml")
    result = compare([nov, dec], margins=False)
    packages = []
    for s in (nov, dec):
        r = solve(s)
        point = r.solutions["nash"] if r.counts.zopa else r.closest.point  # type: ignore[union-attr]
        assert point is not None
        packages.append(outcome_dict(s, point.outcome))
    moved = {i for i in packages[0] if packages[0][i] != packages[1][i]}
    assert {i for i, _, _ in result.steps[0].package_moves or ()} == moved
