"""The protocols' candidate pool: the outcomes parties choose offers from, and how they choose.

Notation
--------
``P`` parties with reservations ``d_p``; the *pool* is a set of ``N`` candidate outcomes (rows
of option indices) with utilities ``U`` ``(N, P)`` and ``own_ok`` ``(N, P)`` (the outcome crosses
no red line of party ``p``); every pool outcome breaks no consistency constraint.
``scale_p = max(u_p^max - d_p, eps)`` with ``u_p^max`` party ``p``'s best utility on its own
acceptable outcomes: a party's *normalised gain* is ``g_p = (u_p - d_p) / scale_p``, so that
parties measured on different scales compare.

The pool is the whole table when the space is small (:data:`EXACT_POOL_LIMIT`); past it, the
solver's ZOPA frontier plus a seeded sample biased towards random weightings of the parties'
preferences (:func:`build_pool`). Every choice is an ``argmax`` over the pool's arrays, never a
Python loop over outcomes: an offer (:func:`choose_offer`), or the completion of a partial
proposal (:func:`complete_proposal`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulator.compiled import (
    BoolArray,
    CompiledScenario,
    FloatArray,
    IntArray,
    crossed_rules,
    evaluate_utilities,
)
from simulator.errors import ScenarioError
from simulator.model import Proposal
from simulator.outcome_space import (
    box_outcomes,
    outcome_grid,
    outcome_indices,
    party_allowed_masks,
    proposal_options,
)
from simulator.results import SolveResult
from simulator.rng import RngLike

__all__ = [
    "COMPLETION_LIMIT",
    "DEFAULT_SAMPLE",
    "EXACT_POOL_LIMIT",
    "Pool",
    "build_pool",
    "choose_offer",
    "complete_proposal",
    "make_pool",
    "scales",
]

#: Spaces up to this many outcomes are enumerated whole into the pool.
EXACT_POOL_LIMIT = 1 << 20
#: Sampled outcomes added to the pool past :data:`EXACT_POOL_LIMIT`.
DEFAULT_SAMPLE = 1 << 15
#: Completions of a partial proposal enumerated at most by :func:`complete_proposal`.
COMPLETION_LIMIT = 1 << 16
_EPS = 1e-9


@dataclass(frozen=True, eq=False)
class Pool:
    """Candidate outcomes with everything the protocols read from them.

    Attributes
    ----------
    outcomes
        ``(N, n)`` int64 option indices; no consistency constraint broken.
    utilities
        ``(N, P)`` float64.
    crossed
        ``(N, R)`` bool: which rules (``cs.rules``) each outcome crosses.
    own_ok
        ``(N, P)`` bool: crosses no red line of party ``p``.
    key
        ``(N,)`` float64 seeded random tie-break keys.
    exact
        Whether the pool is the whole (consistent) outcome space.
    """

    outcomes: IntArray
    utilities: FloatArray
    crossed: BoolArray
    own_ok: BoolArray
    key: FloatArray
    exact: bool

    @property
    def size(self) -> int:
        return len(self.outcomes)


def _owned(cs: CompiledScenario, crossed: BoolArray) -> BoolArray:
    """``(N, P)``: which outcomes cross no red line of each party."""
    owner = cs.rule_owner
    ok = np.ones((len(crossed), cs.n_parties), dtype=bool)
    for p in range(cs.n_parties):
        mine = owner == p
        if mine.any():
            ok[:, p] = ~crossed[:, mine].any(axis=1)
    return ok


def make_pool(cs: CompiledScenario, outcomes: IntArray, rng: RngLike, exact: bool) -> Pool:
    """Evaluate ``outcomes``, drop those that break a consistency constraint or repeat, and draw
    the tie-break keys from ``rng`` (see :mod:`simulator.rng`)."""
    rng = np.random.default_rng(rng)
    outcomes = np.asarray(outcomes, dtype=np.int64).reshape(-1, cs.n_issues)
    if len(outcomes):
        if math.prod(cs.sizes) < 2**62:
            _, first = np.unique(outcome_indices(cs.sizes, outcomes), return_index=True)
        else:
            _, first = np.unique(outcomes, axis=0, return_index=True)
        outcomes = outcomes[np.sort(first)]
    crossed = crossed_rules(cs, outcomes)
    constraint = cs.rule_owner < 0
    keep = np.ones(len(crossed), dtype=bool)
    if constraint.any():
        keep = ~np.any(crossed[:, constraint], axis=1)
    outcomes, crossed = outcomes[keep], crossed[keep]
    return Pool(
        outcomes=outcomes,
        utilities=evaluate_utilities(cs, outcomes),
        crossed=crossed,
        own_ok=_owned(cs, crossed),
        key=rng.random(len(outcomes)),
        exact=exact,
    )


def _sample(cs: CompiledScenario, n: int, rng: np.random.Generator) -> IntArray:
    """``n`` outcomes drawn issue by issue from a softmax of a random weighting of the parties.

    Each sample draws weights ``lam`` (Dirichlet(1), or for half the samples one party alone), an
    inverse temperature ``beta`` (log-uniform on [1, 3000]) and a random subset of parties whose
    one-issue red lines it respects (always the party weighted most); option ``k`` of issue ``i`` is
    drawn with probability proportional to ``exp(beta * sum_p lam_p v_pik / range_p)``. The pool so
    covers every party's best region, the compromises between them and each party's own red lines.
    """
    n_p = cs.n_parties
    lam = rng.dirichlet(np.ones(n_p), size=n)
    solo = rng.random(n) < 0.5
    lam[solo] = np.eye(n_p)[rng.integers(0, n_p, size=int(solo.sum()))]
    beta = np.exp(rng.uniform(0.0, math.log(3000.0), size=n))
    respects = rng.random((n, n_p)) < 0.5
    respects[np.arange(n), np.argmax(lam, axis=1)] = True
    span = np.array([sum(float(v[p].max() - v[p].min()) for v in cs.values) for p in range(n_p)])
    span = np.where(span > 0, span, 1.0)
    allowed = party_allowed_masks(cs)
    out = np.zeros((n, cs.n_issues), dtype=np.int64)
    for i, values in enumerate(cs.values):
        score = lam @ (values / span[:, None])  # (n, k_i)
        ok: BoolArray = ~np.any(respects[:, :, None] & ~allowed[i][None, :, :], axis=1)
        ok[~ok.any(axis=1)] = True
        logit = np.where(ok, beta[:, None] * score, -np.inf)
        logit -= logit.max(axis=1, keepdims=True)
        prob = np.exp(logit)
        cum = np.cumsum(prob / prob.sum(axis=1, keepdims=True), axis=1)
        draw = rng.random(n)[:, None]
        out[:, i] = np.minimum((cum < draw).sum(axis=1), len(values[0]) - 1)
    return out


def build_pool(
    cs: CompiledScenario,
    rng: RngLike,
    *,
    solved: SolveResult | None = None,
    sample: int = DEFAULT_SAMPLE,
    exact_limit: int = EXACT_POOL_LIMIT,
    extra: IntArray | None = None,
) -> Pool:
    """The candidate outcomes the parties choose their offers from.

    Parameters
    ----------
    cs
        The compiled scenario.
    rng
        The run's random generator (sampling and tie-break keys), or an int ``n`` for
        ``numpy.random.default_rng(n)`` (see :mod:`simulator.rng`).
    solved
        The solver's result; its ZOPA frontier joins a sampled pool.
    sample
        Sampled outcomes when the space is larger than ``exact_limit``.
    exact_limit
        Spaces up to this size are enumerated whole.
    extra
        ``(M, n)`` outcomes that must be in the pool (e.g. a starting text).

    Returns
    -------
    Pool
        Whole table (``exact``) or ZOPA frontier + seeded sample + ``extra``.
    """
    rng = np.random.default_rng(rng)
    if cs.n_outcomes <= exact_limit:
        grid = outcome_grid(cs.sizes)
        return make_pool(cs, grid, rng, exact=True)
    parts = [_sample(cs, sample, rng)]
    if solved is not None and solved.zopa_frontier.size:
        parts.append(solved.zopa_frontier.outcomes)
    if extra is not None:
        parts.append(np.asarray(extra, dtype=np.int64).reshape(-1, cs.n_issues))
    return make_pool(cs, np.concatenate(parts), rng, exact=False)


def scales(cs: CompiledScenario, pool: Pool) -> FloatArray:
    """``(P,)``: ``max(u_p^max - d_p, eps)`` over the party's own acceptable pool outcomes, and
    1 for a party with none (its gains are then plain utility differences, not divided by eps)."""
    u = np.where(pool.own_ok, pool.utilities, -np.inf)
    best = u.max(axis=0) if len(u) else np.full(cs.n_parties, -np.inf)
    best = np.where(np.isfinite(best), best, cs.reservation + 1.0)
    return np.asarray(np.maximum(best - cs.reservation, _EPS))


def choose_offer(
    pool: Pool,
    party: int,
    target: float,
    reservation: FloatArray,
    scale: FloatArray,
    slack: float = 0.0,
) -> int:
    """The pool row party ``party`` offers at target utility ``target``.

    Among the outcomes that cross none of the party's red lines and give it at least ``target``
    (or, when none does, those giving it its best utility), the one best for the others,
    lexicographically: fewest other parties whose red lines it crosses, then the largest minimum
    normalised gain of the others, then the largest sum of their gains, then the seeded key.

    Parameters
    ----------
    pool
        The candidates.
    party
        The proposer's index.
    target
        Its target utility.
    reservation, scale
        ``(P,)`` reservations and scales (see the module docstring).
    slack
        Tie tolerance on the target.

    Returns
    -------
    int
        A row of the pool.

    Examples
    --------
    >>> import simulator
    >>> from simulator.compiled import compile_scenario
    >>> cs = compile_scenario(simulator.load_scenario("scenarios/textbook_car.yaml"))
    >>> pool = build_pool(cs, 0)  # 36 outcomes: the whole table, less 3 inconsistent ones
    >>> pool.size, pool.exact
    (33, True)
    >>> row = choose_offer(pool, 0, 0.6, cs.reservation, scales(cs, pool))  # the buyer at 0.6
    >>> simulator.results.outcome_dict(cs.scenario, pool.outcomes[row])
    {'price': '22', 'warranty': 'one_year', 'delivery': 'standard'}
    """
    u = pool.utilities
    own = pool.own_ok[:, party]
    if not own.any():
        own = np.ones(len(u), dtype=bool)
    mine = own & (u[:, party] >= target - slack)
    if not mine.any():
        best = u[own, party].max()
        mine = own & (u[:, party] >= best - slack)
    rows = np.flatnonzero(mine)
    others = np.array([q for q in range(u.shape[1]) if q != party], dtype=np.int64)
    if not len(others):
        return int(rows[np.lexsort((pool.key[rows], -u[rows, party]))[0]])
    gain = (u[np.ix_(rows, others)] - reservation[others]) / scale[others]
    objecting = (~pool.own_ok[np.ix_(rows, others)]).sum(axis=1)
    order = np.lexsort((pool.key[rows], -gain.sum(axis=1), -gain.min(axis=1), objecting))
    return int(rows[order[0]])


def complete_proposal(
    cs: CompiledScenario, proposal: Proposal, solved: SolveResult | None = None
) -> IntArray:
    """A complete package from a (possibly partial) proposal: its open items filled in.

    Every completion (the product of the options the proposal allows, at most
    :data:`COMPLETION_LIMIT`) that breaks no consistency constraint is evaluated at once. When some
    completions are in the ZOPA, the one with the largest Nash product ``prod_p (u_p - d_p)`` is
    taken (the evaluator's Nash completion); otherwise the one crossing the fewest red lines, then
    with the smallest total shortfall below the reservations (shortfalls within the rounding slack
    of the smallest count as equal), then with the largest smallest gain, then the first.

    Raises
    ------
    ScenarioError
        When the proposal leaves too many completions, or none is consistent.
    """
    s = cs.scenario
    choices = proposal_options(s, proposal)
    total = math.prod(len(c) for c in choices)
    if total > COMPLETION_LIMIT:
        raise ScenarioError(
            f"proposal {proposal.id!r} leaves {total:,} completions; at most {COMPLETION_LIMIT:,} "
            "can be compared: fix more of its issues"
        )
    outcomes = box_outcomes(choices)
    pool = make_pool(cs, outcomes, np.random.default_rng(0), exact=False)
    if not pool.size:
        raise ScenarioError(f"no completion of proposal {proposal.id!r} is consistent")
    u, d = pool.utilities, cs.reservation
    gain = u - d[None, :]
    ok = pool.own_ok.all(axis=1) & np.all(gain >= -cs.rounding_slack, axis=1)
    if ok.any():
        rows = np.flatnonzero(ok)
        nash = np.log(np.maximum(gain[rows], 1e-300)).sum(axis=1)
        return pool.outcomes[rows[int(np.argmax(nash))]]
    # the documented order, with shortfalls within the rounding slack of the smallest tied (their
    # float sums differ in the last bits), so the smallest gain decides; then the first row
    n_crossed = pool.crossed[:, cs.rule_owner >= 0].sum(axis=1)
    shortfall = np.where(n_crossed == n_crossed.min(), np.maximum(-gain, 0.0).sum(axis=1), np.inf)
    near = shortfall <= shortfall.min() + cs.rounding_slack
    return pool.outcomes[int(np.argmax(np.where(near, gain.min(axis=1), -np.inf)))]
