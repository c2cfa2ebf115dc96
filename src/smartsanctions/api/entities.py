"""Entities as the API serves them: looked up in the store, shaped like yente's.

An entity is a *bundle*: the target (first) plus the entities that hang off it in its
listing (sanctions, identifications, addresses, relation edges and the unlisted parties
they name). Consolidated (canonical) entities are served when consolidation provides
them; otherwise source records, and the unlisted parties named inside them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from followthemoney import model
from sqlalchemy import Connection, Engine

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


def _from_canonical_view(view: dict[str, Any]) -> Bundle:
    entities = view.get("entities") or [
        {"id": view["id"], "schema": view["schema"], "properties": view.get("properties", {})}
    ]
    first, last, change = _seen(view)
    return Bundle(
        id=view["id"],
        caption=view.get("caption") or view["id"],
        schema=view["schema"],
        entities=entities,
        datasets=list(view.get("datasets", [])),
        referents=list(view.get("referents", [])),
        first_seen=first,
        last_seen=last,
        last_change=change,
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
        return _from_canonical_view(canonical)
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
    """Flat yente entities of screening hits, per data version (hits repeat a lot)."""

    def __init__(self, engine: Engine, size: int = 20_000) -> None:
        self.engine = engine
        self.size = size
        self._version: str | None = None
        self._items: dict[str, dict[str, Any] | None] = {}
        self._lock = threading.Lock()

    def get_many(self, ids: list[str], version: str) -> dict[str, dict[str, Any] | None]:
        with self._lock:
            if version != self._version:
                self._version, self._items = version, {}
            missing = [i for i in ids if i not in self._items]
        found: dict[str, dict[str, Any] | None] = {}
        if missing:
            with self.engine.connect() as conn:
                for entity_id in missing:
                    bundle = find_bundle(conn, entity_id)
                    found[entity_id] = yente_entity(bundle, nested=False) if bundle else None
        with self._lock:
            if len(self._items) + len(found) > self.size:
                self._items = {}
            self._items.update(found)
            return {i: self._items.get(i, found.get(i)) for i in ids}
