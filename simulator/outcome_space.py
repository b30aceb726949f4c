"""The outcome space as arrays: numbering outcomes, grids, boxes, allowed options, proposals.

Notation
--------
``n`` issues with ``k_i`` options (``sizes``). An outcome is a vector ``o`` of option indices, one
per issue; its *index* is its mixed-radix number, the first issue most significant:

    index(o) = (...((o_1 k_2 + o_2) k_3 + o_3) ...) k_n + o_n

so :func:`outcome_grid` (every outcome in index order) is :func:`itertools.product` of the option
ranges. A *box* is a per-issue choice of options (boolean masks ``(k_i,)`` or index arrays); its
outcomes are the product of the choices. The options *allowed* by a set of rule regions are those
that no one-issue region in the set forbids (a one-issue region forbids its options outright; a
region on several issues forbids only combinations, so it allows every option). A proposal is a box:
each issue it names is restricted to its options, the others are open.

Each of these concepts lives here and only here; the solver, the evaluator and the analyses call it.

>>> outcome_grid((2, 3)).tolist()
[[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]
>>> outcome_indices((2, 3), outcome_grid((2, 3))).tolist()
[0, 1, 2, 3, 4, 5]
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from simulator.model import Issue, Proposal, Rule, Scenario

if TYPE_CHECKING:
    from simulator.compiled import CompiledScenario

__all__ = [
    "allowed_masks",
    "allowed_options",
    "box_outcomes",
    "excluding_rule",
    "linked_groups",
    "outcome_grid",
    "outcome_indices",
    "outcomes_from_indices",
    "party_allowed_masks",
    "proposal_box",
    "proposal_options",
    "restrict_to_proposal",
]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def outcome_indices(sizes: Sequence[int], outcomes: IntArray) -> IntArray:
    """Mixed-radix index of each outcome ``(N, n)``, the first issue most significant (Python ints,
    dtype object, when the space has ``2**62`` outcomes or more)."""
    outcomes = np.asarray(outcomes, dtype=np.int64).reshape(-1, len(sizes))
    if math.prod(sizes) < 2**62:
        idx = np.zeros(len(outcomes), dtype=np.int64)
        for i, k in enumerate(sizes):
            idx = idx * k + outcomes[:, i]
        return idx
    objs = np.zeros(len(outcomes), dtype=object)
    for i, k in enumerate(sizes):
        objs = objs * k + outcomes[:, i].astype(object)
    return objs


def outcomes_from_indices(sizes: Sequence[int], index: IntArray) -> IntArray:
    """Inverse of :func:`outcome_indices`: option indices ``(N, n)``.

    >>> outcomes_from_indices((2, 3), np.array([5, 1])).tolist()
    [[1, 2], [0, 1]]
    """
    rest = np.asarray(index, dtype=np.int64).copy()
    out = np.zeros((len(rest), len(sizes)), dtype=np.int64)
    for i in range(len(sizes) - 1, -1, -1):
        out[:, i] = rest % sizes[i]
        rest //= sizes[i]
    return out


def outcome_grid(sizes: Sequence[int]) -> IntArray:
    """Every outcome ``(prod k_i, n)`` int64, in index order (row ``j`` has index ``j``)."""
    return np.indices(tuple(sizes), dtype=np.int64).reshape(len(sizes), -1).T


def linked_groups(n_issues: int, links: Iterable[Sequence[int]]) -> list[list[int]]:
    """The issues ``0..n_issues-1`` in groups that no link (a list of issues, such as a region's)
    joins across: connected components by union-find, each group ascending, groups in the order
    of their first issue.

    >>> linked_groups(5, [(0, 3), (3, 4)])
    [[0, 3, 4], [1], [2]]
    """
    parent = list(range(n_issues))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for link in links:
        for j in link[1:]:
            parent[find(j)] = find(link[0])
    groups: dict[int, list[int]] = {}
    for i in range(n_issues):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def box_outcomes(box: Sequence[BoolArray | IntArray]) -> IntArray:
    """Every outcome of a box ``(m, n)`` int64, in index order: per issue a boolean mask of its
    options or an array of option indices (a mask of length 1 is read as a mask).

    >>> box_outcomes([np.array([True, False, True]), np.array([1])]).tolist()
    [[0, 1], [2, 1]]
    """
    choices = [
        np.flatnonzero(c) if np.asarray(c).dtype == bool else np.asarray(c, dtype=np.int64)
        for c in box
    ]
    grid = outcome_grid([len(c) for c in choices])
    out = np.empty_like(grid)
    for i, c in enumerate(choices):
        out[:, i] = c[grid[:, i]]
    return out


def allowed_masks(cs: CompiledScenario, regions: BoolArray) -> tuple[BoolArray, ...]:
    """Per issue, a mask ``(k_i,)`` of the options that no one-issue region among ``regions`` (a
    mask over ``cs.regions``) forbids."""
    ok = [np.ones(k, dtype=bool) for k in cs.sizes]
    for region, on in zip(cs.regions, regions, strict=True):
        if on and len(region.issues) == 1:
            ok[region.issues[0]] &= ~region.masks[0]
    return tuple(ok)


def allowed_options(cs: CompiledScenario, regions: BoolArray) -> tuple[IntArray, ...]:
    """Per issue, the option indices (ascending) that no one-issue region among ``regions``
    forbids: the options a search over the outcomes outside ``regions`` needs to try."""
    return tuple(np.flatnonzero(m) for m in allowed_masks(cs, regions))


def party_allowed_masks(cs: CompiledScenario) -> list[BoolArray]:
    """Per issue, ``(P, k_i)``: the options that no one-issue red line of party ``p`` forbids."""
    owner = cs.rule_owner[cs.region_rule] if len(cs.regions) else np.zeros(0, dtype=np.int64)
    per_party = [allowed_masks(cs, owner == p) for p in range(cs.n_parties)]
    return [np.stack([m[i] for m in per_party]) for i in range(cs.n_issues)]


def proposal_box(scenario: Scenario, proposal: Proposal) -> tuple[BoolArray, ...]:
    """Per issue, a boolean mask ``(k_i,)`` of the options ``proposal`` allows (all if open)."""
    box = []
    for issue in scenario.issues:
        chosen = proposal.options.get(issue.id)
        mask = np.zeros(len(issue.options), dtype=bool)
        mask[[issue.index(o) for o in chosen] if chosen else slice(None)] = True
        box.append(mask)
    return tuple(box)


def proposal_options(scenario: Scenario, proposal: Proposal) -> list[IntArray]:
    """Per issue, the option indices ``proposal`` allows, in the proposal's order (all if open)."""
    return [
        np.array(
            [issue.index(o) for o in proposal.options.get(issue.id, issue.option_ids)],
            dtype=np.int64,
        )
        for issue in scenario.issues
    ]


def excluding_rule(
    issue: Issue, allowed: Collection[str], rule_id: str, description: str | None = None
) -> Rule | None:
    """The ``not`` rule that forbids every option of ``issue`` outside ``allowed`` (None when
    ``allowed`` has them all): a restriction of the space written as a constraint."""
    excluded = tuple(o for o in issue.option_ids if o not in allowed)
    if not excluded:
        return None
    return Rule(rule_id, "not", issue=issue.id, options=excluded, description=description)


def restrict_to_proposal(scenario: Scenario, proposal: Proposal) -> Scenario:
    """The scenario with the proposal's choices added as consistency constraints."""
    extra = []
    for issue_id, allowed in proposal.options.items():
        rule = excluding_rule(
            scenario.issue(issue_id), allowed, f"proposal:{proposal.id}:{issue_id}"
        )
        if rule is not None:
            extra.append(rule)
    return dataclasses.replace(scenario, constraints=(*scenario.constraints, *extra))
