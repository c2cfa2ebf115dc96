"""The web tests reuse the API tests' seeded stores (SQLite here: the pages do not depend on the backend)."""

from __future__ import annotations

from tests.api.conftest import _index_cache, app, backend, client, keys, sqlite_template, store  # noqa: F401
