"""What a set of samples can support: the Wilson interval, warnings when the samples are too few,
and sampling until the interval is narrow enough.

Notation
--------
``S`` samples, ``Z`` of them with a ZOPA; ``[lo, hi]`` is the 95% Wilson score interval of
``Z / S`` (Wilson 1927, computed by :func:`scipy.stats.binomtest`), of width ``W = hi - lo``.

Warnings (data: a ``kind`` and its numbers; the report words them):

- ``wide_interval``: ``W >`` :data:`WIDE_INTERVAL`; ``samples_needed`` estimates the samples that
  would bring it down to that width (the width falls as ``1 / sqrt(S)``);
- ``few_samples``: fewer than :data:`FEW_SAMPLES` samples, so every frequency printed (the Nash
  packages, the proposals, the most robust package) has a standard error above ``1 / (2 sqrt(30))
  ≈ 0.09``;
- ``time_limit``: :func:`sample_until` stopped at ``samples`` of the ``requested`` samples, since
  the next round would have ended past ``seconds``.

Convergence (:func:`convergence`): the running estimate ``Z_n / n`` and its Wilson interval after
the first ``n`` samples, at up to :data:`CHECKPOINTS` values of ``n`` spaced evenly on a log scale.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from simulator.compiled import BoolArray, FloatArray, IntArray
from simulator.errors import ScenarioError
from simulator.limits import RoundClock, check_time_limit
from simulator.model import Scenario
from simulator.rng import RngLike

if TYPE_CHECKING:
    from simulator.analysis.monte_carlo import MonteCarloResult

__all__ = [
    "CHECKPOINTS",
    "FEW_SAMPLES",
    "WIDE_INTERVAL",
    "Convergence",
    "convergence",
    "running_note",
    "sample_until",
    "sample_warnings",
    "wilson_interval",
    "with_exact",
]

#: Below this many samples every frequency printed carries a warning.
FEW_SAMPLES = 30
#: A 95% interval wider than this carries a warning.
WIDE_INTERVAL = 0.2


def wilson_interval(successes: int, n: int, confidence_level: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval for a binomial proportion (Wilson 1927), from
    :func:`scipy.stats.binomtest`; ``(0, 1)`` when ``n`` is 0.

    >>> [round(x, 4) for x in wilson_interval(8, 10)]
    [0.4902, 0.9433]
    """
    if n <= 0:
        return (0.0, 1.0)
    from scipy.stats import binomtest  # scipy.stats takes 0.3 s to import: only when needed

    ci = binomtest(successes, n).proportion_ci(confidence_level, method="wilson")
    return (float(ci.low), float(ci.high))


#: Most points of a convergence curve.
CHECKPOINTS = 200


@dataclass(frozen=True, eq=False)
class Convergence:
    """The running estimate of P(ZOPA) after ``samples[k]`` samples: ``estimate[k]``, with its
    95% Wilson interval ``[low[k], high[k]]`` (arrays of one length)."""

    samples: IntArray
    estimate: FloatArray
    low: FloatArray
    high: FloatArray

    def to_dict(self) -> dict[str, Any]:
        return {
            "samples": self.samples.tolist(),
            "estimate": self.estimate.tolist(),
            "low": self.low.tolist(),
            "high": self.high.tolist(),
        }


def convergence(found: BoolArray, checkpoints: int = CHECKPOINTS) -> Convergence:
    """The running estimate of P(ZOPA) and its interval from ``found`` ``(S,)`` (sample ``s`` has
    a ZOPA), at up to ``checkpoints`` sample counts (module Notation; the last is ``S``).

    >>> c = convergence(np.array([True, False, True, True]))
    >>> c.samples.tolist(), c.estimate.tolist()
    ([1, 2, 3, 4], [1.0, 0.5, 0.6666666666666666, 0.75])
    """
    found = np.asarray(found, dtype=bool)
    total = len(found)
    at = np.unique(np.geomspace(1, max(total, 1), checkpoints).round().astype(np.int64))
    at = at[(at >= 1) & (at <= total)]
    hits = np.cumsum(found)[at - 1] if total else np.zeros(0, dtype=np.int64)
    bounds = np.array([wilson_interval(int(z), int(n)) for z, n in zip(hits, at, strict=True)])
    bounds = bounds.reshape(-1, 2)
    return Convergence(at, hits / np.maximum(at, 1), bounds[:, 0], bounds[:, 1])


def running_note() -> Callable[[Sequence[Any]], str]:
    """A progress note for Monte Carlo tasks: called with each finished task's samples (objects
    with ``zopa``; or a tuple whose first item they are), it gives the samples per second so far
    and the running P(ZOPA)."""
    start, seen, hits = time.perf_counter(), [0], [0]

    def note(part: Sequence[Any]) -> str:
        part = part[0] if isinstance(part, tuple) else part
        seen[0] += len(part)
        hits[0] += sum(1 for r in part if r.zopa > 0)
        rate = seen[0] / max(time.perf_counter() - start, 1e-9)
        return f"{rate:,.0f} samples/s, P(ZOPA) ≈ {hits[0] / max(seen[0], 1):.3f}"

    return note


def sample_warnings(
    successes: int, n: int, stopped: tuple[int, float] | None = None
) -> list[dict[str, Any]]:
    """The warnings ``n`` samples with ``successes`` ZOPAs call for (module Notation); ``stopped``
    is ``(requested, seconds)`` when a time limit stopped the sampling short.

    >>> [w["kind"] for w in sample_warnings(2, 10)]
    ['wide_interval', 'few_samples']
    >>> sample_warnings(400, 1000)
    []
    """
    out: list[dict[str, Any]] = []
    lo, hi = wilson_interval(successes, n)
    if hi - lo > WIDE_INTERVAL:
        needed = math.ceil(n * ((hi - lo) / WIDE_INTERVAL) ** 2)
        out.append(
            {
                "kind": "wide_interval",
                "width": hi - lo,
                "limit": WIDE_INTERVAL,
                "samples_needed": needed,
            }
        )
    if n < FEW_SAMPLES:
        out.append({"kind": "few_samples", "samples": n, "limit": FEW_SAMPLES})
    if stopped is not None:
        requested, seconds = stopped
        out.append({"kind": "time_limit", "samples": n, "requested": requested, "seconds": seconds})
    return out


def sample_until(
    scenario: Scenario,
    width: float | None,
    max_samples: int,
    rng: RngLike = 0,
    *,
    start: int = 100,
    seconds: float | None = None,
    **options: Any,
) -> MonteCarloResult:
    """:func:`~simulator.analysis.monte_carlo.monte_carlo` with ``start`` samples, doubled until
    the 95% Wilson interval of P(ZOPA) is narrower than ``width`` (None: no such aim) or
    ``max_samples`` is reached, or (with ``seconds``) until the next round would end past
    ``seconds`` from the start: a round takes about its samples' share of the last round's time.
    The first round always runs. Stopped by the time, the result carries a ``time_limit`` warning
    with the samples asked for.

    The result is that of ``monte_carlo(scenario, n, seed)`` for the final ``n``: sample ``s`` is
    the same in every round, so the stopping point depends on the seed only (and, with
    ``seconds``, on the machine's speed). Each round solves its samples afresh (at most twice the
    work of the last round).

    Raises
    ------
    ScenarioError
        Unless ``0 < width <= 1``, ``max_samples >= 1`` and ``seconds > 0``.

    >>> from simulator.formats import load_scenario
    >>> car = load_scenario("scenarios/textbook_car.yaml")
    >>> r = sample_until(car, 0.05, 10_000, 1, start=50, workers=1)
    >>> r.samples, r.ci95[1] - r.ci95[0] < 0.05
    (100, True)
    >>> r = sample_until(car, None, 10_000, 1, start=50, seconds=1e-9, workers=1)
    >>> r.samples, [w["requested"] for w in r.warnings if w["kind"] == "time_limit"]
    (50, [10000])
    """
    import dataclasses

    from simulator.analysis.monte_carlo import monte_carlo
    from simulator.rng import root_seed

    if width is not None and not 0 < width <= 1:
        raise ScenarioError(f"--until-ci must lie in (0, 1], got {width}")
    if max_samples < 1:
        raise ScenarioError(f"samples must be >= 1, got {max_samples}")
    check_time_limit(seconds)
    seed = root_seed(rng)
    n = min(max(start, 1), max_samples)
    clock = RoundClock(seconds)
    while True:
        clock.start()
        result = monte_carlo(scenario, n, seed, **options)
        clock.end(n)
        lo, hi = result.ci95
        if (width is not None and hi - lo < width) or n >= max_samples:
            return result
        after = min(2 * n, max_samples)
        if seconds is not None and not clock.fits(after):
            return dataclasses.replace(result, stopped=(max_samples, seconds))
        n = after


def with_exact(result: MonteCarloResult) -> MonteCarloResult:
    """``result`` with the exact P(ZOPA) beside its estimate
    (:func:`~simulator.analysis.p_zopa.p_zopa_exact`) when only the red lines vary, as the exact
    value assumes, and it is computable (at most
    :data:`~simulator.analysis.p_zopa.EXACT_LIMIT` uncertain lines, within its searches);
    otherwise ``result`` itself.

    >>> from simulator.formats import load_scenario
    >>> from simulator.analysis import monte_carlo
    >>> car = load_scenario("scenarios/textbook_car.yaml")
    >>> with_exact(monte_carlo(car, 50, 1, vary="red_lines", workers=1)).p_zopa_exact
    1.0
    """
    import dataclasses

    from simulator.analysis.p_zopa import p_zopa_exact

    if tuple(result.vary) != ("red_lines",):
        return result
    try:
        exact = p_zopa_exact(result.scenario)
    except ScenarioError:
        return result
    return dataclasses.replace(result, p_zopa_exact=float(exact.p_zopa))
