"""Equilibria of bimatrix games against textbook answers, and the 2x2 classification."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from simulator.analysis.strategic.bimatrix import (
    classify_2x2,
    equilibria,
    is_degenerate,
    pure_equilibria,
)
from simulator.errors import ScenarioError

METHODS = ("support", "vertex", "lemke-howson")


def profiles(eq_set):
    return sorted(
        (tuple(np.round(e.row, 6).tolist()), tuple(np.round(e.col, 6).tolist()))
        for e in eq_set.equilibria
    )


@pytest.mark.parametrize("method", ["support", "vertex"])
def test_prisoners_dilemma_has_one_equilibrium(method: str) -> None:
    # Osborne (2004) §2.2: (T, R, P, S) = (5, 3, 1, 0) ordered (cooperate, defect) here
    a = [[3, 0], [5, 1]]
    eq = equilibria(a, np.transpose(a), method)
    assert profiles(eq) == [((0.0, 1.0), (0.0, 1.0))]
    assert eq.complete and not eq.degenerate


@pytest.mark.parametrize("method", ["support", "vertex"])
def test_battle_of_the_sexes_two_pure_and_one_mixed(method: str) -> None:
    # Osborne (2004) §4.7 (BoS with payoffs 2, 1, 0): the mixed equilibrium is
    # (2/3, 1/3), (1/3, 2/3)
    eq = equilibria([[2, 0], [0, 1]], [[1, 0], [0, 2]], method)
    got = profiles(eq)
    assert ((1.0, 0.0), (1.0, 0.0)) in got and ((0.0, 1.0), (0.0, 1.0)) in got
    mixed = [e for e in eq.equilibria if not e.pure]
    assert len(mixed) == 1 and len(got) == 3
    np.testing.assert_allclose(mixed[0].row, [2 / 3, 1 / 3])
    np.testing.assert_allclose(mixed[0].col, [1 / 3, 2 / 3])
    np.testing.assert_allclose(mixed[0].payoffs, [2 / 3, 2 / 3])


@pytest.mark.parametrize("method", METHODS)
def test_matching_pennies_half_half(method: str) -> None:
    # von Neumann & Morgenstern (1944); Osborne (2004) §4.1: the unique equilibrium mixes 1/2-1/2
    a = np.array([[1, -1], [-1, 1]])
    eq = equilibria(a, -a, method)
    assert profiles(eq) == [((0.5, 0.5), (0.5, 0.5))]
    assert classify_2x2(a, -a) == "cyclic"


def test_chicken_equilibria_and_classification() -> None:
    # Osborne (2004) ex. 17.1 / Rapoport & Guyer (1966) game 66: hold = straight, concede = swerve;
    # crash 0, win 3, lose 1, both swerve 2; the mixed equilibrium swerves with probability 1/2
    a = np.array([[0, 3], [1, 2]])
    eq = equilibria(a, a.T, "support")
    got = profiles(eq)
    assert ((1.0, 0.0), (0.0, 1.0)) in got and ((0.0, 1.0), (1.0, 0.0)) in got
    mixed = [e for e in eq.equilibria if not e.pure]
    np.testing.assert_allclose(mixed[0].row, [0.5, 0.5])
    assert classify_2x2(a, a.T) == "chicken"


def test_rock_paper_scissors_uniform() -> None:
    # the unique equilibrium of RPS is uniform (Osborne 2004, ex. 4.2)
    a = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]])
    for method in METHODS:
        eq = equilibria(a, -a, method)
        assert len(eq.equilibria) == 1, method  # unique: no fallback that accepts extra ones
        np.testing.assert_allclose(eq.equilibria[0].row, [1 / 3] * 3, atol=1e-9)
        np.testing.assert_allclose(eq.equilibria[0].col, [1 / 3] * 3, atol=1e-9)


@pytest.mark.parametrize(
    ("a", "b", "structure"),
    [
        ([[1, 5], [0, 3]], [[1, 0], [5, 3]], "prisoners_dilemma"),  # hold = defect
        ([[2, 3], [0, 1]], [[2, 0], [3, 1]], "deadlock"),
        # both hold by strict dominance; conceding together leaves the column party no better
        # off (1 = 1): a tie is not the dilemma's mutual gain
        ([[1, 5], [0, 3]], [[1, 0], [5, 1]], "deadlock"),
        ([[0, 1], [3, 2]], [[0, 3], [1, 2]], "harmony"),
        ([[0, 3], [1, 2]], [[0, 1], [3, 2]], "chicken"),
        ([[2, 0], [0, 1]], [[1, 0], [0, 2]], "coordination"),  # battle of the sexes
        ([[1, 0], [0, 2]], [[1, 0], [0, 2]], "coordination"),  # stag hunt-like assurance
        ([[1, 1], [1, 1]], [[2, 2], [2, 2]], "indifferent"),
        ([[1, -1], [-1, 1]], [[-1, 1], [1, -1]], "cyclic"),
    ],
)
def test_classify_2x2(a, b, structure: str) -> None:
    assert classify_2x2(a, b) == structure


def test_weak_coordination_is_coordination() -> None:
    # the Ukraine shape: conceding pays only if the other concedes too; holding never loses
    assert classify_2x2([[0.55, 0.55], [0.55, 0.565]], [[0.4, 0.4], [0.4, 0.415]]) == "coordination"


def test_bad_input_is_a_scenario_error() -> None:
    with pytest.raises(ScenarioError, match="payoff matrices"):
        equilibria([[1, 2]], [[1], [2]])
    with pytest.raises(ScenarioError, match="method"):
        equilibria([[1]], [[1]], "simplex")
    with pytest.raises(ScenarioError, match="2x2"):
        classify_2x2(np.zeros((2, 3)), np.zeros((2, 3)))
    with pytest.raises(ScenarioError, match="finite"):
        pure_equilibria([[np.nan]], [[0]])


def brute_force_pure(a: np.ndarray, b: np.ndarray) -> list[tuple[int, int]]:
    out = []
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            if all(a[i, j] >= a[k, j] for k in range(a.shape[0])) and all(
                b[i, j] >= b[i, k] for k in range(a.shape[1])
            ):
                out.append((i, j))
    return out


small_games = st.tuples(st.integers(1, 4), st.integers(1, 4)).flatmap(
    lambda s: st.tuples(
        arrays(np.int64, s, elements=st.integers(-3, 3)),
        arrays(np.int64, s, elements=st.integers(-3, 3)),
    )
)


@settings(max_examples=60, deadline=None)
@given(small_games)
def test_pure_equilibria_match_brute_force(game: tuple[np.ndarray, np.ndarray]) -> None:
    a, b = game
    assert pure_equilibria(a, b) == brute_force_pure(a, b)


@settings(max_examples=30, deadline=None)
@given(small_games)
def test_every_reported_equilibrium_is_one(game: tuple[np.ndarray, np.ndarray]) -> None:
    a, b = (x.astype(float) for x in game)
    eq = equilibria(a, b, "lemke-howson")
    assert eq.equilibria, "every finite game has an equilibrium (Nash 1951)"
    for e in eq.equilibria:
        to_row, to_col = a @ e.col, e.row @ b
        assert np.all(to_row[e.row > 0] >= to_row.max() - 1e-7)
        assert np.all(to_col[e.col > 0] >= to_col.max() - 1e-7)
    assert {(s[0][0], s[1][0]) for s in (e.support for e in eq.pure)} == set(brute_force_pure(a, b))
    if not eq.pure and not is_degenerate(a, b):
        assert any(not e.pure for e in eq.equilibria)


def _classify_by_definition(A: np.ndarray, B: np.ndarray) -> str:
    """``classify_2x2``'s docstring, step by step, with best responses found by brute force."""

    def dominant(own: np.ndarray, strict: bool) -> int | None:
        diff = own[0] - own[1]
        if (diff == 0).all():
            return -1
        if strict:
            return 0 if (diff > 0).all() else 1 if (diff < 0).all() else None
        return 0 if (diff >= 0).all() else 1 if (diff <= 0).all() else None

    weak = dominant(A, False), dominant(B.T, False)
    if weak == (-1, -1):
        return "indifferent"
    both_better = A[1, 1] > A[0, 0] and B[1, 1] > B[0, 0]
    strict = dominant(A, True), dominant(B.T, True)
    if strict in ((0, 0), (1, 1)):
        return "harmony" if strict == (1, 1) else "prisoners_dilemma" if both_better else "deadlock"
    pure = {
        (i, j)
        for i in range(2)
        for j in range(2)
        if A[i, j] >= A[1 - i, j] and B[i, j] >= B[i, 1 - j]
    }
    if pure == {(0, 0), (1, 1)}:
        return "coordination"
    if pure == {(0, 1), (1, 0)}:
        worst = A[0, 0] < min(A[0, 1], A[1, 0], A[1, 1]) and B[0, 0] < min(
            B[0, 1], B[1, 0], B[1, 1]
        )
        return "chicken" if worst else "anti_coordination"
    if not pure:
        return "cyclic"
    if weak in ((0, 0), (1, 1)):
        return "harmony" if weak == (1, 1) else "prisoners_dilemma" if both_better else "deadlock"
    return "one_sided" if weak[0] is not None or weak[1] is not None else "other"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 2), min_size=4, max_size=4),
    st.lists(st.integers(0, 2), min_size=4, max_size=4),
)
def test_classify_2x2_follows_its_definition_on_small_games_with_ties(a, b) -> None:
    """Payoffs 0..2 make ties common, so the weak-dominance steps decide often."""
    A, B = np.array(a, dtype=float).reshape(2, 2), np.array(b, dtype=float).reshape(2, 2)
    assert classify_2x2(A, B) == _classify_by_definition(A, B)


nondegenerate_games = st.tuples(st.integers(2, 4), st.integers(2, 4)).flatmap(
    lambda s: st.tuples(
        arrays(np.float64, s, elements=st.floats(0, 9), unique=True),
        arrays(np.float64, s, elements=st.floats(0, 9), unique=True),
    )
)


@settings(max_examples=30, deadline=None)
@given(nondegenerate_games)
def test_lemke_howson_follows_nashpy_from_every_label(game: tuple[np.ndarray, np.ndarray]) -> None:
    """Written after the seed-3 measurement: the capped Lemke-Howson paths, label by label,
    against nashpy's own (uncapped) ``lemke_howson`` from the same label, the peer reference
    whose tableaux it uses; the first pivot is on the tableau that holds the dropped label (a
    column player's label on the column tableau). Distinct payoffs: nondegenerate games, on
    which every path ends at an equilibrium (no cap, no dropped path)."""
    from nashpy.algorithms.lemke_howson import lemke_howson

    from simulator.analysis.strategic.bimatrix import _lemke_howson

    a, b = game
    assume(not is_degenerate(a, b))  # nashpy's uncapped path could cycle on a degenerate one
    a, b = a + 1.0, b + 1.0  # positive, as nashpy's tableaux need
    found = _lemke_howson(a, b)
    want = [lemke_howson(a, b, k) for k in range(sum(a.shape))]
    assert len(found) == len(want)
    for (row, col), (row_want, col_want) in zip(found, want, strict=True):
        np.testing.assert_allclose(row, row_want, atol=1e-12)
        np.testing.assert_allclose(col, col_want, atol=1e-12)


def _degenerate_by_definition(a: np.ndarray, b: np.ndarray) -> bool:
    """Some pure strategy has more than one pure best reply: a column with two best rows for the
    row player, or a row with two best columns for the column player."""
    m, n = a.shape
    rows_tied = any(sum(a[i, j] == a[:, j].max() for i in range(m)) > 1 for j in range(n))
    cols_tied = any(sum(b[i, j] == b[i, :].max() for j in range(n)) > 1 for i in range(m))
    return rows_tied or cols_tied


def test_degeneracy_is_its_definition_for_either_player() -> None:
    """Written after the seed-5 measurement: ``is_degenerate`` against its definition on random
    small integer games (many ties), of several shapes; and a game tied only in the column
    player's payoffs, and its transpose, tied only in the row player's."""
    rng = np.random.default_rng(3)
    for shape in ((2, 2), (2, 3), (3, 2), (3, 3)):
        for _ in range(40):
            a, b = rng.integers(0, 3, shape), rng.integers(0, 3, shape)
            assert is_degenerate(a, b) == _degenerate_by_definition(a, b), (a, b)
    a = np.array([[3, 0], [5, 1]])  # each column has one best row
    b = np.array([[1, 1], [0, 2]])  # the first row has two best columns
    assert is_degenerate(a, b) and is_degenerate(b.T, a.T)
    assert not is_degenerate(a, a.T)


@pytest.mark.parametrize("method", METHODS)
def test_a_payoff_exactly_the_tie_tolerance_below_the_best_is_a_best_reply(method: str) -> None:
    """Written after the seed-6 measurement: the pure equilibria are found by the best-reply test
    whatever the method (module docstring), with the tie tolerance ``1e-9 max(1, |A|)``, and the
    check every equilibrium passes accepts them: a reply exactly the tolerance below the best is
    a best reply. Here the row player's ``(1, 0)`` pays ``1 - 1e-9`` against the best 1; the same
    game with the players swapped tests the column player's check."""
    a = np.array([[1.0, 0.0], [1.0 - 1e-9, 0.0]])
    b = np.array([[0.0, 0.0], [1.0, 0.0]])
    for game, tie in (((a, b), (1, 0)), ((b.T, a.T), (0, 1))):
        found = equilibria(*game, method)
        pure = [(int(e.row.argmax()), int(e.col.argmax())) for e in found.equilibria if e.pure]
        assert sorted(pure) == pure_equilibria(*game, 1e-9) and tie in pure
