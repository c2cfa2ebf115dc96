"""Read models of one source record: what ``show`` prints and the API serves for it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, func, or_, select

from smartsanctions.store.queries import is_current, record_events, record_versions
from smartsanctions.store.schema import record_version, statement

NAME_PROPS = ("name", "alias", "weakAlias", "previousName")
FACT_PROPS = (
    "birthDate",
    "birthPlace",
    "nationality",
    "citizenship",
    "country",
    "gender",
    "position",
    "title",
    "passportNumber",
    "idNumber",
    "registrationNumber",
    "imoNumber",
    "incorporationDate",
    "address",
    "notes",
)
# FtM relation schemata: (the property naming one end, the property naming the other, kind).
# The one table every stage reads edges through.
EDGE_ENDS: dict[str, tuple[str, str, str]] = {
    "Family": ("person", "relative", "family"),
    "Associate": ("person", "associate", "associate"),
    "UnknownLink": ("subject", "object", "link"),
    "Ownership": ("owner", "asset", "ownership"),
    "Directorship": ("director", "organization", "directorship"),
    "Membership": ("member", "organization", "membership"),
    "Employment": ("employee", "employer", "employment"),
}


def sanction_view(entity: dict[str, Any]) -> dict[str, Any]:
    props = entity["properties"]
    return {
        "id": entity["id"],
        "authority": (props.get("authority") or [None])[0],
        "program": props.get("program", []),
        "measures": sorted(props.get("provisions", [])),
        "legal_basis": props.get("summary", []),
        "listing_date": min(props.get("listingDate", []) or [""]) or None,
        "start_date": min(props.get("startDate", []) or [""]) or None,
        "end_date": max(props.get("endDate", []) or [""]) or None,
        "unsc_id": props.get("unscId", []),
        "authority_id": props.get("authorityId", []),
        "reason": props.get("reason", []),
    }


def relations_view(entities: list[dict[str, Any]], record_id: str) -> list[dict[str, Any]]:
    by_id = {e["id"]: e for e in entities}
    relations = []
    for entity in entities:
        ends = EDGE_ENDS.get(entity["schema"])
        if ends is None:
            continue
        props = entity["properties"]
        left = (props.get(ends[0]) or [None])[0]
        right = (props.get(ends[1]) or [None])[0]
        other = right if left == record_id else left
        other_entity = by_id.get(other or "")
        relations.append(
            {
                "schema": entity["schema"],
                "relationship": (props.get("relationship") or props.get("role") or [entity["schema"].lower()])[0],
                "direction": "outgoing" if left == record_id else "incoming",
                "other_id": other,
                "other_caption": _caption(other_entity) if other_entity else None,
                "other_listed": other_entity is None or other_entity["id"].count(":") == 1,
                "text": (props.get("description") or [None])[0],
            }
        )
    return relations


def _caption(entity: dict[str, Any]) -> str:
    props = entity["properties"]
    return (props.get("name") or [entity["id"]])[0]


def record_view(conn: Connection, record_id: str) -> dict[str, Any] | None:
    versions = record_versions(conn, record_id)
    if not versions:
        return None
    latest = versions[-1]
    if len(versions) > 1:
        latest = max(versions, key=lambda v: max((s["date"] for s in v["snapshots"]), default=""))
    entities = latest["entities"]
    target = entities[0]
    props = target["properties"]
    return {
        "id": record_id,
        "caption": latest["caption"],
        "schema": latest["schema"],
        "list": latest["list_id"],
        "current": is_current(conn, record_id),
        "names": {p: props.get(p, []) for p in NAME_PROPS if props.get(p)},
        "properties": {p: props.get(p, []) for p in FACT_PROPS if props.get(p)},
        "sanctions": [sanction_view(e) for e in entities if e["schema"] == "Sanction"],
        "relations": relations_view(entities, record_id),
        "identifications": [
            {
                "schema": e["schema"],
                "number": e["properties"].get("number", []),
                "type": e["properties"].get("type", []),
                "country": e["properties"].get("country", []),
            }
            for e in entities
            if e["schema"] in ("Identification", "Passport")
        ],
        "provenance": [
            {"version_id": v["version_id"], "snapshots": v["snapshots"]} for v in versions
        ],
        "events": record_events(conn, [record_id]),
        "entities": entities,
    }


def find_records(conn: Connection, text: str, limit: int = 20) -> list[tuple[str, str]]:
    """Records whose name or alias contains every word of ``text`` (case-insensitive)."""
    words = [w for w in text.lower().replace(",", " ").split() if w]
    if not words:
        return []
    conditions = [func.lower(statement.c.value).contains(w) for w in words]
    query = (
        select(record_version.c.record_id, record_version.c.caption)
        .join(statement, statement.c.version_id == record_version.c.id)
        .where(
            and_(
                or_(*[statement.c.prop == p for p in NAME_PROPS]),
                statement.c.entity_id == record_version.c.record_id,
                *conditions,
            )
        )
        .distinct()
        .limit(limit)
    )
    return [(row.record_id, row.caption) for row in conn.execute(query)]
