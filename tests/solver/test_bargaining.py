"""``select_solution`` against the plain-Python definitions of ``tests/oracle.py`` (issue 22).

The utilities are decimals (0.1, 0.2, 0.3 are not binary fractions), so criteria that are equal in
exact arithmetic differ in the last bits and the documented tie tolerance decides; reservations
and powers vary, a party may have nothing to gain (``I_p = d_p``), and the outcome indices come in
any order, so the last tie-break reads them and not the row positions.
"""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from simulator.solver import select_solution, solution_criterion
from simulator.solver.bargaining import SOLUTIONS
from tests import oracle

DECIMALS = (0.0, 0.1, 0.2, 0.3, 0.5, 0.6, 0.7, 0.9)


@st.composite
def problems(draw: st.DrawFn) -> tuple[np.ndarray, list[int], np.ndarray, np.ndarray]:
    n_parties = draw(st.integers(1, 3))
    m = draw(st.integers(1, 8))
    u = np.array(
        draw(st.lists(st.sampled_from(DECIMALS), min_size=m * n_parties, max_size=m * n_parties))
    ).reshape(m, n_parties)
    index = draw(st.permutations(range(100, 100 + m)))
    d = np.array([draw(st.sampled_from([0.0, 0.0, 0.1, 0.3])) for _ in range(n_parties)])
    beta = np.array([draw(st.sampled_from([1.0, 0.5, 2.0])) for _ in range(n_parties)])
    # the solver applies a solution to the ZOPA: every row gives every party at least d
    return np.maximum(u, d), list(index), d, beta


def rows(u: np.ndarray, index: list[int]) -> list[oracle.Row]:
    return [
        oracle.Row(i, (), {}, tuple(float(x) for x in r), True, ())
        for i, r in zip(index, u, strict=True)
    ]


@settings(max_examples=300, deadline=None, database=None)
@given(problems(), st.sampled_from(sorted(SOLUTIONS)))
@example(  # 0.2 + 0.7 < 0.9 in floats: a tie the tolerance keeps, the normalised gains break
    (np.array([[0.0, 0.9], [0.2, 0.7]]), [0, 1], np.zeros(2), np.ones(2)),
    "utilitarian",
)
@example(  # party 1 has nothing to gain (I = d): Kalai-Smorodinsky leaves it out
    (np.array([[0.6, 0.3], [0.7, 0.3], [0.2, 0.3]]), [0, 1, 2], np.array([0.1, 0.3]), np.ones(2)),
    "kalai_smorodinsky",
)
@example(  # parties on different scales: the ideal point is per party, not one number
    (np.array([[0.9, 0.1], [0.6, 0.2], [0.3, 0.3]]), [0, 1, 2], np.zeros(2), np.ones(2)),
    "kalai_smorodinsky",
)
@example(  # unequal powers move weighted Nash away from Nash
    (np.array([[0.9, 0.2], [0.5, 0.5], [0.2, 0.9]]), [0, 1, 2], np.zeros(2), np.array([2.0, 0.5])),
    "weighted_nash",
)
def test_the_solution_is_the_definition_s(
    problem: tuple[np.ndarray, list[int], np.ndarray, np.ndarray], name: str
) -> None:
    u, index, d, beta = problem
    want = oracle.best(rows(u, index), name, list(d), list(beta))
    got = select_solution(name, u, index, d, beta)
    assert want is not None and got is not None
    assert index[got] == want.index, (name, u.tolist(), got, want.index)


def test_pinned_answers() -> None:
    """The examples above, worked by hand."""
    u = np.array([[0.0, 0.9], [0.2, 0.7]])
    # sums 0.9 and 0.8999999999999999 tie; normalised gains (ideal 0.2, 0.9): 0 + 1 and
    # 1 + 7/9: row 1
    assert select_solution("utilitarian", u, [0, 1], np.zeros(2), np.ones(2)) == 1
    # equal sums and equal normalised sums: the lower outcome index, wherever its row is
    same = np.array([[0.2, 0.1], [0.1, 0.2]])
    assert select_solution("utilitarian", same, [7, 3], np.zeros(2), np.ones(2)) == 1
    assert select_solution("utilitarian", same, [3, 7], np.zeros(2), np.ones(2)) == 0
    ks = np.array([[0.6, 0.3], [0.7, 0.3], [0.2, 0.3]])
    d = np.array([0.1, 0.3])
    assert select_solution("kalai_smorodinsky", ks, [0, 1, 2], d, np.ones(2)) == 1
    # ideal (0.9, 0.3): ratios min(1, 1/3), min(2/3, 2/3), min(1/3, 1): row 1, although every
    # row has the same sum of normalised gains (the tie-break alone would pick row 0)
    scales = np.array([[0.9, 0.1], [0.6, 0.2], [0.3, 0.3]])
    assert select_solution("kalai_smorodinsky", scales, [0, 1, 2], np.zeros(2), np.ones(2)) == 1
    wn = np.array([[0.9, 0.2], [0.5, 0.5], [0.2, 0.9]])
    assert select_solution("nash", wn, [0, 1, 2], np.zeros(2), np.ones(2)) == 1
    assert select_solution("weighted_nash", wn, [0, 1, 2], np.zeros(2), np.array([2.0, 0.5])) == 0
    assert select_solution("nash", np.zeros((0, 2)), [], np.zeros(2), np.ones(2)) is None


def test_a_zero_gain_is_minus_infinity_without_a_warning() -> None:
    """Weighted Nash takes ``log 0 = -inf`` for a party that gains nothing, silently: the
    analyst sees no numpy warning for an ordinary package."""
    import warnings

    u = np.array([[0.5, 0.0], [0.3, 0.3]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        crit = solution_criterion("weighted_nash", u, np.zeros(2), np.ones(2))
        assert select_solution("weighted_nash", u, [0, 1], np.zeros(2), np.ones(2)) == 1
        # a tie (egalitarian 0 for both: party 1 gains nothing anywhere) is broken by the
        # normalised gains with party 1, whose room I - d is 0, left out: row 0, not the index
        tie = np.array([[0.9, 0.3], [0.5, 0.3]])
        assert select_solution("egalitarian", tie, [1, 0], np.array([0.1, 0.3]), np.ones(2)) == 0
    assert crit[0] == -np.inf and np.isfinite(crit[1])


def test_the_tie_tolerance_is_relative_and_inclusive() -> None:
    """Criteria within ``1e-12 * max(1, |best|)`` of the best tie (the bound included) and go to
    the larger sum of normalised gains; a criterion further off does not tie."""
    z, one = np.zeros(2), np.ones(2)
    # exactly at the bound (1 - 1e-12 below a best of 1): a tie, broken by the lower index
    edge = np.array([[0.0, 1.0], [1 - 1e-12, 0.0]])
    assert select_solution("utilitarian", edge, [1, 0], z, one) == 1
    # a best of 2 allows 2e-12: 1.0e-12 below it ties, and row 1's normalised gains win
    two = np.array([[2.0, 0.0], [0.5, 1.5 - 1e-12]])
    assert select_solution("utilitarian", two, [0, 1], z, one) == 1
    # a best of 1 allows 1e-12: 1.5e-12 below it does not tie, although row 1 would win a tie
    far = np.array([[1.0, 0.0], [0.25, 0.75 - 1.5e-12]])
    assert select_solution("utilitarian", far, [0, 1], z, one) == 0


def test_the_tie_break_normalises_by_the_ideal_given() -> None:
    """The solver passes the ZOPA's ideal point when ``u`` is part of it: the normalised gains of
    the tie-break are taken against that, not against the rows' own maxima."""
    u = np.array([[0.2, 0.5], [0.5, 0.2]])  # egalitarian: both 0.2
    z, one = np.zeros(2), np.ones(2)
    assert select_solution("egalitarian", u, [0, 1], z, one) == 0  # 1.4 each: the lower index
    # against (0.5, 1.0): 0.4 + 0.5 and 1 + 0.2
    assert select_solution("egalitarian", u, [0, 1], z, one, ideal=np.array([0.5, 1.0])) == 1
