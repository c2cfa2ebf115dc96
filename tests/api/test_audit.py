"""The audit trail: every screening and write is recorded, chained, verifiable, exportable."""

from __future__ import annotations

import io
import itertools
import json
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update

from smartsanctions.api.auditlog import export_audit, verify_audit
from smartsanctions.store.db import open_engine
from smartsanctions.store.schema import audit
from tests.api.conftest import auth

QUERY = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Ri Won Ho"]}}}}


def _screen(client: TestClient, name: str = "Ri Won Ho") -> None:
    body = {"queries": {"q": {"schema": "Person", "properties": {"name": [name]}}}}
    assert client.post("/match/default", json=body).status_code == 200


def test_concurrent_screenings_keep_one_chain(client: TestClient, store: str) -> None:
    names = ["Ri Won Ho", "Joseph Kony", "Bashar al-Assad", "Maher al-Assad"] * 6
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: _screen(client, n), names))
    report = verify_audit(open_engine(store))
    assert report.ok, report
    engine = open_engine(store)
    with engine.connect() as conn:
        actions = conn.execute(select(audit.c.action)).scalars().all()
    assert actions.count("screening") == len(names)


def test_verify_detects_an_edited_record(client: TestClient, store: str, keys: dict[str, str]) -> None:
    for _ in range(3):
        _screen(client)
    engine = open_engine(store)
    assert verify_audit(engine).ok
    with engine.begin() as conn:
        ids = conn.execute(select(audit.c.id).where(audit.c.action == "screening").order_by(audit.c.id)).scalars().all()
        victim = ids[1]
        detail = json.loads(conn.execute(select(audit.c.detail).where(audit.c.id == victim)).scalar_one())
        detail["results"]["q"]["hits"] = []  # hide the hit
        conn.execute(update(audit).where(audit.c.id == victim).values(detail=json.dumps(detail, sort_keys=True)))
    report = verify_audit(engine)
    assert not report.ok
    assert report.first_bad_id == victim
    assert "edited" in (report.reason or "")
    shown = client.get("/audit", headers=auth(keys["admin"])).json()["chain"]
    assert shown["ok"] is False and shown["first_bad_id"] == victim


def test_verify_detects_a_removed_record(client: TestClient, store: str) -> None:
    for _ in range(3):
        _screen(client)
    engine = open_engine(store)
    with engine.begin() as conn:
        ids = conn.execute(select(audit.c.id).order_by(audit.c.id)).scalars().all()
        conn.execute(delete(audit).where(audit.c.id == ids[-2]))
    report = verify_audit(engine)
    assert not report.ok and report.first_bad_id == ids[-1]


def test_export_is_complete_jsonl(client: TestClient, store: str, keys: dict[str, str]) -> None:
    _screen(client)
    decision = {"party_key": "id:c-9", "entity_id": "un-sc:KPi.033", "decision": "true_positive"}
    assert client.post("/decisions", json=decision, headers=auth(keys["analyst"])).status_code == 201
    out = io.StringIO()
    count = export_audit(open_engine(store), out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert count == len(lines) >= 6  # four keys made by the fixture (one revoked), a screening, a decision
    assert [r["action"] for r in lines][-2:] == ["screening", "screening_decision"]
    assert lines[-1]["detail"]["entity_id"] == "un-sc:KPi.033"
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(lines))
