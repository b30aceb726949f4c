"""Parties, proposals and the whole scenario, which checks that every reference in it holds."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from simulator.errors import ScenarioError, did_you_mean
from simulator.limits import check_utility, repeated
from simulator.model.agreement import Agreement
from simulator.model.issues import Issue, check_id, lookup_issue
from simulator.model.periods import Periods, Trend
from simulator.model.preferences import Interaction, Preference, Uncertainty
from simulator.model.ratification import Ratification, overlapping_terms
from simulator.model.rules import Rule, check_condition, check_rule

__all__ = ["Party", "Proposal", "Scenario"]


@dataclass(frozen=True)
class Party:
    """A negotiating party: preferences, interaction terms, red lines and its value of no deal;
    ``controls`` maps the issues only it can settle to the option that holds without its
    signature (issue control, see :mod:`simulator.analysis.control`).

    ``deal_bonus`` (lambda in [0, 1)) is a premium for reaching any deal: every deal is worth
    ``lambda + (1 - lambda) * S`` where ``S`` is the utility of the weights and interaction terms,
    on the same scale as ``reservation`` (a mediator that values a credited success).
    """

    id: str
    preferences: Mapping[str, Preference]
    reservation: float = 0.0
    label: str | None = None
    interactions: tuple[Interaction, ...] = ()
    red_lines: tuple[Rule, ...] = ()
    bargaining_power: float = 1.0
    utility_cap: float | None = None
    discount: float | None = None
    discount_source: str | None = None
    reservation_range: Uncertainty | None = None
    reservation_source: str | None = None
    weight_concentration: float | None = None
    deal_bonus: float = 0.0
    deal_bonus_range: Uncertainty | None = None
    deal_bonus_source: str | None = None
    source: str | None = None
    description: str | None = None
    #: domestic ratifiers of a signed package (:mod:`simulator.model.ratification`)
    ratification: tuple[Ratification, ...] = ()
    #: how the reservation moves over the scenario's periods (None: it stays)
    reservation_trend: Trend | None = None
    controls: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_id("party", self.id)
        try:
            check_utility("reservation", self.reservation)
            if self.utility_cap is not None:
                check_utility("utility_cap", self.utility_cap, minimum=0.0)
        except ScenarioError as e:
            raise ScenarioError(f"party {self.id!r}: {e.message}") from None
        if not (math.isfinite(self.bargaining_power) and self.bargaining_power > 0):
            raise ScenarioError(f"party {self.id!r}: bargaining_power must be a number > 0")
        if self.discount is not None and not (0.0 < self.discount <= 1.0):
            raise ScenarioError(f"party {self.id!r}: discount must lie in (0, 1]")
        if self.discount_source is not None and self.discount is None:
            raise ScenarioError(f"party {self.id!r}: discount_source needs a discount")
        if not (math.isfinite(self.deal_bonus) and 0.0 <= self.deal_bonus < 1.0):
            raise ScenarioError(f"party {self.id!r}: deal_bonus must lie in [0, 1)")
        span = self.deal_bonus_range
        if span is not None and not (0.0 <= span.low and span.high < 1.0):
            raise ScenarioError(f"party {self.id!r}: the deal_bonus range must lie in [0, 1)")
        if self.weight_concentration is not None and not self.weight_concentration > 0:
            raise ScenarioError(f"party {self.id!r}: weight_concentration must be > 0")
        for kind, items in (
            ("red line", self.red_lines),
            ("interaction", self.interactions),
            ("ratification term", self.ratification),
        ):
            dup = repeated(x.id for x in items)
            if dup:
                raise ScenarioError(f"party {self.id!r} repeats {kind} ids {dup}")
        overlap = overlapping_terms(self.ratification)
        if overlap is not None:
            raise ScenarioError(
                f"party {self.id!r}: ratification terms {overlap[0]!r} and {overlap[1]!r} have "
                "the same ratifier and overlapping conditions; one ratifier votes once, so make "
                "its terms' conditions disjoint (or name different ratifiers)"
            )

    @property
    def display(self) -> str:
        return self.label or self.id

    def weight(self, issue_id: str) -> float:
        pref = self.preferences.get(issue_id)
        return 0.0 if pref is None else pref.weight


@dataclass(frozen=True)
class Proposal:
    """A named package: for each issue an option, a set of options it leaves open, or nothing
    (open)."""

    id: str
    options: Mapping[str, tuple[str, ...]]
    label: str | None = None
    date: str | None = None
    source: str | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        check_id("proposal", self.id)

    @property
    def display(self) -> str:
        return self.label or self.id


@dataclass(frozen=True)
class Scenario:
    """A whole negotiation: issues, parties, consistency constraints, named proposals and the
    decision rule (``agreement``; None: every party must accept)."""

    name: str
    issues: tuple[Issue, ...]
    parties: tuple[Party, ...]
    constraints: tuple[Rule, ...] = ()
    proposals: tuple[Proposal, ...] = ()
    title: str | None = None
    description: str | None = None
    date: str | None = None
    constants: tuple[str, ...] = ()
    references: Mapping[str, str] = field(default_factory=dict)
    origin: str | None = None
    agreement: Agreement | None = None
    #: the periods trends count in (None: a static scenario)
    periods: Periods | None = None

    def __post_init__(self) -> None:
        if not self.issues:
            raise ScenarioError("a scenario needs at least one issue")
        if not self.parties:
            raise ScenarioError("a scenario needs at least one party")
        for kind, ids in (
            ("issue", [i.id for i in self.issues]),
            ("party", [p.id for p in self.parties]),
            ("constraint", [c.id for c in self.constraints]),
            ("proposal", [p.id for p in self.proposals]),
        ):
            dup = repeated(ids)
            if dup:
                raise ScenarioError(f"{kind} ids must be unique; repeated: {dup}")
        issues = {i.id: i for i in self.issues}
        for p in self.parties:
            for issue_id, pref in p.preferences.items():
                issue = lookup_issue(issues, issue_id, f"party {p.id!r} preferences")
                if (
                    pref.kind == "table"
                    and pref.table is not None
                    and len(pref.table) != len(issue.options)
                ):
                    raise ScenarioError(
                        f"party {p.id!r}: table for {issue_id!r} has {len(pref.table)} values, "
                        f"the issue has {len(issue.options)} options"
                    )
                if pref.kind == "ideal" and pref.peak is not None:
                    issue.index(pref.peak)
            for t in p.interactions:
                check_condition(issues, t.when, f"party {p.id!r} interaction {t.id!r}")
            for term in p.ratification:
                check_condition(issues, term.when, f"party {p.id!r} ratification {term.id!r}")
            for r in p.red_lines:
                check_rule(issues, r, f"party {p.id!r} red line {r.id!r}")
            for issue_id, default in p.controls.items():
                lookup_issue(issues, issue_id, f"party {p.id!r} controls").index(default)
        controllers: dict[str, str] = {}
        for p in self.parties:
            for issue_id in p.controls:
                if issue_id in controllers:
                    raise ScenarioError(
                        f"issue {issue_id!r} is controlled by both {controllers[issue_id]!r} and "
                        f"{p.id!r}; one party at most controls an issue"
                    )
                controllers[issue_id] = p.id
        for c in self.constraints:
            check_rule(issues, c, f"constraint {c.id!r}")
        for what, trend in self.trends():
            trend.check(self.periods, what)
        if self.agreement is not None:
            self.agreement.check(self.party_ids)
        for prop in self.proposals:
            for issue_id, opts in prop.options.items():
                issue = lookup_issue(issues, issue_id, f"proposal {prop.id!r}")
                for o in opts:
                    issue.index(o)

    # --- lookups -----------------------------------------------------------------------------
    def issue(self, issue_id: str) -> Issue:
        return lookup_issue({i.id: i for i in self.issues}, issue_id, "scenario")

    def party(self, party_id: str) -> Party:
        return _find(self.parties, party_id, "party")

    def proposal(self, proposal_id: str) -> Proposal:
        return _find(self.proposals, proposal_id, "proposal")

    @property
    def party_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.parties)

    @property
    def issue_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.issues)

    def trends(self) -> list[tuple[str, Trend]]:
        """Every trend, with what moves (``party 'x' reservation``, ``party 'x' weight on 'i'``)."""
        out = []
        for p in self.parties:
            if p.reservation_trend is not None:
                out.append((f"party {p.id!r} reservation", p.reservation_trend))
            for issue_id, pref in p.preferences.items():
                if pref.trend is not None:
                    out.append((f"party {p.id!r} weight on {issue_id!r}", pref.trend))
        return out

    @property
    def n_outcomes(self) -> int:
        return math.prod(len(i.options) for i in self.issues)


T = TypeVar("T", Party, Proposal)


def _find(items: tuple[T, ...], item_id: str, kind: str) -> T:
    """The item with id ``item_id``; an unknown id is an error with a did-you-mean."""
    for item in items:
        if item.id == item_id:
            return item
    raise ScenarioError(f"no {kind} {item_id!r}; {did_you_mean(item_id, [i.id for i in items])}")
