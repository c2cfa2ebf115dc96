"""Coverage matrix: shape, as-of answers from the legal history, filters."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Connection

from smartsanctions.analysis import coverage_matrix, pillar_coverage
from tests.analysis.conftest import SYRIA_AUTHORITIES, target_with


def test_contract_shape(syria_matrix: dict) -> None:
    assert syria_matrix["authorities"] == SYRIA_AUTHORITIES
    date.fromisoformat(syria_matrix["as_of"])
    for t in syria_matrix["targets"][:50]:
        assert {"id", "caption", "schema", "pillars", "cells"} <= set(t)
        assert set(t["cells"]) == set(SYRIA_AUTHORITIES)
        for cell in t["cells"].values():
            if cell is not None:
                assert {"measures", "since", "programmes"} <= set(cell)
                date.fromisoformat(cell["since"])


def test_each_authority_says_what_snapshot_it_rests_on(syria_matrix: dict) -> None:
    data = syria_matrix["data_as_of"]
    assert data["eu"]["date"] == "2022-05-05"  # the EU is only in the 2022 multi-list CSV
    assert data["gb"]["lists"]["gb-ofsi"] == "2025-04-14"
    assert data["au"]["date"] == "2024-12-01"
    assert data["us"]["lists"]["us-sdn"] == "2023-01-01"


def test_totals_add_up(syria_matrix: dict) -> None:
    totals = syria_matrix["totals"]
    assert totals["targets"] == len(syria_matrix["targets"])
    assert sum(totals["by_number_of_authorities"].values()) == totals["targets"]
    for a in SYRIA_AUTHORITIES:
        assert totals["per_authority"][a] == sum(1 for t in syria_matrix["targets"] if t["cells"][a])
        assert totals["overlap"][a][a] == totals["per_authority"][a]
    assert totals["per_authority"]["gb"] > 300 and totals["per_authority"]["us"] > 600


def test_bashar_is_listed_by_all_five(syria_matrix: dict) -> None:
    bashar = target_with(syria_matrix, "gb-ofsi:11928")
    assert bashar["listed_by"] == SYRIA_AUTHORITIES
    assert bashar["cells"]["gb"]["measures"] == ["asset_freeze", "travel_ban"]
    assert bashar["cells"]["eu"]["programmes"] == ["SYR"]


def _un_cell(conn: Connection, as_of: str) -> tuple[dict | None, dict]:
    result = coverage_matrix(conn, authorities=["un"], as_of=as_of)
    for t in result["targets"]:
        if "un-sc:QDi.317" in t["cells"]["un"]["records"]:
            return t["cells"]["un"], result
    return None, result


def test_qdi_317_before_and_after_its_delisting(conn: Connection) -> None:
    before, result = _un_cell(conn, "2025-04-30")
    assert before is not None
    assert result["data_as_of"]["un"]["date"] == "2025-04-19"
    assert before["programmes"] == ["Al-Qaida"]
    after, result = _un_cell(conn, "2025-11-30")
    assert after is None
    assert result["data_as_of"]["un"]["date"] == "2025-11-15"


def test_as_of_before_any_snapshot_lists_nothing(conn: Connection) -> None:
    result = coverage_matrix(conn, authorities=["un"], as_of=date(2000, 1, 1))
    assert result["targets"] == []
    assert result["data_as_of"]["un"]["date"] is None


def test_pillar_and_schema_filters(conn: Connection, syria_matrix: dict) -> None:
    family = coverage_matrix(conn, program="syria", authorities=SYRIA_AUTHORITIES, pillar="family")
    assert family["targets"] and all("family" in t["pillars"] for t in family["targets"])
    assert len(family["targets"]) < len(syria_matrix["targets"])
    people = coverage_matrix(conn, program="syria", authorities=SYRIA_AUTHORITIES, schema="Person")
    assert people["targets"] and all(t["schema"] == "Person" for t in people["targets"])
    with pytest.raises(ValueError):
        coverage_matrix(conn, pillar="church")
    with pytest.raises(ValueError):
        coverage_matrix(conn, authorities=["xx"])


def test_programme_filter_reports_listings_under_other_programmes(syria_matrix: dict) -> None:
    elsewhere = [t for t in syria_matrix["targets"] if t["also_listed_under"]]
    assert elsewhere
    t = elsewhere[0]
    for a, programmes in t["also_listed_under"].items():
        assert t["cells"][a] is None and programmes


def test_pillar_coverage_shares(conn: Connection) -> None:
    result = pillar_coverage(conn, program="syria", authorities=SYRIA_AUTHORITIES)
    for info in result["pillars"].values():
        for a in SYRIA_AUTHORITIES:
            cov = info["by_authority"][a]
            assert cov["covered"] <= info["known"]
            if info["known"]:
                assert cov["share"] == round(cov["covered"] / info["known"], 4)
    assert result["pillars"]["government"]["known"] > 50
