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

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

from simulator.errors import ScenarioError
from simulator.formats import genius_xml as x
from simulator.formats.genius_profiles import read_profile
from simulator.limits import MAX_OPTIONS, repeated
from simulator.model import Issue, Option, Scenario

__all__ = ["load_genius_folder"]

_SKIPPED_FILES = frozenset({"pareto.xml"})
_MAX_INTEGER_OPTIONS = MAX_OPTIONS


@dataclass(frozen=True)
class _XmlFile:
    path: Path
    root: Element


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
            parties.append(read_profile(profile.path, profile.root, issues))
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
    files = [_XmlFile(p, x.parse(p)) for p in paths]
    domains = [f for f in files if f.root.tag == x.DOMAIN_ROOT]
    profiles = [f for f in files if f.root.tag == x.PROFILE_ROOT]
    if len(domains) != 1:
        found = ", ".join(f.path.name for f in domains) or "none"
        raise ScenarioError(
            f"needs exactly one domain file (root <{x.DOMAIN_ROOT}>); found {found}",
            file=str(folder),
        )
    if not profiles:
        raise ScenarioError(
            f"has no utility profile (an XML file with root <{x.PROFILE_ROOT}>), only the domain "
            f"{domains[0].path.name}; give one profile per party",
            file=str(folder),
        )
    return domains[0], profiles


# --- domain --------------------------------------------------------------------------------------
def _read_domain(root: Element, real_steps: int) -> tuple[str | None, tuple[x.DomainIssue, ...]]:
    """The title (root objective name unless GENIUS's default ``root``) and issues by index."""
    space = root.find(x.PROFILE_ROOT)
    if space is None:
        raise x.error(f"<{x.DOMAIN_ROOT}> has no <{x.PROFILE_ROOT}>", root, f"<{x.DOMAIN_ROOT}>")
    at = f"<{x.DOMAIN_ROOT}>/<{x.PROFILE_ROOT}>"
    objective = x.objective(space, at)
    issues = sorted(
        (_domain_issue(el, real_steps) for el in objective.findall("issue")), key=lambda i: i.index
    )
    if not issues:
        raise x.error("the domain has no <issue>", objective, f"{at}/<objective>")
    for what, keys in (
        ("index", [str(i.index) for i in issues]),
        ("name", [i.name for i in issues]),
    ):
        dup = repeated(keys)
        if dup:
            same = [i for i, key in zip(issues, keys, strict=True) if key == dup[0]]
            second = sorted(same, key=lambda i: i.line or 0)[1]  # the later one in the file
            raise ScenarioError(
                f"two issues share the {what} {dup[0]!r}",
                path=f"{at}/<objective>/<issue name={second.name!r}>",
                line=second.line,
            )
    name = objective.get("name")
    return (None if name in (None, "", "root") else name), tuple(issues)


def _domain_issue(el: Element, real_steps: int) -> x.DomainIssue:
    name = x.text(el, "name", "<issue>")
    where = f"<issue name={name!r}>"
    index = x.integer(el, "index", where)
    kind = x.declared_kind(el, where)
    if kind is None:
        raise x.error("<issue> needs a 'type' attribute (discrete, integer or real)", el, where)
    if kind == "discrete":
        options = tuple(
            Option(x.text(item, "value", f"{where}/<item>")) for item in el.findall("item")
        )
        return x.DomainIssue(index, kind, _issue(name, options, el, where), line=x.line(el))
    if kind == "integer":
        lower, upper, options = _integer_options(x.bounds_holder(el), where)
    else:
        lower, upper, options = _real_options(x.bounds_holder(el), where, real_steps)
    values = tuple(float(o.value) for o in options if o.value is not None)
    issue = _issue(name, options, el, where)
    return x.DomainIssue(index, kind, issue, lower, upper, values, line=x.line(el))


def _integer_options(holder: Element, where: str) -> tuple[float, float, tuple[Option, ...]]:
    """The integers ``lowerbound..upperbound``, ids their decimal strings."""
    lower, upper = x.integer(holder, "lowerbound", where), x.integer(holder, "upperbound", where)
    if not 0 <= upper - lower < _MAX_INTEGER_OPTIONS:
        raise x.error(
            f"integer range {lower}..{upper} must be non-empty and hold at most "
            f"{_MAX_INTEGER_OPTIONS} values",
            holder,
            where,
        )
    return lower, upper, tuple(Option(str(x), value=float(x)) for x in range(lower, upper + 1))


def _real_options(
    holder: Element, where: str, steps: int
) -> tuple[float, float, tuple[Option, ...]]:
    """``steps`` evenly spaced values from ``lowerbound`` to ``upperbound``, both exact."""
    lower, upper = x.number(holder, "lowerbound", where), x.number(holder, "upperbound", where)
    if not lower < upper:
        raise x.error(f"real range [{lower}, {upper}] needs lowerbound < upperbound", holder, where)
    grid = [lower + (upper - lower) * k / (steps - 1) for k in range(steps - 1)] + [upper]
    return lower, upper, tuple(Option(f"{x:.12g}", value=x) for x in grid)


def _issue(name: str, options: tuple[Option, ...], el: Element, where: str) -> Issue:
    try:
        return Issue(name, options)
    except ScenarioError as e:
        raise e.located(path=where, line=x.line(el)) from None
