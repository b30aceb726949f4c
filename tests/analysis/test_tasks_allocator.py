"""Tasks in a process whose allocator was pinned (a Dask nanny's ``MALLOC_TRIM_THRESHOLD_``) run
with room in the allocator, and the process's settings come back after the last one."""

from __future__ import annotations

from typing import NoReturn

import numpy as np
import pytest

import simulator.analysis._tasks as tasks
from simulator.analysis._tasks import roomy_allocator, run_tasks


class Inline:
    """An executor that runs each task at once; its futures are of no kind ``run_tasks`` can wait
    on as they complete, so it reads them in task order."""

    def submit(self, fn, *args):
        value = fn(*args)
        return type("Future", (), {"result": lambda self: value})()


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def __call__(self, param: int, value: int) -> int:
        self.calls.append((param, value))
        return 1


def test_a_pinned_allocator_gets_room_and_its_settings_back(monkeypatch):
    calls = Recorder()
    monkeypatch.setattr(tasks, "_mallopt", lambda: calls)
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    with roomy_allocator():
        assert dict(calls.calls) == {-3: 32 << 20, -1: 128 << 20}
        with roomy_allocator():  # a second task in another thread: nothing more
            pass
        assert len(calls.calls) == 2
    assert calls.calls[2:] == [(-3, 128 << 10), (-1, 65536)]  # glibc's fixed default, the pin


def test_an_adaptive_allocator_is_left_alone(monkeypatch):
    calls = Recorder()
    monkeypatch.setattr(tasks, "_mallopt", lambda: calls)
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    with roomy_allocator():
        pass
    assert calls.calls == []


def test_every_executor_task_runs_with_room(monkeypatch):
    calls = Recorder()
    monkeypatch.setattr(tasks, "_mallopt", lambda: calls)
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    seen = []

    def task(k: int) -> int:
        seen.append(tasks._roomy_tasks[0])
        return k * k

    assert run_tasks(task, [(1,), (2,), (3,)], executor=Inline()) == [1, 4, 9]
    assert seen == [1, 1, 1] and len(calls.calls) == 12


def test_the_real_allocator_answers(monkeypatch):
    """On glibc (this project's Linux CI) ``mallopt`` is found and a block runs under it."""
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    assert tasks._mallopt() is not None
    with roomy_allocator():
        assert float(np.ones(1 << 20).sum()) == float(1 << 20)
    assert tasks._roomy_tasks[0] == 0


def _square(x: int) -> int:
    return x * x


def test_an_executor_of_unknown_futures_reports_each_result_in_task_order():
    seen = []
    out = run_tasks(
        _square,
        [(k,) for k in range(4)],
        executor=Inline(),
        progress=lambda stage, fraction: seen.append((stage, fraction)),
        stage="squares",
        note=lambda r: f"last {r}",
    )
    assert out == [0, 1, 4, 9]
    assert seen == [(f"squares\tlast {k * k}", (k + 1) / 4) for k in range(4)]


def _pid_of(k: int) -> tuple[int, int]:
    import os

    return k, os.getpid()


def test_two_workers_run_the_tasks_in_worker_processes_in_task_order():
    """With ``workers=2`` and no executor the tasks run in a local pool of worker processes, not
    in this one, and come back in task order."""
    import os

    out = run_tasks(_pid_of, [(k,) for k in range(4)], workers=2)
    assert [k for k, _ in out] == [0, 1, 2, 3]
    assert os.getpid() not in {pid for _, pid in out}


def test_a_worker_leaves_ctrl_c_to_its_parent():
    """Written after the seed-5 measurement (``_ignore_interrupts``, which mutmut saw no test
    call: it runs in the workers). What a worker runs first makes SIGINT, which a terminal sends to
    the whole process group, ignored there; here it runs in this process, the handler restored
    after."""
    import os
    import signal

    before = signal.getsignal(signal.SIGINT)
    try:
        tasks._ignore_interrupts()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        os.kill(os.getpid(), signal.SIGINT)  # ignored: no KeyboardInterrupt
    finally:
        signal.signal(signal.SIGINT, before)


def _fail_once_the_other_runs(mark: str) -> NoReturn:
    import pathlib
    import time

    for _ in range(500):  # up to 5 s: wait until the other task has started
        if pathlib.Path(mark).exists():
            break
        time.sleep(0.01)
    raise ValueError("this task failed")


def _run_long(mark: str) -> int:
    import os
    import pathlib
    import time

    pathlib.Path(mark).write_text(str(os.getpid()))
    time.sleep(60)
    return 0


def _fail_or_run_long(kind: str, mark: str) -> int:
    """A top-level task (it pickles): fail, or run for a minute."""
    if kind == "fail":
        _fail_once_the_other_runs(mark)
    return _run_long(mark)


def test_a_failed_task_stops_the_pool_at_once(tmp_path):
    """Written after the seed-5 measurement (``_stop``): with ``workers=2`` a task that fails is
    raised at once, not after the other task's minute, and the worker still running it is ended
    (the module's "stop now, not after every queued task")."""
    import os
    import time

    mark = str(tmp_path / "started")
    began = time.perf_counter()
    with pytest.raises(ValueError, match="this task failed"):
        run_tasks(_fail_or_run_long, [("fail", mark), ("long", mark)], workers=2)
    assert time.perf_counter() - began < 10
    pid = int((tmp_path / "started").read_text())
    for _ in range(500):  # ended by _stop (joined there): give the OS a moment to reap it
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.01)
    else:
        raise AssertionError(f"the worker {pid} running the long task is still alive")
