"""``bargain convert SOURCE -o FILE``: write any readable scenario as our YAML.

The source can be anything a loader reads, e.g. a GENIUS folder.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from simulator.cli._common import add_source_argument, load_source, print_json, write_files
from simulator.errors import ScenarioError
from simulator.formats import dump_scenario_yaml


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "convert",
        help="convert a scenario (e.g. a GENIUS/ANAC folder) to the YAML scenario format",
        description=(
            "Read a scenario file or GENIUS/ANAC folder and write it in the YAML scenario format. "
            "The YAML gives identical results: weights are kept exactly as read "
            "(normalize_weights: false)."
        ),
    )
    add_source_argument(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the YAML file to write")
    p.add_argument(
        "--force", action="store_true", help="overwrite FILE if it exists (never the source)"
    )
    p.add_argument("--json", action="store_true", help="print what was written as JSON")
    p.set_defaults(run=run)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def run(args: argparse.Namespace) -> int:
    out = Path(args.output)
    if out.suffix not in (".yaml", ".yml"):
        raise ScenarioError(f"--output {out} must end in .yaml or .yml")
    if out.exists() and not out.is_dir():
        if _same_file(out, Path(args.source)):
            raise ScenarioError(f"--output {out} is the source itself; give another file")
        if not args.force:
            raise ScenarioError(f"--output {out} exists; add --force to overwrite it")
    scenario = load_source(args.source)
    text = dump_scenario_yaml(scenario)
    header = f"# Converted by `bargain convert` from {args.source}\n"
    write_files(out.parent if str(out.parent) else ".", {out.name: header + text})
    summary = {
        "source": args.source,
        "output": str(out),
        "issues": len(scenario.issues),
        "parties": len(scenario.parties),
        "outcomes": scenario.n_outcomes,
    }
    if args.json:
        print_json(summary)
    else:
        print(
            f"wrote {out}: {summary['issues']} issues, {summary['parties']} parties, "
            f"{summary['outcomes']:,} outcomes"
        )
    return 0
