"""Issue control: a party that can block only the issues it controls.

Notation
--------
``N`` the parties, ``R = (q, V)`` the scenario's decision rule (unanimity without an
``agreement`` block) and ``P`` its passing set. Party ``c`` *controls* the issues ``K_c``, each
with a default ``delta_c`` (``controls: {issue: option}``): the option that holds when ``c`` does
not sign (frozen assets stay frozen, no membership commitment). For a package ``o``,
``o|delta_c`` is ``o`` with the issues of ``K_c`` at their defaults.

- The rule *without* ``c``, ``R_-c``: the parties ``N - {c}``, quorum ``min(q, |N| - 1)`` and veto
  ``V - {c}`` (unanimity of the others without an ``agreement`` block).
- ``D_c``, the packages that *stand without* ``c``: those with ``K_c`` at ``delta_c`` that pass
  ``R_-c``: consistent, and enough of the others (every veto party but ``c``) cross none of
  their red lines and get their reservation.
- A package ``o`` that ``c`` does not accept can still pass, as ``o|delta_c``, when
  ``o|delta_c`` is in ``D_c``; so the agreements within reach are ``P`` together with every
  ``D_c``. A passing package ``o`` *needs* ``c`` when ``o|delta_c`` is not in ``D_c``.

This is how a treaty's signatories can settle what is theirs (a line of contact) while a party
that alone can lift its own measures (sanctions, frozen assets, accession) keeps them as they are
if it does not join: the "issue linkage" of Sebenius (1983), "Negotiation arithmetic: adding and
subtracting issues and parties", International Organization 37(2), seen from the side of a party
that can only be subtracted with its issues.

:func:`stand_without` computes ``D_c`` (its size, exact or estimated past a budget, and its Nash
package, over the others) and which given packages need ``c``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from simulator.analysis.coalition_search import own_zones
from simulator.compiled import IntArray, compile_scenario
from simulator.model import Agreement, Scenario
from simulator.outcome_space import excluding_rule
from simulator.results import Point
from simulator.solver import passing_mask, solve

__all__ = ["StandWithout", "rule_without", "stand_without", "without_controller"]


@dataclass(frozen=True, eq=False)
class StandWithout:
    """``D_c`` for a controlling party (see the module docstring): its size (``size_exact`` false:
    a lower bound, with ``estimate`` the whole), its Nash package over the others, and for each
    named package whether it needs ``party`` (False: it stands without it)."""

    party: str
    defaults: Mapping[str, str]
    size: int
    size_exact: bool
    estimate: float | None
    nash: Point | None
    needs: Mapping[str, bool]


def rule_without(
    agreement: Agreement | None, party_ids: Sequence[str], party: str
) -> Agreement | None:
    """``R_-c``: the rule among the others (None: unanimity of the others)."""
    if agreement is None:
        return None
    q = min(agreement.quorum_of(len(party_ids)), len(party_ids) - 1)
    return Agreement(q, tuple(v for v in agreement.veto if v != party))


def without_controller(scenario: Scenario, party: str) -> Scenario:
    """The others under ``R_-c``, with the issues ``party`` controls fixed at its defaults (as
    consistency constraints: the space and every value function stay the same)."""
    controls = scenario.party(party).controls
    fixed = [
        excluding_rule(scenario.issue(i), (o,), f"{party}_controls_{i}")
        for i, o in controls.items()
    ]
    return dataclasses.replace(
        scenario,
        parties=tuple(p for p in scenario.parties if p.id != party),
        constraints=(*scenario.constraints, *(r for r in fixed if r is not None)),
        agreement=rule_without(scenario.agreement, scenario.party_ids, party),
    )


def stand_without(
    scenario: Scenario, party: str, packages: Mapping[str, Sequence[int]] | None = None
) -> StandWithout:
    """``D_c`` of ``party`` (which must control some issue) and, for each named package (option
    indices), whether it needs ``party``.

    Without a rule among the others, ``D_c`` is the others' own zone on the defaults: one Nash
    search and a counting pass within a budget (:mod:`~simulator.analysis.coalition_search`);
    under a quorum it is a solve of :func:`without_controller`.

    >>> from simulator.formats import load_scenario
    >>> from simulator.model import Party
    >>> car = load_scenario("scenarios/textbook_car.yaml")
    >>> dealer = dataclasses.replace(car.party("dealer"), controls={"warranty": "none"})
    >>> car = dataclasses.replace(car, parties=(car.party("buyer"), dealer))
    >>> stand_without(car, "dealer").size  # the buyer alone needs a warranty: none stands
    0
    """
    controls = dict(scenario.party(party).controls)
    if not controls:
        raise ValueError(f"party {party!r} controls no issue")
    alone = without_controller(scenario, party)
    if alone.agreement is None:
        own = own_zones(alone, [alone.party_ids])[0]
        size, exact, nash = own.count.value, own.count.exact, own.nash
        estimate = None if own.count.estimate is None else own.count.estimate.value
    else:
        result = solve(alone, closest=False)
        size, exact, estimate = result.counts.zopa, bool(result.stats.counts_exact), None
        nash = result.solutions.get("nash")
    needs: dict[str, bool] = {}
    if packages:
        cs = compile_scenario(alone)
        names = list(packages)
        rows = np.array([list(packages[k]) for k in names], dtype=np.int64)
        _at_defaults(scenario, controls, rows)
        stands = passing_mask(cs, rows)
        needs = {k: not bool(s) for k, s in zip(names, stands, strict=True)}
    return StandWithout(party, controls, size, exact, estimate, nash, needs)


def _at_defaults(scenario: Scenario, controls: Mapping[str, str], rows: IntArray) -> None:
    """Set the controlled issues of every row to their defaults, in place."""
    for issue_id, option in controls.items():
        k = scenario.issue_ids.index(issue_id)
        rows[:, k] = scenario.issue(issue_id).index(option)
