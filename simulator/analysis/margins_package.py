"""The package of a scenario whose reservations or weights moved, without a full solve.

Notation
--------
The *package* ``P`` is :func:`~simulator.solver.solve`'s Nash solution when the ZOPA is not empty,
else its outcome closest to agreement (:mod:`simulator.solver.closest`). A margin search asks for
``P`` at dozens of values of one parameter; a full solve counts the zone and builds its frontier
each time (seconds to minutes on a Ukraine snapshot). :class:`PackageAt` asks the two searches
``solve`` itself answers the package with, and only those:

- the ZOPA's Nash package by the bounds-driven search (:func:`~simulator.solver.nash_point`,
  exactly ``solve``'s Nash point; None when the zone is empty), warm-started with the packages
  found at earlier values;
- else the closest outcome by the same branch and bound as
  :func:`~simulator.solver.closest_to_agreement`
  (:class:`~simulator.solver.closest.ClosestVisitor`), seeded with the best of the integer
  programme's incumbent and the earlier packages: the key ends with the outcome index, so the
  minimiser is unique and the seed changes only the pruning.

What a reservation or a weight cannot change is found once: which outcomes cross no rule (the
candidates of the closest search) and, for a reservation move, every party's utility range over
the consistent outcomes (the closest key's normalisation, :func:`~simulator.solver.utility_ranges`).
A weight move changes its party's range only: it is re-proved by the same bounded searches
``utility_ranges`` runs, seeded with the extreme outcomes found at the start.

The shortcut applies under unanimity when ``solve`` enumerates
(:func:`~simulator.solver.choose_method`); otherwise (a decision rule; the two-party ``dp`` and
``milp`` methods) each value is one full solve. ``tests/analysis/test_margins_package.py``
compares both on random scenarios and the December snapshot.
"""

from __future__ import annotations

import numpy as np

from simulator.compiled import (
    CompiledScenario,
    FloatArray,
    IntArray,
    compile_scenario,
)
from simulator.model import Scenario
from simulator.solver import (
    Budget,
    choose_method,
    closest_key,
    exists_outcome,
    make_plan,
    nash_point,
    rule_regions,
    run_search,
    solve,
    utility_ranges,
)
from simulator.solver.budget import OverBudget
from simulator.solver.closest import ClosestVisitor
from simulator.solver.milp import closest_incumbent, extreme_outcomes
from simulator.solver.queries import proved_extreme

__all__ = ["WARM_NODES", "Package", "PackageAt", "package", "package_of"]

#: A package as option indices, or None when there is none (no outcome crosses no consistency rule).
Package = tuple[int, ...] | None

#: Earlier packages tried as warm starts.
_WARM = 8
#: Nodes a closest search seeded with earlier packages may expand before it starts again from
#: the integer programme's incumbent as well (which costs about as much as the search).
WARM_NODES = 1 << 12


def package_of(scenario: Scenario) -> Package:
    """The package the verdict names, by a full solve: the Nash solution with a ZOPA, else the
    closest outcome (the reference :class:`PackageAt` must agree with)."""
    result = solve(scenario)
    point = result.solutions.get("nash") if result.counts.zopa else None
    if point is None and result.closest is not None:
        point = result.closest.point
    return None if point is None else point.outcome


def package(scenario: Scenario) -> Package:
    """The package the verdict names, by the searches of :class:`PackageAt` (the same answer as
    :func:`package_of`, faster)."""
    return PackageAt(scenario)(scenario, party=0, weights_moved=False)


class PackageAt:
    """The package of ``scenario`` with one reservation or weight moved (module Notation).

    >>> import simulator
    >>> from simulator.analysis.edits import Adjust
    >>> car = simulator.load_scenario("scenarios/textbook_car.yaml")
    >>> at = PackageAt(car)
    >>> moved = Adjust("buyer", "reservation", "=", 0.45).apply(car)
    >>> at(moved, party=0, weights_moved=False) == package_of(moved)
    True
    """

    def __init__(self, scenario: Scenario) -> None:
        cs = compile_scenario(scenario)
        self.fast = scenario.agreement is None and choose_method(cs, "zopa") == "enumerate"
        self.all = rule_regions(cs, "all")
        self.consistency = rule_regions(cs, "consistency")
        self.feasible = bool(exists_outcome(cs, self.all))
        self.consistent = self.feasible or bool(exists_outcome(cs, self.consistency))
        self.tracked = self.all if self.feasible else self.consistency
        self._ranges: FloatArray | None = None
        self._extremes: list[IntArray | None] | None = None
        self._cs = cs
        self.seen: list[IntArray] = []

    @property
    def ranges(self) -> FloatArray:
        """``(P,)`` each party's utility range over the consistent outcomes at the start."""
        if self._ranges is None:
            ranges, _ = utility_ranges(self._cs, self.consistency)
            self._ranges = np.nan_to_num(ranges[:, 1] - ranges[:, 0])
        return self._ranges

    def __call__(self, scenario: Scenario, *, party: int, weights_moved: bool) -> Package:
        """The package of ``scenario``, which differs from the start's only in ``party``'s
        reservation (``weights_moved`` false) or weights (true)."""
        if not self.fast:
            return package_of(scenario)
        cs = compile_scenario(scenario)
        warm = np.array(self.seen[-_WARM:][::-1], dtype=np.int64).reshape(-1, cs.n_issues)
        if self.feasible:
            found = nash_point(cs, self.all, cs.reservation, warm=warm)
            if found is not None:
                return self._remember(found.outcome)
        if not self.consistent:
            return None
        r = self.ranges.copy()
        if weights_moved:
            moved = self._party_range(cs, party)
            if moved is None:  # the bounded proof ran out: the full computation, as solve's
                ranges, _ = utility_ranges(cs, self.consistency)
                r = np.nan_to_num(ranges[:, 1] - ranges[:, 0])
            else:
                r[party] = moved
        best = self._closest(cs, r, warm, WARM_NODES) if len(warm) else None
        if best is None:  # no earlier package, or it did not prune enough: the incumbent too
            best = self._closest(cs, r, warm, None)
        return None if best is None else self._remember(best)

    def _closest(
        self, cs: CompiledScenario, r: FloatArray, warm: IntArray, nodes: int | None
    ) -> IntArray | None:
        """The closest search seeded with the best of ``warm`` (``nodes``: a node budget, None
        when over it) or, without a budget, also with the integer programme's incumbent."""
        visitor = ClosestVisitor(cs, cs.reservation, r, not self.feasible)
        seeds = list(warm)
        if nodes is None:
            found = closest_incumbent(cs, cs.reservation, r, self.tracked, visitor.red_rules)
            seeds += [] if found is None else [found]
        if seeds:
            keys = [closest_key(cs, cs.reservation, r, o, visitor.red_rules)[0] for o in seeds]
            visitor.seed(seeds[min(range(len(keys)), key=keys.__getitem__)], self.tracked)
        try:
            meter = None if nodes is None else Budget(nodes).meter()
            run_search(make_plan(cs, self.tracked), visitor, meter=meter)
        except OverBudget:
            return None
        if visitor.best_outcome is None:
            return None if nodes is None else self._closest(cs, r, warm, None)
        return visitor.best_outcome

    def _remember(self, outcome: IntArray) -> tuple[int, ...]:
        out = np.asarray(outcome, dtype=np.int64)
        if not any(np.array_equal(out, o) for o in self.seen[-_WARM:]):
            self.seen.append(out.copy())
        return tuple(int(k) for k in out)

    def _party_range(self, cs: CompiledScenario, p: int) -> float | None:
        """``max u_p - min u_p`` over the consistent outcomes, proved by the bounded searches of
        :func:`~simulator.solver.utility_ranges` seeded with the start's extreme outcomes; None
        when a proof runs past its node budget or nothing is consistent."""
        if self._extremes is None:
            self._extremes, _ = extreme_outcomes(self._cs, self.consistency)
        ends = []
        for col in (0, 1):
            best, proved = proved_extreme(cs, self.consistency, p, col, self._extremes[2 * p + col])
            if not proved or not np.isfinite(best):
                return None
            ends.append(best)
        return float(ends[1] - ends[0])
