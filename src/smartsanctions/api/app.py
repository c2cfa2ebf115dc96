"""The FastAPI application: yente-compatible API, register endpoints, writes, web UI."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DataError

from smartsanctions import __version__
from smartsanctions.api import deps, register, writes, yente
from smartsanctions.api.auditlog import AuditWriter
from smartsanctions.api.entities import EntityCache
from smartsanctions.api.screener import Screener
from smartsanctions.store.db import open_engine, resolve_url

AUTHORED_DIR_ENV = "SMARTSANCTIONS_AUTHORED_DIR"
READ_KEY_ENV = "SMARTSANCTIONS_REQUIRE_READ_KEY"


def default_authored_dir(db_location: str | None) -> Path:
    """``$SMARTSANCTIONS_AUTHORED_DIR``, else ``authored-lists/`` beside a SQLite store (or here)."""
    configured = os.environ.get(AUTHORED_DIR_ENV)
    if configured:
        return Path(configured)
    url = make_url(resolve_url(db_location))
    if url.get_backend_name() == "sqlite" and url.database:
        return Path(url.database).parent / "authored-lists"
    return Path("authored-lists").resolve()


def create_app(
    db_location: str | None,
    require_read_key: bool = False,
    *,
    authored_dir: Path | None = None,
    with_ui: bool = True,
) -> FastAPI:
    """The service over the store at ``db_location`` (path or URL; None: $SMARTSANCTIONS_DB or default).

    ``require_read_key`` (or env ``SMARTSANCTIONS_REQUIRE_READ_KEY=1``) makes every read
    need a key with at least the ``reader`` role; writes always need a key.
    """
    engine = open_engine(db_location)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        shutdown(app)

    app = FastAPI(
        title="smartsanctions",
        version=__version__,
        description="Targeted sanctions register and screening. yente-compatible where yente has the endpoint.",
        lifespan=lifespan,
    )
    app.state.engine = engine
    if engine.dialect.name == "sqlite":
        # The store opens a SQLite connection per use; closing the last open connection to a
        # WAL database checkpoints it, which made every request pay for a checkpoint. One
        # idle connection held for the app's life avoids that (it holds no transaction).
        app.state.sqlite_keeper = engine.raw_connection()
    else:
        app.state.sqlite_keeper = None
    app.state.screener = Screener(engine)
    app.state.entity_cache = EntityCache(engine)
    app.state.audit_writer = AuditWriter(engine)
    app.state.settings = deps.Settings(
        require_read_key=require_read_key or os.environ.get(READ_KEY_ENV, "") in ("1", "true", "yes"),
        authored_dir=authored_dir or default_authored_dir(db_location),
    )
    app.include_router(yente.router)
    app.include_router(register.router)
    app.include_router(writes.router)
    if with_ui:
        from smartsanctions.web.pages import mount_ui

        mount_ui(app)

    @app.exception_handler(DataError)
    def _bad_data(_request: Request, exc: Exception) -> JSONResponse:
        # The database refused a value the request carried (a NUL byte in text, a number out
        # of range): the client's input is at fault, not the server.
        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
        return JSONResponse(status_code=400, content={"detail": f"invalid value in the request: {reason}"})

    @app.exception_handler(yente.UnknownDataset)
    def _unknown_dataset(_request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": str(exc)})

    return app


def shutdown(app: FastAPI) -> None:
    """Release the app's database connections (idempotent; runs at server shutdown)."""
    keeper = getattr(app.state, "sqlite_keeper", None)
    if keeper is not None:
        keeper.close()
        app.state.sqlite_keeper = None
    app.state.engine.dispose()
