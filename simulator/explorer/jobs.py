"""Long analyses (the single-concession scan and the minimal concession sets) as cancellable jobs.

A job runs in its own thread. The analysis reports progress through the package's ``progress``
callback (``progress(stage, fraction)``); the job's callback records it and, when the job was
cancelled or ran past its time limit, raises :class:`Stopped`, which ends the analysis at its next
step (one solve). At most :data:`MAX_RUNNING` jobs run at once, and finished jobs are forgotten
after :data:`KEEP` newer ones.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simulator.errors import ScenarioError
from simulator.progress import Progress

__all__ = ["MAX_RUNNING", "MAX_TIME_LIMIT", "Job", "Jobs", "Stopped"]

MAX_RUNNING = 2
KEEP = 16
#: The longest time limit a request may ask for, in seconds.
MAX_TIME_LIMIT = 300.0


class Stopped(Exception):
    """Raised inside a job's progress callback to stop it (cancelled, or out of time)."""


@dataclass
class Job:
    """One job's state, as ``GET /api/scan/{id}`` reports it."""

    id: str
    time_limit: float
    state: str = "running"  # running, done, cancelled, timed out, failed
    stage: str = ""
    fraction: float = 0.0
    result: dict[str, Any] | None = None
    error: str | None = None
    started: float = field(default_factory=time.monotonic)
    cancel: threading.Event = field(default_factory=threading.Event)

    def progress(self, stage: str, fraction: float) -> None:
        self.stage, self.fraction = stage, float(fraction)
        if self.cancel.is_set():
            raise Stopped("cancelled")
        if time.monotonic() - self.started > self.time_limit:
            raise Stopped("timed out")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": self.state,
            "progress": {"stage": self.stage, "fraction": round(self.fraction, 4)},
            "seconds": round(time.monotonic() - self.started, 3),
            "time_limit": self.time_limit,
            "result": self.result,
            "error": self.error,
        }


class Jobs:
    """The jobs of one server."""

    def __init__(self) -> None:
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()

    def start(self, work: Callable[[Progress], dict[str, Any]], time_limit: float) -> Job:
        """Run ``work(progress)`` in a thread; its return value becomes the job's result.

        Raises
        ------
        ScenarioError
            If the time limit is not in (0, :data:`MAX_TIME_LIMIT`], or too many jobs run.
        """
        if not 0 < time_limit <= MAX_TIME_LIMIT:
            raise ScenarioError(
                f"time_limit must be > 0 and at most {MAX_TIME_LIMIT:g} seconds, got {time_limit:g}"
            )
        with self._lock:
            running = sum(j.state == "running" for j in self._jobs.values())
            if running >= MAX_RUNNING:
                raise ScenarioError(
                    f"{running} scans are running already: cancel one or wait for it to finish"
                )
            job = Job(secrets.token_hex(8), time_limit)
            self._jobs[job.id] = job
            finished = [k for k, j in self._jobs.items() if j.state != "running"]
            for k in finished[: max(0, len(finished) - KEEP)]:
                del self._jobs[k]

        def run() -> None:
            try:
                job.result = work(job.progress)
                job.state, job.fraction = "done", 1.0
            except Stopped as e:
                job.state = str(e)
                job.error = (
                    f"the scan ran past its time limit of {job.time_limit:g} s"
                    if job.state == "timed out"
                    else "the scan was cancelled"
                )
            except ScenarioError as e:
                job.state, job.error = "failed", str(e)
            except Exception as e:  # a bug: say so, without a traceback on the page
                job.state, job.error = "failed", f"internal error: {type(e).__name__}"

        threading.Thread(target=run, name=f"scan-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise KeyError(job_id)
        return job

    def cancel(self, job_id: str) -> Job:
        job = self.get(job_id)
        job.cancel.set()
        return job
