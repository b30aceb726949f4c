"""The outcome space as a 0/1 integer programme, solved with HiGHS through
:func:`scipy.optimize.milp`.

Notation
--------
One binary ``x_ik`` per issue ``i`` and option ``k`` with ``sum_k x_ik = 1``. For a hyperrectangle
``R`` with issues ``I_R`` let ``z_i(R) = sum_{k in R_i} x_ik`` (1 when issue ``i`` takes an allowed
option). An interaction term ``t`` gets a binary ``y_t`` with ``y_t <= z_i`` for each of its issues
and ``y_t >= sum_i z_i - (|I_t| - 1)``, so ``y_t = 1`` exactly when the outcome lies in ``R_t``. A
tracked region (a rule the outcome must not cross) is forbidden by ``sum_i z_i <= |I_R| - 1``; a
red-line region of rule ``r`` forces the rule's crossing indicator
``c_r >= sum_i z_i - (|I_R| - 1)``.
Utilities are ``w_p <= s_p (sum_ik values[i][p, k] x_ik + sum_t b_tp y_t)`` and ``w_p <= s_p cap_p``
with a scale ``s_p > 0``; wherever the objective or a constraint wants ``w_p`` high,
``w_p = s_p min(cap_p, raw utility)``.

Exactness
---------
HiGHS works in floating point with a feasibility tolerance of about ``1e-7``. When every value,
bonus and cap of party ``p`` is a multiple of ``1 / s_p`` for a moderate integer ``s_p`` (GENIUS
hyperrectangle profiles: ``utility / maxutility``; decimal weights and values), the scaled utilities
are integers, ``w_p`` is declared integer and the programme is exact: "at least one unit more" is
the constraint ``w_p >= v + 1``. Otherwise (``s_p = 1``) a step of :data:`FLOAT_STEP` separates
points, and two frontier points closer than that in a utility can be missed; the result says which.
Either way every outcome returned is re-evaluated exactly by the caller (the solver's quantised
arithmetic), so reported utilities are exact.

The Pareto frontier of two parties is found by the lexicographic epsilon-constraint method
(Haimes, Lasdon & Wismer 1971; Mavrotas 2009): maximise ``w_0`` subject to ``w_1 >= eps``, then
``w_1`` subject to ``w_0`` at that optimum, and step ``eps`` just past the point found; the last,
infeasible, solve proves there is no other point. In integer units the two maximisations are one,
of ``M w_0 + w_1`` with ``M`` above the range of ``w_1``, so each frontier vector costs one solve.

HiGHS's presolve is switched off. With it, HiGHS 1.12 (scipy 1.17) spins forever, ignoring its
time limit, on some small programmes of this form (a 12-outcome scenario is pinned in
``tests/solver/test_milp_hang.py``), and aborted the interpreter on another; the same programmes
solve at once without it. It costs little here: 30issues takes 10 s instead of 8.4 s, the others
no measurable time.

References: Nemhauser & Wolsey (1988), Integer and Combinatorial Optimization; Huangfu & Hall
(2018), "Parallelizing the dual revised simplex method", Math. Prog. Comp. 10 (HiGHS).
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from simulator.compiled import (
    BoolArray,
    CompiledScenario,
    FloatArray,
    IntArray,
    Region,
    crossed_rules,
    evaluate_utilities,
)

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

__all__ = [
    "FLOAT_STEP",
    "MilpFrontier",
    "OutcomeProgram",
    "closest_incumbent",
    "frontier_two_parties",
    "integer_scale",
    "optimum",
]

#: Step between frontier points when utilities cannot be scaled to integers.
FLOAT_STEP = 1e-7
#: Largest denominator tried when scaling a party's utilities to integers.
MAX_DENOMINATOR = 10**6
#: Largest scaled utility for which HiGHS is trusted to be exact in integers.
MAX_SCALED = 2.0**40
#: Time limit of one HiGHS solve, seconds.
TIME_LIMIT = 60.0

Row = tuple[dict[int, float], float, float]


class MilpError(RuntimeError):
    """HiGHS stopped without proving optimality (time limit or numerical trouble)."""


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence file descriptor 1 while HiGHS runs: with ``disp`` off it can still print a line
    (seen: ``HighsMipSolverData::transformNewIntegerFeasibleSolution``), which would corrupt the
    CLI's ``--json`` output."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        # no real stdout (e.g. captured): nothing to guard
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def integer_scale(cs: CompiledScenario) -> FloatArray | None:
    """Per party, the least integer ``s_p`` making every value, bonus and finite cap times ``s_p``
    an integer.

    Returns None when some coefficient is not a fraction with denominator up to
    :data:`MAX_DENOMINATOR` (to within a few quanta) or the scaled utilities would exceed
    :data:`MAX_SCALED`.

    >>> from simulator.synthetic import synthetic_scenario
    >>> from simulator.compiled import compile_scenario
    >>> integer_scale(compile_scenario(synthetic_scenario(2, 3, 2, seed=1))) is None
    True
    """
    scale = np.ones(cs.n_parties)
    for p in range(cs.n_parties):
        coefs = [float(x) for t in cs.values for x in t[p] if x != 0]
        coefs += [float(b) for b in cs.term_bonus[:, p] if b != 0]
        if np.isfinite(cs.cap[p]):
            coefs.append(float(cs.cap[p]))
        den = 1
        for c in coefs:
            f = Fraction(c).limit_denominator(MAX_DENOMINATOR)
            if abs(float(f) - c) > 4 * cs.rounding_slack:
                return None
            den = math.lcm(den, f.denominator)
            if den > MAX_DENOMINATOR:
                return None
        top = sum(float(np.abs(t[p]).max()) for t in cs.values if t.size)
        top += float(np.abs(cs.term_bonus[:, p]).sum())
        if top * den > MAX_SCALED:
            return None
        scale[p] = den
    return scale


@dataclass
class OutcomeProgram:
    """Variable layout and constraint rows of the 0/1 programme of one compiled scenario."""

    cs: CompiledScenario
    allowed: list[BoolArray]
    x_start: list[int]
    n_x: int
    y0: int
    c0: int
    w0: int
    s: int
    n_vars: int
    rows: list[Row]
    scale: FloatArray = field(default_factory=lambda: np.ones(0))
    integral_w: bool = False
    free_s: bool = False  # the auxiliary variable s may be negative (else s >= 0, a shortfall)
    solves: int = 0
    _matrix: tuple[csr_matrix, FloatArray, FloatArray] | None = None

    @classmethod
    def build(
        cls,
        cs: CompiledScenario,
        tracked: BoolArray,
        red_rules: IntArray,
        scale: FloatArray | None = None,
    ) -> OutcomeProgram:
        """Crossing ``tracked`` regions forbidden; crossing indicators for ``red_rules``.

        ``scale`` multiplies each party's utility row (see the module Notation); with an integer
        scale from :func:`integer_scale` the ``w_p`` are declared integer.
        """
        allowed = [np.ones(k, dtype=bool) for k in cs.sizes]
        for region, t in zip(cs.regions, tracked, strict=True):
            if t and len(region.issues) == 1:
                allowed[region.issues[0]] &= ~region.masks[0]
        x_start, n = [], 0
        for k in cs.sizes:
            x_start.append(n)
            n += k
        y0 = n
        c0 = y0 + len(cs.terms)
        w0 = c0 + len(red_rules)
        s = w0 + cs.n_parties
        prog = cls(cs, allowed, x_start, n, y0, c0, w0, s, s + 1, [])
        prog.scale = np.ones(cs.n_parties) if scale is None else np.asarray(scale, dtype=float)
        prog.integral_w = scale is not None
        for i, k in enumerate(cs.sizes):
            prog.rows.append(({x_start[i] + j: 1.0 for j in range(k)}, 1.0, 1.0))
        for t, region in enumerate(cs.terms):
            for i, m in zip(region.issues, region.masks, strict=True):
                row = prog._z(i, m, -1.0)
                row[y0 + t] = 1.0
                prog.rows.append((row, -np.inf, 0.0))
            row = prog._sum_z(region, -1.0)
            row[y0 + t] = 1.0
            prog.rows.append((row, -(len(region.issues) - 1), np.inf))
        rule_pos = {int(r): j for j, r in enumerate(red_rules)}
        for region, r, t in zip(cs.regions, cs.region_rule, tracked, strict=True):
            if t and len(region.issues) > 1:
                prog.rows.append((prog._sum_z(region, 1.0), -np.inf, len(region.issues) - 1))
            elif int(r) in rule_pos:
                row = prog._sum_z(region, 1.0)
                row[c0 + rule_pos[int(r)]] = -1.0
                prog.rows.append((row, -np.inf, len(region.issues) - 1))
        for p in range(cs.n_parties):
            sp = prog.scale[p]
            row = {w0 + p: 1.0}
            for i, table in enumerate(cs.values):
                for j in range(cs.sizes[i]):
                    if table[p, j] != 0:
                        row[x_start[i] + j] = -prog._coef(float(table[p, j]), sp)
            for t in range(len(cs.terms)):
                if cs.term_bonus[t, p] != 0:
                    row[y0 + t] = -prog._coef(float(cs.term_bonus[t, p]), sp)
            prog.rows.append((row, -np.inf, 0.0))
        return prog

    def _coef(self, c: float, scale: float) -> float:
        return float(round(c * scale)) if self.integral_w else c * scale

    def _z(self, issue: int, mask: BoolArray, coef: float) -> dict[int, float]:
        return {self.x_start[issue] + int(j): coef for j in np.flatnonzero(mask)}

    def _sum_z(self, region: Region, coef: float) -> dict[int, float]:
        row: dict[int, float] = {}
        for i, m in zip(region.issues, region.masks, strict=True):
            row.update(self._z(i, m, coef))
        return row

    @staticmethod
    def _csr(rows: list[Row], n_vars: int) -> tuple[csr_matrix, FloatArray, FloatArray]:
        from scipy.sparse import csr_matrix

        indptr, indices, data = [0], list[int](), list[float]()
        lo = np.empty(len(rows))
        hi = np.empty(len(rows))
        for r, (coefs, low, high) in enumerate(rows):
            indices.extend(coefs.keys())
            data.extend(coefs.values())
            indptr.append(len(indices))
            lo[r], hi[r] = low, high
        a = csr_matrix((data, indices, indptr), shape=(len(rows), n_vars), dtype=np.float64)
        return a, lo, hi

    def utility_cap(self, p: int) -> float:
        """Upper bound of ``w_p`` (scaled)."""
        cap = float(self.cs.cap[p])
        if not np.isfinite(cap):
            return np.inf
        return self._coef(cap, float(self.scale[p]))

    def solve(
        self,
        objective: FloatArray,
        extra: list[Row] | tuple[Row, ...] = (),
        time_limit: float = TIME_LIMIT,
    ) -> FloatArray | None:
        """Minimise ``objective . v``; the solution vector, or None if infeasible.

        Raises
        ------
        MilpError
            If HiGHS stops without an optimal solution or a proof of infeasibility.
        """
        from scipy.optimize import Bounds, LinearConstraint, milp  # imported when first needed
        from scipy.sparse import vstack

        if self._matrix is None:
            self._matrix = self._csr(self.rows, self.n_vars)
        a, lo, hi = self._matrix
        if extra:
            ea, elo, ehi = self._csr(list(extra), self.n_vars)
            a, lo, hi = (
                vstack([a, ea], format="csr"),
                np.concatenate([lo, elo]),
                np.concatenate([hi, ehi]),
            )
        lb = np.zeros(self.n_vars)
        ub = np.ones(self.n_vars)
        for i, m in enumerate(self.allowed):
            ub[self.x_start[i] : self.x_start[i] + len(m)] = m.astype(float)
        n_p = self.cs.n_parties
        lb[self.w0 : self.w0 + n_p] = -np.inf
        ub[self.w0 : self.w0 + n_p] = [self.utility_cap(p) for p in range(n_p)]
        lb[self.s] = -np.inf if self.free_s else 0.0
        ub[self.s] = np.inf
        integrality = np.zeros(self.n_vars)
        integrality[: self.w0] = 1
        if self.integral_w:
            integrality[self.w0 : self.w0 + n_p] = 1
        self.solves += 1
        with _quiet_stdout():
            res = milp(
                objective,
                constraints=LinearConstraint(a, lo, hi),
                bounds=Bounds(lb, ub),
                integrality=integrality,
                options={
                    "time_limit": time_limit,
                    "mip_rel_gap": 0.0,
                    "disp": False,
                    "presolve": False,  # see the module docstring: it can hang HiGHS 1.12
                },
            )
        if res.status == 2:
            return None
        if res.status != 0 or res.x is None:
            raise MilpError(f"HiGHS stopped without an optimal solution: {res.message}")
        return np.asarray(res.x)

    def outcome(self, v: FloatArray) -> IntArray:
        """Option indices of the outcome a solution vector encodes."""
        return np.array(
            [
                int(np.argmax(v[s : s + k]))
                for s, k in zip(self.x_start, self.cs.sizes, strict=True)
            ],
            dtype=np.int64,
        )

    def objective(self, coefs: dict[int, float]) -> FloatArray:
        obj = np.zeros(self.n_vars)
        for j, c in coefs.items():
            obj[j] = c
        return obj

    def at_least(self, p: int, value: float) -> Row:
        """The row ``w_p >= value`` (``value`` in utility units), rounded up in integer mode.

        In integer mode a value within the rounding slack above an integer is that integer, so an
        outcome whose exact utility equals ``value`` is not cut off by the compiler's rounding.
        """
        v = value * float(self.scale[p])
        if self.integral_w:
            v = float(math.ceil(v - 1e-6))
        return ({self.w0 + p: 1.0}, v, np.inf)

    def scaled_utility(self, u: FloatArray) -> FloatArray:
        """Utilities ``(P,)`` in the programme's units (integers in integer mode)."""
        v = np.asarray(u, dtype=float) * self.scale
        return np.round(v) if self.integral_w else v


def closest_incumbent(
    cs: CompiledScenario, d: FloatArray, tracked: BoolArray, red_rules: IntArray
) -> IntArray | None:
    """A (near-)optimal outcome for (fewest ``red_rules`` crossed, smallest largest shortfall below
    ``d``), or None when no outcome avoids the ``tracked`` regions.

    Three programmes: the fewest crossings; the smallest shortfall with that many; the largest sum
    of utilities among those (the solver's tie-break).
    """
    prog = OutcomeProgram.build(cs, tracked, red_rules)
    short_rows = [
        ({prog.s: 1.0, prog.w0 + p: 1.0}, float(d[p]), np.inf) for p in range(cs.n_parties)
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
    obj[prog.w0 : prog.s] = -1.0
    third = prog.solve(obj, [*short_rows, limit, within])
    return prog.outcome(third if third is not None else second)


@dataclass(frozen=True, eq=False)
class MilpFrontier:
    """A frontier found by epsilon-constraint: one witness outcome per utility vector.

    ``utilities`` are the witnesses' exact (compiled) utilities; ``exact`` says whether the
    programme ran in integer units (see the module Notation); ``solves`` counts HiGHS solves.
    """

    outcomes: IntArray  # (F, n)
    utilities: FloatArray  # (F, 2)
    exact: bool
    solves: int


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
    cs: CompiledScenario, tracked: BoolArray, threshold: FloatArray | None = None
) -> MilpFrontier:
    """The Pareto frontier of two parties over the outcomes that avoid ``tracked`` regions (and
    reach ``threshold``), by lexicographic epsilon-constraint (see the module docstring).

    Raises
    ------
    MilpError
        If a solve fails (time limit) or returns an outcome that breaks a constraint.
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
    floor: Row | None = None
    while True:
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
        if us and not (u[1] > us[-1][1] + cs.rounding_slack):
            raise MilpError("the epsilon-constraint step did not advance; numerical trouble")
        outs.append(out)
        us.append(u)
        w1 = prog.scaled_utility(u)[1]
        floor = ({prog.w0 + 1: 1.0}, w1 + (1.0 if scale is not None else FLOAT_STEP), np.inf)
    n = cs.n_issues
    return MilpFrontier(
        np.array(outs, dtype=np.int64).reshape(-1, n),
        np.array(us, dtype=np.float64).reshape(-1, 2),
        scale is not None,
        prog.solves,
    )


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
