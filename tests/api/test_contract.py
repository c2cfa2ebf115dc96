"""Contract tests: every endpoint's status codes and response shape, on real UN data.

Facts used (checked in the files): UN KPi.033 is RI WON HO, born 1964-07-17, DPRK
programme, passport 381310014; UN CFi.009 is JOSEPH KONY, whose listing names his mother
Nora Obol; UN LYi.020 is on the 2024-05-15 list and gone from the 2025-04-19 one.
tr-syria:TR-001 is Bashar al-Assad on the authored fixture list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from smartsanctions.api.app import create_app
from smartsanctions.store.db import open_engine
from tests.api.conftest import auth


def _match(client: TestClient, dataset: str = "default", **query: Any) -> Any:
    params = query.pop("params", {})
    body = {"queries": {"q": {"schema": query.pop("schema", "Person"), "properties": query}}}
    return client.post(f"/match/{dataset}", json=body, params=params)


def test_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ok"}


def test_match_shape_and_exact_hit(client: TestClient) -> None:
    response = _match(client, name=["Ri Won Ho"], birthDate=["1964-07-17"])
    assert response.status_code == 200
    data = response.json()
    assert set(data) >= {"responses", "limit", "data_version", "matcher"}
    answer = data["responses"]["q"]
    assert answer["status"] == 200
    assert answer["total"] == {"value": len(answer["results"]), "relation": "eq"}
    top = answer["results"][0]
    assert top["id"] == "un-sc:KPi.033"
    assert top["caption"] == "RI WON HO"
    assert top["schema"] == "Person"
    assert top["match"] is True and top["score"] >= 0.95
    assert top["datasets"] == ["un-sc"]
    assert top["properties"]["birthDate"] == ["1964-07-17"]
    assert top["explanations"]["birth_date"]["score"] > 0
    assert all(isinstance(f["score"], float) for f in top["explanations"].values())
    assert top["cleared"] is False and top["decision"] is None


def test_match_several_queries_and_limit(client: TestClient) -> None:
    body = {
        "queries": {
            "a": {"schema": "Person", "properties": {"name": ["Joseph Kony"]}},
            "b": {"schema": "Person", "properties": {"name": ["Zzyzx Qwertyuiop"]}},
        }
    }
    data = client.post("/match/default", json=body, params={"limit": 1}).json()
    assert data["limit"] == 1
    assert [r["id"] for r in data["responses"]["a"]["results"]] == ["un-sc:CFi.009"]
    assert data["responses"]["b"]["results"] == []


def test_match_threshold_sets_match_flag_only(client: TestClient) -> None:
    loose = _match(client, name=["Joseph Koni"], params={"threshold": 0.5}).json()["responses"]["q"]["results"]
    strict = _match(client, name=["Joseph Koni"], params={"threshold": 0.999}).json()["responses"]["q"]["results"]
    assert loose and strict and loose[0]["id"] == strict[0]["id"] == "un-sc:CFi.009"
    assert loose[0]["match"] is True and strict[0]["match"] is False


def test_match_datasets_authority_list_and_unknown(client: TestClient) -> None:
    assert _match(client, "un", name=["Ri Won Ho"]).json()["responses"]["q"]["results"][0]["id"] == "un-sc:KPi.033"
    assert _match(client, "un-sc", name=["Ri Won Ho"]).json()["responses"]["q"]["results"][0]["id"] == "un-sc:KPi.033"
    tr_hits = _match(client, "tr", name=["Bashar al-Assad"]).json()["responses"]["q"]["results"]
    assert tr_hits[0]["id"] == "tr-syria:TR-001"
    assert all(r["datasets"] == ["tr-syria"] for r in tr_hits)
    assert _match(client, "tr", name=["Ri Won Ho"]).json()["responses"]["q"]["results"] == []
    assert _match(client, "nowhere", name=["Ri Won Ho"]).status_code == 404


def test_match_exclusions(client: TestClient) -> None:
    excluded = _match(client, name=["Ri Won Ho"], params={"exclude_entity_ids": ["un-sc:KPi.033"]})
    assert "un-sc:KPi.033" not in [r["id"] for r in excluded.json()["responses"]["q"]["results"]]
    by_list = _match(client, name=["Ri Won Ho"], params={"exclude_dataset": ["un-sc"]})
    assert by_list.json()["responses"]["q"]["results"] == []


def test_match_refuses_bad_queries(client: TestClient) -> None:
    assert _match(client, schema="Sanction", name=["x"]).status_code == 400
    assert _match(client, schema="NoSuchSchema", name=["x"]).status_code == 400
    assert client.post("/match/default", json={"nope": 1}).status_code == 422
    assert _match(client, name=["x"], params={"threshold": 2}).status_code == 422
    assert _match(client, name=["a\x00b"]).status_code == 422


def test_search(client: TestClient) -> None:
    data = client.get("/search/default", params={"q": "Joseph Kony"}).json()
    assert set(data) >= {"results", "total", "limit", "offset", "facets"}
    assert data["results"][0]["id"] == "un-sc:CFi.009"
    by_id = client.get("/search/default", params={"q": "un-sc:KPi.033"}).json()
    assert by_id["results"][0]["id"] == "un-sc:KPi.033"
    assert client.get("/search/tr", params={"q": "Joseph Kony"}).json()["results"] == []
    assert client.get("/search/default", params={"q": ""}).json()["results"] == []
    assert client.get("/search/nowhere", params={"q": "x"}).status_code == 404


def test_entity_nested_and_flat(client: TestClient) -> None:
    nested = client.get("/entities/un-sc:KPi.033").json()
    assert nested["id"] == "un-sc:KPi.033" and nested["schema"] == "Person"
    assert nested["datasets"] == ["un-sc"]
    sanction = nested["properties"]["sanctions"][0]
    assert sanction["schema"] == "Sanction"
    assert sanction["properties"]["program"] == ["DPRK"]
    assert "asset_freeze" in sanction["properties"]["provisions"]
    passports = nested["properties"]["identification"]
    assert passports[0]["properties"]["number"] == ["381310014"]
    flat = client.get("/entities/un-sc:KPi.033", params={"nested": "false"}).json()
    assert "sanctions" not in flat["properties"]
    assert client.get("/entities/un-sc:NOPE.000").status_code == 404


def test_unlisted_party_entity(client: TestClient) -> None:
    kony = client.get("/entities/un-sc:CFi.009").json()
    mothers = [
        edge for edge in kony["properties"]["familyPerson"] if edge["properties"].get("relationship") == ["mother"]
    ]
    relative = mothers[0]["properties"]["relative"][0]
    assert relative["caption"] == "Nora Obol"
    party = client.get(f"/entities/{relative['id']}").json()
    assert party["caption"] == "Nora Obol" and party["target"] is False


def test_adjacent(client: TestClient) -> None:
    data = client.get("/entities/un-sc:CFi.009/adjacent").json()
    assert data["entity"]["id"] == "un-sc:CFi.009"
    assert data["adjacent"]["sanctions"]["total"]["value"] == 1
    assert data["adjacent"]["familyPerson"]["total"]["value"] == 2
    one = client.get("/entities/un-sc:CFi.009/adjacent/familyPerson", params={"limit": 1}).json()
    assert one["total"]["value"] == 2 and len(one["results"]) == 1
    assert client.get("/entities/un-sc:CFi.009/adjacent/nothing").json()["results"] == []
    assert client.get("/entities/nope:1/adjacent").status_code == 404


def test_history(client: TestClient) -> None:
    gone = client.get("/entities/un-sc:LYi.020/history").json()
    kinds = [e["event"] for e in gone["events"]]
    assert kinds[-1] == "delisted"
    delisted = gone["events"][-1]
    assert (delisted["after"], delisted["not_after"], delisted["date_basis"]) == ("2024-05-15", "2025-04-19", "bounded")
    ri = client.get("/entities/un-sc:KPi.033/history").json()
    assert ri["events"][0]["event"] == "designated" and ri["events"][0]["date"] == "2016-11-30"
    assert [s["date"] for s in ri["versions"][0]["snapshots"]] == ["2024-05-15", "2025-04-19"]
    assert client.get("/entities/nope:1/history").status_code == 404


def test_lists(client: TestClient) -> None:
    data = client.get("/lists").json()
    by_code = {a["code"]: a for a in data["authorities"]}
    un = by_code["un"]["lists"][0]
    assert un["id"] == "un-sc"
    assert [s["date"] for s in un["snapshots"]] == ["2024-05-15", "2025-04-19"]
    assert [s["entities"] for s in un["snapshots"]] == [875, 877]
    assert by_code["tr"]["lists"][0]["id"] == "tr-syria"


def test_catalog_and_algorithms(client: TestClient) -> None:
    names = {d["name"] for d in client.get("/catalog").json()["datasets"]}
    assert {"default", "un", "un-sc", "tr", "tr-syria"} <= names
    algorithms = client.get("/algorithms").json()
    assert algorithms["best"] == algorithms["default"] == algorithms["algorithms"][0]["name"]


def test_coverage_and_gaps_shapes(client: TestClient) -> None:
    data = client.get("/coverage", params={"authorities": "un,tr"}).json()
    assert data["authorities"] == ["un", "tr"] or set(data["authorities"]) == {"un", "tr"}
    assert data["targets"] and all(set(t["cells"]) == {"un", "tr"} for t in data["targets"])
    listed_un = [t for t in data["targets"] if t["cells"]["un"] is not None]
    assert listed_un and all(t["cells"]["un"]["measures"] for t in listed_un)
    gaps = client.get("/gaps", params={"authorities": "un,tr"}).json()
    assert set(gaps) >= {"authorities", "gaps", "unlisted_associates"}
    assert all(set(g["listed_by"]) | set(g["missing"]) == {"un", "tr"} for g in gaps["gaps"])
    assert client.get("/coverage", params={"authorities": "zz"}).status_code == 400


def test_audit_endpoint(client: TestClient, keys: dict[str, str]) -> None:
    _match(client, name=["Ri Won Ho"])
    data = client.get("/audit", headers=auth(keys["admin"]), params={"action": "screening"}).json()
    assert data["chain"]["ok"] is True
    record = data["records"][-1]
    assert record["actor"] == "anonymous"
    assert record["detail"]["queries"]["q"]["properties"]["name"] == ["Ri Won Ho"]
    assert record["detail"]["results"]["q"]["hits"][0]["id"] == "un-sc:KPi.033"
    assert record["data_version"]


def test_judgements(client: TestClient, keys: dict[str, str]) -> None:
    body = {"left_id": "un-sc:KPi.033", "right_id": "tr-syria:TR-001", "judgement": "not_same", "note": "different people"}
    made = client.post("/judgements", json=body, headers=auth(keys["analyst"]))
    assert made.status_code == 201
    assert made.json()["judgement"] == "not_same" and made.json()["author"].startswith("test analyst")
    listed = client.get("/judgements", params={"entity_id": "un-sc:KPi.033"}).json()["judgements"]
    assert [(j["left_id"], j["right_id"]) for j in listed] == [("tr-syria:TR-001", "un-sc:KPi.033")]
    missing = {**body, "right_id": "un-sc:NOPE.1"}
    assert client.post("/judgements", json=missing, headers=auth(keys["analyst"])).status_code == 404
    same = {**body, "right_id": body["left_id"]}
    assert client.post("/judgements", json=same, headers=auth(keys["analyst"])).status_code == 422
    bad = {**body, "judgement": "maybe"}
    assert client.post("/judgements", json=bad, headers=auth(keys["analyst"])).status_code == 422


def test_openapi_lists_every_endpoint(client: TestClient) -> None:
    paths = set(client.get("/openapi.json").json()["paths"])
    expected = {
        "/match/{dataset}", "/search/{dataset}", "/entities/{entity_id}", "/entities/{entity_id}/adjacent",
        "/entities/{entity_id}/history", "/healthz", "/lists", "/coverage", "/gaps", "/audit", "/judgements",
        "/decisions", "/authored/{list_id}/entries", "/authored/{list_id}/entries/{entry_id}",
    }
    assert expected <= paths


def test_consolidated_entities(store: str, tmp_path: Path) -> None:
    """After consolidation a source record's ID redirects (308) to its canonical entity, as in yente."""
    run = pytest.importorskip("smartsanctions.consolidate.run", reason="consolidation is not in this build")
    run.consolidate(open_engine(store))
    with TestClient(create_app(store, authored_dir=tmp_path)) as client:
        moved = client.get("/entities/un-sc:CFi.009", follow_redirects=False)
        assert moved.status_code == 308
        canonical_id = moved.headers["location"].rsplit("/", 1)[1]
        entity = client.get(f"/entities/{canonical_id}").json()
        assert entity["id"] == canonical_id and entity["caption"] == "JOSEPH KONY"
        assert entity["referents"] == ["un-sc:CFi.009"] and entity["datasets"] == ["un-sc"]
        assert entity["properties"]["sanctions"][0]["properties"]["entity"] == [canonical_id]
        assert client.get(f"/entities/{canonical_id}/history").json()["events"][0]["date"] == "2016-03-07"
        page = client.get(f"/ui/entity/{canonical_id}")
        assert page.status_code == 200 and "Nora Obol" in page.text
