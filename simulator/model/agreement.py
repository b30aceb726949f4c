"""Decision rules: who must accept a package for it to pass.

A party *accepts* a package when it crosses none of its red lines and its utility is at least its
reservation value (ties accept). A package *passes* a rule ``(quorum, veto)`` when it is consistent,
at least ``quorum`` parties accept it and every veto party accepts it. Without a rule (the
scenario's ``agreement`` is None) every party must accept: the ZOPA of the unanimity rule.

>>> rule = Agreement(quorum=2, veto=("a",))
>>> rule.check(("a", "b", "c"))
>>> rule.required(("a", "b", "c"))
('a',)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from simulator.errors import ScenarioError, did_you_mean

__all__ = ["Agreement"]


@dataclass(frozen=True)
class Agreement:
    """A decision rule: ``quorum`` parties must accept (None: all of them), and every party in
    ``veto``."""

    quorum: int | None = None
    veto: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.quorum is not None and (
            isinstance(self.quorum, bool) or int(self.quorum) != self.quorum
        ):
            raise ScenarioError(f"quorum must be a whole number, got {self.quorum!r}")
        dup = sorted({v for v in self.veto if self.veto.count(v) > 1})
        if dup:
            raise ScenarioError(f"veto repeats parties {dup}")

    def check_quorum(self, party_ids: Sequence[str]) -> None:
        """The quorum lies in ``1..P``."""
        n = len(party_ids)
        if self.quorum is not None and not 1 <= self.quorum <= n:
            raise ScenarioError(
                f"quorum must lie between 1 and the number of parties ({n}), got {self.quorum}"
            )

    def check_veto(self, party_ids: Sequence[str]) -> None:
        """Every veto party exists, and there are no more of them than the quorum."""
        for v in self.veto:
            if v not in party_ids:
                raise ScenarioError(f"veto names no party {v!r}; {did_you_mean(v, party_ids)}")
        if len(self.veto) > self.quorum_of(len(party_ids)):
            raise ScenarioError(
                f"the veto list names {len(self.veto)} parties, more than the quorum "
                f"({self.quorum_of(len(party_ids))})"
            )

    def check(self, party_ids: Sequence[str]) -> None:
        """Both checks (raises :class:`~simulator.errors.ScenarioError`)."""
        self.check_quorum(party_ids)
        self.check_veto(party_ids)

    def quorum_of(self, n_parties: int) -> int:
        """The quorum as a number (all parties when none is given)."""
        return n_parties if self.quorum is None else int(self.quorum)

    def required(self, party_ids: Sequence[str]) -> tuple[str, ...]:
        """The parties whose acceptance every passing package needs: the veto parties, or all
        parties when the quorum is all of them."""
        if self.quorum_of(len(party_ids)) == len(party_ids):
            return tuple(party_ids)
        return tuple(p for p in party_ids if p in self.veto)
