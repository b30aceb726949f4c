"""What a protocol run did: its turns, the verdict, and how good the agreement is.

Notation
--------
A run's *history* is a sequence of :class:`Turn` s. An agreement is a package every party accepted;
it is measured against the solver's answer on the same scenario (:func:`agreement_distances`): its
Euclidean distance in utility space to the nearest point of the ZOPA's Pareto frontier that
dominates it (0 when none does: it is on the frontier), the most one party could gain with no party
losing, and its distance to the Nash point. A run without agreement says why in plain words
(:func:`no_agreement_reasons`). :func:`finish_run` builds the :class:`ProtocolResult` the same way
for every protocol.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulator.compiled import CompiledScenario, FloatArray, IntArray
from simulator.model import Scenario
from simulator.outcome_space import outcome_indices
from simulator.results import Frontier, Point, SolveResult, outcome_dict, utility_dict

__all__ = [
    "ProtocolResult",
    "Turn",
    "agreement_distances",
    "finish_run",
    "no_agreement_reasons",
]


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
        The integer seed of the run (same seed, same run); None when the run was given a
        Generator or fresh entropy (see :mod:`simulator.rng`).
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
