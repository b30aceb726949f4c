"""The bitset index of dominance queries (:class:`simulator.solver.orthant_index.OrthantIndex`)
against the definition, pair by pair: every path (the first words' rounds, the full listing,
chunks of query rows, buckets of one rank and of several), with ties that only the tolerance
decides."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import simulator.solver.orthant_index as index_module
from simulator.solver.orthant_index import OrthantIndex


def _lowest_dominator(x: np.ndarray, by: np.ndarray, tol: float) -> np.ndarray:
    """The definition, one point at a time: the lowest row ``y`` of ``by`` with
    ``y >= x - tol`` everywhere and ``y > x + tol`` somewhere, or -1."""
    out = []
    for row in x:
        hits = np.flatnonzero(np.all(by >= row - tol, axis=1) & np.any(by > row + tol, axis=1))
        out.append(hits[0] if len(hits) else -1)
    return np.array(out, dtype=np.int64)


def _grid(rng: np.random.Generator, n: int, parties: int) -> np.ndarray:
    """Points on a grid of eighths: many equal values, so ties and the tolerance matter."""
    return rng.integers(0, 9, size=(n, parties)) / 8


def _set(rng: np.random.Generator, n: int, parties: int) -> np.ndarray:
    """Grid points of sum at most ``parties / 2``: points above them are not dominated."""
    out = np.zeros((0, parties))
    while len(out) < n:
        g = _grid(rng, 2 * n, parties)
        out = np.concatenate([out, g[g.sum(axis=1) <= parties / 2]])
    return out[:n]


@pytest.mark.parametrize("parties", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("n", [0, 1, 63, 64, 65, 700, 2500])
@pytest.mark.parametrize("tol", [0.0, 1 / 8])
def test_the_first_dominator_is_the_lowest_by_the_definition(
    parties: int, n: int, tol: float
) -> None:
    """From 1,025 rows a bucket holds several ranks (2,500 rows: three), so the AND is a strict
    superset of the weak dominators and the exact test decides."""
    rng = np.random.default_rng(parties * 1000 + n)
    index = OrthantIndex(_set(rng, n, parties))
    assert index.step == max(1, -(-n // index_module._CUTS))
    # the rows in decreasing sum: the first word holds the likeliest dominators
    assert np.all(np.diff(index.points.sum(axis=1)) <= 0)
    x = _grid(rng, 300, parties)
    got = index.first_dominator(x, tol)
    assert np.array_equal(got, _lowest_dominator(x, index.points, tol))
    if n >= 64:  # both answers are common
        assert 0 < (got >= 0).sum() < len(x)


@pytest.mark.parametrize("first_words", [0, 1, 3])
@pytest.mark.parametrize("chunk_words", [1, 7, 1 << 20])
def test_every_path_gives_the_same_answer(
    monkeypatch: pytest.MonkeyPatch, first_words: int, chunk_words: int
) -> None:
    """The rounds that test each row's first word only, then the listing of every pair left,
    and query rows taken a few at a time: each alone gives the lowest dominator."""
    monkeypatch.setattr(index_module, "_FIRST_WORDS", first_words)
    monkeypatch.setattr(index_module, "_CHUNK_WORDS", chunk_words)
    rng = np.random.default_rng(first_words + chunk_words)
    index = OrthantIndex(_set(rng, 1500, 4))
    x = _grid(rng, 400, 4)
    assert np.array_equal(
        index.first_dominator(x, 1 / 16), _lowest_dominator(x, index.points, 1 / 16)
    )


def test_a_point_of_the_set_does_not_dominate_itself() -> None:
    """Equal rows tie (neither is strictly better), so a set's own rows are dominated only by
    other rows: on a concave front none is."""
    rng = np.random.default_rng(7)
    front = rng.dirichlet(np.ones(4), size=3000) ** 0.5
    index = OrthantIndex(front)
    assert np.all(index.first_dominator(front, 0.0) == -1)
    # moved down by less than the tolerance they still tie; by more, each is dominated
    assert np.all(index.first_dominator(front - 1e-10, 1e-9) == -1)
    got = index.first_dominator(front - 1e-6, 1e-9)
    assert np.all(got >= 0)
    assert np.all(index.points[got] >= front - 1e-6 - 1e-9)


def test_each_cut_holds_the_rows_ranked_above_it() -> None:
    """Row ``k`` of a party's table holds exactly the rows ranked in the top ``k * step`` by that
    party's utility: a query's superset is then its weak dominators plus less than a bucket a
    party."""
    rng = np.random.default_rng(3)
    index = OrthantIndex(rng.random((2100, 3)))
    assert index.step == 3
    for p, table in enumerate(index.tables):
        bits = np.unpackbits(table.view(np.uint8), axis=1, bitorder="little")[:, : len(index)]
        rank = np.argsort(np.argsort(-index.points[:, p], kind="stable"), kind="stable")
        for k in range(len(table)):
            assert np.array_equal(bits[k].astype(bool), rank < k * index.step)


def _tested_pairs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Record every (query row, set row) pair the index tests exactly."""
    pairs: list[tuple[int, int]] = []
    original = OrthantIndex._test

    def spy(self, x, tol, row, word, bits, out):
        unpacked = np.unpackbits(bits.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
        k, bit = np.nonzero(unpacked)
        pairs.extend(zip(row[k].tolist(), (word[k] * 64 + bit).tolist(), strict=True))
        return original(self, x, tol, row, word, bits, out)

    monkeypatch.setattr(OrthantIndex, "_test", spy)
    return pairs


def test_only_weak_dominators_are_tested_when_a_bucket_is_one_rank(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With one rank a bucket (up to 1,024 rows) the AND of the parties' bitsets is exactly the
    weak dominators (``y >= x - tol`` in every column): no other row is tested."""
    pairs = _tested_pairs(monkeypatch)
    rng = np.random.default_rng(11)
    index = OrthantIndex(_set(rng, 1000, 4))
    assert index.step == 1
    x = _grid(rng, 300, 4)
    index.first_dominator(x, 1 / 16)
    assert pairs
    i, j = np.array(pairs).T
    assert np.all(index.points[j] >= x[i] - 1 / 16)


def test_a_row_the_first_rows_dominate_is_decided_in_one_word(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The rows are in decreasing sum and each query row meets its first word first: a point
    that a row of the first word dominates costs at most 64 tests."""
    pairs = _tested_pairs(monkeypatch)
    rng = np.random.default_rng(12)
    index = OrthantIndex(_set(rng, 3000, 4))
    x = index.points[:64] - 1 / 4  # each below a row of the first word
    got = index.first_dominator(x, 0.0)
    assert np.all((got >= 0) & (got < 64))
    per_row = np.bincount(np.array(pairs)[:, 0], minlength=len(x))
    assert per_row.max() <= 64


@settings(max_examples=150, deadline=None)
@given(
    by=hnp.arrays(
        np.float64,
        st.tuples(st.integers(0, 150), st.just(3)),
        elements=st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]),
    ),
    x=hnp.arrays(
        np.float64,
        st.tuples(st.integers(0, 40), st.just(3)),
        elements=st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]),
    ),
    tol=st.sampled_from([0.0, 0.25]),
)
def test_the_index_is_the_definition(by: np.ndarray, x: np.ndarray, tol: float) -> None:
    index = OrthantIndex(by)
    assert np.array_equal(index.first_dominator(x, tol), _lowest_dominator(x, index.points, tol))
