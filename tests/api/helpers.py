"""Shared by the API and web tests: seeded stores on SQLite and PostgreSQL, a live server."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine, delete, select, text

from smartsanctions.store.importer import import_files
from smartsanctions.store.schema import (
    legal_event,
    metadata,
    record_version,
    snapshot,
    snapshot_record,
    source_list,
    statement,
)
from tests.conftest import FIXTURES, LISTS

PG_ENV = "SMARTSANCTIONS_TEST_PG_URL"
# Two versions of the UN list (so there is history) and a small authored list (authority "tr").
SEED = (LISTS / "un" / "2024-05-15_inoutlists", LISTS / "un" / "2025-04_kebalkhadka")
AUTHORED_SEED = FIXTURES / "authored" / "yaml" / "tr-syria.yaml"
SEEDED_LISTS = ("un-sc", "tr-syria")
REGISTER_TABLES = {"source_list", "snapshot", "record_version", "statement", "snapshot_record", "legal_event", "store_meta"}


def seed(engine: Engine) -> None:
    for folder in SEED:
        import_files(engine, [folder])
    import_files(engine, [AUTHORED_SEED])


def reset_postgres(engine: Engine) -> None:
    metadata.drop_all(engine)
    metadata.create_all(engine)


def clean_writes(engine: Engine) -> None:
    """Undo what tests write: every table but the imported lists' (audit, keys, decisions,
    judgements, consolidation, ...), and lists beyond the seed."""
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            if table.name not in REGISTER_TABLES:
                conn.execute(delete(table))
        extra = [r for r in conn.execute(select(source_list.c.id)).scalars() if r not in SEEDED_LISTS]
        if extra:
            snaps = select(snapshot.c.id).where(snapshot.c.list_id.in_(extra))
            versions = select(record_version.c.id).where(record_version.c.list_id.in_(extra))
            conn.execute(delete(legal_event).where(legal_event.c.list_id.in_(extra)))
            conn.execute(delete(snapshot_record).where(snapshot_record.c.snapshot_id.in_(snaps)))
            conn.execute(delete(statement).where(statement.c.version_id.in_(versions)))
            conn.execute(delete(record_version).where(record_version.c.list_id.in_(extra)))
            conn.execute(delete(snapshot).where(snapshot.c.list_id.in_(extra)))
            conn.execute(delete(source_list).where(source_list.c.id.in_(extra)))


def checkpoint_sqlite(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()


def copy_sqlite(template: Path, target: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, target)


def pg_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free loopback port; yields the base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
