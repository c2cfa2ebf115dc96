"""Legal history: designations, amendments and delistings per record, from the snapshots.

Snapshots of a list are ordered by their publication date (not the order they were
imported in: the 2022 multi-list CSV may arrive after the 2025 files and still slots in
between). Walking that sequence, a record that appears is *designated*, one whose
content changes is *amended*, and one that vanishes is *delisted*. An event's date is the
date the file states (listing date, amendment date) when it states one; otherwise the
event is bounded: after the previous snapshot's date and not after the observing one's.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, select

from smartsanctions.store.schema import (
    DateBasis,
    EventType,
    legal_event,
    record_version,
    snapshot,
    snapshot_record,
)


def ordered_snapshots(conn: Connection, list_id: str) -> list[Any]:
    query = (
        select(snapshot.c.id, snapshot.c.published)
        .where(snapshot.c.list_id == list_id)
        .order_by(snapshot.c.published, snapshot.c.id)
    )
    return list(conn.execute(query))


def rebuild_events(conn: Connection, list_id: str, authority: str) -> int:
    """Recompute every legal event of one list; returns how many were written."""
    conn.execute(delete(legal_event).where(legal_event.c.list_id == list_id))
    snaps = ordered_snapshots(conn, list_id)
    if not snaps:
        return 0
    members: dict[int, dict[str, int]] = defaultdict(dict)
    query = (
        select(snapshot_record.c.snapshot_id, snapshot_record.c.record_id, snapshot_record.c.version_id)
        .join(snapshot, snapshot.c.id == snapshot_record.c.snapshot_id)
        .where(snapshot.c.list_id == list_id)
    )
    for snap_id, record_id, version_id in conn.execute(query):
        members[snap_id][record_id] = version_id
    stated: dict[int, tuple[date | None, date | None]] = {
        row.id: (row.listed_on, row.amended_on)
        for row in conn.execute(
            select(record_version.c.id, record_version.c.listed_on, record_version.c.amended_on).where(
                record_version.c.list_id == list_id
            )
        )
    }

    events: list[dict[str, Any]] = []
    previous: dict[str, int] = {}
    previous_date: date | None = None
    for snap in snaps:
        current = members.get(snap.id, {})
        base = {"list_id": list_id, "authority": authority, "snapshot_id": snap.id}
        bounds = {"after": previous_date, "not_after": snap.published}
        for record_id, version_id in current.items():
            old_version = previous.get(record_id)
            if old_version is None:
                listed_on = stated.get(version_id, (None, None))[0]
                events.append(
                    _event(base, bounds, record_id, version_id, EventType.DESIGNATED, listed_on, first=previous_date is None)
                )
            elif old_version != version_id:
                new_amended = stated.get(version_id, (None, None))[1]
                old_amended = stated.get(old_version, (None, None))[1]
                date_stated = new_amended if new_amended and new_amended != old_amended else None
                events.append(_event(base, bounds, record_id, version_id, EventType.AMENDED, date_stated))
        for record_id, old_version in previous.items():
            if record_id not in current:
                events.append(_event(base, bounds, record_id, old_version, EventType.DELISTED, None))
        previous = current
        previous_date = snap.published
    if events:
        conn.execute(legal_event.insert(), events)
    return len(events)


def _event(
    base: dict[str, Any],
    bounds: dict[str, date | None],
    record_id: str,
    version_id: int,
    kind: EventType,
    stated_date: date | None,
    first: bool = False,
) -> dict[str, Any]:
    when: date | None = stated_date if stated_date is not None else bounds["not_after"]
    basis = DateBasis.STATED if stated_date is not None else DateBasis.BOUNDED
    detail = None
    if kind is EventType.DESIGNATED and first and stated_date is None:
        detail = "present in the earliest snapshot held; the list states no listing date"
    return {
        **base,
        **bounds,
        "record_id": record_id,
        "version_id": version_id,
        "event": kind.value,
        "date": when,
        "date_basis": basis.value,
        "detail": detail,
    }
