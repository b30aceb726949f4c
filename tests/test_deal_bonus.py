"""A party's deal bonus (``deal_bonus``, lambda) is the affine map u -> lambda + (1 - lambda) u.

The file states lambda and the reservation d on the party's own 0-1 scale; the same preferences
were written before as the weights alone with the reservation (d - lambda) / (1 - lambda) (the
Ukraine scenario's United States, docs/ukraine-model.md §6). Both must give the same ZOPA and the
same package for every solution that is invariant to a positive affine map of one party's utility
(the contract suite's ``scale_invariance``), on random scenarios and on the December snapshot.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simulator
from simulator.compiled import compile_scenario, evaluate_utilities, preference_weights
from simulator.errors import ScenarioError
from simulator.formats.yaml_reader import loads_scenario_yaml
from simulator.formats.yaml_writer import dump_scenario_yaml
from simulator.model import Party, Scenario
from simulator.outcome_space import outcome_grid
from simulator.solver import solve_samples
from simulator.solver.bargaining import SOLUTIONS
from tests.strategies import scenarios

ROOT = Path(__file__).resolve().parents[1]
DEC = ROOT / "scenarios" / "ukraine_2025-12.yaml"
SCALE_FREE = [n for n, c in SOLUTIONS.items() if "scale_invariance" in c.axioms]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def with_bonus(scenario: Scenario, p: int, lam: float) -> Scenario:
    """Party ``p`` restated with the deal bonus ``lam``: the same preferences on a scale where no
    deal keeps its old meaning, i.e. reservation ``lam + (1 - lam) * d``."""
    old = scenario.parties[p]
    new = dataclasses.replace(
        old, deal_bonus=lam, reservation=lam + (1 - lam) * old.reservation, reservation_range=None
    )
    parties = list(scenario.parties)
    parties[p] = new
    return dataclasses.replace(scenario, parties=tuple(parties))


@SETTINGS
@given(scenario=scenarios(max_parties=3), lam=st.sampled_from([0.25, 0.5, 0.75]))
def test_compiled_utilities_are_the_affine_map(scenario: Scenario, lam: float) -> None:
    bonus = with_bonus(scenario, 0, lam)
    a, b = compile_scenario(scenario), compile_scenario(bonus)
    outcomes = outcome_grid(a.sizes)
    ua, ub = evaluate_utilities(a, outcomes), evaluate_utilities(b, outcomes)
    slack = b.rounding_slack
    assert np.allclose(ub[:, 0], lam + (1 - lam) * ua[:, 0], rtol=0, atol=slack)
    assert np.array_equal(ub[:, 1:], ua[:, 1:])
    # the many-weightings path (Monte Carlo's) compiles the bonus the same way, bit for bit
    from simulator.solver.batch import _utilities

    weights = preference_weights(bonus)[None]
    assert np.array_equal(_utilities(b, weights, outcomes)[0].T, ub)
    batch = solve_samples(b, weights, b.reservation[None])
    assert int(batch.zopa[0]) == simulator.solve(bonus).counts.zopa


@SETTINGS
@given(scenario=scenarios(max_parties=3), lam=st.sampled_from([0.25, 0.5]))
def test_every_scale_free_solution_is_unchanged(scenario: Scenario, lam: float) -> None:
    before, after = simulator.solve(scenario), simulator.solve(with_bonus(scenario, 0, lam))
    assert after.counts == before.counts
    assert np.array_equal(after.zopa_frontier.outcomes, before.zopa_frontier.outcomes)
    for name in SCALE_FREE:
        x, y = before.solutions[name], after.solutions[name]
        assert (x is None) == (y is None), name
        if x is not None and y is not None:
            assert x.outcome == y.outcome, name


def test_the_december_snapshot_with_the_us_on_its_own_scale() -> None:
    """The US as FS §6.1 states it (the file: lambda 0.55, no deal 0.35) against the same
    preferences folded into a reservation d' = (0.35 - 0.55) / 0.45 = -0.444 (the old file)."""
    own = simulator.load_scenario(DEC)
    us = own.party_ids.index("united_states")
    lam, d = 0.55, 0.35
    assert (own.parties[us].deal_bonus, own.parties[us].reservation) == (lam, d)
    folded = dataclasses.replace(
        own,
        parties=tuple(
            dataclasses.replace(
                p, deal_bonus=0.0, reservation=(d - lam) / (1 - lam), reservation_range=None
            )
            if p.id == "united_states"
            else p
            for p in own.parties
        ),
    )
    a, b = simulator.solve(folded), simulator.solve(own)
    assert a.counts == b.counts and a.closest is not None and b.closest is not None
    assert float(b.disagreement[us]) == d  # the reservation shows as 0.35
    # the closest package's last tie-break (the largest sum of utilities) is not scale-free (issue
    # 16, item 2): the two scales may break the NATO tie differently; both cross Ukraine's Donbas
    # line and one NATO line, with no shortfall
    nato = {"russia:nato_at_least_3", "ukraine:nato_at_most_2"}
    for r in (a, b):
        assert r.closest is not None and "ukraine:donbas_withdrawal_at_most_1" in r.closest.crossed
        assert len(set(r.closest.crossed) & nato) == 1 and len(r.closest.crossed) == 2
    assert max(a.closest.shortfall) == max(b.closest.shortfall) == 0
    outcomes = np.array([a.closest.point.outcome, b.closest.point.outcome])
    s = evaluate_utilities(compile_scenario(folded), outcomes)[:, us]
    u = evaluate_utilities(compile_scenario(own), outcomes)[:, us]
    assert np.allclose(u, lam + (1 - lam) * s, atol=1e-9) and np.all((0 < u) & (u <= 1))
    assert float(u[1]) - d < 1  # the gain over no deal is on the 0-1 scale (was +1.366)
    # with Ukraine's two lines dropped the zone opens; the same zone and the same scale-free
    # packages (the Nash package, Kalai-Smorodinsky, ...)
    drop = {"donbas_withdrawal_at_most_1", "nato_at_most_2"}

    def relaxed(s: Scenario) -> Scenario:
        return dataclasses.replace(
            s,
            parties=tuple(
                dataclasses.replace(p, red_lines=tuple(r for r in p.red_lines if r.id not in drop))
                if p.id == "ukraine"
                else p
                for p in s.parties
            ),
        )

    ra, rb = simulator.solve(relaxed(folded)), simulator.solve(relaxed(own))
    assert ra.counts.zopa == rb.counts.zopa > 0
    for name in SCALE_FREE:
        assert ra.solutions[name].outcome == rb.solutions[name].outcome, name


BASE = """\
name: t
issues:
  - {id: x, options: [a, b]}
parties:
  - id: p
    deal_bonus: BONUS
    preferences: {x: {weight: 1, linear: increasing}}
  - id: q
    preferences: {x: {weight: 1, linear: decreasing}}
"""


def test_the_key_round_trips_and_defaults_to_zero() -> None:
    s = loads_scenario_yaml(
        BASE.replace("BONUS", "{value: 0.5, low: 0.25, high: 0.75, source: W1}")
    )
    p = s.party("p")
    assert (p.deal_bonus, p.deal_bonus_source) == (0.5, "W1")
    assert p.deal_bonus_range is not None and (p.deal_bonus_range.low, p.deal_bonus_range.high) == (
        0.25,
        0.75,
    )
    assert loads_scenario_yaml(dump_scenario_yaml(s)) == s
    assert s.party("q").deal_bonus == 0.0 and "deal_bonus" not in dump_scenario_yaml(
        dataclasses.replace(s, parties=(s.party("q"),))
    )
    short = loads_scenario_yaml(BASE.replace("BONUS", "0.25"))
    assert short.party("p").deal_bonus == 0.25
    assert loads_scenario_yaml(dump_scenario_yaml(short)) == short


@pytest.mark.parametrize(
    ("bonus", "message"),
    [
        ("1", "below 1"),
        ("-0.1", "deal_bonus"),
        ("{value: 0.9, low: 0.1, high: 0.5}", "outside its own range"),
        ("{value: 0.5, low: 0.1, high: 1}", "below 1"),
    ],
)
def test_bad_bonuses_are_refused_with_the_field(bonus: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message) as e:
        loads_scenario_yaml(BASE.replace("BONUS", bonus))
    assert "deal_bonus" in str(e.value)


def test_the_model_checks_the_bonus() -> None:
    with pytest.raises(ScenarioError, match=r"deal_bonus must lie in \[0, 1\)"):
        Party("p", {}, deal_bonus=1.0)


def test_a_bonus_above_the_reservation_is_no_scale_slip() -> None:
    """The reader warns when a positive reservation lies below every package's utility (a scale
    slip), but not when the party's deal bonus clears it: that states that every deal beats none."""
    import warnings

    text = BASE.replace("BONUS", "0.5").replace(
        "    preferences: {x: {weight: 1, linear: increasing}}",
        "    reservation: 0.4\n    preferences: {x: {weight: 1, linear: increasing}}",
        1,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert loads_scenario_yaml(text).party("p").reservation == 0.4
    # bonus 0.5, values 0.5 to 1: every package gives at least 0.75; a reservation of 0.6 lies
    # above the bonus, so "every package meets it" is worth a warning
    slip = text.replace(
        "{x: {weight: 1, linear: increasing}}", "{x: {weight: 1, table: {a: 0.5, b: 1}}}", 1
    )
    with pytest.warns(Warning, match="every package meets it"):
        loads_scenario_yaml(slip.replace("reservation: 0.4", "reservation: 0.6"))
