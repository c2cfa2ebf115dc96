"""Write endpoints refuse missing, wrong, revoked and under-privileged keys; keyed reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from smartsanctions.api.app import create_app
from smartsanctions.api.keys import authenticate, create_key, list_keys, revoke_key
from smartsanctions.store.db import open_engine
from smartsanctions.store.schema import api_key
from tests.api.conftest import auth

ENTRY = {"id": "TR-100", "schema": "Person", "name": "Test Person", "programme": "Syria"}

# (method, path, json body or None, role needed)
WRITES: list[tuple[str, str, dict[str, Any] | None, str]] = [
    ("POST", "/judgements", {"left_id": "un-sc:KPi.033", "right_id": "tr-syria:TR-001", "judgement": "same"}, "analyst"),
    ("POST", "/decisions", {"party_key": "id:c-1", "entity_id": "un-sc:KPi.033", "decision": "false_positive"}, "analyst"),
    ("PUT", "/authored/tr-syria", {"entries": []}, "admin"),
    ("POST", "/authored/tr-syria/entries", ENTRY, "admin"),
    ("PUT", "/authored/tr-syria/entries/TR-001", ENTRY, "admin"),
    ("DELETE", "/authored/tr-syria/entries/TR-001", None, "admin"),
    ("GET", "/audit", None, "admin"),
    ("GET", "/decisions?party=id:c-1", None, "analyst"),
]
IDS = [f"{m} {p}" for m, p, _, _ in WRITES]


def _call(client: TestClient, method: str, path: str, body: dict[str, Any] | None, headers: dict[str, str]) -> Any:
    return client.request(method, path, json=body, headers=headers)


@pytest.mark.parametrize(("method", "path", "body", "role"), WRITES, ids=IDS)
def test_missing_key_is_refused(client: TestClient, method: str, path: str, body: Any, role: str) -> None:
    response = _call(client, method, path, body, {})
    assert response.status_code == 401
    assert role in response.json()["detail"]


@pytest.mark.parametrize(("method", "path", "body", "role"), WRITES, ids=IDS)
def test_wrong_key_is_refused(
    client: TestClient, keys: dict[str, str], method: str, path: str, body: Any, role: str
) -> None:
    forged = keys["admin"][:-4] + ("aaaa" if not keys["admin"].endswith("aaaa") else "bbbb")
    for bad in (forged, "not-a-key", "ssk_nosuchid.secret", keys["revoked"]):
        response = _call(client, method, path, body, auth(bad))
        assert response.status_code == 401, bad
        assert response.json()["detail"] == "invalid or revoked API key"


@pytest.mark.parametrize(("method", "path", "body", "role"), WRITES, ids=IDS)
def test_under_privileged_key_is_refused(
    client: TestClient, keys: dict[str, str], method: str, path: str, body: Any, role: str
) -> None:
    weaker = ["reader"] if role == "analyst" else ["reader", "analyst"]
    for have in weaker:
        response = _call(client, method, path, body, auth(keys[have]))
        assert response.status_code == 403, have
        assert f"needs '{role}'" in response.json()["detail"]


def test_key_headers_accepted(client: TestClient, keys: dict[str, str]) -> None:
    for headers in (
        {"Authorization": f"ApiKey {keys['admin']}"},
        {"Authorization": f"Bearer {keys['admin']}"},
        {"X-API-Key": keys["admin"]},
    ):
        assert client.get("/audit", headers=headers).status_code == 200


def test_refused_writes_change_nothing(client: TestClient, keys: dict[str, str], store: str) -> None:
    body = {"party_key": "id:c-1", "entity_id": "un-sc:KPi.033", "decision": "false_positive"}
    assert client.post("/decisions", json=body, headers=auth(keys["reader"])).status_code == 403
    admin = auth(keys["admin"])
    records = client.get("/audit", headers=admin, params={"action": "screening_decision"}).json()["records"]
    assert records == []


def test_keys_are_stored_hashed(store: str) -> None:
    engine = open_engine(store)
    made = create_key(engine, "hash check", "analyst")
    secret = made.key.split(".", 1)[1]
    with engine.connect() as conn:
        row = conn.execute(select(api_key).where(api_key.c.id == made.id)).one()
        assert secret not in (row.hash, row.salt) and len(row.hash) == 64
        assert authenticate(conn, made.key) is not None
    assert {k["id"]: k["role"] for k in list_keys(engine)}[made.id] == "analyst"
    revoke_key(engine, made.id)
    with engine.connect() as conn:
        assert authenticate(conn, made.key) is None
    with pytest.raises(ValueError, match="unknown role"):
        create_key(engine, "x", "superuser")


def test_reads_keyed_by_configuration(store: str, tmp_path: Path) -> None:
    engine = open_engine(store)
    reader_key = create_key(engine, "reader", "reader").key
    app = create_app(store, require_read_key=True, authored_dir=tmp_path)
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/entities/un-sc:KPi.033").status_code == 401
        assert client.get("/lists").status_code == 401
        body = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Ri Won Ho"]}}}}
        assert client.post("/match/default", json=body).status_code == 401
        assert client.get("/entities/un-sc:KPi.033", headers=auth(reader_key)).status_code == 200
        screened = client.post("/match/default", json=body, headers=auth(reader_key))
        assert screened.status_code == 200
    admin_key = create_key(engine, "admin", "admin").key
    with TestClient(create_app(store, authored_dir=tmp_path)) as client:
        assert client.get("/entities/un-sc:KPi.033").status_code == 200
        assert client.get("/entities/un-sc:KPi.033", headers=auth("ssk_bad.key")).status_code == 401
        records = client.get("/audit", headers=auth(admin_key), params={"action": "screening"}).json()["records"]
        assert records[-1]["actor"] == f"reader (key {reader_key[4:16]})"
