"""The Syria matrix against the raw files, read here with plain csv/openpyxl/lxml code
(independently of smartsanctions.sources and the pipeline)."""

from __future__ import annotations

import csv
import re
from datetime import datetime
from typing import Any

import openpyxl
from lxml import etree

from tests.analysis.conftest import LISTS_DIR, records_of, target_with

UK_XLSX = LISTS_DIR / "uk_ofsi" / "2025-04_mmahmed107" / "ConList.xlsx"
AU_XLSX = LISTS_DIR / "au_dfat" / "2024-12_stanux" / "regulation8_consolidated.xlsx"
CA_XML = LISTS_DIR / "canada_sema" / "2025-05_kebalkhadka" / "cannada.xml"
MULTI_CSV = LISTS_DIR / "multi_combined" / "2022-05-05_fca_sanctiontoolkit" / "combined_sanction_lists_20220505_main.csv"
SDN_2023 = LISTS_DIR / "ofac_sdn" / "2023-01_sancbook_MODIFIED_FORMAT" / "sdn.csv"


def _uk_syria() -> dict[str, dict[str, Any]]:
    """Group ID -> surname, first name, 'Listed On' (ISO) for rows under regime Syria."""
    sheet = openpyxl.load_workbook(UK_XLSX, read_only=True).active
    rows = sheet.iter_rows(values_only=True)
    header: list[Any] = []
    for row in rows:
        if row and row[0] == "Name 6":
            header = list(row)
            break
    col = {name: i for i, name in enumerate(header)}
    out: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row[col["Regime"]] != "Syria":
            continue
        listed = datetime.strptime(row[col["Listed On"]], "%d/%m/%Y").date().isoformat()
        out.setdefault(str(row[col["Group ID"]]), {"surname": row[col["Name 6"]], "first": row[col["Name 1"]], "listed": listed})
    return out


def _au_syria() -> dict[str, dict[str, Any]]:
    """Reference -> name and the first designation date in 'Listing Information'."""
    sheet = openpyxl.load_workbook(AU_XLSX, read_only=True).active
    out = {}
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if row[3] == "Primary Name" and row[10] == "Autonomous (Syria)":
            m = re.search(r"on (\d{1,2} \w+ \d{4})", row[9] or "")
            when = datetime.strptime(m.group(1), "%d %B %Y").date().isoformat() if m else None
            out[str(row[0])] = {"name": row[1], "designated": when}
    return out


def _ca_syria() -> list[dict[str, str]]:
    tree = etree.parse(str(CA_XML))
    found = []
    for record in tree.iter("record"):
        fields = {child.tag: (child.text or "").strip() for child in record}
        if fields.get("Country", "").startswith("Syria"):
            found.append(fields)
    return found


def _eu_syria() -> dict[str, dict[str, str]]:
    out = {}
    with open(MULTI_CSV, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["sanction_list"] == "EU" and row["regime"] == "SYR":
                out.setdefault(row["list_internal_id"], {"name": row["full_name"], "added": row["date_added"]})
    return out


def _sdn_syria() -> dict[str, str]:
    """ent_num -> name for 2023 SDN rows whose programme column names a Syria programme."""
    out = {}
    with open(SDN_2023, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            programmes = re.split(r"\] \[", row["Country"])
            if any(p.strip() in ("SYRIA", "SYRIA-EO13894", "SYRIA-CAESAR", "HRIT-SY", "FSE-SY") for p in programmes):
                out[row["ID"]] = row["Name"]
    return out


def test_per_authority_records_match_the_raw_files(syria_matrix: dict) -> None:
    uk, au, eu = _uk_syria(), _au_syria(), _eu_syria()
    ca = _ca_syria()
    assert len(uk) == 360 and len(au) == 145 and len(ca) == 281  # SOURCES.md
    assert records_of(syria_matrix, "gb") == {f"gb-ofsi:{g}" for g in uk}
    assert {r for r in records_of(syria_matrix, "au")} == {f"au-dfat:{ref}" for ref in au}
    assert len(records_of(syria_matrix, "ca")) == len(ca)
    assert records_of(syria_matrix, "eu") == {f"eu-fsf:{i}" for i in eu}
    sdn = _sdn_syria()
    assert {r for r in records_of(syria_matrix, "us") if r.startswith("us-sdn:")} == {f"us-sdn:{i}" for i in sdn}
    totals = syria_matrix["totals"]["per_authority"]
    # A target counts once however many records of one authority it merges.
    assert totals["gb"] <= len(uk) and totals["au"] <= len(au) and totals["eu"] <= len(eu)
    assert totals["gb"] >= len(uk) - 5


def test_rami_makhlouf_cells_match_the_raw_files(syria_matrix: dict) -> None:
    uk = {g: v for g, v in _uk_syria().items() if v["surname"] == "MAKHLOUF" and v["first"] == "Rami"}
    assert list(uk) == ["11913"]
    au = {r: v for r, v in _au_syria().items() if v["name"] == "Rami MAKHLOUF"}
    assert list(au) == ["2263"]
    ca = [r for r in _ca_syria() if r.get("GivenName") == "Rami" and "Makhl" in r.get("LastName", "")]
    assert len(ca) == 1
    eu = {i: v for i, v in _eu_syria().items() if "MAKHLOUF" in v["name"].upper() and "RAMI" in v["name"].upper()}
    assert list(eu) == ["EU.3320.91"]
    sdn = [i for i, name in _sdn_syria().items() if name == "MAKHLUF, Rami"]
    assert sdn == ["10725"]

    target = target_with(syria_matrix, "gb-ofsi:11913")
    cells = target["cells"]
    assert set(target["listed_by"]) == {"us", "eu", "gb", "ca", "au"}
    assert cells["gb"]["since"] == uk["11913"]["listed"]
    assert cells["gb"]["programmes"] == ["Syria"]
    assert "au-dfat:2263" in cells["au"]["records"]
    assert cells["au"]["since"] == au["2263"]["designated"] == "2012-03-02"
    assert cells["ca"]["since"] == ca[0]["DateOfListing"]
    assert "eu-fsf:EU.3320.91" in cells["eu"]["records"]
    assert cells["eu"]["since"] == eu["EU.3320.91"]["added"]
    assert "us-sdn:10725" in cells["us"]["records"]
    assert "asset_freeze" in cells["us"]["measures"]


def test_a_sample_of_uk_cells_carry_the_listed_on_date(syria_matrix: dict) -> None:
    uk = _uk_syria()
    sample = sorted(uk)[::36]  # every 36th Group ID: 10 records across the list
    assert len(sample) >= 10
    for group in sample:
        target = target_with(syria_matrix, f"gb-ofsi:{group}")
        assert target["cells"]["gb"]["since"] <= uk[group]["listed"], group
        assert target["cells"]["gb"]["programmes"] == ["Syria"], group
