"""Read GENIUS/ANAC negotiation folders into a :class:`~simulator.model.Scenario`.

A GENIUS folder holds one domain file (root element ``<negotiation_template>``) and one utility
profile per party (root element ``<utility_space>``). Files are told apart by their root element,
never by their names; a file called ``pareto.xml`` (GENIUS's precomputed frontier, often not XML at
all) is skipped, and so is an XML file with any other root. Every file is parsed with
:mod:`defusedxml`: a DTD (so any entity declaration or external reference) is refused, never
expanded. Utilities are GENIUS's own, on its normalised scale (``docs/genius.md`` says how NegMAS
differs).

Notation
--------
Issue ``i`` has options ``x``: item values (discrete), the integers ``lb_i..ub_i`` (integer), or
``n = real_steps`` evenly spaced reals from ``lb_i`` to ``ub_i`` (real). A linear-additive profile
of party ``p`` gives weights ``w_pi`` (taken as written, not renormalised) and

    u_p(o) = sum_i w_pi * v_pi(o_i)
    discrete:  v(x) = e(x) / max_y e(y)                (v = 0 for all x when max_y e(y) < 1e-5)
    integer:   v(x) = clip(a + b * (x - lb_i), 0, 1)   (a = offset, b = slope)
    real:      v(x) = clip(a + b * x, 0, 1)            (a = parameter0, b = parameter1)

where ``e`` is the item's ``evaluation``. A nonlinear profile gives hyperrectangles ``r`` with
utility ``c_r``, weight ``g_r`` (default 1) and INCLUSIVE bounds ``lo_ri <= x <= hi_ri`` on some
integer issues, and a ``maxutility`` ``M``:

    u_p(o) = min(1, sum_r g_r * c_r * 1[lo_ri <= o_i <= hi_ri for every bounded i] / M)

held in the model as one :class:`~simulator.model.Interaction` per rectangle (bonus
``g_r * c_r / M``) with ``utility_cap = 1``.

References
----------
Lin, Fujita, Ito, Jennings & Hindriks (2014), "Genius: an integrated environment for supporting the
design of generic automated negotiators", *Computational Intelligence* 30(1), 48-70.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_et
from defusedxml import DefusedXmlException

from simulator.errors import ScenarioError, did_you_mean
from simulator.model import Condition, Interaction, Issue, Option, Party, Preference, Scenario

__all__ = ["load_genius_folder"]

IssueKind = Literal["discrete", "integer", "real"]

_DOMAIN_ROOT = "negotiation_template"
_PROFILE_ROOT = "utility_space"
_SKIPPED_FILES = frozenset({"pareto.xml"})
_KINDS: tuple[IssueKind, ...] = ("discrete", "integer", "real")
# GENIUS EvaluatorDiscrete.normalize: when the largest evaluation is below this, every item is 0
_EVAL_MAX_FLOOR = 1e-5
_MAX_INTEGER_OPTIONS = 100_000


@dataclass(frozen=True)
class _XmlFile:
    path: Path
    root: Element


@dataclass(frozen=True)
class _DomainIssue:
    """An issue of the domain file: its model issue plus what a profile needs to value it."""

    index: int
    kind: IssueKind
    issue: Issue
    lower: float = 0.0
    upper: float = 0.0
    values: tuple[float, ...] = ()

    @property
    def name(self) -> str:
        return self.issue.id


def load_genius_folder(path: str | Path, *, real_steps: int = 10) -> Scenario:
    """Read a GENIUS/ANAC negotiation folder (one domain file, one profile per party).

    Parameters
    ----------
    path
        The folder. Its ``*.xml`` files are classified by root element: exactly one
        ``<negotiation_template>`` (the domain) and at least one ``<utility_space>`` (a profile).
    real_steps
        How many evenly spaced values, bounds included, a real-valued issue is discretised into.

    Returns
    -------
    Scenario
        ``name`` is the folder name and ``origin`` the folder path. Issues keep the domain's
        order (by ``index``); option ids are the item values (or the numbers as strings). One party
        per profile, in file-name order, with the file name without ``.xml`` as id; value functions
        are tables on GENIUS's normalised scale (see the module Notation), weights as written.

    Raises
    ------
    ScenarioError
        Naming the file (and the element) for anything malformed, refused (a DTD, entities,
        external references), inconsistent with the domain or not supported.

    Examples
    --------
    >>> scenario = load_genius_folder("../shared/data/genius/Laptop")  # doctest: +SKIP
    >>> scenario.party_ids  # doctest: +SKIP
    ('laptop_buyer_utility', 'laptop_seller_utility')
    """
    folder = Path(path)
    if not folder.is_dir():
        raise ScenarioError("is not a folder; give a GENIUS folder of XML files", file=str(folder))
    if isinstance(real_steps, bool) or not isinstance(real_steps, int) or real_steps < 2:
        raise ScenarioError(f"real_steps must be an integer >= 2, got {real_steps!r}")
    domain, profiles = _classify(folder)
    with _located(domain.path):
        title, issues = _read_domain(domain.root, real_steps)
    parties = []
    for profile in profiles:
        with _located(profile.path):
            parties.append(_read_profile(profile, issues))
    files = ", ".join(p.path.name for p in profiles)
    with _located(folder):
        return Scenario(
            name=folder.resolve().name,
            issues=tuple(i.issue for i in issues),
            parties=tuple(parties),
            title=title or domain.path.stem,
            description=f"GENIUS domain {domain.path.name} with profiles {files}",
            origin=str(folder),
        )


# --- files ---------------------------------------------------------------------------------------
@contextmanager
def _located(file: Path) -> Iterator[None]:
    """Name ``file`` in every ScenarioError raised inside (unless it already names one)."""
    try:
        yield
    except ScenarioError as e:
        raise e.located(file=str(file)) from None


def _parse(file: Path) -> Element:
    try:
        root: Element = safe_et.parse(file, forbid_dtd=True).getroot()
    except DefusedXmlException as e:
        raise ScenarioError(
            f"refused to read it ({e}): GENIUS files need no DTD, entity or external "
            "reference, so none is allowed",
            file=str(file),
        ) from None
    except ParseError as e:
        raise ScenarioError(f"is not well-formed XML ({e})", file=str(file)) from None
    except OSError as e:
        raise ScenarioError(f"cannot be read ({e.strerror or e})", file=str(file)) from None
    return root


def _classify(folder: Path) -> tuple[_XmlFile, list[_XmlFile]]:
    """The domain file and the profiles (in file-name order) of a folder."""
    paths = sorted(
        (
            p
            for p in folder.iterdir()
            if p.suffix.lower() == ".xml" and p.is_file() and p.name.lower() not in _SKIPPED_FILES
        ),
        key=lambda p: p.name,
    )
    files = [_XmlFile(p, _parse(p)) for p in paths]
    domains = [f for f in files if f.root.tag == _DOMAIN_ROOT]
    profiles = [f for f in files if f.root.tag == _PROFILE_ROOT]
    if len(domains) != 1:
        found = ", ".join(f.path.name for f in domains) or "none"
        raise ScenarioError(
            f"needs exactly one domain file (root <{_DOMAIN_ROOT}>); found {found}",
            file=str(folder),
        )
    if not profiles:
        raise ScenarioError(
            f"has no utility profile (an XML file with root <{_PROFILE_ROOT}>), only the domain "
            f"{domains[0].path.name}; give one profile per party",
            file=str(folder),
        )
    return domains[0], profiles


# --- attributes ----------------------------------------------------------------------------------
def _text(el: Element, attr: str, where: str) -> str:
    raw = el.get(attr)
    if raw is None:
        raise ScenarioError(f"<{el.tag}> needs a {attr!r} attribute", path=where)
    return raw


def _number(el: Element, attr: str, where: str, *, default: float | None = None) -> float:
    if el.get(attr) is None and default is not None:
        return default
    raw = _text(el, attr, where)
    try:
        x = float(raw)
    except ValueError:
        x = math.nan
    if not math.isfinite(x):
        raise ScenarioError(
            f"<{el.tag}> attribute {attr}={raw!r} is not a finite number", path=where
        )
    return x


def _integer(el: Element, attr: str, where: str) -> int:
    raw = _text(el, attr, where)
    try:
        return int(raw)
    except ValueError:
        raise ScenarioError(
            f"<{el.tag}> attribute {attr}={raw!r} is not an integer", path=where
        ) from None


def _declared_kind(el: Element, where: str) -> IssueKind | None:
    """The issue type an <issue> declares (``type``, else ``vtype``, else ``etype``), if any."""
    raw = next((el.get(a) for a in ("type", "vtype", "etype") if el.get(a)), None)
    if raw is None:
        return None
    for kind in _KINDS:
        if raw.strip().lower() == kind:
            return kind
    raise ScenarioError(
        f"issue type {raw!r} is not supported (supported: {', '.join(_KINDS)})", path=where
    )


def _bounds_holder(el: Element) -> Element:
    """Where an integer or real issue keeps ``lowerbound``/``upperbound``: itself or its <range>."""
    bounds = el.find("range")
    no_attrs = el.get("lowerbound") is None and el.get("upperbound") is None
    return bounds if no_attrs and bounds is not None else el


# --- domain --------------------------------------------------------------------------------------
def _objective(parent: Element, where: str) -> Element:
    objectives = parent.findall("objective")
    if len(objectives) != 1:
        raise ScenarioError(f"expected one <objective>, found {len(objectives)}", path=where)
    if objectives[0].find("objective") is not None:
        raise ScenarioError(
            "nested <objective> elements are not supported: the issues must sit directly under "
            "the root objective",
            path=f"{where}/<objective>",
        )
    return objectives[0]


def _read_domain(root: Element, real_steps: int) -> tuple[str | None, tuple[_DomainIssue, ...]]:
    """The title (root objective name unless GENIUS's default ``root``) and issues by index."""
    space = root.find(_PROFILE_ROOT)
    if space is None:
        raise ScenarioError(f"<{_DOMAIN_ROOT}> has no <{_PROFILE_ROOT}>", path=f"<{_DOMAIN_ROOT}>")
    objective = _objective(space, f"<{_DOMAIN_ROOT}>/<{_PROFILE_ROOT}>")
    issues = sorted(
        (_domain_issue(el, real_steps) for el in objective.findall("issue")), key=lambda i: i.index
    )
    if not issues:
        raise ScenarioError("the domain has no <issue>", path="<objective>")
    for what, keys in (
        ("index", [str(i.index) for i in issues]),
        ("name", [i.name for i in issues]),
    ):
        dup = sorted({k for k in keys if keys.count(k) > 1})
        if dup:
            raise ScenarioError(f"two issues share the {what} {dup[0]!r}", path="<objective>")
    name = objective.get("name")
    return (None if name in (None, "", "root") else name), tuple(issues)


def _domain_issue(el: Element, real_steps: int) -> _DomainIssue:
    name = _text(el, "name", "<issue>")
    where = f"<issue name={name!r}>"
    index = _integer(el, "index", where)
    kind = _declared_kind(el, where)
    if kind is None:
        raise ScenarioError(
            "<issue> needs a 'type' attribute (discrete, integer or real)", path=where
        )
    if kind == "discrete":
        options = tuple(
            Option(_text(item, "value", f"{where}/<item>")) for item in el.findall("item")
        )
        return _DomainIssue(index, kind, _issue(name, options, where))
    if kind == "integer":
        lower, upper, options = _integer_options(_bounds_holder(el), where)
    else:
        lower, upper, options = _real_options(_bounds_holder(el), where, real_steps)
    values = tuple(float(o.value) for o in options if o.value is not None)
    return _DomainIssue(index, kind, _issue(name, options, where), lower, upper, values)


def _integer_options(holder: Element, where: str) -> tuple[float, float, tuple[Option, ...]]:
    """The integers ``lowerbound..upperbound``, ids their decimal strings."""
    lower, upper = _integer(holder, "lowerbound", where), _integer(holder, "upperbound", where)
    if not 0 <= upper - lower < _MAX_INTEGER_OPTIONS:
        raise ScenarioError(
            f"integer range {lower}..{upper} must be non-empty and hold at most "
            f"{_MAX_INTEGER_OPTIONS} values",
            path=where,
        )
    return lower, upper, tuple(Option(str(x), value=float(x)) for x in range(lower, upper + 1))


def _real_options(
    holder: Element, where: str, steps: int
) -> tuple[float, float, tuple[Option, ...]]:
    """``steps`` evenly spaced values from ``lowerbound`` to ``upperbound``, both exact."""
    lower, upper = _number(holder, "lowerbound", where), _number(holder, "upperbound", where)
    if not lower < upper:
        raise ScenarioError(
            f"real range [{lower}, {upper}] needs lowerbound < upperbound", path=where
        )
    grid = [lower + (upper - lower) * k / (steps - 1) for k in range(steps - 1)] + [upper]
    return lower, upper, tuple(Option(f"{x:.12g}", value=x) for x in grid)


def _issue(name: str, options: tuple[Option, ...], where: str) -> Issue:
    try:
        return Issue(name, options)
    except ScenarioError as e:
        raise e.located(path=where) from None


# --- profiles ------------------------------------------------------------------------------------
def _read_profile(file: _XmlFile, issues: Sequence[_DomainIssue]) -> Party:
    root = file.root
    objective = _objective(root, f"<{_PROFILE_ROOT}>")
    listed = _profile_issues(objective, issues)
    discount = _discount(root)
    party = Party(
        id=file.path.stem,
        preferences={},
        reservation=_reservation(root),
        discount=discount,
        discount_source=None
        if discount is None
        else f"{file.path.name} <discount_factor>: GENIUS discounts by d^t over the normalised "
        "time t in [0, 1], not per round",
        source=file.path.name,
    )
    space_type = (root.get("type") or "linear").strip().lower()
    if space_type == "nonlinear" or objective.find("utility") is not None:
        return replace(party, interactions=_rectangles(objective, issues), utility_cap=1.0)
    if space_type not in ("linear", "additive"):
        raise ScenarioError(
            f"utility space type {space_type!r} is not supported (supported: linear, nonlinear)",
            path=f"<{_PROFILE_ROOT}>",
        )
    return replace(party, preferences=_preferences(objective, listed, issues))


def _reservation(root: Element) -> float:
    """``<reservation value=..>``, 0 when absent (GENIUS and NegMAS)."""
    el = root.find("reservation")
    return 0.0 if el is None else _number(el, "value", "<reservation>")


def _discount(root: Element) -> float | None:
    """``<discount_factor value=..>`` when it lies in (0, 1]; GENIUS ignores any other value."""
    el = root.find("discount_factor")
    if el is None:
        return None
    factor = _number(el, "value", "<discount_factor>")
    return factor if 0.0 < factor <= 1.0 else None


def _profile_issues(objective: Element, issues: Sequence[_DomainIssue]) -> dict[str, Element]:
    """The profile's <issue> elements by name, each checked against the domain issue it names."""
    by_name = {i.name: i for i in issues}
    listed: dict[str, Element] = {}
    for el in objective.findall("issue"):
        name = _text(el, "name", "<issue>")
        where = f"<issue name={name!r}>"
        issue = by_name.get(name)
        if issue is None:
            raise ScenarioError(
                f"issue {name!r} is not in the domain; {did_you_mean(name, by_name)}", path=where
            )
        if name in listed:
            raise ScenarioError(f"issue {name!r} is listed twice", path=where)
        _check_matches(el, issue, where)
        listed[name] = el
    return listed


def _check_matches(el: Element, issue: _DomainIssue, where: str) -> None:
    index = _integer(el, "index", where)
    if index != issue.index:
        raise ScenarioError(
            f"index {index} differs from the domain's index {issue.index}", path=where
        )
    kind = _declared_kind(el, where)
    if kind is not None and kind != issue.kind:
        raise ScenarioError(
            f"type {kind!r} differs from the domain's type {issue.kind!r}", path=where
        )
    holder = _bounds_holder(el)
    if issue.kind != "discrete" and holder.get("lowerbound") is not None:
        bounds = (_number(holder, "lowerbound", where), _number(holder, "upperbound", where))
        if bounds != (issue.lower, issue.upper):
            raise ScenarioError(
                f"bounds {bounds} differ from the domain's ({issue.lower}, {issue.upper})",
                path=where,
            )


def _weights(objective: Element) -> dict[int, float]:
    weights: dict[int, float] = {}
    for el in objective.findall("weight"):
        index = _integer(el, "index", "<weight>")
        where = f"<weight index={index}>"
        if index in weights:
            raise ScenarioError(f"two <weight> elements for index {index}", path=where)
        weights[index] = _number(el, "value", where)
    return weights


def _preferences(
    objective: Element, listed: Mapping[str, Element], issues: Sequence[_DomainIssue]
) -> dict[str, Preference]:
    """One table preference per domain issue, weighted by the <weight> with the issue's index."""
    weights = _weights(objective)
    stray = sorted(set(weights) - {i.index for i in issues})
    if stray:
        raise ScenarioError(
            f"<weight index={stray[0]}> names no issue of the domain", path="<weight>"
        )
    preferences = {}
    for issue in issues:
        where = f"<issue name={issue.name!r}>"
        if issue.name not in listed:
            raise ScenarioError(
                f"the profile does not value domain issue {issue.name!r}", path=where
            )
        if issue.index not in weights:
            raise ScenarioError(
                f"no <weight index={issue.index}> for issue {issue.name!r}", path=where
            )
        table = _VALUE_TABLES[issue.kind](listed[issue.name], issue, where)
        try:
            preferences[issue.name] = Preference(weights[issue.index], kind="table", table=table)
        except ScenarioError as e:
            raise e.located(path=where) from None
    return preferences


def _discrete_table(el: Element, issue: _DomainIssue, where: str) -> tuple[float, ...]:
    """``e(x) / max_y e(y)`` per option, from the items' ``evaluation`` attributes."""
    options = issue.issue.option_ids
    evaluations: dict[str, float] = {}
    for item in el.findall("item"):
        value = _text(item, "value", f"{where}/<item>")
        item_where = f"{where}/<item value={value!r}>"
        if value not in options:
            raise ScenarioError(
                f"value {value!r} is not an option of issue {issue.name!r} in the domain; "
                f"{did_you_mean(value, options)}",
                path=item_where,
            )
        if value in evaluations:
            raise ScenarioError(f"value {value!r} is evaluated twice", path=item_where)
        evaluations[value] = _number(item, "evaluation", item_where)
        if evaluations[value] < 0:
            raise ScenarioError("evaluations must be >= 0", path=item_where)
    missing = [o for o in options if o not in evaluations]
    if missing:
        raise ScenarioError(f"no evaluation for the domain's values {missing}", path=where)
    top = max(evaluations.values())
    if top < _EVAL_MAX_FLOOR:
        return tuple(0.0 for _ in options)
    return tuple(evaluations[o] / top for o in options)


def _linear_evaluator(el: Element, issue: _DomainIssue, where: str) -> Element:
    evaluator = el.find("evaluator")
    if evaluator is None:
        raise ScenarioError(f"{issue.kind} issue {issue.name!r} has no <evaluator>", path=where)
    ftype = evaluator.get("ftype") or "linear"
    if ftype.strip().lower() != "linear":
        raise ScenarioError(
            f"evaluator ftype {ftype!r} is not supported for {issue.kind} issues "
            "(supported: linear)",
            path=f"{where}/<evaluator>",
        )
    return evaluator


def _integer_table(el: Element, issue: _DomainIssue, where: str) -> tuple[float, ...]:
    """``clip(offset + slope * (x - lowerbound), 0, 1)`` per integer option."""
    evaluator = _linear_evaluator(el, issue, where)
    at = f"{where}/<evaluator>"
    slope, offset = _number(evaluator, "slope", at), _number(evaluator, "offset", at)
    return tuple(_clip01(offset + slope * (x - issue.lower)) for x in issue.values)


def _real_table(el: Element, issue: _DomainIssue, where: str) -> tuple[float, ...]:
    """``clip(parameter0 + parameter1 * x, 0, 1)`` per grid value (GENIUS EvaluatorReal, linear)."""
    evaluator = _linear_evaluator(el, issue, where)
    at = f"{where}/<evaluator>"
    offset, slope = _number(evaluator, "parameter0", at), _number(evaluator, "parameter1", at)
    return tuple(_clip01(offset + slope * x) for x in issue.values)


def _clip01(v: float) -> float:
    return min(1.0, max(0.0, v))


_VALUE_TABLES: dict[IssueKind, Callable[[Element, _DomainIssue, str], tuple[float, ...]]] = {
    "discrete": _discrete_table,
    "integer": _integer_table,
    "real": _real_table,
}


# --- nonlinear (hyperrectangle) profiles ---------------------------------------------------------
def _rectangles(objective: Element, issues: Sequence[_DomainIssue]) -> tuple[Interaction, ...]:
    """One interaction per hyperRectangle that can hold, bonus ``weight * utility / maxutility``."""
    utility = objective.find("utility")
    if utility is None:
        raise ScenarioError("a nonlinear profile needs <utility maxutility=..>", path="<objective>")
    top = _number(utility, "maxutility", "<utility>")
    if top <= 0:
        raise ScenarioError(f"maxutility must be > 0, got {top}", path="<utility>")
    ufun = _plain_sum_ufun(utility)
    by_index = {i.index: i for i in issues}
    terms = []
    for k, rect in enumerate(ufun.findall("hyperRectangle"), start=1):
        where = f"<utility>/<ufun>/<hyperRectangle> #{k}"
        condition = _rectangle_condition(rect, by_index, issues[0], where)
        if condition is None:
            continue
        bonus = _number(rect, "utility", where) * _number(rect, "weight", where, default=1.0) / top
        terms.append(Interaction(f"rectangle_{k}", condition, bonus, source=f"hyperRectangle #{k}"))
    return tuple(terms)


def _plain_sum_ufun(utility: Element) -> Element:
    """The one <ufun> of a <utility>: a plain sum of hyperRectangles with weight 1."""
    where = "<utility>/<ufun>"
    ufuns = utility.findall("ufun")
    if len(ufuns) != 1:
        raise ScenarioError(f"expected one <ufun>, found {len(ufuns)}", path="<utility>")
    ufun = ufuns[0]
    unsupported = [
        f"{attr}={ufun.get(attr)!r}"
        for attr, allowed in (("type", "plainufun"), ("aggregation", "sum"))
        if (ufun.get(attr) or allowed).strip().lower() != allowed
    ]
    if _number(ufun, "weight", where, default=1.0) != 1.0:
        unsupported.append(f"weight={ufun.get('weight')!r}")
    unsupported += sorted({f"<{c.tag}>" for c in ufun if c.tag != "hyperRectangle"})
    if unsupported:
        raise ScenarioError(
            f"not supported: {', '.join(unsupported)} (supported: one PlainUfun summing "
            "<hyperRectangle> elements, weight 1)",
            path=where,
        )
    return ufun


def _rectangle_condition(
    rect: Element, by_index: Mapping[int, _DomainIssue], first: _DomainIssue, where: str
) -> Condition | None:
    """The options inside a rectangle's inclusive bounds; None if it can never hold."""
    others = sorted({f"<{c.tag}>" for c in rect if c.tag != "INCLUDES"})
    if others:
        raise ScenarioError(f"{', '.join(others)} not supported (only <INCLUDES>)", path=where)
    allowed: dict[str, tuple[str, ...]] = {}
    for bound in rect.findall("INCLUDES"):
        index = _integer(bound, "index", where)
        issue = by_index.get(index)
        if issue is None or issue.kind != "integer":
            raise ScenarioError(f"<INCLUDES index={index}> must name an integer issue", path=where)
        low, high = _number(bound, "min", where), _number(bound, "max", where)
        inside = [
            o.id for o, x in zip(issue.issue.options, issue.values, strict=True) if low <= x <= high
        ]
        allowed[issue.name] = tuple(o for o in allowed.get(issue.name, inside) if o in inside)
    if not allowed:  # GENIUS: a rectangle without bounds holds for every outcome
        return Condition(((first.name, first.issue.option_ids),))
    if not all(allowed.values()):
        return None
    return Condition(tuple(allowed.items()))
