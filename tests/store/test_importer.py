"""Importing real list versions: snapshots, idempotence, history, all-or-nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from smartsanctions.sources.base import SourceError
from smartsanctions.store.audit import verify_chain
from smartsanctions.store.importer import ImportRefused, import_files
from smartsanctions.store.queries import current_records, lists_summary, record_events
from smartsanctions.store.schema import audit, snapshot
from tests.conftest import LISTS
from tests.store.conftest import dump_store

UN = LISTS / "un"
UN_VERSIONS = sorted(p for p in UN.iterdir() if p.is_dir())


def _events(engine: Engine, record_id: str) -> list[dict[str, object]]:
    with engine.connect() as conn:
        return record_events(conn, [record_id])


def test_one_delisting_between_consecutive_un_days(engine: Engine) -> None:
    import_files(engine, [UN / "2025-12-09_pakote"])
    outcome = import_files(engine, [UN / "2025-12-10_pakote"])[0]
    assert (outcome.added, outcome.removed, outcome.changed) == (0, 1, 0)
    events = [e for e in _events(engine, "un-sc:IQi.074") if e["event"] == "delisted"]
    assert len(events) == 1
    assert events[0]["date_basis"] == "bounded"
    assert (events[0]["after"], events[0]["not_after"]) == ("2025-12-09", "2025-12-10")


def test_reimport_changes_nothing(engine: Engine) -> None:
    import_files(engine, [UN / "2025-12-09_pakote"])
    before = dump_store(engine)
    outcome = import_files(engine, [UN / "2025-12-09_pakote"])[0]
    assert outcome.status == "unchanged"
    assert dump_store(engine) == before


def test_six_un_versions_in_any_order_give_the_same_history(engine: Engine, tmp_path: Path) -> None:
    # Imported newest first: history follows publication dates, not import order.
    for version in reversed(UN_VERSIONS):
        import_files(engine, [version])
    events = _events(engine, "un-sc:QDi.317")
    kinds = [e["event"] for e in events]
    # The 2025-04 version changed his date-of-birth range (1976-1980 -> 1975-1979).
    assert kinds == ["designated", "amended", "delisted"]
    designated, amended, delisted = events
    assert designated["date_basis"] == "stated" and designated["date"] == "2013-07-24"  # LISTED_ON
    assert (amended["after"], amended["not_after"]) == ("2024-05-15", "2025-04-19")
    assert delisted["after"] == "2025-04-19" and delisted["not_after"] == "2025-11-15"
    assert [e["event"] for e in _events(engine, "un-sc:QDi.336")][-1] == "delisted"
    # HTS / al-Nusrah stays listed throughout.
    assert "delisted" not in [e["event"] for e in _events(engine, "un-sc:QDe.137")]

    other = tmp_path / "other.db"
    from smartsanctions.store.db import open_engine

    engine2 = open_engine(str(other))
    for version in UN_VERSIONS:
        import_files(engine2, [version])
    strip = lambda evs: [(e["record_id"], e["event"], e["date"], e["after"], e["not_after"]) for e in evs]
    ids = ["un-sc:QDi.317", "un-sc:QDi.336", "un-sc:IQi.074"]
    with engine.connect() as c1, engine2.connect() as c2:
        assert strip(record_events(c1, ids)) == strip(record_events(c2, ids))


def test_snapshot_counts_match_the_files(engine: Engine) -> None:
    import_files(engine, [UN / "2026-02_watchman"])
    with engine.connect() as conn:
        summary = lists_summary(conn)
    (auth,) = summary["authorities"]
    assert auth["code"] == "un"
    (snap,) = auth["lists"][0]["snapshots"]
    assert snap["entities"] == 1003
    assert snap["counts"]["Person"] == 730
    assert snap["date"] == "2026-02-27"


def test_failed_import_leaves_the_store_as_it_was(engine: Engine, tmp_path: Path) -> None:
    import_files(engine, [UN / "2025-12-09_pakote"])
    before = dump_store(engine)
    data = (UN / "2025-12-10_pakote" / "un.xml").read_bytes()
    broken = tmp_path / "broken" / "un.xml"
    broken.parent.mkdir()
    broken.write_bytes(data[: len(data) // 2])
    # A good version and a truncated one in one command: neither lands.
    with pytest.raises(SourceError) as info:
        import_files(engine, [UN / "2025-04_kebalkhadka", broken])
    assert "un.xml" in str(info.value) and "line" in str(info.value)
    assert dump_store(engine) == before


def _shrunk_un(tmp_path: Path, keep: int) -> Path:
    from lxml import etree

    root = etree.parse(str(UN / "2025-12-10_pakote" / "un.xml")).getroot()
    for group in ("INDIVIDUALS", "ENTITIES"):
        parent = root.find(group)
        assert parent is not None
        for child in list(parent)[keep:]:
            parent.remove(child)
    root.set("dateGenerated", "2025-12-11T00:00:00.000Z")
    target = tmp_path / "shrunk" / "un.xml"
    target.parent.mkdir()
    target.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    return target


def test_truncated_list_is_refused_and_delists_nobody(engine: Engine, tmp_path: Path) -> None:
    import_files(engine, [UN / "2025-12-10_pakote"])
    before = dump_store(engine)
    shrunk = _shrunk_un(tmp_path, keep=50)
    with pytest.raises(ImportRefused) as info:
        import_files(engine, [shrunk])
    assert "outside the expected" in str(info.value)
    assert dump_store(engine) == before
    with engine.connect() as conn:
        assert sum(1 for _ in current_records(conn)) == 999


def test_forced_import_is_audited(engine: Engine, tmp_path: Path) -> None:
    import_files(engine, [UN / "2025-12-10_pakote"])
    outcome = import_files(engine, [_shrunk_un(tmp_path, keep=50)], force=True)[0]
    assert outcome.status == "imported" and outcome.forced_reasons
    assert outcome.removed == 999 - 100
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(audit)).scalar() == 1
        assert conn.execute(select(snapshot.c.forced).where(snapshot.c.id == outcome.snapshot_id)).scalar()
        assert verify_chain(conn).ok


def test_published_date_falls_back_to_the_folder_name(engine: Engine) -> None:
    ofac = LISTS / "ofac_sdn" / "2021-07_watchman"
    outcome = import_files(engine, [ofac])[0]
    assert outcome.published == date(2021, 7, 1)
    assert "folder name" in outcome.published_basis
