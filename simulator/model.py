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
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from simulator.errors import ScenarioError

__all__ = [
    "Condition",
    "Interaction",
    "Issue",
    "Option",
    "Party",
    "Preference",
    "Proposal",
    "Rule",
    "Scenario",
    "Uncertainty",
    "forbidden_regions",
]

ValueKind = Literal["table", "linear", "ideal"]
RuleKind = Literal["not", "at_least", "at_most", "implies", "exclude"]


def _check_id(kind: str, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(f"{kind} id must be a non-empty string, got {value!r}")


@dataclass(frozen=True)
class Option:
    """One option of an issue. ``value`` is set for numeric issues (e.g. 600 thousand troops)."""

    id: str
    label: str | None = None
    value: float | None = None

    def __post_init__(self) -> None:
        _check_id("option", self.id)

    @property
    def display(self) -> str:
        return self.label or self.id


@dataclass(frozen=True)
class Issue:
    """One dimension of the deal, with its options in a meaningful order."""

    id: str
    options: tuple[Option, ...]
    label: str | None = None
    source: str | None = None
    unit: str | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        _check_id("issue", self.id)
        if not self.options:
            raise ScenarioError(f"issue {self.id!r} has no options; give at least one")
        ids = [o.id for o in self.options]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ScenarioError(
                f"issue {self.id!r} repeats option ids {dup}; option ids must be unique"
            )

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)

    @property
    def numeric(self) -> bool:
        return all(o.value is not None for o in self.options)

    def index(self, option_id: str) -> int:
        """Position of an option in the issue's order; raises a clear error if unknown."""
        for k, o in enumerate(self.options):
            if o.id == option_id:
                return k
        from simulator.errors import did_you_mean

        raise ScenarioError(
            f"issue {self.id!r} has no option {option_id!r}; "
            f"{did_you_mean(option_id, self.option_ids)}"
        )


@dataclass(frozen=True)
class Condition:
    """A hyperrectangle: for each named issue, the set of options allowed.

    The condition holds for an outcome when every named issue takes one of its listed options;
    issues not named are unconstrained. ``clauses`` is a tuple of ``(issue_id, options)`` pairs.
    """

    clauses: tuple[tuple[str, tuple[str, ...]], ...]

    def __post_init__(self) -> None:
        if not self.clauses:
            raise ScenarioError("a condition must name at least one issue")
        issues = [c[0] for c in self.clauses]
        if len(set(issues)) != len(issues):
            raise ScenarioError(f"a condition names an issue twice: {issues}")

    @classmethod
    def of(cls, mapping: Mapping[str, str | tuple[str, ...] | list[str]]) -> Condition:
        """Build from ``{issue: option or [options]}``."""
        return cls(
            tuple((k, (v,) if isinstance(v, str) else tuple(v)) for k, v in mapping.items())
        )

    def as_dict(self) -> dict[str, list[str]]:
        return {issue: list(opts) for issue, opts in self.clauses}

    @property
    def issues(self) -> tuple[str, ...]:
        return tuple(c[0] for c in self.clauses)


@dataclass(frozen=True)
class Uncertainty:
    """A stated range for a parameter, used by Monte Carlo: uniform or triangular on [low, high]."""

    low: float
    high: float
    distribution: Literal["uniform", "triangular"] = "uniform"
    mode: float | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.low) and math.isfinite(self.high)) or self.low > self.high:
            raise ScenarioError(
                f"uncertainty range needs low <= high, got [{self.low}, {self.high}]"
            )
        if self.distribution not in ("uniform", "triangular"):
            raise ScenarioError(
                f"distribution must be 'uniform' or 'triangular', got {self.distribution!r}"
            )
        if self.mode is not None and not self.low <= self.mode <= self.high:
            raise ScenarioError(f"mode {self.mode} lies outside [{self.low}, {self.high}]")


@dataclass(frozen=True)
class Preference:
    """A party's weight on one issue and its value function over the issue's options.

    ``kind`` selects the value function:

    - ``table``: ``table`` gives a value in [0, 1] per option, in option order;
    - ``linear``: ``direction`` ``increasing`` goes from 0 at the first option to 1 at the last
      (linear in the numeric value for numeric issues), ``decreasing`` the reverse;
    - ``ideal``: single-peaked at option ``peak``; the value falls linearly with distance from the
      peak (in option steps, or in value units for numeric issues) and reaches 0 at distance
      ``spread`` (default: the distance to the farthest option).

    Any kind may take an ``exponent`` gamma > 0: the value becomes ``v ** gamma``.
    """

    weight: float
    kind: ValueKind = "linear"
    direction: Literal["increasing", "decreasing"] = "increasing"
    table: tuple[float, ...] | None = None
    peak: str | None = None
    spread: float | None = None
    exponent: float = 1.0
    source: str | None = None

    def __post_init__(self) -> None:
        if not math.isfinite(self.weight) or self.weight < 0:
            raise ScenarioError(f"weight must be a finite number >= 0, got {self.weight}")
        if self.kind not in ("table", "linear", "ideal"):
            raise ScenarioError(f"value kind must be table, linear or ideal, got {self.kind!r}")
        if self.direction not in ("increasing", "decreasing"):
            raise ScenarioError(
                f"linear direction must be 'increasing' or 'decreasing', got {self.direction!r}"
            )
        if not math.isfinite(self.exponent) or self.exponent <= 0:
            raise ScenarioError(f"exponent must be a finite number > 0, got {self.exponent}")
        if self.kind == "table":
            if self.table is None:
                raise ScenarioError("a table value function needs a value for every option")
            bad = [v for v in self.table if not (math.isfinite(v) and 0.0 <= v <= 1.0)]
            if bad:
                raise ScenarioError(f"table values must lie in [0, 1], got {bad}")
        if self.kind == "ideal":
            if self.peak is None:
                raise ScenarioError("an ideal value function needs a peak option")
            if self.spread is not None and not (math.isfinite(self.spread) and self.spread > 0):
                raise ScenarioError(f"spread must be a finite number > 0, got {self.spread}")


@dataclass(frozen=True)
class Interaction:
    """A bonus (or, if negative, a penalty) in utility units, paid when ``when`` holds."""

    id: str
    when: Condition
    bonus: float
    source: str | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        _check_id("interaction", self.id)
        if not math.isfinite(self.bonus):
            raise ScenarioError(f"interaction {self.id!r}: bonus must be a finite number")


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
        _check_id("rule", self.id)
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


@dataclass(frozen=True)
class Party:
    """A negotiating party: preferences, interaction terms, red lines and its value of no deal."""

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
    source: str | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        _check_id("party", self.id)
        if not math.isfinite(self.reservation):
            raise ScenarioError(f"party {self.id!r}: reservation must be a finite number")
        if not (math.isfinite(self.bargaining_power) and self.bargaining_power > 0):
            raise ScenarioError(f"party {self.id!r}: bargaining_power must be a number > 0")
        if self.discount is not None and not (0.0 < self.discount <= 1.0):
            raise ScenarioError(f"party {self.id!r}: discount must lie in (0, 1]")
        if self.discount_source is not None and self.discount is None:
            raise ScenarioError(f"party {self.id!r}: discount_source needs a discount")
        if self.weight_concentration is not None and not self.weight_concentration > 0:
            raise ScenarioError(f"party {self.id!r}: weight_concentration must be > 0")
        for kind, items in (("red line", self.red_lines), ("interaction", self.interactions)):
            ids = [x.id for x in items]
            dup = sorted({i for i in ids if ids.count(i) > 1})
            if dup:
                raise ScenarioError(f"party {self.id!r} repeats {kind} ids {dup}")

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
        _check_id("proposal", self.id)

    @property
    def display(self) -> str:
        return self.label or self.id


@dataclass(frozen=True)
class Scenario:
    """A whole negotiation: issues, parties, consistency constraints and named proposals."""

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
            dup = sorted({i for i in ids if ids.count(i) > 1})
            if dup:
                raise ScenarioError(f"{kind} ids must be unique; repeated: {dup}")
        issues = {i.id: i for i in self.issues}
        for p in self.parties:
            for issue_id, pref in p.preferences.items():
                issue = _issue(issues, issue_id, f"party {p.id!r} preferences")
                if pref.kind == "table" and pref.table is not None and len(pref.table) != len(
                    issue.options
                ):
                    raise ScenarioError(
                        f"party {p.id!r}: table for {issue_id!r} has {len(pref.table)} values, "
                        f"the issue has {len(issue.options)} options"
                    )
                if pref.kind == "ideal" and pref.peak is not None:
                    issue.index(pref.peak)
            for t in p.interactions:
                _check_condition(issues, t.when, f"party {p.id!r} interaction {t.id!r}")
            for r in p.red_lines:
                _check_rule(issues, r, f"party {p.id!r} red line {r.id!r}")
        for c in self.constraints:
            _check_rule(issues, c, f"constraint {c.id!r}")
        for prop in self.proposals:
            for issue_id, opts in prop.options.items():
                issue = _issue(issues, issue_id, f"proposal {prop.id!r}")
                for o in opts:
                    issue.index(o)

    # --- lookups -----------------------------------------------------------------------------
    def issue(self, issue_id: str) -> Issue:
        return _issue({i.id: i for i in self.issues}, issue_id, "scenario")

    def party(self, party_id: str) -> Party:
        for p in self.parties:
            if p.id == party_id:
                return p
        from simulator.errors import did_you_mean

        raise ScenarioError(
            f"no party {party_id!r}; {did_you_mean(party_id, [p.id for p in self.parties])}"
        )

    def proposal(self, proposal_id: str) -> Proposal:
        for p in self.proposals:
            if p.id == proposal_id:
                return p
        from simulator.errors import did_you_mean

        raise ScenarioError(
            f"no proposal {proposal_id!r}; "
            f"{did_you_mean(proposal_id, [p.id for p in self.proposals])}"
        )

    @property
    def party_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.parties)

    @property
    def issue_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.issues)

    @property
    def n_outcomes(self) -> int:
        return math.prod(len(i.options) for i in self.issues)


def _issue(issues: Mapping[str, Issue], issue_id: str, where: str) -> Issue:
    try:
        return issues[issue_id]
    except KeyError:
        from simulator.errors import did_you_mean

        raise ScenarioError(
            f"{where}: no issue {issue_id!r}; {did_you_mean(issue_id, list(issues))}"
        ) from None


def _check_condition(issues: Mapping[str, Issue], cond: Condition, where: str) -> None:
    for issue_id, opts in cond.clauses:
        issue = _issue(issues, issue_id, where)
        for o in opts:
            try:
                issue.index(o)
            except ScenarioError as e:
                raise ScenarioError(f"{where}: {e.message}") from None


def _check_rule(issues: Mapping[str, Issue], rule: Rule, where: str) -> None:
    if rule.issue is not None:
        issue = _issue(issues, rule.issue, where)
        for o in (*rule.options, *([rule.bound] if rule.bound else [])):
            try:
                issue.index(o)
            except ScenarioError as e:
                raise ScenarioError(f"{where}: {e.message}") from None
    for cond in (rule.condition, rule.consequence):
        if cond is not None:
            _check_condition(issues, cond, where)


def forbidden_regions(rule: Rule, issues: Mapping[str, Issue]) -> tuple[Condition, ...]:
    """The hyperrectangles an outcome must avoid to respect ``rule`` (their union is forbidden).

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
