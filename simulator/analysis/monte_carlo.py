"""Monte Carlo over the uncertainty a scenario states: weights, reservation values, red lines.

Notation
--------
The samples are drawn as :mod:`~simulator.analysis.sampling` says: sample ``s`` has its own
generator, a child of the root seed, so the results depend on the seed and ``samples`` only: not
on the executor, the number of workers or the chunking.

Each sample is solved exactly. Three methods give the same answer:

- ``enumerate`` (small spaces): every outcome of every sample of a chunk at once, by
  :func:`~simulator.solver.batch.solve_samples` (the compiler's value tables for all the samples'
  weights in one broadcast product, so utilities are bit-identical to a solve; red lines that hold
  as a matrix product of the crossing table with the draws);
- ``search`` (any size): only what is reported, by branch and bound on the Nash product
  (:mod:`~simulator.analysis.mc_search`); the ZOPA's size is counted only with ``zopa_sizes=True``;
- ``solve``: :func:`simulator.solve` on each sampled scenario (any size; the reference; the only
  one under a decision rule, where "in the ZOPA" reads "passes": :mod:`~.mc_rules`).

Reported: ``P(ZOPA not empty)`` with the Wilson score interval (Wilson 1927; Brown, Cai & DasGupta
2001 recommend it over the normal interval; computed by :func:`scipy.stats.binomtest`), the
distribution of the Nash outcome, for each proposal the probability that some package it allows
lies in the ZOPA, and the *most robust package*: the outcome in the ZOPA in the most samples. With
``enumerate`` that maximum is over every outcome; with ``solve`` it is over the candidates the
samples produce (every bargaining solution of every sample and every proposal that names one
package; with ``search``, every sample's Nash package and every proposal that names one package),
and ``robust_scope`` says so.

References: E. B. Wilson (1927), JASA 22, 209-212. L. D. Brown, T. T. Cai, A. DasGupta (2001),
Statistical Science 16, 101-133.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from simulator.analysis._tasks import (
    Executor,
    Progress,
    chunked,
    default_workers,
    run_tasks,
    summarise,
    zopa_exists,
)
from simulator.analysis.mc_rules import passing_samples, rule_method
from simulator.analysis.mc_search import BOX_LIMIT, most_frequent, search_chunk
from simulator.analysis.mc_stats import running_note, sample_warnings, wilson_interval
from simulator.analysis.sampling import (
    VARY,
    Draw,
    check_vary,
    draw_sample,
    draws,
    sample_rng,
    sampled_scenario,
    stacked,
)
from simulator.compiled import BoolArray, CompiledScenario, IntArray, compile_scenario
from simulator.errors import ScenarioError
from simulator.model import Scenario
from simulator.outcome_space import (
    box_outcomes,
    outcome_grid,
    outcome_indices,
    proposal_box,
    restrict_to_proposal,
)
from simulator.results import outcome_dict
from simulator.rng import UNSET, RngLike, Unset, pick_rng, root_seed
from simulator.solver.batch import solve_samples

__all__ = [
    "Draw",
    "MonteCarloResult",
    "draw_sample",
    "monte_carlo",
    "sample_rng",
    "sampled_scenario",
    "wilson_interval",
]

Method = Literal["auto", "enumerate", "search", "solve"]
#: ``auto`` enumerates spaces up to this many outcomes.
ENUMERATE_LIMIT = 1 << 16
#: Entries of the ``(samples, parties, outcomes)`` utility array of one enumerated chunk.
_CHUNK_ENTRIES = 1 << 22

Outcome = tuple[int, ...]


# --- per-sample work (top-level functions: they run in worker processes) ------------------------


@dataclass(frozen=True)
class _Sample:
    """What one sample gives: the ZOPA count, the Nash outcome, which proposals are open, and (with
    ``solve``) the outcomes of every bargaining solution, candidates for the most robust package."""

    zopa: int
    nash: Outcome | None
    acceptable: tuple[bool, ...]  # per proposal
    candidates: tuple[Outcome, ...] = ()


def _in_zopa(cs: CompiledScenario, samples: Sequence[Draw], outcomes: IntArray) -> BoolArray:
    """``(S, M)``: which ``outcomes`` lie in the ZOPA of each sample (pass its decision rule)."""
    if cs.scenario.agreement is not None:
        return passing_samples(cs.scenario, samples, outcomes)
    return solve_samples(cs, *stacked(samples), candidates=outcomes, solutions=()).in_zopa


def _proposal_open(cs: CompiledScenario, draw: Draw) -> tuple[bool, ...]:
    """Per proposal: does some package it allows lie in the ZOPA of the sample ``draw``?"""
    scenario = cs.scenario
    out = []
    for proposal in scenario.proposals:
        box = proposal_box(scenario, proposal)
        if math.prod(int(m.sum()) for m in box) <= BOX_LIMIT:
            out.append(bool(_in_zopa(cs, [draw], box_outcomes(box)).any()))
        else:
            sampled = sampled_scenario(scenario, draw)
            out.append(zopa_exists(restrict_to_proposal(sampled, proposal)))
    return tuple(out)


def _solve_chunk(
    scenario: Scenario, seed: int, samples: Sequence[int], vary: Sequence[str] = VARY
) -> list[_Sample]:
    cs = compile_scenario(scenario)
    out = []
    for draw in draws(scenario, seed, samples, vary):
        result = summarise(sampled_scenario(scenario, draw))
        if result.zopa == 0:  # no proposal can be acceptable either
            out.append(_Sample(0, None, (False,) * len(scenario.proposals)))
            continue
        found = tuple(dict.fromkeys(p.outcome for p in result.solutions.values() if p is not None))
        nash = None if result.nash is None else result.nash.outcome
        out.append(_Sample(result.zopa, nash, _proposal_open(cs, draw), found))
    return out


def _count_chunk(
    scenario: Scenario,
    seed: int,
    samples: Sequence[int],
    vary: Sequence[str],
    candidates: IntArray,
) -> IntArray:
    """For each candidate outcome, in how many of ``samples`` it lies in the ZOPA."""
    sampled = draws(scenario, seed, samples, vary)
    in_zopa = _in_zopa(compile_scenario(scenario), sampled, candidates)
    return np.asarray(in_zopa.sum(axis=0), dtype=np.int64)


def _enumerate_chunk(
    scenario: Scenario, seed: int, samples: Sequence[int], vary: Sequence[str] = VARY
) -> tuple[list[_Sample], IntArray]:
    """Every outcome of every sample at once (see the module Notation); also how many of the
    samples each outcome is in the ZOPA of."""
    cs = compile_scenario(scenario)
    found = solve_samples(cs, *stacked(draws(scenario, seed, samples, vary)))
    grid = found.candidates
    boxes = [
        np.all([m[grid[:, i]] for i, m in enumerate(proposal_box(scenario, p))], axis=0)
        for p in scenario.proposals
    ]
    out = []
    for s, (row, zopa) in enumerate(zip(found.solutions["nash"], found.in_zopa, strict=True)):
        nash = None if row < 0 else tuple(int(k) for k in grid[row])
        acceptable = tuple(bool((zopa & box).any()) for box in boxes)
        out.append(_Sample(int(found.zopa[s]), nash, acceptable))
    return out, np.asarray(found.in_zopa.sum(axis=0))


# --- the result ----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """What the samples show (see the module Notation). ``nash`` holds each sample's Nash outcome
    (option indices; None: empty ZOPA); ``robust`` is the most robust package and ``robust_count``
    the samples whose ZOPA holds it."""

    scenario: Scenario
    samples: int
    seed: int
    method: str
    zopa: IntArray
    nash: tuple[Outcome | None, ...]
    proposals: dict[str, float]
    robust: Outcome | None
    robust_count: int
    robust_scope: str
    vary: tuple[str, ...] = VARY
    #: False when ``zopa`` says only whether each sample's ZOPA is empty (0) or not (1).
    sizes_counted: bool = True
    #: The exact P(ZOPA) beside the estimate, when only red lines vary (see ``with_exact``).
    p_zopa_exact: float | None = None
    #: ``(samples requested, seconds)`` when a time limit stopped the sampling (``sample_until``).
    stopped: tuple[int, float] | None = None

    @property
    def p_zopa(self) -> float:
        return float(np.mean(self.zopa > 0))

    @property
    def ci95(self) -> tuple[float, float]:
        return wilson_interval(int(np.sum(self.zopa > 0)), self.samples)

    @property
    def warnings(self) -> list[dict[str, Any]]:
        """What the samples are too few for (see :func:`.mc_stats.sample_warnings`)."""
        return sample_warnings(int(np.sum(self.zopa > 0)), self.samples, self.stopped)

    def nash_packages(self, top: int | None = 10) -> list[tuple[Outcome, float]]:
        """The most frequent Nash outcomes and their frequencies (among all samples)."""
        sizes = [len(i.options) for i in self.scenario.issues]
        counts = Counter(o for o in self.nash if o is not None)
        index = {o: int(outcome_indices(sizes, np.array(o))[0]) for o in counts}
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], index[kv[0]]))
        return [(o, c / self.samples) for o, c in ranked[:top]]

    def to_dict(self, top: int | None = 10) -> dict[str, Any]:
        s = self.scenario
        return {
            "scenario": s.name,
            "samples": self.samples,
            "seed": self.seed,
            "method": self.method,
            "p_zopa": self.p_zopa,
            "ci95": list(self.ci95),
            "zopa_mean": float(np.mean(self.zopa)) if self.sizes_counted else None,
            "nash_packages": [
                {"outcome": outcome_dict(s, o), "frequency": f} for o, f in self.nash_packages(top)
            ],
            "nash_distinct": len({o for o in self.nash if o is not None}),
            "proposals": dict(self.proposals),
            "robust_package": None
            if self.robust is None
            else {
                "outcome": outcome_dict(s, self.robust),
                "p_acceptable": self.robust_count / self.samples,
            },
            "robust_scope": self.robust_scope,
            **({} if self.p_zopa_exact is None else {"p_zopa_exact": self.p_zopa_exact}),
            "vary": list(self.vary),
            "warnings": self.warnings,
        }


def monte_carlo(
    scenario: Scenario,
    samples: int = 1000,
    rng: RngLike = 0,
    *,
    seed: int | Unset | None = UNSET,
    method: Method = "auto",
    vary: Sequence[str] | str = VARY,
    executor: Executor | None = None,
    workers: int | None = None,
    chunk_size: int | None = None,
    progress: Progress | None = None,
    zopa_sizes: bool = False,
) -> MonteCarloResult:
    """Sample the scenario's stated uncertainty and solve each sample exactly.

    Parameters
    ----------
    scenario
        A scenario with uncertainty: ``weight_concentration``, reservation ranges, red-line
        probabilities (a scenario without any gives the same answer in every sample).
    samples
        Number of samples.
    rng
        The root of the samples' generators: an integer seed (the same seed and ``samples`` give
        identical results however the work is spread), a generator (one integer is drawn from
        it) or None (fresh entropy). The result records the integer seed used.
    seed
        The former name of ``rng`` (give one or the other).
    method
        ``enumerate``, ``search``, ``solve`` or ``auto`` (enumerate up to
        :data:`ENUMERATE_LIMIT` outcomes, else search).
    vary
        What varies: any of ``weights``, ``reservations``, ``red_lines`` (names or one
        comma-separated string; default all); the rest stays as stated.
    executor
        Any object with ``submit(fn, *args)`` returning a future with ``result()``: a
        :mod:`concurrent.futures` executor or a ``dask.distributed.Client``. It is not shut down.
    workers
        Without an executor: ``1`` runs in this process, ``k`` in ``k`` local processes, None uses
        :func:`os.cpu_count` (the ``workers`` of an executor that has them, e.g. a Dask
        cluster's size). A small enumerated run stays in this process.
    chunk_size
        Samples per task (default: enough tasks to keep the workers busy).
    progress
        Called as ``progress(stage, fraction)`` as chunks finish.
    zopa_sizes
        With ``search``: also count each sample's ZOPA (a counting pass per sample with a ZOPA);
        otherwise ``zopa`` only says whether it is empty.

    Returns
    -------
    MonteCarloResult

    Raises
    ------
    ScenarioError
        If ``samples < 1``, the method is unknown or ``vary`` names something unknown.

    Examples
    --------
    >>> from simulator.formats import load_scenario
    >>> car = load_scenario("scenarios/textbook_car.yaml")
    >>> a = monte_carlo(car, 200, 1, workers=1)
    >>> b = monte_carlo(car, 200, rng=1, workers=1, method="solve", chunk_size=7)
    >>> a.p_zopa == b.p_zopa and a.nash == b.nash and a.robust == b.robust
    True
    """
    if samples < 1:
        raise ScenarioError(f"samples must be >= 1, got {samples}")
    if method not in ("auto", "enumerate", "search", "solve"):
        raise ScenarioError(f"method must be auto, enumerate, search or solve, got {method!r}")
    varied = check_vary(vary)
    if scenario.agreement is not None:  # only a solve answers under a rule (see mc_rules)
        method = rule_method(method)
    root = root_seed(pick_rng(rng, seed))
    n_out, n_par = scenario.n_outcomes, len(scenario.parties)
    if method == "auto":
        method = "enumerate" if n_out <= ENUMERATE_LIMIT else "search"
    n_workers = getattr(executor, "workers", default_workers()) if workers is None else workers
    n_workers = max(1, n_workers)
    run: dict[str, Any] = {"executor": executor, "workers": n_workers, "progress": progress}
    even = max(1, math.ceil(samples / (4 * n_workers)))
    sizes = [len(i.options) for i in scenario.issues]
    if method == "enumerate":
        fits = max(1, _CHUNK_ENTRIES // (n_out * n_par))
        size = chunk_size or min(fits, even)
        if executor is None and samples * n_out * n_par <= _CHUNK_ENTRIES and chunk_size is None:
            size, run["workers"] = samples, 1
        parts = run_tasks(
            _enumerate_chunk,
            [(scenario, root, c, varied) for c in chunked(samples, size)],
            stage="Monte Carlo",
            note=running_note(),
            **run,
        )
        results = [r for part, _ in parts for r in part]
        counts = np.sum([c for _, c in parts], axis=0)
        outcomes = outcome_grid(sizes)
        scope = "all outcomes"
    else:
        tasks = [(scenario, root, c, varied) for c in chunked(samples, chunk_size or even)]
        chunk_fn: Any = search_chunk if method == "search" else _solve_chunk
        work = [(*t, zopa_sizes) if method == "search" else t for t in tasks]
        answers = run_tasks(chunk_fn, work, stage="Monte Carlo", note=running_note(), **run)
        results = [r for part in answers for r in part]
        found = {o for r in results for o in r.candidates}
        for proposal in scenario.proposals:
            box = proposal_box(scenario, proposal)
            if all(m.sum() == 1 for m in box):
                found.add(tuple(int(np.flatnonzero(m)[0]) for m in box))
        outcomes = np.array(sorted(found), dtype=np.int64).reshape(-1, len(sizes))
        counts = np.zeros(len(outcomes), dtype=np.int64)
        if len(outcomes):
            counted = run_tasks(
                _count_chunk, [(*t, outcomes) for t in tasks], stage="robust package", **run
            )
            counts = np.sum(counted, axis=0)
        scope = (
            "candidates: every bargaining solution of every sample and each one-package proposal"
            if method == "solve"
            else "candidates: every sample's Nash package and each one-package proposal"
        )
    robust, robust_count = most_frequent(np.asarray(counts), outcomes, sizes)
    proposals = {
        p.id: float(np.mean([r.acceptable[j] for r in results]))
        for j, p in enumerate(scenario.proposals)
    }
    return MonteCarloResult(
        scenario,
        samples,
        root,
        method,
        np.array([r.zopa for r in results], dtype=np.int64),
        tuple(r.nash for r in results),
        proposals,
        robust,
        robust_count,
        scope,
        varied,
        method != "search" or zopa_sizes,
    )
