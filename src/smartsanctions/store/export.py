"""Exporting the current source records as FtM JSON lines or a flat CSV.

Consolidation (``consolidate/``) exports canonical entities through its own writer; this
one serves the register alone, before or without consolidation.
"""

from __future__ import annotations

import csv
import json
from typing import Any, TextIO

from sqlalchemy import Connection

from smartsanctions.store.queries import current_records

CSV_COLUMNS = ("id", "schema", "caption", "names", "birth_dates", "countries", "lists", "programs", "measures")


def write_export(conn: Connection, fmt: str, handle: TextIO) -> int:
    if fmt == "ftm":
        return _write_ftm(conn, handle)
    return _write_csv(conn, handle)


def _write_ftm(conn: Connection, handle: TextIO) -> int:
    count = 0
    for record in current_records(conn):
        for entity in record.entities:
            line = {**entity, "datasets": [record.list_id], "referents": []}
            handle.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return count


def party_columns(props: dict[str, list[str]]) -> dict[str, str]:
    """The names, birth dates and countries columns of a party (FtM properties), as both the
    record and the canonical CSV exports write them."""
    return {
        "names": "; ".join(sorted(set(props.get("name", []) + props.get("alias", [])))),
        "birth_dates": "; ".join(props.get("birthDate", [])),
        "countries": "; ".join(sorted(set(props.get("nationality", []) + props.get("country", [])))),
    }


def flat_row(record_id: str, schema: str, caption: str, lists: list[str], entities: list[dict[str, Any]]) -> dict[str, str]:
    sanctions = [e["properties"] for e in entities if e["schema"] == "Sanction"]
    return {
        "id": record_id,
        "schema": schema,
        "caption": caption,
        **party_columns(entities[0]["properties"]),
        "lists": "; ".join(lists),
        "programs": "; ".join(sorted({p for s in sanctions for p in s.get("program", [])})),
        "measures": "; ".join(sorted({m for s in sanctions for m in s.get("provisions", [])})),
    }


def _write_csv(conn: Connection, handle: TextIO) -> int:
    writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    count = 0
    for record in current_records(conn):
        writer.writerow(flat_row(record.record_id, record.schema, record.caption, [record.list_id], record.entities))
        count += 1
    return count
