"""Running many independent solves: in-process, in local processes or on any executor.

An *executor* is any object with ``submit(fn, *args)`` returning a future with ``result()``: a
:class:`concurrent.futures.Executor` (thread or process pool), a ``dask.distributed.Client`` or
the :func:`dask_executor` that connects to a Dask cluster (or starts a local one). The results come
back in task order whatever the executor, so analyses do not depend on it.
"""

from __future__ import annotations

import concurrent.futures
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import numpy as np

from simulator.compiled import FloatArray, compile_scenario
from simulator.errors import ScenarioError
from simulator.model import Scenario
from simulator.progress import Progress
from simulator.results import Point
from simulator.solver import SOLUTIONS, count_deals, exists_deal, solve

__all__ = [
    "DaskExecutor",
    "Executor",
    "Summary",
    "chunked",
    "dask_executor",
    "roomy_allocator",
    "run_tasks",
    "summarise",
    "zopa_count",
    "zopa_exists",
]

T = TypeVar("T")


class _Future(Protocol):
    def result(self) -> Any: ...


class Executor(Protocol):
    """What the analyses need of an executor: ``submit(fn, *args) -> future`` with ``result()``."""

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> _Future: ...


@dataclass(frozen=True, eq=False)
class Summary:
    """What the analyses keep of one solve: ZOPA count, solutions, disagreement point."""

    zopa: int
    solutions: dict[str, Point | None]
    disagreement: FloatArray

    @property
    def nash(self) -> Point | None:
        return self.solutions.get("nash")

    def nash_product(self) -> float | None:
        """``prod_p (u_p - d_p)`` at the Nash point, None when the ZOPA is empty."""
        point = self.nash
        if point is None:
            return None
        return float(np.prod(np.maximum(np.asarray(point.utilities) - self.disagreement, 0.0)))


def summarise(scenario: Scenario) -> Summary:
    """Solve ``scenario`` and keep its :class:`Summary` (a top-level function: it pickles).

    An empty ZOPA is recognised by an existence search first, which skips the solver's
    closest-to-agreement passes the analyses do not need.
    """
    cs = compile_scenario(scenario)
    if not exists_deal(cs):  # under the scenario's decision rule, as the solve
        return Summary(0, dict.fromkeys(SOLUTIONS), cs.reservation.copy())
    result = solve(cs)
    return Summary(result.counts.zopa, dict(result.solutions), result.disagreement)


def zopa_count(scenario: Scenario) -> int:
    """The exact number of outcomes in the ZOPA, or passing under the scenario's decision rule
    (one counting pass, no frontier)."""
    return count_deals(compile_scenario(scenario))


def zopa_exists(scenario: Scenario) -> bool:
    """Whether the ZOPA is not empty, or some package passes under the scenario's decision rule
    (the search stops at the first outcome found)."""
    return exists_deal(compile_scenario(scenario))


def _ignore_interrupts() -> None:
    """In a worker: leave Ctrl-C (sent to the whole process group) to the parent, which stops
    the pool; otherwise every worker prints its own traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    """Cancel the queued tasks and end the workers at once (a running task may take long)."""
    workers = list((getattr(pool, "_processes", None) or {}).values())  # private; no other handle
    pool.shutdown(wait=False, cancel_futures=True)
    for process in workers:
        process.terminate()
    for process in workers:
        process.join(timeout=5)


def chunked(samples: int, size: int) -> list[range]:
    """The sample numbers of each task, as ranges (a task's list would be built whole).

    >>> chunked(5, 2)
    [range(0, 2), range(2, 4), range(4, 5)]
    """
    return [range(a, min(a + size, samples)) for a in range(0, samples, size)]


class DaskExecutor:
    """A ``dask.distributed.Client`` as an :class:`Executor`: every task is submitted as impure
    (never merged with an equal one), and ``workers`` is the cluster's worker count."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)

    @property
    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info().get("workers", {})))


#: Seconds to wait for a Dask scheduler to answer.
SCHEDULER_TIMEOUT = 10.0


@contextmanager
def dask_executor(
    scheduler: str | None = None,
    local_workers: int | None = None,
    *,
    timeout: float | None = None,
) -> Iterator[DaskExecutor | None]:
    """A Dask executor for the length of a ``with`` block: connected to the scheduler at
    ``scheduler`` (``tcp://host:port``), or a ``LocalCluster`` of ``local_workers`` processes
    (one thread each) started and stopped here; None when neither is given.

    Raises
    ------
    ScenarioError
        When both are given, Dask is not installed (the ``distributed`` extra), the local
        cluster is asked for fewer than one worker, or no scheduler answers within ``timeout``
        (default :data:`SCHEDULER_TIMEOUT`).
    """
    if scheduler is None and local_workers is None:
        yield None
        return
    if scheduler is not None and local_workers is not None:
        raise ScenarioError("give --scheduler or --dask-local, not both")
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ScenarioError(
            "--scheduler and --dask-local need Dask: pip install 'bargain[distributed]'"
        ) from None
    if scheduler is not None:
        timeout = SCHEDULER_TIMEOUT if timeout is None else timeout
        try:
            client = Client(scheduler, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as e:
            raise ScenarioError(
                f"--scheduler {scheduler}: no Dask scheduler answered within {timeout:g} s "
                f"({type(e).__name__}: {e}); start one with `dask scheduler` or check the address"
            ) from None
        try:
            yield DaskExecutor(client)
        finally:
            client.close()
        return
    assert local_workers is not None
    if local_workers < 1:
        raise ScenarioError(f"--dask-local must be >= 1, got {local_workers}")
    cluster = LocalCluster(n_workers=local_workers, threads_per_worker=1, dashboard_address=None)
    try:
        with Client(cluster, set_as_default=False) as client:
            yield DaskExecutor(client)
    finally:
        cluster.close()


#: glibc's ``mallopt`` parameters (``malloc.h``): trim threshold and mmap threshold.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
#: What a task runs with where the allocator was pinned: arrays up to 32 MiB come from the heap,
#: and up to 128 MiB of freed heap is kept for the next ones.
_ROOMY = {_M_MMAP_THRESHOLD: 32 << 20, _M_TRIM_THRESHOLD: 128 << 20}
_roomy_lock = threading.Lock()
_roomy_tasks = [0]


def _mallopt() -> Any:
    """glibc's ``mallopt`` (None elsewhere)."""
    import ctypes.util  # here: a plain run never needs it

    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "mallopt", None) if name else None
    except OSError:
        return None


@contextmanager
def roomy_allocator() -> Iterator[None]:
    """Run a block with room in the allocator when its process pinned it.

    A Dask nanny starts its workers with ``MALLOC_TRIM_THRESHOLD_=65536`` (Dask's default
    ``distributed.nanny.pre-spawn-environ``, to hand memory back to the system). Setting it also
    switches off glibc's adaptive mmap threshold, so every array over 128 KiB is a fresh ``mmap``
    (page faults on first touch) and the heap is trimmed after nearly every free: the searches,
    which allocate many short-lived arrays, ran 1.5x slower in such a worker than in a plain
    process (measured on the December snapshot). Where that variable is set, the block runs with
    :data:`_ROOMY` (``mallopt``) and the process's settings come back when the last such block
    ends; elsewhere (the allocator adapts by itself) nothing is touched.
    """
    trim = os.environ.get("MALLOC_TRIM_THRESHOLD_", "")
    mallopt = _mallopt() if trim.isdigit() else None
    if mallopt is None:
        yield
        return
    with _roomy_lock:
        _roomy_tasks[0] += 1
        if _roomy_tasks[0] == 1:
            for param, value in _ROOMY.items():
                mallopt(param, value)
    try:
        yield
    finally:
        with _roomy_lock:
            _roomy_tasks[0] -= 1
            if _roomy_tasks[0] == 0:
                mmap = os.environ.get("MALLOC_MMAP_THRESHOLD_", "")
                mallopt(_M_MMAP_THRESHOLD, int(mmap) if mmap.isdigit() else 128 << 10)
                mallopt(_M_TRIM_THRESHOLD, int(trim))


def _roomy_call(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in :func:`roomy_allocator` (what an executor runs for :func:`run_tasks`)."""
    with roomy_allocator():
        return fn(*args)


def _completed(futures: list[Any]) -> Iterator[Any] | None:
    """The futures as they complete, for the progress bar (None: in task order)."""
    if all(isinstance(f, concurrent.futures.Future) for f in futures):
        return concurrent.futures.as_completed(futures)
    if futures and type(futures[0]).__module__.startswith("distributed"):
        from distributed import as_completed

        return iter(as_completed(futures, loop=futures[0].client.loop))
    return None


def default_workers() -> int:
    return os.cpu_count() or 1


def run_tasks(
    fn: Callable[..., T],
    tasks: Sequence[tuple[Any, ...]],
    *,
    executor: Executor | None = None,
    workers: int | None = 1,
    progress: Progress | None = None,
    stage: str = "tasks",
    note: Callable[[T], str] | None = None,
) -> list[T]:
    """``[fn(*task) for task in tasks]``, run on ``executor`` or a local process pool.

    Parameters
    ----------
    fn
        A top-level function (it must pickle for a process pool or a Dask cluster).
    tasks
        Argument tuples, one per call.
    executor
        Any object with ``submit(fn, *args)`` (see the module docstring); it is not shut down.
    workers
        Without an executor: ``1`` runs in this process, ``k > 1`` in a
        :class:`~concurrent.futures.ProcessPoolExecutor` of ``k`` processes, None uses
        :func:`os.cpu_count`. A single task always runs in this process.
    progress
        Called as ``progress(stage, fraction)`` as tasks finish.
    note
        Called with each result as it arrives; what it returns is shown after the stage, as
        ``"stage\\tnote"``, a tab between (e.g. a running estimate).

    Returns
    -------
    list
        The results in task order.
    """
    n = len(tasks)
    if executor is None:
        workers = default_workers() if workers is None else workers
        if workers <= 1 or n <= 1:
            out = []
            for k, task in enumerate(tasks):
                out.append(fn(*task))
                if progress is not None:
                    progress(_noted(stage, note, out[-1]), (k + 1) / n)
            return out
        pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=min(workers, n), initializer=_ignore_interrupts
        )
        try:
            out = run_tasks(fn, tasks, executor=pool, progress=progress, stage=stage, note=note)
        except BaseException:  # Ctrl-C or a failed task: stop now, not after every queued task
            _stop(pool)
            raise
        pool.shutdown()
        return out
    futures = [executor.submit(_roomy_call, fn, *task) for task in tasks]
    completed = None if progress is None else _completed(futures)
    if progress is not None and completed is not None:
        for done, future in enumerate(completed, 1):
            progress(_noted(stage, note, future.result() if note else None), done / n)
        return [f.result() for f in futures]
    out = []
    for k, f in enumerate(futures):
        out.append(f.result())
        if progress is not None:
            progress(_noted(stage, note, out[-1]), (k + 1) / n)
    return out


def _noted(stage: str, note: Callable[[Any], str] | None, result: Any) -> str:
    return stage if note is None else f"{stage}\t{note(result)}"
