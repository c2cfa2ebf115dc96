"""Batch screening on Dask: chunks of rows are tasks; the index reaches each worker once.

The index travels as one bytes blob scattered to every worker (``broadcast=True``); each
worker deserialises it on its first task and keeps it in a module-level cache keyed by data
version, so later tasks only carry their rows. Results are consumed in submission order
with a bounded number of tasks in flight: the output is the same, row for row, as a
single-process run, and memory stays flat.
"""

from __future__ import annotations

import logging
import zlib
from collections import deque
from collections.abc import Iterator, Sequence
from typing import Any

from smartsanctions.screening.batch import Hit, QueryFields, screen_chunk
from smartsanctions.screening.index import ScreeningIndex

_WORKER_INDEX: dict[str, ScreeningIndex] = {}
_LOADS: list[str] = []  # data versions this process deserialised (for tests: once per worker)


def worker_index(blob: bytes, version: str) -> ScreeningIndex:
    index = _WORKER_INDEX.get(version)
    if index is None:
        _WORKER_INDEX.clear()
        index = _WORKER_INDEX[version] = ScreeningIndex.from_bytes(blob)
        _LOADS.append(version)
    return index


def screen_task(blob: bytes, version: str, rows: Sequence[QueryFields], threshold: float) -> list[list[Hit]]:
    return screen_chunk(worker_index(blob, version), rows, threshold)


def index_loads() -> list[str]:
    return list(_LOADS)


def open_client(workers: int, scheduler: str | None) -> tuple[Any, Any]:
    """A client on ``scheduler``, or on a new local cluster of ``workers`` processes."""
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler), None
    cluster = LocalCluster(
        n_workers=max(workers, 1), threads_per_worker=1, processes=True, dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    return Client(cluster), cluster


def _split(fields: list[QueryFields], parts: int) -> list[list[int]]:
    """Row positions per worker, by a stable hash of the name: each worker sees its own
    names, so its cache of name-only answers does not repeat another worker's work."""
    groups: list[list[int]] = [[] for _ in range(parts)]
    for i, f in enumerate(fields):
        groups[zlib.crc32(f[0].casefold().encode("utf-8")) % parts].append(i)
    return groups


def dask_results(
    index: ScreeningIndex,
    version: str,
    chunks: Iterator[tuple[list[list[str]], list[QueryFields]]],
    threshold: float,
    *,
    workers: int = 0,
    scheduler: str | None = None,
) -> Iterator[tuple[list[list[str]], list[list[Hit]]]]:
    """Screen chunks on Dask; yields (rows, hits per row) in input order."""
    client, cluster = open_client(workers, scheduler)
    try:
        addresses = sorted(client.scheduler_info(n_workers=-1).get("workers", {}))
        if not addresses:
            raise RuntimeError(f"the Dask scheduler {scheduler or ''} has no workers")
        blob = client.scatter(index.to_bytes(), broadcast=True, hash=False)
        window = 3 * len(addresses) + 1
        pending: deque[tuple[list[list[str]], list[tuple[list[int], Any]]]] = deque()

        def collect() -> tuple[list[list[str]], list[list[Hit]]]:
            rows, parts = pending.popleft()
            hits: list[list[Hit]] = [[] for _ in rows]
            for positions, future in parts:
                for pos, row_hits in zip(positions, future.result(), strict=True):
                    hits[pos] = row_hits
            return rows, hits

        for rows, fields in chunks:
            parts = []
            for address, positions in zip(addresses, _split(fields, len(addresses)), strict=True):
                if positions:
                    future = client.submit(screen_task, blob, version, [fields[i] for i in positions], threshold,
                                           pure=False, workers=[address], allow_other_workers=True)
                    parts.append((positions, future))
            pending.append((rows, parts))
            if len(pending) >= window:
                yield collect()
        while pending:
            yield collect()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
