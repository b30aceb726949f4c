"""The words of a coalition analysis (:class:`~simulator.analysis.coalitions.CoalitionsResult`)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from simulator.report.blocks import Block, BulletList, FigureRef, Heading, Paragraph, table
from simulator.report.registry import register

if TYPE_CHECKING:
    from simulator.analysis.coalitions import CoalitionsResult, DealWithout

__all__ = ["coalitions_blocks", "coalitions_section"]

#: The caption of the coalition lattice in a report.
LATTICE_CAPTION = (
    "Coalitions and their own zones: grey for none, else coloured by the zone's size; a thick "
    "edge for a coalition that wins under the rule."
)


def _names(result: CoalitionsResult, ids: tuple[str, ...] | list[str]) -> str:
    return ", ".join(result.scenario.party(p).display for p in ids) or "none"


def _without_line(result: CoalitionsResult, w: DealWithout) -> str:
    s = result.scenario
    name = s.party(w.party).display
    if w.control is not None:
        c = w.control
        defaults = ", ".join(
            f"{(issue := s.issue(i)).label or i} at {issue.options[issue.index(o)].display}"
            for i, o in c.defaults.items()
        )
        size = (
            f"{w.size:,}" if c.size_exact or c.estimate is None else f"about {_rounded(c.estimate)}"
        )
        needing = [k for k, v in c.needs.items() if v]
        standing = [k for k, v in c.needs.items() if not v]
        tail = ""
        if c.needs:
            tail = (
                f" Solution packages that need {name}: {', '.join(needing) or 'none'}; that "
                f"stand without it: {', '.join(standing) or 'none'}."
            )
        return (
            f"**Without {name}** (it controls {defaults}): {size} packages stand without it, "
            f"with those issues at their defaults.{tail}"
        )
    if w.allowed:
        return f"**Without {name}**: {w.size:,} packages pass among the others."
    return (
        f"**Without {name}**: not allowed by the rule (a veto party, or the quorum needs everyone)."
    )


def _rounded(x: float) -> str:
    """A count to three significant figures, with thousands separators."""
    if x < 1000:
        return f"{x:,.0f}"
    return f"{round(x, 2 - math.floor(math.log10(x))):,.0f}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}{'es' if word.endswith('h') else 's'}"


@register("CoalitionsResult", blank_line_after=True)
def coalitions_blocks(result: CoalitionsResult) -> list[Block]:
    """Coalitions with a zone of their own, veto players, power indices and deals without each
    party."""
    s = result.scenario
    data = result.to_dict()
    rule = f"{data['quorum']} of {len(s.parties)} parties"
    if data["veto"]:
        rule += f", including {_names(result, data['veto'])}"
    rows: list[list[object]] = []
    for z in result.zones:
        outside = "; ".join(
            f"{s.party(p).display} {u:.3f} ({'accepts' if z.outsiders_accept[p] else 'rejects'})"
            for p, u in z.outsiders.items()
        )
        size = f"{z.size:,}" if z.size_exact else f"at least {z.size:,}"
        if not z.size_exact and z.estimate is not None:
            e = z.estimate
            size = f"about {_rounded(e.value)} (95%: {_rounded(e.low)} to {_rounded(e.high)})"
        rows.append(
            [
                _names(result, z.members),
                "yes" if z.winning else "no",
                size if z.has_zone else "none",
                _names(result, z.pivotal) if z.winning else "-",
                outside or "-",
            ]
        )
    power_rows = [
        [
            s.party(p).display,
            v["shapley_shubik"],
            f"{v['shapley_shubik_value']:.4f}",
            v["banzhaf"],
            f"{v['banzhaf_normalised']:.4f}",
        ]
        for p, v in data["power"].items()
    ]
    without = [_without_line(result, w) for w in result.without]
    return [
        Heading(1, f"Coalitions: {s.title or s.name}"),
        Paragraph(
            f"Decision rule: a package passes when {rule} accept it. A coalition's own zone counts "
            "the consistent packages that cross none of its members' red lines and give each "
            "member its reservation (exactly, or estimated from a sample with its 95% interval "
            "where the space is too large to count); outsiders play no part. Its Nash package is "
            "the members' "
            "(Nash 1950); the last column says what it gives each outsider."
        ),
        table(
            [
                "coalition",
                "winning",
                "its own zone",
                "pivotal members",
                "outsiders at its Nash package",
            ],
            rows,
        ),
        Heading(2, "Who can block"),
        BulletList(
            (
                "Veto players of the rule (in every winning coalition): "
                f"{_names(result, result.rule_veto)}.",
                "Veto players in effect (accept every passing package, so nothing passes without "
                f"them): {_names(result, result.veto_in_effect)}.",
                *without,
            )
        ),
        Heading(2, "Power indices of the rule"),
        Paragraph(
            "Exact Shapley–Shubik (Shapley & Shubik 1954) and Banzhaf (Banzhaf 1965; raw, and "
            "normalised to sum to 1) indices of the rule as a weighted voting game; they depend on "
            "the rule only, not on preferences."
        ),
        table(["party", "Shapley–Shubik", "", "Banzhaf (raw)", "normalised"], power_rows),
        Paragraph(
            f"{_plural(result.solves, 'solve')} and {_plural(result.searches, 'search')} "
            f"(Nash package, count) in {result.seconds:.2f} s."
        ),
    ]


def coalitions_section(result: CoalitionsResult, lattice: str | None = None) -> list[Block]:
    """The coalitions as a section of a longer report: the same blocks one heading level down,
    with the lattice figure (its image at ``lattice``) after the table."""
    blocks = coalitions_blocks(result)
    out: list[Block] = [Heading(2, "Coalitions: who has a deal without whom")]
    for b in blocks[1:]:
        out.append(Heading(b.level + 1, b.text) if isinstance(b, Heading) else b)
        if lattice is not None and len(out) == 3:  # heading, paragraph, table: the figure next
            out.append(FigureRef("coalitions", lattice, LATTICE_CAPTION))
    return out
