"""Solve many weightings of one scenario at once: the ZOPA and the bargaining solutions of each
sample among a set of candidate outcomes (by default the whole space).

Notation
--------
``S`` samples of a compiled scenario ``cs`` that differ in the parties' weights ``w`` ``(S, P, n)``,
their reservation utilities ``r`` ``(S, P)`` and which red lines hold ``h`` ``(S, L)`` (``L`` red
lines, in ``cs.rules`` order). ``M`` candidate outcomes ``(M, n)``. A utility is linear in the
weights, so the value tables of every sample are one broadcast product
(:func:`~simulator.compiled.value_tables`, the compiler's own rounding: the utilities are bit for
bit those of compiling each sample), and

    u[s, p, m] = min(cap_p, sum_i tables_i[s, p, o_mi] + sum_t b_tp 1[o_m in R_t]).

Candidate ``m`` is in the ZOPA of sample ``s`` when it breaks no consistency constraint, crosses
no red line that holds in ``s`` (a matrix product of the ``(M, L)`` crossing table with the
draws) and ``u[s, :, m] >= zopa_threshold(r[s])``. Each sample's bargaining solutions are chosen
as :func:`~simulator.solver.solve` chooses them: on the Pareto frontier (the compiler's rounding
slack as tie tolerance) of its ZOPA, by :func:`~simulator.solver.bargaining.select_solution` with
``d = r[s]`` and ties broken by outcome index. With the whole space as candidates this is an exact
solve of every sample; with fewer, the answers hold among the candidates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from simulator.compiled import (
    BoolArray,
    CompiledScenario,
    FloatArray,
    IntArray,
    crossed_rules,
    outcome_indices,
    weighted_tables,
)
from simulator.errors import ScenarioError
from simulator.outcome_space import outcome_grid
from simulator.solver.bargaining import select_solution
from simulator.solver.decision import UNANIMOUS_ONLY
from simulator.solver.pareto import pareto_mask
from simulator.solver.queries import zopa_threshold

__all__ = ["SampleSolutions", "solve_samples"]


@dataclass(frozen=True, eq=False)
class SampleSolutions:
    """What :func:`solve_samples` finds.

    Attributes
    ----------
    candidates
        ``(M, n)`` int64 the candidate outcomes.
    in_zopa
        ``(S, M)`` bool: which candidates lie in each sample's ZOPA.
    solutions
        Per solution name, ``(S,)`` int64: the candidate row of each sample's solution (-1 when
        its ZOPA has no candidate).
    """

    candidates: IntArray
    in_zopa: BoolArray
    solutions: dict[str, IntArray]

    @property
    def zopa(self) -> IntArray:
        """``(S,)`` the number of candidates in each sample's ZOPA."""
        return np.asarray(self.in_zopa.sum(axis=1), dtype=np.int64)


def _red_line_rules(cs: CompiledScenario) -> IntArray:
    return np.flatnonzero(cs.rule_owner >= 0)


def solve_samples(
    cs: CompiledScenario,
    weights: FloatArray,
    reservations: FloatArray,
    holds: BoolArray | None = None,
    *,
    candidates: IntArray | None = None,
    solutions: Sequence[str] = ("nash",),
) -> SampleSolutions:
    """The ZOPA and the bargaining ``solutions`` of every sample (see the module docstring).

    Parameters
    ----------
    cs
        The compiled scenario, with every red line a sample may hold.
    weights
        ``(S, P, n)`` float64 each sample's weights.
    reservations
        ``(S, P)`` float64 each sample's reservation utilities (its disagreement point).
    holds
        ``(S, L)`` bool whether each red line (``cs.rules`` with an owner, in order) holds; None:
        all of them hold.
    candidates
        ``(M, n)`` the outcomes considered; None: every outcome, in index order.
    solutions
        Names of bargaining solutions to choose (see :data:`~simulator.solver.SOLUTIONS`).

    Returns
    -------
    SampleSolutions

    Raises
    ------
    ScenarioError
        When an array does not have the shape above, or the scenario has a decision rule
        (``agreement``): the ZOPA of a sample here is unanimous.

    Examples
    --------
    >>> from simulator.formats import load_scenario
    >>> from simulator.compiled import compile_scenario, preference_weights
    >>> cs = compile_scenario(load_scenario("scenarios/textbook_car.yaml"))
    >>> found = solve_samples(cs, preference_weights(cs.scenario)[None], cs.reservation[None])
    >>> int(found.zopa[0]), int(found.solutions["nash"][0]) >= 0
    (11, True)
    """
    if cs.scenario.agreement is not None:
        raise ScenarioError(UNANIMOUS_ONLY.format(what="sampled solves"))
    weights = np.asarray(weights, dtype=np.float64)
    reservations = np.asarray(reservations, dtype=np.float64)
    n_s, n_p, n = len(weights), cs.n_parties, cs.n_issues
    red = _red_line_rules(cs)
    if holds is None:
        holds = np.ones((n_s, len(red)), dtype=bool)
    holds = np.asarray(holds, dtype=bool).reshape(n_s, -1)
    if weights.shape != (n_s, n_p, n) or reservations.shape != (n_s, n_p):
        raise ScenarioError(
            f"weights must be (S, {n_p}, {n}) and reservations (S, {n_p}), got "
            f"{weights.shape} and {reservations.shape}"
        )
    if holds.shape[1] != len(red):
        raise ScenarioError(f"holds must have one column per red line ({len(red)})")
    outcomes = outcome_grid(cs.sizes) if candidates is None else np.asarray(candidates, np.int64)
    outcomes = outcomes.reshape(-1, n)
    u = _utilities(cs, weights, outcomes)  # (S, P, M)
    crossed = crossed_rules(cs, outcomes)
    consistent = np.asarray(~crossed[:, cs.rule_owner < 0].any(axis=1))
    held_crossed = (crossed[:, red].astype(np.float64) @ holds.T.astype(np.float64)).T > 0
    reach = np.all(u >= zopa_threshold(cs, reservations)[:, :, None], axis=1)
    zopa = np.asarray(consistent[None, :] & ~held_crossed & reach)
    index = np.asarray(outcome_indices(cs.sizes, outcomes))
    chosen = {name: np.full(n_s, -1, dtype=np.int64) for name in solutions}
    for s in range(n_s):
        rows = np.flatnonzero(zopa[s])
        if not len(rows):
            continue
        front_u = u[s][:, rows].T
        on = rows[pareto_mask(front_u, tol=cs.rounding_slack)]
        for name in solutions:
            row = select_solution(name, u[s][:, on].T, index[on], reservations[s], cs.power)
            if row is not None:
                chosen[name][s] = on[row]
    return SampleSolutions(outcomes, zopa, chosen)


def _utilities(cs: CompiledScenario, weights: FloatArray, outcomes: IntArray) -> FloatArray:
    """``(S, P, M)``: every sample's utilities of ``outcomes`` (see the module Notation)."""
    bonus = np.zeros((cs.n_parties, len(outcomes)))
    for region, b in zip(cs.terms, cs.term_bonus, strict=True):
        bonus += b[:, None] * region.contains(outcomes)[None, :]
    u = np.broadcast_to(bonus, (len(weights), *bonus.shape)).copy()
    for i, table in enumerate(weighted_tables(cs.scenario, weights)):  # as compile_scenario
        u += table[:, :, outcomes[:, i]]
    return np.asarray(np.minimum(u, cs.cap[None, :, None]))
