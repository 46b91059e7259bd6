"""Run a Monte Carlo job's chunks on dask.distributed.

Each chunk is a pure function of ``(job, chunk_index)`` (its random streams come from the seed and
the chunk index), and the chunk statistics are merged in chunk order, so a run on a
``LocalCluster`` or on a remote cluster gives exactly the single-process result.

A real cluster: start ``dask scheduler`` on one machine and ``dask worker tcp://HOST:8786`` on
each worker machine (all with trust-minerals installed), then pass
``scheduler="tcp://HOST:8786"`` (``trust montecarlo --scheduler tcp://HOST:8786``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trust_minerals.errors import InputError

if TYPE_CHECKING:
    from trust_minerals.simulate.montecarlo import MonteCarloJob
    from trust_minerals.simulate.stats import ChunkStats


def run_chunks(
    job: MonteCarloJob,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    processes: bool = True,
    progress: bool = False,
    timeout: float = 30.0,
) -> tuple[list[ChunkStats], str]:
    """Run every chunk of ``job`` on dask and return the chunk statistics in chunk order.

    Parameters
    ----------
    job
        The job (:class:`~trust_minerals.simulate.montecarlo.MonteCarloJob`).
    workers
        Start a ``LocalCluster`` with this many single-threaded workers.
    scheduler
        Address of a running scheduler (``tcp://host:8786``); takes precedence over ``workers``.
    processes
        LocalCluster workers as processes (default) or threads.
    progress
        Show a Rich progress bar as chunks finish.
    timeout
        Seconds to wait for the connection to the scheduler.

    Examples
    --------
    >>> parts, backend = run_chunks(job, workers=2)  # doctest: +SKIP
    """
    from trust_minerals._extras import require
    from trust_minerals.simulate.montecarlo import run_chunk

    distributed = require("distributed", "Monte Carlo on several workers (--workers, --scheduler)")
    Client, LocalCluster, as_completed = (
        distributed.Client,
        distributed.LocalCluster,
        distributed.as_completed,
    )

    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout=timeout)
        except OSError as exc:
            raise InputError(f"cannot reach the dask scheduler at {scheduler!r}: {exc}") from None
        backend = f"dask {scheduler}"
    else:
        n = int(workers or 1)
        cluster = LocalCluster(
            n_workers=n, threads_per_worker=1, processes=processes, dashboard_address=None
        )
        client = Client(cluster)
        backend = f"dask LocalCluster({n})"
    try:
        job_future = client.scatter(job, broadcast=True)
        n_chunks = len(job.chunks)
        futures = client.map(run_chunk, [job_future] * n_chunks, range(n_chunks), pure=False)
        order = {f.key: i for i, f in enumerate(futures)}
        parts: list[ChunkStats | None] = [None] * n_chunks
        if progress:
            from rich.progress import Progress

            with Progress(transient=True) as bar:
                task = bar.add_task(f"{job.n_draws:,} draws on {backend}", total=n_chunks)
                for fut in as_completed(futures):
                    parts[order[fut.key]] = fut.result()
                    bar.advance(task)
        else:
            for i, result in enumerate(client.gather(futures)):
                parts[i] = result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return [p for p in parts if p is not None], backend
