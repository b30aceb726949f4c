"""The explorer's latency: 50 typical changes on the December snapshot, sent through the API.

Each change is a state the server has not seen (no cache hit). For each one it measures what the
page asks for, in the page's order, one request after the other (the page sends some of them
together; on two cores that overlaps little, so this is the conservative figure):

- *first answer*: ``/api/view``, ``/api/solve``, ``/api/options`` and the utility space of two
  parties with the proposals (SVG): the verdict, the counts, the Nash package, the zone's share of
  every option and the first figure;
- *complete page*: then the issue-space figure (SVG) and ``/api/evaluate`` (the proposals' table).
  Target: p95 <= 1 s on a quiet machine.

It prints p50, p95 and the maximum of every request, of the first answer and of the complete page,
the CPU seconds of the complete page (on a shared machine the wall time measures the other work as
much as the explorer), the load average, and the complete page's median as a multiple of a plain
``simulator.solve`` of the same edits, measured in the same run.

Run alone (prints the distribution)::

    python benchmarks/test_explorer_latency.py

or with the benchmarks: ``pytest benchmarks/test_explorer_latency.py -s``.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DECEMBER = str(ROOT / "scenarios" / "ukraine_2025-12.yaml")
TARGET_P95 = 1.0


def typical_changes(scenario) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """50 edit lists an analyst makes: red lines dropped (alone and two at a time), concessions,
    reservations moved within their stated range, weights changed."""
    drops = [f"{p.id} drops redline {r.id}" for p in scenario.parties for r in p.red_lines]
    changes: list[list[str]] = [[d] for d in drops[:18]]
    changes += [
        ["ukraine drops redline donbas_withdrawal_at_most_1"],
        [
            "ukraine drops redline donbas_withdrawal_at_most_1",
            "ukraine drops redline nato_at_most_2",
        ],
    ]
    changes += [[drops[k], drops[k + 5]] for k in range(0, 12, 2)]
    for issue in scenario.issues[:10]:
        party = scenario.parties[len(changes) % len(scenario.parties)]
        option = issue.options[len(issue.options) // 2].id
        changes.append([f"{party.id} concedes {issue.id}={option}"])
    for party in scenario.parties:
        span = party.reservation_range
        low, high = (span.low, span.high) if span else (party.reservation - 0.1, party.reservation)
        for x in (low, (low + high) / 2, high):
            changes.append([f"{party.id} reservation ={round(x, 3)}"])
    for party in scenario.parties:
        issue = next(i for i in scenario.issues if party.weight(i.id) > 0)
        changes.append([f"{party.id} weight {issue.id} *1.5"])
    unique = {tuple(c): c for c in changes}  # each change a state the server has not seen
    return list(unique.values())[:50]


#: The page's requests after one change, in its order: the first answer, then the rest.
FIRST = ("view", "solve", "options", "utility_space figure")
REST = ("issue-space figure", "evaluate")


def measure(n: int = 50) -> dict[str, list[float]]:
    """Seconds per change: each request, the first answer, the complete page, and the CPU seconds
    of the complete page (server threads included); ``solve alone`` is ``simulator.solve`` of the
    same edited scenario, the baseline the page is compared with."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from simulator.analysis.edits import apply_edits
    from simulator.explorer import Explorer, create_app
    from simulator.solver import solve

    explorer = Explorer.load(DECEMBER)
    client = TestClient(create_app(explorer))
    pair = ",".join(p.id for p in explorer.scenario.parties[:2])
    client.post("/api/solve", json={"edits": []})  # warm up: imports, matplotlib fonts
    client.get("/api/figure/utility_space.svg", params={"pair": pair})
    client.get("/api/figure/option_map.svg")
    times: dict[str, list[float]] = {}

    def timed(step: str, method: str, path: str, **kwargs: Any) -> None:
        start = time.perf_counter()
        response = client.request(method, path, **kwargs)
        times.setdefault(step, []).append(time.perf_counter() - start)
        assert response.status_code == 200, (step, response.text[:200])

    for edits in typical_changes(explorer.scenario)[:n]:
        body = {"edits": edits}
        start, start_cpu = time.perf_counter(), time.process_time()
        for path in ("view", "solve", "options"):
            timed(path, "POST", f"/api/{path}", json=body)
        query = {"edit": edits, "pair": pair}
        timed("utility_space figure", "GET", "/api/figure/utility_space.svg", params=query)
        times.setdefault("first answer", []).append(time.perf_counter() - start)
        timed("issue-space figure", "GET", "/api/figure/option_map.svg", params={"edit": edits})
        timed("evaluate", "POST", "/api/evaluate", json=body)
        times.setdefault("complete page", []).append(time.perf_counter() - start)
        times.setdefault("complete page CPU", []).append(time.process_time() - start_cpu)
        edited = apply_edits(explorer.scenario, edits)
        start = time.perf_counter()
        solve(edited)
        times.setdefault("solve alone", []).append(time.perf_counter() - start)
    return times


def summary(times: list[float]) -> str:
    q = statistics.quantiles(times, n=20, method="inclusive")
    return (
        f"n={len(times)} p50={statistics.median(times):.3f} p95={q[-1]:.3f} max={max(times):.3f} s"
    )


def report(times: dict[str, list[float]], load_before: float) -> None:
    """Print the distribution of every step, the load, and the ratio to the baseline."""
    print(f"load average (1 min): {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    for name in (*FIRST, "first answer", *REST, "complete page", "complete page CPU"):
        print(f"{name:>22}: {summary(times[name])}")
    print(f"{'solve alone':>22}: {summary(times['solve alone'])} (baseline)")
    ratio = statistics.median(times["complete page"]) / statistics.median(times["solve alone"])
    print(f"complete page / solve alone (medians): {ratio:.1f}x")


@pytest.mark.slow
def test_explorer_latency(record) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("fastapi")
    load = os.getloadavg()[0]
    results = measure()
    report(results, load)
    for name in ("first answer", "complete page"):
        p95 = statistics.quantiles(results[name], n=20)[-1]
        record(benchmark=f"explorer {name}", p95=round(p95, 3))
    assert statistics.quantiles(results["complete page"], n=20)[-1] <= TARGET_P95 * 3  # noisy CI


if __name__ == "__main__":
    load = os.getloadavg()[0]
    report(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 50), load)
    sys.exit(0)
