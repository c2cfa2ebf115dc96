"""The append-only, hash-chained audit trail.

Each record's hash covers its content and the previous record's hash, so editing or
deleting any record breaks the chain from there on; :func:`verify_chain` finds the first
broken link.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, text

from smartsanctions.store.schema import audit

GENESIS = "0" * 64
# PostgreSQL advisory lock held while appending, so two transactions never chain onto the
# same record (SQLite needs none: a writing transaction already excludes other writers).
CHAIN_LOCK_ID = 0x5A17A0D1


def _digest(prev_hash: str, at: str, actor: str, action: str, data_version: str | None, detail: str) -> str:
    payload = json.dumps([prev_hash, at, actor, action, data_version, detail], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _at_text(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def append_audit(
    conn: Connection, actor: str, action: str, detail: dict[str, Any], data_version: str | None = None
) -> str:
    """Append one record inside the caller's transaction; returns its hash."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHAIN_LOCK_ID})
    last = conn.execute(select(audit.c.hash).order_by(audit.c.id.desc()).limit(1)).scalar()
    prev_hash = last or GENESIS
    at = datetime.now(UTC)
    detail_text = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
    digest = _digest(prev_hash, _at_text(at), actor, action, data_version, detail_text)
    conn.execute(
        audit.insert().values(
            at=at,
            actor=actor,
            action=action,
            data_version=data_version,
            detail=detail_text,
            prev_hash=prev_hash,
            hash=digest,
        )
    )
    return digest


@dataclass(frozen=True)
class ChainReport:
    records: int
    ok: bool
    first_bad_id: int | None = None
    reason: str | None = None


def verify_chain(conn: Connection) -> ChainReport:
    prev_hash = GENESIS
    count = 0
    for row in conn.execute(select(audit).order_by(audit.c.id)):
        count += 1
        if row.prev_hash != prev_hash:
            return ChainReport(count, False, row.id, "previous-hash link broken (a record was removed or reordered)")
        expected = _digest(row.prev_hash, _at_text(row.at), row.actor, row.action, row.data_version, row.detail)
        if expected != row.hash:
            return ChainReport(count, False, row.id, "content does not match its hash (the record was edited)")
        prev_hash = row.hash
    return ChainReport(count, True)
