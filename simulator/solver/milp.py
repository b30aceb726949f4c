"""Questions answered by the 0/1 integer programme (:mod:`~simulator.solver.milp_program`): the
two-party Pareto frontier, an optimum or a feasible outcome, the closest-outcome incumbent.

The Pareto frontier of two parties is found by the lexicographic epsilon-constraint method
(Haimes, Lasdon & Wismer 1971; Mavrotas 2009): maximise ``w_0`` subject to ``w_1 >= eps``, then
``w_1`` subject to ``w_0`` at that optimum, and step ``eps`` just past the point found; the last,
infeasible, solve proves there is no other point. In integer units the two maximisations are one,
of ``M w_0 + w_1`` with ``M`` above the range of ``w_1``, so each frontier vector costs one solve.

Every outcome returned is re-evaluated exactly by the caller (the solver's quantised arithmetic).

References: Nemhauser & Wolsey (1988), Integer and Combinatorial Optimization; Huangfu & Hall
(2018), "Parallelizing the dual revised simplex method", Math. Prog. Comp. 10 (HiGHS).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulator.compiled import (
    BoolArray,
    CompiledScenario,
    FloatArray,
    IntArray,
    crossed_rules,
    evaluate_utilities,
)
from simulator.progress import StageProgress
from simulator.solver.budget import OverBudget
from simulator.solver.milp_program import (
    FLOAT_STEP,
    MilpError,
    OutcomeProgram,
    Row,
    integer_scale,
)

#: The largest step a float sweep takes past a point HiGHS returned twice (see the sweep).
MAX_FLOAT_STEP = 1e-5

__all__ = [
    "FLOAT_STEP",
    "MAX_FLOAT_STEP",
    "MilpError",
    "MilpFrontier",
    "OutcomeProgram",
    "closest_incumbent",
    "extreme_outcomes",
    "frontier_two_parties",
    "integer_scale",
    "optimum",
]


def closest_incumbent(
    cs: CompiledScenario, d: FloatArray, r: FloatArray, tracked: BoolArray, red_rules: IntArray
) -> IntArray | None:
    """A (near-)optimal outcome for (fewest ``red_rules`` crossed, smallest largest shortfall below
    ``d`` normalised by the ranges ``r``), or None when no outcome avoids the ``tracked`` regions.

    Three programmes: the fewest crossings; the smallest normalised shortfall ``s`` with that many
    (``r_p s + w_p >= d_p`` for each party with ``r_p > 0``); the largest sum of normalised
    utilities ``w_p / r_p`` among those (the solver's tie-break; see
    :mod:`~simulator.solver.closest`).
    """
    prog = OutcomeProgram.build(cs, tracked, red_rules)
    short_rows = [
        ({prog.s: float(r[p]), prog.w0 + p: 1.0}, float(d[p]), np.inf)
        for p in range(cs.n_parties)
        if r[p] > 0
    ]
    obj = np.zeros(prog.n_vars)
    obj[prog.c0 : prog.w0] = 1.0
    first = prog.solve(obj, short_rows)
    if first is None:
        return None
    fewest = round(float(first[prog.c0 : prog.w0].sum()))
    limit = ({prog.c0 + j: 1.0 for j in range(len(red_rules))}, -np.inf, fewest + 0.5)
    obj = np.zeros(prog.n_vars)
    obj[prog.s] = 1.0
    second = prog.solve(obj, [*short_rows, limit])
    if second is None:
        return prog.outcome(first)
    within = ({prog.s: 1.0}, -np.inf, float(second[prog.s]) + 1e-9)
    obj = np.zeros(prog.n_vars)
    for p in range(cs.n_parties):
        if r[p] > 0:
            obj[prog.w0 + p] = -1.0 / float(r[p])
    third = prog.solve(obj, [*short_rows, limit, within])
    return prog.outcome(third if third is not None else second)


def extreme_outcomes(
    cs: CompiledScenario, tracked: BoolArray
) -> tuple[list[IntArray | None], bool]:
    """Per party ``p``, an outcome minimising and one maximising its uncapped utility over the
    outcomes that avoid ``tracked`` regions (list ``[min_0, max_0, min_1, ...]``, None where there
    is none or HiGHS fails), and whether the programme ran in integer units (then each optimum is
    exact; see :mod:`~simulator.solver.milp_program`). The objective is the utility's linear form
    in the ``x`` and ``y`` variables, exact in both directions (``w_p`` is only bounded above)."""
    scale = integer_scale(cs)
    prog = OutcomeProgram.build(cs, tracked, np.zeros(0, dtype=np.int64), scale)
    found: list[IntArray | None] = []
    for p in range(cs.n_parties):
        sp = 1.0 if scale is None else float(scale[p])
        form = np.zeros(prog.n_vars)
        for i, table in enumerate(cs.values):
            for j in range(cs.sizes[i]):
                form[prog.x_start[i] + j] = prog._coef(float(table[p, j]), sp)
        for t in range(len(cs.terms)):
            form[prog.y0 + t] = prog._coef(float(cs.term_bonus[t, p]), sp)
        for sign in (1.0, -1.0):
            try:
                v = prog.solve(sign * form)
            except MilpError:
                v = None
            found.append(None if v is None else prog.outcome(v))
    return found, scale is not None


@dataclass(frozen=True, eq=False)
class MilpFrontier:
    """A frontier found by epsilon-constraint: one witness outcome per utility vector.

    ``utilities`` are the witnesses' exact (compiled) utilities; ``exact`` says whether the
    programme ran in integer units (see the module Notation); ``solves`` counts HiGHS solves;
    ``complete`` is False when the time limit ended the sweep (the points found are frontier
    points, from the ``u_0``-best end, but the rest is missing).
    """

    outcomes: IntArray  # (F, n)
    utilities: FloatArray  # (F, 2)
    exact: bool
    solves: int
    complete: bool = True


def _witness(
    prog: OutcomeProgram, v: FloatArray, tracked: BoolArray
) -> tuple[IntArray, FloatArray]:
    cs = prog.cs
    out = prog.outcome(v)
    if tracked.any():
        crossed = crossed_rules(cs, out[None, :])[0]
        regions = np.flatnonzero(tracked)
        if crossed[np.unique(cs.region_rule[regions])].any():
            raise MilpError("HiGHS returned an outcome that crosses a tracked rule")
    return out, evaluate_utilities(cs, out[None, :])[0]


def frontier_two_parties(
    cs: CompiledScenario,
    tracked: BoolArray,
    threshold: FloatArray | None = None,
    progress: StageProgress | None = None,
) -> MilpFrontier:
    """The Pareto frontier of two parties over the outcomes that avoid ``tracked`` regions (and
    reach ``threshold``), by lexicographic epsilon-constraint (see the module docstring).

    The sweep stops at the current ``time_limit`` scope's deadline, or when one solve reaches
    HiGHS's own time limit (``complete`` False either way). ``progress`` gets, after each point,
    how far ``u_1`` has climbed from the first point towards its largest possible value (a
    monotone estimate: the sweep ends at or before it).

    Raises
    ------
    MilpError
        If a solve fails (numerical trouble) or returns an outcome that breaks a constraint.
    ValueError
        If the scenario does not have exactly two parties.
    """
    if cs.n_parties != 2:
        raise ValueError("the epsilon-constraint frontier is implemented for two parties")
    tracked = np.asarray(tracked, dtype=bool)
    scale = integer_scale(cs)
    prog = OutcomeProgram.build(cs, tracked, np.zeros(0, dtype=np.int64), scale)
    base: list[Row] = []
    if threshold is not None:
        base = [
            prog.at_least(p, float(threshold[p])) for p in range(2) if np.isfinite(threshold[p])
        ]
    first, second = prog.objective({prog.w0: -1.0}), prog.objective({prog.w0 + 1: -1.0})
    if scale is not None:
        # in integer units, max w_0 then max w_1 is one solve: max M w_0 + w_1 with M > range(w_1)
        first = prog.objective(
            {prog.w0: -(_range(cs, 1, float(scale[1])) + 1.0), prog.w0 + 1: -1.0}
        )
    outs: list[IntArray] = []
    us: list[FloatArray] = []
    step = FLOAT_STEP
    floor: Row | None = None
    complete = True
    while True:
        try:
            v = prog.solve(first, [*base, *([floor] if floor else [])])
            if v is None:
                break
            out, u = _witness(prog, v, tracked)
            if scale is None:
                hold = ({prog.w0: 1.0}, float(v[prog.w0]) - FLOAT_STEP / 10, np.inf)
                v2 = prog.solve(second, [*base, *([floor] if floor else []), hold])
                if v2 is not None:
                    out2, u2 = _witness(prog, v2, tracked)
                    if u2[0] >= u[0] - cs.rounding_slack and u2[1] >= u[1] - cs.rounding_slack:
                        out, u = out2, u2
        except (OverBudget, MilpError) as e:  # a time limit: keep the points, say some are missing
            if isinstance(e, MilpError) and not e.timed_out:
                raise
            complete = False
            break
        if us and not (u[1] > us[-1][1] + cs.rounding_slack):
            # in floats HiGHS may meet "w_1 >= previous + step" within its feasibility tolerance
            # (1e-7, the step) with the previous point itself: step further, up to MAX_STEP
            if scale is not None or step * 10 > MAX_FLOAT_STEP:
                raise MilpError("the epsilon-constraint step did not advance; numerical trouble")
            step *= 10
            w1 = prog.scaled_utility(us[-1])[1]
            floor = ({prog.w0 + 1: 1.0}, w1 + step, np.inf)
            continue
        step = FLOAT_STEP
        outs.append(out)
        us.append(u)
        if progress:
            span = min(float(cs.cap[1]), _range_top(cs, 1)) - float(us[0][1])
            climbed = (float(u[1]) - float(us[0][1])) / span if span > 0 else 1.0
            progress(min(max(climbed, 0.0), 0.99))
        w1 = prog.scaled_utility(u)[1]
        floor = ({prog.w0 + 1: 1.0}, w1 + (1.0 if scale is not None else step), np.inf)
    if progress:
        progress(1.0)
    n = cs.n_issues
    return MilpFrontier(
        np.array(outs, dtype=np.int64).reshape(-1, n),
        np.array(us, dtype=np.float64).reshape(-1, 2),
        scale is not None,
        prog.solves,
        complete,
    )


def _range_top(cs: CompiledScenario, p: int) -> float:
    """An upper bound on party ``p``'s uncapped utility over the space."""
    top = sum(float(t[p].max()) for t in cs.values if t.size)
    return top + float(np.maximum(cs.term_bonus[:, p], 0.0).sum())


def _range(cs: CompiledScenario, p: int, scale: float) -> float:
    """An upper bound on ``max - min`` of party ``p``'s scaled utility over the space."""
    hi = sum(float(t[p].max()) for t in cs.values if t.size)
    lo = sum(float(t[p].min()) for t in cs.values if t.size)
    hi += float(np.maximum(cs.term_bonus[:, p], 0.0).sum())
    lo += float(np.minimum(cs.term_bonus[:, p], 0.0).sum())
    return float(math.ceil((hi - lo) * scale)) + 1.0


def optimum(
    cs: CompiledScenario,
    tracked: BoolArray,
    threshold: FloatArray | None,
    criterion: str,
    d: FloatArray | None = None,
) -> IntArray | None:
    """An outcome maximising ``utilitarian`` (sum of utilities) or ``egalitarian`` (the smallest
    gain ``u_p - d_p``) over the outcomes that avoid ``tracked`` regions and reach ``threshold``;
    None if there is none. ``exists`` returns any such outcome (ZOPA existence as feasibility).

    Raises
    ------
    ValueError
        For another criterion.
    MilpError
        If HiGHS fails.
    """
    tracked = np.asarray(tracked, dtype=bool)
    prog = OutcomeProgram.build(cs, tracked, np.zeros(0, dtype=np.int64))
    rows: list[Row] = []
    if threshold is not None:
        rows = [prog.at_least(p, float(threshold[p])) for p in range(cs.n_parties)]
    n_p = cs.n_parties
    if criterion == "utilitarian":
        obj = prog.objective({prog.w0 + p: -1.0 for p in range(n_p)})
    elif criterion == "egalitarian":
        prog.free_s = True
        gains = np.zeros(n_p) if d is None else np.asarray(d, dtype=float)
        # s <= w_p - d_p for every party; maximise s
        rows += [({prog.w0 + p: 1.0, prog.s: -1.0}, float(gains[p]), np.inf) for p in range(n_p)]
        obj = prog.objective({prog.s: -1.0})
    elif criterion == "exists":
        obj = prog.objective({})
    else:
        raise ValueError(f"unknown criterion {criterion!r}")
    v = prog.solve(obj, rows)
    return None if v is None else prog.outcome(v)
