"""Multilateral alternating offers with time-dependent and tit-for-tat concession strategies.

Notation
--------
Rounds ``r = 0, ..., T`` with ``T = rounds - 1`` the deadline; in each round the parties act once
in a fixed order. A party's best utility on its own acceptable pool outcomes is ``u_max``, its
reservation ``u_res = d``. A *time-dependent* party with concession exponent ``e`` aims at
(Faratin, Sierra & Jennings 1998)

    tau(r) = u_max - (u_max - u_res) * (r / T) ** (1 / e)

(``e < 1`` Boulware: holds out until near the deadline; ``e = 1`` linear; ``e > 1`` Conceder). A
*tit-for-tat* party starts at ``u_max`` and concedes, as a fraction of its own range ``u_max - d``,
the mean relative concession ``(u_j(prev_j) - u_j(last_j)) / scale_j`` the others made in their own
utility since its last turn (relative tit-for-tat, Faratin et al. 1998; Baarslag, Hindriks & Jonker
2011); when they harden it hardens.

The protocol is the stacked alternating offers protocol (SAOP, Aydoğan, Festen, Hindriks &
Jonker 2017): the first party opens; each next party accepts the standing offer or replaces it
with its own. The offer is agreed when every party other than its proposer has accepted it in
turn. A party accepts by AC_next (Baarslag, Hindriks & Jonker 2014): the offer crosses none of
its red lines, gives it at least its reservation and at least what its own next offer would give
it. Offers come from :func:`~simulator.analysis.protocols.pool.choose_offer`: never across the
proposer's red lines, at least its target, the best such outcome for the others. (A party none of
whose pool outcomes meets its reservation and red lines keeps offering its best package, which no
one may accept: it would not bind its proposer.)

References
----------
Faratin, P., Sierra, C. & Jennings, N. R. (1998). Negotiation decision functions for autonomous
agents. *Robotics and Autonomous Systems* 24(3-4), 159-182.
Aydoğan, R., Festen, D., Hindriks, K. V. & Jonker, C. M. (2017). Alternating offers protocols for
multilateral negotiation. In *Modern Approaches to Agent-based Complex Automated Negotiation*,
153-167.
Baarslag, T., Hindriks, K. & Jonker, C. (2014). Effective acceptance conditions in multi-issue
negotiation. *Autonomous Agents and Multi-Agent Systems* (AAMAS '14), 1-8.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from simulator.compiled import CompiledScenario, FloatArray, as_compiled
from simulator.errors import ScenarioError, did_you_mean
from simulator.model import Scenario
from simulator.progress import Progress
from simulator.rng import UNSET, RngLike, Unset, pick_rng, seed_of
from simulator.solver import solve

from .pool import DEFAULT_SAMPLE, EXACT_POOL_LIMIT, Pool, build_pool, choose_offer, scales
from .result import ProtocolResult, Turn, finish_run, no_agreement_reasons

__all__ = [
    "STRATEGIES",
    "Strategy",
    "alternating_offers",
    "parse_strategy",
    "time_dependent_target",
]

#: Named strategies: the concession exponent ``e`` of the time-dependent ones, None for tit-for-tat.
STRATEGIES: dict[str, float | None] = {
    "boulware": 0.2,
    "linear": 1.0,
    "conceder": 2.0,
    "tit-for-tat": None,
}


@dataclass(frozen=True)
class Strategy:
    """A concession strategy: time-dependent with exponent ``e``, or tit-for-tat (``e`` None)."""

    name: str
    e: float | None = None

    def __post_init__(self) -> None:
        if self.e is not None and not (math.isfinite(self.e) and self.e > 0):
            raise ScenarioError(f"strategy {self.name!r}: the exponent e must be > 0, got {self.e}")

    @property
    def label(self) -> str:
        return self.name if self.e is None else f"{self.name}(e={self.e:g})"


def parse_strategy(text: str | Strategy) -> Strategy:
    """A strategy from ``NAME`` or ``NAME:E`` (``E``: the exponent of a time-dependent one).

    Examples
    --------
    >>> parse_strategy("boulware")
    Strategy(name='boulware', e=0.2)
    >>> parse_strategy("linear:0.5").label
    'linear(e=0.5)'
    """
    if isinstance(text, Strategy):
        return text
    name, _, exponent = text.strip().lower().partition(":")
    if name in ("tft", "titfortat", "tit_for_tat"):
        name = "tit-for-tat"
    if name not in STRATEGIES:
        raise ScenarioError(
            f"unknown strategy {text!r}; choose one of {', '.join(STRATEGIES)} "
            f"(optionally NAME:E); {did_you_mean(name, list(STRATEGIES))}"
        )
    e = STRATEGIES[name]
    if exponent:
        if e is None:
            raise ScenarioError("tit-for-tat takes no exponent")
        try:
            e = float(exponent)
        except ValueError:
            raise ScenarioError(f"strategy {text!r}: E must be a number") from None
    return Strategy(name, e)


def time_dependent_target(
    r: float | FloatArray, deadline: int, u_max: float, u_res: float, e: float
) -> FloatArray:
    """Faratin et al. (1998): ``u_max - (u_max - u_res) * (r / T) ** (1 / e)``, ``T = deadline``.

    Examples
    --------
    >>> time_dependent_target(np.array([0, 5, 10]), 10, 1.0, 0.4, 1.0).tolist()
    [1.0, 0.7, 0.4]
    """
    frac = np.clip(np.asarray(r, dtype=np.float64) / deadline, 0.0, 1.0) if deadline > 0 else 1.0
    return np.asarray(u_max - (u_max - u_res) * np.power(frac, 1.0 / e), dtype=np.float64)


def _strategies(
    scenario: Scenario, strategies: str | Strategy | Mapping[str, str | Strategy]
) -> list[Strategy]:
    if isinstance(strategies, (str, Strategy)):
        return [parse_strategy(strategies)] * len(scenario.parties)
    default = parse_strategy(strategies["*"]) if "*" in strategies else None
    chosen = {scenario.party(p).id: parse_strategy(s) for p, s in strategies.items() if p != "*"}
    out = []
    for p in scenario.party_ids:
        if p in chosen:
            out.append(chosen[p])
        elif default is not None:
            out.append(default)
        else:
            out.append(parse_strategy("linear"))
    return out


class _Negotiator:
    """A party's state during a run: strategy, range, and (for tit-for-tat) its current target."""

    def __init__(self, index: int, strategy: Strategy, u_max: float, d: float) -> None:
        self.index = index
        self.strategy = strategy
        self.u_max = u_max
        self.u_res = min(d, u_max)
        self.tau = u_max
        self.seen: dict[int, int] = {}

    def target(
        self, r: int, deadline: int, offers: Sequence[list[int]], pool: Pool, scale: FloatArray
    ) -> float:
        if self.strategy.e is not None:
            return float(
                time_dependent_target(r, deadline, self.u_max, self.u_res, self.strategy.e)
            )
        moves = []
        for j, made in enumerate(offers):
            if j == self.index or len(made) < 2 or self.seen.get(j, 0) == len(made):
                continue
            self.seen[j] = len(made)
            u = pool.utilities
            moves.append((u[made[-2], j] - u[made[-1], j]) / scale[j])
        if moves:
            step = float(np.mean(moves)) * (self.u_max - self.u_res)
            self.tau = float(np.clip(self.tau - step, self.u_res, self.u_max))
        return self.tau


def _check_order(scenario: Scenario, order: Sequence[str] | None) -> list[int]:
    if order is None:
        return list(range(len(scenario.parties)))
    ids = [scenario.party(p).id for p in order]
    if sorted(ids) != sorted(scenario.party_ids):
        raise ScenarioError(f"order must list every party once: {', '.join(scenario.party_ids)}")
    return [scenario.party_ids.index(p) for p in ids]


def alternating_offers(
    scenario: Scenario | CompiledScenario,
    strategies: str | Strategy | Mapping[str, str | Strategy] = "linear",
    *,
    rounds: int = 50,
    rng: RngLike = 0,
    order: Sequence[str] | None = None,
    sample: int = DEFAULT_SAMPLE,
    exact_limit: int = EXACT_POOL_LIMIT,
    progress: Progress | None = None,
    seed: int | Unset | None = UNSET,
) -> ProtocolResult:
    """Simulate the stacked alternating offers protocol with concession strategies.

    Parameters
    ----------
    scenario
        The scenario (or compiled scenario); at least two parties.
    strategies
        One strategy for everyone (``"boulware"``, ``"linear"``, ``"conceder"``,
        ``"tit-for-tat"``, ``"NAME:E"``) or ``{party: strategy}`` (``"*"`` for the rest; linear by
        default).
    rounds
        The deadline: rounds ``0 .. rounds - 1``, each party acting once per round.
    rng
        Draws the pool sample and the tie-break keys: a Generator, an int ``n`` (the run of
        ``numpy.random.default_rng(n)``, the same every time) or None (fresh entropy); see
        :mod:`simulator.rng`.
    order
        The order in which parties act (default: the scenario's); the first opens.
    sample, exact_limit
        Pool construction (see :func:`~simulator.analysis.protocols.pool.build_pool`).
    progress
        Called as ``progress(stage, fraction)``.
    seed
        The former name of ``rng`` (give one or the other).

    Returns
    -------
    ProtocolResult
        The turns, the verdict, the agreement and its distances to the frontier and the Nash point.

    Raises
    ------
    ScenarioError
        For fewer than two parties, ``rounds < 1``, an unknown party or strategy.
    TypeError
        If both ``rng`` and ``seed`` are given.

    Examples
    --------
    >>> import simulator
    >>> car = simulator.load_scenario("scenarios/textbook_car.yaml")
    >>> r = alternating_offers(car, "linear", rounds=10, rng=1)
    >>> r.agreed, r.agreement_round
    (True, 7)
    >>> r.agreement.to_dict(car)["outcome"]
    {'price': '26', 'warranty': 'three_years', 'delivery': 'fast'}
    """
    start = time.perf_counter()
    rng = pick_rng(rng, seed)
    cs = as_compiled(scenario)
    s = cs.scenario
    if cs.n_parties < 2:
        raise ScenarioError("alternating offers need at least two parties")
    if not isinstance(rounds, int) or rounds < 1:
        raise ScenarioError(f"rounds must be a positive integer, got {rounds!r}")
    chosen = _strategies(s, strategies)
    turn_order = _check_order(s, order)
    if progress:
        progress("solving", 0.0)
    solved = solve(cs, frontier="zopa", closest=False)
    pool = build_pool(
        cs, np.random.default_rng(rng), solved=solved, sample=sample, exact_limit=exact_limit
    )
    if not pool.size:
        raise ScenarioError("every outcome breaks a consistency constraint: nothing to offer")
    d, slack, scale = cs.reservation, cs.rounding_slack, scales(cs, pool)
    u = pool.utilities
    u_max = np.where(pool.own_ok, u, -np.inf).max(axis=0)
    u_max = np.where(np.isfinite(u_max), u_max, u.max(axis=0))
    # An offer its own proposer could not accept (below its reservation, across its red lines: only
    # when no pool outcome meets them) would not bind it, so no one may accept it.
    binding = pool.own_ok & (u >= d[None, :] - slack)
    agents = [_Negotiator(p, chosen[p], float(u_max[p]), float(d[p])) for p in range(cs.n_parties)]
    offers: list[list[int]] = [[] for _ in range(cs.n_parties)]
    ids = s.party_ids
    history: list[Turn] = []
    standing: int | None = None
    proposer = -1
    accepted: list[int] = []
    agreed_round: int | None = None
    deadline = rounds - 1
    n_turns = rounds * cs.n_parties
    for g in range(n_turns):
        r, i = divmod(g, cs.n_parties)
        p = turn_order[i]
        if progress and i == 0:
            progress("negotiating", r / rounds)
        tau = agents[p].target(r, deadline, offers, pool, scale)
        mine = choose_offer(pool, p, tau, d, scale, slack)
        if standing is not None and p != proposer:
            got = u[standing, p]
            ok = pool.own_ok[standing, p] and binding[standing, proposer]
            if ok and got >= d[p] - slack and got >= u[mine, p] - slack:
                accepted.append(p)
                history.append(
                    _turn(pool, r, ids[p], "accept", standing, proposer, accepted, ids, tau)
                )
                if len(accepted) == cs.n_parties - 1:
                    agreed_round = r
                    break
                continue
        standing, proposer, accepted = mine, p, []
        offers[p].append(mine)
        history.append(_turn(pool, r, ids[p], "offer", mine, p, accepted, ids, tau))
    if progress:
        progress("negotiating", 1.0)
    reasons: list[str] = []
    if agreed_round is None or standing is None:
        reasons = no_agreement_reasons(s, solved)
        if not reasons:
            reasons = [
                f"A ZOPA of {solved.counts.zopa:,} packages exists, but the parties' targets "
                "did not meet before the deadline (try more rounds or softer strategies)."
            ]
    settings = {
        "strategies": {ids[p]: chosen[p].label for p in range(cs.n_parties)},
        "order": [ids[p] for p in turn_order],
        "pool": {"size": pool.size, "exact": pool.exact, "sample": 0 if pool.exact else sample},
        "acceptance": "AC_next",
        "zopa": solved.counts.zopa,
        "feasible": solved.counts.feasible,
    }
    agreed = agreed_round is not None and standing is not None
    return finish_run(
        "alternating",
        cs,
        solved,
        seed=seed_of(rng),
        rounds=rounds,
        history=history,
        agreed_round=agreed_round if agreed else None,
        outcome=pool.outcomes[standing] if agreed else None,
        utilities=u[standing] if agreed else None,
        slack=slack,
        reasons=reasons,
        settings=settings,
        started=start,
    )


def _turn(
    pool: Pool,
    r: int,
    party: str,
    action: str,
    row: int,
    proposer: int,
    accepted: Sequence[int],
    ids: Sequence[str],
    tau: float,
) -> Turn:
    return Turn(
        round=r,
        party=party,
        action=action,
        outcome=tuple(int(k) for k in pool.outcomes[row]),
        utilities=tuple(float(x) for x in pool.utilities[row]),
        accepted_by=tuple(ids[q] for q in (proposer, *accepted)),
        target=tau,
    )
