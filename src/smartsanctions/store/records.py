"""Turning a parsed record into what the store keeps: canonical JSON, a content hash, statements."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from smartsanctions.sources.base import Record


@dataclass(frozen=True)
class StoredRecord:
    record_id: str
    schema: str
    caption: str
    content_hash: str
    entities_json: str
    entities: list[dict[str, Any]]
    listed_on: date | None
    amended_on: date | None


def _entity_dict(entity: Any) -> dict[str, Any]:
    props = {name: sorted(values) for name, values in sorted(entity.properties.items()) if values}
    return {"id": entity.id, "schema": entity.schema.name, "properties": props}


def _first_date(values: list[str], pick: Any) -> date | None:
    parsed = []
    for value in values:
        try:
            parsed.append(date.fromisoformat(value[:10]) if len(value) >= 10 else None)
        except ValueError:
            continue
    parsed_dates = [d for d in parsed if d is not None]
    return pick(parsed_dates) if parsed_dates else None


def to_stored(record: Record) -> StoredRecord:
    entities = sorted((_entity_dict(e) for e in record.entities), key=lambda d: (d["id"] != record.id, d["id"]))
    text = json.dumps(entities, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()
    listed: list[str] = []
    amended: list[str] = []
    for entity in record.entities:
        if entity.schema.name == "Sanction":
            listed.extend(entity.get("listingDate") or entity.get("startDate"))
            amended.extend(entity.get("modifiedAt"))
    return StoredRecord(
        record_id=record.id,
        schema=record.target.schema.name,
        caption=(record.target.caption or record.id)[:500],
        content_hash=digest,
        entities_json=text,
        entities=entities,
        listed_on=_first_date(listed, min),
        amended_on=_first_date(amended, max),
    )


def statement_rows(version_id: int, stored: StoredRecord) -> list[dict[str, Any]]:
    rows = []
    for entity in stored.entities:
        for prop, values in entity["properties"].items():
            for value in values:
                rows.append(
                    {
                        "version_id": version_id,
                        "entity_id": entity["id"],
                        "schema": entity["schema"],
                        "prop": prop,
                        "value": value,
                    }
                )
    return rows
