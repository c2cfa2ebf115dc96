"""Read models of canonical entities: what ``show`` prints and the API serves."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, func, or_, select

from smartsanctions.store.queries import record_events, record_versions
from smartsanctions.store.schema import (
    canonical_entity,
    canonical_pillar,
    canonical_referent,
    canonical_relation,
    merge_evidence,
)
from smartsanctions.store.views import FACT_PROPS, NAME_PROPS, find_records

# How each kind of relation reads, from the subject's side and from the object's side.
_KIND_WORDS = {"family": "relative", "associate": "associate", "link": "linked", "ownership": "owner",
               "directorship": "director", "membership": "member", "employment": "employee"}


def resolve_canonical(conn: Connection, ident: str) -> str | None:
    """The canonical ID for a canonical ID or for one of its referents' IDs."""
    if conn.execute(select(canonical_entity.c.id).where(canonical_entity.c.id == ident)).first():
        return ident
    row = conn.execute(
        select(canonical_referent.c.canonical_id).where(canonical_referent.c.record_id == ident)
    ).first()
    return str(row.canonical_id) if row else None


def has_consolidation(conn: Connection) -> bool:
    return conn.execute(select(func.count()).select_from(canonical_entity)).scalar() != 0


def relation_statement(kind: str, relationship: str, subject: str, obj: str) -> str:
    """A sentence naming the relation, from the stored edge's direction."""
    if kind == "family":
        return f"{obj} is {relationship} of {subject}"
    if kind == "associate":
        return f"{subject} and {obj}: {relationship}"
    if kind == "ownership":
        return f"{subject} owns {obj}"
    if kind == "directorship":
        return f"{subject} is {relationship or 'director'} of {obj}"
    if kind == "membership":
        return f"{subject} is {relationship or 'member'} of {obj}"
    return f"{subject} {relationship} {obj}"


def relations_of(conn: Connection, canonical_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(canonical_relation).where(
            or_(canonical_relation.c.subject_id == canonical_id, canonical_relation.c.object_id == canonical_id)
        )
    ).all()
    others = {r.object_id if r.subject_id == canonical_id else r.subject_id for r in rows}
    info = {
        row.id: row
        for row in conn.execute(
            select(canonical_entity.c.id, canonical_entity.c.caption, canonical_entity.c.schema, canonical_entity.c.listed)
            .where(canonical_entity.c.id.in_(sorted(others | {canonical_id})))
        )
    }
    out = []
    for r in rows:
        outgoing = r.subject_id == canonical_id
        other = r.object_id if outgoing else r.subject_id
        other_row = info.get(other)
        subject_caption = info[r.subject_id].caption if r.subject_id in info else r.subject_id
        object_caption = info[r.object_id].caption if r.object_id in info else r.object_id
        # For a family edge the object is the subject's <relationship>; seen from the
        # object's side, the subject is the one it is <relationship> of.
        if r.kind == "family":
            role = r.relationship if outgoing else f"{r.relationship} of"
        else:
            role = r.relationship if outgoing else f"{r.relationship} (from {_KIND_WORDS.get(r.kind, r.kind)})"
        out.append(
            {
                "kind": r.kind,
                "relationship": r.relationship,
                "relation": role,
                "direction": "outgoing" if outgoing else "incoming",
                "other_id": other,
                "other_caption": other_row.caption if other_row else None,
                "other_schema": other_row.schema if other_row else None,
                "other_listed": bool(other_row.listed) if other_row else False,
                "statement": relation_statement(r.kind, r.relationship, subject_caption, object_caption),
                "evidence": json.loads(r.evidence),
            }
        )
    return sorted(out, key=lambda x: (x["kind"], x["other_caption"] or "", x["relationship"]))


def pillars_of(conn: Connection, canonical_id: str) -> dict[str, list[dict[str, Any]]]:
    rows = conn.execute(
        select(canonical_pillar.c.pillar, canonical_pillar.c.evidence)
        .where(canonical_pillar.c.canonical_id == canonical_id)
        .order_by(canonical_pillar.c.pillar)
    )
    return {row.pillar: json.loads(row.evidence) for row in rows}


def _evidence_of(conn: Connection, canonical_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(merge_evidence).where(merge_evidence.c.canonical_id == canonical_id).order_by(merge_evidence.c.id)
    )
    return [
        {
            "left": row.left_id,
            "right": row.right_id,
            "score": None if row.reason == "judgement" else row.score / 1000.0,
            "reason": row.reason,
            "features": json.loads(row.features),
        }
        for row in rows
    ]


def _value_provenance(
    versions_by_record: dict[str, list[dict[str, Any]]], props: tuple[str, ...]
) -> dict[str, list[dict[str, Any]]]:
    """Per property value: the records, lists and snapshots that stated it."""
    stated: dict[tuple[str, str], dict[str, Any]] = {}
    for record_id, versions in versions_by_record.items():
        for version in versions:
            target = version["entities"][0]["properties"]
            for prop in props:
                for value in target.get(prop, []):
                    entry = stated.setdefault((prop, value), {"records": set(), "lists": set(), "snapshots": {}})
                    entry["records"].add(record_id)
                    entry["lists"].add(version["list_id"])
                    for snap in version["snapshots"]:
                        entry["snapshots"][snap["id"]] = {"list": snap["list"], "date": snap["date"]}
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (prop, value), entry in sorted(stated.items()):
        snaps = sorted(entry["snapshots"].values(), key=lambda s: (s["date"], s["list"]))
        out[prop].append(
            {
                "value": value,
                "records": sorted(entry["records"]),
                "lists": sorted(entry["lists"]),
                "snapshots": snaps,
                "first_stated": snaps[0]["date"] if snaps else None,
                "last_stated": snaps[-1]["date"] if snaps else None,
            }
        )
    return dict(out)


def canonical_view(conn: Connection, ident: str) -> dict[str, Any] | None:
    """One canonical entity (by its ID or any referent's ID), ready to print or serve."""
    canonical_id = resolve_canonical(conn, ident)
    if canonical_id is None:
        return None
    row = conn.execute(select(canonical_entity).where(canonical_entity.c.id == canonical_id)).first()
    if row is None:
        return None
    data = json.loads(row.data)
    props: dict[str, list[str]] = data["properties"]
    referents: list[str] = data["referents"]
    listed_refs = [r for r in referents if ":party-" not in r]
    versions = {record_id: record_versions(conn, record_id) for record_id in listed_refs}
    referent_rows = conn.execute(
        select(canonical_referent).where(canonical_referent.c.canonical_id == canonical_id).order_by(canonical_referent.c.record_id)
    )
    return {
        "id": canonical_id,
        "caption": row.caption,
        "schema": row.schema,
        "listed": bool(row.listed),
        "current": bool(row.current),
        "referents": referents,
        "referent_status": [
            {"record": r.record_id, "list": r.list_id, "current": bool(r.current), "last_seen": data.get("last_seen", {}).get(r.record_id)}
            for r in referent_rows
        ],
        "datasets": data["datasets"],
        "lists": data["datasets"],
        "authorities": data["authorities"],
        "names": {p: props.get(p, []) for p in NAME_PROPS if props.get(p)},
        "properties": {p: props.get(p, []) for p in FACT_PROPS if props.get(p)},
        "all_properties": props,
        "sanctions": data["sanctions"],
        "identifications": data["identifications"],
        "relations": relations_of(conn, canonical_id),
        "pillars": pillars_of(conn, canonical_id),
        "merge_evidence": _evidence_of(conn, canonical_id),
        "mentions": data.get("mentions", []),
        "mentioned_in": data.get("mentioned_in", []),
        "value_provenance": _value_provenance(versions, NAME_PROPS + FACT_PROPS),
        # Per referent, like a source record's view: its versions and the snapshots that carried them.
        "provenance": [
            {
                "record": record_id,
                "versions": [{"version_id": v["version_id"], "snapshots": v["snapshots"]} for v in history],
            }
            for record_id, history in versions.items()
        ],
        # Property -> value -> the referents whose newest version states it.
        "value_sources": data["provenance"],
        "events": record_events(conn, listed_refs),
    }


def find_canonical(conn: Connection, text: str, limit: int = 20) -> list[tuple[str, str]]:
    """Canonical entities whose names contain every word of ``text`` (listed ones first)."""
    found: dict[str, str] = {}
    record_ids = [rid for rid, _caption in find_records(conn, text, limit=limit * 5)]
    if record_ids:
        rows = conn.execute(
            select(canonical_entity.c.id, canonical_entity.c.caption)
            .join(canonical_referent, canonical_referent.c.canonical_id == canonical_entity.c.id)
            .where(canonical_referent.c.record_id.in_(record_ids))
        )
        for row in rows:
            found.setdefault(row.id, row.caption)
    words = [w for w in text.lower().replace(",", " ").split() if w]
    if words and len(found) < limit:
        query = select(canonical_entity.c.id, canonical_entity.c.caption).where(
            *[func.lower(canonical_entity.c.caption).contains(w) for w in words]
        ).limit(limit)
        for row in conn.execute(query):
            found.setdefault(row.id, row.caption)
    def rank(item: tuple[str, str]) -> tuple[int, str]:
        caption_words = set(item[1].lower().replace(",", " ").replace("-", " ").split())
        return (sum(1 for w in words if w not in caption_words), item[1])

    return sorted(found.items(), key=rank)[:limit]
