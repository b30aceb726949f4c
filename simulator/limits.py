"""The input limits of the tool, in one table (``docs/limits.md`` lists them for users).

Every number that enters the model is finite and lies within a stated range, checked where it
enters: the scenario format's table (:mod:`simulator.formats.spec`) for YAML files, the model's
``__post_init__`` for everything (so GENIUS folders and edits too), and the command-line options
through :func:`bounded`. Each limit here is either what the arithmetic needs or a budget on work
and memory that a command checks before it starts; the budgets can be raised with ``--force``
(sweep points, Monte Carlo samples, protocol rounds) where a user may really want more.

Why the utility limit: utilities are summed in quantised arithmetic (:mod:`simulator.compiled`,
quanta of 2**-40), which is exact only while sums stay below 2**12 or so; 1000 leaves room for
sums over a dozen issues and bonuses.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable, Iterable

from simulator.errors import ScenarioError

__all__ = [
    "MAX_DPI",
    "MAX_OPTIONS",
    "MAX_ROUNDS",
    "MAX_RUBINSTEIN_STEPS",
    "MAX_SAMPLES",
    "MAX_SEED",
    "MAX_SWEEP_POINTS",
    "MAX_VALUE",
    "MAX_WORKERS_WARNING",
    "UTILITY_LIMIT",
    "RoundClock",
    "bounded",
    "check_budget",
    "check_time_limit",
    "check_utility",
    "repeated",
]

#: weights, bonuses, reservations and utility caps lie in [-UTILITY_LIMIT, UTILITY_LIMIT]
UTILITY_LIMIT = 1000.0
#: numeric option values (and range ends) lie in [-MAX_VALUE, MAX_VALUE]: far beyond any quantity,
#: and even their squared differences stay finite
MAX_VALUE = 1e100
#: options of one issue (a ``range``, a ``values`` list, a GENIUS integer issue)
MAX_OPTIONS = 100_000
#: ``--seed`` lies in [0, MAX_SEED] (numpy seeds are non-negative)
MAX_SEED = 2**63 - 1
#: ``bargain game rubinstein --steps`` (the series takes round lengths 1/2**k, k < steps)
MAX_RUBINSTEIN_STEPS = 60
#: ``--dpi`` of PNG figures (a 6 x 4 inch figure at 1200 dpi is 35 megapixels)
MAX_DPI = 1200
#: budgets a command checks up front; ``--force`` lifts them
MAX_SWEEP_POINTS = 10_000
MAX_SAMPLES = 1_000_000
MAX_ROUNDS = 100_000
#: the text shown when ``--workers`` is capped
MAX_WORKERS_WARNING = "--workers {asked} is more than the {cores} CPU cores here; using {cores}"


def check_utility(what: str, value: float, *, minimum: float = -UTILITY_LIMIT) -> None:
    """Raise a :class:`ScenarioError` unless ``value`` is finite, in ``[minimum, UTILITY_LIMIT]``.

    >>> check_utility("weight", 0.5)
    >>> check_utility("bonus", 1e308)
    Traceback (most recent call last):
    ...
    simulator.errors.ScenarioError: bonus must be a finite number in [-1000, 1000], got 1e+308
    """
    if not (math.isfinite(value) and minimum <= value <= UTILITY_LIMIT):
        raise ScenarioError(
            f"{what} must be a finite number in [{minimum:g}, {UTILITY_LIMIT:g}], got {value:g}"
        )


def check_budget(what: str, asked: int, limit: int, force: bool) -> None:
    """Refuse ``asked`` above ``limit`` unless ``force`` (the ``--force`` flag)."""
    if asked > limit and not force:
        raise ScenarioError(
            f"{what} {asked:,} is more than the limit of {limit:,} (it would take long or run "
            "out of memory); add --force to run it anyway"
        )


def check_time_limit(
    seconds: float | None,
    *,
    finite: bool = False,
    error: type[ScenarioError] = ScenarioError,
) -> float | None:
    """``seconds`` (None: no limit) if it is a positive number of seconds (and, with ``finite``,
    not infinite), else ``error`` saying so, as every ``--time-limit`` and ``time_limit=`` does.

    >>> check_time_limit(2.5), check_time_limit(None)
    (2.5, None)
    """
    if seconds is not None and not (seconds > 0 and (math.isfinite(seconds) or not finite)):
        raise error(f"--time-limit must be a positive number of seconds, got {seconds}")
    return seconds


class RoundClock:
    """Rounds of work within ``seconds`` from the clock's start (None: no limit), as the
    ``--time-limit`` of ``montecarlo`` and ``sweep`` runs them: a next round of ``units`` fits
    unless, at the last round's time per unit, it would end past ``seconds``. The first round
    always fits.

    >>> clock = RoundClock(None)
    >>> clock.start(); clock.end(100); clock.fits(10**9)
    True
    """

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.began = self._round = time.perf_counter()
        self._per_unit: float | None = None

    def start(self) -> None:
        """A round begins."""
        self._round = time.perf_counter()

    def end(self, units: int) -> None:
        """The round begun last ends, having done ``units`` of work."""
        self._per_unit = (time.perf_counter() - self._round) / max(units, 1)

    def fits(self, units: int) -> bool:
        """Whether a round of ``units`` would end within ``seconds`` of the start."""
        if self.seconds is None or self._per_unit is None:
            return True
        return time.perf_counter() - self.began + self._per_unit * units <= self.seconds


def bounded(low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type`` for an integer in ``[low, high]`` that says what is allowed.

    >>> bounded(0, 10)("3")
    3
    """

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"must be an integer from {low:,} to {high:,}, got {value:,}"
            )
        return value

    parse.__name__ = "integer"
    return parse


def repeated(ids: Iterable[str]) -> list[str]:
    """The ids that occur more than once, sorted (linear time, unlike ``ids.count``).

    >>> repeated(["a", "b", "a"])
    ['a']
    """
    seen: set[str] = set()
    twice: set[str] = set()
    for i in ids:
        (twice if i in seen else seen).add(i)
    return sorted(twice)
