"""Continuous screening: re-check a stored customer book against only what changed.

A book (tables ``screening_book``, ``book_party``, ``book_hit``) holds the parties of a
customer file, their current hits, and the snapshot of every list it was last screened
against. A re-screen after ``update``:

1. compares each list's newest snapshot with the one the book saw: records added, records
   whose version changed, records removed;
2. takes the screenable entries of just the added and changed records (and the relatives
   their listings name) and looks each of their names up in an index of the book's distinct
   names, with a relaxed threshold (the reverse direction: the cost follows the number of
   changes, not the size of the book): the parties found there, plus the parties holding a
   stored hit on a changed or removed record, are the affected ones;
3. re-screens only the affected parties against the full current index (so scores are the
   same as a full screening's) and reports the difference from their stored hits as new and
   removed hits; a new hit that an analyst has already cleared as a false positive for the
   party (``screening_decision``) is reported as suppressed instead.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from smartsanctions.names.analyse import analyse, is_org_schema
from smartsanctions.screening.batch import CHUNK_ROWS, FEATURE_LIFT, Layout, QueryFields, screen_chunk
from smartsanctions.screening.batch_io import open_reader, open_writer
from smartsanctions.screening.decisions import party_key
from smartsanctions.screening.index import DEFAULT_THRESHOLD, ScreeningIndex
from smartsanctions.screening.model import IndexEntry, Query
from smartsanctions.screening.scoring import normalise_identifier
from smartsanctions.screening.service import entries_for_record, load_index
from smartsanctions.store.queries import data_version, latest_snapshots
from smartsanctions.store.schema import (
    book_hit,
    book_party,
    record_version,
    screening_book,
    screening_decision,
    snapshot_record,
)

# How far below the threshold a party may score in the reverse lookup and still be
# re-checked: the book's index weighs name parts by their frequency among the book's
# names, so its scores differ a little from the full index's.
CANDIDATE_MARGIN = 0.15
OUTPUT_COLUMNS = ["change", "party_id", "name", "dob", "country", "entity_id", "caption", "score", "relation",
                  "data_version"]


@dataclass
class Party:
    row: int
    party_id: str
    key: str
    fields: QueryFields


@dataclass
class RescreenReport:
    book: str
    baseline: bool
    parties: int
    previous_version: str | None
    data_version: str
    records_added: int = 0
    records_changed: int = 0
    records_removed: int = 0
    entries_indexed: int = 0
    parties_rechecked: int = 0
    hits: int = 0  # the book's hits after this screening
    new_hits: list[dict[str, Any]] = field(default_factory=list)
    removed_hits: list[dict[str, Any]] = field(default_factory=list)
    suppressed: list[dict[str, Any]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    elapsed: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["elapsed"] = round(self.elapsed, 3)
        return data


# ---------------------------------------------------------------------- the book's parties
def _key_of(party_id: str | None, f: QueryFields) -> str:
    name, dob, country, schema, idents = f
    if party_id:
        return party_key({"id": party_id})
    props: dict[str, list[str]] = {"name": [name]}
    if dob:
        props["birthDate"] = [dob]
    if country:
        props["country"] = [country]
    if idents:
        props["idNumber"] = list(idents)
    return party_key({"schema": schema or "Thing", "properties": props})


def _read_parties(path: Path, columns: dict[str, str]) -> Iterator[list[Party]]:
    reader = open_reader(path)
    layout = Layout.of(path, reader.columns, columns)
    id_at = layout.positions.get("id")
    done = 0
    for chunk in reader.chunks(CHUNK_ROWS):
        parties = []
        for row in chunk:
            done += 1
            f = layout.fields(row, f"row {done}", path)
            given = row[id_at].strip() if id_at is not None else ""
            parties.append(Party(done, given or f"row {done}", _key_of(given or None, f), f))
        yield parties


def _stored_parties(conn: Connection, book: str, rows: set[int] | None = None) -> Iterator[list[Party]]:
    query = select(book_party).where(book_party.c.book == book).order_by(book_party.c.row)
    batch: list[Party] = []
    for r in conn.execute(query):
        if rows is not None and r.row not in rows:
            continue
        idents = tuple(i for i in r.identifiers.split(";") if i)
        batch.append(Party(r.row, r.party_id, r.party_key, (r.name, r.dob, r.country, r.schema, idents)))
        if len(batch) >= CHUNK_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


# ----------------------------------------------------------------------- what changed
def _versions(conn: Connection, snapshot_id: int | None) -> dict[str, int]:
    if snapshot_id is None:
        return {}
    rows = conn.execute(select(snapshot_record.c.record_id, snapshot_record.c.version_id)
                        .where(snapshot_record.c.snapshot_id == snapshot_id))
    return {r.record_id: r.version_id for r in rows}


def changed_records(conn: Connection, before: dict[str, int], after: dict[str, int]) -> tuple[dict[str, int], set[str], set[str]]:
    """(version id of each added or changed record, the changed record IDs, the removed ones)."""
    touched: dict[str, int] = {}
    changed: set[str] = set()
    removed: set[str] = set()
    for list_id in sorted(set(before) | set(after)):
        if before.get(list_id) == after.get(list_id):
            continue
        old, new = _versions(conn, before.get(list_id)), _versions(conn, after.get(list_id))
        for rid, vid in new.items():
            if old.get(rid) != vid:
                touched[rid] = vid
                if rid in old:
                    changed.add(rid)
        removed.update(rid for rid in old if rid not in new)
    return touched, changed, removed


def entries_of_versions(conn: Connection, version_ids: list[int]) -> list[IndexEntry]:
    """Screenable parties of the given record versions, as ``entries_from_store`` makes them."""
    entries: list[IndexEntry] = []
    for start in range(0, len(version_ids), 500):
        query = select(record_version).where(record_version.c.id.in_(version_ids[start : start + 500]))
        for row in conn.execute(query):
            entries.extend(entries_for_record(row.record_id, row.list_id, row.caption, json.loads(row.entities)))
    return entries


def _record_of(entity_id: str) -> str:
    return entity_id.split(":party-", 1)[0]


# ------------------------------------------------------------------------- screening
Found = dict[int, dict[str, tuple[str, float, str]]]  # row -> entity -> (caption, score, relation)


def _screen(index: ScreeningIndex, batches: Iterator[list[Party]], threshold: float,
            parties: dict[int, Party] | None = None) -> Found:
    found: Found = {}
    for batch in batches:
        results = screen_chunk(index, [p.fields for p in batch], threshold)
        for p, hits in zip(batch, results, strict=True):
            if parties is not None:
                parties[p.row] = p
            if hits:
                found[p.row] = {eid: (caption, score, relation) for eid, caption, score, _, relation in hits}
    return found


def _core(name: str, org: bool) -> tuple[str, ...]:
    return tuple(sorted(p.text for p in analyse(name, org).parts if p.kind != "org"))


def _candidates(entries: list[IndexEntry], batches: Iterator[list[Party]], threshold: float) -> set[int]:
    """Rows whose name (or an identifier) comes near a changed entry.

    Searched in reverse: the book's distinct names form an index, and each name of each
    changed entry is looked up in it, so the cost follows the (small) number of changes
    rather than the size of the book. The relaxed threshold leaves room for the two
    indexes' different part weights; every candidate is then re-checked in full.
    """
    relaxed = max(threshold - CANDIDATE_MARGIN, 0.0)
    rows_of: dict[tuple[str, str], list[int]] = {}
    ident_rows: dict[str, list[int]] = {}
    for batch in batches:
        for p in batch:
            if p.fields[0]:
                rows_of.setdefault((p.fields[0], p.fields[3] or "LegalEntity"), []).append(p.row)
            for ident in p.fields[4]:
                ident_rows.setdefault(normalise_identifier(ident), []).append(p.row)
    keys = list(rows_of)
    # Names with the same core parts (e.g. "Wagner Holdings" and "WAGNER GROUP": organisation
    # terms set aside, order ignored) are found directly: a part shared by very many book
    # names can push such a name out of the reverse lookup's candidate list.
    by_key: dict[tuple[str, ...], list[int]] = {}
    for i, (name, schema) in enumerate(keys):
        by_key.setdefault(_core(name, is_org_schema(schema)), []).append(i)
    book = ScreeningIndex.build(IndexEntry(id=str(i), caption=name, schema=schema, names=(name,))
                                for i, (name, schema) in enumerate(keys))
    rows: set[int] = set()
    for entry in entries:
        org = is_org_schema(entry.schema)
        for name in entry.names:
            for i in by_key.get(_core(name, org), []):
                rows.update(rows_of[keys[i]])
            for m in book.search(Query(name=name, schema=entry.schema), threshold=relaxed, limit=len(keys) or 1,
                                 min_score=relaxed - FEATURE_LIFT):
                rows.update(rows_of[keys[int(m.entry.id)]])
        for ident in entry.identifiers:
            rows.update(ident_rows.get(normalise_identifier(ident), []))
    return rows


def _stored_hits(conn: Connection, book: str) -> Found:
    found: Found = {}
    for r in conn.execute(select(book_hit).where(book_hit.c.book == book)):
        found.setdefault(r.row, {})[r.entity_id] = (r.caption, r.score, r.relation)
    return found


def _cleared(conn: Connection, pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (party key, entity) pairs whose newest decision is false_positive."""
    keys = sorted({k for k, _ in pairs})
    latest: dict[tuple[str, str], str] = {}
    for start in range(0, len(keys), 500):
        query = (select(screening_decision.c.party_key, screening_decision.c.entity_id, screening_decision.c.decision)
                 .where(screening_decision.c.party_key.in_(keys[start : start + 500]))
                 .order_by(screening_decision.c.id))
        for r in conn.execute(query):
            latest[(r.party_key, r.entity_id)] = r.decision
    return {pair for pair in pairs if latest.get(pair) == "false_positive"}


def _hit_dict(p: Party, eid: str, hit: tuple[str, float, str]) -> dict[str, Any]:
    return {"party_id": p.party_id, "row": p.row, "name": p.fields[0], "dob": p.fields[1] or "",
            "country": p.fields[2] or "", "entity_id": eid, "caption": hit[0], "score": hit[1], "relation": hit[2]}


def _save_hits(conn: Connection, book: str, rows: set[int] | None, found: Found, version: str) -> None:
    if rows is None:
        conn.execute(delete(book_hit).where(book_hit.c.book == book))
    else:
        ordered = sorted(rows)
        for start in range(0, len(ordered), 500):
            conn.execute(delete(book_hit).where(book_hit.c.book == book, book_hit.c.row.in_(ordered[start : start + 500])))
    values = [{"book": book, "row": row, "entity_id": eid, "caption": c, "score": s, "relation": r, "data_version": version}
              for row, hits in found.items() for eid, (c, s, r) in hits.items()]
    for start in range(0, len(values), 2000):
        conn.execute(insert(book_hit), values[start : start + 2000])


def _load_book(conn: Connection, book: str, path: Path, columns: dict[str, str], threshold: float,
               version: str, snaps: dict[str, int]) -> int:
    conn.execute(delete(book_hit).where(book_hit.c.book == book))
    conn.execute(delete(book_party).where(book_party.c.book == book))
    conn.execute(delete(screening_book).where(screening_book.c.name == book))
    conn.execute(insert(screening_book).values(
        name=book, source=str(path.resolve()), columns=json.dumps(columns), threshold=threshold, data_version=version,
        snapshots=json.dumps(snaps), parties=0, screened_at=datetime.now(UTC)))
    count = 0
    for batch in _read_parties(path, columns):
        conn.execute(insert(book_party), [
            {"book": book, "row": p.row, "party_id": p.party_id[:200], "party_key": p.key, "name": p.fields[0],
             "dob": p.fields[1], "country": p.fields[2], "schema": p.fields[3], "identifiers": ";".join(p.fields[4])}
            for p in batch])
        count += len(batch)
    conn.execute(update(screening_book).where(screening_book.c.name == book).values(parties=count))
    return count


def _write_changes(path: Path, report: RescreenReport) -> None:
    writer = open_writer(path, OUTPUT_COLUMNS, {"score": "float"})
    for change, hits in (("new", report.new_hits), ("removed", report.removed_hits), ("suppressed", report.suppressed)):
        writer.write([[change, h["party_id"], h["name"], h["dob"], h["country"], h["entity_id"], h["caption"],
                       float(h["score"]), h["relation"], report.data_version] for h in hits])
    writer.close()


def rescreen(
    engine: Engine,
    book: str,
    *,
    input_path: Path | None = None,
    columns: dict[str, str] | None = None,
    threshold: float | None = None,
    output_path: Path | None = None,
    full: bool = False,
) -> RescreenReport:
    """Re-screen the stored book ``book`` against what changed since its last screening.

    With ``input_path`` the book is (re)loaded from that file and screened in full (a
    baseline: every hit is new). With ``full`` every party is re-checked against the whole
    index instead of only the affected ones (same result; for comparison). ``output_path``
    (csv/xlsx/parquet) receives the new, removed and suppressed hits.
    """
    started = time.monotonic()
    with engine.connect() as conn:
        version = data_version(conn)
    cached: list[ScreeningIndex] = []

    def full_index() -> ScreeningIndex:
        if not cached:
            loaded = load_index(engine)
            if loaded.data_version != version:
                raise RuntimeError("the store changed during the re-screen; run it again")
            cached.append(loaded.index)
        return cached[0]

    with engine.begin() as conn:
        snaps = latest_snapshots(conn)
        stored = conn.execute(select(screening_book).where(screening_book.c.name == book)).first()
        if input_path is not None:
            thr = DEFAULT_THRESHOLD if threshold is None else threshold
            count = _load_book(conn, book, Path(input_path), columns or {}, thr, version, snaps)
            parties: dict[int, Party] = {}
            found = _screen(full_index(), _stored_parties(conn, book), thr, parties)
            _save_hits(conn, book, None, found, version)
            report = RescreenReport(book, True, count, stored.data_version if stored else None, version,
                                    records_added=0, parties_rechecked=count)
            report.new_hits = [_hit_dict(parties[row], eid, hit) for row, hits in sorted(found.items())
                               for eid, hit in hits.items()]
        else:
            if stored is None:
                raise LookupError(f"no screening book named {book!r}; load one first with an input file")
            report = _rescreen_stored(conn, full_index, stored, version, snaps, threshold, full)
        conn.execute(update(screening_book).where(screening_book.c.name == book).values(
            data_version=version, snapshots=json.dumps(snaps), screened_at=datetime.now(UTC),
            **({"threshold": threshold} if threshold is not None else {})))
        report.hits = sum(1 for _ in conn.execute(select(book_hit.c.row).where(book_hit.c.book == book)))
    if output_path is not None:
        _write_changes(Path(output_path), report)
    report.elapsed = time.monotonic() - started
    return report


def _rescreen_stored(conn: Connection, index: Callable[[], ScreeningIndex], stored: Any, version: str, snaps: dict[str, int],
                     threshold: float | None, full: bool) -> RescreenReport:
    started = time.monotonic()
    book = stored.name
    thr = stored.threshold if threshold is None else threshold
    before = {k: int(v) for k, v in json.loads(stored.snapshots).items()}
    touched, changed, removed = changed_records(conn, before, snaps)
    report = RescreenReport(book, False, stored.parties, stored.data_version, version,
                            records_added=len(touched) - len(changed), records_changed=len(changed),
                            records_removed=len(removed))
    old = _stored_hits(conn, book)
    if full or threshold not in (None, stored.threshold):
        rows: set[int] | None = None
    else:
        entries = entries_of_versions(conn, sorted(set(touched.values())))
        report.entries_indexed = len(entries)
        affected = {row for row, hits in old.items() if any(_record_of(e) in touched or _record_of(e) in removed
                                                             for e in hits)}
        if entries:
            affected.update(_candidates(entries, _stored_parties(conn, book), thr))
        rows = affected
        report.timings["find_affected"] = round(time.monotonic() - started, 3)
    parties: dict[int, Party] = {}
    new = _screen(index(), _stored_parties(conn, book, rows), thr, parties) if rows is None or rows else {}
    report.timings["recheck"] = round(time.monotonic() - started, 3)
    report.parties_rechecked = len(parties)
    checked = set(parties)
    fresh = [(row, eid, hit) for row, hits in sorted(new.items()) for eid, hit in hits.items()
             if eid not in old.get(row, {})]
    cleared = _cleared(conn, {(parties[row].key, eid) for row, eid, _ in fresh})
    for row, eid, hit in fresh:
        target = report.suppressed if (parties[row].key, eid) in cleared else report.new_hits
        target.append(_hit_dict(parties[row], eid, hit))
    for row in sorted(checked):
        for eid, hit in old.get(row, {}).items():
            if eid not in new.get(row, {}):
                report.removed_hits.append(_hit_dict(parties[row], eid, hit))
    _save_hits(conn, book, checked, {row: hits for row, hits in new.items() if row in checked}, version)
    return report
