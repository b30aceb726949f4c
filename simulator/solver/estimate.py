"""The ZOPA count past its budget, estimated honestly: the exact count of the part the search
finished, plus an unbiased estimate of the part it left open, with a 95% interval.

When a counting pass stops (:class:`~simulator.solver.budget.OverBudget`), every outcome of the
searched space is in exactly one of three parts: below a subtree the search closed (counted
exactly: ``found``), pruned (certainly outside), or below one of its *open* nodes. The open nodes
are the strata: stratum ``h`` holds ``N_h`` outcomes (the node's subtree, known exactly). Samples
are drawn in proportion to ``N_h`` (a node with probability ``N_h / N``, then a uniform outcome
below it), so the sample is uniform over the open part, ``N = sum N_h``: the estimate
``found + N * hits / samples`` is unbiased and ``hits`` is binomial, whose Wilson score interval
(95%) scaled by ``N`` is the interval. Sampling only the open part (the pruned and the counted
parts have no variance) is what makes it much tighter than sampling the whole space.

References: Knuth (1975), "Estimating the efficiency of backtrack programs" (estimating a search
tree from random paths); Cochran (1977), *Sampling Techniques*, stratified sampling.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from simulator.compiled import FloatArray, in_target
from simulator.results import ZopaEstimate
from simulator.rng import RngLike
from simulator.solver.blocks import Batch
from simulator.solver.search import Plan

__all__ = ["ESTIMATE_METHOD", "ESTIMATE_SAMPLES", "ZopaEstimate", "estimate_open"]

#: Outcomes sampled below the open nodes by default.
ESTIMATE_SAMPLES = 20_000
#: The ``method`` key of the estimate.
ESTIMATE_METHOD = "open-node stratified sampling, Wilson 95%"


def _wilson(hits: int, n: int) -> tuple[float, float]:
    if n <= 0:
        return (0.0, 1.0)
    from scipy.stats import binomtest  # imported only when an interval is computed

    ci = binomtest(hits, n).proportion_ci(0.95, method="wilson")
    return (float(ci.low), float(ci.high))


def estimate_open(
    plan: Plan,
    open_batches: Sequence[Batch],
    threshold: FloatArray,
    found: int,
    *,
    samples: int = ESTIMATE_SAMPLES,
    rng: RngLike = 0,
) -> ZopaEstimate:
    """Estimate the outcomes of the target set (crossing no tracked region of ``plan``, every
    party at least ``threshold``) below ``open_batches``, added to the exact ``found``."""
    generator = np.random.default_rng(rng)
    cs = plan.cs
    sizes = [(b, len(b) * plan.remaining[b.depth]) for b in open_batches if len(b)]
    total = sum(n for _, n in sizes)
    if total == 0 or samples <= 0:
        value = float(found)
        return ZopaEstimate(value, value, value, 0, ESTIMATE_METHOD, found, total)
    weights = np.array([float(n) for _, n in sizes])
    per_batch = generator.multinomial(samples, weights / weights.sum())
    hits = 0
    for (batch, _), k in zip(sizes, per_batch, strict=True):
        if not k:
            continue
        rows = batch.assign[generator.integers(len(batch), size=k)]
        outcomes = np.zeros((k, cs.n_issues), dtype=np.int64)
        for pos, issue in enumerate(plan.order):
            allowed = plan.allowed[issue]
            if pos < batch.depth:
                outcomes[:, issue] = rows[:, pos]
            else:
                outcomes[:, issue] = allowed[generator.integers(len(allowed), size=k)]
        hits += int(in_target(cs, plan.tracked_regions, threshold, outcomes).sum())
    low, high = _wilson(hits, samples)
    return ZopaEstimate(
        found + float(total) * hits / samples,
        found + float(total) * low,
        found + float(total) * high,
        samples,
        ESTIMATE_METHOD,
        found,
        total,
    )
