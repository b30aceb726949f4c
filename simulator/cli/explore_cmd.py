"""``bargain explore SOURCE``: a local web page to edit the scenario and watch the zone move."""

from __future__ import annotations

import argparse

from simulator.cli._common import add_source_argument


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "explore",
        help="open an interactive page: drop red lines, make concessions, watch the zone move",
        description=(
            "Serve a web page on this machine where the scenario can be edited (red lines, "
            "concessions, reservations, weights) and is solved again on every change. Needs the "
            "'explorer' extra. Ctrl-C stops the server."
        ),
    )
    add_source_argument(p)
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only)",
    )
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    p.add_argument(
        "--no-browser", action="store_true", help="print the address without opening a browser"
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from simulator.explorer.server import serve
    from simulator.explorer.session import Explorer

    serve(Explorer.load(args.source), args.host, args.port, open_browser=not args.no_browser)
    return 0
