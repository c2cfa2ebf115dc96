"""Endpoints beyond yente: lists and snapshots, coverage, gaps, legal history, the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from sqlalchemy import Connection

from smartsanctions.analysis import coverage_matrix, find_gaps
from smartsanctions.api import deps
from smartsanctions.api.auditlog import read_audit
from smartsanctions.api.yente import EntityId, _bundle_or_404
from smartsanctions.store.audit import verify_chain
from smartsanctions.store.queries import lists_summary, record_events, record_versions

router = APIRouter(tags=["register"])


@router.get("/lists", summary="Authorities, their lists and every snapshot (the `lists --json` shape)")
def lists(eng: deps.EngineDep, _key: deps.Reader) -> dict[str, Any]:
    with eng.connect() as conn:
        return lists_summary(conn)


def _authorities(text: str | None) -> list[str] | None:
    if not text:
        return None
    codes = [c.strip() for c in text.split(",") if c.strip()]
    return codes or None


def _call_analysis(func: Callable[..., Any], conn: Connection, **kwargs: Any) -> Any:
    try:
        return func(conn, **{k: v for k, v in kwargs.items() if v is not None})
    except (ValueError, LookupError) as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc


@router.get("/coverage", summary="Authority-by-target matrix (the `coverage --json` shape)", response_model=None)
def coverage(
    *,
    program: Annotated[str | None, Query(max_length=200)] = None,
    authorities: Annotated[str | None, Query(max_length=500, description="Comma-separated codes")] = None,
    as_of: Annotated[date | None, Query(description="YYYY-MM-DD")] = None,
    eng: deps.EngineDep,
    _key: deps.Reader,
) -> Any:
    with eng.connect() as conn:
        return _call_analysis(
            coverage_matrix, conn, program=program, authorities=_authorities(authorities), as_of=as_of
        )


@router.get("/gaps", summary="Targets some authorities list and others do not (the `gaps --json` shape)", response_model=None)
def gaps(
    *,
    program: Annotated[str | None, Query(max_length=200)] = None,
    authorities: Annotated[str | None, Query(max_length=500, description="Comma-separated codes")] = None,
    eng: deps.EngineDep,
    _key: deps.Reader,
) -> Any:
    with eng.connect() as conn:
        return _call_analysis(find_gaps, conn, program=program, authorities=_authorities(authorities))


def history_of(conn: Connection, entity_id: str, referents: list[str]) -> dict[str, Any]:
    records = referents or [entity_id]
    return {
        "events": record_events(conn, records),
        "versions": [
            {
                "record_id": record,
                "version_id": v["version_id"],
                "list": v["list_id"],
                "caption": v["caption"],
                "snapshots": v["snapshots"],
            }
            for record in records
            for v in record_versions(conn, record)
        ],
    }


@router.get("/entities/{entity_id}/history", summary="Legal timeline and versions of an entity")
def history(
    *,
    entity_id: EntityId,
    eng: deps.EngineDep,
    _key: deps.Reader,
) -> dict[str, Any]:
    bundle = _bundle_or_404(eng, entity_id)
    with eng.connect() as conn:
        found = history_of(conn, bundle.id, bundle.referents)
    return {"id": bundle.id, "caption": bundle.caption, "schema": bundle.schema, **found}


@router.get("/audit", summary="The audit trail and whether its hash chain holds (admin)")
def audit_trail(
    *,
    after_id: Annotated[int, Query(ge=0, le=2_147_483_647)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 100,
    action: Annotated[str | None, Query(max_length=64)] = None,
    eng: deps.EngineDep,
    _key: deps.AdminKey,
) -> dict[str, Any]:
    with eng.connect() as conn:
        report = verify_chain(conn)
        records = read_audit(conn, after_id=after_id, limit=limit, action=action)
    return {
        "chain": {
            "ok": report.ok,
            "records": report.records,
            "first_bad_id": report.first_bad_id,
            "reason": report.reason,
        },
        "records": records,
    }
