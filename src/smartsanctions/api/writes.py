"""Write endpoints (API key required): judgements, screening decisions, authored lists."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Path, Query
from sqlalchemy import Engine, select

from smartsanctions.api import deps
from smartsanctions.api.auditlog import audited
from smartsanctions.api.authored import AuthoredError, AuthoredFolder, Written, entry_index, new_version
from smartsanctions.api.entities import find_bundle
from smartsanctions.api.models import AuthoredEntryIn, DecisionIn, JudgementIn
from smartsanctions.screening.decisions import latest_decisions, party_key, record_decision
from smartsanctions.store.audit import append_audit
from smartsanctions.store.queries import data_version
from smartsanctions.store.schema import judgement

router = APIRouter(tags=["writes"])

ListId = Annotated[str, Path(min_length=3, max_length=64, pattern=r"^[a-z][a-z0-9]*(?:-[a-z0-9_]+)+$")]
EntryId = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
Published = Annotated[date | None, Query(description="The new version's publication date (default: today)")]


def _require_entity(eng: Engine, entity_id: str) -> None:
    with eng.connect() as conn:
        if find_bundle(conn, entity_id) is None:
            raise HTTPException(status_code=404, detail=f"no entity with ID {entity_id!r}")


@router.post("/judgements", status_code=201, summary="Record that two entities are / are not the same (analyst)")
def post_judgement(
    *,
    body: JudgementIn,
    key: deps.AnalystKey,
    eng: deps.EngineDep,
) -> dict[str, Any]:
    if body.left_id == body.right_id:
        raise HTTPException(status_code=422, detail="a judgement needs two different entities")
    _require_entity(eng, body.left_id)
    _require_entity(eng, body.right_id)
    left, right = sorted((body.left_id, body.right_id))
    at = datetime.now(UTC)
    author = deps.actor(key)
    with audited(eng) as conn:
        inserted = conn.execute(
            judgement.insert().values(
                left_id=left, right_id=right, judgement=body.judgement, author=author, created_at=at, note=body.note
            )
        ).inserted_primary_key
        new_id = inserted[0] if inserted else None
        record = {"id": new_id, "left_id": left, "right_id": right, "judgement": body.judgement, "note": body.note}
        digest = append_audit(conn, author, "judgement", record, data_version=data_version(conn))
    return {**record, "author": author, "created_at": at.isoformat(), "audit_hash": digest}


@router.get("/judgements", summary="Stored judgements, optionally about one entity")
def get_judgements(
    *,
    entity_id: Annotated[str | None, Query(max_length=300)] = None,
    _key: deps.Reader,
    eng: deps.EngineDep,
) -> dict[str, Any]:
    query = select(judgement).order_by(judgement.c.id)
    if entity_id:
        query = query.where((judgement.c.left_id == entity_id) | (judgement.c.right_id == entity_id))
    with eng.connect() as conn:
        rows = conn.execute(query).all()
    return {
        "judgements": [
            {
                "id": r.id,
                "left_id": r.left_id,
                "right_id": r.right_id,
                "judgement": r.judgement,
                "author": r.author,
                "created_at": r.created_at.isoformat(),
                "note": r.note,
            }
            for r in rows
        ]
    }


@router.post("/decisions", status_code=201, summary="Mark a screening hit true or false for a party (analyst)")
def post_decision(
    *,
    body: DecisionIn,
    key: deps.AnalystKey,
    eng: deps.EngineDep,
) -> dict[str, Any]:
    if body.party_key:
        party = body.party_key
    elif body.query is not None:
        party = party_key(body.query.payload())
    else:
        raise HTTPException(status_code=422, detail="give the party as party_key (from /match) or as the query screened")
    _require_entity(eng, body.entity_id)
    author = deps.actor(key)
    with audited(eng) as conn:
        version = data_version(conn)
        record = record_decision(conn, party, body.entity_id, body.decision, author, body.note, version)
        digest = append_audit(conn, author, "screening_decision", record, data_version=version)
    return {**record, "audit_hash": digest}


@router.get("/decisions", summary="Decisions taken for a party (analyst)")
def get_decisions(
    *,
    party: Annotated[str, Query(min_length=1, max_length=200, description="A party_key from /match")],
    _key: deps.AnalystKey,
    eng: deps.EngineDep,
) -> dict[str, Any]:
    from smartsanctions.store.schema import screening_decision

    with eng.connect() as conn:
        ids = conn.execute(
            select(screening_decision.c.entity_id).where(screening_decision.c.party_key == party).distinct()
        ).scalars().all()
        found = latest_decisions(conn, party, list(ids))
    return {"party_key": party, "decisions": found}


# --- authored lists ------------------------------------------------------------------------


def _folder(request_settings: deps.Settings) -> AuthoredFolder:
    if request_settings.authored_dir is None:
        raise HTTPException(status_code=501, detail="no folder for authored lists is configured")
    return AuthoredFolder(request_settings.authored_dir)


def _written(result: Written) -> dict[str, Any]:
    return {
        "list_id": result.list_id,
        "file": result.file.name,
        "import": result.outcome.to_dict(),
        "audit_hash": result.audit_hash,
    }


def _run(func: Any) -> Any:
    try:
        return func()
    except AuthoredError as exc:
        raise HTTPException(status_code=exc.status, detail=str(exc)) from exc


def _current(folder: AuthoredFolder, list_id: str) -> dict[str, Any]:
    current = _run(lambda: folder.current(list_id))
    if current is None:
        raise HTTPException(
            status_code=404, detail=f"no authored list {list_id!r} here; create it with PUT /authored/{list_id}"
        )
    return dict(current)


@router.get("/authored", summary="Authored lists kept by this server")
def authored_lists(
    *,
    config: deps.SettingsDep, _key: deps.Reader
) -> dict[str, Any]:
    folder = _folder(config)
    return {"lists": folder.lists()}


@router.get("/authored/{list_id}", summary="The current version of an authored list")
def authored_list(
    *,
    list_id: ListId, config: deps.SettingsDep, _key: deps.Reader
) -> dict[str, Any]:
    return _current(_folder(config), list_id)


@router.put("/authored/{list_id}", summary="Create or replace an authored list: metadata and entries (admin)")
def put_authored_list(
    *,
    list_id: ListId,
    document: Annotated[dict[str, Any], Body(description="Metadata keys and 'entries', as in docs/authored-lists.md")],
    key: deps.AdminKey,
    eng: deps.EngineDep,
    config: deps.SettingsDep,
) -> dict[str, Any]:
    folder = _folder(config)
    if document.get("list_id", list_id) != list_id:
        raise HTTPException(status_code=422, detail="list_id in the body differs from the path")
    doc = {**document, "list_id": list_id}
    detail = {"change": "replace_list", "entries": len(doc.get("entries") or [])}
    return _written(_run(lambda: folder.write(eng, doc, deps.actor(key), "authored_list", detail)))


def _entry(body: AuthoredEntryIn, entry_id: str | None = None) -> tuple[dict[str, Any], str | None]:
    entry = body.model_dump(exclude_none=True)
    note = entry.pop("note", None)
    if entry_id is not None:
        entry["id"] = entry_id
    if not entry.get("id"):
        raise HTTPException(status_code=422, detail="an entry needs an 'id'")
    return entry, note


@router.post("/authored/{list_id}/entries", status_code=201, summary="Designate: add an entry (admin)")
def add_entry(
    *,
    list_id: ListId,
    body: AuthoredEntryIn,
    published: Published = None,
    key: deps.AdminKey,
    eng: deps.EngineDep,
    config: deps.SettingsDep,
) -> dict[str, Any]:
    folder = _folder(config)
    doc = new_version(_current(folder, list_id), published.isoformat() if published else None)
    entry, note = _entry(body)
    if entry_index(doc, str(entry["id"])) is not None:
        raise HTTPException(status_code=409, detail=f"entry {entry['id']!r} is already on {list_id}")
    doc["entries"].append(entry)
    detail = {"change": "designate", "entry": entry, "note": note}
    return _written(_run(lambda: folder.write(eng, doc, deps.actor(key), "authored_designation", detail)))


def _next_version_at(folder: AuthoredFolder, list_id: str, entry_id: str, published: date | None) -> tuple[dict[str, Any], int]:
    """The list's next version, and where the entry to change stands in it (404 if absent)."""
    doc = new_version(_current(folder, list_id), published.isoformat() if published else None)
    where = entry_index(doc, entry_id)
    if where is None:
        raise HTTPException(status_code=404, detail=f"no entry {entry_id!r} on {list_id}")
    return doc, where


@router.put("/authored/{list_id}/entries/{entry_id}", summary="Amend an entry: replace its fields (admin)")
def amend_entry(
    *,
    list_id: ListId,
    entry_id: EntryId,
    body: AuthoredEntryIn,
    published: Published = None,
    key: deps.AdminKey,
    eng: deps.EngineDep,
    config: deps.SettingsDep,
) -> dict[str, Any]:
    folder = _folder(config)
    doc, where = _next_version_at(folder, list_id, entry_id, published)
    entry, note = _entry(body, entry_id)
    before = doc["entries"][where]
    doc["entries"][where] = entry
    detail = {"change": "amend", "before": before, "entry": entry, "note": note}
    return _written(_run(lambda: folder.write(eng, doc, deps.actor(key), "authored_amendment", detail)))


@router.delete("/authored/{list_id}/entries/{entry_id}", summary="Delist an entry (admin)")
def delist_entry(
    *,
    list_id: ListId,
    entry_id: EntryId,
    published: Published = None,
    note: Annotated[str | None, Query(max_length=2000)] = None,
    key: deps.AdminKey,
    eng: deps.EngineDep,
    config: deps.SettingsDep,
) -> dict[str, Any]:
    folder = _folder(config)
    doc, where = _next_version_at(folder, list_id, entry_id, published)
    removed = doc["entries"].pop(where)
    detail = {"change": "delist", "entry": removed, "note": (note or "").replace("\x00", "") or None}
    return _written(_run(lambda: folder.write(eng, doc, deps.actor(key), "authored_delisting", detail)))
