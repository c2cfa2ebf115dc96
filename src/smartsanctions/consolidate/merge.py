"""One canonical entity's content, merged from its referents, with each value's provenance."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from followthemoney import model

from smartsanctions.consolidate.features import common_schema
from smartsanctions.consolidate.load import SourceRecord

SKIP_PROPS = frozenset({"addressEntity"})  # points at per-record Address entities


def merged_schema(schemata: Sequence[str]) -> str:
    schema = schemata[0]
    for other in schemata[1:]:
        schema = common_schema(schema, other) or schema
    return schema


def merge_properties(
    schema: str, targets: Sequence[tuple[str, dict[str, Any]]]
) -> tuple[dict[str, list[str]], dict[str, dict[str, list[str]]]]:
    """Union of the referents' target properties valid for ``schema``; value -> referents."""
    valid = model[schema].properties
    provenance: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for record_id, entity in targets:
        for prop, values in entity["properties"].items():
            if prop in SKIP_PROPS or prop not in valid or valid[prop].type.name == "entity":
                continue
            for value in values:
                provenance[prop][value].append(record_id)
    properties = {prop: sorted(values) for prop, values in sorted(provenance.items())}
    return properties, {p: {v: sorted(r) for v, r in sorted(vals.items())} for p, vals in sorted(provenance.items())}


def sanction_summary(entity: dict[str, Any], record: SourceRecord) -> dict[str, Any]:
    props = entity["properties"]
    return {
        "id": entity["id"],
        "record": record.record_id,
        "list": record.list_id,
        "authority": (props.get("authority") or [record.authority])[0],
        "program": props.get("program", []),
        "measures": sorted(props.get("provisions", [])),
        "legal_basis": props.get("summary", []),
        "listing_date": min(props.get("listingDate", []) or [""]) or None,
        "start_date": min(props.get("startDate", []) or [""]) or None,
        "end_date": max(props.get("endDate", []) or [""]) or None,
        "unsc_id": props.get("unscId", []),
        "authority_id": props.get("authorityId", []),
        "reason": props.get("reason", []),
        "current": record.current,
    }


def authorities_summary(
    sanctions: Sequence[dict[str, Any]], referents: Sequence[SourceRecord], designated: Mapping[str, date]
) -> dict[str, dict[str, Any]]:
    """Per authority: measures, programmes, since when, on which lists (the coverage cell)."""
    out: dict[str, dict[str, Any]] = {}
    for record in referents:
        cell = out.setdefault(
            record.authority,
            {"measures": set(), "programmes": set(), "since": None, "lists": set(), "records": [], "current": False},
        )
        cell["lists"].add(record.list_id)
        cell["records"].append(record.record_id)
        cell["current"] = cell["current"] or record.current
        when = designated.get(record.record_id)
        if when is not None:
            iso = when.isoformat()
            cell["since"] = iso if cell["since"] is None else min(cell["since"], iso)
    for sanction in sanctions:
        found = out.get(sanction["authority"])
        if found is None:
            continue
        cell = found
        cell["measures"].update(sanction["measures"])
        cell["programmes"].update(sanction["program"])
        start = sanction["listing_date"] or sanction["start_date"]
        if start:
            cell["since"] = start[:10] if cell["since"] is None else min(cell["since"], start[:10])
    return {
        code: {
            "measures": sorted(cell["measures"]),
            "programmes": sorted(cell["programmes"]),
            "since": cell["since"],
            "lists": sorted(cell["lists"]),
            "records": sorted(cell["records"]),
            "current": cell["current"],
        }
        for code, cell in sorted(out.items())
    }


def identifications(referents: Sequence[SourceRecord]) -> list[dict[str, Any]]:
    found = []
    for record in referents:
        for e in record.entities[1:]:
            if e["schema"] in ("Identification", "Passport"):
                found.append(
                    {
                        "schema": e["schema"],
                        "number": e["properties"].get("number", []),
                        "type": e["properties"].get("type", []),
                        "country": e["properties"].get("country", []),
                        "record": record.record_id,
                    }
                )
    return found


def caption_of(schema: str, properties: Mapping[str, Sequence[str]], referents: Sequence[SourceRecord]) -> str:
    """The name most referents use; ties go to a name in natural order ("Bashar AL-ASSAD" rather
    than "AL-ASSAD, Bashar"), then the shortest, then alphabetical."""
    counts: dict[str, int] = defaultdict(int)
    for record in referents:
        counts[record.caption] += 1
    if counts:
        return min(counts, key=lambda c: (-counts[c], "," in c, len(c), c))
    names = properties.get("name") or ["(unnamed)"]
    return min(names, key=lambda n: (len(n), n))
