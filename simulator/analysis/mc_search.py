"""Monte Carlo's ``search`` method: each sample answers only what the run reports.

Notation
--------
For the samples ``s`` of one task (draws as :mod:`~simulator.analysis.sampling` says), the run
reports whether the ZOPA of ``s`` is empty, its Nash package, and for each proposal whether some
package it allows lies in the ZOPA. None of these needs the ZOPA's Pareto skyline, which is what a
full :func:`~simulator.solver.solve` spends its time on. So:

- the Nash package (or an empty ZOPA) by branch and bound on the Nash product
  (:func:`~simulator.solver.nash_search.nash_samples`): the scenario is compiled once, each
  sample's value tables are one broadcast product, and each search starts from the Nash packages
  of the samples before it;
- a proposal of at most :data:`BOX_LIMIT` packages: all of them against all the task's samples at
  once (:func:`~simulator.solver.solve_samples`); a larger one: open if the sample's Nash package
  is in it, else one existence search with the proposal's box added as a constraint.

Each answer equals a full solve's of the sampled scenario (tested). The ZOPA's size is counted
only when asked (``sizes=True``, one counting pass per sample with a ZOPA).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np

from simulator.analysis._tasks import zopa_count
from simulator.analysis.sampling import Draw, draws, sampled_scenario, stacked
from simulator.compiled import (
    BoolArray,
    CompiledScenario,
    IntArray,
    Region,
    RuleRef,
    compile_scenario,
    weighted_tables,
)
from simulator.model import Scenario
from simulator.outcome_space import box_outcomes, outcome_indices, proposal_box
from simulator.solver import (
    SAMPLE_INNER_BLOCK,
    NashPoint,
    find_outcome,
    held_regions,
    in_zone,
    make_plan,
    nash_samples,
    solve_samples,
    zopa_threshold,
)

__all__ = ["BOX_LIMIT", "SampleAnswer", "most_frequent", "search_chunk"]

#: Largest proposal box checked package by package against all of a task's samples at once.
BOX_LIMIT = 1 << 12

Outcome = tuple[int, ...]


@dataclasses.dataclass(frozen=True)
class SampleAnswer:
    """One sample: its ZOPA's size (1 for "not empty" when sizes are not counted; 0: empty), its
    Nash package and, per proposal, whether some package it allows is in the ZOPA."""

    zopa: int
    nash: Outcome | None
    acceptable: tuple[bool, ...]

    @property
    def candidates(self) -> tuple[Outcome, ...]:
        """Candidates for the most robust package: the Nash package."""
        return () if self.nash is None else (self.nash,)


def _with_box(cs: CompiledScenario, box: Sequence[BoolArray], label: str) -> CompiledScenario:
    """``cs`` with the proposal's box as one more consistency constraint (regions added last, so
    the red lines keep their positions)."""
    regions = [Region((i,), (~m,)) for i, m in enumerate(box) if not m.all()]
    rule = len(cs.rules)
    return dataclasses.replace(
        cs,
        regions=(*cs.regions, *regions),
        region_rule=np.concatenate([cs.region_rule, np.full(len(regions), rule, np.int64)]),
        rules=(*cs.rules, RuleRef(-1, label, f"proposal:{label}")),
    )


def _proposals_open(
    cs: CompiledScenario, sampled: Sequence[Draw], found: Sequence[NashPoint | None]
) -> BoolArray:
    """``(S, J)``: whether some package of proposal ``j`` lies in the ZOPA of sample ``s``."""
    scenario = cs.scenario
    out = np.zeros((len(sampled), len(scenario.proposals)), dtype=bool)
    live = [s for s, f in enumerate(found) if f is not None]
    if not live:
        return out
    w, r, h = stacked([sampled[s] for s in live])
    tables = None
    order = make_plan(cs, np.ones(len(cs.regions), dtype=bool)).order
    for j, proposal in enumerate(scenario.proposals):
        box = proposal_box(scenario, proposal)
        if math.prod(int(m.sum()) for m in box) <= BOX_LIMIT:
            hit = solve_samples(cs, w, r, h, candidates=box_outcomes(box), solutions=())
            out[live, j] = hit.in_zopa.any(axis=1)
            continue
        boxed = _with_box(cs, box, proposal.id)
        tables = weighted_tables(scenario, w) if tables is None else tables
        extra = np.ones(len(boxed.regions) - len(cs.regions), dtype=bool)
        witnesses: list[IntArray] = []  # packages found open in earlier samples
        for k, s in enumerate(live):
            nash = found[s]
            assert nash is not None
            if all(m[o] for m, o in zip(box, nash.outcome, strict=True)):
                out[s, j] = True
                continue
            sample = dataclasses.replace(boxed, values=tuple(t[k] for t in tables))
            regions = np.append(held_regions(cs, h[k]), extra)
            if witnesses and in_zone(sample, regions, r[k], np.array(witnesses)).any():
                out[s, j] = True
                continue
            plan = make_plan(sample, regions, inner_block=SAMPLE_INNER_BLOCK, order=order)
            witness = find_outcome(sample, regions, zopa_threshold(cs, r[k]), plan=plan)
            out[s, j] = witness is not None
            if witness is not None:
                witnesses.append(witness)
    return out


def search_chunk(
    scenario: Scenario,
    seed: int,
    samples: Sequence[int],
    vary: Sequence[str],
    sizes: bool = False,
) -> list[SampleAnswer]:
    """The answers of samples ``samples`` (see the module Notation); a top-level function, so it
    runs in worker processes and on a Dask cluster."""
    cs = compile_scenario(scenario)
    sampled = draws(scenario, seed, samples, vary)
    found = nash_samples(cs, *stacked(sampled))
    open_ = _proposals_open(cs, sampled, found)
    out = []
    for s, nash in enumerate(found):
        if nash is None:
            out.append(SampleAnswer(0, None, tuple(bool(x) for x in open_[s])))
            continue
        size = zopa_count(sampled_scenario(scenario, sampled[s])) if sizes else 1
        outcome = tuple(int(k) for k in nash.outcome)
        out.append(SampleAnswer(size, outcome, tuple(bool(x) for x in open_[s])))
    return out


def most_frequent(
    counts: IntArray, outcomes: IntArray, sizes: Sequence[int]
) -> tuple[Outcome | None, int]:
    """The outcome with the largest count (ties: the lowest outcome index) and its count; None
    when no count is positive (the most robust package)."""
    if not len(counts) or counts.max() <= 0:
        return None, 0
    top = np.flatnonzero(counts == counts.max())
    idx = outcome_indices(sizes, outcomes[top])
    k = top[int(np.argmin(np.asarray(idx, dtype=object)))]
    return tuple(int(x) for x in outcomes[k]), int(counts[k])
