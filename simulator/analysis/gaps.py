"""Pairwise gaps: for every pair of parties, the issues that separate them and the pair's own ZOPA.

Notation
--------
For parties ``a`` and ``b`` and issue ``i``, ``val_p(k) = w_pi v_pi(k)`` is party ``p``'s weighted
value of option ``k`` (compiled units) and ``R_p`` its utility range over the consistent packages
(:func:`~simulator.solver.utility_ranges`), so that every share below is free of the party's scale.

The rule, in this order:

1. **Red lines that do not meet.** Issue ``i`` separates the pair when their unary red lines on
   it leave no option both allow (:func:`~simulator.analysis.diagnosis.red_line_conflicts` of
   the pair).
2. **Favourites that differ.** On every issue each party's *favourite* is its best option among
   those both parties' red lines on ``i`` allow (on a conflict issue, among those its own lines
   allow); ties go to the option the other party values most, then to the first. The *cost* to
   ``a`` of ``b``'s favourite is ``(val_a(fav_a) - val_a(fav_b)) / R_a``, the share of its range
   ``a`` gives up by taking ``b``'s choice, and the issue's *gap* is the sum of both costs: it is
   large where the favourites differ on an issue that both care about. Issues with a gap above
   :data:`GAP_TOLERANCE` separate the pair.

Separating issues are listed conflicts first, then by gap (largest first), then in issue order.
The rule reads each issue alone: interaction terms and red lines over several issues are not
attributed to issues (they show in the pair's ZOPA).

The pair's ZOPA is the ZOPA of the scenario with the two parties alone (both must accept, whatever
the decision rule; both red-line sets, the constraints, their reservations). Whether it is empty is
exact
(:func:`~simulator.solver.find_outcome`); its size is counted exactly within a budget of evaluated
outcomes per pair, past which the count is a lower bound with an estimate and a 95% interval, and
the result says so.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.analysis.diagnosis import red_line_conflicts
from simulator.compiled import CompiledScenario, FloatArray, compile_scenario
from simulator.model import Scenario
from simulator.progress import Progress
from simulator.solver import (
    Budget,
    count_zopa_within,
    find_outcome,
    rule_regions,
    utility_ranges,
    zopa_threshold,
)
from simulator.solver.estimate import ZopaEstimate

__all__ = ["COUNT_BUDGET", "GAP_TOLERANCE", "GapsResult", "IssueGap", "PairGap", "gaps"]

#: Outcomes one pair's ZOPA count may evaluate before it becomes a lower bound with an estimate.
COUNT_BUDGET = 10**7
#: Gaps (shares of the parties' ranges) at or below this do not separate a pair.
GAP_TOLERANCE = 1e-9


@dataclass(frozen=True)
class IssueGap:
    """One issue that separates a pair: whether their red lines on it do not meet (``conflict``,
    with the ``rules`` involved as ``party:rule``), each party's ``favourite`` option (in the
    pair's order), the ``cost`` to each of the other's favourite (a share of its utility range)
    and the ``gap`` (the sum of the costs)."""

    issue: str
    conflict: bool
    rules: tuple[str, ...]
    favourite: tuple[str, str]
    cost: tuple[float, float]
    gap: float

    def to_dict(self, parties: tuple[str, str]) -> dict[str, Any]:
        return {
            "issue": self.issue,
            "red_lines_do_not_meet": self.conflict,
            "red_lines": list(self.rules),
            "favourite": dict(zip(parties, self.favourite, strict=True)),
            "cost": {p: round(c, 10) for p, c in zip(parties, self.cost, strict=True)},
            "gap": round(self.gap, 10),
        }


@dataclass(frozen=True)
class PairGap:
    """Two parties (ids), the issues that separate them (see the module rule) and their own
    two-party ZOPA: whether it ``zopa_exists`` (exact), its ``zopa_count`` (exact when
    ``count_exact``, else a lower bound, with ``estimate``)."""

    parties: tuple[str, str]
    issues: tuple[IssueGap, ...]
    zopa_exists: bool
    zopa_count: int
    count_exact: bool
    estimate: ZopaEstimate | None = None

    @property
    def total_gap(self) -> float:
        """The sum of the separating issues' gaps (the matrix figure's value)."""
        return float(sum(g.gap for g in self.issues))

    def to_dict(self) -> dict[str, Any]:
        zopa: dict[str, Any] = {
            "exists": self.zopa_exists,
            "count": self.zopa_count,
            "count_exact": self.count_exact,
        }
        if self.estimate is not None:
            zopa["estimate"] = self.estimate.to_dict()
        return {
            "parties": list(self.parties),
            "issues": [g.to_dict(self.parties) for g in self.issues],
            "conflicts": sum(g.conflict for g in self.issues),
            "total_gap": round(self.total_gap, 10),
            "zopa": zopa,
        }


@dataclass(frozen=True)
class GapsResult:
    """Every pair's gaps (:class:`PairGap`, pairs in party order), the parties' utility
    ``ranges`` ``(P, 2)`` the shares are of, and the per-pair ``count_budget`` (None: none)."""

    scenario: Scenario
    pairs: tuple[PairGap, ...]
    ranges: FloatArray
    count_budget: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.name,
            "count_budget": self.count_budget,
            "utility_range": {
                p.id: [float(lo), float(hi)]
                for p, (lo, hi) in zip(self.scenario.parties, self.ranges, strict=True)
            },
            "gaps": [pair.to_dict() for pair in self.pairs],
        }

    def matrix(self) -> tuple[FloatArray, np.ndarray]:
        """``(P, P)`` total gaps (0 on the diagonal) and whether each pair's ZOPA exists (the
        diagonal true): what the matrix figure draws."""
        ids = self.scenario.party_ids
        n = len(ids)
        total = np.zeros((n, n))
        zopa = np.eye(n, dtype=bool)
        for pair in self.pairs:
            a, b = (ids.index(x) for x in pair.parties)
            total[a, b] = total[b, a] = pair.total_gap
            zopa[a, b] = zopa[b, a] = pair.zopa_exists
        return total, zopa


def _favourite(own: FloatArray, other: FloatArray, allowed: np.ndarray) -> int:
    """Index of the best option for ``own`` among ``allowed``: ties to ``other``'s best, then
    the first."""
    idx = np.flatnonzero(allowed)
    key = [(-float(own[k]), -float(other[k]), int(k)) for k in idx]
    return int(idx[key.index(min(key))])


def _allowed(cs: CompiledScenario, owners: set[int]) -> list[np.ndarray]:
    """Per issue, the options that the unary red lines of ``owners`` leave open."""
    allowed = [np.ones(k, dtype=bool) for k in cs.sizes]
    for region, r in zip(cs.regions, cs.region_rule, strict=True):
        if int(cs.rule_owner[r]) in owners and len(region.issues) == 1:
            allowed[region.issues[0]] &= ~region.masks[0]
    return allowed


def _issue_gaps(
    s: Scenario, cs: CompiledScenario, a: int, b: int, ranges: FloatArray
) -> tuple[IssueGap, ...]:
    sub = dataclasses.replace(
        s, parties=(s.parties[a], s.parties[b]), proposals=(), agreement=None
    )
    conflicts = {c.issue: c.rules for c in red_line_conflicts(sub)}
    both, own = _allowed(cs, {a, b}), (_allowed(cs, {a}), _allowed(cs, {b}))
    span = ranges[:, 1] - ranges[:, 0]
    out = []
    for i, issue in enumerate(s.issues):
        va, vb = cs.values[i][a], cs.values[i][b]
        common = both[i] if both[i].any() else None
        fa = _favourite(va, vb, common if common is not None else _or_all(own[0][i]))
        fb = _favourite(vb, va, common if common is not None else _or_all(own[1][i]))
        cost = tuple(
            float((v[f_own] - v[f_other]) / r) if r > 0 else 0.0
            for v, f_own, f_other, r in ((va, fa, fb, span[a]), (vb, fb, fa, span[b]))
        )
        gap = cost[0] + cost[1]
        conflict = issue.id in conflicts
        if conflict or gap > GAP_TOLERANCE:
            opts = issue.option_ids
            out.append(
                IssueGap(
                    issue.id,
                    conflict,
                    conflicts.get(issue.id, ()),
                    (opts[fa], opts[fb]),
                    (cost[0], cost[1]),
                    gap,
                )
            )
    order = {g.issue: k for k, g in enumerate(out)}
    return tuple(sorted(out, key=lambda g: (not g.conflict, -g.gap, order[g.issue])))


def _or_all(mask: np.ndarray) -> np.ndarray:
    return mask if mask.any() else np.ones_like(mask)


def _pair_zopa(
    s: Scenario, a: int, b: int, budget: int | None, progress: Progress | None
) -> tuple[bool, int, bool, ZopaEstimate | None]:
    sub = dataclasses.replace(
        s, parties=(s.parties[a], s.parties[b]), proposals=(), agreement=None
    )
    cs = compile_scenario(sub)
    threshold = zopa_threshold(cs, cs.reservation)
    if find_outcome(cs, rule_regions(cs, "all"), threshold) is None:
        return False, 0, True, None
    found = count_zopa_within(cs, threshold, Budget(outcomes=budget), progress)
    return True, found.value, found.exact, found.estimate


def gaps(
    scenario: Scenario, *, count_budget: int | None = COUNT_BUDGET, progress: Progress | None = None
) -> GapsResult:
    """The issues that separate every pair of parties and each pair's own ZOPA (module rule).

    Parameters
    ----------
    scenario
        The model (at least two parties).
    count_budget
        Outcomes each pair's ZOPA count may evaluate (None: no limit, exact however long).
    progress
        Called with ``(stage, fraction)``.

    Raises
    ------
    ScenarioError
        With fewer than two parties, or a budget below 1.

    Examples
    --------
    >>> import simulator
    >>> car = simulator.load_scenario("scenarios/textbook_car.yaml")
    >>> [(p.parties, [g.issue for g in p.issues][:2], p.zopa_exists) for p in gaps(car).pairs]
    [(('buyer', 'dealer'), ['price', 'delivery'], True)]
    """
    from simulator.errors import ScenarioError

    if len(scenario.parties) < 2:
        raise ScenarioError("pairwise gaps need at least two parties")
    if count_budget is not None and count_budget < 1:
        raise ScenarioError(f"the count budget must be at least 1 outcome, got {count_budget}")
    cs = compile_scenario(scenario)
    ranges, _ = utility_ranges(cs, rule_regions(cs, "consistency"))
    pairs = []
    combos = list(itertools.combinations(range(len(scenario.parties)), 2))
    for k, (a, b) in enumerate(combos):
        if progress:
            progress("pairwise gaps", k / len(combos))
        exists, count, exact, estimate = _pair_zopa(scenario, a, b, count_budget, None)
        ids = (scenario.parties[a].id, scenario.parties[b].id)
        pairs.append(
            PairGap(ids, _issue_gaps(scenario, cs, a, b, ranges), exists, count, exact, estimate)
        )
    if progress:
        progress("pairwise gaps", 1.0)
    return GapsResult(scenario, tuple(pairs), ranges, count_budget)
