"""Designations and delistings over time, per authority and programme, from the legal history.

Each event counts once per canonical target, authority and period (a person on both OFAC's
SDN list and the Consolidated Screening List is one US designation). Three kinds:
- ``designated``: a listing whose date the list states, or that appeared between two
  snapshots (then dated by the later snapshot, ``designated_bounded`` counts those);
- ``first_seen``: present in the earliest snapshot held and no date stated: the listing is
  older than the data, so it is not a designation in that period;
- ``delisted``: gone from a later snapshot (dated by the snapshot that no longer carries it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from smartsanctions.analysis.programmes import resolve_programme
from smartsanctions.analysis.state import order_authorities, sanctions_for
from smartsanctions.store.schema import canonical_referent, legal_event, record_version, source_list

KINDS = ("designated", "designated_bounded", "first_seen", "delisted")


def _period(day: date, bucket: str) -> str:
    return day.strftime("%Y-%m") if bucket == "month" else str(day.year)


def _fill(periods: set[str], bucket: str) -> list[str]:
    """Every period from the first to the last, so that a chart's x axis is even."""
    if not periods:
        return []
    first, last = min(periods), max(periods)
    if bucket == "year":
        return [str(y) for y in range(int(first), int(last) + 1)]
    out, (y, m) = [], (int(first[:4]), int(first[5:]))
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _kind(event: str, basis: str, after: date | None) -> str | None:
    if event == "delisted":
        return "delisted"
    if event != "designated":
        return None
    if basis == "stated":
        return "designated"
    return "designated_bounded" if after is not None else "first_seen"


def timeline(
    conn: Connection,
    program: str | None = None,
    authorities: Sequence[str] | None = None,
    *,
    bucket: str = "year",
    since: date | str | None = None,
) -> dict[str, Any]:
    """Counts of designations, first sightings and delistings per authority, programme and period."""
    if bucket not in ("year", "month"):
        raise ValueError("bucket must be 'year' or 'month'")
    prog = resolve_programme(program)
    list_authority = {row.id: row.authority for row in conn.execute(select(source_list.c.id, source_list.c.authority))}
    known = set(list_authority.values())
    wanted = order_authorities(a.strip().lower() for a in authorities) if authorities else order_authorities(known)
    unknown = [a for a in wanted if a not in known]
    if unknown:
        raise ValueError(f"unknown authority code(s) {', '.join(unknown)}")
    lists = [lst for lst, a in list_authority.items() if a in wanted]
    canonical_of = {r.record_id: r.canonical_id for r in conn.execute(select(canonical_referent.c.record_id, canonical_referent.c.canonical_id))}
    query = (
        select(
            legal_event.c.record_id,
            legal_event.c.list_id,
            legal_event.c.event,
            legal_event.c.date,
            legal_event.c.date_basis,
            legal_event.c.after,
            legal_event.c.version_id,
            record_version.c.content_hash,
        )
        .join(record_version, record_version.c.id == legal_event.c.version_id)
        .where(legal_event.c.list_id.in_(lists), legal_event.c.event.in_(("designated", "delisted")))
    )
    rows = list(conn.execute(query))
    sanctions = sanctions_for(conn, [(r.record_id, r.content_hash, r.version_id) for r in rows])
    start = date.fromisoformat(str(since)[:10]) if since else None
    seen: set[tuple[str, str, str, str, str]] = set()
    by_programme: dict[tuple[str, str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(KINDS, 0))
    totals: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for r in rows:
        kind = _kind(r.event, r.date_basis, r.after)
        if kind is None or r.date is None or (start and r.date < start):
            continue
        authority = list_authority[r.list_id]
        programmes = sorted({t for s in sanctions.get(r.version_id, ()) for t in s.programmes}) or ["(none)"]
        if prog is not None:
            programmes = [t for t in programmes if prog.matches(authority, t)]
            if not programmes:
                continue
        period = _period(r.date, bucket)
        target = canonical_of.get(r.record_id, r.record_id)
        counted = (kind, "designated") if kind == "designated_bounded" else (kind,)
        for k in counted:
            totals[(authority, period)].add((target, k))
            for programme in programmes:
                key = (authority, target, k, period, programme)
                if key not in seen:
                    seen.add(key)
                    by_programme[(authority, programme, period)][k] += 1
    periods = _fill({p for (_a, p) in totals}, bucket)
    series: dict[str, dict[str, dict[str, int]]] = {a: {k: {} for k in KINDS} for a in wanted}
    for (authority, period), events in totals.items():
        for _target, kind in events:
            series[authority][kind][period] = series[authority][kind].get(period, 0) + 1
    return {
        "authorities": wanted,
        "program": prog.describe() if prog else None,
        "bucket": bucket,
        "periods": periods,
        "series": series,
        "by_programme": [
            {"authority": a, "programme": p, "period": per, **counts}
            for (a, p, per), counts in sorted(by_programme.items())
        ],
        "notes": [
            "designated includes designated_bounded: listings first seen between two snapshots, dated by the later one",
            "first_seen: in the earliest snapshot held with no listing date stated (older than the data)",
            "delisted: dated by the first snapshot that no longer carries the record",
        ],
    }
