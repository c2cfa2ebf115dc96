"""Importing list files as snapshots: parse everything first, then write in one transaction.

Nothing is written until every file has parsed and passed its count assertions, and all
writes of one import share a single transaction, so a failed import leaves the store
exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, select

from smartsanctions.sources.base import ParsedList, SourceError
from smartsanctions.sources.registry import ImportJob, authority_name, list_spec, plan_imports
from smartsanctions.sources.relations import resolve_relations
from smartsanctions.store.audit import append_audit
from smartsanctions.store.history import rebuild_events
from smartsanctions.store.records import StoredRecord, statement_rows, to_stored
from smartsanctions.store.schema import record_version, snapshot, snapshot_record, source_list, statement

# A new version with fewer than this share of the previous version's entries looks like
# a truncated download: it is refused unless forced, so it cannot delist anybody.
SHRINK_LIMIT = 0.5
_FOLDER_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})(?:-(\d{2}))?(?!\d)")


class ImportRefused(Exception):
    """A file parsed but breaks its list's assertions; forcing the import overrides this."""


@dataclass
class ImportOutcome:
    list_id: str
    status: str  # "imported" | "unchanged"
    files: list[str]
    published: date
    published_basis: str
    entities: int
    snapshot_id: int | None = None
    added: int = 0
    changed: int = 0
    removed: int = 0
    forced_reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["published"] = self.published.isoformat()
        return data


@dataclass
class PreparedList:
    parsed: ParsedList
    job: ImportJob
    sha256: str
    stored: list[StoredRecord]
    counts: dict[str, int]
    published: date
    published_basis: str
    violations: list[str]


def files_sha256(files: Sequence[Path]) -> str:
    """One digest for a version's file set (order-independent, names included)."""
    outer = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.name):
        inner = hashlib.sha256(path.read_bytes()).hexdigest()
        outer.update(f"{path.name}\0{inner}\n".encode())
    return outer.hexdigest()


def _schema_counts(stored: list[StoredRecord]) -> dict[str, int]:
    from followthemoney import model

    counts: Counter[str] = Counter()
    for item in stored:
        schema = model[item.schema]
        counts["*"] += 1
        for name in ("Person", "Organization", "LegalEntity", "Vessel", "Airplane"):
            if schema.is_a(name):
                counts[name] += 1
    return dict(counts)


def _resolve_published(parsed: ParsedList, job: ImportJob, override: date | None, stored: list[StoredRecord]) -> tuple[date, str]:
    if parsed.published is not None:
        return parsed.published, f"stated in the file ({parsed.published_from or 'publication date'})"
    if override is not None:
        return override, "given with --date"
    for folder in (job.primary.parent.name, job.primary.name):
        match = _FOLDER_DATE.search(folder)
        if match:
            year, month, day = match.group(1), match.group(2), match.group(3)
            try:
                found = date(int(year), int(month), int(day or 1))
            except ValueError:
                continue
            precision = "day" if day else "month: first day used"
            return found, f"folder name '{folder}' ({precision})"
    listed = [s.listed_on for s in stored if s.listed_on]
    if listed:
        return max(listed), "latest listing date stated in the file"
    return datetime.now(UTC).date(), "import date (the file states no date)"


def _check_assertions(parsed: ParsedList, counts: dict[str, int]) -> list[str]:
    spec = list_spec(parsed.list_id)
    problems = []
    for assertion in spec.assertions:
        found = counts.get(assertion.schema, 0)
        if not assertion.min <= found <= assertion.max:
            what = "entries" if assertion.schema == "*" else f"{assertion.schema} entries"
            problems.append(
                f"{found} {what} for list {parsed.list_id}, outside the expected {assertion.min}..{assertion.max}"
            )
    return problems


def prepare(paths: Sequence[Path], source: str | None, published: date | None) -> list[PreparedList]:
    """Parse and check every file; no store access."""
    prepared = []
    for job in plan_imports(paths, source):
        sha = files_sha256(job.files)
        for parsed in job.format.parse(job.primary, job.companions):
            resolve_relations(parsed.records)
            stored = []
            seen: set[str] = set()
            for record in parsed.records:
                if record.id in seen:
                    raise SourceError(job.primary, f"duplicate entry ID {record.id!r} in list {parsed.list_id}")
                seen.add(record.id)
                stored.append(to_stored(record))
            counts = _schema_counts(stored)
            when, basis = _resolve_published(parsed, job, published, stored)
            prepared.append(
                PreparedList(parsed, job, sha, stored, counts, when, basis, _check_assertions(parsed, counts))
            )
    return prepared


def import_files(
    engine: Engine,
    paths: Sequence[Path],
    *,
    source: str | None = None,
    force: bool = False,
    published: date | None = None,
    actor: str = "cli",
) -> list[ImportOutcome]:
    """Import files as new snapshots; all or nothing."""
    prepared = prepare(paths, source, published)
    outcomes = []
    with engine.begin() as conn:
        for item in prepared:
            outcomes.append(write_prepared(conn, item, force, actor))
        for list_id in sorted({o.list_id for o in outcomes if o.status == "imported"}):
            rebuild_events(conn, list_id, list_spec(list_id).authority)
    return outcomes


def _ensure_list(conn: Connection, list_id: str) -> None:
    if conn.execute(select(source_list.c.id).where(source_list.c.id == list_id)).first():
        return
    spec = list_spec(list_id)
    conn.execute(
        source_list.insert().values(
            id=list_id, authority=spec.authority, authority_name=authority_name(spec.authority), name=spec.name
        )
    )


def _previous_snapshot(conn: Connection, list_id: str, before: date) -> Any:
    query = (
        select(snapshot.c.id, snapshot.c.entities, snapshot.c.published)
        .where(snapshot.c.list_id == list_id, snapshot.c.published <= before)
        .order_by(snapshot.c.published.desc(), snapshot.c.id.desc())
        .limit(1)
    )
    return conn.execute(query).first()


def write_prepared(conn: Connection, item: PreparedList, force: bool, actor: str) -> ImportOutcome:
    """Store one parsed and checked list version inside the caller's transaction."""
    list_id = item.parsed.list_id
    files = [p.name for p in item.job.files]
    outcome = ImportOutcome(
        list_id, "unchanged", files, item.published, item.published_basis, len(item.stored)
    )
    _ensure_list(conn, list_id)
    existing = conn.execute(
        select(snapshot.c.id).where(snapshot.c.list_id == list_id, snapshot.c.sha256 == item.sha256)
    ).first()
    if existing:
        outcome.snapshot_id = existing.id
        return outcome

    previous = _previous_snapshot(conn, list_id, item.published)
    violations = list(item.violations)
    if previous is not None and previous.entities and len(item.stored) < SHRINK_LIMIT * previous.entities:
        violations.append(
            f"{len(item.stored)} entries for list {list_id}, fewer than {SHRINK_LIMIT:.0%} of the "
            f"{previous.entities} in the previous version ({previous.published}): looks truncated"
        )
    if violations and not force:
        where = item.job.primary
        raise ImportRefused(f"{where}: refused: {'; '.join(violations)} (use --force to import anyway)")

    inserted = conn.execute(
        snapshot.insert().values(
            list_id=list_id,
            sha256=item.sha256,
            format=item.job.format.name,
            files=json.dumps(files),
            published=item.published,
            published_basis=item.published_basis,
            imported_at=datetime.now(UTC),
            entities=len(item.stored),
            counts=json.dumps(item.counts, sort_keys=True),
            forced=bool(violations),
            notes=json.dumps(item.parsed.notes),
        )
    ).inserted_primary_key
    assert inserted is not None
    snap_id = inserted[0]
    version_ids = _store_versions(conn, list_id, item.stored)
    conn.execute(
        snapshot_record.insert(),
        [{"snapshot_id": snap_id, "record_id": s.record_id, "version_id": version_ids[s.record_id]} for s in item.stored],
    )
    outcome.status = "imported"
    outcome.snapshot_id = snap_id
    if previous is not None:
        _count_changes(conn, outcome, previous.id, version_ids)
    else:
        outcome.added = len(item.stored)
    if violations:
        outcome.forced_reasons = violations
        append_audit(
            conn,
            actor,
            "forced_import",
            {"list": list_id, "files": [str(p) for p in item.job.files], "sha256": item.sha256, "reasons": violations},
        )
    return outcome


def _store_versions(conn: Connection, list_id: str, stored: list[StoredRecord]) -> dict[str, int]:
    """Insert record versions not yet held (with their statements); map record ID -> version ID."""
    known: dict[tuple[str, str], int] = {
        (row.record_id, row.content_hash): row.id
        for row in conn.execute(
            select(record_version.c.id, record_version.c.record_id, record_version.c.content_hash).where(
                record_version.c.list_id == list_id
            )
        )
    }
    result: dict[str, int] = {}
    new: list[StoredRecord] = []
    for item in stored:
        version_id = known.get((item.record_id, item.content_hash))
        if version_id is None:
            new.append(item)
        else:
            result[item.record_id] = version_id
    if new:
        rows = [
            {
                "record_id": s.record_id,
                "list_id": list_id,
                "schema": s.schema,
                "caption": s.caption,
                "content_hash": s.content_hash,
                "listed_on": s.listed_on,
                "amended_on": s.amended_on,
                "entities": s.entities_json,
            }
            for s in new
        ]
        inserted = conn.execute(
            record_version.insert().returning(record_version.c.id, sort_by_parameter_order=True), rows
        ).all()
        statements: list[dict[str, Any]] = []
        for item, row in zip(new, inserted, strict=True):
            result[item.record_id] = row.id
            statements.extend(statement_rows(row.id, item))
        for start in range(0, len(statements), 50_000):
            conn.execute(statement.insert(), statements[start : start + 50_000])
    return result


def _count_changes(conn: Connection, outcome: ImportOutcome, previous_id: int, version_ids: dict[str, int]) -> None:
    before = {
        row.record_id: row.version_id
        for row in conn.execute(
            select(snapshot_record.c.record_id, snapshot_record.c.version_id).where(
                snapshot_record.c.snapshot_id == previous_id
            )
        )
    }
    outcome.added = sum(1 for r in version_ids if r not in before)
    outcome.removed = sum(1 for r in before if r not in version_ids)
    outcome.changed = sum(1 for r, v in version_ids.items() if r in before and before[r] != v)
