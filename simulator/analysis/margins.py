"""Robustness margins of the verdict: the smallest move of one parameter that flips it.

Notation
--------
The verdict ``V(s)`` of a scenario ``s`` is whether its ZOPA is non-empty: some outcome ``o``
crosses no rule and gives every party ``u_q(o) >= d_q`` (up to the compiler's rounding slack
``eps``, :func:`~simulator.solver.zopa_threshold`). A *margin* moves one parameter ``theta`` from
its value ``theta_0`` and reports ``flips_at``, the first value at which ``V`` differs, and
``verdict_after``, the verdict there. Solving at ``flips_at`` gives ``verdict_after``; solving
halfway between ``theta_0`` and ``flips_at`` gives the verdict of ``theta_0``.

- **A reservation** ``d_p``. Let ``M_p = max u_p(o)`` over the outcomes that cross no rule and give
  every other party ``u_q >= d_q`` (one branch-and-bound pass of the block search, exact: compiled
  utilities are exact). Without a ZOPA, one opens exactly when ``d_p`` falls to ``M_p``
  (``flips_at = M_p``; if the set is empty, no value of ``d_p`` opens one). With a ZOPA, it closes
  for every ``d_p > M_p``; ``flips_at = M_p + 2 eps``, the first value the solver tells apart
  (``boundary`` is ``M_p`` itself).
- **A red line** ``r``: dropped (the verdict with every rule but ``r``; exact). Dropping a line
  never closes a ZOPA, so red lines are tried only when there is none.
- **A weight** ``w_pi`` (the edit ``PARTY weight ISSUE =x``): the ZOPA's set of weights is found
  by bisection, on a grid when a ZOPA exists (:mod:`simulator.analysis.margins_weights`, inexact,
  within a time budget).

The *package* (the Nash solution with a ZOPA, else the closest outcome) is tested against each red
line dropped (``question`` ``"package"``, one exact solve each) and against moves of each
reservation and weight (:mod:`simulator.analysis.package_margins`: exact for a reservation, a grid
and bisection for a weight, within a time budget).

Under a decision rule (``agreement``) the verdict is whether some package passes, and the
reservation margins come from :mod:`.rule_margins` (bisection: a party that can be outvoted
flips nothing).

Only parameters of the scenario itself move; the verdict of the rest is held fixed. ``within_range``
says whether ``flips_at`` lies in the parameter's stated uncertainty range (reservation ranges of
the scenario file; a red line is *within range* when its probability is below 1).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulator.analysis.edits import DropRedLine
from simulator.analysis.margins_weights import (
    WEIGHT_GRID,
    WEIGHT_TOLERANCE,
    bisect_bracket,
    weight_margins,
)
from simulator.analysis.rule_margins import reservation_margin, rule_reservation_margins
from simulator.compiled import CompiledScenario, FloatArray, compile_scenario
from simulator.model import Party, Rule, Scenario
from simulator.progress import Progress
from simulator.solver import (
    exists_deal,
    exists_outcome,
    max_utility,
    rule_regions,
    zopa_threshold,
)

__all__ = [
    "MARGINS_SECONDS",
    "WEIGHT_GRID",
    "WEIGHT_TOLERANCE",
    "Margin",
    "Margins",
    "margins",
    "zopa_exists",
]

#: Time budget of the costly margins (weights and package moves), seconds.
MARGINS_SECONDS = 300.0


@dataclass(frozen=True)
class Margin:
    """One parameter's smallest move that flips the verdict (see the module Notation).

    ``parameter`` is ``PARTY.reservation``, ``PARTY.weight.ISSUE`` or ``PARTY.red_line.ID``;
    ``label`` the same in words. For a red line ``value`` is ``"kept"``, ``flips_at``
    ``"dropped"`` and ``probability`` the chance it holds. ``flips_at`` is None when no value
    flips the verdict (then ``verdict_after`` is None too).
    """

    parameter: str
    label: str
    kind: str  # "reservation", "weight" or "red_line"
    value: float | str
    range: tuple[float, float] | None
    flips_at: float | str | None
    within_range: bool | None
    verdict_after: str | None  # "zopa" or "no_zopa"
    exact: bool = True
    boundary: float | None = None
    probability: float | None = None
    question: str = "verdict"  # or "package": the Nash package, else the closest one
    #: for ``"package"``: the issues on which the package after differs, (issue, option) ids
    package_after: tuple[tuple[str, str], ...] | None = None
    #: the same in labels (issue label, option label), for the reports
    package_words: tuple[tuple[str, str], ...] = ()

    @property
    def distance(self) -> float:
        """``|flips_at - value|`` for a number, 0 for a red line, ``inf`` when nothing flips."""
        if self.flips_at is None:
            return float("inf")
        if isinstance(self.flips_at, str) or isinstance(self.value, str):
            return 0.0
        return abs(float(self.flips_at) - float(self.value))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "parameter": self.parameter,
            "label": self.label,
            "value": self.value,
            "range": None if self.range is None else list(self.range),
            "flips_at": self.flips_at,
            "within_range": self.within_range,
            "verdict_after": self.verdict_after,
            "exact": self.exact,
        }
        if self.boundary is not None:
            out["boundary"] = self.boundary
        if self.probability is not None:
            out["probability"] = self.probability
        out["question"] = self.question
        if self.package_after is not None:
            out["package_after"] = dict(self.package_after)
        return out


@dataclass(frozen=True)
class Margins:
    """The margins of a scenario's verdict, nearest first within each kind.

    ``verdict`` is ``"zopa"`` or ``"no_zopa"``; ``feasible`` whether any outcome crosses no rule
    (when none does, no reservation or weight can open a ZOPA); ``seconds`` the time taken.
    """

    verdict: str
    feasible: bool
    items: tuple[Margin, ...]
    red_lines: tuple[tuple[str, float], ...]  # (label, probability) of every red line below 1
    seconds: float
    #: parameters whose package margin the time budget did not reach
    package_not_tried: tuple[str, ...] = ()
    #: weights whose verdict margin the time budget did not reach
    weights_not_tried: tuple[str, ...] = ()

    def nearest(self) -> tuple[Margin, ...]:
        """The flipping margins, nearest first (red lines, distance 0, before numbers)."""
        flips = [m for m in self.items if m.flips_at is not None and m.question == "verdict"]
        return tuple(sorted(flips, key=lambda m: (m.kind != "red_line", m.distance)))

    def to_dict(self) -> dict[str, Any]:
        """Two keys, as they appear in ``bargain solve --json --margins``: ``margins`` (the list)
        and ``robustness`` (the verdict, feasibility, red-line probabilities, seconds)."""
        return {
            "margins": [m.to_dict() for m in self.items],
            "robustness": {
                "verdict": self.verdict,
                "feasible": self.feasible,
                "red_line_probabilities": [
                    {"red_line": label, "probability": p} for label, p in self.red_lines
                ],
                "seconds": self.seconds,
            }
            | ({"package_not_tried": list(t)} if (t := self.package_not_tried) else {})
            | ({"weights_not_tried": list(w)} if (w := self.weights_not_tried) else {}),
        }


def _others(cs: CompiledScenario, p: int) -> FloatArray:
    """The ZOPA threshold of every party but ``p`` (``-inf`` for ``p``)."""
    threshold = zopa_threshold(cs, cs.reservation)
    threshold[p] = -np.inf
    return threshold


def zopa_exists(scenario: Scenario) -> bool:
    """The verdict: whether the scenario's ZOPA (reservation disagreement point) is non-empty, or
    under a decision rule whether some package passes."""
    return exists_deal(compile_scenario(scenario))


def _word(zopa: bool) -> str:
    return "zopa" if zopa else "no_zopa"


def _reservation_margins(
    scenario: Scenario, cs: CompiledScenario, zopa: bool, feasible: bool
) -> list[Margin]:
    out = []
    for p, party in enumerate(scenario.parties):
        best = max_utility(cs, rule_regions(cs, "all"), _others(cs, p), p) if feasible else -np.inf
        found = np.isfinite(best)
        flips = (best + 2 * cs.rounding_slack if zopa else best) if found else None
        out.append(reservation_margin(party, flips, zopa, boundary=best if found else None))
    return out


def _red_line_label(scenario: Scenario, party: str, rule: Rule) -> str:
    """``Ukraine's red line on <issue> (id)``: words first, the id in parentheses."""
    if rule.issue is not None:
        return f"{party}'s red line on {_issue_label(scenario, rule.issue)} ({rule.id})"
    return f"{party}'s red line ({rule.id})"


def _red_line_margin(
    scenario: Scenario, party: Party, rule: Rule, after: str | None, **extra: Any
) -> Margin:
    """The margin of dropping ``rule``: ``after`` is what follows (None: nothing flips)."""
    return Margin(
        f"{party.id}.red_line.{rule.id}",
        _red_line_label(scenario, party.display, rule),
        "red_line",
        "kept",
        None,
        None if after is None else "dropped",
        None if after is None else rule.probability < 1,
        after,
        probability=float(rule.probability),
        **extra,
    )


def _red_line_margins(scenario: Scenario, zopa: bool) -> list[Margin]:
    out = []
    for party in scenario.parties:
        for rule in party.red_lines:
            opens = not zopa and zopa_exists(DropRedLine(party.id, rule.id).apply(scenario))
            out.append(_red_line_margin(scenario, party, rule, "zopa" if opens else None))
    return out


def _package(scenario: Scenario) -> tuple[tuple[str, str], ...] | None:
    """The package the verdict names: the Nash solution with a ZOPA, else the closest outcome."""
    from simulator.analysis.margins_package import package

    outcome = package(scenario)
    if outcome is None:
        return None
    return tuple(
        (issue.id, issue.options[k].id) for issue, k in zip(scenario.issues, outcome, strict=True)
    )


def _package_margins(scenario: Scenario, zopa: bool) -> list[Margin]:
    """Each red line whose drop alone changes the package (one exact solve per red line)."""
    now = _package(scenario)
    out = []
    for party in scenario.parties:
        for rule in party.red_lines:
            after = _package(DropRedLine(party.id, rule.id).apply(scenario))
            if after == now:
                continue
            changed = tuple(x for k, x in enumerate(after or ()) if now is None or x != now[k])
            words = tuple(_option_words(scenario, i, o) for i, o in changed)
            out.append(
                _red_line_margin(
                    scenario,
                    party,
                    rule,
                    "other_package",
                    question="package",
                    package_after=changed,
                    package_words=words,
                )
            )
    return out


def _bisect(
    flipped: Callable[[float], bool], good: float, bad: float, tolerance: float = WEIGHT_TOLERANCE
) -> float:
    """The first flipped value between ``good`` (not flipped) and ``bad`` (flipped), to
    ``tolerance``; returns a value that flips."""
    return bisect_bracket(flipped, good, bad, tolerance)[1]


def _weight_margins(
    scenario: Scenario, zopa: bool, deadline: float | None, progress: Progress | None
) -> tuple[list[Margin], tuple[str, ...]]:
    found, not_tried = weight_margins(scenario, zopa, deadline=deadline, progress=progress)
    out = []
    for party_id, issue_id, w0, total, flips in found:
        issue = scenario.issue(issue_id)
        out.append(
            Margin(
                f"{party_id}.weight.{issue_id}",
                f"{scenario.party(party_id).display}'s weight on {issue.label or issue.id}",
                "weight",
                w0,
                (0.0, total),
                flips,
                None,
                None if flips is None else _word(not zopa),
                exact=False,
            )
        )
    return out, not_tried


def margins(
    scenario: Scenario,
    *,
    weights: bool = True,
    package: bool = False,
    seconds: float | None = MARGINS_SECONDS,
    progress: Progress | None = None,
) -> Margins:
    """The robustness margins of the scenario's verdict (see the module Notation).

    Parameters
    ----------
    scenario
        The scenario; its reservation values are the disagreement point.
    weights
        Also the weights (one bisection per weight that flips the verdict: the costly part).
    package
        Also what changes the package (the Nash package with a ZOPA, else the closest one): each
        red line dropped (one search each), each reservation and weight moved
        (:mod:`simulator.analysis.package_margins`).
    seconds
        Time budget of the weights and the package moves together (None: no limit): the
        parameters it does not reach are named in ``weights_not_tried`` and
        ``package_not_tried``.
    progress
        Called as ``progress(stage, fraction)`` by the weight and package passes.

    Examples
    --------
    >>> from simulator.synthetic import synthetic_scenario
    >>> m = margins(synthetic_scenario(3, 3, 2, rng=1), weights=False)
    >>> m.verdict in ("zopa", "no_zopa") and len(m.items) >= 2
    True
    """
    start = time.perf_counter()
    deadline = None if seconds is None else start + seconds
    cs = compile_scenario(scenario)
    zopa = exists_deal(cs)
    feasible = zopa or exists_outcome(cs, rule_regions(cs, "all"))
    items: list[Margin] = []
    if scenario.agreement is None:
        items += _reservation_margins(scenario, cs, zopa, feasible)
    else:  # a party can be outvoted: its reservation flips the verdict only where it is needed
        items += rule_reservation_margins(scenario, zopa)
    items += _red_line_margins(scenario, zopa)
    weights_left: tuple[str, ...] = ()
    if weights and feasible:
        found, weights_left = _weight_margins(scenario, zopa, deadline, progress)
        items += found
    not_tried: tuple[str, ...] = ()
    if package:
        from simulator.analysis.package_margins import package_move_margins

        items += _package_margins(scenario, zopa)
        left = np.inf if deadline is None else max(0.0, deadline - time.perf_counter())
        moved, not_tried = package_move_margins(scenario, seconds=left, progress=progress)
        items += moved
    probs = tuple(
        (_red_line_label(scenario, p.display, r), float(r.probability))
        for p in scenario.parties
        for r in p.red_lines
        if r.probability < 1
    )
    seconds_taken = time.perf_counter() - start
    return Margins(
        _word(zopa), feasible, tuple(items), probs, seconds_taken, not_tried, weights_left
    )


def _issue_label(scenario: Scenario, issue_id: str) -> str:
    issue = scenario.issue(issue_id)
    return issue.label or issue.id


def _option_words(scenario: Scenario, issue_id: str, option_id: str) -> tuple[str, str]:
    issue = scenario.issue(issue_id)
    return issue.label or issue.id, issue.options[issue.index(option_id)].display
