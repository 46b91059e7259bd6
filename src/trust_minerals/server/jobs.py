"""Background jobs (Monte Carlo): an id, a status, progress in [0, 1] and a result.

Jobs run on a small thread pool so the server keeps answering while they work; the work itself
is a library call that reports progress through a callback. At most ``max_jobs`` jobs are kept:
the oldest finished ones are forgotten first, and a new job is refused (429) when every kept job
is still queued or running.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from trust_minerals.errors import TrustMineralsError
from trust_minerals.server.problems import Problem, from_library_error

Progress = Callable[[float], None]


@dataclass
class Job:
    id: str
    kind: str
    status: str = "queued"
    progress: float = 0.0
    created: float = field(default_factory=time.time)
    result: Any = None
    error: dict[str, Any] | None = None

    def info(self, *, with_result: bool = True) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "progress": self.progress,
            "created": self.created,
            "error": self.error,
            "result": self.result if with_result else None,
        }


class JobManager:
    """Runs work functions ``fn(progress) -> result`` in the background and keeps their state.

    Examples
    --------
    >>> jm = JobManager(workers=1, max_jobs=5)
    >>> job = jm.submit("demo", lambda progress: 42)
    >>> jm.wait(job.id).result
    42
    >>> jm.shutdown()
    """

    def __init__(self, *, workers: int = 1, max_jobs: int = 50) -> None:
        self._workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._jobs: dict[str, Job] = {}
        self._events: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self.max_jobs = max_jobs

    def submit(self, kind: str, fn: Callable[[Progress], Any]) -> Job:
        with self._lock:
            self._evict()
            if len(self._jobs) >= self.max_jobs:
                raise Problem(
                    429,
                    "Too many jobs",
                    f"at most {self.max_jobs} jobs may be queued or running (limit max_jobs)",
                    field="max_jobs",
                )
            job = Job(id=uuid.uuid4().hex, kind=kind)
            self._jobs[job.id] = job
            self._events[job.id] = threading.Event()
            if self._pool is None:  # first job, or the app was restarted after a shutdown
                self._pool = ThreadPoolExecutor(
                    max_workers=self._workers, thread_name_prefix="trust-job"
                )
            pool = self._pool
        pool.submit(self._run, job, fn)
        return job

    def _evict(self) -> None:
        finished = sorted(
            (j for j in self._jobs.values() if j.status in ("done", "failed")),
            key=lambda j: j.created,
        )
        while len(self._jobs) >= self.max_jobs and finished:
            old = finished.pop(0)
            self._jobs.pop(old.id, None)
            self._events.pop(old.id, None)

    def _run(self, job: Job, fn: Callable[[Progress], Any]) -> None:
        job.status = "running"

        def progress(fraction: float) -> None:
            job.progress = min(1.0, max(job.progress, float(fraction)))

        try:
            job.result = fn(progress)
            job.progress = 1.0
            job.status = "done"
        except TrustMineralsError as exc:
            job.error = from_library_error(exc).body()
            job.status = "failed"
        except Problem as exc:
            job.error = exc.body()
            job.status = "failed"
        except Exception as exc:  # noqa: BLE001 - a job must never take the server down
            job.error = Problem(500, "Job failed", f"{type(exc).__name__}: {exc}").body()
            job.status = "failed"
        finally:
            event = self._events.get(job.id)
            if event is not None:
                event.set()

    def get(self, job_id: str) -> Job:
        job = self._jobs.get(job_id)
        if job is None:
            raise Problem(
                404,
                "Unknown job",
                f"no job with id {job_id!r} (jobs are kept in memory only)",
                field="job_id",
            )
        return job

    def wait(self, job_id: str, timeout: float | None = None) -> Job:
        """Block until the job has finished (for tests and scripts)."""
        self.get(job_id)
        event = self._events.get(job_id)
        if event is not None:
            event.wait(timeout)
        return self.get(job_id)

    def shutdown(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
