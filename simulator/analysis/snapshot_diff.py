"""What changed between two snapshots of a scenario: the inputs, each change with its sources.

Notation
--------
Two scenarios ``A`` (before) and ``B`` (after) are compared item by item, matched by id: issues and
their options, each party's weights, reservation (value and range), red lines (their rule and
probability), interaction terms and ratification terms, the consistency constraints, the proposals
and the decision rule. A :class:`Change` records one difference: what it is (``kind``, ``item``,
the ``party`` it belongs to), whether it was ``added``, ``removed`` or ``changed``, the value before
and after as short text, and the ``source`` text given for it before and after, so a reader sees
which source moved it. An item whose value stayed but whose source text changed is ``re-sourced``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from simulator.model import Rule, Scenario

__all__ = ["Change", "snapshot_changes"]


@dataclass(frozen=True)
class Change:
    """One difference between snapshot ``A`` and snapshot ``B`` (see the module docstring)."""

    kind: str
    item: str
    change: str
    before: str | None = None
    after: str | None = None
    party: str | None = None
    source_before: str | None = None
    source_after: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "party": self.party,
            "item": self.item,
            "change": self.change,
            "before": self.before,
            "after": self.after,
            "source_before": self.source_before,
            "source_after": self.source_after,
        }


def _num(x: float | None) -> str | None:
    return None if x is None else f"{x:.4g}"


def _rule_text(rule: Rule) -> str:
    """A rule as text: its form and options, and its probability when below 1."""
    if rule.kind == "not":
        body = f"{rule.issue} not {', '.join(rule.options)}"
    elif rule.kind in ("at_least", "at_most"):
        body = f"{rule.issue} {'>=' if rule.kind == 'at_least' else '<='} {rule.bound}"
    elif rule.kind == "implies":
        assert rule.condition is not None and rule.consequence is not None
        body = f"if {rule.condition.as_dict()} then {rule.consequence.as_dict()}"
    else:
        assert rule.condition is not None
        body = f"exclude {rule.condition.as_dict()}"
    spread = rule.probability_range
    odds = "" if spread is None else f" in [{spread.low:.4g}, {spread.high:.4g}]"
    return body + (f"; p = {rule.probability:.4g}{odds}" if rule.probability < 1 or odds else "")


def _matched(
    kind: str,
    before: Iterable[Any],
    after: Iterable[Any],
    text: Callable[[Any], str | None],
    party: str | None = None,
) -> list[Change]:
    """Items matched by id: added, removed, and changed where their text differs."""
    a = {x.id: x for x in before}
    b = {x.id: x for x in after}
    pairs = [(key, a.get(key), b.get(key)) for key in [*a, *(k for k in b if k not in a)]]
    out = []
    for key, old, new in _renamed(pairs):
        t_old = None if old is None else text(old)
        t_new = None if new is None else text(new)
        same = old is not None and new is not None and t_old == t_new
        if same and getattr(old, "source", None) == getattr(new, "source", None):
            continue
        change = "added" if old is None else "removed" if new is None else "changed"
        change = "re-sourced" if same else change
        out.append(
            Change(
                kind,
                key,
                change,
                t_old,
                t_new,
                party,
                getattr(old, "source", None),
                getattr(new, "source", None),
            )
        )
    return out


def _renamed(pairs: list[tuple[str, Any, Any]]) -> list[tuple[str, Any, Any]]:
    """Pair a removed one-issue rule with an added one of the same form on the same issue (a red
    line that moved, renamed with it: ``nato_at_most_1`` to ``nato_at_most_2``)."""
    shape = lambda r: (getattr(r, "kind", None), getattr(r, "issue", None))  # noqa: E731
    added = {shape(n): k for k, (_, o, n) in enumerate(pairs) if o is None and shape(n)[1]}
    out, used = [], set()
    for k, (key, old, new) in enumerate(pairs):
        if k in used:
            continue
        j = added.get(shape(old)) if new is None and shape(old)[1] else None
        if j is not None and j not in used:
            used.add(j)
            out.append((f"{key} → {pairs[j][0]}", old, pairs[j][2]))
        else:
            out.append((key, old, new))
    return out


def _issue_changes(a: Scenario, b: Scenario) -> list[Change]:
    out = _matched("issue", a.issues, b.issues, lambda i: ", ".join(i.option_ids))
    return out


def _party_changes(a: Scenario, b: Scenario) -> list[Change]:
    out = _matched("party", a.parties, b.parties, lambda p: p.display)
    after = {p.id: p for p in b.parties}
    for old in a.parties:
        new = after.get(old.id)
        if new is None:
            continue
        pid = old.id
        if (old.reservation, old.reservation_range) != (new.reservation, new.reservation_range):
            out.append(
                Change(
                    "reservation",
                    pid,
                    "changed",
                    _reservation_text(old),
                    _reservation_text(new),
                    pid,
                    old.reservation_source,
                    new.reservation_source,
                )
            )
        for issue in dict.fromkeys([*old.preferences, *new.preferences]):
            p_old, p_new = old.preferences.get(issue), new.preferences.get(issue)
            w_old = None if p_old is None else p_old.weight
            w_new = None if p_new is None else p_new.weight
            if w_old != w_new:
                out.append(
                    Change(
                        "weight",
                        issue,
                        "added" if w_old is None else "removed" if w_new is None else "changed",
                        _num(w_old),
                        _num(w_new),
                        pid,
                        None if p_old is None else p_old.source,
                        None if p_new is None else p_new.source,
                    )
                )
        out += _matched("red_line", old.red_lines, new.red_lines, _rule_text, pid)
        out += _matched(
            "interaction",
            old.interactions,
            new.interactions,
            lambda t: f"{t.when.as_dict()}: {t.bonus:+.4g}",
            pid,
        )
        out += _matched(
            "ratification",
            old.ratification,
            new.ratification,
            lambda t: f"{t.voter} on {t.when.as_dict()}: p = {t.probability:.4g}",
            pid,
        )
    return out


def _reservation_text(p: Any) -> str:
    spread = p.reservation_range
    rng = "" if spread is None else f" ({spread.low:.4g} to {spread.high:.4g})"
    return f"{p.reservation:.4g}{rng}"


def snapshot_changes(a: Scenario, b: Scenario) -> tuple[Change, ...]:
    """Every difference between snapshot ``a`` and snapshot ``b`` in the inputs of the model.

    Examples
    --------
    >>> import dataclasses
    >>> from simulator.formats import load_scenario
    >>> car = load_scenario("scenarios/textbook_car.yaml")
    >>> buyer = dataclasses.replace(car.parties[0], reservation=0.5)
    >>> later = dataclasses.replace(car, parties=(buyer, car.parties[1]))
    >>> [(c.kind, c.item, c.before, c.after) for c in snapshot_changes(car, later)]
    [('reservation', 'buyer', '0.4 (0.3 to 0.5)', '0.5 (0.3 to 0.5)')]
    """
    out = _issue_changes(a, b) + _party_changes(a, b)
    out += _matched("constraint", a.constraints, b.constraints, _rule_text)
    out += _matched(
        "proposal",
        a.proposals,
        b.proposals,
        lambda p: "; ".join(f"{k}: {'/'.join(v)}" for k, v in p.options.items()),
    )
    for key in ("date", "title"):
        if getattr(a, key) != getattr(b, key):
            out.append(Change("snapshot", key, "changed", getattr(a, key), getattr(b, key)))
    if a.agreement != b.agreement:
        out.append(Change("agreement", "agreement", "changed", str(a.agreement), str(b.agreement)))
    return tuple(out)
