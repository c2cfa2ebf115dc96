"""Running the service (``smartsanctions serve``)."""

from __future__ import annotations

import uvicorn

from smartsanctions.api.app import create_app


def serve(host: str = "127.0.0.1", port: int = 8000, db: str | None = None, require_read_key: bool = False) -> None:
    """Serve the API and web UI over the store ``db`` until interrupted."""
    app = create_app(db, require_read_key=require_read_key)
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False)
