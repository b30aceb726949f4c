"""Will a signed package stand? Ratification probabilities and expected utilities (two-level games).

Notation
--------
Party ``i``'s ratification terms ``t`` (:mod:`simulator.model.ratification`) each name a ratifier,
a hyperrectangle ``R_t`` and an approval probability ``q_t``. Ratifiers vote independently, so
party ``i`` ratifies package ``o`` with probability::

    rho_i(o) = prod_{t of i : o in R_t} q_t.

Once the leaders have signed, the package *is ratified* when the parties whose ratifiers approve
meet the decision rule: at least ``quorum`` of them and every veto party (without a rule, every
party). With independent parties this is a Poisson-binomial tail, computed exactly by a dynamic
programme over the parties in :class:`fractions.Fraction` (each ``q_t`` is the float written in the
file, which a ``Fraction`` holds exactly; the only rounding is the final ``float``)::

    p(o) = prod_{v in veto} rho_v(o) * P(#{i not veto : i ratifies} >= quorum - |veto|).

``stands`` counts a party that does not accept the package at the table (a red line crossed, or
less than its reservation) as not accepting, as a failed vote would: it is ``p(o)`` for a package
every party accepts, and less (often 0) for one outside the zone. Counting a failed ratification
as no deal, party ``i`` expects::

    EU_i(o) = p(o) * u_i(o) + (1 - p(o)) * d_i,   so   EU_i(o) - d_i = p(o) * (u_i(o) - d_i),

with ``d`` the disagreement point of the solve (the reservations, or ``d'`` under a rule).

``p`` is non-decreasing in every ``q_t`` (a product, then the tail of independent votes, a
monotone system), so over the terms' stated ranges it lies between its values at the low ends and
at the high ends: ``ratified_range`` is exact, with no sampling.

References
----------
Putnam, R. D. (1988). Diplomacy and domestic politics: the logic of two-level games.
*International Organization* 42(3), 427-460.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from simulator.compiled import BoolArray, FloatArray, IntArray, as_compiled, crossed_rules
from simulator.model import Ratification, Scenario
from simulator.results import Point, SolveResult, outcome_dict, utility_dict

__all__ = [
    "PackageRatification",
    "RatificationResult",
    "package_ratification",
    "party_ratification",
    "pass_probability",
    "ratification",
    "ratification_terms",
    "term_matches",
]

#: the two ways of choosing packages: by utility as signed, or by expected utility
MODES = ("nominal", "expected")


def ratification_terms(scenario: Scenario) -> list[tuple[int, Ratification]]:
    """Every ratification term with the index of its party, in party then file order."""
    return [(p, t) for p, party in enumerate(scenario.parties) for t in party.ratification]


def term_matches(scenario: Scenario, outcomes: IntArray) -> BoolArray:
    """Boolean ``(N, T)``: which terms (:func:`ratification_terms`) each outcome ``(N, n)`` meets.

    >>> from simulator.formats import loads_scenario_yaml
    >>> s = loads_scenario_yaml('''
    ... name: t
    ... issues: [{id: x, options: [a, b]}]
    ... parties:
    ...   - id: p
    ...     preferences: {x: {weight: 1, linear: increasing}}
    ...     ratification: [{id: vote, when: {x: [b]}, probability: 0.5}]
    ... ''')
    >>> term_matches(s, np.array([[0], [1]])).ravel().tolist()
    [False, True]
    """
    outcomes = np.asarray(outcomes, dtype=np.int64).reshape(-1, len(scenario.issues))
    pos = {issue.id: k for k, issue in enumerate(scenario.issues)}
    terms = ratification_terms(scenario)
    out = np.ones((len(outcomes), len(terms)), dtype=bool)
    for j, (_, term) in enumerate(terms):
        for issue_id, options in term.when.clauses:
            issue = scenario.issues[pos[issue_id]]
            allowed = [issue.index(o) for o in options]
            out[:, j] &= np.isin(outcomes[:, pos[issue_id]], allowed)
    return out


def party_ratification(
    scenario: Scenario, outcome: Sequence[int], end: str | None = None
) -> tuple[Fraction, ...]:
    """``rho_i(o)`` for every party, exact: the product of its matching terms' probabilities
    (with ``end`` ``"low"`` or ``"high"``, each term's end of its range; a term without a range
    keeps its probability)."""
    rho = [Fraction(1)] * len(scenario.parties)
    hits = term_matches(scenario, np.asarray([outcome]))[0]
    for (p, term), hit in zip(ratification_terms(scenario), hits, strict=True):
        if hit:
            spread = term.probability_range
            q = term.probability if end is None or spread is None else getattr(spread, end)
            rho[p] *= Fraction(q)
    return tuple(rho)


def pass_probability(
    scenario: Scenario, rho: Sequence[Fraction], accepts: Sequence[bool] | None = None
) -> Fraction:
    """P(the parties that accept and ratify meet the decision rule), exact.

    ``accepts`` (default: every party) says who accepts at the table; a party that does not
    counts as a failed vote. Without ``scenario.agreement`` every party must ratify.

    >>> from simulator.formats import load_scenario
    >>> s = load_scenario("scenarios/textbook_car.yaml")
    >>> pass_probability(s, [Fraction(1, 2), Fraction(3, 4)])
    Fraction(3, 8)
    """
    n = len(scenario.parties)
    accepts = [True] * n if accepts is None else list(accepts)
    rule = scenario.agreement
    quorum = n if rule is None else rule.quorum_of(n)
    veto = set() if rule is None else {scenario.party_ids.index(v) for v in rule.veto}
    sure = Fraction(1)
    tail = [Fraction(1)]  # tail[k]: P(exactly k parties outside the veto accept and ratify)
    for i in range(n):
        r = rho[i] if accepts[i] else Fraction(0)
        if i in veto:
            sure *= r
            continue
        grown = [Fraction(0)] * (len(tail) + 1)
        for k, w in enumerate(tail):
            grown[k] += w * (1 - r)
            grown[k + 1] += w * r
        tail = grown
    return sure * sum(tail[max(quorum - len(veto), 0) :], Fraction(0))


@dataclass(frozen=True, eq=False)
class PackageRatification:
    """One package's ratification: which terms it meets, each party's ``rho_i``, the
    probability it is ratified once signed (``ratified``), the probability it stands counting
    acceptance at the table (``stands``), and each party's expected utility ``EU_i``."""

    name: str
    label: str
    point: Point
    terms: tuple[tuple[str, str], ...]
    rho: tuple[Fraction, ...]
    accepts: tuple[bool, ...]
    ratified: Fraction
    stands: Fraction
    expected: tuple[float, ...]
    #: ``ratified`` at the low and at the high ends of every matching term's range: its exact
    #: bounds over the ranges, since the probability is non-decreasing in every term's
    ratified_range: tuple[Fraction, Fraction] = (Fraction(0), Fraction(1))

    def to_dict(self, scenario: Scenario) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "outcome": outcome_dict(scenario, self.point.outcome),
            "utilities": utility_dict(scenario, self.point.utilities),
            "terms": [{"party": p, "id": t} for p, t in self.terms],
            "party_ratifies": {
                p.id: float(r) for p, r in zip(scenario.parties, self.rho, strict=True)
            },
            "accepts": dict(zip(scenario.party_ids, self.accepts, strict=True)),
            "p_ratified": float(self.ratified),
            "p_ratified_range": [float(x) for x in self.ratified_range],
            "p_stands": float(self.stands),
            "expected_utilities": utility_dict(scenario, self.expected),
        }


def _accepts(scenario: Scenario, point: Point, d: FloatArray) -> tuple[bool, ...]:
    """Who accepts at the table: no own red line crossed and ``u_i >= d_i``."""
    cs = as_compiled(scenario)
    crossed = crossed_rules(cs, np.asarray([point.outcome]))[0]
    out = []
    for p in range(len(scenario.parties)):
        own = [r for r, ref in enumerate(cs.rules) if ref.owner == p]
        out.append(bool(point.utilities[p] >= d[p] and not crossed[own].any()))
    return tuple(out)


def package_ratification(
    scenario: Scenario, point: Point, d: FloatArray, name: str, label: str
) -> PackageRatification:
    """The ratification of one package ``point`` with disagreement point ``d`` ``(P,)``."""
    hits = term_matches(scenario, np.asarray([point.outcome]))[0]
    terms = ratification_terms(scenario)
    matched = tuple(
        (scenario.parties[p].id, t.id) for (p, t), hit in zip(terms, hits, strict=True) if hit
    )
    rho = party_ratification(scenario, point.outcome)
    accepts = _accepts(scenario, point, d)
    ratified = pass_probability(scenario, rho)
    p = float(ratified)
    expected = tuple(
        p * float(u) + (1.0 - p) * float(di) for u, di in zip(point.utilities, d, strict=True)
    )
    return PackageRatification(
        name=name,
        label=label,
        point=point,
        terms=matched,
        rho=rho,
        accepts=accepts,
        ratified=ratified,
        stands=pass_probability(scenario, rho, accepts),
        expected=expected,
        ratified_range=(
            pass_probability(scenario, party_ratification(scenario, point.outcome, "low")),
            pass_probability(scenario, party_ratification(scenario, point.outcome, "high")),
        ),
    )


@dataclass(frozen=True, eq=False)
class RatificationResult:
    """Ratification risk of a solve's packages (its solutions and closest package).

    ``mode`` says how the packages were chosen: ``nominal`` (by utility as signed, the solve's own
    packages) or ``expected`` (by expected utility,
    :func:`~simulator.analysis.ratified_solve.expected_solve`); ``cells`` is the number of cells
    of the terms' partition solved then."""

    scenario: Scenario
    mode: str
    packages: tuple[PackageRatification, ...]
    cells: int | None = None
    #: ``(proposal id, label, least, largest)`` P(ratified if signed) over each partial
    #: proposal's consistent completions (``bargain evaluate``)
    ranges: tuple[tuple[str, str, Fraction, Fraction], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        s = self.scenario
        return {
            "ratification": {
                "mode": self.mode,
                "terms": [
                    {
                        "party": s.parties[p].id,
                        "id": t.id,
                        "ratifier": t.voter,
                        "probability": t.probability,
                        "range": None
                        if t.probability_range is None
                        else [t.probability_range.low, t.probability_range.high],
                        "source": t.source,
                    }
                    for p, t in ratification_terms(s)
                ],
                **({} if self.cells is None else {"cells": self.cells}),
                "packages": [pkg.to_dict(s) for pkg in self.packages],
                **(
                    {}
                    if not self.ranges
                    else {
                        "proposal_ranges": [
                            {"name": n, "label": lab, "low": float(lo), "high": float(hi)}
                            for n, lab, lo, hi in self.ranges
                        ]
                    }
                ),
            }
        }


def ratification(
    result: SolveResult, mode: str = "nominal", cells: int | None = None
) -> RatificationResult:
    """The ratification of ``result``'s solutions and closest package.

    Examples
    --------
    >>> from simulator.formats import load_scenario
    >>> from simulator.solver import solve
    >>> r = ratification(solve(load_scenario("scenarios/textbook_car.yaml")))
    >>> [float(p.ratified) for p in r.packages][:1]  # no terms: every package stands
    [1.0]
    """
    from simulator.solver import SOLUTIONS

    s, d = result.scenario, np.asarray(result.disagreement, dtype=np.float64)
    packages = [
        package_ratification(s, point, d, name, SOLUTIONS[name].title)
        for name, point in result.solutions.items()
        if point is not None
    ]
    if result.closest is not None:
        packages.append(
            package_ratification(s, result.closest.point, d, "closest", "Closest to agreement")
        )
    return RatificationResult(s, mode, tuple(packages), cells)
