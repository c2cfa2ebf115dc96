"""Stores built from the real lists, imported once per session and copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine

from smartsanctions.consolidate.run import ConsolidationSummary, consolidate
from smartsanctions.store.db import open_engine
from smartsanctions.store.importer import import_files

# The Syria case of issue 3: the 2022 multi-list CSV (US SDN, EU, UK) plus OFAC, UK,
# Canadian and Australian files.
SYRIA_FOLDERS = (
    "multi_combined/2022-05-05_fca_sanctiontoolkit",
    "ofac_sdn/2021-07_watchman",
    "uk_ofsi/2025-04_mmahmed107",
    "canada_sema/2025-05_kebalkhadka",
    "au_dfat/2024-12_stanux",
)
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
def syria_store(tmp_path_factory: pytest.TempPathFactory, lists_dir: Path) -> tuple[Engine, ConsolidationSummary]:
    """The Syria-case store, consolidated once (tests must not change it)."""
    path = tmp_path_factory.mktemp("consolidate-syria") / "store.db"
    engine = _import(path, lists_dir, SYRIA_FOLDERS)
    return engine, consolidate(engine)
