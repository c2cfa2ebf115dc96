"""Writing to, verifying and exporting the audit trail (the chain itself is store.audit).

``append_audit`` reads the last hash and appends after it, so two writers racing could
both chain onto the same record. :func:`audited` serialises appends: a process-wide lock
for the server's threads, plus a database-level lock for other processes (SQLite
``BEGIN IMMEDIATE``; a PostgreSQL transaction-scoped advisory lock).
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO

from sqlalchemy import Connection, Engine, select, text

from smartsanctions.store.audit import CHAIN_LOCK_ID, ChainReport, append_audit, verify_chain
from smartsanctions.store.schema import audit

_LOCK = threading.Lock()


def lock_chain(conn: Connection) -> None:
    """Take the database-level lock on the chain; call first in a fresh transaction."""
    dialect = conn.dialect.name
    if dialect == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif dialect == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHAIN_LOCK_ID})


@contextmanager
def audited(engine: Engine) -> Iterator[Connection]:
    """One transaction whose writes and audit record commit (or fail) together."""
    with _LOCK, engine.begin() as conn:
        lock_chain(conn)
        yield conn


def audit_row(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "at": row.at.isoformat(),
        "actor": row.actor,
        "action": row.action,
        "data_version": row.data_version,
        "detail": json.loads(row.detail),
        "prev_hash": row.prev_hash,
        "hash": row.hash,
    }


def read_audit(
    conn: Connection, after_id: int = 0, limit: int | None = None, action: str | None = None
) -> list[dict[str, Any]]:
    query = select(audit).where(audit.c.id > after_id).order_by(audit.c.id)
    if action:
        query = query.where(audit.c.action == action)
    if limit is not None:
        query = query.limit(limit)
    return [audit_row(r) for r in conn.execute(query)]


def verify_audit(engine: Engine) -> ChainReport:
    """Check the whole chain (for ``smartsanctions audit verify``)."""
    with engine.connect() as conn:
        return verify_chain(conn)


def export_audit(engine: Engine, out: TextIO, after_id: int = 0) -> int:
    """Write every audit record as one JSON line (``smartsanctions audit export``); returns the count."""
    count = 0
    with engine.connect() as conn:
        for row in conn.execution_options(yield_per=1000).execute(
            select(audit).where(audit.c.id > after_id).order_by(audit.c.id)
        ):
            out.write(json.dumps(audit_row(row), ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return count


@dataclass
class _Pending:
    actor: str
    action: str
    detail: dict[str, Any]
    data_version: str | None
    done: Future[str] = field(default_factory=Future)


class AuditWriter:
    """Appends high-volume records (screenings) with group commit.

    Requests hand their record to one writer thread and wait until it is committed, so
    every answered screening is durably in the trail; under load, many records share a
    transaction instead of queueing one by one for the chain's lock.
    """

    def __init__(self, engine: Engine, batch: int = 256) -> None:
        self.engine = engine
        self.batch = batch
        self._queue: queue.Queue[_Pending] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def _ensure_thread(self) -> None:
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
                self._thread.start()

    def append(
        self, actor: str, action: str, detail: dict[str, Any], data_version: str | None = None, timeout: float = 60.0
    ) -> str:
        """Append one record; returns its hash once committed."""
        item = _Pending(actor, action, detail, data_version)
        self._ensure_thread()
        self._queue.put(item)
        return item.done.result(timeout=timeout)

    def _run(self) -> None:
        while True:
            items = [self._queue.get()]
            while len(items) < self.batch:
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                with audited(self.engine) as conn:
                    digests = [append_audit(conn, i.actor, i.action, i.detail, i.data_version) for i in items]
            except Exception as exc:  # noqa: BLE001 (every waiting request must hear about it)
                for item in items:
                    item.done.set_exception(exc)
                continue
            for item, digest in zip(items, digests, strict=True):
                item.done.set_result(digest)
