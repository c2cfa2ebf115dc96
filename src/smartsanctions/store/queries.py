"""Reading the store: lists and snapshots, current records, one record's versions and events."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select

from smartsanctions.sources.registry import authority_name
from smartsanctions.store.schema import (
    consolidation_run,
    legal_event,
    record_version,
    snapshot,
    snapshot_record,
    source_list,
)


def lists_summary(conn: Connection) -> dict[str, Any]:
    """The ``lists --json`` shape: authorities, their lists, and every snapshot."""
    authorities: dict[str, dict[str, Any]] = {}
    for lst in conn.execute(select(source_list).order_by(source_list.c.authority, source_list.c.id)):
        entry = authorities.setdefault(
            lst.authority, {"code": lst.authority, "name": lst.authority_name or authority_name(lst.authority), "lists": []}
        )
        snaps = conn.execute(
            select(snapshot).where(snapshot.c.list_id == lst.id).order_by(snapshot.c.published, snapshot.c.id)
        )
        entry["lists"].append(
            {
                "id": lst.id,
                "name": lst.name,
                "snapshots": [
                    {
                        "date": s.published.isoformat(),
                        "date_basis": s.published_basis,
                        "sha256": s.sha256,
                        "entities": s.entities,
                        "counts": json.loads(s.counts),
                        "format": s.format,
                        "files": json.loads(s.files),
                        "forced": s.forced,
                        "notes": json.loads(s.notes or "[]"),
                        "imported_at": s.imported_at.isoformat(),
                    }
                    for s in snaps
                ],
            }
        )
    return {"authorities": list(authorities.values())}


def latest_snapshots(conn: Connection, as_of: date | None = None) -> dict[str, int]:
    """The newest snapshot of each list (by publication date), optionally as of a date."""
    query = select(snapshot.c.id, snapshot.c.list_id, snapshot.c.published).order_by(
        snapshot.c.published, snapshot.c.id
    )
    if as_of is not None:
        query = query.where(snapshot.c.published <= as_of)
    latest: dict[str, int] = {}
    for row in conn.execute(query):
        latest[row.list_id] = row.id
    return latest


def data_version(conn: Connection) -> str:
    """A short identifier of the data the store holds now: changes with every import and
    every consolidation (screening results are pinned to it)."""
    rows = conn.execute(select(snapshot.c.sha256).order_by(snapshot.c.id)).scalars().all()
    count = len(rows)
    digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()[:12]
    run = conn.execute(select(func.max(consolidation_run.c.id)).where(consolidation_run.c.finished_at.is_not(None))).scalar()
    return f"s{count}-{digest}" + (f"-c{run}" if run else "")


@dataclass(frozen=True)
class CurrentRecord:
    record_id: str
    list_id: str
    schema: str
    caption: str
    version_id: int
    snapshot_id: int
    entities: list[dict[str, Any]]

    @property
    def target(self) -> dict[str, Any]:
        return self.entities[0]


def current_records(conn: Connection, list_ids: list[str] | None = None, as_of: date | None = None) -> Iterator[CurrentRecord]:
    """Every record present in the newest snapshot of its list."""
    latest = latest_snapshots(conn, as_of)
    for list_id, snap_id in sorted(latest.items()):
        if list_ids is not None and list_id not in list_ids:
            continue
        query = (
            select(
                snapshot_record.c.record_id,
                record_version.c.id,
                record_version.c.schema,
                record_version.c.caption,
                record_version.c.entities,
            )
            .join(record_version, record_version.c.id == snapshot_record.c.version_id)
            .where(snapshot_record.c.snapshot_id == snap_id)
            .order_by(snapshot_record.c.record_id)
        )
        for row in conn.execute(query):
            yield CurrentRecord(row.record_id, list_id, row.schema, row.caption, row.id, snap_id, json.loads(row.entities))


def record_versions(conn: Connection, record_id: str) -> list[dict[str, Any]]:
    """Every version of one record, with the snapshots that carried it (provenance)."""
    versions = []
    query = select(record_version).where(record_version.c.record_id == record_id).order_by(record_version.c.id)
    for row in conn.execute(query):
        snaps = conn.execute(
            select(snapshot.c.id, snapshot.c.published, snapshot.c.sha256, snapshot.c.list_id)
            .join(snapshot_record, snapshot_record.c.snapshot_id == snapshot.c.id)
            .where(snapshot_record.c.version_id == row.id)
            .order_by(snapshot.c.published)
        ).all()
        versions.append(
            {
                "version_id": row.id,
                "list_id": row.list_id,
                "schema": row.schema,
                "caption": row.caption,
                "entities": json.loads(row.entities),
                "snapshots": [
                    {"id": s.id, "list": s.list_id, "date": s.published.isoformat(), "sha256": s.sha256} for s in snaps
                ],
            }
        )
    return versions


def record_events(conn: Connection, record_ids: list[str]) -> list[dict[str, Any]]:
    query = (
        select(legal_event)
        .where(legal_event.c.record_id.in_(record_ids))
        .order_by(legal_event.c.date, legal_event.c.record_id, legal_event.c.id)
    )
    return [
        {
            "record_id": row.record_id,
            "list": row.list_id,
            "authority": row.authority,
            "event": row.event,
            "date": row.date.isoformat() if row.date else None,
            "date_basis": row.date_basis,
            "after": row.after.isoformat() if row.after else None,
            "not_after": row.not_after.isoformat() if row.not_after else None,
            "detail": row.detail,
        }
        for row in conn.execute(query)
    ]


def is_current(conn: Connection, record_id: str) -> bool:
    latest = latest_snapshots(conn)
    list_id = record_id.split(":", 1)[0]
    snap_id = latest.get(list_id)
    if snap_id is None:
        return False
    found = conn.execute(
        select(func.count())
        .select_from(snapshot_record)
        .where(snapshot_record.c.snapshot_id == snap_id, snapshot_record.c.record_id == record_id)
    ).scalar()
    return bool(found)
