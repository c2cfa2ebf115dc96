"""The published yente client (``yente-client`` on PyPI), unchanged, against a live server."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from tests.api.helpers import live_server

yente_client = pytest.importorskip("yente_client", reason="yente-client is in the dev extra")


def test_yente_client_end_to_end(app: FastAPI) -> None:
    from yente_client import Client
    from yente_client.entities import Person

    with live_server(app) as base_url, Client(base_url=base_url, app_name="smartsanctions-test") as client:
        assert client.healthz().status == "ok"

        found = client.match(Person(name="Ri Won Ho", birthDate="1964-07-17"))
        assert found.top is not None
        assert found.top.id == "un-sc:KPi.033"
        assert found.top.match is True
        assert found.top.explanations["birth_date"].score > 0
        assert found.total.value == len(found.results)

        only_tr = client.match(Person(name="Bashar al-Assad"), datasets=["tr"], threshold=0.7, limit=3)
        assert only_tr.results and all(r.datasets == ["tr-syria"] for r in only_tr.results)

        searched = client.search("Joseph Kony")
        assert searched.results[0].id == "un-sc:CFi.009"

        entity = client.fetch("un-sc:KPi.033")
        assert entity.caption == "RI WON HO"
        sanctions = entity.properties["sanctions"]
        assert sanctions and not isinstance(sanctions[0], str) and sanctions[0].schema_ == "Sanction"

        adjacent = client.adjacent("un-sc:CFi.009")
        assert adjacent.adjacent["familyPerson"].total.value == 2
        family = client.adjacent("un-sc:CFi.009", prop="familyPerson")
        assert family.total.value == 2

        datasets = {d.name for d in client.datasets().datasets}
        assert {"default", "un-sc", "tr"} <= datasets
        assert client.algorithms().best

        from yente_client.exceptions import NotFoundError

        with pytest.raises(NotFoundError):
            client.fetch("un-sc:NOPE.0")
