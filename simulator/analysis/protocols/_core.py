"""Shared machinery of the protocols: the candidate pool, offer choice, distances, the result type.

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
Python loop over outcomes.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.compiled import (
    BoolArray,
    CompiledScenario,
    FloatArray,
    IntArray,
    crossed_rules,
    evaluate_utilities,
    outcome_indices,
)
from simulator.errors import ScenarioError
from simulator.model import Proposal, Scenario
from simulator.results import Frontier, Point, SolveResult, outcome_dict, utility_dict

__all__ = [
    "DEFAULT_SAMPLE",
    "EXACT_POOL_LIMIT",
    "Pool",
    "ProtocolResult",
    "Turn",
    "agreement_distances",
    "build_pool",
    "choose_offer",
    "complete_proposal",
    "no_agreement_reasons",
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


def make_pool(
    cs: CompiledScenario, outcomes: IntArray, rng: np.random.Generator, exact: bool
) -> Pool:
    """Evaluate ``outcomes``, drop those that break a consistency constraint or repeat, add keys."""
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


def _unary_allowed(cs: CompiledScenario) -> list[BoolArray]:
    """Per issue, ``(P, k_i)``: the options no one-issue red line of party ``p`` forbids."""
    allowed = [np.ones((cs.n_parties, k), dtype=bool) for k in cs.sizes]
    for region, r in zip(cs.regions, cs.region_rule, strict=True):
        owner = cs.rules[r].owner
        if owner >= 0 and len(region.issues) == 1:
            allowed[region.issues[0]][owner] &= ~region.masks[0]
    return allowed


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
    allowed = _unary_allowed(cs)
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
    rng: np.random.Generator,
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
        The run's random generator (sampling and tie-break keys).
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
    if cs.n_outcomes <= exact_limit:
        grid = np.indices(cs.sizes).reshape(cs.n_issues, -1).T
        return make_pool(cs, grid, rng, exact=True)
    parts = [_sample(cs, sample, rng)]
    if solved is not None and solved.zopa_frontier.size:
        parts.append(solved.zopa_frontier.outcomes)
    if extra is not None:
        parts.append(np.asarray(extra, dtype=np.int64).reshape(-1, cs.n_issues))
    return make_pool(cs, np.concatenate(parts), rng, exact=False)


def scales(cs: CompiledScenario, pool: Pool) -> FloatArray:
    """``(P,)``: ``max(u_p^max - d_p, eps)`` over the party's own acceptable pool outcomes."""
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


@dataclass(frozen=True, eq=False)
class Turn:
    """One entry of a protocol's history.

    Attributes
    ----------
    round
        0-based round.
    party
        Who acts: the proposer or responder (alternating offers) or the mediator (single text).
    action
        ``offer``, ``accept`` (alternating offers) or ``text`` (single text).
    outcome, utilities
        The package on the table after the action and every party's utility for it.
    accepted_by
        The parties who have accepted this package so far (alternating) or who accept the text.
    target
        The acting party's target utility (alternating offers), else None.
    objections
        Per objecting party: the red lines the package crosses and ``below_reservation``.
    requests
        Per party: its most wanted single-issue changes as ``(issue, option, gain)``.
    changes
        The issues the mediator changed from the previous text, ``(issue, old, new)``.
    """

    round: int
    party: str
    action: str
    outcome: tuple[int, ...]
    utilities: tuple[float, ...]
    accepted_by: tuple[str, ...]
    target: float | None = None
    objections: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    requests: Mapping[str, tuple[tuple[str, str, float], ...]] = field(default_factory=dict)
    changes: tuple[tuple[str, str, str], ...] = ()

    def to_dict(self, scenario: Scenario) -> dict[str, Any]:
        d: dict[str, Any] = {
            "round": self.round,
            "party": self.party,
            "action": self.action,
            "package": outcome_dict(scenario, self.outcome),
            "utilities": utility_dict(scenario, self.utilities),
            "accepted_by": list(self.accepted_by),
        }
        if self.target is not None:
            d["target"] = round(float(self.target), 10)
        if self.action == "text":
            d["objections"] = {p: list(v) for p, v in self.objections.items()}
            d["requests"] = {
                p: [{"issue": i, "option": o, "gain": round(g, 10)} for i, o, g in v]
                for p, v in self.requests.items()
            }
            d["changes"] = [{"issue": i, "from": a, "to": b} for i, a, b in self.changes]
        return d


@dataclass(frozen=True, eq=False)
class ProtocolResult:
    """What a protocol run did: the history, the verdict and how good the agreement is.

    Attributes
    ----------
    protocol
        ``alternating`` or ``single-text``.
    scenario
        The scenario negotiated (after edits).
    seed
        The seed of the run (same seed, same run).
    rounds
        The deadline in rounds.
    history
        Every turn (alternating offers) or text (single text), in order.
    agreed, agreement_round, agreement
        Whether the parties agreed, in which round, on what.
    distances
        For an agreement (see :func:`agreement_distances`), else empty.
    reasons
        Plain-words reasons when there is no agreement.
    settings
        The protocol's parameters (strategies, mediator, start, pool size, ...), for the record.
    frontier, nash
        The solver's ZOPA frontier and Nash solution (None without a ZOPA), for figures.
    seconds
        Wall time of the run.
    """

    protocol: str
    scenario: Scenario
    seed: int | None
    rounds: int
    history: tuple[Turn, ...]
    agreed: bool
    agreement_round: int | None
    agreement: Point | None
    distances: Mapping[str, Any]
    reasons: tuple[str, ...]
    settings: Mapping[str, Any]
    frontier: Frontier | None = None
    nash: Point | None = None
    seconds: float = 0.0

    @property
    def verdict(self) -> str:
        """One sentence in plain words."""
        if self.agreed and self.agreement is not None:
            d = self.distances
            where = (
                "on the Pareto frontier"
                if d.get("on_frontier")
                else f"{d.get('frontier_distance', float('nan')):.3f} from the Pareto frontier"
            )
            nash = (
                "the Nash package itself"
                if d.get("is_nash")
                else f"{d.get('nash_distance', float('nan')):.3f} from the Nash point"
            )
            return f"Agreement in round {self.agreement_round} of {self.rounds}: {where}, {nash}."
        why = " ".join(self.reasons)
        return f"No agreement within {self.rounds} rounds. {why}".strip()

    def utilities_over_rounds(self) -> FloatArray:
        """``(T, P)``: the utilities of the package on the table at each history entry."""
        return np.array([t.utilities for t in self.history], dtype=np.float64).reshape(
            -1, len(self.scenario.parties)
        )

    def to_dict(self) -> dict[str, Any]:
        s = self.scenario
        return {
            "protocol": self.protocol,
            "scenario": s.name,
            "seed": self.seed,
            "rounds": self.rounds,
            "settings": dict(self.settings),
            "parties": [{"name": p.id, "reservation": float(p.reservation)} for p in s.parties],
            "agreed": self.agreed,
            "agreement_round": self.agreement_round,
            "agreement": None if self.agreement is None else self.agreement.to_dict(s),
            "distances": dict(self.distances),
            "reasons": list(self.reasons),
            "verdict": self.verdict,
            "history": [t.to_dict(s) for t in self.history],
            "seconds": self.seconds,
        }


def finish_run(
    protocol: str,
    cs: CompiledScenario,
    solved: SolveResult,
    *,
    seed: int | None,
    rounds: int,
    history: Sequence[Turn],
    agreed_round: int | None,
    outcome: Sequence[int] | IntArray | None,
    utilities: Sequence[float] | FloatArray | None,
    slack: float,
    reasons: Sequence[str],
    settings: Mapping[str, Any],
    started: float,
) -> ProtocolResult:
    """The :class:`ProtocolResult` of a finished run, the same way for every protocol.

    With an agreement (``agreed_round`` set) the agreed package ``outcome`` and its ``utilities``
    become a :class:`Point` measured against the solver's frontier and Nash point
    (:func:`agreement_distances`); ``reasons`` are for a run without one. ``started`` is the
    :func:`time.perf_counter` reading at the start of the run.
    """
    agreement = None
    distances: dict[str, Any] = {}
    if agreed_round is not None and outcome is not None and utilities is not None:
        o = np.asarray(outcome, dtype=np.int64)
        agreement = Point(
            tuple(int(k) for k in o),
            tuple(float(x) for x in utilities),
            int(outcome_indices(cs.sizes, o[None, :])[0]),
        )
        distances = agreement_distances(utilities, o, solved, slack)
    return ProtocolResult(
        protocol=protocol,
        scenario=cs.scenario,
        seed=seed,
        rounds=rounds,
        history=tuple(history),
        agreed=agreement is not None,
        agreement_round=agreed_round if agreement is not None else None,
        agreement=agreement,
        distances=distances,
        reasons=tuple(reasons) if agreement is None else (),
        settings=settings,
        frontier=solved.zopa_frontier if solved.zopa_frontier.size else None,
        nash=solved.solutions.get("nash"),
        seconds=round(time.perf_counter() - started, 4),
    )


def agreement_distances(
    utilities: Sequence[float] | FloatArray,
    outcome: Sequence[int] | IntArray,
    solved: SolveResult,
    slack: float,
) -> dict[str, Any]:
    """How far an agreement is from the ZOPA's Pareto frontier and from the Nash solution.

    An agreement is feasible and individually rational, so it lies in the ZOPA, and it is Pareto
    dominated by some feasible outcome exactly when a point of the ZOPA frontier dominates it.

    Parameters
    ----------
    utilities
        ``(P,)`` the agreement's utilities.
    outcome
        ``(n,)`` its option indices.
    solved
        The solver's result (ZOPA frontier, Nash solution).
    slack
        Tie tolerance.

    Returns
    -------
    dict
        ``frontier``: the frontier used (``zopa``); ``on_frontier``; ``frontier_distance``: the
        Euclidean distance in utility space to the nearest frontier point that dominates the
        agreement (0 when none does); ``max_pareto_gain``: the most any one party could gain
        with no party losing; ``nash_distance``: the Euclidean distance to the Nash point's
        utilities; ``is_nash``: whether it is the Nash package; ``nash``: the Nash package and
        its utilities.

    Examples
    --------
    >>> import numpy as np, simulator
    >>> r = simulator.solve(simulator.load_scenario("scenarios/textbook_car.yaml"))
    >>> nash = r.solutions["nash"]
    >>> d = agreement_distances(nash.utilities, nash.outcome, r, 1e-9)
    >>> d["on_frontier"], d["frontier_distance"], d["is_nash"]
    (True, 0.0, True)
    """
    u = np.asarray(utilities, dtype=np.float64)
    front = solved.zopa_frontier.utilities
    dom = np.all(front >= u[None, :] - slack, axis=1) & np.any(front > u[None, :] + slack, axis=1)
    if dom.any():
        diff = front[dom] - u[None, :]
        dist = float(np.sqrt((diff**2).sum(axis=1)).min())
        gain = float(diff.max())
    else:
        dist, gain = 0.0, 0.0
    nash = solved.solutions.get("nash")
    out: dict[str, Any] = {
        "frontier": solved.zopa_frontier.scope,
        "frontier_size": solved.zopa_frontier.size,
        "on_frontier": not bool(dom.any()),
        "frontier_distance": round(dist, 10),
        "max_pareto_gain": round(gain, 10),
    }
    if nash is not None:
        out["nash_distance"] = round(
            float(np.sqrt(((np.asarray(nash.utilities) - u) ** 2).sum())), 10
        )
        out["is_nash"] = tuple(int(k) for k in outcome) == nash.outcome
        out["nash"] = nash.to_dict(solved.scenario)
    return out


def no_agreement_reasons(scenario: Scenario, solved: SolveResult) -> list[str]:
    """Why no agreement can exist, from the solver's counts and the red-line conflicts (if any)."""
    from simulator.analysis.diagnosis import red_line_conflicts

    c = solved.counts
    if c.feasible == 0:
        lines = ["No package respects every party's red lines (the feasible set is empty)"]
        conflicts = red_line_conflicts(scenario)
        if conflicts:
            parts = [f"on {k.issue}, {' vs '.join(k.rules)}" for k in conflicts]
            lines[0] += ": " + "; ".join(parts)
        lines[0] += ", so no party can accept what another may propose."
        return lines
    if c.zopa == 0:
        return [
            "Every package that respects all red lines leaves some party below its reservation "
            "(the ZOPA is empty)."
        ]
    return []


def complete_proposal(
    cs: CompiledScenario, proposal: Proposal, solved: SolveResult | None = None
) -> IntArray:
    """A complete package from a (possibly partial) proposal: its open items filled in.

    Every completion (the product of the options the proposal allows, at most
    :data:`COMPLETION_LIMIT`) that breaks no consistency constraint is evaluated at once. When some
    completions are in the ZOPA, the one with the largest Nash product ``prod_p (u_p - d_p)`` is
    taken (the evaluator's Nash completion); otherwise the one crossing the fewest red lines, then
    with the smallest total shortfall below the reservations, then with the largest smallest gain.

    Raises
    ------
    ScenarioError
        When the proposal leaves too many completions, or none is consistent.
    """
    s = cs.scenario
    choices = []
    for issue in s.issues:
        allowed = proposal.options.get(issue.id, issue.option_ids)
        choices.append(np.array([issue.index(o) for o in allowed], dtype=np.int64))
    total = math.prod(len(c) for c in choices)
    if total > COMPLETION_LIMIT:
        raise ScenarioError(
            f"proposal {proposal.id!r} leaves {total:,} completions; at most {COMPLETION_LIMIT:,} "
            "can be compared: fix more of its issues"
        )
    grid = np.indices([len(c) for c in choices]).reshape(len(choices), -1).T
    outcomes = np.stack([c[grid[:, i]] for i, c in enumerate(choices)], axis=1)
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
    n_crossed = pool.crossed[:, cs.rule_owner >= 0].sum(axis=1)
    shortfall = np.maximum(-gain, 0.0).sum(axis=1)
    order = np.lexsort((-gain.min(axis=1), shortfall, n_crossed))
    return pool.outcomes[order[0]]
