"""Samples of the uncertainty a scenario states: weights, reservation values, red lines.

Notation
--------
Sample ``s = 0, ..., S-1`` draws, for each party ``p`` (in order):

- weights: with a ``weight_concentration`` ``alpha_p``, the positive weights ``w_p`` (total
  ``W_p``) become ``W_p * Dirichlet(alpha_p * w_p / W_p)``: their mean is the stated weights, and a
  larger ``alpha_p`` keeps them closer (Kotz, Balakrishnan & Johnson 2000, ch. 49);
- the reservation value: uniform on ``[low, high]``, or triangular with its ``mode`` (default the
  stated value), when the party gives a range;
- each red line holds with its ``probability`` (drawn first from its ``probability_range`` when
  it has one); a red line that does not hold is left out of the sample.

``vary`` chooses what varies (any of :data:`VARY`, default all): what does not vary stays at its
stated value (stated weights and reservation values; every red line holds). Everything is drawn
in any case, so the draws of what varies do not depend on ``vary``.

Sample ``s`` uses its own generator ``default_rng(SeedSequence(seed, spawn_key=(s,)))`` (what
``SeedSequence(seed).spawn`` gives, :func:`sample_rng`), so a set of samples depends on the root
``seed`` and the sample numbers only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from simulator.compiled import BoolArray, FloatArray
from simulator.errors import ScenarioError, did_you_mean
from simulator.model import Scenario, Uncertainty

__all__ = [
    "VARY",
    "Draw",
    "check_vary",
    "draw_sample",
    "draws",
    "sample_rng",
    "sampled_scenario",
    "stacked",
]

#: What a sample can vary, in order.
VARY = ("weights", "reservations", "red_lines")


def check_vary(vary: Sequence[str] | str) -> tuple[str, ...]:
    """``vary`` (names, or one comma-separated string) checked and in :data:`VARY` order.

    >>> check_vary("red_lines,weights")
    ('weights', 'red_lines')

    Raises
    ------
    ScenarioError
        For an unknown name or none.
    """
    names = [v.strip() for v in vary.split(",")] if isinstance(vary, str) else list(vary)
    for name in names:
        if name not in VARY:
            raise ScenarioError(f"--vary: unknown {name!r}; {did_you_mean(name, VARY)}")
    if not names:
        raise ScenarioError("--vary: name at least one of " + ", ".join(VARY))
    return tuple(v for v in VARY if v in names)


def sample_rng(seed: int, sample: int) -> np.random.Generator:
    """The generator of sample ``sample``: child ``sample`` of ``SeedSequence(seed)``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(sample,)))


@dataclass(frozen=True, eq=False)
class Draw:
    """One sample's parameters.

    Attributes
    ----------
    weights
        ``(P, n)`` float64 weight of each party on each issue (0 where it has no preference).
    reservation
        ``(P,)`` float64 reservation values.
    holds
        ``(R,)`` bool: whether each red line holds, parties in order, each party's red lines in
        order.
    """

    weights: FloatArray
    reservation: FloatArray
    holds: BoolArray


def _draw_range(rng: np.random.Generator, span: Uncertainty, stated: float) -> float:
    if span.high <= span.low:
        return span.low
    if span.distribution == "uniform":
        return float(rng.uniform(span.low, span.high))
    mode = min(max(stated if span.mode is None else span.mode, span.low), span.high)
    return float(rng.triangular(span.low, mode, span.high))


def draw_sample(scenario: Scenario, rng: np.random.Generator, vary: Sequence[str] = VARY) -> Draw:
    """Draw one sample's parameters (see the module Notation) from ``rng``; only ``vary`` vary.

    >>> from simulator.formats import load_scenario
    >>> car = load_scenario("scenarios/textbook_car.yaml")
    >>> draw = draw_sample(car, sample_rng(0, 0))
    >>> bool(0.3 <= draw.reservation[0] <= 0.5), draw.weights.shape
    (True, (2, 3))
    """
    issues = scenario.issue_ids
    weights = np.zeros((len(scenario.parties), len(issues)))
    reservation = np.zeros(len(scenario.parties))
    holds = []
    for p, party in enumerate(scenario.parties):
        w = np.array([party.weight(i) for i in issues])
        pos = w > 0
        alpha = party.weight_concentration
        if alpha is not None and pos.sum() >= 2:
            total = w[pos].sum()
            w[pos] = total * rng.dirichlet(alpha * w[pos] / total)
        weights[p] = w
        span = party.reservation_range
        reservation[p] = (
            party.reservation if span is None else _draw_range(rng, span, party.reservation)
        )
        for rule in party.red_lines:
            prob = rule.probability
            if rule.probability_range is not None:
                prob = _draw_range(rng, rule.probability_range, prob)
            holds.append(bool(rng.random() < prob))
    if "weights" not in vary:
        weights = np.array([[party.weight(i) for i in issues] for party in scenario.parties])
        weights = weights.reshape(len(scenario.parties), len(issues))
    if "reservations" not in vary:
        reservation = np.array([party.reservation for party in scenario.parties], dtype=float)
    held = np.array(holds, dtype=bool)
    return Draw(weights, reservation, held if "red_lines" in vary else np.ones_like(held))


def sampled_scenario(scenario: Scenario, draw: Draw) -> Scenario:
    """``scenario`` with one sample's weights, reservation values and red lines."""
    parties = []
    column = {issue: j for j, issue in enumerate(scenario.issue_ids)}
    k = 0
    for p, party in enumerate(scenario.parties):
        prefs = {}
        for i, pref in party.preferences.items():
            w = float(draw.weights[p, column[i]])
            prefs[i] = pref if pref.weight == w else dataclasses.replace(pref, weight=w)
        held = draw.holds[k : k + len(party.red_lines)]
        k += len(party.red_lines)
        parties.append(
            dataclasses.replace(
                party,
                preferences=prefs,
                reservation=float(draw.reservation[p]),
                red_lines=tuple(r for r, h in zip(party.red_lines, held, strict=True) if h),
            )
        )
    return dataclasses.replace(scenario, parties=tuple(parties))


def draws(
    scenario: Scenario, seed: int, samples: Sequence[int], vary: Sequence[str] = VARY
) -> list[Draw]:
    """The draws of samples ``samples`` (numbers) from the root ``seed``, varying ``vary``."""
    return [draw_sample(scenario, sample_rng(seed, s), vary) for s in samples]


def stacked(draws: Sequence[Draw]) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Weights ``(S, P, n)``, reservations ``(S, P)`` and red lines holding ``(S, L)`` of
    ``draws``, stacked for :func:`~simulator.solver.batch.solve_samples`."""
    weights = np.stack([d.weights for d in draws])
    reservations = np.stack([d.reservation for d in draws])
    holds = np.stack([d.holds for d in draws]).astype(bool).reshape(len(draws), -1)
    return weights, reservations, holds
