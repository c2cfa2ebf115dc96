"""Fixtures for the API tests: each test gets the seeded store on SQLite and on PostgreSQL.

PostgreSQL runs when ``SMARTSANCTIONS_TEST_PG_URL`` names a database the tests may wipe
(scripts/ci_services.sh prints one); otherwise those cases are skipped with that reason.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from smartsanctions.api.app import create_app, shutdown
from smartsanctions.api.keys import create_key
from smartsanctions.store.db import open_engine
from tests.api.helpers import (
    PG_ENV,
    checkpoint_sqlite,
    clean_writes,
    copy_sqlite,
    pg_url,
    reset_postgres,
    seed,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture(scope="session", autouse=True)
def _index_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the screening index's disk cache inside the test run."""
    old = os.environ.get("SMARTSANCTIONS_CACHE")
    os.environ["SMARTSANCTIONS_CACHE"] = str(tmp_path_factory.mktemp("index-cache"))
    yield
    if old is None:
        os.environ.pop("SMARTSANCTIONS_CACHE", None)
    else:
        os.environ["SMARTSANCTIONS_CACHE"] = old


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "seeded.db"
    engine = open_engine(str(path))
    seed(engine)
    checkpoint_sqlite(engine)
    return path


@pytest.fixture(scope="session")
def postgres_seeded() -> str | None:
    url = pg_url()
    if url is None:
        return None
    engine = open_engine(url, create=False)
    reset_postgres(engine)
    seed(engine)
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres" and pg_url() is None:
        pytest.skip(f"PostgreSQL not configured: set {PG_ENV} (scripts/ci_services.sh prints a URL)")
    return str(request.param)


@pytest.fixture()
def store(backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database location holding the seed data and nothing a previous test wrote."""
    if backend == "postgres":
        url = request.getfixturevalue("postgres_seeded")
        engine = open_engine(url, create=False)
        clean_writes(engine)
        engine.dispose()
        return str(url)
    template: Path = request.getfixturevalue("sqlite_template")
    # One fixed path, so the screening index cached for this data is reused across tests.
    target = tmp_path_factory.getbasetemp() / "work-store.db"
    copy_sqlite(template, target)
    return str(target)


@pytest.fixture()
def app(store: str, tmp_path: Path) -> Iterator[FastAPI]:
    made = create_app(store, authored_dir=tmp_path / "authored")
    yield made
    shutdown(made)


@pytest.fixture()
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture()
def keys(store: str) -> dict[str, str]:
    """One key per role, plus a revoked admin key."""
    from smartsanctions.api.keys import revoke_key

    engine = open_engine(store)
    made = {role: create_key(engine, f"test {role}", role).key for role in ("reader", "analyst", "admin")}
    revoked = create_key(engine, "revoked admin", "admin")
    revoke_key(engine, revoked.id)
    made["revoked"] = revoked.key
    engine.dispose()
    return made


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"ApiKey {key}"}
