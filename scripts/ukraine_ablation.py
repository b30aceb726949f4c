"""The Ukraine ablation table: ZOPA sizes when one line of each red-line conflict is dropped.

Every deal in the two Ukraine snapshots must cross one line of each of the two conflicts (Donbas
and NATO), so there are four two-line drop sets. This script re-solves each of them exactly (one
counting pass of the ZOPA per cell) under several coding variants of the model and prints the
table, or writes it into ``docs/ukraine-model.md`` between the ``ablation`` markers::

    python scripts/ukraine_ablation.py            # print the tables (progress on stderr)
    python scripts/ukraine_ablation.py --write    # also rewrite the block in the doc
    python scripts/ukraine_ablation.py --check    # exit 1 if the doc's block is out of date

The variants (docs/ukraine-model.md §5 states the coding protocol they vary):

- ``shipped``: the files as they are;
- ``fs_only``: without the red lines of Russia and Ukraine that the protocol adds to the FS §6.1
  table (those whose source cites "protocol rule 2"): what the verdict owes to them;
- ``no_neutrality``: without the consistency constraint that keeps permanent neutrality apart
  from alliance guarantees and foreign forces;
- ``ru_arms_mobilisation``: with Russia's arms and mobilisation conditions of seed 004 coded as red
  lines (the protocol rejects them, §5): what that rejection changes.

It uses the public API only and takes about a minute on one core.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import simulator
from simulator.compiled import compile_scenario
from simulator.model import Rule, Scenario
from simulator.solver import count_zopa, zopa_threshold

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "ukraine-model.md"
START, END = "<!-- ablation:start -->", "<!-- ablation:end -->"

#: snapshot -> (file, Russia's Donbas and NATO lines, Ukraine's Donbas and NATO lines)
SNAPSHOTS = {
    "24 Dec": (
        "ukraine_2025-12.yaml",
        ("donbas_withdrawal_at_least_3", "nato_at_least_3"),
        ("donbas_withdrawal_at_most_1", "nato_at_most_2"),
    ),
    "21 Nov": (
        "ukraine_2025-11.yaml",
        ("donbas_withdrawal_at_least_3", "nato_at_least_3"),
        ("donbas_withdrawal_at_most_0", "nato_at_most_1"),
    ),
}
#: the four drop sets: (whose Donbas line, whose NATO line) is dropped
DROP_SETS = (
    ("russia", "russia"),
    ("russia", "ukraine"),
    ("ukraine", "russia"),
    ("ukraine", "ukraine"),
)
SHORT = {"russia": "RU", "ukraine": "UA"}


def _with_red_lines(
    scenario: Scenario, keep: Callable[[str, Rule], bool], add: dict[str, tuple[Rule, ...]]
) -> Scenario:
    parties = tuple(
        dataclasses.replace(
            p, red_lines=tuple(r for r in p.red_lines if keep(p.id, r)) + add.get(p.id, ())
        )
        for p in scenario.parties
    )
    return dataclasses.replace(scenario, parties=parties)


def _shipped(s: Scenario) -> Scenario:
    return s


def _fs_only(s: Scenario) -> Scenario:
    return _with_red_lines(
        s,
        lambda party, r: not (party in SHORT and "protocol rule 2" in (r.source or "")),
        {},
    )


def _no_neutrality(s: Scenario) -> Scenario:
    kept = tuple(c for c in s.constraints if not c.id.startswith("neutrality_excludes"))
    assert len(kept) == len(s.constraints) - 1
    return dataclasses.replace(s, constraints=kept)


RU_ARMS = Rule(
    "arms_deliveries_end",
    "at_least",
    issue="arms_deliveries",
    bound="end_foreign_deliveries",
    probability=0.6,
)
RU_MOBILISATION = Rule(
    "mobilization_ends",
    "at_least",
    issue="mobilization",
    bound="demobilise_after_final_deal",
    probability=0.6,
)


def _ru_arms_mobilisation(s: Scenario) -> Scenario:
    return _with_red_lines(s, lambda party, r: True, {"russia": (RU_ARMS, RU_MOBILISATION)})


#: variant key -> (label in the table, scenario transform)
VARIANTS: dict[str, tuple[str, Callable[[Scenario], Scenario]]] = {
    "shipped": ("as shipped (coding protocol, §5)", _shipped),
    "fs_only": ("without the protocol's lines beyond FS §6.1 (RU 5, UA 6)", _fs_only),
    "no_neutrality": ("without the neutrality constraint (§8)", _no_neutrality),
    "ru_arms_mobilisation": (
        "with Russia's arms and mobilisation conditions (rejected, §5)",
        _ru_arms_mobilisation,
    ),
}


def zopa_size(scenario: Scenario, drop: dict[str, set[str]]) -> int:
    """The exact number of packages in the ZOPA of ``scenario`` without the red lines ``drop``
    (party id -> red-line ids)."""
    s = _with_red_lines(scenario, lambda party, r: r.id not in drop.get(party, set()), {})
    cs = compile_scenario(s)
    n, exact = count_zopa(cs, zopa_threshold(cs, cs.reservation), None, None)
    assert exact
    return n


def cells(
    variants: tuple[str, ...] = tuple(VARIANTS), snapshots: tuple[str, ...] = tuple(SNAPSHOTS)
) -> Iterator[tuple[str, str, int, int]]:
    """Yield ``(snapshot, variant, drop-set index, ZOPA size)`` for every cell, in table order."""
    for snap in snapshots:
        name, ru, ua = SNAPSHOTS[snap]
        base = simulator.load_scenario(ROOT / "scenarios" / name)
        lines = {"russia": ru, "ukraine": ua}
        for key in variants:
            scenario = VARIANTS[key][1](base)
            for k, (donbas, nato) in enumerate(DROP_SETS):
                drop: dict[str, set[str]] = {"russia": set(), "ukraine": set()}
                drop[donbas].add(lines[donbas][0])
                drop[nato].add(lines[nato][1])
                yield snap, key, k, zopa_size(scenario, drop)


def table(values: dict[tuple[str, str, int], int]) -> str:
    """The Markdown tables (one per snapshot) of ``values[(snapshot, variant, k)]``."""
    head = " | ".join(f"{SHORT[d]} Donbas + {SHORT[n]} NATO" for d, n in DROP_SETS)
    out = []
    for snap in SNAPSHOTS:
        out += [f"**{snap}** (ZOPA packages; lines dropped in the column head)", ""]
        out += [f"| variant | {head} |", "|---" * (len(DROP_SETS) + 1) + "|"]
        for key, (label, _) in VARIANTS.items():
            row = [f"{values[(snap, key, k)]:,}" for k in range(len(DROP_SETS))]
            out.append(f"| {label} | " + " | ".join(row) + " |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def replace_block(text: str, block: str) -> str:
    """``text`` with the part between the ablation markers replaced by ``block``."""
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{DOC}: the markers {START} ... {END} are missing")
    return pattern.sub(lambda _: f"{START}\n{block}{END}", text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help="rewrite the table in the doc")
    group.add_argument("--check", action="store_true", help="exit 1 if the doc is out of date")
    args = parser.parse_args(argv)
    total = len(SNAPSHOTS) * len(VARIANTS) * len(DROP_SETS)
    values: dict[tuple[str, str, int], int] = {}
    t0 = time.monotonic()
    for i, (snap, key, k, n) in enumerate(cells(), 1):
        values[(snap, key, k)] = n
        print(
            f"[{i}/{total}] {snap} {key} drop set {k + 1}: {n:,} ({time.monotonic() - t0:.0f} s)",
            file=sys.stderr,
            flush=True,
        )
    block = table(values)
    text = DOC.read_text(encoding="utf-8")
    if args.check:
        ok = replace_block(text, block) == text
        print("up to date" if ok else f"{DOC} is out of date: run with --write")
        return 0 if ok else 1
    print(block, end="")
    if args.write:
        DOC.write_text(replace_block(text, block), encoding="utf-8")
        print(f"wrote {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
