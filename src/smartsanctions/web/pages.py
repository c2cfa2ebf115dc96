"""The web UI: server-rendered pages (Jinja2), no front-end build, no JavaScript needed.

Pages: screen or search a name, an entity (names by script, sanctions per authority,
relations graph, timeline, provenance), coverage heatmap, gaps, list snapshots.
Screening from the UI is audited like /match.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from smartsanctions.analysis import coverage_matrix, find_gaps
from smartsanctions.api import deps
from smartsanctions.api.register import history_of
from smartsanctions.api.screener import UnknownDataset
from smartsanctions.api.yente import search as api_search
from smartsanctions.screening.decisions import latest_decisions, party_key
from smartsanctions.store.queries import lists_summary
from smartsanctions.web.render import coverage_tables, entity_page, gaps_tables, listed_others

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter(prefix="/ui", include_in_schema=False)

Text = Annotated[str, Query(max_length=300)]


def _page(request: Request, name: str, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context)


@router.get("", response_class=HTMLResponse)
def home(
    *,
    request: Request, eng: deps.EngineDep, _key: deps.Reader
) -> HTMLResponse:
    with eng.connect() as conn:
        summary = lists_summary(conn)
    lists = [
        {"authority": a["code"], "id": lst["id"], "name": lst["name"], "latest": lst["snapshots"][-1] if lst["snapshots"] else None}
        for a in summary["authorities"]
        for lst in a["lists"]
    ]
    return _page(request, "home.html", lists=lists, active="home")


@router.get("/screen", response_class=HTMLResponse)
def screen_page(
    *,
    request: Request,
    name: Text = "",
    dob: Annotated[str, Query(max_length=10)] = "",
    country: Annotated[str, Query(max_length=40)] = "",
    schema: Annotated[str, Query(max_length=40)] = "Person",
    dataset: Annotated[str, Query(max_length=100)] = "default",
    key: deps.Reader,
    eng: deps.EngineDep,
    scr: deps.ScreenerDep,
) -> HTMLResponse:
    name = name.replace("\x00", "").strip()
    if not name:
        return RedirectResponse("/ui", status_code=303)  # type: ignore[return-value]
    props: dict[str, list[str]] = {"name": [name]}
    if dob.strip():
        props["birthDate"] = [dob.strip()]
    if country.strip():
        props["nationality"] = [country.strip().lower()]
    schema = schema if schema in ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane") else "LegalEntity"
    payload = {"id": None, "schema": schema, "properties": props}
    try:
        lists = scr.lists_of(dataset)
    except UnknownDataset as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    results, version = scr.match(payload, lists, limit=20)
    party = party_key(payload)
    with eng.connect() as conn:
        decisions = latest_decisions(conn, party, [r["id"] for r in results])
    request.app.state.audit_writer.append(
        deps.actor(key) + " via web UI",
        "screening",
        {
            "endpoint": "/ui/screen",
            "queries": {"ui": payload},
            "results": {
                "ui": {"party_key": party, "hits": [{"id": r["id"], "score": r["score"], "match": r["match"]} for r in results]}
            },
        },
        data_version=version,
    )
    for result in results:
        decision = decisions.get(result["id"])
        result["decision"] = decision
        result["cleared"] = bool(decision and decision["decision"] == "false_positive")
    return _page(
        request,
        "screen.html",
        query={"name": name, "dob": dob, "country": country, "schema": schema, "dataset": dataset},
        results=results,
        party_key=party,
        data_version=version,
        active="home",
    )


@router.get("/search", response_class=HTMLResponse)
def search_page(
    *,
    request: Request,
    q: Text = "",
    key: deps.Reader,
    eng: deps.EngineDep,
    scr: deps.ScreenerDep,
) -> HTMLResponse:
    cache = request.app.state.entity_cache
    found = api_search(dataset="default", q=q, limit=50, offset=0, schema=None, countries=[], _key=key, eng=eng, scr=scr, cache=cache)
    return _page(request, "search.html", q=q, results=found["results"], active="home")


@router.get("/entity/{entity_id}", response_class=HTMLResponse)
def entity(
    *,
    request: Request,
    entity_id: str,
    eng: deps.EngineDep,
    _key: deps.Reader,
) -> HTMLResponse:
    from smartsanctions.api.entities import find_bundle

    with eng.connect() as conn:
        bundle = find_bundle(conn, entity_id)
        if bundle is None:
            raise HTTPException(status_code=404, detail=f"no entity with ID {entity_id!r}")
        history = history_of(conn, bundle.id, bundle.referents)
        captions = {}
        for other in listed_others(bundle)[:30]:
            found = find_bundle(conn, other)
            if found is not None:
                captions[other] = found.caption
    return _page(request, "entity.html", e=entity_page(bundle, history, captions), active="")


@router.get("/coverage", response_class=HTMLResponse)
def coverage(
    *,
    request: Request,
    program: Text = "",
    authorities: Text = "",
    limit: Annotated[int, Query(ge=1, le=2000)] = 150,
    eng: deps.EngineDep,
    _key: deps.Reader,
) -> HTMLResponse:
    codes = [c.strip() for c in authorities.split(",") if c.strip()] or None
    kwargs: dict[str, Any] = {k: v for k, v in {"program": program or None, "authorities": codes}.items() if v}
    try:
        with eng.connect() as conn:
            data = coverage_matrix(conn, **kwargs)
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    tables = coverage_tables(data, limit)
    return _page(request, "coverage.html", tables=tables, program=program, authorities=authorities, active="coverage")


@router.get("/gaps", response_class=HTMLResponse)
def gaps(
    *,
    request: Request,
    program: Text = "",
    authorities: Text = "",
    eng: deps.EngineDep,
    _key: deps.Reader,
) -> HTMLResponse:
    codes = [c.strip() for c in authorities.split(",") if c.strip()] or None
    kwargs: dict[str, Any] = {k: v for k, v in {"program": program or None, "authorities": codes}.items() if v}
    try:
        with eng.connect() as conn:
            data = find_gaps(conn, **kwargs)
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    return _page(
        request, "gaps.html", data=gaps_tables(data), program=program,
        authorities=authorities, active="gaps",
    )


@router.get("/lists", response_class=HTMLResponse)
def lists_page(
    *,
    request: Request, eng: deps.EngineDep, _key: deps.Reader
) -> HTMLResponse:
    with eng.connect() as conn:
        summary = lists_summary(conn)
    return _page(request, "lists.html", summary=summary, active="lists")


def mount_ui(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/ui/static", StaticFiles(directory=str(HERE / "static")), name="ui-static")

    @app.get("/", include_in_schema=False)
    def root() -> Response:
        return RedirectResponse("/ui", status_code=307)
