"""Edits of the decision rule (the scenario's ``agreement`` block): its quorum and its veto list.

>>> from simulator.formats import load_scenario
>>> siting = load_scenario("scenarios/siting_six.yaml")
>>> edited = Quorum("+", 1).apply(DropVeto("agency").apply(siting))
>>> edited.agreement
Agreement(quorum=5, veto=('developer',))
>>> str(Quorum("=", 3)), str(DropVeto("agency"))
('agreement quorum =3', 'agency drops veto')
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from simulator.analysis.edits.kinds import Arithmetic, Edit
from simulator.analysis.edits.names import format_number
from simulator.errors import EditError, ScenarioError
from simulator.model import Agreement, Scenario

__all__ = ["RULE_SUBJECT", "DropVeto", "Quorum"]

#: The word that starts an edit of the rule itself (where other edits name a party).
RULE_SUBJECT = "agreement"


def _with_rule(edit: Edit, scenario: Scenario, rule: Agreement) -> Scenario:
    try:
        rule.check(scenario.party_ids)
    except ScenarioError as e:
        raise EditError(f"{edit}: {e.message}") from None
    return dataclasses.replace(scenario, agreement=rule)


@dataclass(frozen=True, init=False)
class Quorum(Edit):
    """Set (``=``) or shift (``+``, a negative amount shifts down) how many parties must accept;
    without an ``agreement`` block the quorum starts at all parties."""

    op: Arithmetic
    amount: float

    def __init__(self, op: Arithmetic, amount: float) -> None:
        object.__setattr__(self, "party", RULE_SUBJECT)
        object.__setattr__(self, "op", op)
        object.__setattr__(self, "amount", amount)

    def __str__(self) -> str:
        if self.op == "+" and self.amount < 0:
            return f"{RULE_SUBJECT} quorum -{format_number(-self.amount)}"
        return f"{RULE_SUBJECT} quorum {self.op}{format_number(self.amount)}"

    def apply(self, scenario: Scenario) -> Scenario:
        rule = scenario.agreement or Agreement()
        old = rule.quorum_of(len(scenario.parties))
        if self.op == "*":
            raise EditError(f"{self}: a quorum is set (=3) or shifted (+1, -1), not scaled")
        new = self.amount if self.op == "=" else old + self.amount
        if new != int(new):
            raise EditError(f"{self}: the quorum must be a whole number, got {new}")
        return _with_rule(self, scenario, dataclasses.replace(rule, quorum=int(new)))


@dataclass(frozen=True)
class DropVeto(Edit):
    """The party leaves the veto list: its acceptance is no longer always required."""

    def __str__(self) -> str:
        return f"{self.party} drops veto"

    def check(self, scenario: Scenario) -> None:
        rule = scenario.agreement
        if rule is None:
            raise EditError(
                f"{self}: the scenario has no 'agreement' block, so every party must accept; "
                f"lower the quorum first ({RULE_SUBJECT} quorum -1)"
            )
        if self.party not in rule.veto:
            vetoes = ", ".join(rule.veto) or "none"
            raise EditError(f"{self}: {self.party!r} holds no veto (veto parties: {vetoes})")

    def apply(self, scenario: Scenario) -> Scenario:
        self.check(scenario)
        rule = scenario.agreement
        assert rule is not None
        veto = tuple(v for v in rule.veto if v != self.party)
        return _with_rule(self, scenario, dataclasses.replace(rule, veto=veto))
