"""What the store says is listed at a date: the common ground of every analysis.

A target is listed by authority A at date D when a referent record of it is in the newest
snapshot (published on or before D) of one of A's lists. Records map to canonical entities
through the consolidation tables; a record consolidation has not seen yet (imported after
the last ``consolidate``) stands for itself. Each record's Sanctions (programmes,
measures, listing dates) come from the record version that snapshot carried; they are
cached in-process by (record ID, content hash), which never changes meaning, so repeated
analyses only read the versions they have not met before.
"""

from __future__ import annotations

import datetime
import gc
import json
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select

from smartsanctions.store.queries import latest_snapshots
from smartsanctions.store.schema import (
    canonical_entity,
    canonical_pillar,
    canonical_referent,
    consolidation_run,
    legal_event,
    record_version,
    snapshot,
    snapshot_record,
    source_list,
)

try:  # followthemoney depends on orjson; plain json is the fallback
    import orjson

    def _loads(text: str | bytes) -> Any:
        return orjson.loads(text)
except ImportError:  # pragma: no cover

    def _loads(text: str | bytes) -> Any:
        return json.loads(text)

# Display order of authority columns; other codes (authored lists) follow alphabetically.
AUTHORITY_ORDER = ("us", "un", "eu", "gb", "ca", "au", "ch")
_CHUNK = 5000
_CACHE_LIMIT = 400_000


@dataclass(frozen=True)
class Sanction:
    programmes: tuple[str, ...]
    measures: tuple[str, ...]
    listing_date: str | None  # YYYY-MM-DD as the list states it


@dataclass(frozen=True)
class Presence:
    """One record on the newest snapshot (as of the date) of its list."""

    record_id: str
    list_id: str
    authority: str
    version_id: int
    schema: str
    caption: str
    sanctions: tuple[Sanction, ...]


@dataclass(frozen=True)
class Designation:
    """When the record's current listing began, as the legal history knows it."""

    date: datetime.date
    basis: str  # "stated" | "bounded" (between two snapshots) | "not_after" (in the first snapshot held)
    after: datetime.date | None = None


@dataclass(frozen=True)
class EntityInfo:
    caption: str
    schema: str
    listed: bool


@dataclass
class State:
    as_of: date
    snapshots: dict[str, tuple[int, date]]  # list -> (snapshot id, publication date)
    list_authority: dict[str, str]
    presences: list[Presence]
    canonical_of: dict[str, str]  # record or unlisted-party ID -> canonical ID
    entities: dict[str, EntityInfo]  # canonical ID -> caption, schema, listed
    pillars: dict[str, tuple[str, ...]]
    designations: dict[str, Designation]  # record ID -> designation in force at as_of
    consolidated: bool
    extra_entities: dict[str, EntityInfo] = field(default_factory=dict)  # unconsolidated records

    def target_of(self, record_id: str) -> str:
        return self.canonical_of.get(record_id, record_id)

    def entity(self, target_id: str) -> EntityInfo:
        info = self.entities.get(target_id) or self.extra_entities.get(target_id)
        return info if info is not None else EntityInfo(target_id, "LegalEntity", True)

    def authorities(self) -> list[str]:
        """Authorities that have at least one list snapshot at the date, in display order."""
        return order_authorities({self.list_authority.get(lst, lst.split("-", 1)[0]) for lst in self.snapshots})

    def data_as_of(self, authorities: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Per authority: the snapshot date each of its lists' answer rests on, and the newest."""
        out: dict[str, dict[str, Any]] = {}
        for code in authorities:
            lists = {
                lst: published.isoformat()
                for lst, (_sid, published) in sorted(self.snapshots.items())
                if self.list_authority.get(lst) == code
            }
            out[code] = {"date": max(lists.values()) if lists else None, "lists": lists}
        return out


def order_authorities(codes: Iterable[str]) -> list[str]:
    rank = {c: i for i, c in enumerate(AUTHORITY_ORDER)}
    return sorted(set(codes), key=lambda c: (rank.get(c, len(rank)), c))


def parse_date(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError as exc:
        raise ValueError(f"not a date (YYYY-MM-DD): {value!r}") from exc


# ---- sanctions per record version ---------------------------------------------------------

_SANCTIONS: dict[tuple[str, str], tuple[Sanction, ...]] = {}


def _sanction_of(props: dict[str, Any]) -> Sanction:
    dates = sorted(d[:10] for d in (props.get("listingDate") or props.get("startDate") or []) if d)
    return Sanction(
        programmes=tuple(props.get("program") or ()),
        measures=tuple(sorted(props.get("provisions") or ())),
        listing_date=dates[0] if dates else None,
    )


_SQLITE_SANCTIONS = (
    "SELECT rv.id, json_extract(j.value, '$.properties.program'), json_extract(j.value, '$.properties.provisions'), "
    "json_extract(j.value, '$.properties.listingDate'), json_extract(j.value, '$.properties.startDate') "
    "FROM record_version rv, json_each(rv.entities) j "
    "WHERE rv.id IN ({marks}) AND json_extract(j.value, '$.schema') = 'Sanction'"
)


def _read_sanctions(conn: Connection, version_ids: Sequence[int]) -> dict[int, list[Sanction]]:
    """The Sanction entities of record versions, read from the stored entity JSON."""
    found: dict[int, list[Sanction]] = {v: [] for v in version_ids}
    sqlite = conn.dialect.name == "sqlite"
    for start in range(0, len(version_ids), _CHUNK):
        chunk = list(version_ids[start : start + _CHUNK])
        if sqlite:
            # SQLite's JSON functions pick the few fields out far faster than parsing in Python.
            rows = conn.exec_driver_sql(_SQLITE_SANCTIONS.format(marks=",".join("?" * len(chunk))), tuple(chunk))
            for version_id, program, provisions, listing, start_date in rows:
                props = {
                    "program": _loads(program) if program else [],
                    "provisions": _loads(provisions) if provisions else [],
                    "listingDate": _loads(listing) if listing else [],
                    "startDate": _loads(start_date) if start_date else [],
                }
                found[version_id].append(_sanction_of(props))
        else:
            query = select(record_version.c.id, record_version.c.entities).where(record_version.c.id.in_(chunk))
            for version_id, entities in conn.execute(query):
                for entity in _loads(entities):
                    if entity.get("schema") == "Sanction":
                        found[version_id].append(_sanction_of(entity.get("properties") or {}))
    return found


def sanctions_for(conn: Connection, versions: Sequence[tuple[str, str, int]]) -> dict[int, tuple[Sanction, ...]]:
    """Sanctions per version ID for (record ID, content hash, version ID) triples."""
    out: dict[int, tuple[Sanction, ...]] = {}
    missing: list[tuple[str, str, int]] = []
    for record_id, content_hash, version_id in versions:
        hit = _SANCTIONS.get((record_id, content_hash))
        if hit is None:
            missing.append((record_id, content_hash, version_id))
        else:
            out[version_id] = hit
    if missing:
        if len(_SANCTIONS) + len(missing) > _CACHE_LIMIT:
            _SANCTIONS.clear()
        read = _read_sanctions(conn, sorted({v for _r, _h, v in missing}))
        for record_id, content_hash, version_id in missing:
            value = tuple(read.get(version_id, ()))
            _SANCTIONS[(record_id, content_hash)] = value
            out[version_id] = value
    return out


# ---- the state at a date ------------------------------------------------------------------


def _snapshots(conn: Connection, as_of: date | None) -> dict[str, tuple[int, date]]:
    latest = latest_snapshots(conn, as_of)
    published = {
        row.id: row.published
        for row in conn.execute(select(snapshot.c.id, snapshot.c.published).where(snapshot.c.id.in_(list(latest.values()))))
    }
    return {lst: (sid, published[sid]) for lst, sid in latest.items()}


def _presence_rows(conn: Connection, snapshots: dict[str, tuple[int, date]]) -> Iterator[Any]:
    snap_ids = [sid for sid, _d in snapshots.values()]
    query = (
        select(
            snapshot_record.c.record_id,
            record_version.c.id,
            record_version.c.list_id,
            record_version.c.schema,
            record_version.c.caption,
            record_version.c.content_hash,
        )
        .join(record_version, record_version.c.id == snapshot_record.c.version_id)
        .where(snapshot_record.c.snapshot_id.in_(snap_ids))
    )
    yield from conn.execute(query)


def _designations(conn: Connection, as_of: date) -> dict[str, Designation]:
    """The designation in force per record: the latest 'designated' event observed by as_of."""
    query = select(
        legal_event.c.record_id, legal_event.c.date, legal_event.c.date_basis, legal_event.c.after, legal_event.c.not_after
    ).where(legal_event.c.event == "designated")
    best: dict[str, tuple[date, Designation]] = {}
    for row in conn.execute(query):
        observed = row.not_after or row.date
        if observed is None or observed > as_of or row.date is None:
            continue
        held = best.get(row.record_id)
        if held is not None and held[0] >= observed:
            continue
        if row.date_basis == "stated":
            basis = "stated"
        else:
            basis = "bounded" if row.after is not None else "not_after"
        best[row.record_id] = (observed, Designation(row.date, basis, row.after))
    return {rid: d for rid, (_o, d) in best.items()}


def _canonical(conn: Connection) -> tuple[dict[str, str], dict[str, EntityInfo], dict[str, tuple[str, ...]]]:
    canonical_of = {
        row.record_id: row.canonical_id
        for row in conn.execute(select(canonical_referent.c.record_id, canonical_referent.c.canonical_id))
    }
    entities = {
        row.id: EntityInfo(row.caption, row.schema, bool(row.listed))
        for row in conn.execute(
            select(canonical_entity.c.id, canonical_entity.c.caption, canonical_entity.c.schema, canonical_entity.c.listed)
        )
    }
    pillar_sets: dict[str, set[str]] = {}
    for row in conn.execute(select(canonical_pillar.c.canonical_id, canonical_pillar.c.pillar)):
        pillar_sets.setdefault(row.canonical_id, set()).add(row.pillar)
    return canonical_of, entities, {cid: tuple(sorted(p)) for cid, p in pillar_sets.items()}


def effective_date(conn: Connection, as_of: date | str | None) -> date:
    """The date an answer is for: the one asked, else today (or the newest snapshot if later)."""
    asked = parse_date(as_of)
    if asked is not None:
        return asked
    newest = conn.execute(select(snapshot.c.published).order_by(snapshot.c.published.desc()).limit(1)).scalar()
    today = date.today()
    return max(today, newest) if newest else today


@contextmanager
def paused_gc() -> Iterator[None]:
    """Building an analysis allocates a few hundred thousand small objects and no cycles;
    the cyclic collector's repeated passes over them cost more than the work itself."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_STATES: OrderedDict[tuple[Any, ...], State] = OrderedDict()
_STATE_LIMIT = 4


def _state_key(conn: Connection, when: date) -> tuple[Any, ...]:
    """What a state depends on: the store, its snapshots at the date, its legal history and
    its consolidation run. Any import or consolidation changes the key."""
    snaps = tuple(conn.execute(select(snapshot.c.id, snapshot.c.sha256).where(snapshot.c.published <= when).order_by(snapshot.c.id)))
    events = tuple(conn.execute(select(func.count(), func.max(legal_event.c.id))).one())
    run = tuple(
        conn.execute(
            select(consolidation_run.c.id, consolidation_run.c.started_at).order_by(consolidation_run.c.id.desc()).limit(1)
        ).first()
        or ()
    )
    referents = conn.execute(select(func.count()).select_from(canonical_referent)).scalar()
    return (str(conn.engine.url), when, hash(snaps), events, run, referents)


def load_state(conn: Connection, as_of: date | str | None = None) -> State:
    """The state at ``as_of`` (default: today); reused while the store has not changed."""
    when = effective_date(conn, as_of)
    key = _state_key(conn, when)
    cached = _STATES.get(key)
    if cached is not None:
        _STATES.move_to_end(key)
        return cached
    with paused_gc():
        state = _build_state(conn, when)
    _STATES[key] = state
    while len(_STATES) > _STATE_LIMIT:
        _STATES.popitem(last=False)
    return state


def _build_state(conn: Connection, when: date) -> State:
    snapshots = _snapshots(conn, when)
    list_authority = {row.id: row.authority for row in conn.execute(select(source_list.c.id, source_list.c.authority))}
    rows = list(_presence_rows(conn, snapshots))
    sanctions = sanctions_for(conn, [(r.record_id, r.content_hash, r.id) for r in rows])
    presences = [
        Presence(
            record_id=r.record_id,
            list_id=r.list_id,
            authority=list_authority.get(r.list_id, r.list_id.split("-", 1)[0]),
            version_id=r.id,
            schema=r.schema,
            caption=r.caption,
            sanctions=sanctions.get(r.id, ()),
        )
        for r in rows
    ]
    presences.sort(key=lambda p: p.record_id)
    canonical_of, entities, pillars = _canonical(conn)
    state = State(
        as_of=when,
        snapshots=snapshots,
        list_authority=list_authority,
        presences=presences,
        canonical_of=canonical_of,
        entities=entities,
        pillars=pillars,
        designations=_designations(conn, when),
        consolidated=bool(entities),
    )
    for p in presences:
        if p.record_id not in canonical_of:
            state.extra_entities[p.record_id] = EntityInfo(p.caption, p.schema, True)
    return state
