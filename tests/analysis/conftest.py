"""One store with every shared list imported and consolidated, built once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine

from tests.conftest import ConsolidatedStore

# The Syria case of issue 5: the US, the EU (from the 2022 multi-list CSV), the UK, Canada, Australia.
SYRIA_AUTHORITIES = ["us", "eu", "gb", "ca", "au"]


@pytest.fixture(scope="session")
def consolidated(consolidated_store: ConsolidatedStore) -> Engine:
    """Every list version imported and consolidated (read-only use)."""
    return consolidated_store.engine


@pytest.fixture()
def conn(consolidated: Engine) -> Iterator[Connection]:
    with consolidated.connect() as connection:
        yield connection


@pytest.fixture(scope="session")
def syria_matrix(consolidated: Engine) -> dict:
    from smartsanctions.analysis import coverage_matrix

    with consolidated.connect() as connection:
        return coverage_matrix(connection, program="syria", authorities=SYRIA_AUTHORITIES)


@pytest.fixture(scope="session")
def syria_gaps(consolidated: Engine) -> dict:
    from smartsanctions.analysis import find_gaps

    with consolidated.connect() as connection:
        return find_gaps(connection, program="syria", authorities=SYRIA_AUTHORITIES)


def records_of(matrix: dict, authority: str) -> set[str]:
    return {r for t in matrix["targets"] for r in ((t["cells"].get(authority) or {}).get("records") or [])}


def target_with(matrix: dict, record_id: str) -> dict:
    for t in matrix["targets"]:
        for cell in t["cells"].values():
            if cell and record_id in cell["records"]:
                return t
    raise AssertionError(f"no target with record {record_id}")


LISTS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "lists"
