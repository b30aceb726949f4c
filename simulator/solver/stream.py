"""What the whole outcome space looks like, for figures: utility clouds and option counts.

The solver answers questions about a few packages (the frontier, the solutions); a figure also
wants to show *every* package. This module streams the solver's blocks to summarise the whole space
without materialising it.

Notation
--------
``n`` issues, ``P`` parties, ``d`` ``(P,)`` the disagreement point. A package is *consistent* when
it breaks no consistency constraint (an inconsistent package is not a package at all and is never
shown), *feasible* when it is consistent and crosses no red line, and in the ZOPA when it is
feasible and ``u_p >= d_p`` for every party.

A :class:`UtilityCloud` holds the utilities of the consistent packages, feasible and infeasible
apart, in one of three ways chosen by the size ``N`` of the space:

- ``exact`` (``N <= exact_limit``): every package, evaluated as one table;
- ``binned`` (``N <= stream_limit``): every package, streamed block by block through
  :func:`~simulator.solver.search.run_search` and added into 2-D histograms, one per pair of
  parties;
- ``sampled`` (larger spaces): uniform random samples drawn with an explicit seed, one of the
  consistent packages and one of the feasible packages (by rejection from the options that the unary
  rules allow), so that a feasible set that is a tiny share of the space is still seen. Figures say
  so.

:func:`~simulator.solver.options.option_counts` and
:func:`~simulator.solver.options.option_red_lines` (re-exported here) say how every option stands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from simulator.compiled import (
    BoolArray,
    CompiledScenario,
    FloatArray,
    IntArray,
    as_compiled,
    crossed_rules,
    evaluate_utilities,
)
from simulator.errors import ScenarioError
from simulator.model import Scenario
from simulator.outcome_space import outcome_grid
from simulator.progress import Progress, labelled
from simulator.rng import UNSET, RngLike, Unset, pick_rng, seed_of
from simulator.solver.options import OptionCounts, OptionRules, option_counts, option_red_lines
from simulator.solver.queries import rule_regions
from simulator.solver.search import Batch, Block, Plan, make_plan, run_search

__all__ = [
    "EXACT_LIMIT",
    "STREAM_LIMIT",
    "OptionCounts",
    "OptionRules",
    "UtilityCloud",
    "option_counts",
    "option_red_lines",
    "utility_cloud",
]

#: Largest space evaluated as one table.
EXACT_LIMIT = 200_000
#: Largest space streamed in full into histograms; larger spaces are sampled.
STREAM_LIMIT = 10_000_000
#: Default number of bins per party for streamed histograms.
BINS = 160
#: Default sample sizes (consistent packages, feasible packages) for spaces too large to stream.
SAMPLES = (100_000, 50_000)
#: Random draws allowed per package wanted, before rejection sampling gives up.
DRAWS_PER_SAMPLE = 20

Method = Literal["exact", "binned", "sampled"]


@dataclass(frozen=True, eq=False)
class UtilityCloud:
    """Utilities of the consistent packages of a space, feasible and infeasible apart.

    Attributes
    ----------
    method
        ``exact``, ``binned`` or ``sampled`` (see the module docstring).
    n_outcomes
        Packages in the whole space (consistent or not).
    feasible, infeasible
        ``(m, P)`` float64 utilities of feasible packages and of consistent packages that cross a
        red line: all of them (``exact``), random samples (``sampled``) or empty (``binned``).
    n_feasible, n_infeasible
        How many packages each category stands for: exact counts, except for ``sampled``, where they
        are the sample sizes.
    edges
        ``(P, bins + 1)`` bin edges per party (``binned`` only; else ``(P, 0)``).
    histograms
        ``binned`` only: for each pair of parties ``(p, q)`` with ``p < q``, int64 counts
        ``(2, bins, bins)``: feasible then infeasible, rows binning ``u_p`` and columns ``u_q``.
    seed, sampled, draws
        ``sampled`` only: the seed of :func:`numpy.random.default_rng` (None for a generator or
        fresh entropy), the sizes of the two samples
        (consistent packages, feasible packages) and the random draws made for each (accepted or
        rejected).
    """

    method: Method
    n_outcomes: int
    feasible: FloatArray
    infeasible: FloatArray
    n_feasible: int
    n_infeasible: int
    edges: FloatArray
    histograms: Mapping[tuple[int, int], IntArray] = field(default_factory=dict)
    seed: int | None = None
    sampled: tuple[int, int] = (0, 0)
    draws: tuple[int, int] = (0, 0)

    @property
    def description(self) -> str:
        """How the packages were obtained, in words, for captions."""
        if self.method == "exact":
            return f"all {self.n_feasible + self.n_infeasible:,} consistent packages"
        if self.method == "binned":
            return f"all {self.n_feasible + self.n_infeasible:,} consistent packages, binned"
        origin = "" if self.seed is None else f" (seed {self.seed})"
        return (
            f"random samples{origin} of {self.sampled[0]:,} consistent and "
            f"{self.sampled[1]:,} feasible packages, of {self.n_outcomes:,}"
        )

    def histogram(self, p: int, q: int, feasible: bool) -> IntArray:
        """Binned counts ``(bins, bins)``, rows binning party ``p`` and columns party ``q``."""
        if (p, q) in self.histograms:
            return self.histograms[(p, q)][0 if feasible else 1]
        return self.histograms[(q, p)][0 if feasible else 1].T


class _HistogramVisitor:
    """Adds every consistent package of each block into per-pair histograms, by feasibility."""

    def __init__(self, cs: CompiledScenario, edges: FloatArray) -> None:
        self.edges = edges
        self.bins = edges.shape[1] - 1
        self.pairs = [(p, q) for p in range(cs.n_parties) for q in range(p + 1, cs.n_parties)]
        size = 2 * self.bins * self.bins
        self.counts = {pair: np.zeros(size, dtype=np.int64) for pair in self.pairs}
        owner = cs.rule_owner[cs.region_rule] if len(cs.regions) else np.zeros(0, dtype=np.int64)
        self.red = np.asarray(owner >= 0)

    def keep(self, plan: Plan, batch: Batch, upper: FloatArray, lower: FloatArray) -> BoolArray:
        return np.ones(len(batch), dtype=bool)

    def leaf(self, plan: Plan, block: Block) -> None:
        # category per package: 0 feasible, 1 crosses a red line, 2 inconsistent (not counted)
        category = np.where(block.crossed, 2, 0).ravel()
        if self.red.any():
            alive = block.batch.region_alive[:, self.red].astype(np.float64)
            red = ((alive @ plan.inner_region_mask[self.red]) > 0).ravel()
            category[red & (category == 0)] = 1
        idx = [self._bin(e, block.utilities[:, :, p].ravel()) for p, e in enumerate(self.edges)]
        size = self.bins * self.bins
        for p, q in self.pairs:
            flat = (category * self.bins + idx[p]) * self.bins + idx[q]
            self.counts[(p, q)] += np.bincount(flat, minlength=3 * size)[: 2 * size]

    def _bin(self, edges: FloatArray, u: FloatArray) -> IntArray:
        """Bin of each value, as :func:`numpy.histogram2d` (half-open bins, the last one closed):
        arithmetic on the evenly spaced edges, then corrected where rounding put a value across."""
        width = (edges[-1] - edges[0]) / self.bins
        idx = np.clip(((u - edges[0]) / width).astype(np.int64), 0, self.bins - 1)
        idx -= u < edges[idx]
        idx += (u >= edges[idx + 1]) & (idx < self.bins - 1)
        return np.asarray(np.clip(idx, 0, self.bins - 1))


def _utility_range(plan: Plan) -> FloatArray:
    """``(P, 2)`` lower and upper bounds on every party's utility over the plan's space."""
    lo = plan.rest_min[0] + plan.bonus_neg.sum(axis=0)
    hi = np.minimum(plan.rest_max[0] + plan.bonus_pos.sum(axis=0), plan.cs.cap)
    lo = np.minimum(lo, hi)
    flat = hi - lo <= 0
    return np.stack([np.where(flat, lo - 0.5, lo), np.where(flat, hi + 0.5, hi)], axis=1)


def _exact(cs: CompiledScenario) -> UtilityCloud:
    outcomes = outcome_grid(cs.sizes)
    u, category = _classify(cs, outcomes)
    return UtilityCloud(
        "exact",
        cs.n_outcomes,
        u[category == 1],
        u[category == 0],
        int((category == 1).sum()),
        int((category == 0).sum()),
        np.zeros((cs.n_parties, 0)),
    )


def _classify(cs: CompiledScenario, outcomes: IntArray) -> tuple[FloatArray, IntArray]:
    """Utilities of the consistent ``outcomes`` and their category: 1 feasible, 0 infeasible."""
    crossed = crossed_rules(cs, outcomes)
    owner = cs.rule_owner
    consistent = np.logical_not(crossed[:, owner < 0].any(axis=1))
    feasible = np.logical_not(crossed[:, owner >= 0].any(axis=1))
    u = evaluate_utilities(cs, outcomes[consistent])
    return u, feasible[consistent].astype(np.int64)


def _binned(cs: CompiledScenario, bins: int, progress: Progress | None) -> UtilityCloud:
    plan = make_plan(cs, rule_regions(cs, "consistency"))
    span = _utility_range(plan)
    edges = np.stack([np.linspace(a, b, bins + 1) for a, b in span])
    visitor = _HistogramVisitor(cs, edges)
    run_search(plan, visitor, labelled(progress, "utility histograms"))
    hists = {pair: c.reshape(2, bins, bins) for pair, c in visitor.counts.items()}
    if hists:
        first = next(iter(hists.values()))
        n_feasible, n_infeasible = int(first[0].sum()), int(first[1].sum())
    else:  # one party: no pairs
        n_feasible = n_infeasible = 0
    empty = np.zeros((0, cs.n_parties))
    return UtilityCloud(
        "binned", cs.n_outcomes, empty, empty, n_feasible, n_infeasible, edges, hists
    )


def _draw(
    cs: CompiledScenario, regions: BoolArray, want: int, rng: np.random.Generator
) -> tuple[FloatArray, IntArray, int]:
    """A uniform sample of ``want`` packages crossing none of ``regions``, by rejection from the
    options that the unary ones allow: utilities, categories and the number of draws made."""
    allowed = make_plan(cs, regions).allowed
    if any(len(a) == 0 for a in allowed):
        return np.zeros((0, cs.n_parties)), np.zeros(0, dtype=np.int64), 0
    us, cats, got, draws = [], [], 0, 0
    budget = want * DRAWS_PER_SAMPLE
    while got < want and draws < budget:
        m = min(max(2 * (want - got), 1024), budget - draws)
        outcomes = np.stack([rng.choice(a, size=m) for a in allowed], axis=1)
        draws += m
        crossed = crossed_rules(cs, outcomes)[:, np.unique(cs.region_rule[regions])]
        outcomes = outcomes[~crossed.any(axis=1)][: want - got]
        u, category = _classify(cs, outcomes)
        us.append(u)
        cats.append(category)
        got += len(u)
    return np.concatenate(us), np.concatenate(cats), draws


def _sampled(cs: CompiledScenario, samples: tuple[int, int], source: RngLike) -> UtilityCloud:
    rng = np.random.default_rng(source)
    seed = seed_of(source)
    u_all, cat_all, draws_all = _draw(cs, rule_regions(cs, "consistency"), samples[0], rng)
    u_feas, _, draws_feas = _draw(cs, rule_regions(cs, "all"), samples[1], rng)
    infeasible = u_all[cat_all == 0]
    return UtilityCloud(
        "sampled",
        cs.n_outcomes,
        u_feas,
        infeasible,
        len(u_feas),
        len(infeasible),
        np.zeros((cs.n_parties, 0)),
        seed=seed,
        sampled=(len(u_all), len(u_feas)),
        draws=(draws_all, draws_feas),
    )


def utility_cloud(
    scenario: Scenario | CompiledScenario,
    *,
    exact_limit: int = EXACT_LIMIT,
    stream_limit: int = STREAM_LIMIT,
    bins: int = BINS,
    samples: tuple[int, int] = SAMPLES,
    rng: RngLike = 0,
    seed: int | Unset | None = UNSET,
    progress: Progress | None = None,
) -> UtilityCloud:
    """The utilities of every consistent package, or of a seeded random sample for huge spaces.

    Parameters
    ----------
    scenario
        A scenario or a compiled one.
    exact_limit, stream_limit
        Spaces up to ``exact_limit`` packages are evaluated as one table, up to ``stream_limit``
        streamed into histograms, larger ones sampled (see the module docstring).
    bins
        Bins per party of the streamed histograms.
    samples
        Sizes of the two random samples: consistent packages, feasible packages.
    rng
        The samples' generator, or a seed of :func:`numpy.random.default_rng` (the same seed, the
        same cloud; the cloud records it).
    seed
        The former name of ``rng`` (give one or the other).
    progress
        Called as ``progress(stage, fraction)`` while streaming.

    Returns
    -------
    UtilityCloud

    Raises
    ------
    ScenarioError
        If a limit, ``bins`` or a sample size is negative or zero.

    Examples
    --------
    >>> from simulator.formats import load_scenario
    >>> cloud = utility_cloud(load_scenario("scenarios/textbook_car.yaml"))
    >>> cloud.method, cloud.n_feasible, cloud.n_infeasible
    ('exact', 16, 17)
    """
    if bins < 1 or min(samples) < 1 or exact_limit < 0 or stream_limit < 0:
        raise ScenarioError("bins and sample sizes must be >= 1, limits >= 0")
    cs = as_compiled(scenario)
    if cs.n_outcomes <= exact_limit:
        return _exact(cs)
    if cs.n_outcomes <= stream_limit:
        return _binned(cs, bins, progress)
    return _sampled(cs, samples, pick_rng(rng, seed))
