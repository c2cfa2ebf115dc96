"""Spreading the two costly phases (name analysis, pair scoring) over the machine's cores.

Workers are forked so that they inherit the records and indexes already in memory
(nothing big is pickled on the way in); only their results travel back. Where fork is
not available, or the work is small, everything runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
MIN_ITEMS = 4000  # below this, starting workers costs more than it saves

_shared: dict[str, Any] = {}


def workers() -> int:
    configured = os.environ.get("SMARTSANCTIONS_WORKERS")
    if configured and configured.isdigit():
        return max(1, int(configured))
    return max(1, min(os.cpu_count() or 1, 8))


def _run(args: tuple[Callable[..., list[Any]], int, int]) -> list[Any]:
    fn, part, parts = args
    return fn(_shared["items"][part::parts], _shared["context"])


def map_chunks(fn: Callable[[Sequence[Any], Any], list[T]], items: Sequence[Any], context: Any) -> list[T]:
    """``fn(items[k::n], context)`` over n interleaved slices, results concatenated.

    The order of the result differs from a single call's: callers sort where it matters.
    """
    n = workers()
    if n == 1 or len(items) < MIN_ITEMS or "fork" not in multiprocessing.get_all_start_methods():
        return fn(items, context)
    _shared["items"], _shared["context"] = items, context
    try:
        with multiprocessing.get_context("fork").Pool(n) as pool:
            results = pool.map(_run, [(fn, k, n) for k in range(n)])
    finally:
        _shared.clear()
    return [r for chunk in results for r in chunk]
