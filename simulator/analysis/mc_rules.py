"""Monte Carlo under a decision rule (the scenario's ``agreement``: a quorum, vetoes).

Notation
--------
Under a rule ``(q, V)`` a package *passes* when it is consistent and at least ``q`` parties accept
it, every party of ``V`` among them (:mod:`~simulator.solver.decision`). Each sample then answers
what a rule-aware :func:`~simulator.solver.solve` of the sampled scenario answers:

- ``zopa``: how many packages pass (0: none does);
- the Nash package: on the passing set's Pareto frontier, with the threat point ``d'`` of
  :func:`~simulator.solver.decision.rule_disagreement` (an outvotable party keeps the least it
  gets on that frontier);
- per proposal, and for the most robust package: which packages pass
  (:func:`~simulator.solver.decision.passing_mask`, exact).

Only the ``solve`` method answers this. ``d'`` is read off the passing set's *whole* Pareto
frontier, which is exactly what the ``search`` method exists not to build (its branch and bound
knows the Nash product's disagreement point before it starts), and the ``enumerate`` method's
all-samples-at-once evaluation (:func:`~simulator.solver.batch.solve_samples`) counts unanimous
acceptance only. Under a rule ``auto`` is ``solve``; ``search`` and ``enumerate`` are refused with
that reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from simulator.analysis.sampling import Draw, sampled_scenario
from simulator.compiled import BoolArray, IntArray, compile_scenario
from simulator.errors import ScenarioError
from simulator.model import Scenario
from simulator.solver import passing_mask

__all__ = ["RULE_REFUSED", "passing_samples", "rule_method"]

#: Why ``search`` and ``enumerate`` do not apply under a decision rule (see the module Notation).
RULE_REFUSED = (
    "Monte Carlo method {method!r} assumes unanimity, but this scenario has an 'agreement' block "
    "(a decision rule): under a rule the Nash package uses threat points read off the whole "
    "Pareto frontier of the packages that pass (an outvotable party keeps the least it gets on "
    "it), which only a full solve of each sample builds; use --method solve (the default under "
    "a rule)"
)


def rule_method(method: str) -> Literal["solve"]:
    """The Monte Carlo method under a decision rule: ``auto`` and ``solve`` give ``solve``.

    >>> rule_method("auto")
    'solve'

    Raises
    ------
    ScenarioError
        For ``search`` and ``enumerate`` (:data:`RULE_REFUSED`).
    """
    if method in ("auto", "solve"):
        return "solve"
    raise ScenarioError(RULE_REFUSED.format(method=method))


def passing_samples(scenario: Scenario, samples: Sequence[Draw], outcomes: IntArray) -> BoolArray:
    """``(S, M)``: which ``outcomes`` ``(M, n)`` pass the decision rule of each sampled scenario
    (each sample compiled as a solve compiles it, so the utilities are the solve's)."""
    outcomes = np.asarray(outcomes, dtype=np.int64).reshape(-1, len(scenario.issues))
    out = np.zeros((len(samples), len(outcomes)), dtype=bool)
    for s, draw in enumerate(samples):
        out[s] = passing_mask(compile_scenario(sampled_scenario(scenario, draw)), outcomes)
    return out
