"""Compile a :class:`~simulator.model.Scenario` into numpy arrays for the solver.

Notation
--------
``n`` issues with ``k_i`` options, ``P`` parties. An outcome is a vector ``o`` of option indices,
one per issue. ``values[i]`` is a ``(P, k_i)`` array of *weighted* per-issue values
``w_pi * v_pi(k)``; a term ``t`` is a hyperrectangle ``R_t`` (for each of its issues, a boolean mask
of allowed options) with a bonus vector ``b_t`` of shape ``(P,)``; a rule region is a hyperrectangle
that a rule forbids. Then

    u_p(o) = min(cap_p, sum_i values[i][p, o_i] + sum_t b_tp * 1[o in R_t])

A party's deal bonus ``lambda_p`` (:attr:`~simulator.model.Party.deal_bonus`) is compiled into
the same arrays: its weights, bonuses and cap are scaled by ``1 - lambda_p`` and ``lambda_p`` is
added to every option of the first issue, so ``u_p = lambda_p + (1 - lambda_p) * S_p`` for every
outcome, and the search, its bounds and every method need nothing else (:func:`deal_scale`,
:func:`add_deal_bonus`).

Exactness
---------
Every weighted value and bonus is rounded to a multiple of ``QUANTUM = 2**-40`` (about 1e-12). Sums
of such numbers are exact in float64 whatever the order of addition, so the block search, the
whole-table evaluation and any re-ordering of issues give bit-identical utilities, and outcomes with
the same utility vector compare equal. The rounding changes a utility by at most
``(n + T) * QUANTUM / 2``, so utilities equal in exact arithmetic can differ once rounded
(``q(0.06) + q(0.01)`` is one quantum above ``q(0.04) + q(0.03)``): the solver treats differences up
to :attr:`CompiledScenario.rounding_slack` as ties.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from simulator.model import Condition, Issue, Preference, Rule, Scenario, forbidden_regions
from simulator.outcome_space import outcome_indices, outcomes_from_indices

__all__ = [
    "QUANTUM",
    "CompiledScenario",
    "Region",
    "RuleRef",
    "add_deal_bonus",
    "as_compiled",
    "compile_scenario",
    "crossed_rules",
    "deal_scale",
    "evaluate_utilities",
    "in_target",
    "issue_values",
    "outcome_indices",
    "outcomes_from_indices",
    "preference_values",
    "preference_weights",
    "quantise",
    "value_tables",
    "weighted_tables",
]

QUANTUM = 2.0**-40

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def quantise(x: FloatArray | float) -> FloatArray:
    """Round to the nearest multiple of :data:`QUANTUM` (see the module docstring)."""
    return np.round(np.asarray(x, dtype=np.float64) / QUANTUM) * QUANTUM


@dataclass(frozen=True, eq=False)
class Region:
    """A compiled hyperrectangle: ``issues`` (sorted issue indices) and one option mask per
    issue."""

    issues: tuple[int, ...]
    masks: tuple[BoolArray, ...]

    def contains(self, outcomes: IntArray) -> BoolArray:
        """Boolean ``(N,)``: which outcomes ``(N, n)`` lie inside the region."""
        inside = np.ones(len(outcomes), dtype=bool)
        for i, m in zip(self.issues, self.masks, strict=True):
            inside &= m[outcomes[:, i]]
        return inside


@dataclass(frozen=True)
class RuleRef:
    """Which rule a compiled rule stands for: ``owner`` is a party index, or -1 for a constraint."""

    owner: int
    id: str
    label: str

    @property
    def is_red_line(self) -> bool:
        return self.owner >= 0


@dataclass(frozen=True, eq=False)
class CompiledScenario:
    """A scenario as arrays: the solver's only input.

    Attributes
    ----------
    scenario
        The model it was compiled from (for names in results).
    sizes
        ``(n,)`` number of options per issue.
    values
        Per issue, ``(P, k_i)`` float64 weighted values (quantised).
    terms, term_bonus
        Interaction hyperrectangles and their ``(T, P)`` bonuses (quantised).
    regions, region_rule
        Forbidden hyperrectangles of all rules and, per region, the index into ``rules``.
    rules
        One :class:`RuleRef` per red line or constraint.
    reservation, power, cap
        ``(P,)`` reservation utilities, bargaining powers and utility caps (``inf`` for none).
    """

    scenario: Scenario
    sizes: tuple[int, ...]
    values: tuple[FloatArray, ...]
    terms: tuple[Region, ...]
    term_bonus: FloatArray
    regions: tuple[Region, ...]
    region_rule: IntArray
    rules: tuple[RuleRef, ...]
    reservation: FloatArray
    power: FloatArray
    cap: FloatArray

    @property
    def n_issues(self) -> int:
        return len(self.sizes)

    @property
    def n_parties(self) -> int:
        return len(self.reservation)

    @property
    def n_outcomes(self) -> int:
        return math.prod(self.sizes)

    @property
    def rounding_slack(self) -> float:
        """Tie tolerance: how far apart two compiled utilities equal in exact arithmetic can be.

        Each is a sum of at most ``n + T`` quantised numbers, each within ``QUANTUM / 2`` of its
        exact value; one more quantum covers the float products before rounding.
        """
        return (self.n_issues + len(self.terms) + 1) * QUANTUM

    @property
    def rule_owner(self) -> IntArray:
        return np.array([r.owner for r in self.rules], dtype=np.int64)


@functools.lru_cache(maxsize=4096)
def preference_values(pref: Preference, issue: Issue) -> FloatArray:
    """The value ``v(k)`` in [0, 1] of each option ``k`` of ``issue`` (unweighted), read-only.

    Cached (both arguments are frozen): a stress scan compiles thousands of scenarios that differ
    only in red lines, and this was 16% of it.

    >>> from simulator.model import Option
    >>> issue = Issue("x", tuple(Option(s) for s in "abcde"))
    >>> preference_values(Preference(1.0, "ideal", peak="b", spread=2.0), issue).tolist()
    [0.5, 1.0, 0.5, 0.0, 0.0]
    """
    k = len(issue.options)
    if issue.numeric:
        pos = np.array([o.value for o in issue.options], dtype=np.float64)
    else:
        pos = np.arange(k, dtype=np.float64)
    if pref.kind == "table":
        assert pref.table is not None
        v = np.array(pref.table, dtype=np.float64)
    elif pref.kind == "linear":
        span = pos.max() - pos.min()
        v = (pos - pos.min()) / span if span > 0 else np.ones(k)
        if pref.direction == "decreasing":
            v = 1.0 - v if span > 0 else v
    else:
        assert pref.peak is not None
        centre = pos[issue.index(pref.peak)]
        dist = np.abs(pos - centre)
        spread = pref.spread if pref.spread is not None else float(dist.max())
        v = np.clip(1.0 - dist / spread, 0.0, 1.0) if spread > 0 else np.ones(k)
    out = np.asarray(np.clip(v, 0.0, 1.0) ** pref.exponent, dtype=np.float64)
    out.setflags(write=False)
    return out


def _region(cond: Condition, issue_pos: Mapping[str, int], issues: Sequence[Issue]) -> Region:
    pairs = sorted((issue_pos[name], opts) for name, opts in cond.clauses)
    masks = []
    for i, opts in pairs:
        m = np.zeros(len(issues[i].options), dtype=bool)
        m[[issues[i].index(o) for o in opts]] = True
        masks.append(m)
    return Region(tuple(i for i, _ in pairs), tuple(masks))


def issue_values(scenario: Scenario) -> tuple[FloatArray, ...]:
    """Per issue, ``(P, k_i)`` float64: every party's unweighted value ``v_pi(k)`` of each option
    (0 for a party without a preference on the issue)."""
    out = []
    for issue in scenario.issues:
        v = np.zeros((len(scenario.parties), len(issue.options)))
        for p, party in enumerate(scenario.parties):
            pref = party.preferences.get(issue.id)
            if pref is not None:
                v[p] = preference_values(pref, issue)
        out.append(v)
    return tuple(out)


def preference_weights(scenario: Scenario) -> FloatArray:
    """``(P, n)`` float64: every party's weight ``w_pi`` on each issue (0 without a preference)."""
    return np.array(
        [[party.weight(i) for i in scenario.issue_ids] for party in scenario.parties],
        dtype=np.float64,
    ).reshape(len(scenario.parties), len(scenario.issues))


def value_tables(values: Sequence[FloatArray], weights: FloatArray) -> tuple[FloatArray, ...]:
    """The compiled value tables ``quantise(w_pi * v_pi(k))``: per issue ``(..., P, k_i)``, for
    one weight matrix ``(P, n)`` or many at once ``(S, P, n)`` (a utility is linear in the
    weights, so the tables of many weightings are one broadcast product, bit for bit those of
    :func:`compile_scenario`)."""
    weights = np.asarray(weights, dtype=np.float64)
    return tuple(quantise(weights[..., i, None] * v) for i, v in enumerate(values))


def deal_scale(scenario: Scenario) -> FloatArray:
    """``(P,)``: every party's ``1 - lambda_p``, the factor its deal bonus puts on the rest of its
    utility (1 without a bonus)."""
    return np.array([1.0 - p.deal_bonus for p in scenario.parties], dtype=np.float64)


def add_deal_bonus(tables: Sequence[FloatArray], scenario: Scenario) -> tuple[FloatArray, ...]:
    """``tables`` (per issue ``(..., P, k_i)``, from :func:`value_tables` with weights already
    scaled by :func:`deal_scale`) with each party's quantised deal bonus added to every option of
    the first issue: every outcome picks one option there, so every utility gains it once.

    >>> from simulator.model import Issue, Option, Party, Preference, Scenario
    >>> issue = Issue("x", (Option("a"), Option("b")))
    >>> party = Party("p", {"x": Preference(1.0, "linear")}, deal_bonus=0.5)
    >>> s = Scenario("s", (issue,), (party,))
    >>> tables = value_tables(issue_values(s), preference_weights(s) * deal_scale(s)[:, None])
    >>> add_deal_bonus(tables, s)[0].tolist()
    [[0.5, 1.0]]
    """
    bonus = quantise(np.array([p.deal_bonus for p in scenario.parties], dtype=np.float64))
    if not bonus.any():
        return tuple(tables)
    first = np.asarray(tables[0]) + bonus[:, None]
    return (first, *tables[1:])


def weighted_tables(scenario: Scenario, weights: FloatArray) -> tuple[FloatArray, ...]:
    """The compiled value tables of ``scenario`` under ``weights`` ``(P, n)`` or many weightings
    ``(S, P, n)`` at once, deal bonuses included: bit for bit those :func:`compile_scenario` builds
    for those weights. Every path that re-weights a compiled scenario (sampling, batches) uses it,
    so none can leave the deal bonus out."""
    scaled = np.asarray(weights, dtype=np.float64) * deal_scale(scenario)[:, None]
    return add_deal_bonus(value_tables(issue_values(scenario), scaled), scenario)


def compile_scenario(scenario: Scenario) -> CompiledScenario:
    """Turn the model into arrays (see the module docstring for the notation)."""
    issues = scenario.issues
    pos = {i.id: k for k, i in enumerate(issues)}
    n_p = len(scenario.parties)
    scale = deal_scale(scenario)
    values = weighted_tables(scenario, preference_weights(scenario))
    terms, bonus = [], []
    for p, party in enumerate(scenario.parties):
        for t in party.interactions:
            terms.append(_region(t.when, pos, issues))
            b = np.zeros(n_p)
            b[p] = t.bonus * scale[p]
            bonus.append(b)
    regions: list[Region] = []
    region_rule: list[int] = []
    rules: list[RuleRef] = []

    def add_rule(rule: Rule, owner: int, label: str) -> None:
        for cond in forbidden_regions(rule, {i.id: i for i in issues}):
            regions.append(_region(cond, pos, issues))
            region_rule.append(len(rules))
        rules.append(RuleRef(owner, rule.id, label))

    for c in scenario.constraints:
        add_rule(c, -1, f"constraint:{c.id}")
    for p, party in enumerate(scenario.parties):
        for r in party.red_lines:
            add_rule(r, p, f"{party.id}:{r.id}")
    return CompiledScenario(
        scenario=scenario,
        sizes=tuple(len(i.options) for i in issues),
        values=tuple(values),
        terms=tuple(terms),
        term_bonus=quantise(np.array(bonus).reshape(len(terms), n_p)),
        regions=tuple(regions),
        region_rule=np.array(region_rule, dtype=np.int64),
        rules=tuple(rules),
        reservation=np.array([p.reservation for p in scenario.parties], dtype=np.float64),
        power=np.array([p.bargaining_power for p in scenario.parties], dtype=np.float64),
        cap=np.array(
            [
                np.inf
                if p.utility_cap is None
                else p.deal_bonus + (1 - p.deal_bonus) * p.utility_cap
                for p in scenario.parties
            ]
        ),
    )


def as_compiled(scenario: Scenario | CompiledScenario) -> CompiledScenario:
    """``scenario`` compiled, unless it already is."""
    return scenario if isinstance(scenario, CompiledScenario) else compile_scenario(scenario)


def evaluate_utilities(cs: CompiledScenario, outcomes: IntArray) -> FloatArray:
    """Utilities ``(N, P)`` of outcomes given as option indices ``(N, n)``; whole-table evaluation.

    Use it for small sets of outcomes (proposals, frontiers, tests); the solver evaluates blocks.
    """
    outcomes = np.asarray(outcomes, dtype=np.int64).reshape(-1, cs.n_issues)
    u = np.zeros((len(outcomes), cs.n_parties))
    for i, table in enumerate(cs.values):
        u += table[:, outcomes[:, i]].T
    for region, b in zip(cs.terms, cs.term_bonus, strict=True):
        u += region.contains(outcomes)[:, None] * b[None, :]
    return np.minimum(u, cs.cap[None, :])


def crossed_rules(cs: CompiledScenario, outcomes: IntArray) -> BoolArray:
    """Boolean ``(N, R)``: which rules (``cs.rules``) each outcome ``(N, n)`` crosses."""
    outcomes = np.asarray(outcomes, dtype=np.int64).reshape(-1, cs.n_issues)
    crossed = np.zeros((len(outcomes), len(cs.rules)), dtype=bool)
    for region, r in zip(cs.regions, cs.region_rule, strict=True):
        crossed[:, r] |= region.contains(outcomes)
    return crossed


def in_target(
    cs: CompiledScenario, regions: BoolArray, threshold: FloatArray | None, outcomes: IntArray
) -> BoolArray:
    """``(m,)``: which ``outcomes`` ``(m, n)`` lie in none of the ``regions`` ``(R,)`` that are on
    and reach ``threshold`` ``(P,)`` (None: any utility), evaluated directly and exactly, as the
    search evaluates them. The one membership test behind witnesses, warm starts and estimates."""
    outcomes = np.asarray(outcomes, dtype=np.int64).reshape(-1, cs.n_issues)
    ok = np.ones(len(outcomes), dtype=bool)
    for region, on in zip(cs.regions, regions, strict=True):
        if on and len(outcomes):
            ok &= ~region.contains(outcomes)
    if threshold is not None and ok.any():
        ok[ok] = np.all(evaluate_utilities(cs, outcomes[ok]) >= threshold, axis=1)
    return ok
