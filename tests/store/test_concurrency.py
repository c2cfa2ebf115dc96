"""Readers keep answering while another process imports into the same SQLite file.

The store runs SQLite in WAL mode with a busy timeout (store/db.py): readers see the last
committed state and never wait for the writer; other writers (the API's audit records)
wait for the import's transaction instead of failing with "database is locked".
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from smartsanctions.store.audit import append_audit, verify_chain
from smartsanctions.store.db import open_engine
from smartsanctions.store.importer import import_files
from smartsanctions.store.queries import data_version, lists_summary
from smartsanctions.store.schema import audit
from smartsanctions.store.views import record_view
from tests.conftest import LISTS

UN = LISTS / "un" / "2025-12-09_pakote"
MULTI = LISTS / "multi_combined" / "2022-05-05_fca_sanctiontoolkit"
KNOWN = "un-sc:CDi.001"  # Eric Badege, on the UN list of 2025-12-09


class Loop(threading.Thread):
    """Calls ``work`` until stopped; counts answers and keeps every error."""

    def __init__(self, name: str, work: Callable[[], Any]) -> None:
        super().__init__(name=name, daemon=True)
        self.work = work
        self.stop = threading.Event()
        self.answers = 0
        self.errors: list[str] = []

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.work()
            except Exception as exc:  # noqa: BLE001 - every failure is a finding here
                self.errors.append(f"{type(exc).__name__}: {exc}")
            else:
                self.answers += 1


def test_readers_and_audit_writers_keep_working_during_an_import(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    engine = open_engine(str(db))
    import_files(engine, [UN])

    def read_lists() -> None:
        with engine.connect() as conn:
            summary = lists_summary(conn)
            assert any(a["code"] == "un" for a in summary["authorities"])
            assert data_version(conn)

    def read_record() -> None:
        with engine.connect() as conn:
            view = record_view(conn, KNOWN)
            assert view is not None and view["id"] == KNOWN

    def write_audit() -> None:
        # What the API does on every screening: a small write transaction of its own.
        with engine.begin() as conn:
            append_audit(conn, "test", "screening", {"q": "Eric Badege"})
        time.sleep(0.05)

    loops = [Loop("lists", read_lists), Loop("record", read_record), Loop("record2", read_record),
             Loop("audit", write_audit)]
    for loop in loops:
        loop.start()
    time.sleep(0.5)
    before = {loop.name: loop.answers for loop in loops}
    importer = subprocess.Popen(
        [sys.executable, "-m", "smartsanctions.cli", "import", str(MULTI), "--db", str(db), "--force"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    during = {loop.name: 0 for loop in loops}
    while importer.poll() is None:
        time.sleep(0.2)
    for loop in loops:
        during[loop.name] = loop.answers - before[loop.name]
    _stdout, stderr = importer.communicate()
    time.sleep(0.5)
    for loop in loops:
        loop.stop.set()
    for loop in loops:
        loop.join(timeout=30)

    assert importer.returncode == 0, stderr
    for loop in loops:
        assert not loop.errors, f"{loop.name}: {loop.errors[:3]}"
        assert during[loop.name] >= 5, f"{loop.name} answered only {during[loop.name]} times during the import"
    with engine.connect() as conn:
        lists = {lst["id"] for a in lists_summary(conn)["authorities"] for lst in a["lists"]}
        audited = conn.execute(select(func.count()).select_from(audit).where(audit.c.actor == "test")).scalar()
        assert verify_chain(conn).ok
    assert {"un-sc", "us-sdn", "gb-ofsi", "eu-fsf"} <= lists
    assert audited == loops[-1].answers  # every audit write that returned was kept
