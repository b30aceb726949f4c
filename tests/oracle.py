"""The slow obvious solver: enumerate every outcome and evaluate it in plain Python.

It reads the model directly (not the compiled arrays) and implements each definition the simplest
way, so that the vectorised solver can be checked against it on small spaces.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

from simulator.model import Condition, Party, Preference, Rule, Scenario


def value(pref: Preference, scenario: Scenario, issue_id: str, k: int) -> float:
    issue = scenario.issue(issue_id)
    n = len(issue.options)
    xs = [o.value if issue.numeric else float(j) for j, o in enumerate(issue.options)]
    x = xs[k]
    if pref.kind == "table":
        v = pref.table[k]
    elif pref.kind == "linear":
        lo, hi = min(xs), max(xs)
        t = (x - lo) / (hi - lo) if hi > lo else 1.0
        v = t if pref.direction == "increasing" or hi == lo else 1.0 - t
    else:
        c = xs[issue.index(pref.peak)]
        spread = pref.spread if pref.spread is not None else max(abs(y - c) for y in xs)
        v = max(0.0, 1.0 - abs(x - c) / spread) if spread > 0 else 1.0
    del n
    return min(max(v, 0.0), 1.0) ** pref.exponent


def holds(cond: Condition, outcome: dict[str, str]) -> bool:
    return all(outcome[issue] in opts for issue, opts in cond.clauses)


def crosses(rule: Rule, scenario: Scenario, outcome: dict[str, str]) -> bool:
    if rule.kind == "not":
        return outcome[rule.issue] in rule.options
    if rule.kind in ("at_least", "at_most"):
        issue = scenario.issue(rule.issue)
        k, b = issue.index(outcome[rule.issue]), issue.index(rule.bound)
        return k < b if rule.kind == "at_least" else k > b
    if rule.kind == "exclude":
        return holds(rule.condition, outcome)
    return holds(rule.condition, outcome) and not holds(rule.consequence, outcome)


def utility(party: Party, scenario: Scenario, outcome: dict[str, str]) -> float:
    u = 0.0
    for issue in scenario.issues:
        pref = party.preferences.get(issue.id)
        if pref is not None:
            u += pref.weight * value(pref, scenario, issue.id, issue.index(outcome[issue.id]))
    for t in party.interactions:
        if holds(t.when, outcome):
            u += t.bonus
    if party.utility_cap is not None:
        u = min(u, party.utility_cap)
    return u


@dataclass
class Row:
    index: int
    outcome: tuple[int, ...]
    named: dict[str, str]
    u: tuple[float, ...]
    consistent: bool
    crossed: tuple[str, ...]  # "party:id"


def enumerate_rows(s: Scenario) -> list[Row]:
    rows = []
    for idx, combo in enumerate(itertools.product(*[range(len(i.options)) for i in s.issues])):
        named = {i.id: i.options[k].id for i, k in zip(s.issues, combo, strict=True)}
        u = tuple(utility(p, s, named) for p in s.parties)
        consistent = not any(crosses(c, s, named) for c in s.constraints)
        crossed = tuple(
            f"{p.id}:{r.id}" for p in s.parties for r in p.red_lines if crosses(r, s, named)
        )
        rows.append(Row(idx, combo, named, u, consistent, crossed))
    return rows


def dominates(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    pairs = list(zip(a, b, strict=True))
    return all(x >= y for x, y in pairs) and any(x > y for x, y in pairs)


def frontier(rows: list[Row]) -> list[Row]:
    return [r for r in rows if not any(dominates(o.u, r.u) for o in rows)]


def criterion(
    name: str, u: tuple[float, ...], d: list[float], beta: list[float], ideal: list[float]
) -> float:
    g = [x - y for x, y in zip(u, d, strict=True)]
    if name == "nash":
        return math.prod(max(x, 0.0) for x in g)
    if name == "weighted_nash":
        if any(x <= 0 for x in g):
            return -math.inf
        return sum(b * math.log(x) for b, x in zip(beta, g, strict=True))
    if name == "kalai_smorodinsky":
        ratios = [x / (i - y) for x, i, y in zip(g, ideal, d, strict=True) if i - y > 0]
        return min(ratios) if ratios else 0.0
    if name == "egalitarian":
        return min(g)
    return sum(u)


def best(rows: list[Row], name: str, d: list[float], beta: list[float]) -> Row | None:
    if not rows:
        return None
    ideal = [max(r.u[p] for r in rows) for p in range(len(d))]
    crits = [criterion(name, r.u, d, beta, ideal) for r in rows]
    top = max(crits)
    tol = 1e-12 * max(1.0, abs(top)) if math.isfinite(top) else 0.0
    tied = [r for r, c in zip(rows, crits, strict=True) if c >= top - tol]
    room = [i - y for i, y in zip(ideal, d, strict=True)]

    def norm_sum(r: Row) -> float:
        total = 0.0
        for x, y, w in zip(r.u, d, room, strict=True):
            total += (x - y) / w if w > 0 else 0.0
        return total

    top_sum = max(norm_sum(r) for r in tied)
    tied = [r for r in tied if norm_sum(r) == top_sum]
    return min(tied, key=lambda r: r.index)


@dataclass
class OracleResult:
    counts: dict[str, int]
    zopa: list[Row]
    frontiers: dict[str, list[Row]]
    solutions: dict[str, Row | None]
    closest: Row | None
    closest_shortfall: float | None
    closest_crossed: int | None


def accepts(s: Scenario, r: Row, p: int, d: list[float]) -> bool:
    """Party ``p`` accepts row ``r``: none of its red lines crossed and ``u_p >= d_p``."""
    pid = s.parties[p].id
    return r.u[p] >= d[p] and not any(c.split(":")[0] == pid for c in r.crossed)


def passes(s: Scenario, r: Row, d: list[float]) -> bool:
    """The row passes the scenario's rule (unanimity without one)."""
    n = len(s.parties)
    rule = s.agreement
    quorum = n if rule is None else rule.quorum_of(n)
    acc = [accepts(s, r, p, d) for p in range(n)]
    veto = () if rule is None else rule.veto
    return (
        r.consistent
        and sum(acc) >= quorum
        and all(a for a, party in zip(acc, s.parties, strict=True) if party.id in veto)
    )


def rule_disagreement(s: Scenario, d: list[float], front: list[Row]) -> list[float]:
    """``d'``: an outvotable party's threat point is the least of ``d_p`` and what it gets on the
    passing frontier; a required party keeps ``d_p``."""
    if s.agreement is None or not front:
        return list(d)
    required = s.agreement.required(s.party_ids)
    return [
        d[p] if party.id in required else min(d[p], min(r.u[p] for r in front))
        for p, party in enumerate(s.parties)
    ]


def closest_key(
    consistent: list[Row], d: list[float]
) -> Callable[[Row], tuple[int, float, float, int]]:
    """The closest package's key (red lines crossed, largest shortfall and minus the sum of gains,
    each divided by the party's utility range over the ``consistent`` rows, index)."""
    n = len(d)
    span = [max(r.u[p] for r in consistent) - min(r.u[p] for r in consistent) for p in range(n)]

    def key(r: Row) -> tuple[int, float, float, int]:
        sf, total = 0.0, 0.0
        for x, y, w in zip(r.u, d, span, strict=True):
            if w > 0:
                sf = max(sf, (y - x) / w)
                total += (x - y) / w
        return (len(r.crossed), sf, -total, r.index)

    return key


def solve_oracle(s: Scenario, d: list[float] | None = None) -> OracleResult:
    rows = enumerate_rows(s)
    if d is None:
        d = [p.reservation for p in s.parties]
    beta = [p.bargaining_power for p in s.parties]
    consistent = [r for r in rows if r.consistent]
    feasible = [r for r in consistent if not r.crossed]
    if s.agreement is None:
        zopa = [r for r in feasible if all(x >= y for x, y in zip(r.u, d, strict=True))]
    else:
        zopa = [r for r in consistent if passes(s, r, d)]
    fronts = {"all": frontier(rows), "feasible": frontier(feasible), "zopa": frontier(zopa)}
    d0, d = d, rule_disagreement(s, d, fronts["zopa"])
    names = ["nash", "weighted_nash", "kalai_smorodinsky", "egalitarian", "utilitarian"]
    solutions = {n: best(fronts["zopa"], n, d, beta) for n in names}
    closest, short, n_crossed = None, None, None
    if not zopa and consistent and s.agreement is None:
        pool = feasible if feasible else consistent
        key = closest_key(consistent, d)

        closest = min(pool, key=key)
        short = max(0.0, *(y - x for x, y in zip(closest.u, d, strict=True)))
        n_crossed = len(closest.crossed)
    counts = {
        "outcomes": len(rows),
        "consistent": len(consistent),
        "feasible": len(feasible),
        "zopa": len(zopa),
    }
    if s.agreement is not None:
        counts["accepted"] = [
            sum(accepts(s, r, p, d0) for r in zopa) for p in range(len(s.parties))
        ]
    return OracleResult(counts, zopa, fronts, solutions, closest, short, n_crossed)
