"""Negotiation protocols in words (:class:`ProtocolResult`): the settings, the history as a table,
the verdict and the agreement, and optionally the single text against a proposal."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from simulator.model import Scenario
from simulator.report.blocks import Block, BulletList, Heading, Paragraph, Table, table
from simulator.report.registry import register
from simulator.results import outcome_dict

if TYPE_CHECKING:
    from simulator.analysis.protocols import ProtocolResult

__all__ = ["comparison_blocks", "protocol_blocks"]


def _short(scenario: Scenario, outcome: tuple[int, ...], previous: tuple[int, ...] | None) -> str:
    """The package, or only the issues that changed from the previous one."""
    pkg = outcome_dict(scenario, outcome)
    if previous is None:
        return ", ".join(f"{k}={v}" for k, v in pkg.items())
    old = outcome_dict(scenario, previous)
    moved = [f"{k}={v}" for k, v in pkg.items() if old[k] != v]
    return ", ".join(moved) if moved else "(same)"


def _settings(result: ProtocolResult) -> str:
    s, st = result.scenario, result.settings
    if result.protocol == "alternating":
        pool = st["pool"]
        kind = "the whole outcome space" if pool["exact"] else "ZOPA frontier + seeded sample"
        lines = [
            "Strategies: "
            + ", ".join(f"{p} {n}" for p, n in st["strategies"].items())
            + f"; order {' → '.join(st['order'])}; acceptance {st['acceptance']}.",
            f"Candidate pool: {pool['size']:,} packages ({kind}).",
        ]
    else:
        who = "neutral" if st["mediator"] == "mediator" else st["mediator"]
        lines = [
            f"Mediator: {who}; starting text: {st['start']}; at most "
            f"{st['max_changes']} issue(s) changed per revision."
        ]
    reservations = ", ".join(f"{p.id} {p.reservation:g}" for p in s.parties)
    lines.append(
        f"Deadline {result.rounds} rounds; seed {result.seed}; reservations {reservations}."
    )
    return "\n".join(lines)


def _history(result: ProtocolResult) -> Table:
    s = result.scenario
    ids = s.party_ids
    rows: list[list[str]] = []
    if result.protocol == "alternating":
        prev: tuple[int, ...] | None = None
        for t in result.history:
            pkg = "accepts" if t.action == "accept" else _short(s, t.outcome, prev)
            if t.action == "offer":
                prev = t.outcome
            target = "" if t.target is None else f"{t.target:.3f}"
            utilities = [f"{u:.3f}" for u in t.utilities]
            rows.append([str(t.round), t.party, t.action, target, *utilities, pkg])
        return table(["round", "party", "action", "target", *ids, "package (changes)"], rows)
    for t in result.history:
        obj = "; ".join(f"{p}: {', '.join(v)}" for p, v in t.objections.items()) or "none"
        ch = ", ".join(f"{i} {a}→{b}" for i, a, b in t.changes) or (
            "(start)" if t.round == 0 else ""
        )
        utilities = [f"{u:.3f}" for u in t.utilities]
        rows.append([str(t.round), *utilities, ", ".join(t.accepted_by) or "nobody", obj, ch])
    return table(["text", *ids, "accepted by", "objections", "changes"], rows)


def _agreement(result: ProtocolResult) -> list[Block]:
    if result.agreement is None:
        return []
    pkg = outcome_dict(result.scenario, result.agreement.outcome)
    out: list[Block] = [
        Paragraph("Agreement:"),
        BulletList(tuple(f"{k}: {v}" for k, v in pkg.items())),
    ]
    d = result.distances
    if d:
        text = (
            f"Distance to the {d['frontier']} Pareto frontier ({d['frontier_size']} points): "
            f"{d['frontier_distance']:.4f} (largest gain one party could get with no loss to "
            f"the others: {d['max_pareto_gain']:.4f})."
        )
        if "nash_distance" in d:
            text += f"\nDistance to the Nash point: {d['nash_distance']:.4f}" + (
                " (it is the Nash package)." if d["is_nash"] else "."
            )
        out.append(Paragraph(text))
    return out


def comparison_blocks(proposal: str, rows: Sequence[Mapping[str, Any]]) -> list[Block]:
    """The single text against a proposal, issue by issue (the rows of
    :func:`~simulator.analysis.protocols.compare_with_proposal`)."""
    cells = []
    for r in rows:
        prop = "open" if r["proposal"] is None else " / ".join(r["proposal"])
        mark = {True: " ✓", False: " ✗", None: ""}[r["same_direction"]]
        cells.append(
            [
                r["issue"],
                r["start"],
                r["final"],
                prop,
                r["text_move"],
                f"{r['proposal_move']}{mark}",
            ]
        )
    same = sum(r["same_direction"] is True for r in rows)
    known = sum(r["same_direction"] is not None for r in rows)
    header = ["issue", "start", "final text", proposal, "text moved", f"{proposal} moved"]
    return [
        Heading(2, f"The text against {proposal}"),
        table(header, cells),
        Paragraph(f"Same direction on {same} of the {known} issues {proposal} addresses."),
    ]


@register("ProtocolResult")
def protocol_blocks(
    result: ProtocolResult,
    *,
    compare: str | None = None,
    comparison: Sequence[Mapping[str, Any]] | None = None,
) -> list[Block]:
    """The run: settings, the history as a table, the verdict in plain words and the agreement;
    with ``compare`` and its ``comparison`` rows, the single text against that proposal."""
    s = result.scenario
    out: list[Block] = [
        Heading(1, f"{result.protocol} negotiation: {s.title or s.name}"),
        Paragraph(_settings(result)),
        Heading(2, "History"),
        _history(result),
    ]
    if result.protocol == "single-text" and result.history:
        asks = [
            f"{p}: " + ", ".join(f"{i}={o} ({g:+.3f})" for i, o, g in wants)
            for p, wants in result.history[-1].requests.items()
            if wants
        ]
        if asks:
            out += [
                Paragraph("Each party's most wanted single changes to the last text:"),
                BulletList(tuple(asks)),
            ]
    out += [Heading(2, "Verdict"), Paragraph(result.verdict), *_agreement(result)]
    if compare is not None and comparison is not None:
        out += comparison_blocks(compare, comparison)
    return out
