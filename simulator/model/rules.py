"""Rules (red lines and consistency constraints) and the hyperrectangles they forbid."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from simulator.errors import ScenarioError
from simulator.model.issues import Condition, Issue, check_id, lookup_issue
from simulator.model.preferences import Uncertainty

__all__ = ["Rule", "RuleKind", "check_condition", "check_rule", "forbidden_regions"]

RuleKind = Literal["not", "at_least", "at_most", "implies", "exclude"]


@dataclass(frozen=True)
class Rule:
    """A red line of a party, or a consistency constraint of the scenario.

    ``kind`` says what it forbids:

    - ``not``: ``issue`` takes one of ``options``;
    - ``at_least``: ``issue`` takes an option before ``bound`` in the option order;
    - ``at_most``: ``issue`` takes an option after ``bound``;
    - ``implies``: ``condition`` holds and ``consequence`` does not (if ``condition`` then
      ``consequence``; with several issues in ``consequence``, each must hold);
    - ``exclude``: ``condition`` holds (a forbidden combination).

    ``probability`` is the chance that the rule really holds (1 = certain); Monte Carlo draws it.
    """

    id: str
    kind: RuleKind
    issue: str | None = None
    options: tuple[str, ...] = ()
    bound: str | None = None
    condition: Condition | None = None
    consequence: Condition | None = None
    source: str | None = None
    description: str | None = None
    probability: float = 1.0
    probability_range: Uncertainty | None = None

    def __post_init__(self) -> None:
        check_id("rule", self.id)
        if not (0.0 <= self.probability <= 1.0):
            raise ScenarioError(f"rule {self.id!r}: probability must lie in [0, 1]")
        span = self.probability_range
        if span is not None and not (0.0 <= span.low and span.high <= 1.0):
            raise ScenarioError(f"rule {self.id!r}: probability_range must lie in [0, 1]")
        needs = {
            "not": self.issue is not None and bool(self.options),
            "at_least": self.issue is not None and self.bound is not None,
            "at_most": self.issue is not None and self.bound is not None,
            "implies": self.condition is not None and self.consequence is not None,
            "exclude": self.condition is not None,
        }
        if self.kind not in needs:
            raise ScenarioError(f"rule {self.id!r}: unknown kind {self.kind!r}")
        if not needs[self.kind]:
            raise ScenarioError(f"rule {self.id!r}: kind {self.kind!r} is missing its fields")

    @property
    def issues(self) -> tuple[str, ...]:
        """Every issue the rule looks at."""
        if self.kind in ("not", "at_least", "at_most"):
            assert self.issue is not None
            return (self.issue,)
        names = list(self.condition.issues if self.condition else ())
        names += [
            i for i in (self.consequence.issues if self.consequence else ()) if i not in names
        ]
        return tuple(names)

    @property
    def unary(self) -> bool:
        return len(self.issues) == 1


def check_condition(issues: Mapping[str, Issue], cond: Condition, where: str) -> None:
    for issue_id, opts in cond.clauses:
        issue = lookup_issue(issues, issue_id, where)
        for o in opts:
            try:
                issue.index(o)
            except ScenarioError as e:
                raise ScenarioError(f"{where}: {e.message}") from None


def check_rule(issues: Mapping[str, Issue], rule: Rule, where: str) -> None:
    if rule.issue is not None:
        issue = lookup_issue(issues, rule.issue, where)
        for o in (*rule.options, *([rule.bound] if rule.bound else [])):
            try:
                issue.index(o)
            except ScenarioError as e:
                raise ScenarioError(f"{where}: {e.message}") from None
    for cond in (rule.condition, rule.consequence):
        if cond is not None:
            check_condition(issues, cond, where)


def forbidden_regions(rule: Rule, issues: Mapping[str, Issue]) -> tuple[Condition, ...]:
    """The hyperrectangles an outcome must avoid to respect ``rule`` (their union is forbidden).

    >>> from simulator.model import Issue, Option
    >>> i = Issue("x", (Option("a"), Option("b"), Option("c")))
    >>> forbidden_regions(Rule("r", "at_least", issue="x", bound="b"), {"x": i})
    (Condition(clauses=(('x', ('a',)),)),)
    """
    if rule.kind in ("not", "at_least", "at_most"):
        assert rule.issue is not None
        issue = issues[rule.issue]
        ids = issue.option_ids
        if rule.kind == "not":
            bad = tuple(o for o in ids if o in rule.options)
        else:
            assert rule.bound is not None
            k = issue.index(rule.bound)
            bad = ids[:k] if rule.kind == "at_least" else ids[k + 1 :]
        return (Condition(((rule.issue, bad),)),) if bad else ()
    assert rule.condition is not None
    if rule.kind == "exclude":
        return (rule.condition,)
    assert rule.consequence is not None
    regions = []
    for issue_id, allowed in rule.consequence.clauses:
        outside = tuple(o for o in issues[issue_id].option_ids if o not in allowed)
        if not outside:
            continue
        clauses = dict(rule.condition.clauses)
        if issue_id in clauses:
            both = tuple(o for o in clauses[issue_id] if o in outside)
            if not both:
                continue
            clauses[issue_id] = both
        else:
            clauses[issue_id] = outside
        regions.append(Condition(tuple(clauses.items())))
    return tuple(regions)
