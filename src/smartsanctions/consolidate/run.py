"""``consolidate``: from the register's source records to canonical entities.

Steps: load every record (newest version each) -> features -> candidate pairs (blocking)
-> pair scores (cached per pair of record versions, so a re-run after an import scores
only pairs that involve a changed record) -> constrained clustering honouring judgements
-> unlisted parties matched or grouped -> stable canonical IDs -> merged content with
provenance, relations, pillars -> written in one transaction.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, select

from smartsanctions.consolidate.blocking import candidate_pairs
from smartsanctions.consolidate.cluster import Clustering, Edge, cluster
from smartsanctions.consolidate.features import RecordFeatures, extract, schema_kind
from smartsanctions.consolidate.ids import assign_ids
from smartsanctions.consolidate.judgements import SAME, current_judgements
from smartsanctions.consolidate.load import SourceRecord, designation_dates, load_records
from smartsanctions.consolidate.merge import (
    authorities_summary,
    caption_of,
    identifications,
    merge_properties,
    merged_schema,
    sanction_summary,
)
from smartsanctions.consolidate.parallel import map_chunks
from smartsanctions.consolidate.pillars import RelationFact, TextEvidence, relation_pillars, text_pillars
from smartsanctions.consolidate.relations import (
    Party,
    RelationRow,
    build_relations,
    collect_parties,
    group_unlisted,
    match_parties,
)
from smartsanctions.consolidate.scoring import (
    MERGE_AT,
    SCORER_VERSION,
    explain_names,
    score_pairs,
    un_ref_points,
)
from smartsanctions.store.audit import append_audit
from smartsanctions.store.queries import data_version
from smartsanctions.store.schema import (
    canonical_entity,
    canonical_pillar,
    canonical_referent,
    canonical_relation,
    consolidation_run,
    merge_evidence,
    pair_score,
)

NOT_KEPT = -99_000  # cached score of a pair whose names are too far apart to matter
CHUNK = 20_000


@dataclass
class ConsolidationSummary:
    run_id: int = 0
    use_un_refs: bool = True
    data_version: str = ""
    records: int = 0
    current_records: int = 0
    candidate_pairs: int = 0
    pairs_scored: int = 0
    pairs_from_cache: int = 0
    merges: int = 0
    refused_merges: int = 0
    judgements: int = 0
    judgement_conflicts: list[str] = field(default_factory=list)
    canonical_entities: int = 0
    multi_list_entities: int = 0
    unlisted_entities: int = 0
    parties_matched: int = 0
    relations: int = 0
    pillars: dict[str, int] = field(default_factory=dict)
    ids_kept: int = 0
    ids_new: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Timer:
    def __init__(self, summary: ConsolidationSummary) -> None:
        self.summary = summary
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.summary.seconds[name] = round(now - self.last, 3)
        self.last = now


def consolidate(engine: Engine, *, use_un_refs: bool = True, actor: str = "cli") -> ConsolidationSummary:
    """(Re)build canonical entities from every record in the store; returns what happened.

    ``use_un_refs=False`` withholds the UN reference numbers that records cite from the
    matcher (blocking and scoring): the linkage benchmark uses them as the truth.
    """
    summary = ConsolidationSummary(use_un_refs=use_un_refs)
    timer = _Timer(summary)
    started = datetime.now(UTC)
    with engine.connect() as conn:
        records = load_records(conn)
        designated = designation_dates(conn)
        judgements = current_judgements(conn)
        previous = {row.record_id: row.canonical_id for row in conn.execute(select(canonical_referent))}
        summary.data_version = data_version(conn)
        cache = _load_cache(conn, {r.version_id for r in records})
    timer.lap("load")
    features = all_features(records)
    summary.records = len(records)
    summary.current_records = sum(1 for r in records if r.current)
    timer.lap("features")
    pairs = sorted(candidate_pairs(features, use_un_refs))
    summary.candidate_pairs = len(pairs)
    timer.lap("blocking")
    scored, new_rows = _score_with_cache(features, pairs, cache, summary)
    timer.lap("scoring")
    edges, contradictions = _edges(features, scored, use_un_refs)
    index = {f.record_id: i for i, f in enumerate(features)}
    same: list[tuple[int, int]] = []
    not_same: list[tuple[int, int]] = []
    for j in judgements:
        if j.left in index and j.right in index:
            (same if j.value == SAME else not_same).append((index[j.left], index[j.right]))
    summary.judgements = len(same) + len(not_same)
    clustering = cluster(features, edges, same, not_same, contradictions, use_un_refs)
    summary.merges = sum(1 for e in clustering.edges if e.reason == "score")
    summary.refused_merges = len(clustering.refused)
    summary.judgement_conflicts = clustering.conflicts
    timer.lap("clustering")
    cluster_of = [0] * len(features)
    for ci, members in enumerate(clustering.clusters):
        for m in members:
            cluster_of[m] = ci
    parties = collect_parties(records)
    matched = match_parties(parties, features, cluster_of)
    unlisted = group_unlisted(parties, matched)
    summary.parties_matched = len(matched)
    timer.lap("parties")
    listed_groups = [[features[i].record_id for i in members] for members in clustering.clusters]
    ids = assign_ids(listed_groups + unlisted, previous)
    old_ids = set(previous.values())
    summary.ids_kept = sum(1 for i in ids if i in old_ids)
    summary.ids_new = len(ids) - summary.ids_kept
    canonical_of: dict[str, str] = {}
    for cid, group in zip(ids, listed_groups + unlisted, strict=True):
        for member in group:
            canonical_of[member] = cid
    for party_id, ci in matched.items():
        canonical_of[party_id] = ids[ci]
    relations = build_relations(records, canonical_of)
    summary.relations = len(relations)
    timer.lap("relations")
    rows = _build_rows(records, features, clustering, ids, unlisted, parties, matched, relations, designated)
    timer.lap("merge")
    with engine.begin() as conn:
        inserted = conn.execute(
            consolidation_run.insert().values(
                started_at=started, data_version=summary.data_version, use_un_refs=use_un_refs, summary="{}"
            )
        ).inserted_primary_key
        assert inserted is not None
        run_id = int(inserted[0])
        summary.run_id = run_id
        _persist(conn, run_id, rows, new_rows, summary)
        summary.seconds["write"] = round(time.perf_counter() - timer.last, 3)
        summary.seconds["total"] = round(sum(v for k, v in summary.seconds.items() if k != "total"), 3)
        conn.execute(
            consolidation_run.update()
            .where(consolidation_run.c.id == run_id)
            .values(finished_at=datetime.now(UTC), summary=json.dumps(summary.to_dict(), sort_keys=True))
        )
        append_audit(
            conn,
            actor,
            "consolidate",
            {k: v for k, v in summary.to_dict().items() if k not in ("seconds", "judgement_conflicts")},
            summary.data_version,
        )
    return summary


def _features_chunk(records: Sequence[tuple[int, SourceRecord]], _context: None) -> list[tuple[int, RecordFeatures]]:
    return [
        (i, extract(r.record_id, r.list_id, r.authority, r.version_id, r.schema, r.caption, r.current, r.entities))
        for i, r in records
    ]


def all_features(records: Sequence[SourceRecord]) -> list[RecordFeatures]:
    """Features of every record, in the records' order."""
    done = map_chunks(_features_chunk, list(enumerate(records)), None)
    return [f for _i, f in sorted(done, key=lambda t: t[0])]


def _load_cache(conn: Connection, versions: set[int]) -> dict[tuple[int, int], tuple[int, str]]:
    cache: dict[tuple[int, int], tuple[int, str]] = {}
    query = select(pair_score.c.left_version, pair_score.c.right_version, pair_score.c.score, pair_score.c.features).where(
        pair_score.c.scorer == SCORER_VERSION
    )
    for row in conn.execute(query):
        if row.left_version in versions and row.right_version in versions:
            cache[(row.left_version, row.right_version)] = (row.score, row.features)
    return cache


def _score_with_cache(
    features: Sequence[RecordFeatures],
    pairs: Sequence[tuple[int, int]],
    cache: dict[tuple[int, int], tuple[int, str]],
    summary: ConsolidationSummary,
) -> tuple[dict[tuple[int, int], tuple[int, str]], list[dict[str, Any]]]:
    """Scores (x1000) and feature JSON per index pair; rows to add to the cache."""
    scored: dict[tuple[int, int], tuple[int, str]] = {}
    todo: list[tuple[int, int]] = []
    for a, b in pairs:
        key = _version_key(features, a, b)
        hit = cache.get(key)
        if hit is None:
            todo.append((a, b))
        else:
            scored[(a, b)] = hit
    summary.pairs_from_cache = len(pairs) - len(todo)
    summary.pairs_scored = len(todo)
    fresh = {(p.left, p.right): p for p in score_pairs(features, todo)}
    new_rows = []
    for a, b in todo:
        p = fresh.get((a, b))
        value = (NOT_KEPT, "{}") if p is None else (round(p.score * 1000), json.dumps(p.features, ensure_ascii=False))
        scored[(a, b)] = value
        lv, rv = _version_key(features, a, b)
        new_rows.append({"left_version": lv, "right_version": rv, "scorer": SCORER_VERSION, "score": value[0], "features": value[1]})
    return scored, new_rows


def _version_key(features: Sequence[RecordFeatures], a: int, b: int) -> tuple[int, int]:
    va, vb = features[a].version_id, features[b].version_id
    return (va, vb) if va < vb else (vb, va)


def _edges(
    features: Sequence[RecordFeatures], scored: dict[tuple[int, int], tuple[int, str]], use_un_refs: bool
) -> tuple[list[Edge], list[tuple[int, int]]]:
    edges: list[Edge] = []
    contradictions: list[tuple[int, int]] = []
    for (a, b), (score_k, text) in scored.items():
        if score_k == NOT_KEPT:
            continue
        score = score_k / 1000.0
        un_points = 0.0
        un_detail = None
        if use_un_refs:
            un_points, un_detail = un_ref_points(features[a], features[b])
        if '"conflict"' in text and not un_detail:
            detail = json.loads(text)
            if "conflict" in detail.get("birth_date", {}) or "conflict" in detail.get("gender", {}):
                contradictions.append((a, b))
        if score + un_points >= MERGE_AT:
            detail = json.loads(text)
            if un_detail:
                detail["un_reference"] = {"points": un_points, **un_detail}
            edges.append(Edge(a, b, score + un_points, "score", detail))
    return edges, contradictions


@dataclass
class _Rows:
    entities: list[dict[str, Any]] = field(default_factory=list)
    referents: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    pillars: list[dict[str, Any]] = field(default_factory=list)
    relations: list[dict[str, Any]] = field(default_factory=list)


def _build_rows(
    records: Sequence[SourceRecord],
    features: Sequence[RecordFeatures],
    clustering: Clustering,
    ids: Sequence[str],
    unlisted: Sequence[Sequence[str]],
    parties: Sequence[Party],
    matched: dict[str, int],
    relations: Sequence[RelationRow],
    designated: dict[str, Any],
) -> _Rows:
    out = _Rows()
    n_listed = len(clustering.clusters)
    party_by_id = {p.party_id: p for p in parties}
    mentions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for party_id, ci in sorted(matched.items()):
        p = party_by_id[party_id]
        mentions[ci].append({"party": party_id, "name": p.features.caption, "record": records[p.record_index].record_id})
    cluster_ids = list(ids)
    edge_cluster: dict[int, list[Edge]] = defaultdict(list)
    cluster_of = {}
    for ci, members in enumerate(clustering.clusters):
        for m in members:
            cluster_of[m] = ci
    for edge in clustering.edges:
        edge_cluster[cluster_of[edge.left]].append(edge)
    text_items: dict[str, list[TextEvidence]] = {}
    kinds: dict[str, str] = {}
    captions: dict[str, str] = {}
    listed_flag: dict[str, bool] = {}
    for ci, members in enumerate(clustering.clusters):
        cid = cluster_ids[ci]
        refs = [records[i] for i in members]
        entity, items = _listed_entity(cid, refs, mentions.get(ci, []), designated)
        out.entities.append(entity)
        text_items[cid] = items
        kinds[cid] = schema_kind(entity["schema"])
        captions[cid] = entity["caption"]
        listed_flag[cid] = True
        for r in refs:
            out.referents.append(
                {"record_id": r.record_id, "canonical_id": cid, "list_id": r.list_id, "version_id": r.version_id, "current": r.current}
            )
        for edge in edge_cluster.get(ci, []):
            detail = dict(edge.features)
            if edge.reason == "score":
                detail = explain_names(detail, features[edge.left], features[edge.right])
            out.evidence.append(
                {
                    "canonical_id": cid,
                    "left_id": features[edge.left].record_id,
                    "right_id": features[edge.right].record_id,
                    "score": 1_000_000 if edge.reason == "judgement" else round(edge.score * 1000),
                    "reason": edge.reason,
                    "features": json.dumps(detail, ensure_ascii=False, sort_keys=True),
                }
            )
    for gi, group in enumerate(unlisted):
        cid = cluster_ids[n_listed + gi]
        named = [party_by_id[pid] for pid in group]
        entity = _unlisted_entity(cid, named, records)
        out.entities.append(entity)
        kinds[cid] = schema_kind(entity["schema"])
        captions[cid] = entity["caption"]
        listed_flag[cid] = False
        for p in named:
            r = records[p.record_index]
            out.referents.append(
                {"record_id": p.party_id, "canonical_id": cid, "list_id": r.list_id, "version_id": None, "current": r.current}
            )
    _relations_and_pillars(out, relations, text_items, kinds, captions, listed_flag)
    return out


def _listed_entity(
    cid: str, refs: Sequence[SourceRecord], mentions: list[dict[str, Any]], designated: dict[str, Any]
) -> tuple[dict[str, Any], list[TextEvidence]]:
    schema = merged_schema([r.schema for r in refs])
    properties, provenance = merge_properties(schema, [(r.record_id, r.entities[0]) for r in refs])
    sanctions = [sanction_summary(e, r) for r in refs for e in r.entities[1:] if e["schema"] == "Sanction"]
    items: list[TextEvidence] = []
    for r in refs:
        props = r.entities[0]["properties"]
        for prop in ("position", "title", "notes", "sector"):
            for value in props.get(prop, []):
                items.append(TextEvidence(prop, value, r.record_id, r.list_id))
        if schema_kind(r.schema) != "person":  # organisations' names tell their pillar
            for prop in ("name", "alias"):
                for value in props.get(prop, []):
                    items.append(TextEvidence("name", value, r.record_id, r.list_id))
        for e in r.entities[1:]:
            if e["schema"] == "Sanction":
                for value in e["properties"].get("reason", []):
                    items.append(TextEvidence("reason", value, r.record_id, r.list_id))
    entity = {
        "id": cid,
        "schema": schema,
        "caption": caption_of(schema, properties, refs),
        "listed": True,
        "current": any(r.current for r in refs),
        "data": {
            "properties": properties,
            "provenance": provenance,
            "referents": [r.record_id for r in refs],
            "datasets": sorted({r.list_id for r in refs}),
            "authorities": authorities_summary(sanctions, refs, designated),
            "sanctions": sanctions,
            "identifications": identifications(refs),
            "mentions": mentions,
            "last_seen": {r.record_id: r.last_seen.isoformat() for r in refs},
        },
    }
    return entity, items


def _unlisted_entity(cid: str, parties: Sequence[Party], records: Sequence[SourceRecord]) -> dict[str, Any]:
    names = sorted({n for p in parties for n in p.features.names})
    schema = merged_schema([p.features.schema for p in parties])
    mentioned_in = sorted({records[p.record_index].record_id for p in parties})
    return {
        "id": cid,
        "schema": schema,
        "caption": min(names, key=lambda n: (len(n), n)) if names else cid,
        "listed": False,
        "current": any(records[p.record_index].current for p in parties),
        "data": {
            "properties": {"name": names},
            "provenance": {"name": {n: sorted(p.party_id for p in parties if n in p.features.names) for n in names}},
            "referents": sorted(p.party_id for p in parties),
            "datasets": [],
            "mentioned_in": mentioned_in,
            "mentioned_by_lists": sorted({records[p.record_index].list_id for p in parties}),
            "authorities": {},
            "sanctions": [],
            "identifications": [],
            "mentions": [],
        },
    }


def _relations_and_pillars(
    out: _Rows,
    relations: Sequence[RelationRow],
    text_items: dict[str, list[TextEvidence]],
    kinds: dict[str, str],
    captions: dict[str, str],
    listed: dict[str, bool],
) -> None:
    facts: dict[str, list[RelationFact]] = defaultdict(list)
    for rel in relations:
        out.relations.append(
            {
                "subject_id": rel.subject,
                "object_id": rel.object,
                "kind": rel.kind,
                "relationship": rel.relationship,
                "evidence": json.dumps(rel.evidence, ensure_ascii=False, sort_keys=True),
            }
        )
        records = tuple(sorted({e["record"] for e in rel.evidence}))
        text = rel.evidence[0].get("text") or rel.relationship
        facts[rel.subject].append(RelationFact(rel.kind, rel.relationship, rel.object, text, records, False))
        facts[rel.object].append(RelationFact(rel.kind, rel.relationship, rel.subject, text, records, True))
    pillars: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for cid, items in text_items.items():
        found = text_pillars(items, kinds.get(cid) != "person")
        if found:
            pillars[cid] = found
    derived = relation_pillars(pillars, facts, listed, kinds, captions)
    for cid, extra in derived.items():
        target = pillars.setdefault(cid, {})
        for pillar, evidence in extra.items():
            target.setdefault(pillar, []).extend(evidence)
    for cid in sorted(pillars):
        for pillar in sorted(pillars[cid]):
            out.pillars.append(
                {"canonical_id": cid, "pillar": pillar, "evidence": json.dumps(pillars[cid][pillar], ensure_ascii=False)}
            )


def _persist(conn: Connection, run_id: int, rows: _Rows, cache_rows: list[dict[str, Any]], summary: ConsolidationSummary) -> None:
    for table in (canonical_relation, canonical_pillar, merge_evidence, canonical_referent, canonical_entity):
        conn.execute(delete(table))
    conn.execute(delete(pair_score).where(pair_score.c.scorer != SCORER_VERSION))
    entity_rows = [
        {
            "id": e["id"],
            "schema": e["schema"],
            "caption": e["caption"][:500],
            "listed": e["listed"],
            "current": e["current"],
            "data": json.dumps(e["data"], ensure_ascii=False, sort_keys=True),
            "run_id": run_id,
        }
        for e in rows.entities
    ]
    for table, data in (
        (canonical_entity, entity_rows),
        (canonical_referent, rows.referents),
        (merge_evidence, rows.evidence),
        (canonical_pillar, rows.pillars),
        (canonical_relation, rows.relations),
        (pair_score, cache_rows),
    ):
        for start in range(0, len(data), CHUNK):
            conn.execute(table.insert(), data[start : start + CHUNK])
    summary.canonical_entities = sum(1 for e in rows.entities if e["listed"])
    summary.unlisted_entities = sum(1 for e in rows.entities if not e["listed"])
    summary.multi_list_entities = sum(1 for e in rows.entities if e["listed"] and len(e["data"]["datasets"]) > 1)
    counts: dict[str, int] = defaultdict(int)
    for p in rows.pillars:
        counts[p["pillar"]] += 1
    summary.pillars = dict(sorted(counts.items()))
