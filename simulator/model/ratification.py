"""Ratification terms: domestic ratifiers that must approve a signed package (two-level games).

Notation
--------
Party ``i`` carries terms ``t = 1..T_i``; term ``t`` names a ratifier ``r_t`` (a referendum, a
parliament, a Senate vote), a hyperrectangle ``R_t`` (a :class:`Condition`, written as an
interaction's ``when``) and the probability ``q_t`` that the ratifier approves a package in
``R_t``. Ratifiers vote independently of each other, and a package is ratified by party ``i``
when every ratifier whose term matches it approves::

    rho_i(o) = prod_{t : o in R_t} q_t      (1 when no term matches)

Two terms of the same ratifier describe one vote, so their hyperrectangles must be disjoint (a
package meets at most one of them); the scenario checks this. This is Putnam's (1988) two-level
game: a package signed at the table (level I) stands only if it lies in every required party's
domestic *win-set* (level II); here the win-set is probabilistic.

References
----------
Putnam, R. D. (1988). Diplomacy and domestic politics: the logic of two-level games.
*International Organization* 42(3), 427-460.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from simulator.errors import ScenarioError
from simulator.model.issues import Condition, check_id
from simulator.model.preferences import Uncertainty

__all__ = ["Ratification", "overlapping_terms"]


@dataclass(frozen=True)
class Ratification:
    """One ratification term of a party: ``ratifier`` approves a package in ``when`` with
    ``probability`` (``probability_range`` gives its uncertainty, ``source`` where it comes
    from)."""

    id: str
    when: Condition
    probability: float
    ratifier: str | None = None
    probability_range: Uncertainty | None = None
    source: str | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        check_id("ratification term", self.id)
        p = self.probability
        if not (isinstance(p, (int, float)) and math.isfinite(p) and 0.0 <= p <= 1.0):
            raise ScenarioError(
                f"ratification term {self.id!r}: probability must lie in [0, 1], got {p!r}"
            )
        spread = self.probability_range
        if spread is not None and not (0.0 <= spread.low and spread.high <= 1.0):
            raise ScenarioError(
                f"ratification term {self.id!r}: probability_range must lie in [0, 1], got "
                f"[{spread.low:g}, {spread.high:g}]"
            )
        if spread is not None and not spread.low <= p <= spread.high:
            raise ScenarioError(
                f"ratification term {self.id!r}: probability {p:g} lies outside its own range "
                f"[{spread.low:g}, {spread.high:g}]"
            )

    @property
    def voter(self) -> str:
        """The ratifier's name; a term without one is a ratifier of its own (its id)."""
        return self.ratifier or self.id


def _disjoint(a: Condition, b: Condition) -> bool:
    """Two hyperrectangles are disjoint when some issue both name has no option in common."""
    other = dict(b.clauses)
    return any(issue in other and not set(opts) & set(other[issue]) for issue, opts in a.clauses)


def overlapping_terms(terms: Sequence[Ratification]) -> tuple[str, str] | None:
    """The ids of the first two terms of one ratifier whose conditions overlap, or None.

    >>> a = Ratification("a", Condition.of({"x": ["1"]}), 0.5, ratifier="vote")
    >>> b = Ratification("b", Condition.of({"x": ["1", "2"]}), 0.4, ratifier="vote")
    >>> overlapping_terms([a, b])
    ('a', 'b')
    >>> overlapping_terms([a, Ratification("c", Condition.of({"x": ["2"]}), 0.4, ratifier="vote")])
    """
    for k, a in enumerate(terms):
        for b in terms[k + 1 :]:
            if a.voter == b.voter and not _disjoint(a.when, b.when):
                return a.id, b.id
    return None
