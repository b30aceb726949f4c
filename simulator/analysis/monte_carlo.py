"""Monte Carlo over the uncertainty a scenario states: weights, reservation values, red lines.

Notation
--------
Sample ``s = 0, ..., S-1`` draws, for each party ``p`` (in order):

- weights: with a ``weight_concentration`` ``alpha_p``, the positive weights ``w_p`` (total
  ``W_p``) become ``W_p * Dirichlet(alpha_p * w_p / W_p)``: their mean is the stated weights, and a
  larger ``alpha_p`` keeps them closer (Kotz, Balakrishnan & Johnson 2000, ch. 49);
- the reservation value: uniform on ``[low, high]``, or triangular with its ``mode`` (default the
  stated value), when the party gives a range;
- each red line holds with its ``probability`` (drawn first from its ``probability_range`` when
  it has one); a red line that does not hold is left out of the sample.

Sample ``s`` uses its own generator ``default_rng(SeedSequence(seed, spawn_key=(s,)))`` (what
``SeedSequence(seed).spawn`` gives), so the results depend on ``seed`` and ``samples`` only: not on
the executor, the number of workers or the chunking.

Each sample is solved exactly. Two methods give the same answer:

- ``enumerate`` (small spaces): every outcome of every sample of a chunk at once. A utility is
  linear in the weights, so the per-issue tables of all samples are one broadcast product
  ``quantise(w[s, p, i] * v[p, i, k])`` (the compiler's rounding, so utilities are bit-identical
  to a solve), summed over issues for all outcomes: arrays ``(samples, parties, outcomes)``. Red
  lines that hold are a matrix product of the ``(outcomes, red lines)`` crossing table with the
  ``(red lines, samples)`` draws.
- ``solve``: :func:`simulator.solve` on each sampled scenario (any size).

Reported: ``P(ZOPA not empty)`` with the Wilson score interval (Wilson 1927; Brown, Cai & DasGupta
2001 recommend it over the normal interval), the distribution of the Nash outcome, for each proposal
the probability that some package it allows lies in the ZOPA, and the *most robust package*: the
outcome in the ZOPA in the most samples. With ``enumerate`` that maximum is over every outcome; with
``solve`` it is over the candidates the samples produce (every bargaining solution of every sample
and every proposal that names one package), and ``robust_scope`` says so.

References
----------
E. B. Wilson (1927), Probable inference, the law of succession, and statistical inference, JASA 22,
209-212. L. D. Brown, T. T. Cai, A. DasGupta (2001), Interval estimation for a binomial proportion,
Statistical Science 16, 101-133.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from simulator.analysis._tasks import (
    Executor,
    Progress,
    default_workers,
    run_tasks,
    summarise,
    zopa_exists,
)
from simulator.compiled import (
    BoolArray,
    FloatArray,
    IntArray,
    compile_scenario,
    crossed_rules,
    evaluate_utilities,
    outcome_indices,
    preference_values,
    quantise,
)
from simulator.errors import ScenarioError
from simulator.model import Scenario, Uncertainty
from simulator.outcome_space import (
    box_outcomes,
    outcome_grid,
    proposal_box,
    restrict_to_proposal,
)
from simulator.results import outcome_dict
from simulator.solver import pareto_mask, select_solution, zopa_threshold

__all__ = [
    "Draw",
    "MonteCarloResult",
    "draw_sample",
    "monte_carlo",
    "sample_rng",
    "sampled_scenario",
    "wilson_interval",
]

Method = Literal["auto", "enumerate", "solve"]
#: ``auto`` enumerates spaces up to this many outcomes.
ENUMERATE_LIMIT = 1 << 16
#: Entries of the ``(samples, parties, outcomes)`` utility array of one enumerated chunk.
_CHUNK_ENTRIES = 1 << 22
#: Largest proposal box checked by enumeration (larger boxes are searched).
_BOX_LIMIT = 1 << 12
_Z95 = 1.959963984540054

Outcome = tuple[int, ...]


def wilson_interval(successes: int, n: int, z: float = _Z95) -> tuple[float, float]:
    """The Wilson score interval for a binomial proportion (Wilson 1927).

    >>> [round(x, 4) for x in wilson_interval(8, 10)]
    [0.4902, 0.9433]
    """
    if n <= 0:
        return (0.0, 1.0)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (low, high)


def sample_rng(seed: int, sample: int) -> np.random.Generator:
    """The generator of sample ``sample``: child ``sample`` of ``SeedSequence(seed)``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(sample,)))


@dataclass(frozen=True, eq=False)
class Draw:
    """One sample's parameters.

    Attributes
    ----------
    weights
        ``(P, n)`` float64 weight of each party on each issue (0 where it has no preference).
    reservation
        ``(P,)`` float64 reservation values.
    holds
        ``(R,)`` bool: whether each red line holds, parties in order, each party's red lines in
        order.
    """

    weights: FloatArray
    reservation: FloatArray
    holds: BoolArray


def _draw_range(rng: np.random.Generator, span: Uncertainty, stated: float) -> float:
    if span.high <= span.low:
        return span.low
    if span.distribution == "uniform":
        return float(rng.uniform(span.low, span.high))
    mode = min(max(stated if span.mode is None else span.mode, span.low), span.high)
    return float(rng.triangular(span.low, mode, span.high))


def draw_sample(scenario: Scenario, rng: np.random.Generator) -> Draw:
    """Draw one sample's parameters (see the module Notation) from ``rng``.

    >>> from simulator.formats import load_scenario
    >>> car = load_scenario("scenarios/textbook_car.yaml")
    >>> draw = draw_sample(car, sample_rng(0, 0))
    >>> bool(0.3 <= draw.reservation[0] <= 0.5), draw.weights.shape
    (True, (2, 3))
    """
    issues = scenario.issue_ids
    weights = np.zeros((len(scenario.parties), len(issues)))
    reservation = np.zeros(len(scenario.parties))
    holds = []
    for p, party in enumerate(scenario.parties):
        w = np.array([party.weight(i) for i in issues])
        pos = w > 0
        alpha = party.weight_concentration
        if alpha is not None and pos.sum() >= 2:
            total = w[pos].sum()
            w[pos] = total * rng.dirichlet(alpha * w[pos] / total)
        weights[p] = w
        span = party.reservation_range
        reservation[p] = (
            party.reservation if span is None else _draw_range(rng, span, party.reservation)
        )
        for rule in party.red_lines:
            prob = rule.probability
            if rule.probability_range is not None:
                prob = _draw_range(rng, rule.probability_range, prob)
            holds.append(bool(rng.random() < prob))
    return Draw(weights, reservation, np.array(holds, dtype=bool))


def sampled_scenario(scenario: Scenario, draw: Draw) -> Scenario:
    """``scenario`` with one sample's weights, reservation values and red lines."""
    parties = []
    column = {issue: j for j, issue in enumerate(scenario.issue_ids)}
    k = 0
    for p, party in enumerate(scenario.parties):
        prefs = {}
        for i, pref in party.preferences.items():
            w = float(draw.weights[p, column[i]])
            prefs[i] = pref if pref.weight == w else dataclasses.replace(pref, weight=w)
        held = draw.holds[k : k + len(party.red_lines)]
        k += len(party.red_lines)
        parties.append(
            dataclasses.replace(
                party,
                preferences=prefs,
                reservation=float(draw.reservation[p]),
                red_lines=tuple(r for r, h in zip(party.red_lines, held, strict=True) if h),
            )
        )
    return dataclasses.replace(scenario, parties=tuple(parties))


# --- per-sample work (top-level functions: they run in worker processes) ------------------------


@dataclass(frozen=True)
class _Sample:
    """What one sample gives: the ZOPA count, the Nash outcome, which proposals are open, and (with
    ``solve``) the outcomes of every bargaining solution, candidates for the most robust package."""

    zopa: int
    nash: Outcome | None
    acceptable: tuple[bool, ...]  # per proposal
    candidates: tuple[Outcome, ...] = ()


def _draws(scenario: Scenario, seed: int, samples: Sequence[int]) -> list[Draw]:
    return [draw_sample(scenario, sample_rng(seed, s)) for s in samples]


def _in_zopa(scenario: Scenario, outcomes: IntArray) -> BoolArray:
    """Which outcomes ``(m, n)`` lie in the ZOPA of ``scenario`` (evaluated directly)."""
    cs = compile_scenario(scenario)
    ok = ~crossed_rules(cs, outcomes).any(axis=1)
    u = evaluate_utilities(cs, outcomes)
    return np.asarray(ok & np.all(u >= zopa_threshold(cs, cs.reservation)[None, :], axis=1))


def _proposal_open(scenario: Scenario) -> tuple[bool, ...]:
    """Per proposal: does some package it allows lie in the ZOPA?"""
    out = []
    for proposal in scenario.proposals:
        box = proposal_box(scenario, proposal)
        if math.prod(int(m.sum()) for m in box) <= _BOX_LIMIT:
            out.append(bool(_in_zopa(scenario, box_outcomes(box)).any()))
        else:
            out.append(zopa_exists(restrict_to_proposal(scenario, proposal)))
    return tuple(out)


def _solve_chunk(scenario: Scenario, seed: int, samples: Sequence[int]) -> list[_Sample]:
    out = []
    for draw in _draws(scenario, seed, samples):
        s = sampled_scenario(scenario, draw)
        result = summarise(s)
        if result.zopa == 0:  # no proposal can be acceptable either
            out.append(_Sample(0, None, (False,) * len(s.proposals)))
            continue
        found = tuple(dict.fromkeys(p.outcome for p in result.solutions.values() if p is not None))
        nash = None if result.nash is None else result.nash.outcome
        out.append(_Sample(result.zopa, nash, _proposal_open(s), found))
    return out


def _count_chunk(
    scenario: Scenario, seed: int, samples: Sequence[int], candidates: IntArray
) -> IntArray:
    """For each candidate outcome, in how many of ``samples`` it lies in the ZOPA."""
    counts = np.zeros(len(candidates), dtype=np.int64)
    for draw in _draws(scenario, seed, samples):
        counts += _in_zopa(sampled_scenario(scenario, draw), candidates)
    return counts


@dataclass(frozen=True, eq=False)
class _Table:
    """The sample-independent part of a whole-space evaluation."""

    outcomes: IntArray  # (N, n)
    values: tuple[FloatArray, ...]  # per issue (P, k_i) unweighted values
    bonus: FloatArray  # (P, N) interaction bonuses
    cap: FloatArray  # (P,)
    consistent: BoolArray  # (N,)
    crossed: FloatArray  # (N, R) 1.0 where an outcome crosses a red line
    boxes: BoolArray  # (proposals, N)
    power: FloatArray
    slack: float


def _table(scenario: Scenario) -> _Table:
    cs = compile_scenario(scenario)
    outcomes = outcome_grid(cs.sizes)
    values = []
    for issue in scenario.issues:
        v = np.zeros((cs.n_parties, len(issue.options)))
        for p, party in enumerate(scenario.parties):
            pref = party.preferences.get(issue.id)
            if pref is not None:
                v[p] = preference_values(pref, issue)
        values.append(v)
    bonus = np.zeros((cs.n_outcomes, cs.n_parties))
    for region, b in zip(cs.terms, cs.term_bonus, strict=True):
        bonus += region.contains(outcomes)[:, None] * b[None, :]
    crossed = crossed_rules(cs, outcomes)
    red = cs.rule_owner >= 0
    boxes = np.zeros((len(scenario.proposals), cs.n_outcomes), dtype=bool)
    for j, proposal in enumerate(scenario.proposals):
        box = proposal_box(scenario, proposal)
        boxes[j] = np.all([box[i][outcomes[:, i]] for i in range(cs.n_issues)], axis=0)
    return _Table(
        outcomes,
        tuple(values),
        bonus.T.copy(),
        cs.cap,
        np.asarray(~crossed[:, ~red].any(axis=1)),
        crossed[:, red].astype(np.float64),
        boxes,
        cs.power,
        cs.rounding_slack,
    )


def _enumerate_chunk(
    scenario: Scenario, seed: int, samples: Sequence[int]
) -> tuple[list[_Sample], IntArray]:
    """Every outcome of every sample at once (see the module Notation); also how many of the
    samples each outcome is in the ZOPA of."""
    t = _table(scenario)
    draws = _draws(scenario, seed, samples)
    weights = np.stack([d.weights for d in draws])  # (S, P, n)
    reservation = np.stack([d.reservation for d in draws])  # (S, P)
    holds = np.stack([d.holds for d in draws]).astype(np.float64).reshape(len(draws), -1)
    u = np.broadcast_to(t.bonus, (len(draws), *t.bonus.shape)).copy()  # (S, P, N)
    for i, v in enumerate(t.values):
        table = quantise(weights[:, :, i, None] * v[None, :, :])  # (S, P, k_i)
        u += table[:, :, t.outcomes[:, i]]
    u = np.minimum(u, t.cap[None, :, None])
    crossed = (t.crossed @ holds.T).T > 0  # (S, N)
    zopa = t.consistent[None, :] & ~crossed
    zopa &= np.all(u >= (reservation - t.slack)[:, :, None], axis=1)
    out = []
    for s in range(len(draws)):
        rows = np.flatnonzero(zopa[s])
        front_u = u[s][:, rows].T
        front = pareto_mask(front_u, tol=t.slack) if len(rows) else np.zeros(0, dtype=bool)
        row = select_solution("nash", front_u[front], rows[front], reservation[s], t.power)
        nash = None if row is None else tuple(int(k) for k in t.outcomes[rows[front][row]])
        acceptable = tuple(bool((zopa[s] & box).any()) for box in t.boxes)
        out.append(_Sample(len(rows), nash, acceptable))
    return out, zopa.sum(axis=0)


# --- the result ----------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """What the samples show (see the module Notation).

    ``nash`` holds each sample's Nash outcome (option indices; None: empty ZOPA); ``robust`` is the
    most robust package and ``robust_count`` the samples whose ZOPA holds it.
    """

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

    @property
    def p_zopa(self) -> float:
        return float(np.mean(self.zopa > 0))

    @property
    def ci95(self) -> tuple[float, float]:
        return wilson_interval(int(np.sum(self.zopa > 0)), self.samples)

    def nash_packages(self, top: int | None = 10) -> list[tuple[Outcome, float]]:
        """The most frequent Nash outcomes and their frequencies (among all samples)."""
        sizes = [len(i.options) for i in self.scenario.issues]
        counts = Counter(o for o in self.nash if o is not None)
        ranked = sorted(
            counts.items(), key=lambda kv: (-kv[1], int(outcome_indices(sizes, np.array(kv[0]))[0]))
        )
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
            "zopa_mean": float(np.mean(self.zopa)),
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
        }


def _chunks(samples: int, size: int) -> list[list[int]]:
    return [list(range(a, min(a + size, samples))) for a in range(0, samples, size)]


def _best(counts: IntArray, outcomes: IntArray, sizes: Sequence[int]) -> tuple[Outcome | None, int]:
    if not len(counts) or counts.max() <= 0:
        return None, 0
    top = np.flatnonzero(counts == counts.max())
    idx = outcome_indices(sizes, outcomes[top])
    k = top[int(np.argmin(np.asarray(idx, dtype=object)))]
    return tuple(int(x) for x in outcomes[k]), int(counts[k])


def monte_carlo(
    scenario: Scenario,
    samples: int = 1000,
    seed: int = 0,
    *,
    method: Method = "auto",
    executor: Executor | None = None,
    workers: int | None = None,
    chunk_size: int | None = None,
    progress: Progress | None = None,
) -> MonteCarloResult:
    """Sample the scenario's stated uncertainty and solve each sample exactly.

    Parameters
    ----------
    scenario
        A scenario with uncertainty: ``weight_concentration``, reservation ranges, red-line
        probabilities (a scenario without any gives the same answer in every sample).
    samples, seed
        Number of samples and the seed; the same pair gives identical results however the work is
        spread.
    method
        ``enumerate``, ``solve`` or ``auto`` (enumerate up to :data:`ENUMERATE_LIMIT` outcomes).
    executor
        Any object with ``submit(fn, *args)`` returning a future with ``result()``: a
        :mod:`concurrent.futures` executor or a ``dask.distributed.Client``. It is not shut down.
    workers
        Without an executor: ``1`` runs in this process, ``k`` in ``k`` local processes, None uses
        :func:`os.cpu_count`. A small enumerated run stays in this process.
    chunk_size
        Samples per task (default: enough tasks to keep the workers busy).
    progress
        Called as ``progress(stage, fraction)`` as chunks finish.

    Returns
    -------
    MonteCarloResult

    Raises
    ------
    ScenarioError
        If ``samples < 1`` or the method is unknown.

    Examples
    --------
    >>> from simulator.formats import load_scenario
    >>> car = load_scenario("scenarios/textbook_car.yaml")
    >>> a = monte_carlo(car, 200, seed=1, workers=1)
    >>> b = monte_carlo(car, 200, seed=1, workers=1, method="solve", chunk_size=7)
    >>> a.p_zopa == b.p_zopa and a.nash == b.nash and a.robust == b.robust
    True
    """
    if samples < 1:
        raise ScenarioError(f"samples must be >= 1, got {samples}")
    if method not in ("auto", "enumerate", "solve"):
        raise ScenarioError(f"method must be auto, enumerate or solve, got {method!r}")
    n_out, n_par = scenario.n_outcomes, len(scenario.parties)
    if method == "auto":
        method = "enumerate" if n_out <= ENUMERATE_LIMIT else "solve"
    n_workers = default_workers() if workers is None else max(1, workers)
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
            [(scenario, seed, c) for c in _chunks(samples, size)],
            stage="Monte Carlo",
            **run,
        )
        results = [r for part, _ in parts for r in part]
        counts = np.sum([c for _, c in parts], axis=0)
        outcomes = outcome_grid(sizes)
        scope = "all outcomes"
    else:
        chunks = _chunks(samples, chunk_size or even)
        tasks = [(scenario, seed, c) for c in chunks]
        results = [
            r for part in run_tasks(_solve_chunk, tasks, stage="Monte Carlo", **run) for r in part
        ]
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
        )
    robust, robust_count = _best(np.asarray(counts), outcomes, sizes)
    proposals = {
        p.id: float(np.mean([r.acceptable[j] for r in results]))
        for j, p in enumerate(scenario.proposals)
    }
    return MonteCarloResult(
        scenario,
        samples,
        seed,
        method,
        np.array([r.zopa for r in results], dtype=np.int64),
        tuple(r.nash for r in results),
        proposals,
        robust,
        robust_count,
        scope,
    )
