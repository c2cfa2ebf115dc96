"""Continuous screening: a stored book re-checked against only what changed between UN versions."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert

from smartsanctions.screening.decisions import party_key
from smartsanctions.screening.rescreen import rescreen
from smartsanctions.store.db import open_engine
from smartsanctions.store.importer import import_files
from smartsanctions.store.schema import screening_decision

BOOK = [
    ["1", "Ri Won Ho", "", "KP"],  # listed in both versions
    ["2", "Anas Hasan Khattab", "", ""],  # QDi.336, delisted by 2025-11
    ["3", "Javad Rahiqi", "", ""],  # IRi.031, added by 2025-11
    ["4", "Shahid Sattari Industries", "", ""],  # IRe.069, added by 2025-11; cleared as false by an analyst
    ["5", "John Smith", "1970", "GB"],
]


@pytest.fixture()
def engine(tmp_path: Path, lists_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("SMARTSANCTIONS_CACHE", str(tmp_path / "cache"))
    eng = open_engine(str(tmp_path / "store.db"))
    import_files(eng, [lists_dir / "un" / "2025-04_kebalkhadka"])
    return eng


def book_file(tmp_path: Path) -> Path:
    path = tmp_path / "book.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["ref", "customer", "dob", "country"])
        w.writerows(BOOK)
    return path


def hits(report_hits: list[dict[str, object]]) -> set[tuple[object, object]]:
    return {(h["party_id"], h["entity_id"]) for h in report_hits}


def test_rescreen_reports_new_and_removed_hits(engine: Engine, tmp_path: Path, lists_dir: Path) -> None:
    cols = {"id": "ref", "name": "customer"}
    base = rescreen(engine, "clients", input_path=book_file(tmp_path), columns=cols, threshold=0.85)
    assert base.baseline and base.parties == 5
    assert {("1", "un-sc:KPi.033"), ("2", "un-sc:QDi.336")} <= hits(base.new_hits)
    assert not any(pid in ("3", "4", "5") for pid, _ in hits(base.new_hits))

    with engine.begin() as conn:
        conn.execute(insert(screening_decision).values(
            party_key=party_key({"id": "4"}), entity_id="un-sc:IRe.069", decision="false_positive",
            author="analyst", at=datetime.now(UTC), note="our supplier is a different company"))
    import_files(engine, [lists_dir / "un" / "2025-11_mkweli"])
    delta = rescreen(engine, "clients", output_path=tmp_path / "changes.csv")
    assert (delta.records_added, delta.records_changed, delta.records_removed) == (126, 19, 3)
    assert delta.parties_rechecked < delta.parties  # only affected parties
    assert ("3", "un-sc:IRi.031") in hits(delta.new_hits)
    assert ("4", "un-sc:IRe.069") in hits(delta.suppressed) and ("4", "un-sc:IRe.069") not in hits(delta.new_hits)
    assert hits(delta.removed_hits) == {("2", "un-sc:QDi.336")}
    with (tmp_path / "changes.csv").open(encoding="utf-8") as fh:
        changes = {(r["change"], r["party_id"], r["entity_id"]) for r in csv.DictReader(fh)}
    assert ("removed", "2", "un-sc:QDi.336") in changes and ("new", "3", "un-sc:IRi.031") in changes

    # nothing changed since: nothing re-checked
    again = rescreen(engine, "clients")
    assert again.parties_rechecked == 0 and not again.new_hits and not again.removed_hits

    # a full re-screen of every party finds the same book state
    full = rescreen(engine, "clients", full=True)
    assert full.parties_rechecked == 5 and not full.new_hits and not full.removed_hits
    assert full.hits == again.hits


def test_unknown_book(engine: Engine) -> None:
    with pytest.raises(LookupError, match="no screening book named 'nope'"):
        rescreen(engine, "nope")


