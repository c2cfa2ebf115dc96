from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from smartsanctions.store.db import open_engine
from smartsanctions.store.schema import metadata


@pytest.fixture()
def engine(tmp_path: Path) -> Engine:
    return open_engine(str(tmp_path / "store.db"))


def dump_store(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: two equal dumps mean an unchanged store."""
    with engine.connect() as conn:
        return {
            table.name: sorted(tuple(str(v) for v in row) for row in conn.execute(select(table)))
            for table in metadata.sorted_tables
        }
