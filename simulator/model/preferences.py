"""What a party wants: per-issue weights and value functions, interaction terms, uncertainty."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from simulator.errors import ScenarioError
from simulator.limits import UTILITY_LIMIT, check_utility
from simulator.model.issues import Condition, check_id

if TYPE_CHECKING:
    from simulator.model.periods import Trend

__all__ = ["Interaction", "Preference", "Uncertainty", "ValueKind"]

ValueKind = Literal["table", "linear", "ideal"]


@dataclass(frozen=True)
class Uncertainty:
    """A stated range for a parameter, used by Monte Carlo: uniform or triangular on [low, high]."""

    low: float
    high: float
    distribution: Literal["uniform", "triangular"] = "uniform"
    mode: float | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.low) and math.isfinite(self.high)) or self.low > self.high:
            raise ScenarioError(
                f"uncertainty range needs low <= high, got [{self.low}, {self.high}]"
            )
        if self.distribution not in ("uniform", "triangular"):
            raise ScenarioError(
                f"distribution must be 'uniform' or 'triangular', got {self.distribution!r}"
            )
        if self.mode is not None and not self.low <= self.mode <= self.high:
            raise ScenarioError(f"mode {self.mode} lies outside [{self.low}, {self.high}]")


@dataclass(frozen=True)
class Preference:
    """A party's weight on one issue and its value function over the issue's options.

    ``kind`` selects the value function:

    - ``table``: ``table`` gives a value in [0, 1] per option, in option order;
    - ``linear``: ``direction`` ``increasing`` goes from 0 at the first option to 1 at the last
      (linear in the numeric value for numeric issues), ``decreasing`` the reverse;
    - ``ideal``: single-peaked at option ``peak``; the value falls linearly with distance from the
      peak (in option steps, or in value units for numeric issues) and reaches 0 at distance
      ``spread`` (default: the distance to the farthest option).

    Any kind may take an ``exponent`` gamma > 0: the value becomes ``v ** gamma``. ``trend``
    moves the weight over the scenario's periods (:mod:`~simulator.model.periods`).
    """

    weight: float
    kind: ValueKind = "linear"
    direction: Literal["increasing", "decreasing"] = "increasing"
    table: tuple[float, ...] | None = None
    peak: str | None = None
    spread: float | None = None
    exponent: float = 1.0
    source: str | None = None
    trend: Trend | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.weight) and 0 <= self.weight <= UTILITY_LIMIT):
            raise ScenarioError(
                f"weight must be a finite number >= 0 and <= {UTILITY_LIMIT:g}, got {self.weight}"
            )
        if self.kind not in ("table", "linear", "ideal"):
            raise ScenarioError(f"value kind must be table, linear or ideal, got {self.kind!r}")
        if self.direction not in ("increasing", "decreasing"):
            raise ScenarioError(
                f"linear direction must be 'increasing' or 'decreasing', got {self.direction!r}"
            )
        if not math.isfinite(self.exponent) or self.exponent <= 0:
            raise ScenarioError(f"exponent must be a finite number > 0, got {self.exponent}")
        if self.kind == "table":
            if self.table is None:
                raise ScenarioError("a table value function needs a value for every option")
            bad = [v for v in self.table if not (math.isfinite(v) and 0.0 <= v <= 1.0)]
            if bad:
                raise ScenarioError(f"table values must lie in [0, 1], got {bad}")
        if self.kind == "ideal":
            if self.peak is None:
                raise ScenarioError("an ideal value function needs a peak option")
            if self.spread is not None and not (math.isfinite(self.spread) and self.spread > 0):
                raise ScenarioError(f"spread must be a finite number > 0, got {self.spread}")


@dataclass(frozen=True)
class Interaction:
    """A bonus (or, if negative, a penalty) in utility units, paid when ``when`` holds."""

    id: str
    when: Condition
    bonus: float
    source: str | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        check_id("interaction", self.id)
        try:
            check_utility("bonus", self.bonus)
        except ScenarioError as e:
            raise ScenarioError(f"interaction {self.id!r}: {e.message}") from None
