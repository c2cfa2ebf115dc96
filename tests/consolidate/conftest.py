"""Stores built from the real lists, imported once per session and copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine

from smartsanctions.consolidate.run import ConsolidationSummary
from smartsanctions.store.db import open_engine
from smartsanctions.store.importer import import_files
from tests.conftest import ConsolidatedStore

# A smaller store whose UK and Australian entries cite UN reference numbers.
SMALL_FOLDERS = ("un/2025-12-09_pakote", "uk_ofsi/2025-04_mmahmed107", "au_dfat/2024-12_stanux")


def _import(path: Path, lists_dir: Path, folders: tuple[str, ...]) -> Engine:
    engine = open_engine(str(path))
    for folder in folders:
        import_files(engine, [lists_dir / folder])
    return engine


def copy_store(source: Path, target: Path) -> Engine:
    shutil.copyfile(source, target)
    return open_engine(str(target))


@pytest.fixture(scope="session")
def small_store_file(tmp_path_factory: pytest.TempPathFactory, lists_dir: Path) -> Path:
    path = tmp_path_factory.mktemp("consolidate-small") / "store.db"
    engine = _import(path, lists_dir, SMALL_FOLDERS)
    engine.dispose()
    return path


@pytest.fixture()
def small_store(small_store_file: Path, tmp_path: Path) -> Engine:
    return copy_store(small_store_file, tmp_path / "small.db")


@pytest.fixture(scope="session")
def syria_store(consolidated_store: ConsolidatedStore) -> tuple[Engine, ConsolidationSummary]:
    """The Syria case: every list imported (the 2022 multi-list CSV with the US SDN, EU and UK
    rows, the OFAC, UK, Canadian and Australian files, and the rest), consolidated once.
    Tests must not change it."""
    return consolidated_store.engine, consolidated_store.summary
