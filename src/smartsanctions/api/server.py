"""Running the service (``smartsanctions serve``)."""

from __future__ import annotations

import os

import uvicorn
from fastapi import FastAPI

from smartsanctions.api.app import READ_KEY_ENV, create_app
from smartsanctions.store.db import ENV_VAR


def app_from_env() -> FastAPI:
    """The app for worker processes (uvicorn factory): store and settings come from the environment."""
    return create_app(os.environ.get(ENV_VAR))


def serve(
    host: str = "127.0.0.1", port: int = 8000, db: str | None = None, require_read_key: bool = False, workers: int = 1
) -> None:
    """Serve the API and web UI over the store ``db`` until interrupted.

    With ``workers`` > 1, that many processes share the port (each holds its own
    screening index); the audit chain stays single because appends lock it in the database.
    """
    if workers > 1:
        if db:
            os.environ[ENV_VAR] = db
        if require_read_key:
            os.environ[READ_KEY_ENV] = "1"
        uvicorn.run(
            "smartsanctions.api.server:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            access_log=False,
        )
        return
    app = create_app(db, require_read_key=require_read_key)
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False)
