"""How every option stands: the packages of a set that use it, and the rules that forbid it.

Notation
--------
``n`` issues with ``k_i`` options. :func:`option_counts` counts, for every option of every issue,
the packages of the feasible set or the ZOPA that use it, exactly, with the solver's own counting
pass (closed form for subtrees that lie wholly inside the set). :func:`option_red_lines`
classifies every option against every rule: crossed by every package with it, forbidden only
together with other issues' options, or not forbidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from simulator.compiled import (
    BoolArray,
    CompiledScenario,
    FloatArray,
    IntArray,
    RuleRef,
    as_compiled,
    crossed_rules,
)
from simulator.errors import ScenarioError
from simulator.model import Scenario
from simulator.outcome_space import box_outcomes
from simulator.progress import Progress, labelled
from simulator.solver.blocks import Batch, Block
from simulator.solver.queries import rule_regions, zopa_threshold
from simulator.solver.search import Plan, make_plan, run_search
from simulator.solver.visitors import ZoneVisitor

__all__ = ["OptionCounts", "OptionRules", "option_counts", "option_red_lines"]


@dataclass(frozen=True)
class OptionCounts:
    """How many packages of a set (``feasible`` or ``zopa``) use each option of each issue.

    ``counts[i][k]`` counts the packages of the set whose issue ``i`` takes option ``k``; the counts
    of each issue sum to ``total``, the size of the set.
    """

    scope: str
    total: int
    counts: tuple[tuple[int, ...], ...]

    def shares(self, issue: int) -> FloatArray:
        """Share ``(k_i,)`` of the set's packages that use each option of ``issue`` (0 if empty)."""
        c = np.array([float(x) for x in self.counts[issue]])
        return c / self.total if self.total else c

    def to_dict(self, scenario: Scenario) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "total": self.total,
            "counts": {
                issue.id: dict(zip(issue.option_ids, c, strict=True))
                for issue, c in zip(scenario.issues, self.counts, strict=True)
            },
        }


class _OptionVisitor(ZoneVisitor):
    """The solver's counting pass, adding per-option counts as it counts."""

    def __init__(self, cs: CompiledScenario, threshold: FloatArray | None) -> None:
        super().__init__(cs, threshold, count=True, frontier=False)
        self.per_option = [np.zeros(k, dtype=object) for k in cs.sizes]

    def keep(self, plan: Plan, batch: Batch, upper: FloatArray, lower: FloatArray) -> BoolArray:
        before = batch.flags.copy()
        keep = super().keep(plan, batch, upper, lower)
        inside = np.flatnonzero(batch.flags & ~before)
        if len(inside):
            self._add_subtrees(plan, batch, inside)
        return keep

    def _add_subtrees(self, plan: Plan, batch: Batch, inside: IntArray) -> None:
        """Closed form: below a node at depth ``l``, each allowed option of an unassigned issue
        occurs in ``remaining[l] / k`` packages."""
        each = plan.remaining[batch.depth]
        for pos, issue in enumerate(plan.order):
            target = self.per_option[issue]
            if pos < batch.depth:
                hits = np.bincount(batch.assign[inside, pos], minlength=len(target))
                target += hits.astype(object) * each
            else:
                allowed = plan.allowed[issue]
                target[allowed] += len(inside) * (each // len(allowed))

    def leaf(self, plan: Plan, block: Block) -> None:
        super().leaf(plan, block)
        ok = ~block.crossed
        if self.threshold is not None:
            ok &= block.reaches(self.threshold)
        per_node, per_inner = ok.sum(axis=1), ok.sum(axis=0)
        for pos, issue in enumerate(plan.order):
            target = self.per_option[issue]
            if pos < plan.n_outer:
                hits = np.bincount(block.batch.assign[:, pos], per_node, minlength=len(target))
            else:
                column = plan.inner_outcomes[:, pos - plan.n_outer]
                hits = np.bincount(column, per_inner, minlength=len(target))
            target += hits.astype(np.int64).astype(object)


def option_counts(
    scenario: Scenario | CompiledScenario,
    scope: Literal["feasible", "zopa"] = "zopa",
    *,
    disagreement: FloatArray | None = None,
    progress: Progress | None = None,
) -> OptionCounts:
    """Count, for every option of every issue, the packages of the feasible set or ZOPA using it.

    Parameters
    ----------
    scenario
        A scenario or a compiled one.
    scope
        ``feasible`` (no rule crossed) or ``zopa`` (feasible and ``u >= disagreement``).
    disagreement
        ``(P,)`` the disagreement point of the ZOPA (default: the reservation utilities); pass
        ``result.disagreement`` to match a :class:`~simulator.results.SolveResult`.
    progress
        Called as ``progress(stage, fraction)`` while the search runs.

    Returns
    -------
    OptionCounts
        Exact counts (Python ints, whatever the size of the space).

    Raises
    ------
    ScenarioError
        For an unknown scope or a disagreement point of the wrong shape.

    Examples
    --------
    >>> from simulator.formats import load_scenario
    >>> counts = option_counts(load_scenario("scenarios/textbook_car.yaml"))
    >>> counts.counts[1][0], sum(counts.counts[1]) == counts.total  # nobody agrees to no warranty
    (0, True)
    """
    if scope not in ("feasible", "zopa"):
        raise ScenarioError(f"scope must be 'feasible' or 'zopa', got {scope!r}")
    cs = as_compiled(scenario)
    threshold = None
    if scope == "zopa":
        d = cs.reservation if disagreement is None else np.asarray(disagreement, dtype=np.float64)
        if d.shape != (cs.n_parties,):
            raise ScenarioError(f"disagreement must have {cs.n_parties} values")
        threshold = zopa_threshold(cs, d)
    visitor = _OptionVisitor(cs, threshold)
    run_search(
        make_plan(cs, rule_regions(cs, "all")), visitor, labelled(progress, f"{scope} options")
    )
    counts = tuple(tuple(int(x) for x in c) for c in visitor.per_option)
    return OptionCounts(scope, int(visitor.count), counts)


@dataclass(frozen=True, eq=False)
class OptionRules:
    """How every option of every issue stands with every rule (see :func:`option_red_lines`).

    ``status[i]`` is an int8 array ``(k_i, R)`` over ``rules``: 2 where every package with the
    option crosses the rule (the option alone crosses it), 1 where the rule forbids the option only
    together with options of other issues, 0 where it does not forbid it. A region of the rule that
    allows every option of issue ``i`` does not count as forbidding them.
    """

    rules: tuple[RuleRef, ...]
    status: tuple[NDArray[np.int8], ...]

    def party_status(self, issue: int, party: int) -> NDArray[np.int8]:
        """``(k_i,)``: the worst status of each option of ``issue`` over ``party``'s red lines."""
        mine = np.array([r.owner == party for r in self.rules], dtype=bool)
        table = self.status[issue]
        if not mine.any():
            return np.zeros(len(table), dtype=np.int8)
        return np.asarray(table[:, mine].max(axis=1), dtype=np.int8)


def option_red_lines(scenario: Scenario | CompiledScenario) -> OptionRules:
    """How every option of every issue stands with every rule (red lines and constraints).

    >>> from simulator.formats import load_scenario
    >>> rules = option_red_lines(load_scenario("scenarios/textbook_car.yaml"))
    >>> [r.label for r in rules.rules]
    ['constraint:no_fast_without_stock', 'buyer:needs_warranty', 'dealer:no_fire_sale']
    >>> rules.status[0].tolist()  # price 20, 22, 24, 26
    [[0, 0, 2], [1, 0, 0], [0, 0, 0], [0, 0, 0]]
    >>> rules.party_status(0, 1).tolist()  # the dealer's red lines on price
    [2, 0, 0, 0]
    """
    cs = as_compiled(scenario)
    out = []
    for i, k_i in enumerate(cs.sizes):
        status = np.zeros((k_i, len(cs.rules)), dtype=np.int8)
        for region, r in zip(cs.regions, cs.region_rule, strict=True):
            mask = region.masks[region.issues.index(i)] if i in region.issues else None
            if mask is not None and not mask.all():  # a region allowing every option ignores i
                status[mask, r] = 1
        for r in np.flatnonzero(status.any(axis=0)):
            status[_crossed_by_all(cs, int(r), i), r] = 2
        out.append(status)
    return OptionRules(cs.rules, tuple(out))


def _crossed_by_all(cs: CompiledScenario, rule: int, issue: int) -> BoolArray:
    """``(k_issue,)``: for each option of ``issue``, whether every package with it crosses ``rule``.

    A rule looks at a few issues only, so every combination of options on those issues is checked
    (the other issues cannot change the answer).
    """
    regions = [cs.regions[k] for k in np.flatnonzero(cs.region_rule == rule)]
    issues = sorted({issue} | {i for region in regions for i in region.issues})
    box = [np.arange(k) if i in issues else np.zeros(1, np.int64) for i, k in enumerate(cs.sizes)]
    outcomes = box_outcomes(box)
    hit = crossed_rules(cs, outcomes)[:, rule]
    return np.array([bool(hit[outcomes[:, issue] == k].all()) for k in range(cs.sizes[issue])])
