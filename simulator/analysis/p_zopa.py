"""The exact probability that a ZOPA exists when each red line holds with its probability.

Notation
--------
The scenario's red lines ``1, ..., k`` with ``0 < p_j < 1`` are *uncertain*; those with ``p_j = 1``
always hold and those with ``p_j = 0`` never do. ``H`` is the set of uncertain lines that hold: each
line holds independently, line ``j`` with probability ``p_j``, and everything else (weights,
reservation values, constraints) is at its stated value. ``p_j`` is the line's ``probability``, or,
when it states a ``probability_range``, the mean of that range's distribution (uniform: ``(low +
high) / 2``; triangular: ``(low + mode + high) / 3``), since the Monte Carlo sampler draws ``p_j``
from the range first and a line then holds with probability ``E[p_j]``: the exact value is the
probability of the very model the sampler draws from.

``Z(H)`` is the ZOPA with the lines ``H`` (and the certain ones) in force. ``Z`` is monotone:
dropping a line never closes a zone, so ``Z(H)`` empty and ``H ⊆ H'`` give ``Z(H')`` empty. A
*blocking set* is an ``H`` with ``Z(H)`` empty; the minimal blocking sets decide everything: no
ZOPA exactly when all lines of some minimal blocking set hold.

The algorithm
-------------
A Shannon expansion over the lines, guided by witnesses (each search is one exact existence
search, :func:`simulator.solver.find_outcome`). A node holds the lines ``A`` for certain and leaves
the lines ``F`` to chance. If ``Z(A + F)`` is not empty, the node's P(ZOPA) is 1. If ``Z(A)`` is
empty, it is 0 and ``A`` blocks. Otherwise take a witness ``o`` in ``Z(A)`` and the lines ``c_1,
..., c_m`` of ``F`` it crosses. If none of them holds, ``o`` is in the ZOPA; so the node splits into
the disjoint cases "``c_1, ..., c_{i-1}`` dropped and ``c_i`` holds" (``i = 1..m``, each a child
node) and "all dropped" (P(ZOPA) 1)::

    P(A, F) = prod_i (1 - p_{c_i}) + sum_i prod_{j<i} (1 - p_{c_j}) p_{c_i} P(A + c_i, F - c_1..c_i)

Searches are saved by what earlier ones taught: a witness found before that crosses none of the
lines asked about answers without a search (the one crossing fewest free lines is taken), and a
held set containing a blocking set found before blocks.

The arithmetic is exact (:class:`fractions.Fraction` on the binary values of the stated
probabilities); the float reported is the double nearest the exact value. Every minimal blocking
set is the held set of some blocking leaf (follow the branch of a minimal blocking set ``B``: it
ends at a leaf that blocks with ``A ⊆ B``, hence ``A = B``), so they are the minimal blocking sets
found. The cost is one or two searches per node: not ``2**k`` solves, but in the worst case
exponential in ``k``; :data:`EXACT_LIMIT` bounds ``k`` and ``max_searches`` the work.

References
----------
C. E. Shannon (1949), The synthesis of two-terminal switching circuits, Bell System Technical
Journal 28, 59-98 (the expansion). R. E. Bryant (1986), Graph-based algorithms for Boolean function
manipulation, IEEE Trans. Computers C-35, 677-691 (decision diagrams).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from simulator.compiled import BoolArray, CompiledScenario, compile_scenario
from simulator.errors import ScenarioError
from simulator.model import Rule, Scenario
from simulator.progress import Progress
from simulator.solver import UNANIMOUS_ONLY, find_outcome, rule_regions, zopa_threshold

__all__ = [
    "EXACT_LIMIT",
    "MAX_SEARCHES",
    "ExactZopaResult",
    "UncertainLine",
    "hold_probability",
    "p_zopa_exact",
]

#: Most uncertain red lines :func:`p_zopa_exact` takes.
EXACT_LIMIT = 40
#: Default bound on the existence searches of one run.
MAX_SEARCHES = 20_000


def hold_probability(rule: Rule) -> Fraction:
    """The probability that ``rule`` holds in a Monte Carlo sample: its ``probability``, or the mean
    of its ``probability_range`` (see the module Notation), as an exact fraction.

    >>> from simulator.formats import load_scenario
    >>> s = load_scenario("scenarios/ukraine_2025-12.yaml")
    >>> rule = s.parties[0].red_lines[0]
    >>> rule.probability, float(hold_probability(rule))  # uniform on [0.7, 0.95]
    (0.85, 0.825)
    """
    stated = Fraction(rule.probability)
    span = rule.probability_range
    if span is None:
        return stated
    low, high = Fraction(span.low), Fraction(span.high)
    if high <= low:
        return low
    if span.distribution == "uniform":
        return (low + high) / 2
    mode = min(max(stated if span.mode is None else Fraction(span.mode), low), high)
    return (low + mode + high) / 3


@dataclass(frozen=True)
class UncertainLine:
    """One uncertain red line: ``party:rule`` label, probability of holding, stated probability."""

    label: str
    probability: Fraction
    stated: float


@dataclass(frozen=True, eq=False)
class ExactZopaResult:
    """The exact P(ZOPA not empty) and the minimal blocking sets (see the module Notation).

    ``blocking_sets`` index ``lines``; each is sorted, and they are listed from the most likely
    (probability that all their lines hold) down. ``certain`` lists the red lines that always hold.
    """

    scenario: Scenario
    p_zopa: Fraction
    lines: tuple[UncertainLine, ...]
    certain: tuple[str, ...]
    blocking_sets: tuple[tuple[int, ...], ...]
    searches: int
    seconds: float

    def set_probability(self, blocking_set: Sequence[int]) -> Fraction:
        """The probability that every line of ``blocking_set`` holds."""
        out = Fraction(1)
        for j in blocking_set:
            out *= self.lines[j].probability
        return out

    def _line(self, j: int) -> dict[str, Any]:
        return {"red_line": self.lines[j].label, "probability": float(self.lines[j].probability)}

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.name,
            "p_zopa_exact": float(self.p_zopa),
            "uncertain_red_lines": [self._line(j) for j in range(len(self.lines))],
            "certain_red_lines": list(self.certain),
            "blocking_sets": [
                {
                    "red_lines": [
                        {
                            "red_line": self.lines[j].label,
                            "probability": float(self.lines[j].probability),
                        }
                        for j in b
                    ],
                    "probability": float(self.set_probability(b)),
                }
                for b in self.blocking_sets
            ],
            "method": "shannon expansion over the red lines, exact rational arithmetic",
            "searches": self.searches,
            "seconds": self.seconds,
        }


class _Oracle:
    """Existence searches of ``Z(H)`` on one compiled scenario (``H`` a bitmask of lines) and what
    they taught: the witnesses found (the bitmask of lines each crosses) and the blocking sets."""

    def __init__(
        self, cs: CompiledScenario, base: BoolArray, line_regions: list[BoolArray]
    ) -> None:
        self.cs = cs
        self.base = base
        self.line_regions = line_regions
        self.threshold = zopa_threshold(cs, cs.reservation)
        self.searches = 0
        self.crossings: list[int] = []  # per witness found: the lines it crosses
        self.blocking: list[int] = []

    def blocked(self, held: int) -> bool:
        """Whether a blocking set already found lies in ``held``."""
        return any(b & held == b for b in self.blocking)

    def crossing(self, held: int, free: int) -> int | None:
        """The lines a witness of ``Z(held)`` crosses (fewest among ``free`` of those known, else
        one search); None when ``Z(held)`` is empty."""
        known = [c for c in self.crossings if c & held == 0]
        if known:
            return min(known, key=lambda c: (bin(c & free).count("1"), c))
        if self.blocked(held):
            return None
        self.searches += 1
        regions = self.base.copy()
        for j in _bits(held):
            regions |= self.line_regions[j]
        witness = find_outcome(self.cs, regions, self.threshold)
        if witness is None:
            self.blocking.append(held)
            return None
        inside = np.array([r.contains(witness[None, :])[0] for r in self.cs.regions], dtype=bool)
        crossed = sum(1 << j for j, m in enumerate(self.line_regions) if (inside & m).any())
        self.crossings.append(crossed)
        return crossed


def _bits(mask: int) -> list[int]:
    return [j for j in range(mask.bit_length()) if mask >> j & 1]


class _Expansion:
    def __init__(
        self, oracle: _Oracle, probs: Sequence[Fraction], budget: int, progress: Progress | None
    ) -> None:
        self.oracle = oracle
        self.p = probs
        self.budget = budget
        self.progress = progress
        self.decided = Fraction(0)

    def p_zopa(self, held: int, free: int, mass: Fraction) -> Fraction:
        """P(ZOPA) given the lines ``held`` hold and the lines ``free`` are left to chance
        (bitmasks); ``mass`` is the probability of reaching this node (for progress only)."""
        if self.oracle.searches >= self.budget:
            raise ScenarioError(
                f"the exact P(ZOPA) needs more than {self.budget:,} existence searches; "
                "raise the limit (max_searches) or estimate it with samples (--vary red_lines)"
            )
        if free and self.oracle.crossing(held | free, 0) is not None:
            self._advance(mass)  # a zone survives every line: P = 1 on this branch
            return Fraction(1)
        crossed = self.oracle.crossing(held, free)
        if crossed is None:
            self._advance(mass)
            return Fraction(0)
        order = _bits(crossed & free)
        rest = free & ~crossed
        out, stay = Fraction(0), Fraction(1)
        for i, c in enumerate(order):
            child = stay * self.p[c]
            later = sum(1 << j for j in order[i + 1 :])
            out += child * self.p_zopa(held | 1 << c, rest | later, mass * child)
            stay *= 1 - self.p[c]
        self._advance(mass * stay)
        return out + stay

    def _advance(self, mass: Fraction) -> None:
        self.decided += mass
        if self.progress is not None:
            self.progress("exact P(ZOPA)", float(self.decided))


def _minimal(sets: list[int]) -> list[int]:
    out: list[int] = []
    for s in sorted(set(sets), key=lambda m: (bin(m).count("1"), m)):
        if not any(m & s == m for m in out):
            out.append(s)
    return out


def p_zopa_exact(
    scenario: Scenario,
    *,
    limit: int = EXACT_LIMIT,
    max_searches: int = MAX_SEARCHES,
    progress: Progress | None = None,
) -> ExactZopaResult:
    """The exact probability that the ZOPA is not empty when each red line holds independently with
    its probability, and the minimal sets of red lines that block every deal (module Notation).

    Parameters
    ----------
    scenario
        Any scenario; weights and reservation values are taken as stated.
    limit
        Most uncertain red lines accepted.
    max_searches
        Bound on the existence searches.
    progress
        Called as ``progress("exact P(ZOPA)", fraction)``, the probability mass decided so far.

    Raises
    ------
    ScenarioError
        With more than ``limit`` uncertain red lines, when the searches exceed
        ``max_searches``, or for a scenario with a decision rule (``agreement``).

    Examples
    --------
    >>> from simulator.formats import load_scenario
    >>> from simulator.analysis.edits import apply_edits
    >>> car = load_scenario("scenarios/textbook_car.yaml")
    >>> r = p_zopa_exact(car)
    >>> float(r.p_zopa), [[r.lines[j].label for j in b] for b in r.blocking_sets]
    (1.0, [])
    """
    if scenario.agreement is not None:
        raise ScenarioError(UNANIMOUS_ONLY.format(what="the exact P(ZOPA) and its blocking sets"))
    start = time.perf_counter()
    cs = compile_scenario(scenario)
    rules: list[tuple[int, Rule]] = []
    k = 0
    for party in scenario.parties:
        for rule in party.red_lines:
            while cs.rules[k].owner < 0:
                k += 1
            rules.append((k, rule))
            k += 1
    base = rule_regions(cs, "consistency")
    lines: list[UncertainLine] = []
    line_regions: list[BoolArray] = []
    certain: list[str] = []
    for index, rule in rules:
        mask = np.asarray(cs.region_rule == index)
        p = hold_probability(rule)
        if p >= 1:
            base = base | mask
            certain.append(cs.rules[index].label)
        elif p > 0:
            lines.append(UncertainLine(cs.rules[index].label, p, rule.probability))
            line_regions.append(mask)
    if len(lines) > limit:
        raise ScenarioError(
            f"--exact takes at most {limit} uncertain red lines; this scenario has {len(lines)}. "
            "Fix some (probability 0 or 1) or estimate P(ZOPA) with samples (--vary red_lines)"
        )
    oracle = _Oracle(cs, base, line_regions)
    expansion = _Expansion(oracle, [line.probability for line in lines], max_searches, progress)
    p = expansion.p_zopa(0, (1 << len(lines)) - 1, Fraction(1))
    result = ExactZopaResult(scenario, p, tuple(lines), tuple(certain), (), oracle.searches, 0.0)
    sets = sorted(
        (tuple(_bits(b)) for b in _minimal(oracle.blocking)),
        key=lambda b: (-result.set_probability(b), len(b), b),
    )
    return ExactZopaResult(
        scenario,
        p,
        tuple(lines),
        tuple(certain),
        tuple(sets),
        oracle.searches,
        time.perf_counter() - start,
    )
