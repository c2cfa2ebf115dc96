"""Analysts' screening decisions: a hit marked true or false for one screened party.

A party is identified by the ID the client gives its query (yente's optional ``id``), or
else by a key derived from what was screened (schema, names, birth dates, countries,
identifiers, normalised), so screening the same party again finds earlier decisions.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from smartsanctions.store.schema import screening_decision

DECISIONS = ("true_positive", "false_positive")
KEYED_PROPS = (
    "name",
    "alias",
    "birthDate",
    "nationality",
    "citizenship",
    "country",
    "jurisdiction",
    "idNumber",
    "passportNumber",
    "registrationNumber",
)


def _norm(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).casefold()
    return " ".join(text.split())


def party_key(query: dict[str, Any]) -> str:
    """A stable key for the screened party of one yente-style query."""
    given = query.get("id")
    if isinstance(given, str) and given.strip():
        return f"id:{given.strip()[:190]}"
    props = query.get("properties") or {}
    canon = {
        "schema": query.get("schema") or "Thing",
        **{p: sorted({_norm(str(v)) for v in props.get(p, []) if str(v).strip()}) for p in KEYED_PROPS if props.get(p)},
    }
    digest = hashlib.sha256(json.dumps(canon, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return f"q:{digest[:32]}"


def record_decision(
    conn: Connection,
    party: str,
    entity_id: str,
    decision: str,
    author: str,
    note: str | None,
    data_version: str | None,
) -> dict[str, Any]:
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(DECISIONS)}")
    at = datetime.now(UTC)
    row = {
        "party_key": party,
        "entity_id": entity_id,
        "decision": decision,
        "author": author,
        "at": at,
        "note": note,
        "data_version": data_version,
    }
    inserted = conn.execute(screening_decision.insert().values(**row)).inserted_primary_key
    new_id = inserted[0] if inserted else None
    return {"id": new_id, **row, "at": at.isoformat()}


def latest_decisions(conn: Connection, party: str, entity_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The newest decision per entity for this party."""
    if not entity_ids:
        return {}
    query = (
        select(screening_decision)
        .where(screening_decision.c.party_key == party, screening_decision.c.entity_id.in_(entity_ids))
        .order_by(screening_decision.c.id)
    )
    found: dict[str, dict[str, Any]] = {}
    for row in conn.execute(query):
        found[row.entity_id] = {
            "id": row.id,
            "decision": row.decision,
            "author": row.author,
            "at": row.at.isoformat(),
            "note": row.note,
            "data_version": row.data_version,
        }
    return found
