"""Opening the store: a SQLite file by default, any SQLAlchemy URL (PostgreSQL) otherwise."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import NullPool

from smartsanctions.store.schema import metadata

DEFAULT_DB = "smartsanctions.db"
ENV_VAR = "SMARTSANCTIONS_DB"


def resolve_url(location: str | None = None) -> str:
    """A database URL from an explicit location, ``$SMARTSANCTIONS_DB``, or the default file."""
    location = location or os.environ.get(ENV_VAR) or DEFAULT_DB
    if "://" in location:
        if location.startswith("postgresql://"):
            # psycopg 3 is the driver we ship.
            location = "postgresql+psycopg://" + location[len("postgresql://") :]
        return location
    return f"sqlite:///{Path(location).expanduser().resolve()}"


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    # WAL lets readers (the API) keep answering while an import writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=60000")
    cursor.close()


def open_engine(location: str | None = None, create: bool = True) -> Engine:
    url = resolve_url(location)
    if url.startswith("sqlite"):
        # One connection per use: SQLite connections are cheap and this avoids sharing
        # a connection across threads (uvicorn, Dask).
        engine = create_engine(url, poolclass=NullPool)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    if create:
        metadata.create_all(engine)
    return engine
