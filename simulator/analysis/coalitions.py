"""Coalitions: which groups of parties have a deal of their own, who can block, who has power.

Notation
--------
``N`` is the set of parties, ``(q, V)`` the scenario's decision rule (unanimity without an
``agreement`` block). For a coalition ``C`` (a subset of ``N``), ``Z(C)`` is its own ZOPA: the
consistent packages that cross no red line of a member and give every member at least its
reservation; outsiders' red lines and reservations play no part. ``C`` is *winning* when
``|C| >= q`` and ``V`` is a subset of ``C``.

- ``Z(C)``, its size and its Nash package (Nash 1950, over the members with their reservations)
  come from :mod:`~simulator.analysis.coalition_search` (one Nash search that also decides
  existence, one counting pass within a budget; coalitions share what they find); the
  outsiders' utilities and acceptance are read at the Nash package.
- *Veto players of the rule*: the parties in every winning coalition. *Veto players in effect*:
  the parties that accept every passing package of the whole scenario (nothing passes without
  them), when something passes.
- A member of a winning ``C`` is *pivotal* in ``C`` when ``C`` without it loses.
- The power indices are those of the rule's weighted game (:mod:`~simulator.analysis.power`).
- *A deal without X*: the packages that pass among ``N - {X}`` under the same rule, when the rule
  allows it (``X`` is no veto party and ``q <= |N| - 1``); for an ``X`` that controls issues, the
  packages that stand without it with those issues at their defaults (:mod:`.control`), and
  which of the whole scenario's solution packages need it.

Coalitions are enumerated for at most :data:`MAX_PARTIES` parties (``2^P - P - 1`` coalitions of
two or more).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from simulator.analysis.coalition_search import OwnZone, own_zones
from simulator.analysis.control import StandWithout, stand_without
from simulator.analysis.power import power_indices, rule_weights
from simulator.compiled import CompiledScenario, compile_scenario, crossed_rules, evaluate_utilities
from simulator.errors import ScenarioError
from simulator.model import Agreement, Scenario
from simulator.progress import Progress
from simulator.results import Point, SolveResult, ZopaEstimate, outcome_dict, utility_dict
from simulator.solver import solve, zopa_threshold

__all__ = ["MAX_PARTIES", "CoalitionZone", "CoalitionsResult", "DealWithout", "coalitions"]

#: Most parties whose coalitions are all enumerated (247 coalitions of two or more).
MAX_PARTIES = 8


@dataclass(frozen=True, eq=False)
class CoalitionZone:
    """One coalition: its members, whether it wins under the rule and which members are pivotal,
    its own ZOPA (size, exact or a lower bound) and Nash package, and what that package gives the
    outsiders (utility, whether they would accept it)."""

    members: tuple[str, ...]
    winning: bool
    pivotal: tuple[str, ...]
    has_zone: bool
    size: int
    size_exact: bool
    nash: Point | None
    outsiders: dict[str, float]
    outsiders_accept: dict[str, bool]
    estimate: ZopaEstimate | None = None

    @property
    def size_shown(self) -> float:
        """The zone's size: exact, or the estimate's value past the counting budget."""
        return self.estimate.value if self.estimate is not None else float(self.size)

    def to_dict(self, scenario: Scenario) -> dict[str, Any]:
        return {
            "members": list(self.members),
            "size_of_coalition": len(self.members),
            "winning": self.winning,
            "pivotal": list(self.pivotal),
            "has_zone": self.has_zone,
            "zone_size": self.size,
            "zone_size_exact": self.size_exact,
            "zone_size_estimate": None if self.estimate is None else self.estimate.to_dict(),
            "nash": None if self.nash is None else self.nash.to_dict(scenario_of(scenario, self)),
            "outsiders": self.outsiders,
            "outsiders_accept": self.outsiders_accept,
        }


def scenario_of(scenario: Scenario, zone: CoalitionZone) -> Scenario:
    """The coalition's own scenario: only its members, no decision rule."""
    parties = tuple(p for p in scenario.parties if p.id in zone.members)
    return dataclasses.replace(scenario, parties=parties, agreement=None)


@dataclass(frozen=True, eq=False)
class DealWithout:
    """A deal without ``party``: allowed by the rule or not; the passing packages among the
    others and their Nash package. For a party that controls issues, ``control`` is the deal
    that stands without it with those issues at their defaults (:mod:`.control`), which the
    rule always allows."""

    party: str
    allowed: bool
    size: int
    nash: Point | None
    control: StandWithout | None = None

    def to_dict(self, scenario: Scenario) -> dict[str, Any]:
        others = dataclasses.replace(
            scenario,
            parties=tuple(p for p in scenario.parties if p.id != self.party),
            agreement=None,
        )
        return {
            "party": self.party,
            "allowed": self.allowed,
            "passing": self.size,
            "nash": None if self.nash is None else self.nash.to_dict(others),
            "by_control": None if self.control is None else _control_dict(self.control),
        }


def _control_dict(c: StandWithout) -> dict[str, Any]:
    return {
        "defaults": dict(c.defaults),
        "passing_exact": c.size_exact,
        "passing_estimate": c.estimate,
        "solutions_needing_party": dict(c.needs),
    }


@dataclass(frozen=True, eq=False)
class CoalitionsResult:
    """Every coalition of at least ``min_size`` parties, the rule's veto players and power
    indices, veto players in effect and deals without each party (see the module docstring)."""

    scenario: Scenario
    min_size: int
    zones: tuple[CoalitionZone, ...]
    rule_veto: tuple[str, ...]
    veto_in_effect: tuple[str, ...]
    shapley_shubik: tuple[Fraction, ...]
    banzhaf: tuple[Fraction, ...]
    without: tuple[DealWithout, ...]
    solves: int
    searches: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        s = self.scenario
        total = sum(self.banzhaf) or Fraction(1)
        return {
            "scenario": s.name,
            "quorum": (s.agreement or Agreement()).quorum_of(len(s.parties)),
            "veto": list((s.agreement or Agreement()).veto),
            "min_size": self.min_size,
            "coalitions": [z.to_dict(s) for z in self.zones],
            "veto_players_of_rule": list(self.rule_veto),
            "veto_players_in_effect": list(self.veto_in_effect),
            "pivotal": {
                p: sum(p in z.pivotal for z in self.zones if z.has_zone) for p in s.party_ids
            },
            "power": {
                p: {
                    "shapley_shubik": str(ss),
                    "shapley_shubik_value": float(ss),
                    "banzhaf": str(bz),
                    "banzhaf_normalised": float(bz / total),
                }
                for p, ss, bz in zip(s.party_ids, self.shapley_shubik, self.banzhaf, strict=True)
            },
            "without": [w.to_dict(s) for w in self.without],
            "solves": self.solves,
            "searches": self.searches,
            "seconds": self.seconds,
        }


def _winning(members: Sequence[str], quorum: int, veto: Sequence[str]) -> bool:
    return len(members) >= quorum and set(veto) <= set(members)


def _zone(
    full: CompiledScenario, members: tuple[str, ...], rule: Agreement, own: OwnZone
) -> CoalitionZone:
    """One coalition's entry: winning and pivotal under the rule, its own zone (``own``) and what
    its Nash package gives the outsiders (utility, acceptance) in the whole scenario ``full``."""
    ids = full.scenario.party_ids
    q, veto = rule.quorum_of(len(ids)), rule.veto
    winning = _winning(members, q, veto)
    pivotal = tuple(
        m for m in members if winning and not _winning([x for x in members if x != m], q, veto)
    )
    outsiders: dict[str, float] = {}
    accept: dict[str, bool] = {}
    if own.nash is not None:
        o = np.asarray(own.nash.outcome)[None, :]
        u = evaluate_utilities(full, o)[0]
        crossed = crossed_rules(full, o)[0]
        threshold = zopa_threshold(full, full.reservation)
        for k, p in enumerate(ids):
            if p not in members:
                outsiders[p] = round(float(u[k]), 10)
                ok = u[k] >= float(threshold[k])
                accept[p] = bool(ok and not crossed[full.rule_owner == k].any())
    count = own.count
    return CoalitionZone(
        members,
        winning,
        pivotal,
        own.nash is not None,
        count.value,
        count.exact,
        own.nash,
        outsiders,
        accept,
        count.estimate,
    )


def _without(
    scenario: Scenario, party: str, rule: Agreement, whole: SolveResult
) -> tuple[DealWithout, int]:
    if scenario.party(party).controls:
        packages = {k: p.outcome for k, p in whole.solutions.items() if p is not None}
        c = stand_without(scenario, party, packages)
        return DealWithout(party, True, c.size, c.nash, c), 1
    n = len(scenario.parties)
    q = rule.quorum_of(n)
    if party in rule.veto or q > n - 1:
        return DealWithout(party, False, 0, None), 0
    others = dataclasses.replace(
        scenario,
        parties=tuple(p for p in scenario.parties if p.id != party),
        agreement=Agreement(q, rule.veto),
    )
    result = solve(others, closest=False)
    return DealWithout(party, True, result.counts.zopa, result.solutions.get("nash")), 1


def coalitions(
    scenario: Scenario,
    *,
    min_size: int = 2,
    whole: SolveResult | None = None,
    progress: Progress | None = None,
) -> CoalitionsResult:
    """Every coalition of ``min_size`` or more parties with its own ZOPA and Nash package, the
    rule's veto players, pivotal parties and power indices, veto players in effect and the deals
    without each party.

    Parameters
    ----------
    scenario
        At most :data:`MAX_PARTIES` parties.
    min_size
        Smallest coalition listed (at least 1).
    whole
        The scenario's own solve, if already at hand (for the veto players in effect).
    progress
        Called as ``progress("coalitions", fraction)``.

    Raises
    ------
    ScenarioError
        For too many parties or a ``min_size`` outside ``1..P``.

    Examples
    --------
    >>> from simulator.formats import load_scenario
    >>> r = coalitions(load_scenario("scenarios/textbook_car.yaml"))
    >>> [(z.members, z.has_zone) for z in r.zones]
    [(('buyer', 'dealer'), True)]
    """
    import time

    start = time.perf_counter()
    ids = scenario.party_ids
    if len(ids) > MAX_PARTIES:
        raise ScenarioError(
            f"coalitions are enumerated for at most {MAX_PARTIES} parties; this scenario has "
            f"{len(ids)}"
        )
    if not 1 <= min_size <= len(ids):
        raise ScenarioError(f"--min-size must lie in 1..{len(ids)}, got {min_size}")
    rule = scenario.agreement or Agreement()
    groups = [c for k in range(min_size, len(ids) + 1) for c in itertools.combinations(ids, k)]
    share = len(groups) / (len(groups) + len(ids) + 1)
    found = own_zones(
        scenario, groups, None if progress is None else lambda s, f: progress(s, f * share)
    )
    full = compile_scenario(dataclasses.replace(scenario, agreement=None))
    zones = [_zone(full, z.members, rule, z) for z in found]
    searches = sum(z.searches for z in found)
    solves = 0
    if whole is None:
        whole = solve(scenario, closest=False)
        solves += 1
    c = whole.counts
    accepted = c.accepted if c.accepted is not None else (c.zopa,) * len(ids)
    in_effect = tuple(p for p, a in zip(ids, accepted, strict=True) if c.zopa and a == c.zopa)
    weights, quota = rule_weights(scenario.agreement, ids)
    ss, bz = power_indices(weights, quota)
    winning_all = [
        g
        for k in range(1, len(ids) + 1)
        for g in itertools.combinations(ids, k)
        if _winning(g, rule.quorum_of(len(ids)), rule.veto)
    ]
    rule_veto = tuple(p for p in ids if all(p in g for g in winning_all))
    without = []
    for p in ids:
        w, used = _without(scenario, p, rule, whole)
        without.append(w)
        solves += used
    if progress:
        progress("coalitions", 1.0)
    return CoalitionsResult(
        scenario,
        min_size,
        tuple(zones),
        rule_veto,
        in_effect,
        ss,
        bz,
        tuple(without),
        solves,
        searches,
        time.perf_counter() - start,
    )


def outcome_names(scenario: Scenario, point: Point) -> dict[str, str]:
    """``{issue: option}`` of a point (for the renderer)."""
    return outcome_dict(scenario, point.outcome)


def member_utilities(scenario: Scenario, zone: CoalitionZone) -> dict[str, float]:
    """The members' utilities at the coalition's Nash package."""
    assert zone.nash is not None
    return utility_dict(scenario_of(scenario, zone), zone.nash.utilities)
