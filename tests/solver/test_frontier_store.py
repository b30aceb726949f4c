"""The frontier store's merges (:class:`simulator.solver.frontier_store.FrontierStore`) against one
skyline of every point offered: each of its three paths for four or more parties (the pairs, the
pre-filter against the frontier so far, the skyline of old and new points), with ties."""

from __future__ import annotations

import numpy as np
import pytest

import simulator.solver.frontier_store as store_module
from simulator.model import Condition, Issue, Option, Party, Preference, Rule, Scenario
from simulator.solver.frontier_store import FrontierStore
from simulator.solver.pareto import pareto_mask
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
@pytest.mark.parametrize("reindex", [1 << 20, 8])
def test_merging_chunk_by_chunk_is_one_skyline_of_all(
    monkeypatch: pytest.MonkeyPatch, parties: int, pairs: int, reindex: int
) -> None:
    """With many pairs (the default) the merge tests pairs; with few, the candidates meet the
    pre-filter first: the points joined since its index was built (a large ``_REINDEX``: all of
    them) or the index (a small one: built again every few chunks)."""
    monkeypatch.setattr(store_module, "_MERGE_PAIRS", pairs)  # small: the pre-filter and skyline
    monkeypatch.setattr(store_module, "_PREFILTER_PAIRS", pairs)
    monkeypatch.setattr(store_module, "_REINDEX", reindex)
    chunks = _offered(parties + pairs, parties, 12, 400)
    store = FrontierStore(n_issues=1, n_parties=parties, tol=1e-12)
    offered: set[tuple[float, ...]] = set()
    for k, u in enumerate(chunks):
        store.add(u, np.arange(k * len(u), (k + 1) * len(u))[:, None])
        offered |= {tuple(r) for r in u.tolist()}
        # the points tried first are points offered (of the set), which may have left the
        # frontier since: what one dominates is off the frontier all the same
        assert {tuple(r) for r in store.hot.tolist()} <= offered
        assert len(store.hot) <= store_module._HOT
        # the points tested one by one are those joined since the index was built, few
        assert len(store._tail) <= max(reindex, len(store._index) // 8)
    if pairs < 1 << 21 and parties > 3:
        assert len(store.hot)  # the pre-filter ran, and remembered its dominators
        # and its index holds a frontier of the past when it is rebuilt often, none else
        assert (len(store._index) > 0) == (reindex < 1 << 20)
    every = np.concatenate(chunks)
    want = every[pareto_mask(every, tol=1e-12)]
    got = store.u
    assert len(got) == len(want)
    key = lambda a: a[np.lexsort(a.T[::-1])]  # noqa: E731
    assert np.array_equal(key(got), key(want))
    # each kept outcome is the one whose utilities were offered
    assert np.array_equal(every[store.outcomes[:, 0]], got)


@pytest.mark.parametrize("parties", [3, 4, 5])
@pytest.mark.parametrize("pairs", [1 << 21, 1 << 8])
def test_merging_with_a_tolerance_keeps_every_undominated_point(
    monkeypatch: pytest.MonkeyPatch, parties: int, pairs: int
) -> None:
    """With a tie tolerance wider than the grid (``tol`` = 2 steps of 1/256) dominance is not
    transitive, so merging chunk by chunk may keep a few points that only a point dropped
    earlier dominates; but it keeps every point that no offered point dominates (one skyline of
    all), and no kept point dominates another."""
    from simulator.solver.dominance import dominated_by

    monkeypatch.setattr(store_module, "_MERGE_PAIRS", pairs)
    monkeypatch.setattr(store_module, "_PREFILTER_PAIRS", pairs)
    tol = 1 / 128
    rng = np.random.default_rng(parties + pairs)
    chunks = []
    for _ in range(8):  # as _offered, on a grid of 1/256
        x = rng.dirichlet(np.ones(parties), size=300) ** 0.5 * rng.uniform(0.9, 1.0, (300, 1))
        chunks.append(np.round(x * 256) / 256)
    store = FrontierStore(n_issues=1, n_parties=parties, tol=tol)
    for k, u in enumerate(chunks):
        store.add(u, np.arange(k * len(u), (k + 1) * len(u))[:, None])
    every = np.concatenate(chunks)
    want = {tuple(r) for r in every[pareto_mask(every, tol=tol)].tolist()}
    got = {tuple(r) for r in store.u.tolist()}
    assert want <= got
    assert len(got - want) <= len(got) // 20  # few: 2% on these
    assert not dominated_by(store.u, store.u, tol=tol).any()
    assert np.array_equal(every[store.outcomes[:, 0]], store.u)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("sample", [64, 4])
@pytest.mark.parametrize("sizes", [(2, 4, 3), (4, 16, 4)])
@pytest.mark.parametrize("parties", [2, 4])
def test_a_solve_through_the_pre_filter_matches_the_oracle(
    monkeypatch: pytest.MonkeyPatch,
    seed: int,
    sample: int,
    sizes: tuple[int, int, int],
    parties: int,
) -> None:
    """The search's small leaves offer their candidates through the pre-filter (forced by a
    tiny :data:`_MERGE_PAIRS` and :data:`_PREFILTER_PAIRS`, and its index rebuilt every few
    points): the frontier of every scope equals the plain-Python oracle's. Leaves of 4 inner
    outcomes and 16 outcomes let through candidates that only the frontier beyond the sample
    dominates (some 40% of those that reach the pre-filter), more so with a sample of 4. Two
    parties have no pre-filter: a leaf's points meet the whole frontier in ``prune``."""
    import simulator.solver.search as search_mod
    from simulator.solver import solve
    from simulator.synthetic import synthetic_scenario
    from tests import oracle
    from tests.kwdefaults import set_keyword_defaults

    inner, leaf, batch = sizes
    for name, value in (("INNER_BLOCK", inner), ("LEAF_OUTCOMES", leaf), ("BATCH_NODES", batch)):
        monkeypatch.setattr(search_mod, name, value)
    monkeypatch.setattr(search_mod, "INNER_FRONT_MIN_NODES", 0)
    set_keyword_defaults(monkeypatch, search_mod, "make_plan", inner_block=inner)
    monkeypatch.setattr(store_module, "_MERGE_PAIRS", 16)
    monkeypatch.setattr(store_module, "_PREFILTER_PAIRS", 16)
    monkeypatch.setattr(store_module, "_REINDEX", 4)  # the index, built again and again
    # a sample of 4 points (and 1 remembered dominator) is a small part of the frontier
    monkeypatch.setattr(store_module, "_SAMPLE", sample)
    monkeypatch.setattr(store_module, "_STRONG", sample // 4)
    s = synthetic_scenario(5, 4, parties, seed=seed, red_lines=3, reservation=0.3)
    want = oracle.solve_oracle(s)
    for scope in ("all", "zopa"):
        got = solve(s, frontier=scope).frontier
        assert sorted(got.index) == sorted(r.index for r in want.frontiers[scope])
        if sample == 4 and scope == "all":
            assert len(got.index) > sample


def _shared_interest_scenario(seed: int, n_parties: int) -> Scenario:
    """Issues on which one option is better for every party (so some nodes of a leaf dominate
    others), with red lines that forbid that option together with some option of another issue
    (two-issue regions: which regions a node can still cross inside the block depends on the
    node)."""
    rng = np.random.default_rng(seed)
    issues = tuple(Issue(f"i{k}", tuple(Option(f"o{j}") for j in range(3))) for k in range(5))
    shared = rng.random(3)  # every party's order on the shared issues
    parties = []
    for p in range(n_parties):
        prefs = {}
        for k, issue in enumerate(issues):
            table = shared if k % 2 == 0 else rng.random(3)
            table = np.round(table * 16) / 16  # dyadic: exact sums, exact ties
            prefs[issue.id] = Preference(float(rng.integers(1, 5)) / 4, "table", table=tuple(table))
        reds = []
        for r in range(2):
            a, b = rng.choice(5, size=2, replace=False)
            cond = Condition(
                ((f"i{a}", (f"o{int(np.argmax(shared))}",)), (f"i{b}", (f"o{rng.integers(3)}",)))
            )
            reds.append(Rule(f"r{p}_{r}", "exclude", condition=cond))
        parties.append(Party(f"p{p}", prefs, red_lines=tuple(reds)))
    return Scenario("shared", issues, tuple(parties))


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("n_parties", [2, 3, 4])
@pytest.mark.parametrize("sizes", [(2, 4, 3), (3, 9, 8)])
def test_a_leaf_drops_only_nodes_another_node_covers(
    monkeypatch: pytest.MonkeyPatch, seed: int, n_parties: int, sizes: tuple[int, int, int]
) -> None:
    """A leaf drops a node whose partial utilities another node's dominate only when that node
    can cross no region inside the block that the dropped one cannot: else the outcomes the
    other node crosses may be on the frontier. Small leaves of several nodes (an inner block of
    3 outcomes, 8 nodes a batch: regions then lie inside blocks), shared interests and two-issue
    red lines make both cases common; the frontier must equal the oracle's."""
    import simulator.solver.search as search_mod
    from simulator.solver import solve
    from tests import oracle
    from tests.kwdefaults import set_keyword_defaults

    inner, leaf, batch = sizes
    for name, value in (("INNER_BLOCK", inner), ("LEAF_OUTCOMES", leaf), ("BATCH_NODES", batch)):
        monkeypatch.setattr(search_mod, name, value)
    monkeypatch.setattr(search_mod, "INNER_FRONT_MIN_NODES", 0)
    set_keyword_defaults(monkeypatch, search_mod, "make_plan", inner_block=inner)
    s = _shared_interest_scenario(seed, n_parties)
    want = oracle.solve_oracle(s)
    for scope in ("feasible", "zopa"):
        got = solve(s, frontier=scope).frontier
        assert sorted(got.index) == sorted(r.index for r in want.frontiers[scope]), scope


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
    is dominance by the whole frontier, without it by the sample (a subset) and the points that
    dominated the last points pruned. The points lie on
    a grid finer than ``tol``, so many are ties that only the tolerance decides."""
    tol = 1 / 128
    rng = np.random.default_rng(size + parties)
    store = FrontierStore(n_issues=1, n_parties=parties, tol=tol)
    for u in _offered(size, parties, 3, size):
        store.add(u, np.zeros((len(u), 1), dtype=np.int64))
    assert len(store.u) > (store_module._SAMPLE if size == 300 else 1)
    # points near the frontier: its rows moved by -4 to +2 grid steps of 1/256 (tol is two)
    near = store.u[rng.integers(len(store.u), size=400)]
    points = near + rng.integers(-4, 3, size=near.shape) / 256
    want = _dominated_by_definition(points, store.u, tol)
    assert 0 < want.sum() < len(points)
    assert np.array_equal(store.prune(points), want)
    # without ``full``: the sample and the points that dominated the last points pruned (points
    # of the set, which may have left the frontier), so at least the sample's and at most the
    # set's
    by_sample = _dominated_by_definition(points, store.sample, tol)
    lead = store._lead.rows.copy()
    # the full prune above remembered its dominators (two parties remember none: their test
    # is a sort and a binary search)
    assert (len(lead) > 0) == (parties > 2)
    cheap = store.prune(points, full=False)
    assert np.all(cheap >= by_sample)
    assert np.array_equal(
        cheap,
        _dominated_by_definition(points, np.concatenate([store.sample, lead]), tol),
    )
    # remembered dominators off the sample (here: frontier points, as a later prune would
    # remember): the points just below them meet them
    if size == 300:
        in_sample = {tuple(r) for r in store.sample.tolist()}
        off = np.array([r for r in store.u.tolist() if tuple(r) not in in_sample][:8])
        store._lead.rows = off
        below = off - np.eye(parties)[0] * 4 / 256  # two tol below in one column
        want = _dominated_by_definition(below, np.concatenate([store.sample, off]), tol)
        assert np.array_equal(store.prune(below, full=False), want)
        assert np.any(want & ~_dominated_by_definition(below, store.sample, tol))
    offered = np.concatenate(_offered(size, parties, 3, size))
    assert {tuple(r) for r in store._lead.rows.tolist()} <= {tuple(r) for r in offered.tolist()}
    assert len(store._lead.rows) <= store_module._STRONG


@pytest.mark.parametrize("parties", [4, 5])
@pytest.mark.parametrize("reindex", [1 << 20, 8, 0])
def test_the_pre_filter_is_dominance_by_the_set_with_the_tie_tolerance(
    monkeypatch: pytest.MonkeyPatch, parties: int, reindex: int
) -> None:
    """``_dominated`` (the recent dominators, the points joined since the index was built, the
    index) finds every candidate the frontier dominates, and only candidates some offered point
    dominates: whether the tail holds every point (a large ``_REINDEX``), the index most of them
    (8) or all (0). Candidates lie on a grid finer than ``tol``, many exactly ``tol`` from a
    frontier point in some column."""
    monkeypatch.setattr(store_module, "_PREFILTER_PAIRS", 1)
    monkeypatch.setattr(store_module, "_REINDEX", reindex)
    tol = 1 / 128
    rng = np.random.default_rng(parties + reindex)
    store = FrontierStore(n_issues=1, n_parties=parties, tol=tol)
    chunks = _offered(parties, parties, 6, 200)
    for u in chunks:
        store.add(u, np.zeros((len(u), 1), dtype=np.int64))
    offered = np.concatenate(chunks)
    near = store.u[rng.integers(len(store.u), size=250)]
    points = near + rng.integers(-4, 3, size=near.shape) / 256
    if reindex == 0:
        store._dominated(points[:1])  # builds the index of the whole frontier: the tail is empty
        assert len(store._index) == len(store.u) and not len(store._tail)
    by_frontier = _dominated_by_definition(points, store.u, tol)
    by_set = _dominated_by_definition(points, offered, tol)
    assert 0 < by_frontier.sum() < len(points)
    # all at once (a leaf's candidates) and one at a time (where the tail's filter, at the
    # candidates' least values, is tightest)
    alone = np.concatenate([store._dominated(points[i : i + 1]) for i in range(len(points))])
    for got in (store._dominated(points), alone):
        assert np.all(got >= by_frontier)
        assert np.all(got <= by_set)
