"""The explorer's latency: 50 typical changes on the December snapshot, sent through the API.

Each change is a state the server has not seen (no cache hit). A real server runs on this
machine (its figure workers included), and each change sends what the page sends, as the page
sends it, in two rounds of requests made together:

- ``/api/view`` (with the figure pair, so the server starts drawing the figures), ``/api/solve``,
  ``/api/options``;
- the utility space of two parties with the proposals (SVG), the issue-space figure (SVG) and
  ``/api/evaluate`` (the proposals' table).

The *first answer* is the verdict, the counts, the Nash package, the zone's share of every option
and the utility-space figure; the *complete page* is every request of both rounds answered.
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
from concurrent.futures import ThreadPoolExecutor
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


#: The page's requests after one change, in its two rounds: the first answer, then the rest.
FIRST = ("view", "solve", "options", "utility_space figure")
REST = ("issue-space figure", "evaluate")


def measure(n: int = 50) -> dict[str, list[float]]:
    """Seconds per change, against a real server on this machine, with the page's requests sent
    as the page sends them: ``view``, ``solve`` and ``options`` together; then the two figures
    and ``evaluate`` together. Each request's time runs from the start of its round. Also the CPU
    seconds of the server's process and its figure workers for the whole change, and
    ``simulator.solve`` of the same edited scenario alone, the baseline."""
    import httpx

    from simulator.analysis.edits import apply_edits
    from simulator.explorer.server import start_in_background
    from simulator.solver import solve

    server = start_in_background(DECEMBER)
    explorer_scenario = _load()
    pair = ",".join(p.id for p in explorer_scenario.parties[:2])
    times: dict[str, list[float]] = {}
    with httpx.Client(base_url=server.url, timeout=120) as client, ThreadPoolExecutor(4) as pool:

        def request(step: str, start: float, method: str, path: str, **kw: Any) -> float:
            response = client.request(method, path, **kw)
            assert response.status_code == 200, (step, response.text[:200])
            done = time.perf_counter()
            times.setdefault(step, []).append(done - start)
            return done

        def round_(calls: list[tuple[str, str, str, dict[str, Any]]]) -> dict[str, float]:
            start = time.perf_counter()
            futures = {c[0]: pool.submit(request, c[0], start, c[1], c[2], **c[3]) for c in calls}
            return {step: f.result() for step, f in futures.items()}

        def one_change(edits: list[str]) -> tuple[float, float]:
            body = {"edits": edits}
            start = time.perf_counter()
            round_(
                [
                    ("view", "POST", "/api/view", {"json": {**body, "pair": pair}}),
                    ("solve", "POST", "/api/solve", {"json": body}),
                    ("options", "POST", "/api/options", {"json": body}),
                ]
            )
            figure = {"edit": edits, "pair": pair}
            done = round_(
                [
                    (
                        "utility_space figure",
                        "GET",
                        "/api/figure/utility_space.svg",
                        {"params": figure},
                    ),
                    (
                        "issue-space figure",
                        "GET",
                        "/api/figure/option_map.svg",
                        {"params": {"edit": edits}},
                    ),
                    ("evaluate", "POST", "/api/evaluate", {"json": body}),
                ]
            )
            return done["utility_space figure"] - start, max(done.values()) - start

        one_change([])  # warm up: imports, fonts, the figure workers
        times.clear()
        for edits in typical_changes(explorer_scenario)[:n]:
            cpu = _cpu_seconds()
            first, complete = one_change(edits)
            times.setdefault("complete page CPU", []).append(_cpu_seconds() - cpu)
            times.setdefault("first answer", []).append(first)
            times.setdefault("complete page", []).append(complete)
            edited = apply_edits(explorer_scenario, edits)
            start = time.perf_counter()
            solve(edited)
            times.setdefault("solve alone", []).append(time.perf_counter() - start)
    server.stop()
    return times


def _load():  # type: ignore[no-untyped-def]
    from simulator.formats import load_scenario

    return load_scenario(DECEMBER)


def _cpu_seconds() -> float:
    """CPU seconds of this process (the server's threads) and of its children (the figure
    workers), read from /proc where there is one."""
    total = time.process_time()
    tick = os.sysconf("SC_CLK_TCK")
    for children in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        for pid in children.read_text().split():
            stat = Path(f"/proc/{pid}/stat")
            if stat.exists():
                fields = stat.read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
    return total


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
