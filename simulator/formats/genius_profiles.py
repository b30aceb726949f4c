"""GENIUS utility profiles (root ``<utility_space>``): one party each, linear-additive tables or
nonlinear hyperrectangles, on GENIUS's normalised scale (see :mod:`simulator.formats.genius`,
Notation)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from xml.etree.ElementTree import Element

from simulator.errors import ScenarioError, ScenarioWarning, did_you_mean
from simulator.formats import genius_xml as x
from simulator.formats.reachable import warn_unreachable_reservation
from simulator.limits import check_utility
from simulator.model import Condition, Interaction, Party, Preference

__all__ = ["read_profile"]

# GENIUS EvaluatorDiscrete.normalize: when the largest evaluation is below this, every item is 0
_EVAL_MAX_FLOOR = 1e-5
# weights further than this from summing to 1 get a warning (the bundled ANAC files are within 0.01)
_WEIGHT_SUM_TOLERANCE = 0.05


def read_profile(path: Path, root: Element, issues: Sequence[x.DomainIssue]) -> Party:
    """The party of one profile: its table preferences, or its hyperrectangles when nonlinear."""
    objective = x.objective(root, f"<{x.PROFILE_ROOT}>")
    listed = _profile_issues(objective, issues)
    discount = _discount(root)
    party = Party(
        id=path.stem,
        preferences={},
        reservation=_reservation(root, path),
        discount=discount,
        discount_source=None
        if discount is None
        else f"{path.name} <discount_factor>: GENIUS discounts by d^t over the normalised "
        "time t in [0, 1], not per round",
        source=path.name,
    )
    space_type = (root.get("type") or "linear").strip().lower()
    if space_type == "nonlinear" or objective.find("utility") is not None:
        party = replace(party, interactions=_rectangles(objective, issues), utility_cap=1.0)
        _check_reachable(party, root, path, issues)
        return party
    if space_type not in ("linear", "additive"):
        raise x.error(
            f"utility space type {space_type!r} is not supported (supported: linear, nonlinear)",
            root,
            f"<{x.PROFILE_ROOT}>",
        )
    preferences = _preferences(objective, listed, issues)
    total = sum(p.weight for p in preferences.values())
    if abs(total - 1.0) > _WEIGHT_SUM_TOLERANCE:
        warnings.warn(
            f"{path.name}: the weights sum to {total:g}, not 1; they are kept as written, so "
            "this party's utilities reach at most that",
            ScenarioWarning,
            stacklevel=2,
        )
    party = replace(party, preferences=preferences)
    _check_reachable(party, root, path, issues)
    return party


def _check_reachable(
    party: Party, root: Element, path: Path, issues: Sequence[x.DomainIssue]
) -> None:
    """Warn when a stated <reservation> is met by no package or by every one."""
    el = root.find("reservation")
    if el is not None:
        where = f"{path.name}:{x.line(el)}: <reservation>"
        warn_unreachable_reservation(party, (i.issue for i in issues), where)


def _reservation(root: Element, path: Path) -> float:
    """``<reservation value=..>``, 0 when absent (GENIUS and NegMAS)."""
    el = root.find("reservation")
    if el is None:
        return 0.0
    value = x.number(el, "value", "<reservation>")
    if not 0.0 <= value <= 1.0:
        warnings.warn(
            f"{path.name}:{x.line(el)}: <reservation value={value:g}> lies outside GENIUS's "
            "utility scale [0, 1]",
            ScenarioWarning,
            stacklevel=2,
        )
    try:
        check_utility("reservation", value)
    except ScenarioError as e:
        raise e.located(path="<reservation>", line=x.line(el)) from None
    return value


def _discount(root: Element) -> float | None:
    """``<discount_factor value=..>`` when it lies in (0, 1]; GENIUS ignores any other value."""
    el = root.find("discount_factor")
    if el is None:
        return None
    factor = x.number(el, "value", "<discount_factor>")
    return factor if 0.0 < factor <= 1.0 else None


def _profile_issues(objective: Element, issues: Sequence[x.DomainIssue]) -> dict[str, Element]:
    """The profile's <issue> elements by name, each checked against the domain issue it names."""
    by_name = {i.name: i for i in issues}
    listed: dict[str, Element] = {}
    for el in objective.findall("issue"):
        name = x.text(el, "name", "<issue>")
        where = f"<issue name={name!r}>"
        issue = by_name.get(name)
        if issue is None:
            raise x.error(
                f"issue {name!r} is not in the domain; {did_you_mean(name, by_name)}", el, where
            )
        if name in listed:
            raise x.error(f"issue {name!r} is listed twice", el, where)
        _check_matches(el, issue, where)
        listed[name] = el
    return listed


def _check_matches(el: Element, issue: x.DomainIssue, where: str) -> None:
    index = x.integer(el, "index", where)
    if index != issue.index:
        raise x.error(f"index {index} differs from the domain's index {issue.index}", el, where)
    kind = x.declared_kind(el, where)
    if kind is not None and kind != issue.kind:
        raise x.error(f"type {kind!r} differs from the domain's type {issue.kind!r}", el, where)
    holder = x.bounds_holder(el)
    if issue.kind != "discrete" and holder.get("lowerbound") is not None:
        bounds = (x.number(holder, "lowerbound", where), x.number(holder, "upperbound", where))
        if bounds != (issue.lower, issue.upper):
            raise x.error(
                f"bounds {bounds} differ from the domain's ({issue.lower}, {issue.upper})",
                holder,
                where,
            )


def _weights(objective: Element) -> dict[int, tuple[float, Element]]:
    """Each <weight>'s value and element by its ``index``."""
    weights: dict[int, tuple[float, Element]] = {}
    for el in objective.findall("weight"):
        index = x.integer(el, "index", "<weight>")
        where = f"<weight index={index}>"
        if index in weights:
            raise x.error(f"two <weight> elements for index {index}", el, where)
        weights[index] = (x.number(el, "value", where), el)
    return weights


def _preferences(
    objective: Element, listed: Mapping[str, Element], issues: Sequence[x.DomainIssue]
) -> dict[str, Preference]:
    """One table preference per domain issue, weighted by the <weight> with the issue's index."""
    weights = _weights(objective)
    stray = sorted(set(weights) - {i.index for i in issues})
    if stray:
        raise x.error(
            f"<weight index={stray[0]}> names no issue of the domain",
            weights[stray[0]][1],
            f"<weight index={stray[0]}>",
        )
    preferences = {}
    for issue in issues:
        where = f"<issue name={issue.name!r}>"
        if issue.name not in listed:
            raise x.error(
                f"the profile does not value domain issue {issue.name!r}", objective, "<objective>"
            )
        if issue.index not in weights:
            raise x.error(
                f"no <weight index={issue.index}> for issue {issue.name!r}",
                objective,
                "<objective>",
            )
        table = _VALUE_TABLES[issue.kind](listed[issue.name], issue, where)
        weight, weight_el = weights[issue.index]
        try:
            preferences[issue.name] = Preference(weight, kind="table", table=table)
        except ScenarioError as e:
            raise e.located(path=f"<weight index={issue.index}>", line=x.line(weight_el)) from None
    return preferences


def _discrete_table(el: Element, issue: x.DomainIssue, where: str) -> tuple[float, ...]:
    """``e(x) / max_y e(y)`` per option, from the items' ``evaluation`` attributes."""
    options = issue.issue.option_ids
    evaluations: dict[str, float] = {}
    for item in el.findall("item"):
        value = x.text(item, "value", f"{where}/<item>")
        item_where = f"{where}/<item value={value!r}>"
        if value not in options:
            raise x.error(
                f"value {value!r} is not an option of issue {issue.name!r} in the domain; "
                f"{did_you_mean(value, options)}",
                item,
                item_where,
            )
        if value in evaluations:
            raise x.error(f"value {value!r} is evaluated twice", item, item_where)
        evaluations[value] = x.number(item, "evaluation", item_where)
        if evaluations[value] < 0:
            raise x.error("evaluations must be >= 0", item, item_where)
    missing = [o for o in options if o not in evaluations]
    if missing:
        raise x.error(f"no evaluation for the domain's values {missing}", el, where)
    top = max(evaluations.values())
    if top < _EVAL_MAX_FLOOR:
        return tuple(0.0 for _ in options)
    return tuple(evaluations[o] / top for o in options)


def _linear_evaluator(el: Element, issue: x.DomainIssue, where: str) -> Element:
    evaluator = el.find("evaluator")
    if evaluator is None:
        raise x.error(f"{issue.kind} issue {issue.name!r} has no <evaluator>", el, where)
    ftype = evaluator.get("ftype") or "linear"
    if ftype.strip().lower() != "linear":
        raise x.error(
            f"evaluator ftype {ftype!r} is not supported for {issue.kind} issues "
            "(supported: linear)",
            evaluator,
            f"{where}/<evaluator>",
        )
    return evaluator


def _integer_table(el: Element, issue: x.DomainIssue, where: str) -> tuple[float, ...]:
    """``clip(offset + slope * (x - lowerbound), 0, 1)`` per integer option."""
    evaluator = _linear_evaluator(el, issue, where)
    at = f"{where}/<evaluator>"
    slope, offset = x.number(evaluator, "slope", at), x.number(evaluator, "offset", at)
    return tuple(_clip01(offset + slope * (x - issue.lower)) for x in issue.values)


def _real_table(el: Element, issue: x.DomainIssue, where: str) -> tuple[float, ...]:
    """``clip(parameter0 + parameter1 * x, 0, 1)`` per grid value (GENIUS EvaluatorReal, linear)."""
    evaluator = _linear_evaluator(el, issue, where)
    at = f"{where}/<evaluator>"
    offset, slope = x.number(evaluator, "parameter0", at), x.number(evaluator, "parameter1", at)
    return tuple(_clip01(offset + slope * x) for x in issue.values)


def _clip01(v: float) -> float:
    return min(1.0, max(0.0, v))


_VALUE_TABLES: dict[x.IssueKind, Callable[[Element, x.DomainIssue, str], tuple[float, ...]]] = {
    "discrete": _discrete_table,
    "integer": _integer_table,
    "real": _real_table,
}


# --- nonlinear (hyperrectangle) profiles ---------------------------------------------------------
def _rectangles(objective: Element, issues: Sequence[x.DomainIssue]) -> tuple[Interaction, ...]:
    """One interaction per hyperRectangle that can hold, bonus ``weight * utility / maxutility``."""
    utility = objective.find("utility")
    if utility is None:
        raise x.error("a nonlinear profile needs <utility maxutility=..>", objective, "<objective>")
    top = x.number(utility, "maxutility", "<utility>")
    if top <= 0:
        raise x.error(f"maxutility must be > 0, got {top}", utility, "<utility>")
    ufun = _plain_sum_ufun(utility)
    by_index = {i.index: i for i in issues}
    terms = []
    for k, rect in enumerate(ufun.findall("hyperRectangle"), start=1):
        where = f"<utility>/<ufun>/<hyperRectangle> #{k}"
        condition = _rectangle_condition(rect, by_index, issues[0], where)
        if condition is None:
            continue
        bonus = (
            x.number(rect, "utility", where) * x.number(rect, "weight", where, default=1.0) / top
        )
        terms.append(Interaction(f"rectangle_{k}", condition, bonus, source=f"hyperRectangle #{k}"))
    return tuple(terms)


def _plain_sum_ufun(utility: Element) -> Element:
    """The one <ufun> of a <utility>: a plain sum of hyperRectangles with weight 1."""
    where = "<utility>/<ufun>"
    ufuns = utility.findall("ufun")
    if len(ufuns) != 1:
        raise x.error(f"expected one <ufun>, found {len(ufuns)}", utility, "<utility>")
    ufun = ufuns[0]
    unsupported = [
        f"{attr}={ufun.get(attr)!r}"
        for attr, allowed in (("type", "plainufun"), ("aggregation", "sum"))
        if (ufun.get(attr) or allowed).strip().lower() != allowed
    ]
    if x.number(ufun, "weight", where, default=1.0) != 1.0:
        unsupported.append(f"weight={ufun.get('weight')!r}")
    unsupported += sorted({f"<{c.tag}>" for c in ufun if c.tag != "hyperRectangle"})
    if unsupported:
        raise x.error(
            f"not supported: {', '.join(unsupported)} (supported: one PlainUfun summing "
            "<hyperRectangle> elements, weight 1)",
            ufun,
            where,
        )
    return ufun


def _rectangle_condition(
    rect: Element, by_index: Mapping[int, x.DomainIssue], first: x.DomainIssue, where: str
) -> Condition | None:
    """The options inside a rectangle's inclusive bounds; None if it can never hold."""
    others = [c for c in rect if c.tag != "INCLUDES"]
    if others:
        tags = ", ".join(sorted({f"<{c.tag}>" for c in others}))
        raise x.error(f"{tags} not supported (only <INCLUDES>)", others[0], where)
    allowed: dict[str, tuple[str, ...]] = {}
    for bound in rect.findall("INCLUDES"):
        index = x.integer(bound, "index", where)
        issue = by_index.get(index)
        if issue is None or issue.kind != "integer":
            raise x.error(f"<INCLUDES index={index}> must name an integer issue", bound, where)
        low, high = x.number(bound, "min", where), x.number(bound, "max", where)
        inside = [
            o.id for o, x in zip(issue.issue.options, issue.values, strict=True) if low <= x <= high
        ]
        allowed[issue.name] = tuple(o for o in allowed.get(issue.name, inside) if o in inside)
    if not allowed:  # GENIUS: a rectangle without bounds holds for every outcome
        return Condition(((first.name, first.issue.option_ids),))
    if not all(allowed.values()):
        return None
    return Condition(tuple(allowed.items()))
