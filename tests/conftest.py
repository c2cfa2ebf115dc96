"""Shared test fixtures: where the real list files live, and a fresh store per test."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# CI draws the same examples every run, so a landing is not decided by a lucky draw; locally
# each run draws new ones (that is how 'Adh Adh', a name of particles only, was found)
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
LISTS = SHARED / "lists"
EVAL = SHARED / "eval"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def lists_dir() -> Path:
    if not LISTS.is_dir():
        pytest.fail(f"shared data not found at {LISTS}")
    return LISTS


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    if not EVAL.is_dir():
        pytest.fail(f"shared data not found at {EVAL}")
    return EVAL


@dataclass
class FullStore:
    engine: Any
    path: Path
    report: Any  # store.update.UpdateReport


@pytest.fixture(scope="session")
def full_store(tmp_path_factory: pytest.TempPathFactory) -> FullStore:
    """A store holding every version of every list in ../shared/data/lists (read-only use).

    Built once per test session; tests that change a store copy ``path`` first.
    """
    from smartsanctions.store.db import open_engine
    from smartsanctions.store.update import update_from_mirror

    path = tmp_path_factory.mktemp("full") / "full.db"
    engine = open_engine(str(path))
    report = update_from_mirror(engine, LISTS)
    return FullStore(engine, path, report)


@dataclass
class ConsolidatedStore:
    engine: Any
    path: Path
    summary: Any  # consolidate.run.ConsolidationSummary


@pytest.fixture(scope="session")
def consolidated_store(full_store: FullStore, tmp_path_factory: pytest.TempPathFactory) -> ConsolidatedStore:
    """A copy of the full store, consolidated once per session (read-only use)."""
    import sqlite3
    from contextlib import closing

    from smartsanctions.consolidate.run import consolidate
    from smartsanctions.store.db import open_engine

    path = tmp_path_factory.mktemp("consolidated") / "consolidated.db"
    # The store runs in WAL mode: SQLite's backup API copies what the WAL holds as well.
    with closing(sqlite3.connect(full_store.path)) as source, closing(sqlite3.connect(path)) as target:
        source.backup(target)
    engine = open_engine(str(path))
    return ConsolidatedStore(engine, path, consolidate(engine))
