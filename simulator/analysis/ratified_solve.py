"""Choose packages by expected utility when ratification may fail (``--ratification expected``).

Notation
--------
The terms' hyperrectangles split every issue they name into *atoms*: options that lie in exactly
the same terms' conditions. A *cell* ``c`` picks one atom on each named issue; on a cell every
term either always or never matches, so the probability that a signed package is ratified,
``p_c`` (:mod:`simulator.analysis.ratification`), is constant on it. There::

    EU_i(o) - d_i = p_c * (u_i(o) - d_i)     for every o in c,

so for ``p_c > 0`` a party accepts in expected utility exactly when it accepts as signed, and the
map ``u -> d + p_c (u - d)`` keeps Pareto dominance inside the cell. Hence the frontier of the
expected utilities over the zone is contained in the union, over cells, of each cell's zone
frontier mapped by its ``p_c``: solving each cell (the scenario restricted to it, as a proposal
restricts it) and choosing every solution concept on the skyline of that union is exact. The
zone itself is unchanged: packages are still those every party accepts as signed (a package
ratified with probability 0 is worth ``d`` to everyone, so no solution picks it over one with
``p_c > 0`` and ``u > d``). For the Nash product this is the closed form
``prod_i (EU_i - d_i)^beta_i = p_c^(sum beta) prod_i (u_i - d_i)^beta_i``.

The closest package (when the zone is empty) is not re-chosen: ratification moves no package
into the zone.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from simulator.analysis.ratification import (
    RatificationResult,
    package_ratification,
    party_ratification,
    pass_probability,
    ratification,
    ratification_terms,
)
from simulator.compiled import as_compiled
from simulator.errors import ScenarioError
from simulator.evaluate import ProposalEvaluation
from simulator.model import Proposal, Scenario
from simulator.outcome_space import restrict_to_proposal
from simulator.results import Point, SolveResult
from simulator.solver import SOLUTIONS, pareto_mask, select_solution, solve

__all__ = [
    "MAX_CELLS",
    "completion_range",
    "expected_solve",
    "proposal_ratification",
    "ratification_cells",
    "with_ratification",
]

#: cells of the terms' partition an expected-utility solve may take, one restricted solve each
MAX_CELLS = 4096


def ratification_cells(scenario: Scenario) -> list[dict[str, tuple[str, ...]]]:
    """The cells of the partition the terms' conditions induce, as ``{issue: options}`` boxes.

    >>> from simulator.formats import loads_scenario_yaml
    >>> s = loads_scenario_yaml('''
    ... name: t
    ... issues: [{id: x, options: [a, b, c]}, {id: y, options: [k, l]}]
    ... parties:
    ...   - id: p
    ...     preferences: {x: {weight: 1, linear: increasing}}
    ...     ratification: [{id: vote, when: {x: [b, c]}, probability: 0.5}]
    ... ''')
    >>> ratification_cells(s)
    [{'x': ('a',)}, {'x': ('b', 'c')}]
    """
    conditions = [term.when for _, term in ratification_terms(scenario)]
    atoms: dict[str, list[tuple[str, ...]]] = {}
    for issue in scenario.issues:
        named = [dict(c.clauses)[issue.id] for c in conditions if issue.id in dict(c.clauses)]
        if not named:
            continue
        groups: dict[tuple[bool, ...], list[str]] = {}
        for option in issue.option_ids:
            groups.setdefault(tuple(option in opts for opts in named), []).append(option)
        atoms[issue.id] = [tuple(g) for g in groups.values()]
    count = math.prod(len(a) for a in atoms.values())
    if count > MAX_CELLS:
        raise ScenarioError(
            f"the ratification terms split the space into {count:,} cells; at most "
            f"{MAX_CELLS:,} can be solved one by one (give terms on fewer issues)"
        )
    return [dict(zip(atoms, combo, strict=True)) for combo in itertools.product(*atoms.values())]


def _cell_frontier(
    scenario: Scenario, box: dict[str, tuple[str, ...]]
) -> tuple[np.ndarray, np.ndarray, list[int], float]:
    """The zone frontier of one cell: outcomes, utilities, indices and ``p_c``."""
    restricted = restrict_to_proposal(scenario, Proposal("ratification-cell", box))
    front = solve(restricted, frontier="zopa", closest=False).zopa_frontier
    if front.size == 0:
        return front.outcomes, front.utilities, [], 0.0
    p = float(pass_probability(scenario, party_ratification(scenario, front.outcomes[0])))
    return front.outcomes, front.utilities, list(front.index), p


def expected_solve(result: SolveResult) -> RatificationResult:
    """The packages each solution concept picks by expected utility, with their ratification.

    ``result`` is the nominal solve of the scenario; its disagreement point ``d`` and zone are
    kept (see the module docstring). Without a zone the nominal closest package is reported.

    Raises
    ------
    ScenarioError
        If the terms split the space into more than :data:`MAX_CELLS` cells.

    Examples
    --------
    >>> from simulator.formats import load_scenario
    >>> from simulator.solver import solve
    >>> r = expected_solve(solve(load_scenario("scenarios/textbook_car.yaml")))
    >>> r.mode, r.cells  # no terms: one cell, where every package is ratified
    ('expected', 1)
    """
    scenario = result.scenario
    cells = ratification_cells(scenario)
    if result.counts.zopa == 0:
        return ratification(result, "expected", len(cells))
    d = np.asarray(result.disagreement, dtype=np.float64)
    outcomes, nominal, expected, index = [], [], [], []
    for box in cells:
        o, u, idx, p = _cell_frontier(scenario, box)
        if not idx:
            continue
        outcomes.append(o)
        nominal.append(u)
        expected.append(d + p * (u - d))
        index += idx
    eu = np.concatenate(expected)
    keep = np.flatnonzero(pareto_mask(eu))
    chosen = _choose(eu[keep], [index[k] for k in keep], d, result)
    o_all, u_all = np.concatenate(outcomes), np.concatenate(nominal)
    solutions: dict[str, Point | None] = {
        name: None
        if row is None
        else Point(
            tuple(int(k) for k in o_all[keep[row]]),
            tuple(float(x) for x in u_all[keep[row]]),
            index[keep[row]],
        )
        for name, row in chosen.items()
    }
    return ratification(dataclasses.replace(result, solutions=solutions), "expected", len(cells))


def _choose(
    eu: np.ndarray, index: Sequence[int], d: np.ndarray, result: SolveResult
) -> dict[str, int | None]:
    power = np.array([p.bargaining_power for p in result.scenario.parties], dtype=np.float64)
    return {name: select_solution(name, eu, index, d, power) for name in SOLUTIONS}


def with_ratification(result: SolveResult, mode: str = "nominal") -> SolveResult:
    """``result`` with its ratification attached (and, in ``expected`` mode, its solutions
    re-chosen by expected utility); unchanged in ``nominal`` mode for a scenario without terms,
    so its output stays as it was."""
    if mode not in ("nominal", "expected"):
        raise ScenarioError(f"ratification mode must be nominal or expected, got {mode!r}")
    if mode == "nominal":
        if not ratification_terms(result.scenario):
            return result
        return dataclasses.replace(result, ratification=ratification(result))
    found = expected_solve(result)
    chosen = {p.name: p.point for p in found.packages if p.name in SOLUTIONS}
    solutions: dict[str, Point | None] = {name: chosen.get(name) for name in result.solutions}
    return dataclasses.replace(result, solutions=solutions, ratification=found)


def proposal_ratification(
    scenario: Scenario, evaluations: Sequence[ProposalEvaluation], mode: str = "nominal"
) -> tuple[RatificationResult, tuple[ProposalEvaluation, ...]]:
    """The ratification of each proposal's package, and the evaluations with, in ``expected``
    mode, each partial proposal's Nash completion re-chosen by expected utility.

    A complete proposal is its own package; a partial one is represented by its Nash completion
    (nominal or expected), and has none when its restriction has no zone. ``d`` is the
    reservations, as :mod:`simulator.evaluate` uses them.
    """
    from simulator.compiled import evaluate_utilities
    from simulator.outcome_space import outcome_indices

    if mode not in ("nominal", "expected"):
        raise ScenarioError(f"ratification mode must be nominal or expected, got {mode!r}")
    cs = as_compiled(scenario)
    d = cs.reservation
    packages, updated = [], []
    ranges: list[tuple[str, str, Fraction, Fraction]] = []
    for e in evaluations:
        point = e.nash_completion
        if e.complete:
            outcome = np.array([[i.index(e.proposal.options[i.id][0]) for i in scenario.issues]])
            u = evaluate_utilities(cs, outcome)[0]
            index = int(outcome_indices(cs.sizes, outcome)[0])
            point = Point(tuple(int(k) for k in outcome[0]), tuple(float(x) for x in u), index)
        elif mode == "expected" and point is not None:
            restricted = restrict_to_proposal(scenario, e.proposal)
            found = expected_solve(solve(restricted))
            point = next(p.point for p in found.packages if p.name == "nash")
            e = dataclasses.replace(e, nash_completion=point)
        updated.append(e)
        if point is not None:
            packages.append(
                package_ratification(scenario, point, d, e.proposal.id, e.proposal.display)
            )
        if not e.complete:
            span = completion_range(scenario, e.proposal)
            if span is not None:
                ranges.append((e.proposal.id, e.proposal.display, *span))
    risk = RatificationResult(scenario, mode, tuple(packages), ranges=tuple(ranges))
    return risk, tuple(updated)


def completion_range(scenario: Scenario, proposal: Proposal) -> tuple[Fraction, Fraction] | None:
    """The least and the largest P(ratified if signed) over a proposal's consistent completions
    (None without any), exact: one existence query per cell of the terms' partition that meets
    the proposal, the probability being constant on a cell."""
    from simulator.solver import exists_outcome, rule_regions

    found = []
    for box in ratification_cells(scenario):
        merged = dict(proposal.options)
        for issue, options in box.items():
            allowed = set(merged.get(issue, options))
            merged[issue] = tuple(o for o in options if o in allowed)
        if any(not opts for opts in merged.values()):
            continue
        cs = as_compiled(restrict_to_proposal(scenario, Proposal("cell", merged)))
        if not exists_outcome(cs, rule_regions(cs, "consistency")):
            continue
        outcome = [i.index(merged[i.id][0]) if i.id in merged else 0 for i in scenario.issues]
        found.append(pass_probability(scenario, party_ratification(scenario, outcome)))
    return (min(found), max(found)) if found else None
