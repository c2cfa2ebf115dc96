"""Reading what consolidation works on: every record any snapshot carried, in its newest version."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from smartsanctions.store.queries import latest_snapshots
from smartsanctions.store.schema import legal_event, record_version, snapshot, snapshot_record, source_list


@dataclass(frozen=True)
class SourceRecord:
    record_id: str
    list_id: str
    authority: str
    version_id: int
    schema: str
    caption: str
    current: bool  # on its list's newest snapshot
    last_seen: date  # publication date of the newest snapshot that carried it
    entities: list[dict[str, Any]]


def load_records(conn: Connection) -> list[SourceRecord]:
    """All records, newest version each, sorted by record ID (the order everything else uses)."""
    authorities = {row.id: row.authority for row in conn.execute(select(source_list.c.id, source_list.c.authority))}
    latest = set(latest_snapshots(conn).values())
    newest: dict[str, tuple[date, int, int, bool]] = {}
    query = (
        select(snapshot_record.c.record_id, snapshot_record.c.version_id, snapshot.c.published, snapshot.c.id)
        .join(snapshot, snapshot.c.id == snapshot_record.c.snapshot_id)
        .order_by(snapshot.c.published, snapshot.c.id)
    )
    for row in conn.execute(query):
        # Rows come oldest first, so the last one seen is the record's newest snapshot.
        newest[row.record_id] = (row.published, row.id, row.version_id, row.id in latest)
    by_version = {v[2]: rid for rid, v in newest.items()}
    versions: dict[int, Any] = {}
    ids = sorted(by_version)
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        for version_row in conn.execute(
            select(
                record_version.c.id,
                record_version.c.record_id,
                record_version.c.list_id,
                record_version.c.schema,
                record_version.c.caption,
                record_version.c.entities,
            ).where(record_version.c.id.in_(chunk))
        ):
            versions[version_row.id] = version_row
    records = []
    for record_id in sorted(newest):
        published, _snap, version_id, current = newest[record_id]
        row = versions[version_id]
        records.append(
            SourceRecord(
                record_id=record_id,
                list_id=row.list_id,
                authority=authorities.get(row.list_id, row.list_id.split("-", 1)[0]),
                version_id=version_id,
                schema=row.schema,
                caption=row.caption,
                current=current,
                last_seen=published,
                entities=json.loads(row.entities),
            )
        )
    return records


def designation_dates(conn: Connection) -> dict[str, date]:
    """The earliest 'designated' date the store knows for each record."""
    out: dict[str, date] = {}
    query = select(legal_event.c.record_id, legal_event.c.date).where(legal_event.c.event == "designated")
    for row in conn.execute(query):
        if row.date is not None and (row.record_id not in out or row.date < out[row.record_id]):
            out[row.record_id] = row.date
    return out
