"""Exact ties that the compiler's rounding would break (found on the GENIUS Energy domain).

Every weighted value is rounded to a multiple of ``QUANTUM``, so two sums that are equal in exact
arithmetic can differ by a few quanta: ``q(0.06) + q(0.01) != q(0.04) + q(0.03)``. The solver must
still treat them as equal: a package dominated in exact arithmetic is not on the frontier, and
packages with the same exact utilities are all kept.
"""

from __future__ import annotations

import numpy as np

from simulator.compiled import quantise
from simulator.model import Issue, Option, Party, Preference, Scenario
from simulator.solver import dominated_by, pareto_mask, solve


def _scenario(a: tuple[tuple[float, ...], ...], b: tuple[tuple[float, ...], ...]) -> Scenario:
    issues = tuple(
        Issue(f"i{k}", tuple(Option(f"o{j}") for j in range(len(t)))) for k, t in enumerate(a)
    )
    parties = tuple(
        Party(name, {f"i{k}": Preference(1.0, "table", table=t) for k, t in enumerate(tables)})
        for name, tables in (("a", a), ("b", b))
    )
    return Scenario("ties", issues, parties)


def test_the_rounding_breaks_this_exact_tie() -> None:
    assert quantise(0.06) + quantise(0.01) != quantise(0.04) + quantise(0.03)


def test_a_package_dominated_in_exact_arithmetic_is_not_on_the_frontier() -> None:
    # (o1, o0) gives (0.06 + 0.01, 0 + 0.5) = (0.07, 0.5); (o2, o1) gives (0.04 + 0.03, 1 + 0) =
    # (0.07, 1.0), which dominates it. Exact frontier: (o2, o0), (o2, o1), (o1, o1).
    s = _scenario(((0.03, 0.06, 0.04), (0.01, 0.03)), ((0.75, 0.0, 1.0), (0.5, 0.0)))
    for scope in ("all", "feasible", "zopa"):
        got = solve(s, frontier=scope).frontier.outcomes.tolist()
        assert sorted(map(tuple, got)) == [(1, 1), (2, 0), (2, 1)], scope


def test_packages_with_the_same_exact_utilities_are_all_kept() -> None:
    # (o0, o0) and (o1, o1) both give (0.07, 0.75) in exact arithmetic; all four are optimal.
    s = _scenario(((0.06, 0.04), (0.01, 0.03)), ((0.5, 0.75), (0.25, 0.0)))
    got = solve(s, frontier="all").frontier.outcomes.tolist()
    assert sorted(map(tuple, got)) == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_primitives_take_a_tie_tolerance() -> None:
    tie = 2.0**-38
    u = np.array([[0.07 + tie, 0.5], [0.07, 1.0], [0.07 - tie, 1.0], [0.09, 0.0]])
    assert pareto_mask(u).tolist() == [True, True, False, True]
    assert pareto_mask(u, tol=2 * tie).tolist() == [False, True, True, True]
    assert dominated_by(u[:1], u[1:2], tol=2 * tie).tolist() == [True]
    assert dominated_by(u[:1], u[1:2]).tolist() == [False]
    three = np.hstack([u, np.zeros((4, 1))])
    assert pareto_mask(three, tol=2 * tie).tolist() == [False, True, True, True]
