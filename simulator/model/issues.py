"""Issues and their options, and conditions (hyperrectangles of options) over issues."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from simulator.errors import ScenarioError
from simulator.limits import MAX_OPTIONS, MAX_VALUE, repeated

__all__ = ["Condition", "Issue", "Option", "check_id", "lookup_issue"]


def check_id(kind: str, value: str) -> None:
    """Raise a :class:`ScenarioError` unless ``value`` is a non-empty id of a ``kind``."""
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(f"{kind} id must be a non-empty string, got {value!r}")


@dataclass(frozen=True)
class Option:
    """One option of an issue. ``value`` is set for numeric issues (e.g. 600 thousand troops)."""

    id: str
    label: str | None = None
    value: float | None = None

    def __post_init__(self) -> None:
        check_id("option", self.id)
        if self.value is not None and not (
            math.isfinite(self.value) and abs(self.value) <= MAX_VALUE
        ):
            raise ScenarioError(
                f"option {self.id!r}: a numeric value must be a finite number in "
                f"[{-MAX_VALUE:g}, {MAX_VALUE:g}], got {self.value:g}"
            )

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
        check_id("issue", self.id)
        if not self.options:
            raise ScenarioError(f"issue {self.id!r} has no options; give at least one")
        if len(self.options) > MAX_OPTIONS:
            raise ScenarioError(
                f"issue {self.id!r} has {len(self.options):,} options; at most {MAX_OPTIONS:,} "
                "are allowed"
            )
        dup = repeated(o.id for o in self.options)
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
        return cls(tuple((k, (v,) if isinstance(v, str) else tuple(v)) for k, v in mapping.items()))

    def as_dict(self) -> dict[str, list[str]]:
        return {issue: list(opts) for issue, opts in self.clauses}

    @property
    def issues(self) -> tuple[str, ...]:
        return tuple(c[0] for c in self.clauses)


def lookup_issue(issues: Mapping[str, Issue], issue_id: str, where: str) -> Issue:
    """The issue ``issue_id``; an unknown id is an error naming ``where`` it was used."""
    try:
        return issues[issue_id]
    except KeyError:
        from simulator.errors import did_you_mean

        raise ScenarioError(
            f"{where}: no issue {issue_id!r}; {did_you_mean(issue_id, list(issues))}"
        ) from None
