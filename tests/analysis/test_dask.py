"""Dask as the executor: the same results as a local run (JSON minus timings), whatever the
number of workers or the chunk size; a clear exit 2 when no scheduler answers."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from simulator.analysis import monte_carlo, scan_concessions, sweep
from simulator.analysis._tasks import DaskExecutor, dask_executor, run_tasks
from simulator.cli import main
from simulator.cli._common import without_timings
from tests.analysis.test_monte_carlo import uncertain_car

distributed = pytest.importorskip(
    "distributed", reason="Dask is an extra: pip install -e '.[distributed]' (make test does)"
)

ROOT = Path(__file__).resolve().parents[2]
CAR = str(ROOT / "scenarios" / "textbook_car.yaml")


@pytest.fixture(scope="module")
def client():
    """Two workers in this process (threads): quick to start, and the tasks still pickle."""
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    )
    with distributed.Client(cluster, set_as_default=False) as c:
        yield DaskExecutor(c)
    cluster.close()


def test_monte_carlo_on_dask_equals_the_local_run(car, client):
    s = uncertain_car(car)
    local = monte_carlo(s, 80, seed=3, workers=1).to_dict()
    for chunk in (7, 40):
        on_dask = monte_carlo(s, 80, seed=3, executor=client, chunk_size=chunk)
        assert on_dask.to_dict() == local
    searched = monte_carlo(s, 30, seed=3, workers=1, method="search").to_dict()
    assert monte_carlo(s, 30, seed=3, executor=client, method="search").to_dict() == searched


def test_sweep_and_scan_on_dask_equal_the_local_run(car, client):
    a = sweep(car, "buyer.reservation", [0.3, 0.5, 0.7, 0.9], workers=1)
    b = sweep(car, "buyer.reservation", [0.3, 0.5, 0.7, 0.9], executor=client)
    assert without_timings(a.to_dict()) == without_timings(b.to_dict())
    c = scan_concessions(car, workers=1)
    d = scan_concessions(car, executor=client)
    assert without_timings(c.to_dict()) == without_timings(d.to_dict())


def test_the_progress_bar_counts_dask_tasks(car, client):
    seen: list[float] = []
    monte_carlo(
        uncertain_car(car),
        40,
        seed=1,
        executor=client,
        chunk_size=10,
        progress=lambda stage, f: seen.append(f),
    )
    assert seen[-1] == 1.0 and len(seen) >= 4


def test_dask_local_on_the_command_line(tmp_path, capsys):
    argv = ["montecarlo", CAR, "--samples", "60", "--seed", "2", "--json", "--no-progress"]
    assert main([*argv, "--workers", "1"]) == 0
    local = json.loads(capsys.readouterr().out)
    assert main([*argv, "--dask-local", "2"]) == 0
    assert json.loads(capsys.readouterr().out) == local


def test_an_unreachable_scheduler_exits_2_and_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("simulator.analysis._tasks.SCHEDULER_TIMEOUT", 1.0)
    figure = tmp_path / "mc.png"
    status = main(
        [
            "montecarlo",
            CAR,
            "--samples",
            "20",
            "--scheduler",
            "tcp://127.0.0.1:9",
            "--plot",
            str(figure),
        ]
    )
    err = capsys.readouterr().err
    assert status == 2 and "Traceback" not in err
    assert "--scheduler tcp://127.0.0.1:9" in err and "no Dask scheduler answered" in err
    assert not figure.exists()


def test_both_dask_options_are_refused(capsys):
    assert (
        main(
            [
                "sweep",
                CAR,
                "--param",
                "buyer.reservation",
                "--values",
                "0.3,0.5",
                "--scheduler",
                "tcp://127.0.0.1:9",
                "--dask-local",
                "1",
            ]
        )
        == 2
    )
    assert "not both" in capsys.readouterr().err


def test_no_executor_without_the_options():
    with dask_executor(None, None) as ex:
        assert ex is None


_SECOND_DONE = threading.Event()


def _second_first(k: int) -> int:
    """Task 0 waits (up to 10 s) until task 1 is ending, then half a second more for the scheduler
    to hear of it: on two workers task 1 completes first."""
    if k == 0:
        _SECOND_DONE.wait(10)
        time.sleep(0.5)
    else:
        _SECOND_DONE.set()
    return k


def test_dask_results_are_noted_as_they_complete_and_returned_in_task_order(client):
    """Written after the seed-5 measurement (``_completed`` for Dask futures): ``note`` is
    "called with each result as it arrives", so on two workers the task that ends first is noted
    first, while the results still come back in task order."""
    _SECOND_DONE.clear()
    seen: list[tuple[str, float]] = []
    out = run_tasks(
        _second_first,
        [(0,), (1,)],
        executor=client,
        progress=lambda stage, fraction: seen.append((stage, fraction)),
        stage="order",
        note=lambda k: f"task {k}",
    )
    assert out == [0, 1]
    assert seen == [("order\ttask 1", 0.5), ("order\ttask 0", 1.0)]
