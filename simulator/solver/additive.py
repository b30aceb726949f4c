"""The exact Pareto frontier of additive utilities without enumeration: a dynamic programme.

Notation
--------
``u(o) = min(cap, sum_i values[i][:, o_i])`` ``(P,)`` (no interaction terms). Issues are taken in an
order ``i_1, ..., i_n``; ``S_j`` is a set of partial sums ``s = sum_{l <= j} values[i_l][:, o_l]``
with one witness prefix each. ``S_0 = {0}`` and ``S_j`` is the Pareto set of the Minkowski sum
``S_{j-1} + V_{i_j}`` (``V_i`` the option vectors of issue ``i``). If ``s'`` dominates ``s`` then
``s' + v`` dominates ``s + v`` for every completion ``v``, so no frontier outcome is lost by keeping
only non-dominated partial sums (Bellman's principle for vector objectives; Kung, Luccio & Preparata
1975 for the merge; Klamroth & Wiecek 2000 for multi-objective knapsack DPs).

Two filters keep the programme exact with red lines and a reservation ``d``:

- options that a tracked one-issue rule forbids never enter (rules on several issues are not
  decomposable: the method does not apply, see :func:`applies`);
- a partial sum whose optimistic completion ``min(cap, s + sum_{l > j} max_k values[i_l][:, k])``
  misses ``d`` for some party is dropped. Domination stays valid under the filter: if ``s + v``
  reaches ``d`` so does ``s' + v``.

Equal partial sums keep one witness, so the result holds one outcome per utility vector (the
enumerating search lists every outcome). Dominance uses the compiler's rounding slack as tie
tolerance, as everywhere in the solver.
"""

from __future__ import annotations

import numpy as np

from simulator.compiled import BoolArray, CompiledScenario, FloatArray, IntArray, evaluate_utilities
from simulator.outcome_space import allowed_options
from simulator.solver.pareto import pareto_mask

__all__ = ["additive_frontier", "applies"]


def applies(cs: CompiledScenario, tracked: BoolArray) -> bool:
    """Whether the programme is exact here: no interaction terms and every tracked rule region on
    one issue."""
    if len(cs.terms):
        return False
    return all(len(r.issues) == 1 for r, t in zip(cs.regions, tracked, strict=True) if t)


def additive_frontier(
    cs: CompiledScenario, tracked: BoolArray, threshold: FloatArray | None = None
) -> tuple[IntArray, FloatArray]:
    """Outcomes ``(F, n)`` and utilities ``(F, P)`` of the Pareto frontier of the outcomes that
    cross
    no ``tracked`` region and give every party at least ``threshold`` (one outcome per vector).

    Raises
    ------
    ValueError
        If the programme does not apply (see :func:`applies`).

    Examples
    --------
    >>> from simulator.synthetic import synthetic_scenario
    >>> from simulator.compiled import compile_scenario
    >>> cs = compile_scenario(synthetic_scenario(3, 4, 2, seed=1))
    >>> outcomes, u = additive_frontier(cs, np.zeros(0, dtype=bool))
    >>> outcomes.shape[1], bool((u <= 1.0 + 1e-12).all())
    (3, True)
    """
    tracked = np.asarray(tracked, dtype=bool)
    if not applies(cs, tracked):
        raise ValueError("the additive programme needs no interaction terms and one-issue rules")
    n, n_p = cs.n_issues, cs.n_parties
    allowed = allowed_options(cs, tracked)
    if any(len(a) == 0 for a in allowed):
        return np.zeros((0, n), dtype=np.int64), np.zeros((0, n_p))
    tables = [cs.values[i][:, allowed[i]].T for i in range(n)]  # (k_i, P)
    # narrow issues first: partial frontiers stay small until the wide issues come
    order = sorted(range(n), key=lambda i: (float(np.ptp(tables[i], axis=0).sum()), i))
    rest_max = np.zeros((n + 1, n_p))
    for pos in range(n - 1, -1, -1):
        rest_max[pos] = rest_max[pos + 1] + tables[order[pos]].max(axis=0)
    cap, tol = cs.cap, cs.rounding_slack
    sums = np.zeros((1, n_p))
    parents: list[IntArray] = []
    choices: list[IntArray] = []
    for pos, i in enumerate(order):
        v = tables[i]
        k = len(v)
        cand = (sums[:, None, :] + v[None, :, :]).reshape(-1, n_p)
        parent = np.repeat(np.arange(len(sums)), k)
        choice = np.tile(np.arange(k), len(sums))
        if threshold is not None:
            reach = np.minimum(cand + rest_max[pos + 1], cap)
            ok = np.all(reach >= threshold, axis=1)
            cand, parent, choice = cand[ok], parent[ok], choice[ok]
        if pos == n - 1:
            cand = np.minimum(cand, cap)
        _, first = np.unique(cand, axis=0, return_index=True)
        cand, parent, choice = cand[first], parent[first], choice[first]
        keep = pareto_mask(cand, tol=tol)
        sums, parent, choice = cand[keep], parent[keep], choice[keep]
        parents.append(parent)
        choices.append(choice)
        if not len(sums):
            return np.zeros((0, n), dtype=np.int64), np.zeros((0, n_p))
    outcomes = np.zeros((len(sums), n), dtype=np.int64)
    row = np.arange(len(sums))
    for pos in range(n - 1, -1, -1):
        i = order[pos]
        outcomes[:, i] = allowed[i][choices[pos][row]]
        row = parents[pos][row]
    return outcomes, evaluate_utilities(cs, outcomes)
