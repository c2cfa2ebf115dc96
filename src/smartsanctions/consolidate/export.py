"""Exporting canonical entities as FtM JSON lines (``export --format ftm``) and flat CSV.

Each canonical entity is one FtM entity with ``referents`` (the source records it
merges) and ``datasets`` (the lists it appears on); its sanctions follow as Sanction
entities and its relations as Family / Associate / UnknownLink / Ownership / ...
entities, all pointing at canonical IDs (which, unlike source-record IDs, FtM accepts
as references).
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from typing import Any, TextIO

from followthemoney import model
from sqlalchemy import Connection, select

from smartsanctions.store.export import party_columns
from smartsanctions.store.schema import canonical_entity, canonical_relation

CSV_COLUMNS = ("id", "schema", "caption", "names", "birth_dates", "countries", "lists", "authorities", "programs",
               "measures", "referents", "listed")
_SANCTION_PROPS = {
    "authority": "authority",
    "program": "program",
    "measures": "provisions",
    "legal_basis": "summary",
    "listing_date": "listingDate",
    "start_date": "startDate",
    "end_date": "endDate",
    "unsc_id": "unscId",
    "authority_id": "authorityId",
    "reason": "reason",
}
_EDGES = {
    "family": ("Family", "person", "relative", "relationship"),
    "associate": ("Associate", "person", "associate", "relationship"),
    "link": ("UnknownLink", "subject", "object", "role"),
    "ownership": ("Ownership", "owner", "asset", "role"),
    "directorship": ("Directorship", "director", "organization", "role"),
    "membership": ("Membership", "member", "organization", "role"),
    "employment": ("Employment", "employee", "employer", "role"),
}


def _hash(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _values(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value if v not in (None, "")]
    return [str(value)] if value != "" else []


def _clean_props(schema: str, props: dict[str, list[str]]) -> dict[str, list[str]]:
    valid = model[schema].properties
    return {p: v for p, v in props.items() if p in valid and v}


def canonical_lines(conn: Connection) -> Iterator[dict[str, Any]]:
    """FtM entity dicts: canonical entities, their sanctions, and the relations between them."""
    for row in conn.execute(select(canonical_entity).order_by(canonical_entity.c.id)):
        data = json.loads(row.data)
        yield {
            "id": row.id,
            "schema": row.schema,
            "caption": row.caption,
            "properties": _clean_props(row.schema, data["properties"]),
            "referents": data["referents"],
            "datasets": data["datasets"],
            "listed": bool(row.listed),
        }
        seen: set[str] = set()
        for sanction in data["sanctions"]:
            sid = f"{row.id}-sanction-{_hash(sanction['record'], sanction['id'])}"
            if sid in seen:
                continue
            seen.add(sid)
            props: dict[str, list[str]] = {"entity": [row.id]}
            for key, prop in _SANCTION_PROPS.items():
                values = _values(sanction.get(key))
                if prop in ("listingDate", "startDate", "endDate"):
                    values = [v[:10] for v in values]
                if values:
                    props[prop] = values
            yield {
                "id": sid,
                "schema": "Sanction",
                "properties": _clean_props("Sanction", props),
                "referents": [sanction["id"]],
                "datasets": [sanction["list"]],
            }
    for rel in conn.execute(select(canonical_relation).order_by(canonical_relation.c.id)):
        schema, left, right, label = _EDGES.get(rel.kind, _EDGES["link"])
        evidence = json.loads(rel.evidence)
        props = {left: [rel.subject_id], right: [rel.object_id], label: [rel.relationship]}
        texts = sorted({e["text"] for e in evidence if e.get("text")})
        if texts:
            props["description"] = texts[:5]
        yield {
            "id": f"ssrel-{_hash(rel.subject_id, rel.object_id, rel.kind, rel.relationship)}",
            "schema": schema,
            "properties": _clean_props(schema, props),
            "referents": sorted({e["edge"] for e in evidence}),
            "datasets": sorted({e["list"] for e in evidence}),
        }


def write_canonical_ftm(conn: Connection, handle: TextIO) -> int:
    count = 0
    for line in canonical_lines(conn):
        handle.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


def write_canonical_csv(conn: Connection, handle: TextIO) -> int:
    writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    count = 0
    for row in conn.execute(select(canonical_entity).order_by(canonical_entity.c.id)):
        data = json.loads(row.data)
        props = data["properties"]
        sanctions = data["sanctions"]
        writer.writerow(
            {
                "id": row.id,
                "schema": row.schema,
                "caption": row.caption,
                **party_columns(props),
                "lists": "; ".join(data["datasets"]),
                "authorities": "; ".join(sorted(data["authorities"])),
                "programs": "; ".join(sorted({p for s in sanctions for p in s["program"]})),
                "measures": "; ".join(sorted({m for s in sanctions for m in s["measures"]})),
                "referents": "; ".join(data["referents"]),
                "listed": "yes" if row.listed else "no",
            }
        )
        count += 1
    return count
