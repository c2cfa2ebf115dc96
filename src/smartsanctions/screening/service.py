"""Screening against the store: which parties are screenable, a cached index, result shapes.

The index is built from the consolidated entities when a consolidation has run, else
from the current source records, and cached on disk per data version and name analysis
(building the full index takes seconds; loading the cached blob a fraction of that).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, select

from smartsanctions import __version__
from smartsanctions.consolidate.views import has_consolidation
from smartsanctions.screening.entries import entry_of_entity
from smartsanctions.screening.index import _FORMAT as INDEX_FORMAT
from smartsanctions.screening.index import DEFAULT_THRESHOLD, ScreeningIndex
from smartsanctions.screening.model import IndexEntry, Match, Query
from smartsanctions.store.queries import current_records, data_version
from smartsanctions.store.schema import canonical_entity, canonical_relation
from smartsanctions.store.views import EDGE_ENDS

CACHE_ENV = "SMARTSANCTIONS_CACHE"


def entry_for_entity(
    entity: dict[str, Any], datasets: tuple[str, ...], extra_ids: tuple[str, ...] = (), relation: str | None = None
) -> IndexEntry | None:
    """A stored entity as a screenable party: unlisted (a relative or associate) when it has a ``relation``."""
    return entry_of_entity(entity["id"], entity["schema"], entity["properties"], datasets, extra_ids, relation,
                           listed=relation is None)


def relatives_of(
    entities: list[dict[str, Any]], listed_id: str, listed_caption: str, datasets: tuple[str, ...]
) -> list[IndexEntry]:
    """Unlisted relatives and associates named in a listing, as screenable parties."""
    parties = {e["id"]: e for e in entities if ":party-" in e["id"]}
    found = []
    for edge in entities:
        schema = edge["schema"]
        ends = EDGE_ENDS.get(schema)
        if ends is None or ends[2] not in ("family", "associate", "link"):
            continue
        props = edge["properties"]
        left = (props.get(ends[0]) or [""])[0]
        right = (props.get(ends[1]) or [""])[0]
        rel = (props.get("relationship") or props.get("role") or [schema.lower()])[0]
        if right in parties and left == listed_id:
            relation = f"{rel} of {listed_caption} ({listed_id})"
            party = parties[right]
        elif left in parties and right == listed_id:
            relation = f"relative of {listed_caption} ({listed_id}), who is their {rel}"
            party = parties[left]
        else:
            continue
        entry = entry_for_entity(party, datasets, relation=relation)
        if entry is not None:
            found.append(entry)
    return found


def entries_for_record(record_id: str, list_id: str, caption: str, entities: list[dict[str, Any]]) -> list[IndexEntry]:
    """One stored record version as screenable parties: its target and the relatives it names."""
    datasets = (list_id,)
    idents = tuple(
        n for e in entities if e["schema"] in ("Identification", "Passport") for n in e["properties"].get("number", [])
    )
    target = entry_for_entity(entities[0], datasets, extra_ids=idents)
    return [*([target] if target else []), *relatives_of(entities, record_id, caption, datasets)]


def entries_from_store(conn: Connection) -> list[IndexEntry]:
    """The screenable parties: canonical entities once a consolidation has run (one entry per
    real person or organisation, every list it is on), else the current source records."""
    if has_consolidation(conn):
        return entries_from_canonical(conn)
    entries: list[IndexEntry] = []
    for record in current_records(conn):
        entries.extend(entries_for_record(record.record_id, record.list_id, record.caption, record.entities))
    return entries


def _relation_text(kind: str, relationship: str, other_caption: str, other_id: str, party_is_object: bool) -> str:
    if kind == "family":
        if party_is_object:
            return f"{relationship} of {other_caption} ({other_id})"
        return f"relative of {other_caption} ({other_id}), who is their {relationship}"
    return f"{relationship or kind} {other_caption} ({other_id})" if party_is_object else f"{kind} of {other_caption} ({other_id})"


def entries_from_canonical(conn: Connection) -> list[IndexEntry]:
    """Listed canonical entities still on some list, and the unlisted relatives and associates
    of listed ones (each carrying how it is related, for family-aware travel-ban hits)."""
    rows = {
        row.id: row
        for row in conn.execute(
            select(canonical_entity.c.id, canonical_entity.c.caption, canonical_entity.c.schema,
                   canonical_entity.c.listed, canonical_entity.c.current, canonical_entity.c.data)
        )
    }
    relations: dict[str, list[str]] = {}
    for rel in conn.execute(select(canonical_relation)):
        for party, other, party_is_object in ((rel.object_id, rel.subject_id, True), (rel.subject_id, rel.object_id, False)):
            party_row, other_row = rows.get(party), rows.get(other)
            if party_row is None or other_row is None or party_row.listed or not (other_row.listed and other_row.current):
                continue
            relations.setdefault(party, []).append(
                _relation_text(rel.kind, rel.relationship, other_row.caption, other, party_is_object)
            )
    entries = []
    for cid, row in rows.items():
        if row.listed and not row.current:
            continue  # delisted everywhere: history, not a hit
        if not row.listed and cid not in relations:
            continue
        data = json.loads(row.data)
        entity = {"id": cid, "schema": row.schema, "properties": data["properties"]}
        idents = tuple(n for ident in data.get("identifications", []) for n in ident.get("number", []))
        relation = "; ".join(sorted(set(relations[cid]))) if not row.listed else None
        entry = entry_for_entity(entity, tuple(data.get("datasets", [])), extra_ids=idents, relation=relation)
        if entry is not None:
            entries.append(entry)
    return entries


@dataclass
class LoadedIndex:
    index: ScreeningIndex
    data_version: str


def _cache_dir() -> Path:
    folder = Path(os.environ.get(CACHE_ENV) or Path(tempfile.gettempdir()) / "smartsanctions-cache")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _analysis_files() -> list[Path]:
    """What a built index depends on besides the data: the name analysis (code and tables:
    names.yml's legal forms, variants, ...) and the screening code (which names and features of
    a party are indexed, the index itself)."""
    names = Path(__file__).resolve().parent.parent / "names"
    return sorted([*names.glob("*.py"), *(names / "data").iterdir(), *Path(__file__).resolve().parent.glob("*.py")])


@lru_cache(maxsize=1)
def analysis_fingerprint() -> str:
    """A hash of :func:`_analysis_files`: a cached index built before any of them changed (a new
    legal form in names.yml) is rebuilt, not reused with the old analysis."""
    digest = hashlib.sha256()
    for path in _analysis_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:10]


def load_index(engine: Engine, use_cache: bool = True) -> LoadedIndex:
    """The screening index for the store's current data version (cached on disk)."""
    with engine.connect() as conn:
        version = data_version(conn)
        url_key = hashlib.sha256(str(engine.url).encode()).hexdigest()[:10]
        cached = _cache_dir() / (f"index-{url_key}-{version}-f{INDEX_FORMAT}-v{__version__}"
                                 f"-a{analysis_fingerprint()}.bin")
        if use_cache and cached.is_file():
            try:
                return LoadedIndex(ScreeningIndex.from_bytes(cached.read_bytes()), version)
            except (ValueError, KeyError, IndexError, EOFError):
                cached.unlink(missing_ok=True)  # written by other index code: rebuild it
        index = ScreeningIndex.build(entries_from_store(conn))
    if use_cache:
        partial = cached.with_suffix(".tmp")
        partial.write_bytes(index.to_bytes())
        partial.replace(cached)
    return LoadedIndex(index, version)


def match_dict(match: Match) -> dict[str, Any]:
    """One result in the ``screen --json`` shape."""
    return {
        "id": match.entry.id,
        "caption": match.entry.caption,
        "schema": match.entry.schema,
        "score": match.score,
        "match": match.match,
        "relation": match.entry.relation or "",
        "datasets": list(match.entry.datasets),
        "explanations": match.explanations,
    }


def query_dict(query: Query) -> dict[str, Any]:
    return {k: v for k, v in query.__dict__.items() if v not in (None, (), "")}


def screen(
    loaded: LoadedIndex, query: Query, threshold: float = DEFAULT_THRESHOLD, limit: int = 10
) -> dict[str, Any]:
    matches = loaded.index.search(query, threshold=threshold, limit=limit)
    return {
        "query": query_dict(query),
        "data_version": loaded.data_version,
        "threshold": threshold,
        "results": [match_dict(m) for m in matches],
    }
