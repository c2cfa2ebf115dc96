from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from smartsanctions.store.db import open_engine
from smartsanctions.store.schema import metadata

PG_ENV = "SMARTSANCTIONS_TEST_PG_URL"


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    """An empty store: a SQLite file, and (when $SMARTSANCTIONS_TEST_PG_URL names a
    database the tests may wipe, as in CI) the same tests again on PostgreSQL."""
    if request.param == "sqlite":
        return open_engine(str(tmp_path / "store.db"))
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"PostgreSQL not configured (set {PG_ENV}; .ci/run does)")
    engine = open_engine(url, create=False)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    return engine


def dump_store(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: two equal dumps mean an unchanged store."""
    with engine.connect() as conn:
        return {
            table.name: sorted(tuple(str(v) for v in row) for row in conn.execute(select(table)))
            for table in metadata.sorted_tables
        }
