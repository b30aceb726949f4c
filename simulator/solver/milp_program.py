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
points (more, up to ``milp.MAX_FLOAT_STEP``, where HiGHS meets the step within its own tolerance by
returning the last point again), and two frontier points closer than that in a utility can be
missed; the result says which.
Either way every outcome returned is re-evaluated exactly by the caller (the solver's quantised
arithmetic), so reported utilities are exact.

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
)
from simulator.solver.budget import OverBudget, seconds_left

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

__all__ = [
    "FLOAT_STEP",
    "MAX_DENOMINATOR",
    "MAX_SCALED",
    "TIME_LIMIT",
    "MilpError",
    "OutcomeProgram",
    "Row",
    "integer_scale",
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
    """HiGHS stopped without proving optimality (time limit or numerical trouble);
    ``timed_out`` says it was its own per-solve time limit (:data:`TIME_LIMIT`)."""

    def __init__(self, message: str, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


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

        ``time_limit`` is HiGHS's own (seconds), cut to what is left of the current
        :func:`~simulator.solver.budget.time_limit` scope.

        Raises
        ------
        MilpError
            If HiGHS stops without an optimal solution or a proof of infeasibility.
        OverBudget
            If the scope's deadline has passed, before or during the solve (``budget`` "time").
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
        time_limit = seconds_left(time_limit)  # within the time_limit scope, if any
        if time_limit <= 0:
            raise OverBudget("time", stage="the integer programme")
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
        if res.status == 1 and seconds_left() <= 0:
            raise OverBudget("time", stage="the integer programme")
        if res.status != 0 or res.x is None:
            raise MilpError(
                f"HiGHS stopped without an optimal solution: {res.message}", res.status == 1
            )
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
