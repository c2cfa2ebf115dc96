"""Gap list, unlisted associates, harmonisation scenario, timeline, CSV output."""

from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy import Connection

from smartsanctions.analysis import adopt, timeline, write_associates_csv, write_coverage_csv, write_gaps_csv
from smartsanctions.analysis.export import coverage_table, gaps_table
from smartsanctions.analysis.gaps import doubtful_name
from tests.analysis.conftest import SYRIA_AUTHORITIES


def test_gap_list_is_consistent_with_the_matrix(syria_gaps: dict, syria_matrix: dict) -> None:
    by_id = {t["id"]: t for t in syria_matrix["targets"]}
    as_of = date.fromisoformat(syria_gaps["as_of"])
    assert syria_gaps["counts"]["gaps"] == len(syria_matrix["targets"]) - syria_matrix["totals"]["listed_by_all"]
    for g in syria_gaps["gaps"]:
        t = by_id[g["id"]]
        assert g["listed_by"] == [a for a in SYRIA_AUTHORITIES if t["cells"][a]]
        assert g["missing"] == [a for a in SYRIA_AUTHORITIES if not t["cells"][a]]
        if g["since"]:
            assert g["since"] == min(t["cells"][a]["since"] for a in g["listed_by"])
            assert g["lag_days"] == (as_of - date.fromisoformat(g["since"])).days


def test_eu_silence_on_recent_designations_is_flagged(syria_gaps: dict) -> None:
    recent = [g for g in syria_gaps["gaps"] if "eu" in g["missing"] and g["since"] and g["since"] > "2022-05-05"]
    assert recent
    assert all(g["missing_detail"]["eu"]["data_after_designation"] is False for g in recent)


def test_unlisted_relative_from_a_remark(syria_gaps: dict) -> None:
    found = [a for a in syria_gaps["unlisted_associates"] if a["name"] == "Ahmad Chehabi"]
    assert found, "UK's 'Son of Ahmad Chehabi' names an unlisted parent"
    entry = found[0]
    assert entry["relation"] == "parent" and entry["kind"] == "family"
    assert entry["of"]["caption"].upper() == "FARES CHEHABI"
    assert any("Son of Ahmad Chehabi" in (e.get("text") or "") for e in entry["evidence"])
    assert not entry["on_any_list"]
    counts = syria_gaps["counts"]["unlisted_associates"]
    assert counts["distinct"] == len({a["id"] for a in syria_gaps["unlisted_associates"]})
    assert counts["relatives"] >= 1


def test_doubtful_names() -> None:
    assert doubtful_name("since July 2008", "LegalEntity")
    assert doubtful_name("Box 9525", "Company")
    assert doubtful_name("Assad", "Person")
    assert doubtful_name("Bashar al‐", "Person")
    assert not doubtful_name("Ahmad Chehabi", "Person")
    assert not doubtful_name("IRGC", "Organization")


def test_adopting_uk_syria_designations_in_australia(conn: Connection, syria_matrix: dict) -> None:
    result = adopt(conn, "au", "gb", "syria")
    expected = {t["id"] for t in syria_matrix["targets"] if t["cells"]["gb"] and not t["cells"]["au"]}
    assert {a["id"] for a in result["to_add"]} == expected
    cov = result["coverage"]
    assert cov["adopter_after"] == cov["adopter_before"] + len(expected)
    assert cov["adopter_before"] == syria_matrix["totals"]["per_authority"]["au"]
    for addition in result["to_add"][:30]:
        assert addition["evidence"], addition["id"]
        assert all(e["record"].startswith("gb-ofsi:") for e in addition["evidence"])
        assert any(s.get("program") == ["Syria"] for e in addition["evidence"] for s in e["sanctions"])


def test_timeline_counts_un_delistings(conn: Connection) -> None:
    result = timeline(conn, authorities=["un"])
    assert result["series"]["un"]["delisted"].get("2025", 0) >= 1
    assert result["periods"] == sorted(result["periods"])
    syria = timeline(conn, program="syria", authorities=SYRIA_AUTHORITIES)
    assert syria["series"]["gb"]["designated"]
    assert all(row["programme"] == "Syria" for row in syria["by_programme"] if row["authority"] == "gb")


def test_csv_outputs(syria_matrix: dict, syria_gaps: dict) -> None:
    out = io.StringIO()
    assert write_coverage_csv(syria_matrix, out) == len(syria_matrix["targets"])
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == len(syria_matrix["targets"])
    first = syria_matrix["targets"][0]
    assert rows[0]["id"] == first["id"] and rows[0]["gb_since"] == (first["cells"]["gb"] or {}).get("since", "")
    out = io.StringIO()
    write_gaps_csv(syria_gaps, out)
    gaps = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(gaps) == len(syria_gaps["gaps"]) and gaps[0]["lag_days"] == str(syria_gaps["gaps"][0]["lag_days"])
    out = io.StringIO()
    write_associates_csv(syria_gaps, out)
    assert len(list(csv.DictReader(io.StringIO(out.getvalue())))) == len(syria_gaps["unlisted_associates"])


def test_terminal_tables(syria_matrix: dict, syria_gaps: dict) -> None:
    text = coverage_table(syria_matrix, limit=3)
    lines = text.splitlines()
    assert "eu: data 2022-05-05" in lines[0]
    assert syria_matrix["targets"][0]["caption"][:20] in text
    assert f"{len(syria_matrix['targets']) - 3} more" in lines[-1]
    text = gaps_table(syria_gaps, limit=3)
    assert text.splitlines()[0].startswith(f"{syria_gaps['counts']['gaps']} gaps")
    assert "unlisted associate" in text
