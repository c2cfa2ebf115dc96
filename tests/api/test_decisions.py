"""Screening decisions are remembered: a hit marked false shows as cleared on re-screening."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from smartsanctions.screening.decisions import party_key
from tests.api.conftest import auth


def _screen(client: TestClient, query: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/match/default", json={"queries": {"q": query}})
    assert response.status_code == 200
    answer: dict[str, Any] = response.json()["responses"]["q"]
    return answer


def test_false_positive_clears_the_hit_for_that_party_only(client: TestClient, keys: dict[str, str]) -> None:
    query = {"schema": "Person", "properties": {"name": ["Joseph Kony"], "birthDate": ["1961"]}}
    first = _screen(client, query)
    hit = first["results"][0]
    assert hit["id"] == "un-sc:CFi.009" and hit["cleared"] is False
    body = {"party_key": first["party_key"], "entity_id": hit["id"], "decision": "false_positive", "note": "customer born 1990"}
    made = client.post("/decisions", json=body, headers=auth(keys["analyst"]))
    assert made.status_code == 201
    assert made.json()["data_version"]

    # The same party, written differently (case, spacing), is the same party.
    again = _screen(client, {"schema": "Person", "properties": {"name": ["  joseph   KONY "], "birthDate": ["1961"]}})
    cleared = again["results"][0]
    assert cleared["id"] == "un-sc:CFi.009"
    assert cleared["cleared"] is True
    assert cleared["decision"]["decision"] == "false_positive"
    assert cleared["decision"]["note"] == "customer born 1990"
    assert cleared["match"] is True  # the score's verdict stays visible; the decision is beside it

    other = _screen(client, {"schema": "Person", "properties": {"name": ["Joseph Kony"], "birthDate": ["1962"]}})
    assert other["results"][0]["cleared"] is False


def test_later_true_positive_overrides(client: TestClient, keys: dict[str, str]) -> None:
    query = {"id": "customer-42", "schema": "Person", "properties": {"name": ["Ri Won Ho"]}}
    party = _screen(client, query)["party_key"]
    assert party == "id:customer-42"
    for decision in ("false_positive", "true_positive"):
        body = {"query": query, "entity_id": "un-sc:KPi.033", "decision": decision}
        assert client.post("/decisions", json=body, headers=auth(keys["analyst"])).status_code == 201
    hit = _screen(client, query)["results"][0]
    assert hit["cleared"] is False and hit["decision"]["decision"] == "true_positive"
    listed = client.get("/decisions", params={"party": party}, headers=auth(keys["analyst"])).json()
    assert listed["decisions"]["un-sc:KPi.033"]["decision"] == "true_positive"


def test_decision_needs_party_and_known_entity(client: TestClient, keys: dict[str, str]) -> None:
    headers = auth(keys["analyst"])
    no_party = {"entity_id": "un-sc:KPi.033", "decision": "false_positive"}
    assert client.post("/decisions", json=no_party, headers=headers).status_code == 422
    unknown = {"party_key": "id:x", "entity_id": "un-sc:NOPE.1", "decision": "false_positive"}
    assert client.post("/decisions", json=unknown, headers=headers).status_code == 404
    bad = {"party_key": "id:x", "entity_id": "un-sc:KPi.033", "decision": "perhaps"}
    assert client.post("/decisions", json=bad, headers=headers).status_code == 422


def test_party_key_is_normalised() -> None:
    a = party_key({"schema": "Person", "properties": {"name": ["Ri  Won Ho"], "nationality": ["KP"]}})
    b = party_key({"schema": "Person", "properties": {"name": ["ri won ho"], "nationality": ["kp"]}})
    c = party_key({"schema": "Person", "properties": {"name": ["ri won ho"], "nationality": ["cn"]}})
    assert a == b != c
    assert party_key({"id": "  abc ", "schema": "Person", "properties": {}}) == "id:abc"
