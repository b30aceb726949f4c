"""What the samples of one scenario share before their searches: held regions, plans, bounds.

Notation
--------
``S`` samples of one compiled scenario: value tables ``tables[i]`` ``(S, P, k_i)`` (sampled
weights), red lines holding ``holds`` ``(S, L)`` and thresholds ``(S, P)``. Sample ``s`` searches
the outcomes that cross none of its *held regions* (every consistency constraint and its held red
lines): a plan (:func:`~simulator.solver.search.make_plan`) whose *structure* (the options left
after the one-issue regions, the search order, where each term and region is decided, the inner
block's region masks) depends on the held regions only, and whose *bounds* (the ``rest_max``,
``rest_min`` and combined tables, the inner block's utilities) on the sample's values.

- :func:`held_region_matrix`: every sample's held regions in one operation;
- :func:`empty_at_root`: every sample's bound at the root in one operation: the sum over issues of
  each party's best allowed option, positive bonuses and caps included. A sample where some party
  cannot reach its threshold even there has an empty zone, and needs no plan and no search;
- :func:`revalued`: a plan for another sample with the same held regions: the structure is shared
  (including the inner masks, which are built once for all the samples that share it), the bounds
  are the sample's, bit for bit what :func:`~simulator.solver.search.make_plan` computes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from simulator.compiled import BoolArray, CompiledScenario, FloatArray
from simulator.solver.blocks import _outer_sum
from simulator.solver.search import Plan

__all__ = ["ROOT_MARGIN", "empty_at_root", "held_region_matrix", "revalued"]

#: Relative margin on the root test: a sample is called empty only when its bound misses the
#: threshold by more than float rounding could (far below any difference a scenario states).
ROOT_MARGIN = 1e-9


def held_region_matrix(cs: CompiledScenario, holds: BoolArray) -> BoolArray:
    """``(S, R)``: the regions in force in each sample (red lines ``holds`` ``(S, L)``, in the
    order of ``cs.rules`` with an owner): :func:`~.nash_search.held_regions` for all at once."""
    holds = np.asarray(holds, dtype=bool).reshape(len(holds), -1)
    in_force = np.ones((len(holds), len(cs.rules)), dtype=bool)
    in_force[:, np.flatnonzero(cs.rule_owner >= 0)] = holds
    return np.asarray(in_force[:, cs.region_rule]).reshape(len(holds), len(cs.regions))


def empty_at_root(
    cs: CompiledScenario,
    tables: Sequence[FloatArray],
    regions: BoolArray,
    thresholds: FloatArray,
) -> BoolArray:
    """``(S,)``: samples whose zone is certainly empty: some party's best utility over the options
    the held one-issue regions (``regions`` ``(S, R)``) leave, with every positive bonus and the
    cap, is below its threshold (``(S, P)``) by more than :data:`ROOT_MARGIN`."""
    n_samples = len(thresholds)
    upper = np.zeros((n_samples, cs.n_parties))
    forbidden = [np.zeros((n_samples, k), dtype=bool) for k in cs.sizes]
    for r, region in enumerate(cs.regions):
        if len(region.issues) == 1:
            i = region.issues[0]
            forbidden[i] |= regions[:, r, None] & region.masks[0][None, :]
    for i, table in enumerate(tables):
        masked = np.where(forbidden[i][:, None, :], -np.inf, table)
        upper += masked.max(axis=2)
    upper += np.maximum(cs.term_bonus, 0.0).sum(axis=0)[None, :]
    upper = np.minimum(upper, cs.cap[None, :])
    slack = ROOT_MARGIN * (1.0 + np.abs(np.where(np.isfinite(upper), upper, 0.0)))
    return np.asarray((upper + slack < thresholds).any(axis=1))


def revalued(plan: Plan, cs: CompiledScenario) -> Plan:
    """``plan`` (made for a sample with the same held regions and the same consistency rules) with
    the bounds of ``cs``, another sample's values: the result equals
    ``make_plan(cs, plan.tracked_regions, order=plan.order)`` field for field, inner masks
    shared."""
    if plan.empty:  # nothing to search, nothing to bound
        return replace(plan, cs=cs, scratch={})
    n, n_p = cs.n_issues, cs.n_parties
    tables = [cs.values[i][:, plan.allowed[i]] for i in plan.order]
    rest_max, rest_min = np.zeros((n + 1, n_p)), np.zeros((n + 1, n_p))
    rest_max_lam = np.zeros((n + 1, len(plan.lam)))
    for p in range(n - 1, -1, -1):
        vals = tables[p]
        rest_max[p] = rest_max[p + 1] + vals.max(axis=1)
        rest_min[p] = rest_min[p + 1] + vals.min(axis=1)
        rest_max_lam[p] = rest_max_lam[p + 1] + (plan.lam @ vals).max(axis=1)
    by_party = _outer_sum(tables[plan.n_outer :], n_p)
    return replace(
        plan,
        cs=cs,
        rest_max=rest_max,
        rest_min=rest_min,
        rest_max_lam=rest_max_lam,
        inner_values=np.ascontiguousarray(by_party.T),
        inner_by_party=by_party,
        scratch={},
    )
