"""Sensitivity sweeps: solve a scenario for each value of one parameter; find the break-even points.

Notation
--------
A parameter ``theta`` is one number of the scenario: a party's reservation value, a weight, its
bargaining power or an interaction term's bonus, named ``PARTY.reservation``,
``PARTY.weight.ISSUE``, ``PARTY.power`` or ``PARTY.bonus.INTERACTION``. Setting it to ``x`` is the
edit ``PARTY reservation =x`` (and so on; a weight edit rescales the party's other weights so that
their total stays the same, see :mod:`simulator.analysis.edits`). For values ``x_0 < ... < x_m``
the sweep solves each ``s(x_j)``.

A *break-even point* lies between consecutive values where the ZOPA opens (``|Z| = 0`` then
``> 0``), closes, or the Nash outcome changes. With ``refine = r`` each is narrowed by ``r`` steps
of bisection (one solve each) to an interval ``(lo, hi]`` of width ``(x_j - x_{j-1}) / 2**r``: the
state at ``lo`` is the old one and at ``hi`` the new one. Bisection finds one change in an
interval; a finer grid finds changes that a coarse grid jumps over.

With a time limit of ``S`` seconds the grid is solved coarse to fine: both ends and every
``k``-th value first (``k`` a power of two, some nine values), then the values halfway between,
halving ``k`` each round, so each round solves about as many values as all before it. Before a
round that would end past ``S`` (its values at the last round's time per value) the sweep stops:
the result covers the whole range on the coarser grid solved so far, and says so (``stopped``).
The first round always runs; break-even points are refined after the grid, within ``refine``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from simulator.analysis._tasks import Executor, Summary, run_tasks, summarise
from simulator.analysis.edits import Adjust, Parameter, resolve_party
from simulator.errors import EditError, did_you_mean
from simulator.limits import RoundClock, check_time_limit
from simulator.model import Scenario
from simulator.progress import Progress
from simulator.results import Point, outcome_dict, utility_dict
from simulator.solver import SOLUTIONS

__all__ = ["BreakEven", "SweepResult", "parse_parameter", "parse_range", "sweep"]

PARAMETERS = ("reservation", "weight", "power", "bonus")


@dataclass(frozen=True)
class SweepParameter:
    """A named number of a scenario that a sweep sets (see the module Notation)."""

    party: str
    param: Parameter
    target: str | None = None

    def __str__(self) -> str:
        return ".".join(x for x in (self.party, self.param, self.target) if x is not None)

    def edit(self, value: float) -> Adjust:
        """The edit that sets the parameter to ``value``."""
        return Adjust(self.party, self.param, "=", float(value), self.target)

    def current(self, scenario: Scenario) -> float:
        """The parameter's value in ``scenario``."""
        party = scenario.party(self.party)
        if self.param == "reservation":
            return party.reservation
        if self.param == "power":
            return party.bargaining_power
        if self.param == "weight":
            return party.weight(str(self.target))
        return next(t.bonus for t in party.interactions if t.id == self.target)


def parse_parameter(text: str, scenario: Scenario) -> SweepParameter:
    """Read ``PARTY.reservation``, ``PARTY.weight.ISSUE``, ``PARTY.power`` or ``PARTY.bonus.ID``.

    Raises
    ------
    EditError
        Listing the parties, parameters, issues or interaction terms it could have named.

    Examples
    --------
    >>> from simulator.formats import load_scenario
    >>> car = load_scenario("scenarios/textbook_car.yaml")
    >>> str(parse_parameter("Buyer.weight.price", car))
    'buyer.weight.price'
    """
    parts = text.strip().split(".", 2)
    if len(parts) < 2:
        raise EditError(
            f"cannot read parameter {text!r}: write PARTY.reservation, PARTY.weight.ISSUE, "
            f"PARTY.power or PARTY.bonus.INTERACTION (parties: {', '.join(scenario.party_ids)})"
        )
    party = resolve_party(scenario, parts[0])
    name = {"bargaining_power": "power"}.get(parts[1].lower(), parts[1].lower())
    if name not in PARAMETERS:
        raise EditError(f"unknown parameter {parts[1]!r}; {did_you_mean(name, PARAMETERS)}")
    target = parts[2] if len(parts) > 2 else None
    if name in ("reservation", "power"):
        if target is not None:
            raise EditError(f"{party}.{name} takes no further name, got {target!r}")
    elif name == "weight":
        prefs = list(scenario.party(party).preferences)
        if target is None or target not in prefs:
            raise EditError(
                f"write {party}.weight.ISSUE with an issue {party} has a preference on; "
                f"{did_you_mean(str(target), prefs)}"
            )
    else:
        ids = [t.id for t in scenario.party(party).interactions]
        if target is None or target not in ids:
            raise EditError(
                f"write {party}.bonus.INTERACTION with one of {party}'s interaction terms; "
                f"{did_you_mean(str(target), ids)}"
            )
    return SweepParameter(party, cast(Parameter, name), target)


def parse_range(text: str) -> tuple[float, ...]:
    """``LOW:HIGH:COUNT`` as ``COUNT`` evenly spaced values, both ends included.

    >>> parse_range("0.2:0.6:5")
    (0.2, 0.3, 0.4, 0.5, 0.6)
    """
    parts = text.split(":")
    try:
        low, high, count = float(parts[0]), float(parts[1]), int(parts[2])
        if len(parts) != 3:
            raise ValueError
    except (ValueError, IndexError):
        raise EditError(f"a range is LOW:HIGH:COUNT (e.g. 0.2:0.6:21), got {text!r}") from None
    if (
        not (math.isfinite(low) and math.isfinite(high))
        or count < 1
        or (count == 1 and low != high)
    ):
        raise EditError(f"a range needs finite ends and COUNT >= 2 (or LOW = HIGH), got {text!r}")
    return tuple(float(f"{x:.12g}") for x in np.linspace(low, high, count))


@dataclass(frozen=True)
class BreakEven:
    """Where something changes: between ``lo`` (old state) and ``hi`` (new state).

    ``value`` is ``hi``, the first value found in the new state.
    """

    lo: float
    hi: float
    what: str
    before: Point | None = None
    after: Point | None = None

    @property
    def value(self) -> float:
        return self.hi

    def to_dict(self, scenario: Scenario) -> dict[str, Any]:
        d: dict[str, Any] = {"value": self.value, "what": self.what, "between": [self.lo, self.hi]}
        if self.before is not None and self.after is not None:
            d["nash_before"] = outcome_dict(scenario, self.before.outcome)
            d["nash_after"] = outcome_dict(scenario, self.after.outcome)
        return d


@dataclass(frozen=True, eq=False)
class SweepResult:
    """A sweep of one parameter: per value, the ZOPA count and each solution."""

    scenario: Scenario
    param: SweepParameter
    values: tuple[float, ...]
    summaries: tuple[Summary, ...]
    break_even: tuple[BreakEven, ...]
    #: ``(values asked for, seconds)`` when a time limit left the grid coarser (module Notation)
    stopped: tuple[int, float] | None = None

    @property
    def zopa(self) -> tuple[int, ...]:
        return tuple(s.zopa for s in self.summaries)

    def solution(self, name: str) -> tuple[Point | None, ...]:
        return tuple(s.solutions.get(name) for s in self.summaries)

    def to_dict(self) -> dict[str, Any]:
        s = self.scenario
        return {
            "scenario": s.name,
            "param": str(self.param),
            "baseline_value": self.param.current(s),
            "values": list(self.values),
            "zopa": list(self.zopa),
            "solutions": {
                name: [
                    None if p is None else utility_dict(s, p.utilities) for p in self.solution(name)
                ]
                for name in SOLUTIONS
            },
            "nash_outcomes": [
                None if p is None else outcome_dict(s, p.outcome) for p in self.solution("nash")
            ],
            "break_even": [b.to_dict(s) for b in self.break_even],
            "stopped": None
            if self.stopped is None
            else {
                "values": len(self.values),
                "requested": self.stopped[0],
                "seconds": self.stopped[1],
            },
        }


def _nash_index(summary: Summary) -> int | None:
    return None if summary.nash is None else summary.nash.index


def _changes(a: Summary, b: Summary) -> list[str]:
    if (a.zopa > 0) != (b.zopa > 0):
        return ["ZOPA opens" if b.zopa > 0 else "ZOPA closes"]
    if a.nash is not None and b.nash is not None and a.nash.index != b.nash.index:
        return ["Nash outcome changes"]
    return []


def _refine(
    lo: float,
    hi: float,
    ends: tuple[Summary, Summary],
    what: str,
    steps: int,
    solve_at: Callable[[float], Summary],
) -> BreakEven:
    a, b = ends
    same: Callable[[Summary], bool]
    if what.startswith("ZOPA"):
        same = lambda s: (s.zopa > 0) == (a.zopa > 0)  # noqa: E731
    else:
        same = lambda s: _nash_index(s) == _nash_index(a)  # noqa: E731
    for _ in range(steps):
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        at = solve_at(mid)
        if same(at):
            lo, a = mid, at
        else:
            hi, b = mid, at
    return BreakEven(lo, hi, what, a.nash, b.nash)


def coarse_to_fine(n: int, first: int = 9) -> list[list[int]]:
    """The rounds of a time-limited sweep of ``n`` values (module Notation): indices, each once.

    >>> coarse_to_fine(9, first=3)
    [[0, 4, 8], [2, 6], [1, 3, 5, 7]]
    """
    stride = 1
    while stride * 2 < n and (n - 1) // (stride * 2) + 1 >= first:
        stride *= 2
    rounds = [sorted({*range(0, n, stride), n - 1})]
    while stride > 1:
        stride //= 2
        rounds.append([i for i in range(stride, n - 1, 2 * stride)])
    return [r for r in rounds if r]


def _solve_rounds(
    scenarios: list[tuple[Scenario]], seconds: float | None, **run: Any
) -> tuple[list[int], list[Summary]]:
    """The grid's summaries (all of it without ``seconds``), coarse to fine within ``seconds``:
    the indices solved, in order, and their summaries."""
    if seconds is None:
        return list(range(len(scenarios))), run_tasks(summarise, scenarios, stage="sweep", **run)
    done: dict[int, Summary] = {}
    clock = RoundClock(seconds)
    for indices in coarse_to_fine(len(scenarios)):
        if not clock.fits(len(indices)):
            break
        clock.start()
        got = run_tasks(summarise, [scenarios[i] for i in indices], stage="sweep", **run)
        clock.end(len(indices))
        done.update(zip(indices, got, strict=True))
    order = sorted(done)
    return order, [done[i] for i in order]


def sweep(
    scenario: Scenario,
    param: str | SweepParameter,
    values: Sequence[float],
    *,
    refine: int = 0,
    executor: Executor | None = None,
    workers: int | None = 1,
    progress: Progress | None = None,
    seconds: float | None = None,
) -> SweepResult:
    """Solve ``scenario`` with ``param`` set to each of ``values`` and find the break-even points.

    Parameters
    ----------
    scenario
        The baseline; it is not changed.
    param
        ``PARTY.reservation``, ``PARTY.weight.ISSUE``, ``PARTY.power`` or ``PARTY.bonus.ID``.
    values
        The values to try; they are sorted and de-duplicated.
    refine
        Bisection steps per break-even point (one solve each; see the module Notation).
    executor, workers, progress
        How to run the solves of the grid (see :func:`~simulator.analysis._tasks.run_tasks`).
    seconds
        A time limit for the grid: solved coarse to fine, it stops before a round that would
        end past it (see the module Notation); None: every value.

    Returns
    -------
    SweepResult

    Raises
    ------
    EditError
        If the parameter is unknown or a value is not allowed (a weight above the party's total
        weight, a bargaining power <= 0).

    Examples
    --------
    >>> from simulator.formats import load_scenario
    >>> car = load_scenario("scenarios/textbook_car.yaml")
    >>> result = sweep(car, "buyer.reservation", [0.4, 0.8, 0.9])
    >>> result.zopa[0] > 0, result.zopa[2], [b.what for b in result.break_even]
    (True, 0, ['ZOPA closes'])
    """
    p = param if isinstance(param, SweepParameter) else parse_parameter(param, scenario)
    grid = tuple(sorted({float(v) for v in values}))
    if not grid or not all(math.isfinite(v) for v in grid):
        raise EditError("a sweep needs at least one finite value")
    check_time_limit(seconds, error=EditError)
    scenarios = [(p.edit(v).apply(scenario),) for v in grid]
    run = {"executor": executor, "workers": workers, "progress": progress}
    solved, summaries = _solve_rounds(scenarios, seconds, **run)
    stopped = None if len(solved) == len(grid) else (len(grid), float(seconds or 0.0))
    grid = tuple(grid[i] for i in solved)

    def solve_at(x: float) -> Summary:
        return summarise(p.edit(x).apply(scenario))

    points = []
    for j in range(1, len(grid)):
        a, b = summaries[j - 1], summaries[j]
        for what in _changes(a, b):
            points.append(_refine(grid[j - 1], grid[j], (a, b), what, refine, solve_at))
    return SweepResult(scenario, p, grid, tuple(summaries), tuple(points), stopped)
