"""The yente-compatible endpoints: match, search, entities, adjacency, health, catalog."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Path, Query
from fastapi.responses import RedirectResponse
from followthemoney import model
from sqlalchemy import Engine

from smartsanctions.api import deps
from smartsanctions.api.entities import adjacency, find_bundle, yente_entity
from smartsanctions.api.models import MatchRequest
from smartsanctions.api.screener import Screener, UnknownDataset
from smartsanctions.screening.decisions import latest_decisions, party_key
from smartsanctions.screening.index import DEFAULT_THRESHOLD
from smartsanctions.store.queries import lists_summary
from smartsanctions.store.views import find_records

router = APIRouter(tags=["yente-compatible"])
ALGORITHM = "smartsanctions"

EntityId = Annotated[str, Path(min_length=1, max_length=300, description="An entity ID, e.g. un-sc:QDi.317")]
Dataset = Annotated[str, Path(min_length=1, max_length=100, description="'default', an authority code or a list ID")]


def _lists(scr: Screener, dataset: str, include: list[str]) -> set[str] | None:
    try:
        base = scr.lists_of(dataset)
        if base is None:
            return None
        for extra in include:
            more = scr.lists_of(extra)
            if more is None:
                return None
            base = base | more
        return base
    except UnknownDataset as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc


def _excluded(scr: Screener, names: list[str]) -> frozenset[str]:
    found: set[str] = set()
    for name in names:
        try:
            lists = scr.lists_of(name)
        except UnknownDataset:
            continue
        if lists is not None:
            found |= lists
    return frozenset(found)


def _check_schema(key: str, schema_name: str) -> None:
    schema = model.get(schema_name)
    if schema is None:
        raise HTTPException(status_code=400, detail=f"query {key!r}: unknown schema {schema_name!r}")
    if not schema.matchable:
        raise HTTPException(status_code=400, detail=f"query {key!r}: schema {schema_name!r} cannot be matched")


def _feature(value: Any) -> dict[str, Any]:
    """One explanation in yente's FeatureResult shape (score first), keeping our detail."""
    if not isinstance(value, dict):
        return {"score": 0.0, "detail": str(value)}
    score = value.get("score", value.get("adjustment", value.get("floor", 0.0)))
    item = dict(value)
    item["score"] = float(score) if isinstance(score, int | float) else 0.0
    if "detail" in item and not isinstance(item["detail"], str):
        item["detail"] = str(item["detail"])
    for text_key in ("query", "candidate"):
        if text_key in item and not isinstance(item[text_key], str):
            item[text_key] = str(item[text_key])
    if "candidate" not in item and isinstance(value.get("matched_name"), str):
        item["candidate"] = value["matched_name"]
    return item


def scored_entity(
    result: dict[str, Any], entity: dict[str, Any] | None, decision: dict[str, Any] | None
) -> dict[str, Any]:
    base = entity or {"id": result["id"], "caption": result["caption"], "schema": result["schema"], "properties": {}}
    return {
        **base,
        "id": result["id"],
        "caption": result["caption"],
        "schema": result["schema"],
        "datasets": result["datasets"],
        "target": not result.get("relation"),
        "score": result["score"],
        "match": result["match"],
        "relation": result.get("relation", ""),
        "explanations": {k: _feature(v) for k, v in result.get("explanations", {}).items()},
        "decision": decision,
        "cleared": bool(decision and decision["decision"] == "false_positive"),
    }


@router.get("/healthz", summary="Liveness")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Readiness: the screening index is loaded")
def readyz(scr: deps.ScreenerDep) -> dict[str, str]:
    scr.loaded()
    return {"status": "ok"}


@router.get("/algorithms", summary="The matching algorithm (there is one)")
def algorithms(_key: deps.Reader) -> dict[str, Any]:
    return {
        "algorithms": [
            {
                "name": ALGORITHM,
                "description": "Name-part similarity across scripts with date of birth, country, gender "
                "and identifier evidence; see the explanations of each result.",
            }
        ],
        "default": ALGORITHM,
        "best": ALGORITHM,
    }


@router.get("/catalog", summary="Datasets: 'default', each authority, each list")
def catalog(
    *,
    eng: deps.EngineDep, _key: deps.Reader
) -> dict[str, Any]:
    with eng.connect() as conn:
        summary = lists_summary(conn)
    datasets: list[dict[str, Any]] = []
    everything: list[str] = []
    for authority in summary["authorities"]:
        children = []
        for lst in authority["lists"]:
            latest = lst["snapshots"][-1] if lst["snapshots"] else None
            datasets.append(
                {
                    "name": lst["id"],
                    "title": lst["name"],
                    "load": True,
                    "entity_count": latest["entities"] if latest else 0,
                    "version": latest["sha256"][:12] if latest else None,
                    "updated_at": f"{latest['date']}T00:00:00" if latest else None,
                    "publisher": {"name": authority["name"], "acronym": authority["code"], "official": True},
                }
            )
            children.append(lst["id"])
        datasets.append({"name": authority["code"], "title": authority["name"], "load": True, "children": children})
        everything.extend(children)
    datasets.append({"name": "default", "title": "Every list in the store", "load": True, "children": everything})
    names = [d["name"] for d in datasets]
    return {"datasets": datasets, "current": names, "outdated": [], "index_stale": False}


@router.post("/match/{dataset}", summary="Screen parties (yente's match by example)")
def match(
    *,
    dataset: Dataset,
    body: MatchRequest,
    threshold: Annotated[float, Query(ge=0.0, le=1.0, description="Score from which a hit is a match")] = DEFAULT_THRESHOLD,
    cutoff: Annotated[float, Query(ge=0.0, le=1.0, description="Hits below this score are left out")] = 0.5,
    limit: Annotated[int, Query(ge=1, le=500)] = 5,
    algorithm: Annotated[str | None, Query(max_length=64)] = None,
    include_dataset: Annotated[list[str], Query()] = [],  # noqa: B006 (FastAPI copies defaults)
    exclude_dataset: Annotated[list[str], Query()] = [],  # noqa: B006
    exclude_entity_ids: Annotated[list[str], Query()] = [],  # noqa: B006
    key: deps.Reader,
    eng: deps.EngineDep,
    scr: deps.ScreenerDep,
    cache: deps.CacheDep,
    writer: deps.WriterDep,
) -> dict[str, Any]:
    for query_key, example in body.queries.items():
        _check_schema(query_key, example.schema_)
    lists = _lists(scr, dataset, include_dataset)
    excluded = _excluded(scr, exclude_dataset)
    version = ""
    answered: dict[str, tuple[dict[str, Any], str, list[dict[str, Any]]]] = {}
    for query_key, example in body.queries.items():
        payload = example.payload()
        results, version = scr.match(
            payload,
            lists,
            threshold=threshold,
            cutoff=cutoff,
            limit=limit,
            exclude_lists=excluded,
            exclude_ids=frozenset(exclude_entity_ids),
        )
        answered[query_key] = (payload, party_key(payload), results)
    responses: dict[str, Any] = {}
    audit_results: dict[str, Any] = {}
    with eng.connect() as conn:
        for query_key, (payload, party, results) in answered.items():
            decisions = latest_decisions(conn, party, [r["id"] for r in results])
            entities = cache.get_many([r["id"] for r in results], version)
            scored = [scored_entity(r, entities.get(r["id"]), decisions.get(r["id"])) for r in results]
            responses[query_key] = {
                "status": 200,
                "query": payload,
                "party_key": party,
                "results": scored,
                "total": {"value": len(scored), "relation": "eq"},
            }
            audit_results[query_key] = {
                "party_key": party,
                "hits": [
                    {"id": s["id"], "score": s["score"], "match": s["match"], "cleared": s["cleared"]} for s in scored
                ],
            }
    digest = writer.append(
        deps.actor(key),
        "screening",
        {
            "endpoint": f"/match/{dataset}",
            "params": {
                "threshold": threshold,
                "cutoff": cutoff,
                "limit": limit,
                "algorithm": algorithm,
                "include_dataset": include_dataset,
                "exclude_dataset": exclude_dataset,
                "exclude_entity_ids": exclude_entity_ids,
            },
            "queries": {k: v[0] for k, v in answered.items()},
            "results": audit_results,
        },
        data_version=version or None,
    )
    return {
        "responses": responses,
        "matcher": {"name": ALGORITHM, "threshold": threshold, "cutoff": cutoff},
        "limit": limit,
        "data_version": version,
        "audit_hash": digest,
    }


@router.get("/search/{dataset}", summary="Find entities by name or ID")
def search(
    *,
    dataset: Dataset,
    q: Annotated[str, Query(max_length=500)] = "",
    limit: Annotated[int, Query(ge=1, le=500)] = 10,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    schema: Annotated[str | None, Query(max_length=64)] = None,
    countries: Annotated[list[str], Query()] = [],  # noqa: B006
    _key: deps.Reader,
    eng: deps.EngineDep,
    scr: deps.ScreenerDep,
    cache: deps.CacheDep,
) -> dict[str, Any]:
    lists = _lists(scr, dataset, [])
    text = q.replace("\x00", "").strip()
    if schema is not None and model.get(schema) is None:
        raise HTTPException(status_code=400, detail=f"unknown schema {schema!r}")
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    if text:
        props: dict[str, list[str]] = {"name": [text]}
        if countries:
            props["country"] = countries[:1]
        wanted = offset + limit
        results, version = scr.match({"schema": schema, "properties": props}, lists, limit=wanted)
        entities = cache.get_many([r["id"] for r in results], version)
        for result in results:
            entity = entities.get(result["id"])
            if entity is not None:
                found.append({**entity, "score": result["score"]})
                seen.add(result["id"])
        if len(found) < wanted:
            with eng.connect() as conn:
                direct = find_bundle(conn, text) if ":" in text else None
                extra = [(direct.id, direct.caption)] if direct else []
                extra += find_records(conn, text, limit=wanted)
                for entity_id, _caption in extra:
                    if entity_id in seen or len(found) >= wanted:
                        continue
                    bundle = direct if direct and direct.id == entity_id else find_bundle(conn, entity_id)
                    if bundle is None or (lists is not None and not lists & set(bundle.datasets)):
                        continue
                    if schema and not model[bundle.schema].is_a(schema):
                        continue
                    found.append(yente_entity(bundle, nested=False))
                    seen.add(entity_id)
    page = found[offset : offset + limit]
    return {
        "results": page,
        "facets": {},
        "total": {"value": len(found), "relation": "gte" if len(found) >= offset + limit else "eq"},
        "limit": limit,
        "offset": offset,
    }


def _bundle_or_404(eng: Engine, entity_id: str) -> Any:
    with eng.connect() as conn:
        bundle = find_bundle(conn, entity_id)
    if bundle is None:
        raise HTTPException(status_code=404, detail=f"no entity with ID {entity_id!r}")
    return bundle


@router.get(
    "/entities/{entity_id}", summary="One entity, with its sanctions and relations nested", response_model=None
)
def entity(
    *,
    entity_id: EntityId,
    nested: bool = True,
    _key: deps.Reader,
    eng: deps.EngineDep,
) -> Any:
    bundle = _bundle_or_404(eng, entity_id)
    if bundle.id != entity_id:
        # A source record merged into a canonical entity: yente redirects to the canonical one.
        target = f"/entities/{quote(bundle.id, safe='')}" + ("" if nested else "?nested=false")
        return RedirectResponse(target, status_code=308)
    return yente_entity(bundle, nested=nested)


def _page(items: list[dict[str, Any]], limit: int, offset: int) -> dict[str, Any]:
    return {
        "results": items[offset : offset + limit],
        "total": {"value": len(items), "relation": "eq"},
        "limit": limit,
        "offset": offset,
    }


@router.get("/entities/{entity_id}/adjacent", summary="Entities linked to this one, by property")
def adjacent(
    *,
    entity_id: EntityId,
    limit: Annotated[int, Query(ge=1, le=500)] = 10,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    _key: deps.Reader,
    eng: deps.EngineDep,
) -> dict[str, Any]:
    bundle = _bundle_or_404(eng, entity_id)
    groups = adjacency(bundle)
    return {
        "entity": yente_entity(bundle, nested=False),
        "adjacent": {prop: _page(items, limit, offset) for prop, items in sorted(groups.items())},
    }


@router.get("/entities/{entity_id}/adjacent/{prop}", summary="Entities linked to this one by one property")
def adjacent_prop(
    *,
    entity_id: EntityId,
    prop: Annotated[str, Path(min_length=1, max_length=64)],
    limit: Annotated[int, Query(ge=1, le=500)] = 10,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    _key: deps.Reader,
    eng: deps.EngineDep,
) -> dict[str, Any]:
    bundle = _bundle_or_404(eng, entity_id)
    return _page(adjacency(bundle).get(prop, []), limit, offset)
