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
  ≈ 0.09``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from simulator.errors import ScenarioError
from simulator.model import Scenario
from simulator.rng import RngLike

if TYPE_CHECKING:
    from simulator.analysis.monte_carlo import MonteCarloResult

__all__ = ["FEW_SAMPLES", "WIDE_INTERVAL", "sample_until", "sample_warnings", "wilson_interval"]

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


def sample_warnings(successes: int, n: int) -> list[dict[str, Any]]:
    """The warnings ``n`` samples with ``successes`` ZOPAs call for (module Notation).

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
    return out


def sample_until(
    scenario: Scenario,
    width: float,
    max_samples: int,
    rng: RngLike = 0,
    *,
    start: int = 100,
    **options: Any,
) -> MonteCarloResult:
    """:func:`~simulator.analysis.monte_carlo.monte_carlo` with ``start`` samples, doubled until
    the 95% Wilson interval of P(ZOPA) is narrower than ``width`` or ``max_samples`` is reached.

    The result is that of ``monte_carlo(scenario, n, seed)`` for the final ``n``: sample ``s`` is
    the same in every round, so the stopping point depends on the seed only. Each round solves its
    samples afresh (at most twice the work of the last round).

    Raises
    ------
    ScenarioError
        Unless ``0 < width <= 1`` and ``max_samples >= 1``.

    >>> from simulator.formats import load_scenario
    >>> car = load_scenario("scenarios/textbook_car.yaml")
    >>> r = sample_until(car, 0.05, 10_000, 1, start=50, workers=1)
    >>> r.samples, r.ci95[1] - r.ci95[0] < 0.05
    (100, True)
    """
    from simulator.analysis.monte_carlo import monte_carlo
    from simulator.rng import root_seed

    if not 0 < width <= 1:
        raise ScenarioError(f"--until-ci must lie in (0, 1], got {width}")
    if max_samples < 1:
        raise ScenarioError(f"samples must be >= 1, got {max_samples}")
    seed = root_seed(rng)
    n = min(max(start, 1), max_samples)
    while True:
        result = monte_carlo(scenario, n, seed, **options)
        lo, hi = result.ci95
        if hi - lo < width or n >= max_samples:
            return result
        n = min(2 * n, max_samples)
