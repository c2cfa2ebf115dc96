"""Batch screening on Dask: slices of the input are tasks; the index reaches each worker once.

The index travels as one bytes blob scattered to every worker (``broadcast=True``); each
worker deserialises it on its first task and keeps it in a module-level cache keyed by data
version, so later tasks only carry their slice. A slice is a run of input rows as CSV bytes
(for a CSV input, the file's own bytes: the driver only finds where records end), so the
driver neither builds queries nor pickles rows, and workers need not see the input file.
Every worker gets every slice and screens its share of the rows (by a hash of the name); it
returns only its rows with hits, already formatted. Results are consumed in submission order
with a bounded number of slices in flight: the output is the same, byte for byte, as a
single-process run, and memory stays flat.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator
from typing import Any

from smartsanctions.screening.batch import HitRow, SliceJob, SliceOutput, merge_shares, screen_slice
from smartsanctions.screening.batch_io import Slice
from smartsanctions.screening.index import ScreeningIndex

_WORKER_INDEX: dict[str, ScreeningIndex] = {}
_LOADS: list[str] = []  # data versions this process deserialised (for tests: once per worker)
IN_FLIGHT = 3  # slices submitted ahead of the one being written
_LOCAL_CONFIG = {
    # Dask's default MALLOC_TRIM_THRESHOLD_ for worker processes makes glibc mmap/munmap every
    # numpy temporary above 128 KiB: screening ran ~50% slower in a worker than in one process.
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    # the worker's sampling profiler (every 10 ms) and GIL monitor (every 1 ms) take the GIL
    # from the screening thread; nobody looks at them here
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.gil.enabled": False,
}


def worker_index(blob: bytes, version: str) -> ScreeningIndex:
    index = _WORKER_INDEX.get(version)
    if index is None:
        _WORKER_INDEX.clear()
        index = _WORKER_INDEX[version] = ScreeningIndex.from_bytes(blob)
        _LOADS.append(version)
    return index


def screen_task(blob: bytes, job: SliceJob, part: Slice, share: int, shares: int) -> list[HitRow]:
    return screen_slice(worker_index(blob, job.data_version), job, part, share, shares)


def index_loads() -> list[str]:
    return list(_LOADS)


def open_client(workers: int, scheduler: str | None) -> tuple[Any, Any]:
    """A client on ``scheduler``, or on a new local cluster of ``workers`` processes."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler), None
    with dask.config.set(_LOCAL_CONFIG):
        cluster = LocalCluster(
            n_workers=max(workers, 1), threads_per_worker=1, processes=True, dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    return Client(cluster), cluster


def dask_results(
    index: ScreeningIndex,
    job: SliceJob,
    slices: Iterator[Slice],
    *,
    workers: int = 0,
    scheduler: str | None = None,
) -> Iterator[SliceOutput]:
    """Screen slices on Dask; yields each slice's output in input order."""
    client, cluster = open_client(workers, scheduler)
    try:
        addresses = sorted(client.scheduler_info(n_workers=-1).get("workers", {}))
        if not addresses:
            raise RuntimeError(f"the Dask scheduler {scheduler or ''} has no workers")
        blob = client.scatter(index.to_bytes(), broadcast=True, hash=False)
        pending: deque[tuple[Slice, list[Any]]] = deque()

        def collect() -> SliceOutput:
            part, futures = pending.popleft()
            return merge_shares(part, [future.result() for future in futures])

        for part in slices:
            futures = [
                client.submit(screen_task, blob, job, part, share, len(addresses), pure=False, workers=[address],
                              allow_other_workers=True)
                for share, address in enumerate(addresses)
            ]
            pending.append((part, futures))
            if len(pending) > IN_FLIGHT:
                yield collect()
        while pending:
            yield collect()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
