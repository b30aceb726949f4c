"""Sweeps and Monte Carlo in words: how the ZOPA and the Nash point move with one parameter
(:class:`SweepResult`), and what the stated uncertainty gives (:class:`MonteCarloResult`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.model import Scenario
from simulator.report.agreement import rule_words
from simulator.report.blocks import Block, BulletList, Heading, Paragraph, table
from simulator.report.registry import register
from simulator.results import outcome_dict

if TYPE_CHECKING:
    from simulator.analysis.monte_carlo import MonteCarloResult
    from simulator.analysis.sensitivity import SweepResult

__all__ = ["montecarlo_blocks", "sweep_blocks"]


def _package(scenario: Scenario, outcome: tuple[int, ...]) -> str:
    return ", ".join(f"{k}={v}" for k, v in outcome_dict(scenario, outcome).items())


@register("SweepResult")
def sweep_blocks(result: SweepResult) -> list[Block]:
    """The sweep: the ZOPA and the Nash utilities per value, and the break-even points."""
    s = result.scenario
    parties = s.party_ids
    rows = []
    for value, zopa, nash in zip(result.values, result.zopa, result.solution("nash"), strict=True):
        cells = ["-"] * len(parties) if nash is None else [f"{u:.3f}" for u in nash.utilities]
        rows.append([f"{value:g}", f"{zopa:,}", *cells])
    found = [f"{b.what} between {b.lo:g} and {b.hi:g}" for b in result.break_even]
    stopped = []
    if result.stopped is not None:
        requested, seconds = result.stopped
        stopped = [
            Paragraph(
                f"**Stopped at the time limit:** {len(result.values):,} of the {requested:,} "
                f"values, spread over the whole range (solved coarse to fine; the next round "
                f"would have ended past {seconds:g} s). A break-even point may hide between "
                "two values solved; give a longer --time-limit for the finer grid."
            )
        ]
    return [
        Heading(1, f"Sweep of {result.param}: {s.title or s.name}"),
        Paragraph(f"Baseline value: {result.param.current(s):g}"),
        *stopped,
        table(["value", "ZOPA", *(f"Nash {p}" for p in parties)], rows),
        Heading(2, "Break-even points"),
        BulletList(tuple(found or ["none on this grid"])),
    ]


def _varied(vary: tuple[str, ...]) -> str:
    """Nothing when everything varies (the default), else what did."""
    every = ("weights", "reservations", "red_lines")
    if vary == every:
        return ""
    words = {"weights": "weights", "reservations": "reservation values", "red_lines": "red lines"}
    kept = [words[v] for v in every if v not in vary]
    return f" Varied: {', '.join(words[v] for v in vary)}; as stated: {', '.join(kept)}."


def _warnings(warnings: list[dict[str, Any]]) -> list[Block]:
    """The caveats the sample size calls for, one sentence each."""
    words = []
    for w in warnings:
        if w["kind"] == "wide_interval":
            words.append(
                f"**Caution:** the 95% interval is {w['width']:.2f} wide; about "
                f"{w['samples_needed']:,} samples would narrow it to {w['limit']:.1f}."
            )
        elif w["kind"] == "few_samples":
            words.append(
                f"**Caution:** only {w['samples']} samples (fewer than {w['limit']}): the "
                "frequencies below, the most robust package included, are rough guesses."
            )
        elif w["kind"] == "time_limit":
            words.append(
                f"**Stopped at the time limit:** {w['samples']:,} of the {w['requested']:,} "
                f"samples asked for (the samples double each round, and the next round would "
                f"have ended past {w['seconds']:g} s). This is exactly the result of a run of "
                f"{w['samples']:,} samples with the same seed; give a longer --time-limit for more."
            )
    return [Paragraph(" ".join(words))] if words else []


@register("MonteCarloResult")
def montecarlo_blocks(result: MonteCarloResult, *, top: int = 10) -> list[Block]:
    """The Monte Carlo run: P(ZOPA) with its Wilson interval, the ``top`` Nash packages, the
    proposals' chances and the most robust package (under a decision rule: packages that pass)."""
    s = result.scenario
    lo, hi = result.ci95
    ruled = s.agreement is not None
    event = f"some package passes ({rule_words(s)} must accept)" if ruled else "ZOPA not empty"
    out: list[Block] = [
        Heading(1, f"Monte Carlo: {s.title or s.name}"),
        Paragraph(
            f"{result.samples:,} samples, seed {result.seed}, method {result.method}. "
            f"P({event}) = {result.p_zopa:.3f} (95% Wilson interval {lo:.3f}-{hi:.3f})."
            + (
                ""
                if result.p_zopa_exact is None
                else f" The exact value, with the red lines the only uncertainty: "
                f"{result.p_zopa_exact:.3f}."
            )
            + _varied(result.vary)
        ),
        *_warnings(result.warnings),
        Heading(2, "Nash outcomes"),
        table(
            ["frequency", "package"],
            [[f"{freq:.3f}", _package(s, o)] for o, freq in result.nash_packages(top)],
        ),
    ]
    inside = "passes the decision rule" if ruled else "is in the ZOPA"
    if result.proposals:
        out += [
            Heading(2, f"Proposals: probability that some package they allow {inside}"),
            BulletList(tuple(f"{pid}: {p:.3f}" for pid, p in result.proposals.items())),
        ]
    out.append(Heading(2, "Most robust package"))
    if result.robust is None:
        none = "passes in any sample" if ruled else "is in the ZOPA of any sample"
        return [*out, Paragraph(f"No package {none}.")]
    share = result.robust_count / result.samples
    where = "Passes in" if ruled else "In the ZOPA of"
    return [
        *out,
        Paragraph(
            f"{where} {share:.3f} of the samples ({result.robust_scope}): "
            f"{_package(s, result.robust)}"
        ),
    ]
