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


# ---- consolidation and batch screening ------------------------------------------------

AUTHORED = Path(__file__).resolve().parents[1] / "fixtures" / "authored" / "csv"
# Consolidation also stamps its run and its audit record with the clock.
RUN_CLOCK_COLUMNS = CLOCK_COLUMNS | {"started_at", "finished_at", "created_at", "summary", "hash", "prev_hash"}


def run_state(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    from sqlalchemy import select

    from smartsanctions.store.schema import metadata

    engine = open_engine(str(path), create=False)
    result = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            columns = [c for c in table.columns if c.name not in RUN_CLOCK_COLUMNS]
            result[table.name] = sorted(tuple(str(v) for v in row) for row in conn.execute(select(*columns)))
    return result


def _kill_at_random_points(
    command: list[str], base: Path, tmp_path: Path, attempts: int, seed: int
) -> tuple[float, list[Path]]:
    """Run ``command`` once to completion on a copy of ``base``, then kill copies at random points."""
    complete = tmp_path / "complete.db"
    complete.write_bytes(base.read_bytes())
    started = time.monotonic()
    subprocess.run([*command, str(complete)], check=True, capture_output=True)
    full_run = time.monotonic() - started
    rng = random.Random(seed)
    killed = []
    for attempt in range(attempts):
        db = tmp_path / f"kill{attempt}.db"
        db.write_bytes(base.read_bytes())
        proc = subprocess.Popen([*command, str(db)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, full_run * 1.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        killed.append(db)
    return full_run, [complete, *killed]


def _seeded_store(path: Path) -> None:
    import_files(open_engine(str(path)), [UN / "2025-12-09_pakote", AUTHORED / "tr-syria.csv",
                                          AUTHORED / "arab-league-syria.csv"])


def test_sigkill_during_consolidation_leaves_old_or_new_state(tmp_path: Path) -> None:
    base = tmp_path / "base.db"
    _seeded_store(base)
    old_state = run_state(base)
    script = (
        "import sys; from smartsanctions.store.db import open_engine; "
        "from smartsanctions.consolidate.run import consolidate; consolidate(open_engine(sys.argv[1]))"
    )
    command = [sys.executable, "-c", script]
    _full, (complete, *killed) = _kill_at_random_points(command, base, tmp_path, attempts=5, seed=20261129)
    new_state = run_state(complete)
    assert new_state != old_state
    outcomes = {"old": 0, "new": 0}
    for db in killed:
        assert integrity_ok(db)
        found = run_state(db)
        assert found in (old_state, new_state), f"{db.name}: the store holds part of a consolidation"
        outcomes["old" if found == old_state else "new"] += 1
    assert outcomes["old"] >= 1


def test_sigkill_during_batch_screening_never_leaves_a_partial_output(tmp_path: Path) -> None:
    """The output file appears only complete; a rerun resumes and gives the uninterrupted result."""
    import csv

    base = tmp_path / "base.db"
    _seeded_store(base)
    engine = open_engine(str(base))
    from smartsanctions.store.queries import current_records

    with engine.connect() as conn:
        names = [r.caption for r in current_records(conn)][:400]
    parties = tmp_path / "parties.csv"
    with parties.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name"])
        for i in range(4000):
            name = names[i % len(names)]
            writer.writerow([i, name if i % 3 else name[::-1]])

    def command(output: Path) -> list[str]:
        return [sys.executable, "-m", "smartsanctions.cli", "screen", "--input", str(parties),
                "--output", str(output), "--db", str(base), "--json"]

    reference = tmp_path / "reference.csv"
    started = time.monotonic()
    subprocess.run(command(reference), check=True, capture_output=True)
    full_run = time.monotonic() - started
    expected = reference.read_bytes()
    before = state(base)
    rng = random.Random(20261130)
    interrupted = 0
    for attempt in range(4):
        output = tmp_path / f"out{attempt}.csv"
        proc = subprocess.Popen(command(output), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, full_run * 0.9))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if not output.exists():
            interrupted += 1
        else:
            assert output.read_bytes() == expected, "a killed run left a partial output file"
        subprocess.run(command(output), check=True, capture_output=True)
        assert output.read_bytes() == expected
    assert interrupted >= 1
    assert integrity_ok(base)
    assert state(base) == before
