"""Robustness margins: each flip re-solved at ``flips_at`` (the verdict after) and halfway (the
verdict before), by ``solve`` on random scenarios and on the December snapshot."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings

from simulator import load_scenario, solve
from simulator.analysis.edits import Adjust, DropRedLine, apply_edits, parse_edits
from simulator.analysis.margins import WEIGHT_TOLERANCE, Margin, Margins, margins
from simulator.model import Scenario
from simulator.report.margins import margins_blocks, margins_headline
from simulator.report.text import blocks_text
from tests.analysis.conftest import ROOT, oracle_zopa
from tests.strategies import scenarios

DEC = ROOT / "scenarios" / "ukraine_2025-12.yaml"
#: The issue's example: without Russia's Donbas line and Ukraine's NATO line, and (since the
#: red-line protocol of docs/ukraine-model.md §5) Russia's recognition line, which would otherwise
#: still need a withdrawal from Donbas through a consistency constraint.
TWO_DROPPED = (
    "russia drops redline donbas_withdrawal_at_least_3",
    "ukraine drops redline nato_at_most_2",
    "russia drops redline occupied_recognition_at_least_3",
)


def _at(scenario: Scenario, m: Margin, x: float | str) -> Scenario:
    party, kind, *rest = m.parameter.split(".")
    if kind == "red_line":
        return DropRedLine(party, rest[0]).apply(scenario)
    if kind == "reservation":
        return Adjust(party, "reservation", "=", float(x)).apply(scenario)
    return Adjust(party, "weight", "=", float(x), rest[0]).apply(scenario)


def _check(scenario: Scenario, result: Margins, zopa_of: object) -> None:
    """Every flip holds at ``flips_at`` and not halfway; every non-flip holds far away."""
    before = result.verdict == "zopa"
    assert before == (zopa_of(scenario) > 0)  # type: ignore[operator]
    for m in result.items:
        if m.question == "package":
            continue
        if m.kind == "red_line":
            # dropping the line flips the verdict exactly when the margin says "dropped"
            dropped = zopa_of(_at(scenario, m, "dropped")) > 0  # type: ignore[operator]
            assert (m.flips_at == "dropped") == (dropped != before), m
        if m.flips_at is None:
            if m.kind == "reservation":
                far = -1e3 if not before else 1e3
                assert (zopa_of(_at(scenario, m, far)) > 0) == before, m  # type: ignore[operator]
            if m.kind == "weight":  # the search of a weight ends at 0 and at the total
                assert m.range is not None
                for end in m.range:
                    assert (zopa_of(_at(scenario, m, end)) > 0) == before, m  # type: ignore[operator]
            continue
        after = zopa_of(_at(scenario, m, m.flips_at)) > 0  # type: ignore[operator]
        assert after == (m.verdict_after == "zopa") != before, m
        if m.kind != "red_line" and (m.exact or m.distance > 2 * WEIGHT_TOLERANCE):
            # a bisected threshold lies in (flips_at - tolerance, flips_at]
            assert isinstance(m.flips_at, float) and isinstance(m.value, float)
            mid = (m.value + m.flips_at) / 2
            assert (zopa_of(_at(scenario, m, mid)) > 0) == before, m  # type: ignore[operator]


def _package_of(result: object) -> tuple[int, ...] | None:
    r = result
    point = r.solutions.get("nash") if r.counts.zopa else None  # type: ignore[attr-defined]
    if point is None and r.closest is not None:  # type: ignore[attr-defined]
        point = r.closest.point  # type: ignore[attr-defined]
    return None if point is None else point.outcome


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(scenarios(max_issues=3, max_options=3, max_parties=3))
def test_flips_hold_on_random_scenarios(monkeypatch: pytest.MonkeyPatch, s: Scenario) -> None:
    """Re-solved by ``solve`` (whose ZOPA the oracle checks elsewhere; ties within the rounding
    slack count as reached, so a closing flip sits a few quanta above the boundary). The package
    moves under reservations and weights (a grid and bisections per parameter: most of this
    test's time) are checked by ``test_package_margins.py``; here only the red-line drops."""
    from simulator.analysis import package_margins

    monkeypatch.setattr(package_margins, "package_move_margins", lambda *a, **k: ((), ()))
    result = margins(s, package=True)
    _check(s, result, lambda x: solve(x).counts.zopa)
    # one verdict margin per reservation and per red line, and, when some outcome is feasible,
    # per weight that can move (the party's total is not all on that issue)
    weights = {
        f"{p.id}.weight.{i}"
        for p in s.parties
        for i, q in p.preferences.items()
        if sum(x.weight for x in p.preferences.values()) - q.weight > 0
    }
    assert sorted(m.parameter for m in result.items if m.question == "verdict") == sorted(
        [f"{p.id}.reservation" for p in s.parties]
        + [f"{p.id}.red_line.{r.id}" for p in s.parties for r in p.red_lines]
        + sorted(weights if result.feasible else ())
    )
    for m in result.items:
        if m.question == "package" and m.kind == "red_line":  # moves: test_package_margins.py
            before, after = solve(s), solve(_at(s, m, "dropped"))
            assert m.package_after and _package_of(after) != _package_of(before)
    assert (result.verdict == "zopa") == (oracle_zopa(s) > 0)


def test_exact_reservation_boundary_is_a_package_utility() -> None:
    s = apply_edits(load_scenario(DEC), parse_edits(list(TWO_DROPPED), load_scenario(DEC)))
    m = margins(s, weights=False)
    russia = next(x for x in m.items if x.parameter == "russia.reservation")
    assert m.verdict == "no_zopa" and m.feasible
    assert russia.value == 0.55 and russia.range == (0.4, 0.7) and russia.within_range
    assert russia.verdict_after == "zopa" and math.isclose(
        russia.flips_at, 647 / 1200, abs_tol=1e-9
    )
    _check(s, m, lambda x: solve(x).counts.zopa)
    headline = margins_headline(m)
    assert headline.startswith("No ZOPA; one opens if Russia's reservation falls by 0.011")
    assert "within its stated range" in headline


def test_december_snapshot_no_single_move_opens_a_zopa() -> None:
    s = load_scenario(DEC)
    m = margins(s, weights=False)
    assert m.verdict == "no_zopa" and not m.feasible
    assert not m.nearest()
    for x in m.items:
        if x.kind == "red_line":
            assert solve(_at(s, x, "dropped")).counts.zopa == 0
    assert "no single change" in margins_headline(m)
    text = blocks_text(margins_blocks(m))
    assert "How sure is this" in text and "holds with probability 0.40" in text


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_solve_json_margins_shape(tmp_path: pytest.TempPathFactory) -> None:
    out = _run("solve", str(DEC), "--json", "--margins")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    first = data["margins"][0]
    assert set(first) >= {
        "parameter",
        "value",
        "range",
        "flips_at",
        "within_range",
        "verdict_after",
    }
    assert data["robustness"]["verdict"] == "no_zopa"
    plain = json.loads(_run("solve", str(DEC), "--json").stdout)
    assert "margins" not in plain  # off by default: solve stays as fast as it was


def test_the_car_s_margins_in_the_json_whole() -> None:
    """Written after the seed-6 measurement: each reservation's margin, in the JSON whole. By the
    module Notation the zone is open for ``d_p <= M_p``, the best utility of ``p`` over the packages
    that cross no red line and give the other party its reservation (brute force here), and closed
    from ``M_p + 2 eps`` on: ``boundary`` is ``M_p`` and ``flips_at`` is ``M_p + 2 eps``. Both lie
    outside the stated ranges. The red lines' margins are in the JSON whole too."""
    from simulator.compiled import compile_scenario
    from tests.oracle import enumerate_rows

    car = load_scenario(ROOT / "scenarios" / "textbook_car.yaml")
    eps = compile_scenario(car).rounding_slack
    rows = [r for r in enumerate_rows(car) if r.consistent and not r.crossed]
    d = [p.reservation for p in car.parties]
    found = {m.parameter: m for m in margins(car, weights=False).items}
    for p, (party, label, stated) in enumerate(
        [("buyer", "Buyer", [0.3, 0.5]), ("dealer", "Dealer", [0.15, 0.35])]
    ):
        best = max(r.u[p] for r in rows if r.u[1 - p] >= d[1 - p])
        m = found[f"{party}.reservation"]
        assert m.to_dict() == {
            "parameter": f"{party}.reservation",
            "label": f"{label}'s reservation",
            "value": d[p],
            "range": stated,
            "flips_at": pytest.approx(best + 2 * eps, abs=eps),
            "within_range": False,
            "verdict_after": "no_zopa",
            "exact": True,
            "boundary": pytest.approx(best, abs=eps),
            "question": "verdict",
        }
        assert m.flips_at == pytest.approx(m.boundary + 2 * eps, abs=eps / 4)
    # dropping a red line cannot close an open zone: nothing flips; each holds for sure
    for party, label, line, issue in [
        ("buyer", "Buyer", "needs_warranty", "Warranty"),
        ("dealer", "Dealer", "no_fire_sale", "Price"),
    ]:
        assert found[f"{party}.red_line.{line}"].to_dict() == {
            "parameter": f"{party}.red_line.{line}",
            "label": f"{label}'s red line on {issue} ({line})",
            "value": "kept",
            "range": None,
            "flips_at": None,
            "within_range": None,
            "verdict_after": None,
            "exact": True,
            "probability": 1.0,
            "question": "verdict",
        }
