"""The frontier store's merges (:class:`simulator.solver.visitors.FrontierStore`) against one
skyline of every point offered: each of its three paths for four or more parties (the pairs, the
pre-filter against the frontier so far, the skyline of old and new points), with ties."""

from __future__ import annotations

import numpy as np
import pytest

import simulator.solver.visitors as visitors
from simulator.solver.pareto import pareto_mask
from simulator.solver.visitors import FrontierStore
from tests.solver.test_solve_oracle import monkeypatch_blocks  # noqa: F401 (fixture)


def _offered(seed: int, parties: int, chunks: int, size: int) -> list[np.ndarray]:
    """Chunks of points on a concave front (many on the frontier) with dyadic ties."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(chunks):
        x = rng.dirichlet(np.ones(parties), size=size) ** 0.5
        x *= rng.uniform(0.9, 1.0, size=(size, 1))
        out.append(np.round(x * 64) / 64)
    return out


@pytest.mark.parametrize("parties", [3, 4, 5])
@pytest.mark.parametrize("pairs", [1 << 21, 1 << 8])
def test_merging_chunk_by_chunk_is_one_skyline_of_all(
    monkeypatch: pytest.MonkeyPatch, parties: int, pairs: int
) -> None:
    monkeypatch.setattr(visitors, "_MERGE_PAIRS", pairs)  # small: the pre-filter and skyline
    chunks = _offered(parties + pairs, parties, 12, 400)
    store = FrontierStore(n_issues=1, n_parties=parties, tol=1e-12)
    for k, u in enumerate(chunks):
        store.add(u, np.arange(k * len(u), (k + 1) * len(u))[:, None])
    every = np.concatenate(chunks)
    want = every[pareto_mask(every, tol=1e-12)]
    got = store.u
    assert len(got) == len(want)
    key = lambda a: a[np.lexsort(a.T[::-1])]  # noqa: E731
    assert np.array_equal(key(got), key(want))
    # each kept outcome is the one whose utilities were offered
    assert np.array_equal(every[store.outcomes[:, 0]], got)


@pytest.mark.parametrize("seed", range(4))
def test_a_solve_through_the_pre_filter_matches_the_oracle(
    monkeypatch_blocks: None,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    seed: int,
) -> None:
    """The search's many tiny leaves offer their candidates through the pre-filter (forced by a
    tiny :data:`_MERGE_PAIRS`): the frontier of every scope equals the plain-Python oracle's."""
    from simulator.solver import solve
    from simulator.synthetic import synthetic_scenario
    from tests import oracle

    monkeypatch.setattr(visitors, "_MERGE_PAIRS", 16)
    s = synthetic_scenario(5, 4, 4, seed=seed, red_lines=3, reservation=0.3)
    want = oracle.solve_oracle(s)
    for scope in ("all", "zopa"):
        got = solve(s, frontier=scope).frontier
        assert sorted(got.index) == sorted(r.index for r in want.frontiers[scope])


def _dominated_by_definition(points: np.ndarray, by: np.ndarray, tol: float) -> np.ndarray:
    """The module's definition, pair by pair: ``y`` dominates ``x`` when ``y >= x - tol``
    everywhere and ``y > x + tol`` somewhere."""
    return np.array(
        [any(np.all(y >= x - tol) and np.any(y > x + tol) for y in by) for x in points],
        dtype=bool,
    )


@pytest.mark.parametrize("parties", [2, 3, 4])
@pytest.mark.parametrize("size", [3, 40, 300])
def test_prune_is_dominance_with_the_tie_tolerance(parties: int, size: int) -> None:
    """``prune`` against the definition with the store's ``tol``, for a frontier within the
    strong rows (``_STRONG``), within the sample (``_SAMPLE``) and beyond it: with ``full`` it
    is dominance by the whole frontier, without it by the sample (a subset). The points lie on
    a grid finer than ``tol``, so many are ties that only the tolerance decides."""
    tol = 1 / 128
    rng = np.random.default_rng(size + parties)
    store = FrontierStore(n_issues=1, n_parties=parties, tol=tol)
    for u in _offered(size, parties, 3, size):
        store.add(u, np.zeros((len(u), 1), dtype=np.int64))
    assert len(store.u) > (visitors._SAMPLE if size == 300 else 1)
    # points near the frontier: its rows moved by -4 to +2 grid steps of 1/256 (tol is two)
    near = store.u[rng.integers(len(store.u), size=400)]
    points = near + rng.integers(-4, 3, size=near.shape) / 256
    want = _dominated_by_definition(points, store.u, tol)
    assert 0 < want.sum() < len(points)
    assert np.array_equal(store.prune(points), want)
    assert np.array_equal(
        store.prune(points, full=False), _dominated_by_definition(points, store.sample, tol)
    )
