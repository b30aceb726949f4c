"""Benchmarks (pytest-benchmark). Run with ``make bench`` or ``pytest benchmarks``.

Each benchmark stores its throughput and its ratio to a baseline measured in the same run in
``benchmark.extra_info``, and the session prints a summary table at the end.
"""

from __future__ import annotations

import pytest

RESULTS: list[dict[str, object]] = []


@pytest.fixture
def record():
    def _record(**row: object) -> None:
        RESULTS.append(row)

    return _record


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if not RESULTS:
        return
    terminalreporter.section("throughput")
    keys: list[str] = []
    for row in RESULTS:
        keys += [k for k in row if k not in keys]
    terminalreporter.write_line(" | ".join(keys))
    for row in RESULTS:
        cells = []
        for k in keys:
            v = row.get(k, "")
            cells.append(f"{v:.4g}" if isinstance(v, float) else str(v))
        terminalreporter.write_line(" | ".join(cells))
