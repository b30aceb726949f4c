"""A mediator's single negotiating text, revised round by round to meet the parties' objections.

Notation
--------
The text ``x`` is one complete package. Party ``p`` *accepts* ``x`` when ``x`` crosses none of its
red lines and ``u_p(x) >= d_p``; otherwise it *objects*, stating the red lines ``x`` crosses and
whether it falls below its reservation. The text's *objection* is the pair

    O(x) = (sum_p #red lines of p crossed by x,  sum_p max(0, d_p - u_p(x)))

compared lexicographically. The mediator's candidate revisions are the texts that differ from
``x`` on at most ``max_changes`` issues (every (issue, option) change, and every pair of changes,
evaluated at once) and break no consistency constraint.

Rule (Raiffa 1982, ch. 14-17; Fisher's Camp David text):

1. *Meeting objections.* While some party objects, the mediator adopts the revision with the
   smallest ``O`` among those with ``O(x') < O(x)`` that every party now accepting still accepts;
   ties go to fewer changed issues, then to the largest smallest normalised gain
   ``min_p (u_p - d_p) / scale_p`` (``scale_p``: the party's utility upper bound minus ``d_p``),
   then to the seeded key. No party that accepts the text is ever made to object, and ``O``
   falls strictly at every step.
2. *Improving.* Once every party accepts, the mediator adopts Pareto improvements (no party loses,
   one gains, all still accept) with the largest Nash product of normalised gains, until there is
   none: the final text is then Pareto optimal among its neighbours.

The run ends with agreement when every party accepts and no improvement is left (or at the deadline
with everyone accepting), and without agreement when no revision meets an objection under rule 1
(a stalemate: the remaining objections can only be met by making a party that accepts object) or at
the deadline. Both phases strictly improve a well-founded order on a finite set, so a run always
ends.

Each party's *requests* are its three most wanted single-issue changes: fewest of its own red lines
crossed, then the largest utility, among those that improve on the text for it.

References
----------
Raiffa, H. (1982). *The Art and Science of Negotiation*, ch. 14-17 (the single negotiating text).
Fisher, R. (1978). The Camp David single negotiating text, in Raiffa (1982), ch. 14.
"""

from __future__ import annotations

import copy
import time
from typing import Any

import numpy as np

from simulator.compiled import CompiledScenario, FloatArray, IntArray, as_compiled
from simulator.errors import ScenarioError
from simulator.model import Proposal, Scenario
from simulator.progress import Progress
from simulator.rng import UNSET, RngLike, Unset, pick_rng, seed_of
from simulator.solver import solve

from .pool import DEFAULT_SAMPLE, EXACT_POOL_LIMIT, build_pool, complete_proposal
from .result import ProtocolResult, Turn, finish_run, no_agreement_reasons
from .texts import TextBatch, neighbour_texts, party_objections, party_requests

__all__ = ["compare_with_proposal", "neighbour_texts", "single_text"]


def _resolve_mediator(s: Scenario, mediator: str | None) -> int | None:
    if mediator is None:
        return s.party_ids.index("united_states") if "united_states" in s.party_ids else None
    if mediator in ("none", "neutral"):
        return None
    return s.party_ids.index(s.party(mediator).id)


def _start_text(
    cs: CompiledScenario,
    start: str | Proposal | None,
    mediator: int | None,
    rng: np.random.Generator,
    sample: int,
    exact_limit: int,
    solved: Any,
) -> tuple[IntArray, str, int]:
    s = cs.scenario
    if start is not None:
        proposal = s.proposal(start) if isinstance(start, str) else start
        return complete_proposal(cs, proposal, solved), proposal.id, 0
    if mediator is None:
        raise ScenarioError(
            "a neutral mediator needs a starting text: give start (--start PROPOSAL) or a mediator"
        )
    pool = build_pool(cs, rng, solved=solved, sample=sample, exact_limit=exact_limit)
    if not pool.size:
        raise ScenarioError("every outcome breaks a consistency constraint: no text to draft")
    own = pool.own_ok[:, mediator]
    rows = np.flatnonzero(own) if own.any() else np.arange(pool.size)
    best = rows[np.lexsort((pool.key[rows], -pool.utilities[rows, mediator]))[0]]
    return pool.outcomes[best], f"ideal of {s.party_ids[mediator]}", pool.size


def single_text(
    scenario: Scenario | CompiledScenario,
    *,
    mediator: str | None = None,
    start: str | Proposal | None = None,
    rounds: int = 30,
    rng: RngLike = 0,
    max_changes: int = 2,
    improve: bool = True,
    sample: int = DEFAULT_SAMPLE,
    exact_limit: int = EXACT_POOL_LIMIT,
    progress: Progress | None = None,
    seed: int | Unset | None = UNSET,
) -> ProtocolResult:
    """Simulate a mediator's single negotiating text (see the module docstring for the rule).

    Parameters
    ----------
    scenario
        The scenario (or compiled scenario).
    mediator
        The mediating party's id; default ``united_states`` if there is one, else a neutral
        mediator (``"neutral"``), who needs ``start``.
    start
        A named proposal (open items completed by
        :func:`~simulator.analysis.protocols.pool.complete_proposal`); default the mediator's ideal
        (its best package on its own red lines, from the candidate pool).
    rounds
        The deadline: texts ``0 .. rounds - 1`` (text 0 is the starting text).
    rng
        A Generator, an int ``n`` (the run of ``numpy.random.default_rng(n)``, the same every
        time) or None (fresh entropy); see :mod:`simulator.rng`. It draws the pool sample when the
        mediator's ideal is the start; the tie-break keys come from a copy of its state at the
        start of the run (two streams from one state, so an int gives the runs it always gave).
    max_changes
        How many issues one revision may change (1 or 2).
    improve
        Whether the mediator goes on with Pareto improvements once every party accepts.
    sample, exact_limit
        Pool construction for the mediator's ideal.
    progress
        Called as ``progress(stage, fraction)``.
    seed
        The former name of ``rng`` (give one or the other).

    Returns
    -------
    ProtocolResult
        One history entry per text: the package, every party's utility, who accepts, the objections,
        the requests and the mediator's changes.

    Raises
    ------
    ScenarioError
        For an unknown mediator or proposal, ``rounds < 1``, ``max_changes`` not 1 or 2, or a
        neutral mediator without a start.
    TypeError
        If both ``rng`` and ``seed`` are given.

    Examples
    --------
    >>> import simulator
    >>> car = simulator.load_scenario("scenarios/textbook_car.yaml")
    >>> r = single_text(car, start="sticker", rng=0)
    >>> r.agreed, r.agreement_round, r.agreement.to_dict(car)["outcome"]
    (True, 1, {'price': '22', 'warranty': 'one_year', 'delivery': 'standard'})
    """
    t0 = time.perf_counter()
    rng = pick_rng(rng, seed)
    cs = as_compiled(scenario)
    s = cs.scenario
    if not isinstance(rounds, int) or rounds < 1:
        raise ScenarioError(f"rounds must be a positive integer, got {rounds!r}")
    if max_changes not in (1, 2):
        raise ScenarioError(f"max_changes must be 1 or 2, got {max_changes!r}")
    m = _resolve_mediator(s, mediator)
    solved = solve(cs, frontier="zopa", closest=False)
    draws = np.random.default_rng(rng)
    keys = copy.deepcopy(draws)
    x, start_name, pool_size = _start_text(cs, start, m, draws, sample, exact_limit, solved)
    slack, d = cs.rounding_slack, cs.reservation
    mediator_name = "mediator" if m is None else s.party_ids[m]
    history: list[Turn] = []
    agreed_round: int | None = None
    stalemate = False
    previous: IntArray | None = None
    scale = _scale(cs)
    for r in range(rounds):
        if progress:
            progress("revising the text", r / rounds)
        here = TextBatch(cs, x[None, :])
        near_texts, changed = neighbour_texts(x, cs.sizes, max_changes)
        near = TextBatch(cs, near_texts)
        changes = () if previous is None else _changes(s, previous, x)
        history.append(
            Turn(
                round=r,
                party=mediator_name,
                action="text",
                outcome=tuple(int(k) for k in x),
                utilities=tuple(float(v) for v in here.u[0]),
                accepted_by=tuple(
                    p for p, ok in zip(s.party_ids, here.accepts[0], strict=True) if ok
                ),
                objections=party_objections(cs, here, 0),
                requests=party_requests(cs, x, here, near, changed),
                changes=changes,
            )
        )
        key = keys.random(len(near_texts))
        gain = (near.u - d[None, :]) / scale[None, :]
        everyone = bool(here.accepts[0].all())
        if not everyone:
            keep = near.consistent & np.all(near.accepts | ~here.accepts[0][None, :], axis=1)
            keep &= (near.n_red < here.n_red[0]) | (
                (near.n_red == here.n_red[0]) & (near.total_short < here.total_short[0] - slack)
            )
            rows = np.flatnonzero(keep)
            if not len(rows):
                stalemate = True
                break
            order = np.lexsort(
                (
                    key[rows],
                    -gain[rows].min(axis=1),
                    changed[rows],
                    near.total_short[rows],
                    near.n_red[rows],
                )
            )
        else:
            keep = near.consistent & near.accepts.all(axis=1) if improve else np.zeros(0, bool)
            if improve:
                keep &= np.all(near.u >= here.u[0][None, :] - slack, axis=1)
                keep &= np.any(near.u > here.u[0][None, :] + slack, axis=1)
            rows = np.flatnonzero(keep)
            if not len(rows):
                agreed_round = r
                break
            nash = np.log(np.maximum(gain[rows], 1e-12)).sum(axis=1)
            order = np.lexsort((key[rows], changed[rows], -nash))
        previous, x = x, near_texts[rows[order[0]]]
    else:
        if history and set(history[-1].accepted_by) == set(s.party_ids):
            agreed_round = history[-1].round
    if progress:
        progress("revising the text", 1.0)
    last = history[-1]
    reasons: list[str] = []
    if agreed_round is None:
        left = "; ".join(f"{p}: {', '.join(v)}" for p, v in last.objections.items())
        if stalemate:
            reasons.append(
                f"Stalemate after text {last.round}: no revision of at most {max_changes} issues "
                f"meets an objection without making a party that accepts object (objections left: "
                f"{left})."
            )
        else:
            reasons.append(f"Deadline reached with objections left: {left}.")
        reasons += no_agreement_reasons(s, solved)
    settings: dict[str, Any] = {
        "mediator": mediator_name,
        "start": start_name,
        "max_changes": max_changes,
        "improve": improve,
        "rule": "meet objections (fewest red lines crossed, then least shortfall) without making "
        "an accepting party object; then Pareto improvements by the Nash product",
        "zopa": solved.counts.zopa,
        "feasible": solved.counts.feasible,
        "stalemate": stalemate,
    }
    if pool_size:
        settings["pool"] = {"size": pool_size, "exact": cs.n_outcomes <= exact_limit}
    return finish_run(
        "single-text",
        cs,
        solved,
        seed=seed_of(rng),
        rounds=rounds,
        history=history,
        agreed_round=agreed_round,
        outcome=last.outcome,
        utilities=last.utilities,
        slack=slack,
        reasons=reasons,
        settings=settings,
        started=t0,
    )


def _scale(cs: CompiledScenario) -> FloatArray:
    """``(P,)``: ``max(u_p^ub - d_p, eps)`` with ``u_p^ub`` the party's utility upper bound (best
    option on every issue plus its positive bonuses, capped)."""
    ub = sum(v.max(axis=1) for v in cs.values) + np.maximum(cs.term_bonus, 0.0).sum(axis=0)
    return np.asarray(np.maximum(np.minimum(ub, cs.cap) - cs.reservation, 1e-9), dtype=np.float64)


def _changes(s: Scenario, old: IntArray, new: IntArray) -> tuple[tuple[str, str, str], ...]:
    return tuple(
        (issue.id, issue.options[int(a)].id, issue.options[int(b)].id)
        for issue, a, b in zip(s.issues, old, new, strict=True)
        if a != b
    )


def _direction(delta: float) -> str:
    return "none" if delta == 0 else ("up" if delta > 0 else "down")


def compare_with_proposal(
    result: ProtocolResult, proposal: str | Proposal, scenario: Scenario | None = None
) -> list[dict[str, Any]]:
    """How the single text moved from its start, issue by issue, next to a (later) proposal.

    Options are compared by their position in the issue's list (``up`` = later in the list). For a
    proposal that allows several options on an issue, its move is that of the mean position; an
    issue it leaves open has move ``open``. ``same_direction`` says whether the text and the
    proposal moved the same way from the start (both ``none`` counts).

    Parameters
    ----------
    result
        A :func:`single_text` run.
    proposal
        The proposal to compare with (an id of ``scenario``'s, or an object).
    scenario
        Where to look the proposal up (default the run's scenario), e.g. a later snapshot with the
        same issues and options.

    Returns
    -------
    list of dict
        One row per issue: ``issue``, ``start``, ``final``, ``proposal`` (option ids),
        ``text_move``, ``proposal_move``, ``same_direction``.

    Raises
    ------
    ScenarioError
        If the run is not a single text, or the proposal names an unknown issue or option.
    """
    if result.protocol != "single-text" or not result.history:
        raise ScenarioError("compare_with_proposal needs a single-text run")
    s = result.scenario
    where = scenario or s
    prop = where.proposal(proposal) if isinstance(proposal, str) else proposal
    start, final = result.history[0].outcome, result.history[-1].outcome
    rows = []
    for issue, a, b in zip(s.issues, start, final, strict=True):
        allowed = prop.options.get(issue.id)
        if allowed is not None:
            positions = [issue.index(o) for o in allowed]
            prop_move = _direction(float(np.mean(positions)) - a)
        else:
            prop_move = "open"
        text_move = _direction(b - a)
        rows.append(
            {
                "issue": issue.id,
                "start": issue.options[a].id,
                "final": issue.options[b].id,
                "proposal": list(allowed) if allowed is not None else None,
                "text_move": text_move,
                "proposal_move": prop_move,
                "same_direction": None if prop_move == "open" else text_move == prop_move,
            }
        )
    return rows
