"""The outcome space as a 0/1 integer programme, solved with HiGHS through :func:`scipy.optimize.milp`.

Notation
--------
One binary ``x_ik`` per issue ``i`` and option ``k`` with ``sum_k x_ik = 1``. For a hyperrectangle ``R``
with issues ``I_R`` let ``z_i(R) = sum_{k in R_i} x_ik`` (1 when issue ``i`` takes an allowed option).
An interaction term ``t`` gets a binary ``y_t`` with ``y_t <= z_i`` for each of its issues and
``y_t >= sum_i z_i - (|I_t| - 1)``, so ``y_t = 1`` exactly when the outcome lies in ``R_t``. A
consistency region is forbidden by ``sum_i z_i <= |I_R| - 1``; a red-line region of rule ``r`` forces the
rule's crossing indicator ``c_r >= sum_i z_i - (|I_R| - 1)``. Utilities are
``w_p <= sum_ik values[i][p, k] x_ik + sum_t b_tp y_t`` and ``w_p <= cap_p``; wherever the objective
wants ``w_p`` high, ``w_p = min(cap_p, raw utility)``.

The programme is exact for the model; HiGHS solves it to its feasibility tolerance (about 1e-9), so
callers re-evaluate the outcome it returns exactly and use it as an incumbent for the exact search.
Reference: Nemhauser & Wolsey (1988), Integer and Combinatorial Optimization; Huangfu & Hall (2018),
HiGHS.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from simulator.compiled import BoolArray, CompiledScenario, FloatArray, IntArray, Region

__all__ = ["OutcomeProgram", "closest_incumbent"]


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
    rows: list[tuple[dict[int, float], float, float]]

    @classmethod
    def build(cls, cs: CompiledScenario, tracked: BoolArray, red_rules: IntArray) -> OutcomeProgram:
        """Consistency with ``tracked`` regions forbidden; crossing indicators for ``red_rules``."""
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
            row = {w0 + p: 1.0}
            for i, table in enumerate(cs.values):
                for j in range(cs.sizes[i]):
                    if table[p, j] != 0:
                        row[x_start[i] + j] = -float(table[p, j])
            for t in range(len(cs.terms)):
                if cs.term_bonus[t, p] != 0:
                    row[y0 + t] = -float(cs.term_bonus[t, p])
            prog.rows.append((row, -np.inf, 0.0))
        return prog

    def _z(self, issue: int, mask: BoolArray, coef: float) -> dict[int, float]:
        return {self.x_start[issue] + int(j): coef for j in np.flatnonzero(mask)}

    def _sum_z(self, region: Region, coef: float) -> dict[int, float]:
        row: dict[int, float] = {}
        for i, m in zip(region.issues, region.masks, strict=True):
            row.update(self._z(i, m, coef))
        return row

    def solve(
        self,
        objective: FloatArray,
        extra: list[tuple[dict[int, float], float, float]] = (),  # type: ignore[assignment]
        time_limit: float = 60.0,
    ) -> FloatArray | None:
        """Minimise ``objective . v``; returns the solution vector, or None if infeasible."""
        rows = [*self.rows, *extra]
        a = lil_matrix((len(rows), self.n_vars))
        lo = np.empty(len(rows))
        hi = np.empty(len(rows))
        for r, (coefs, low, high) in enumerate(rows):
            for j, v in coefs.items():
                a[r, j] = v
            lo[r], hi[r] = low, high
        lb = np.zeros(self.n_vars)
        ub = np.ones(self.n_vars)
        for i, m in enumerate(self.allowed):
            ub[self.x_start[i] : self.x_start[i] + len(m)] = m.astype(float)
        cap = self.cs.cap
        lb[self.w0 : self.w0 + self.cs.n_parties] = -np.inf
        ub[self.w0 : self.w0 + self.cs.n_parties] = np.where(np.isfinite(cap), cap, np.inf)
        ub[self.s] = np.inf
        integrality = np.zeros(self.n_vars)
        integrality[: self.w0] = 1
        res = milp(
            objective,
            constraints=LinearConstraint(a.tocsr(), lo, hi),
            bounds=Bounds(lb, ub),
            integrality=integrality,
            options={"time_limit": time_limit, "mip_rel_gap": 0.0, "disp": False},
        )
        if res.x is None:
            return None
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


def closest_incumbent(
    cs: CompiledScenario, d: FloatArray, tracked: BoolArray, red_rules: IntArray
) -> IntArray | None:
    """A (near-)optimal outcome for (fewest ``red_rules`` crossed, smallest largest shortfall below
    ``d``), or None when no outcome avoids the ``tracked`` regions.

    Three programmes: the fewest crossings; the smallest shortfall with that many; the largest sum
    of utilities among those (the solver's tie-break).
    """
    prog = OutcomeProgram.build(cs, tracked, red_rules)
    short_rows = [({prog.s: 1.0, prog.w0 + p: 1.0}, float(d[p]), np.inf) for p in range(cs.n_parties)]
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
