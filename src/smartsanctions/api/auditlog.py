"""Writing to, verifying and exporting the audit trail (the chain itself is store.audit).

``append_audit`` reads the last hash and appends after it, so two writers racing could
both chain onto the same record. :func:`audited` serialises appends: a process-wide lock
for the server's threads, plus a database-level lock for other processes (SQLite
``BEGIN IMMEDIATE``; a PostgreSQL transaction-scoped advisory lock).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from sqlalchemy import Connection, Engine, select, text

from smartsanctions.store.audit import ChainReport, verify_chain
from smartsanctions.store.schema import audit

_LOCK = threading.Lock()
_PG_LOCK_ID = 0x5A17A0D1  # any constant shared by every writer of the chain


def lock_chain(conn: Connection) -> None:
    """Take the database-level lock on the chain; call first in a fresh transaction."""
    dialect = conn.dialect.name
    if dialect == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif dialect == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_ID})


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
