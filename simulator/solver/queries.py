"""Queries about the space, each one pass of the block search: counts, existence, thresholds.

Notation
--------
A *region mask* ``(R,)`` over ``cs.regions`` says which rule regions an outcome must not enter
(:func:`rule_regions` gives the usual ones: ``none``, ``consistency`` or ``all`` rules). A
*threshold* ``(P,)`` asks for ``u_p >= threshold_p`` (``-inf`` for a party that does not matter);
the ZOPA's is :func:`zopa_threshold` of the disagreement point ``d`` (:func:`disagreement_point`).

- :func:`count_outcomes`: exact counts (closed form for subtrees certainly inside; without a
  threshold, a product over the groups of issues that no region links);
- :func:`exists_outcome`: existence, exact (search with a budget, then an integer programme's
  witness, then the search to the end);
- :func:`count_zopa`: the ZOPA count, or a lower bound past a budget;
- :func:`max_utility`: the largest utility of one party over a target set, exact;
- :func:`utility_ranges`: every party's smallest and largest utility over a set, exact (an
  integer programme's witnesses proved by branch and bound).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.compiled import (
    BoolArray,
    CompiledScenario,
    FloatArray,
    IntArray,
    evaluate_utilities,
    in_target,
)
from simulator.errors import ScenarioError
from simulator.outcome_space import linked_groups
from simulator.progress import Progress, StageProgress, labelled
from simulator.rng import RngLike
from simulator.solver import milp
from simulator.solver.additive_count import COUNT_METHOD as ADDITIVE_METHOD
from simulator.solver.additive_count import additive_count
from simulator.solver.budget import Budget, OverBudget
from simulator.solver.estimate import ESTIMATE_SAMPLES, ZopaEstimate, estimate_open
from simulator.solver.search import Plan, make_plan, run_search
from simulator.solver.visitors import (
    ExistsVisitor,
    ExtremesVisitor,
    MaxVisitor,
    MinVisitor,
    ZoneVisitor,
)

__all__ = [
    "EXISTS_BATCH",
    "EXISTS_BUDGET",
    "EXISTS_FINAL",
    "EXISTS_NODES",
    "BoundedCount",
    "count_outcomes",
    "count_zopa",
    "count_zopa_within",
    "disagreement_point",
    "exists_outcome",
    "find_outcome",
    "max_utility",
    "proved_extreme",
    "rule_regions",
    "utility_ranges",
    "zone",
    "zopa_threshold",
]

#: Outcomes an existence search evaluates before it asks the integer programme for a witness.
EXISTS_BUDGET = 1 << 24
#: Nodes that first search may expand (weak bounds expand nodes without reaching leaves).
EXISTS_NODES = 1 << 18
#: The existence search's final pass (after the integer programme found no witness): past it the
#: question stops undecided (:class:`~simulator.solver.budget.OverBudget`). About 30 s each part.
EXISTS_FINAL = Budget(nodes=2 * 10**6, outcomes=4 * 10**9)
#: Nodes expanded at once by an existence search: narrow, to reach leaves early.
EXISTS_BATCH = 256


def rule_regions(cs: CompiledScenario, which: str) -> BoolArray:
    """Mask over ``cs.regions``: ``none``, ``consistency`` (constraints only) or ``all`` rules."""
    owner = cs.rule_owner[cs.region_rule] if len(cs.regions) else np.zeros(0, dtype=np.int64)
    if which == "none":
        return np.zeros(len(cs.regions), dtype=bool)
    if which == "consistency":
        return np.asarray(owner < 0)
    return np.ones(len(cs.regions), dtype=bool)


def zone(
    cs: CompiledScenario,
    rules: str,
    threshold: FloatArray | None,
    *,
    count: bool,
    frontier: bool,
    progress: StageProgress | None,
    budget: Budget | None = None,
) -> ZoneVisitor:
    """One :class:`~simulator.solver.visitors.ZoneVisitor` pass over the outcomes that cross none
    of the ``rules`` (``none``, ``consistency`` or ``all``): its count and/or frontier. With a
    ``budget`` the pass may stop early: then ``visitor.budget_ended`` names the part that ran out,
    the count is a lower bound and the frontier that of the outcomes seen."""
    visitor = ZoneVisitor(cs, threshold, count, frontier)
    meter = None if budget is None or budget.unlimited else budget.meter()
    try:
        run_search(make_plan(cs, rule_regions(cs, rules)), visitor, progress, meter=meter)
    except OverBudget as e:
        visitor.budget_ended = e.budget
    return visitor


def _components(cs: CompiledScenario, regions: BoolArray) -> list[list[int]]:
    """Groups of issues linked by the given rule regions (connected components), among the
    issues that some region names."""
    on = [r.issues for r, keep in zip(cs.regions, regions, strict=True) if keep]
    named = {i for issues in on for i in issues}
    return [g for g in linked_groups(cs.n_issues, on) if g[0] in named]


def _restricted_to(cs: CompiledScenario, issues: list[int], regions: BoolArray) -> CompiledScenario:
    """The rule structure of ``cs`` on a subset of its issues (no utilities), for counting."""
    import dataclasses

    from simulator.compiled import Region

    pos = {i: k for k, i in enumerate(issues)}
    keep = [r for r, on in enumerate(regions) if on and set(cs.regions[r].issues) <= set(issues)]
    sub_regions = tuple(
        Region(tuple(pos[i] for i in cs.regions[r].issues), cs.regions[r].masks) for r in keep
    )
    return dataclasses.replace(
        cs,
        sizes=tuple(cs.sizes[i] for i in issues),
        values=tuple(np.zeros((cs.n_parties, cs.sizes[i])) for i in issues),
        terms=(),
        term_bonus=np.zeros((0, cs.n_parties)),
        regions=sub_regions,
        region_rule=cs.region_rule[keep],
    )


def count_outcomes(
    cs: CompiledScenario,
    regions: BoolArray,
    threshold: FloatArray | None = None,
    progress: StageProgress | None = None,
) -> int:
    """Exact number of outcomes that lie in none of ``regions`` (a mask over ``cs.regions``) and
    give every party ``p`` at least ``threshold[p]`` (use ``-inf`` for parties that do not matter).

    Without a threshold the count factorises over groups of issues that no region links: it is the
    product of each group's count and the sizes of the issues no region names.
    """
    regions = np.asarray(regions, dtype=bool)
    if threshold is not None:
        visitor = ZoneVisitor(cs, threshold, count=True, frontier=False)
        run_search(make_plan(cs, regions), visitor, progress)
        return int(visitor.count)
    total = 1
    linked: set[int] = set()
    groups = _components(cs, regions)
    for k, group in enumerate(groups):
        linked.update(group)
        sub = _restricted_to(cs, group, regions)
        visitor = ZoneVisitor(sub, None, count=True, frontier=False)
        run_search(make_plan(sub, np.ones(len(sub.regions), dtype=bool)), visitor)
        total *= int(visitor.count)
        if progress:
            progress((k + 1) / len(groups))
    for i in set(range(cs.n_issues)) - linked:
        total *= cs.sizes[i]
    if progress:
        progress(1.0)
    return total


def exists_outcome(
    cs: CompiledScenario, regions: BoolArray, threshold: FloatArray | None = None
) -> bool:
    """Whether some outcome lies in none of ``regions`` and reaches ``threshold``.

    Exact, in three steps: the search for up to :data:`EXISTS_BUDGET` evaluated outcomes and
    :data:`EXISTS_NODES` expanded nodes (it stops at the first outcome found, and most empty sets
    are proved empty by their bounds within it); then the integer programme's feasibility solve,
    whose outcome, if any, is checked exactly (a witness); then, if the programme found none, the
    search to the end within :data:`EXISTS_FINAL` (and the ``time_limit`` scope).

    Raises
    ------
    OverBudget
        When the final pass runs out of its budget or the time limit: the question is undecided
        (``stage`` names the pass).
    """
    return find_outcome(cs, regions, threshold) is not None


def find_outcome(
    cs: CompiledScenario,
    regions: BoolArray,
    threshold: FloatArray | None = None,
    *,
    plan: Plan | None = None,
) -> IntArray | None:
    """An outcome (option indices ``(n,)``) in none of ``regions`` that reaches ``threshold``, or
    None when there is none: :func:`exists_outcome` with its witness. ``plan``: the search's
    plan of ``cs`` and ``regions``, if already made."""
    regions = np.asarray(regions, dtype=bool)
    plan = make_plan(cs, regions) if plan is None else plan
    visitor = ExistsVisitor(threshold, EXISTS_BUDGET)
    try:
        meter = Budget(nodes=EXISTS_NODES).meter()
        run_search(plan, visitor, batch_nodes=EXISTS_BATCH, meter=meter)
        return visitor.witness
    except OverBudget:
        pass
    try:
        witness = milp.optimum(cs, regions, threshold, "exists")
    except milp.MilpError:
        witness = None
    if witness is not None and in_target(cs, regions, threshold, witness)[0]:
        return np.asarray(witness, dtype=np.int64)
    visitor = ExistsVisitor(threshold)
    try:
        run_search(plan, visitor, batch_nodes=EXISTS_BATCH, meter=EXISTS_FINAL.meter())
    except OverBudget as e:
        raise OverBudget(e.budget, stage="the existence search") from None
    return visitor.witness


def max_utility(cs: CompiledScenario, regions: BoolArray, threshold: FloatArray, p: int) -> float:
    """The largest ``u_p`` over the outcomes in none of ``regions`` that reach ``threshold`` (set
    ``threshold[p] = -inf`` to leave ``p`` free); ``-inf`` if there is none. Exact: one branch
    and bound pass (:class:`~simulator.solver.visitors.MaxVisitor`), compiled utilities."""
    visitor = MaxVisitor(p, np.asarray(threshold, dtype=np.float64))
    run_search(make_plan(cs, np.asarray(regions, dtype=bool)), visitor)
    return float(visitor.best)


#: Nodes the branch and bound may expand to prove one extreme of :func:`utility_ranges`.
RANGE_PROOF_NODES = 1 << 20


def utility_ranges(cs: CompiledScenario, regions: BoolArray) -> tuple[FloatArray, bool]:
    """Each party's smallest and largest utility ``(P, 2)`` over the outcomes in none of
    ``regions`` (``nan`` rows if there is none), and whether every value is proved exact.

    Per party and direction, the integer programme gives a witness outcome
    (:func:`~simulator.solver.milp.extreme_outcomes`), evaluated exactly; a branch and bound pass
    (:class:`~simulator.solver.visitors.MaxVisitor`, :class:`~simulator.solver.visitors.MinVisitor`)
    seeded with the witness's utility then proves it extreme or finds a better outcome, expanding
    only nodes whose bound beats the witness (milliseconds on the Ukraine snapshots, where the
    search alone took seconds per party). If the proof runs past :data:`RANGE_PROOF_NODES` nodes,
    the witness stands: exact when the programme ran in integer units, else within HiGHS's
    tolerance, and the flag says so.
    """
    regions = np.asarray(regions, dtype=bool)
    out = np.full((cs.n_parties, 2), np.nan)
    witnesses, integral = milp.extreme_outcomes(cs, regions)
    exact = True
    for p in range(cs.n_parties):
        for col in (0, 1):
            witness = witnesses[2 * p + col]
            best, proved = proved_extreme(cs, regions, p, col, witness)
            if not proved:
                exact = exact and integral and witness is not None
            if np.isfinite(best):
                out[p, col] = best
    return out, exact


def proved_extreme(
    cs: CompiledScenario, regions: BoolArray, p: int, col: int, witness: IntArray | None
) -> tuple[float, bool]:
    """Party ``p``'s least (``col`` 0) or largest (1) utility over the outcomes in none of
    ``regions``, by the branch and bound pass seeded with ``witness``'s utility, and whether the
    pass proved it: False when it ran past :data:`RANGE_PROOF_NODES` nodes (the value is then the
    best found, the witness's at least). ``-inf``/``inf`` without a witness or an outcome."""
    visitor: MaxVisitor | MinVisitor
    visitor = MaxVisitor(p, np.full(cs.n_parties, -np.inf)) if col else MinVisitor(p)
    if witness is not None:
        visitor.best = float(evaluate_utilities(cs, np.asarray(witness)[None, :])[0, p])
    try:
        run_search(make_plan(cs, regions), visitor, meter=Budget(RANGE_PROOF_NODES).meter())
    except OverBudget:
        return float(visitor.best), False
    return float(visitor.best), True


def disagreement_point(
    cs: CompiledScenario, kind: str = "reservation", progress: Progress | None = None
) -> FloatArray:
    """``d``: the reservation utilities, or ``max(reservation, min over the space)`` for
    ``worst``."""
    if kind == "reservation":
        return cs.reservation.copy()
    if kind != "worst":
        raise ScenarioError(f"disagreement must be 'reservation' or 'worst', got {kind!r}")
    if not cs.terms and all(cs.sizes):
        # additive: the minimum is the outcome taking each issue's worst option, in closed form
        # (sums of quantised values are exact in any order: the search's value, bit for bit)
        low = np.zeros(cs.n_parties)
        for v in cs.values:
            low += v.min(axis=1)
        if progress:
            progress("worst case", 1.0)
        return np.asarray(np.maximum(cs.reservation, np.minimum(low, cs.cap)))
    visitor = ExtremesVisitor(cs.n_parties)
    run_search(make_plan(cs, rule_regions(cs, "none")), visitor, labelled(progress, "worst case"))
    return np.asarray(np.maximum(cs.reservation, visitor.low))


def zopa_threshold(cs: CompiledScenario, d: FloatArray) -> FloatArray:
    """The utility each party needs to be in the ZOPA: ``d`` less the compiler's rounding slack.

    A compiled utility is a sum of at most ``n + T`` quantised numbers, each within ``QUANTUM / 2``
    of its exact value, so a package whose exact utility equals ``d_p`` must not fall out of the
    ZOPA by rounding.
    """
    return np.asarray(d - cs.rounding_slack)


#: Spaces at least this large are offered to the additive counting programme first (below it the
#: block search counts in well under a second).
ADDITIVE_FROM = 10**7


@dataclass(frozen=True)
class BoundedCount:
    """A count within a budget: ``value`` is exact, or a lower bound when ``budget_ended`` names
    the part of the budget that ran out (``nodes``, ``outcomes`` or ``time``); then ``estimate``
    estimates the whole count with an interval. ``nodes`` and ``outcomes`` are the search's work
    done; ``method`` names what counted when it was not the block search (the additive programme,
    :mod:`~simulator.solver.additive_count`)."""

    value: int
    budget_ended: str | None
    nodes: int
    outcomes: int
    estimate: ZopaEstimate | None = None
    method: str | None = None

    @property
    def exact(self) -> bool:
        return self.budget_ended is None


def count_zopa_within(
    cs: CompiledScenario,
    threshold: FloatArray,
    budget: Budget,
    progress: Progress | None,
    *,
    samples: int = ESTIMATE_SAMPLES,
    rng: RngLike = 0,
) -> BoundedCount:
    """The ZOPA count by one counting pass that stops when ``budget`` runs out; then the count
    is a lower bound, and ``samples`` seeded samples below the open nodes estimate the rest
    (:func:`~simulator.solver.estimate.estimate_open`). Spaces of :data:`ADDITIVE_FROM` outcomes
    or more with additive utilities are first counted exactly by the additive programme, when it
    fits in its own bounds (:func:`~simulator.solver.additive_count.additive_count`)."""
    meter = budget.meter()  # one clock for both passes: the programme's time counts
    regions = rule_regions(cs, "all")
    if cs.n_outcomes >= ADDITIVE_FROM:
        exact = additive_count(
            cs,
            regions,
            threshold,
            deadline=meter.deadline,
            progress=labelled(progress, "ZOPA count (additive programme)"),
        )
        if exact is not None:
            return BoundedCount(exact, None, 0, 0, method=ADDITIVE_METHOD)
    visitor = ZoneVisitor(cs, threshold, count=True, frontier=False)
    plan = make_plan(cs, regions)
    try:
        run_search(plan, visitor, labelled(progress, "ZOPA count"), meter=meter)
    except OverBudget as e:
        guess = estimate_open(plan, e.open, threshold, visitor.count, samples=samples, rng=rng)
        return BoundedCount(int(visitor.count), e.budget, meter.nodes, meter.outcomes, guess)
    return BoundedCount(int(visitor.count), None, meter.nodes, meter.outcomes)


def count_zopa(
    cs: CompiledScenario, threshold: FloatArray, budget: int | None, progress: Progress | None
) -> tuple[int, bool]:
    """The ZOPA count and whether it is exact (a lower bound when ``budget`` evaluated outcomes
    ran out); :func:`count_zopa_within` takes a whole :class:`~simulator.solver.budget.Budget`."""
    found = count_zopa_within(cs, threshold, Budget(outcomes=budget), progress)
    return found.value, found.exact
