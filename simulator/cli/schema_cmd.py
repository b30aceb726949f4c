"""``bargain schema``: the JSON Schema of the scenario format, for editors."""

from __future__ import annotations

import argparse

from simulator.cli._common import print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "schema",
        help="print the JSON Schema of the scenario file format",
        description="Print the JSON Schema (draft 2020-12) of the scenario YAML format.",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from simulator.formats.schema import scenario_json_schema

    print_json(scenario_json_schema())
    return 0
