"""The scenario model: issues, parties, preferences, red lines, constraints and proposals.

Frozen dataclasses, validated in ``__post_init__`` and changed with :func:`dataclasses.replace`. The
model holds data only: no file IO, no printing, no plotting. Formats (:mod:`simulator.formats`)
build it; the compiler (:mod:`simulator.compiled`) turns it into numpy arrays for the solver.

Notation
--------
An outcome ``o`` picks one option ``o_i`` for every issue ``i``. Party ``p`` values it at

    u_p(o) = min(cap_p, sum_i w_pi * v_pi(o_i) + sum_t b_pt * 1[o in R_t])

with weights ``w_pi >= 0``, per-issue values ``v_pi`` in [0, 1], interaction terms ``t`` paying a
bonus ``b_pt`` (negative for a penalty) when the outcome lies in the hyperrectangle ``R_t`` (a
:class:`Condition`), and an optional cap (``cap_p = +inf`` by default).

A rule (red line or consistency constraint) forbids a union of hyperrectangles; an outcome that lies
in one of them *crosses* the rule. See :func:`forbidden_regions`.

The model is split by concept: :mod:`~simulator.model.issues` (options, issues, conditions),
:mod:`~simulator.model.preferences` (value functions, interaction terms, uncertainty ranges),
:mod:`~simulator.model.rules` (red lines and constraints, :func:`forbidden_regions`),
:mod:`~simulator.model.scenario` (parties, proposals, the scenario),
:mod:`~simulator.model.agreement` (decision rules: quorum and veto parties),
:mod:`~simulator.model.ratification` (domestic ratifiers of a signed package) and
:mod:`~simulator.model.periods` (periods; reservations and weights that move in time); every name
is imported from ``simulator.model``.
"""

from __future__ import annotations

from simulator.model.agreement import Agreement
from simulator.model.issues import Condition, Issue, Option
from simulator.model.periods import PERIOD_UNITS, PathPoint, Periods, PeriodUnit, Trend
from simulator.model.preferences import Interaction, Preference, Uncertainty, ValueKind
from simulator.model.ratification import Ratification
from simulator.model.rules import Rule, RuleKind, forbidden_regions
from simulator.model.scenario import Party, Proposal, Scenario

__all__ = [
    "PERIOD_UNITS",
    "Agreement",
    "Condition",
    "Interaction",
    "Issue",
    "Option",
    "Party",
    "PathPoint",
    "PeriodUnit",
    "Periods",
    "Preference",
    "Proposal",
    "Ratification",
    "Rule",
    "RuleKind",
    "Scenario",
    "Trend",
    "Uncertainty",
    "ValueKind",
    "forbidden_regions",
]
