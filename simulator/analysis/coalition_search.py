"""The own zones of many coalitions of one scenario, sharing what each search learns.

Notation
--------
``Z(C)`` is coalition ``C``'s own ZOPA (only its members' red lines and reservations, every
consistency constraint). Adding members only adds red lines and thresholds, so
``C <= D`` implies ``Z(D) <= Z(C)``. The searches use it:

- coalitions are taken smallest first; one with a subset without a zone has none (no search);
- every package found so far (the Nash packages of other coalitions) is tested against ``Z(C)``
  exactly (:func:`~simulator.solver.in_zone`): one inside proves the zone non-empty and starts
  the Nash search's bound at once.

Each coalition then takes one Nash search (:func:`~simulator.solver.nash_point`, Nash 1950, no
frontier built), which is also its existence search: the block search with the existence search's
narrow batches and its pruning by the members' thresholds, ordered by the bound on the Nash product,
ending with None exactly when ``Z(C)`` is empty. (On the Ukraine snapshots it decides existence
faster than :func:`~simulator.solver.find_outcome`, whose order looks for any package rather than a
good one.) A coalition with a zone then takes one counting pass within :data:`COUNT_BUDGET`
evaluated outcomes and expanded nodes; past it the size is the exact part found plus an estimate
with a 95% interval (:func:`~simulator.solver.count_zopa_within`, seeded: the same answer every
run).

Compiling a coalition's scenario takes under a millisecond and its search plan a few (measured on
the Ukraine snapshots), so each coalition is compiled on its own, with exactly the thresholds a
solve of it would use.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from simulator.compiled import IntArray, compile_scenario
from simulator.model import Scenario
from simulator.outcome_space import outcome_indices
from simulator.progress import Progress
from simulator.results import Point
from simulator.solver import (
    BoundedCount,
    Budget,
    count_zopa_within,
    in_zone,
    nash_point,
    rule_regions,
    zopa_threshold,
)

__all__ = ["COUNT_BUDGET", "COUNT_SAMPLES", "OwnZone", "own_zones"]

#: Nodes a coalition's counting pass may expand and outcomes it may evaluate; past either the
#: size is a lower bound with an estimate (``zone_size_exact: false``). Spaces of up to 2^18
#: outcomes are always counted exactly.
COUNT_BUDGET = Budget(nodes=1 << 14, outcomes=1 << 18)
#: Samples of the estimate past the budget (its 95% interval: a few per cent on the Ukraine
#: snapshots' coalitions).
COUNT_SAMPLES = 2000


@dataclass(frozen=True, eq=False)
class OwnZone:
    """A coalition's own zone: its Nash package (None without a zone), its size (exact, or a
    lower bound with an estimate) and how many searches it took."""

    members: tuple[str, ...]
    nash: Point | None
    count: BoundedCount
    searches: int


def own_zones(
    scenario: Scenario, groups: Sequence[tuple[str, ...]], progress: Progress | None = None
) -> list[OwnZone]:
    """The own zone of each coalition of ``groups`` (party ids, in the scenario's order), in the
    order given; see the module docstring."""
    base = dataclasses.replace(scenario, agreement=None)
    found: dict[tuple[str, ...], OwnZone] = {}
    without_zone: list[frozenset[str]] = []
    pool = np.zeros((0, len(scenario.issues)), dtype=np.int64)
    ordered = sorted(groups, key=len)
    for j, members in enumerate(ordered):
        if any(e <= set(members) for e in without_zone):
            found[members] = OwnZone(members, None, BoundedCount(0, None, 0, 0), 0)
            continue
        zone, packages = _own_zone(base, members, pool)
        found[members] = zone
        if zone.nash is None:
            without_zone.append(frozenset(members))
        pool = np.unique(np.concatenate([pool, packages]), axis=0)
        if progress:
            progress("coalitions", (j + 1) / len(ordered))
    return [found[m] for m in groups]


def _own_zone(base: Scenario, members: tuple[str, ...], pool: IntArray) -> tuple[OwnZone, IntArray]:
    """One coalition's zone, and the packages it found (for the others)."""
    sub = dataclasses.replace(base, parties=tuple(p for p in base.parties if p.id in members))
    cs = compile_scenario(sub)
    regions = rule_regions(cs, "all")
    threshold = zopa_threshold(cs, cs.reservation)
    seeds = pool[in_zone(cs, regions, cs.reservation, pool)]
    best = nash_point(cs, regions, cs.reservation, warm=seeds)
    if best is None:
        return OwnZone(members, None, BoundedCount(0, None, 0, 0), 1), seeds
    outcome, u = best.outcome, best.utilities
    nash = Point(
        tuple(int(k) for k in outcome),
        tuple(float(x) for x in u),
        int(outcome_indices(cs.sizes, outcome[None, :])[0]),
    )
    count = count_zopa_within(cs, threshold, COUNT_BUDGET, None, samples=COUNT_SAMPLES)
    return OwnZone(members, nash, count, 2), np.concatenate([seeds, outcome[None, :]])
