"""Running many independent solves: in-process, in local processes or on any executor.

An *executor* is any object with ``submit(fn, *args)`` returning a future with ``result()``: a
:class:`concurrent.futures.Executor` (thread or process pool) or a ``dask.distributed.Client``. The
results come back in task order whatever the executor, so analyses do not depend on it.
"""

from __future__ import annotations

import concurrent.futures
import os
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import numpy as np

from simulator.compiled import FloatArray, compile_scenario
from simulator.model import Scenario
from simulator.progress import Progress
from simulator.results import Point
from simulator.solver import SOLUTIONS, count_deals, exists_deal, solve

__all__ = ["Executor", "Summary", "run_tasks", "summarise", "zopa_count", "zopa_exists"]

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
                    progress(stage, (k + 1) / n)
            return out
        pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=min(workers, n), initializer=_ignore_interrupts
        )
        try:
            out = run_tasks(fn, tasks, executor=pool, progress=progress, stage=stage)
        except BaseException:  # Ctrl-C or a failed task: stop now, not after every queued task
            _stop(pool)
            raise
        pool.shutdown()
        return out
    futures = [executor.submit(fn, *task) for task in tasks]
    if progress is not None and all(isinstance(f, concurrent.futures.Future) for f in futures):
        done = 0
        for _ in concurrent.futures.as_completed(futures):  # type: ignore[arg-type]
            done += 1
            progress(stage, done / n)
        return [f.result() for f in futures]
    out = []
    for k, f in enumerate(futures):
        out.append(f.result())
        if progress is not None:
            progress(stage, (k + 1) / n)
    return out
