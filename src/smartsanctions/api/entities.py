"""Entities as the API serves them: looked up in the store, shaped like yente's.

An entity is a *bundle*: the target (first) plus the entities that hang off it in its
listing (sanctions, identifications, addresses, relation edges and the unlisted parties
they name). Consolidated (canonical) entities are served when consolidation provides
them; otherwise source records, and the unlisted parties named inside them.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from followthemoney import model
from sqlalchemy import Connection, Engine, select

from smartsanctions.store.queries import latest_snapshots
from smartsanctions.store.schema import record_version, snapshot_record
from smartsanctions.store.views import record_view

PARTY_MARK = ":party-"


@dataclass
class Bundle:
    id: str
    caption: str
    schema: str
    entities: list[dict[str, Any]]  # the target first
    datasets: list[str]
    referents: list[str] = field(default_factory=list)
    listed: bool = True
    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None
    view: dict[str, Any] | None = None  # the store's full read model, for the UI

    @property
    def target(self) -> dict[str, Any]:
        return self.entities[0]


def _canonical_view(conn: Connection, entity_id: str) -> dict[str, Any] | None:
    try:
        from smartsanctions.consolidate.views import canonical_view  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    view: dict[str, Any] | None = canonical_view(conn, entity_id)
    return view


def _seen(view: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    dates = [s["date"] for p in view.get("provenance", []) for s in p.get("snapshots", [])]
    latest = view.get("provenance", [])
    change = min((s["date"] for s in latest[-1]["snapshots"]), default=None) if latest else None
    return (min(dates) if dates else None, max(dates) if dates else None, change)


def _from_record_view(view: dict[str, Any]) -> Bundle:
    first, last, change = _seen(view)
    return Bundle(
        id=view["id"],
        caption=view["caption"],
        schema=view["schema"],
        entities=view["entities"],
        datasets=[view["list"]],
        referents=[],
        listed=bool(view.get("current", True)),
        first_seen=first,
        last_seen=last,
        last_change=change,
        view=view,
    )


def _swap_refs(entity: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    props = {
        k: [new if v == old else v for v in values] if k in _entity_props(entity["schema"]) else list(values)
        for k, values in entity.get("properties", {}).items()
    }
    return {**entity, "properties": props}


def _from_canonical_view(conn: Connection, view: dict[str, Any]) -> Bundle:
    """A canonical entity with its referents' sanctions, identifications, addresses and edges."""
    canonical_id = view["id"]
    target = {"id": canonical_id, "schema": view["schema"], "properties": view.get("all_properties") or {}}
    members: dict[str, dict[str, Any]] = {}
    dates: list[str] = []
    for referent in view.get("referents", []):
        if PARTY_MARK in referent:
            continue
        record = record_view(conn, referent)
        if record is None:
            continue
        dates.extend(s["date"] for p in record["provenance"] for s in p["snapshots"])
        for entity in record["entities"][1:]:
            members.setdefault(entity["id"], _swap_refs(entity, referent, canonical_id))
    return Bundle(
        id=canonical_id,
        caption=view.get("caption") or canonical_id,
        schema=view["schema"],
        entities=[target, *members.values()],
        datasets=list(view.get("datasets", [])),
        referents=list(view.get("referents", [])),
        listed=bool(view.get("listed", True)) and bool(view.get("current", True)),
        first_seen=min(dates) if dates else None,
        last_seen=max(dates) if dates else None,
        view=view,
    )


def _party_bundle(conn: Connection, entity_id: str) -> Bundle | None:
    """An unlisted relative/associate named in a listing (ID ``<record>:party-...``)."""
    parent_id = entity_id.split(PARTY_MARK, 1)[0]
    parent = record_view(conn, parent_id)
    if parent is None:
        return None
    by_id = {e["id"]: e for e in parent["entities"]}
    party = by_id.get(entity_id)
    if party is None:
        return None
    edges = [e for e in parent["entities"] if entity_id in _references(e)]
    others = {ref for e in edges for ref in _references(e)} - {entity_id}
    related = [by_id[o] for o in sorted(others) if o in by_id]
    first, last, change = _seen(parent)
    return Bundle(
        id=entity_id,
        caption=caption_of(party),
        schema=party["schema"],
        entities=[party, *edges, *related],
        datasets=[parent["list"]],
        listed=False,
        first_seen=first,
        last_seen=last,
        last_change=change,
    )


def find_bundle(conn: Connection, entity_id: str) -> Bundle | None:
    canonical = _canonical_view(conn, entity_id)
    if canonical is not None:
        return _from_canonical_view(conn, canonical)
    if PARTY_MARK in entity_id:
        return _party_bundle(conn, entity_id)
    view = record_view(conn, entity_id)
    return _from_record_view(view) if view is not None else None


def caption_of(entity: dict[str, Any]) -> str:
    props = entity.get("properties", {})
    for prop in ("name", "caption", "number", "full", "authority", "program", "relationship"):
        values = props.get(prop)
        if values:
            return str(values[0])
    return str(entity.get("schema", "Thing"))


def _entity_props(schema_name: str) -> set[str]:
    schema = model.get(schema_name)
    if schema is None:
        return set()
    return {name for name, prop in schema.properties.items() if prop.type.name == "entity"}


def _references(entity: dict[str, Any]) -> set[str]:
    refs: set[str] = set()
    for prop in _entity_props(entity["schema"]):
        refs.update(entity.get("properties", {}).get(prop, []))
    return refs


def _flat(entity: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": entity["id"],
        "caption": caption_of(entity),
        "schema": entity["schema"],
        "properties": {k: list(v) for k, v in entity.get("properties", {}).items()},
    }


def _nest_refs(entity: dict[str, Any], by_id: dict[str, dict[str, Any]], skip: str) -> dict[str, Any]:
    """``entity`` with references to other bundle members (not ``skip``) nested one level."""
    flat = _flat(entity)
    for prop in _entity_props(entity["schema"]):
        values = flat["properties"].get(prop)
        if values:
            flat["properties"][prop] = [
                _flat(by_id[v]) if v in by_id and v != skip else v for v in values
            ]
    return flat


def adjacency(bundle: Bundle) -> dict[str, list[dict[str, Any]]]:
    """Bundle members that point at the target, grouped by the reverse property name."""
    target_id = bundle.target["id"]
    by_id = {e["id"]: e for e in bundle.entities}
    grouped: dict[str, list[dict[str, Any]]] = {}
    for entity in bundle.entities[1:]:
        schema = model.get(entity["schema"])
        if schema is None:
            continue
        for prop_name in _entity_props(entity["schema"]):
            if target_id not in entity.get("properties", {}).get(prop_name, []):
                continue
            prop = schema.get(prop_name)
            reverse = prop.reverse.name if prop is not None and prop.reverse is not None else prop_name
            grouped.setdefault(reverse, []).append(_nest_refs(entity, by_id, target_id))
    return grouped


def yente_entity(bundle: Bundle, nested: bool = True) -> dict[str, Any]:
    """The bundle's target in yente's entity shape."""
    target = bundle.target
    by_id = {e["id"]: e for e in bundle.entities}
    entity = _nest_refs(target, by_id, target["id"]) if nested else _flat(target)
    entity["caption"] = bundle.caption
    if nested:
        for prop, members in adjacency(bundle).items():
            entity["properties"].setdefault(prop, []).extend(members)
    entity.update(
        {
            "datasets": bundle.datasets,
            "referents": bundle.referents,
            "target": bundle.listed,
            "first_seen": _timestamp(bundle.first_seen),
            "last_seen": _timestamp(bundle.last_seen),
            "last_change": _timestamp(bundle.last_change),
        }
    )
    return entity


def _timestamp(day: str | None) -> str | None:
    """yente sends timestamps; snapshot dates are days."""
    return f"{day[:10]}T00:00:00" if day else None


class EntityCache:
    """Flat yente entities of screening hits, per data version (hits repeat a lot).

    Source records are read with one query per batch, from the version their list's
    newest snapshot carries; anything else (canonical entities, unlisted parties) goes
    through :func:`find_bundle`.
    """

    def __init__(self, engine: Engine, size: int = 50_000) -> None:
        self.engine = engine
        self.size = size
        self._version: str | None = None
        self._current: dict[str, int] = {}  # record ID -> version ID in the newest snapshot
        self._items: dict[str, dict[str, Any] | None] = {}
        self._lock = threading.Lock()

    def _reset(self, conn: Connection, version: str) -> None:
        latest = list(latest_snapshots(conn).values())
        rows = conn.execute(
            select(snapshot_record.c.record_id, snapshot_record.c.version_id).where(
                snapshot_record.c.snapshot_id.in_(latest)
            )
        )
        self._current = {r.record_id: r.version_id for r in rows}
        self._items = {}
        self._version = version

    def get_many(self, ids: list[str], version: str) -> dict[str, dict[str, Any] | None]:
        with self._lock:
            if version != self._version:
                with self.engine.connect() as conn:
                    self._reset(conn, version)
            missing = [i for i in ids if i not in self._items]
            versions = {i: self._current[i] for i in missing if i in self._current}
        found: dict[str, dict[str, Any] | None] = {}
        if missing:
            with self.engine.connect() as conn:
                if versions:
                    query = select(record_version.c.id, record_version.c.caption, record_version.c.entities).where(
                        record_version.c.id.in_(list(versions.values()))
                    )
                    by_version = {r.id: r for r in conn.execute(query)}
                    for entity_id, version_id in versions.items():
                        row = by_version.get(version_id)
                        if row is not None:
                            found[entity_id] = _flat_record(entity_id, row.caption, json.loads(row.entities))
                for entity_id in missing:
                    if entity_id not in found:
                        bundle = find_bundle(conn, entity_id)
                        found[entity_id] = yente_entity(bundle, nested=False) if bundle else None
        with self._lock:
            if len(self._items) + len(found) > self.size:
                self._items = {}
            self._items.update(found)
            return {i: self._items.get(i, found.get(i)) for i in ids}


def _flat_record(entity_id: str, caption: str, entities: list[dict[str, Any]]) -> dict[str, Any]:
    target = entities[0]
    flat = _flat(target)
    flat.update({"caption": caption, "datasets": [entity_id.split(":", 1)[0]], "referents": [], "target": True})
    return flat
