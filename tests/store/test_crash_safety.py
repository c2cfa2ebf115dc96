"""SIGKILL during an import: the store opens, passes an integrity check, and holds the
old state or the new one, never a mix."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from smartsanctions.store.db import open_engine
from smartsanctions.store.importer import import_files
from tests.conftest import LISTS

UN = LISTS / "un"
# Columns whose values depend on the wall clock, not on the data.
CLOCK_COLUMNS = {"imported_at", "at"}


def state(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    engine = open_engine(str(path), create=False)
    from sqlalchemy import select

    from smartsanctions.store.schema import metadata

    result = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            columns = [c for c in table.columns if c.name not in CLOCK_COLUMNS]
            result[table.name] = sorted(tuple(str(v) for v in row) for row in conn.execute(select(*columns)))
    return result


def integrity_ok(path: Path) -> bool:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _import_command(db: Path) -> list[str]:
    return [
        sys.executable, "-m", "smartsanctions.cli", "import",
        str(UN / "2025-12-10_pakote"), str(UN / "2026-02_watchman"), str(UN / "2025-04_kebalkhadka"),
        "--db", str(db),
    ]


def test_sigkill_during_import_leaves_old_or_new_state(tmp_path: Path) -> None:
    base = tmp_path / "base.db"
    import_files(open_engine(str(base)), [UN / "2025-12-09_pakote"])
    old_state = state(base)

    complete = tmp_path / "complete.db"
    complete.write_bytes(base.read_bytes())
    started = time.monotonic()
    subprocess.run(_import_command(complete), check=True, capture_output=True)
    full_run = time.monotonic() - started
    new_state = state(complete)
    assert new_state != old_state

    rng = random.Random(20261128)
    outcomes = {"old": 0, "new": 0}
    for attempt in range(6):
        db = tmp_path / f"kill{attempt}.db"
        db.write_bytes(base.read_bytes())
        proc = subprocess.Popen(_import_command(db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, full_run * 1.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert integrity_ok(db)
        found = state(db)
        assert found in (old_state, new_state), f"attempt {attempt}: the store holds a mix of old and new"
        outcomes["old" if found == old_state else "new"] += 1
    # The random points must have hit the import while it ran at least once.
    assert outcomes["old"] >= 1
