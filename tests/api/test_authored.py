"""Authored designations through the API: add, amend, delist entries of an authored list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import auth

LIST = {
    "authority": "xq",
    "authority_name": "Ministry of Examples",
    "list_id": "xq-national",
    "list_name": "National list (test)",
    "published": "2024-01-01",
    "programme": "Test programme",
    "measures": ["asset_freeze", "travel_ban"],
    "entries": [
        {"id": "XQ-1", "schema": "Person", "name": "Amira Testova", "birth_date": "1970-02-03", "nationality": ["sy"]},
        {"id": "XQ-2", "schema": "Organization", "name": "Example Trading LLC", "country": ["sy"]},
        {"id": "XQ-3", "schema": "Person", "name": "Karim Exemplar", "birth_date": "1980"},
    ],
}


def _history(client: TestClient, entity_id: str) -> list[tuple[str, str | None]]:
    events = client.get(f"/entities/{entity_id}/history").json()["events"]
    return [(e["event"], e["date"]) for e in events]


def _snapshots(client: TestClient, list_id: str) -> list[dict[str, Any]]:
    for authority in client.get("/lists").json()["authorities"]:
        for lst in authority["lists"]:
            if lst["id"] == list_id:
                return list(lst["snapshots"])
    return []


def test_designate_amend_delist(client: TestClient, keys: dict[str, str], tmp_path: Path) -> None:
    admin = auth(keys["admin"])
    assert client.get("/authored/xq-national").status_code == 404
    created = client.put("/authored/xq-national", json=LIST, headers=admin)
    assert created.status_code == 200, created.text
    assert created.json()["import"]["added"] == 3

    entry = {"id": "XQ-4", "schema": "Person", "name": "Nadia Placeholder", "birth_date": "1975-05", "note": "gazette 12"}
    added = client.post("/authored/xq-national/entries", json=entry, params={"published": "2024-02-01"}, headers=admin)
    assert added.status_code == 201, added.text
    assert added.json()["import"]["added"] == 1
    screened = client.post(
        "/match/xq", json={"queries": {"q": {"schema": "Person", "properties": {"name": ["Nadia Placeholder"]}}}}
    )
    assert screened.json()["responses"]["q"]["results"][0]["id"] == "xq-national:XQ-4"

    amended_entry = {"schema": "Person", "name": "Amira Testova", "birth_date": "1970-02-03", "aliases": ["Amira Testowa"]}
    amended = client.put(
        "/authored/xq-national/entries/XQ-1", json=amended_entry, params={"published": "2024-03-01"}, headers=admin
    )
    assert amended.status_code == 200, amended.text
    assert amended.json()["import"]["changed"] == 1
    names = client.get("/entities/xq-national:XQ-1").json()["properties"]["alias"]
    assert names == ["Amira Testowa"]

    delisted = client.delete(
        "/authored/xq-national/entries/XQ-3", params={"published": "2024-04-01", "note": "court ruling"}, headers=admin
    )
    assert delisted.status_code == 200, delisted.text
    assert delisted.json()["import"]["removed"] == 1

    assert [s["date"] for s in _snapshots(client, "xq-national")] == ["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"]
    assert _history(client, "xq-national:XQ-4") == [("designated", "2024-02-01")]
    assert [e for e, _ in _history(client, "xq-national:XQ-1")] == ["designated", "amended"]
    assert _history(client, "xq-national:XQ-3")[-1] == ("delisted", "2024-04-01")
    current = client.get("/authored/xq-national").json()
    assert [e["id"] for e in current["entries"]] == ["XQ-1", "XQ-2", "XQ-4"]

    records = client.get("/audit", headers=admin).json()["records"]
    actions = [r["action"] for r in records if r["action"].startswith("authored")]
    assert actions == ["authored_list", "authored_designation", "authored_amendment", "authored_delisting"]
    last = records[-1]
    assert last["detail"]["entry"]["id"] == "XQ-3" and last["detail"]["note"] == "court ruling"
    assert last["actor"].startswith("test admin")
    assert (tmp_path / "authored" / "xq-national").is_dir()


def test_refused_changes_leave_no_version(client: TestClient, keys: dict[str, str], tmp_path: Path) -> None:
    admin = auth(keys["admin"])
    assert client.put("/authored/xq-national", json=LIST, headers=admin).status_code == 200
    folder = tmp_path / "authored" / "xq-national"
    before = sorted(p.name for p in folder.iterdir())

    bad_date = {"id": "XQ-9", "schema": "Person", "name": "Bad Date", "birth_date": "1965-13-01"}
    response = client.post("/authored/xq-national/entries", json=bad_date, headers=admin)
    assert response.status_code == 422
    assert "birth_date" in response.json()["detail"] and "1965-13-01" in response.json()["detail"]

    duplicate = {"id": "XQ-1", "schema": "Person", "name": "Again"}
    assert client.post("/authored/xq-national/entries", json=duplicate, headers=admin).status_code == 409
    assert client.put("/authored/xq-national/entries/XQ-77", json=duplicate, headers=admin).status_code == 404
    assert client.delete("/authored/xq-national/entries/XQ-77", headers=admin).status_code == 404
    early = {"id": "XQ-8", "schema": "Person", "name": "Too Early"}
    too_early = client.post("/authored/xq-national/entries", json=early, params={"published": "2023-01-01"}, headers=admin)
    assert too_early.status_code == 409
    official = {**LIST, "list_id": "un-sc"}
    assert client.put("/authored/un-sc", json=official, headers=admin).status_code == 422

    assert sorted(p.name for p in folder.iterdir()) == before
    assert len(_snapshots(client, "xq-national")) == 1
    actions = [r["action"] for r in client.get("/audit", headers=admin).json()["records"]]
    assert actions.count("authored_designation") == 0
