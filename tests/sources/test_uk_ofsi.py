"""UK OFSI ConList (xlsx and csv): real files, a small csv fixture, and bad input."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from smartsanctions.sources import au_dfat, uk_ofsi, xlsx
from smartsanctions.sources.base import FileRole, ParsedList, Record, SourceError
from tests.conftest import FIXTURES, LISTS

UK = LISTS / "uk_ofsi"
FILE_2023 = UK / "2023-06_imjbmkz" / "ConList.xlsx"
FILE_2025 = UK / "2025-04_mmahmed107" / "ConList.xlsx"
SAMPLE_CSV = FIXTURES / "uk" / "ConList_sample.csv"


def _parse(path: Path) -> ParsedList:
    [parsed] = list(uk_ofsi.parse(path))
    return parsed


@pytest.fixture(scope="module")
def uk_2023() -> ParsedList:
    return _parse(FILE_2023)


@pytest.fixture(scope="module")
def uk_2025() -> ParsedList:
    return _parse(FILE_2025)


def _by_id(parsed: ParsedList) -> dict[str, Record]:
    return {r.id: r for r in parsed.records}


def _sanctions(record: Record) -> list:
    return [e for e in record.extras if e.schema.name == "Sanction"]


def _syria_groups(parsed: ParsedList) -> int:
    return sum(1 for r in parsed.records if any("Syria" in s.get("program") for s in _sanctions(r)))


# ---- the real files ---------------------------------------------------------------------


def test_2023_counts_match_sources_md(uk_2023: ParsedList) -> None:
    assert uk_2023.list_id == "gb-ofsi"
    assert len(uk_2023.records) == 3993
    assert _syria_groups(uk_2023) == 375
    assert uk_2023.published is not None and uk_2023.published.isoformat() == "2023-06-05"


def test_2025_counts_match_sources_md(uk_2025: ParsedList) -> None:
    assert len(uk_2025.records) == 4688
    assert _syria_groups(uk_2025) == 360
    assert uk_2025.published is not None and uk_2025.published.isoformat() == "2025-04-14"
    schemas = {r.target.schema.name for r in uk_2025.records}
    assert schemas == {"Person", "Organization", "Vessel"}


def test_both_files_have_the_same_known_columns() -> None:
    headers = []
    for path in (FILE_2023, FILE_2025):
        rows = xlsx.iter_rows(path)
        next(rows)  # 'Last Updated'
        _, header = next(rows)
        headers.append([h for h in header if h is not None])
    assert headers[0] == headers[1]
    assert set(headers[0]) == uk_ofsi.KNOWN_COLUMNS


def test_ids_are_group_ids_and_stable_across_versions(uk_2023: ParsedList, uk_2025: ParsedList) -> None:
    ids_2023 = {r.id for r in uk_2023.records}
    ids_2025 = {r.id for r in uk_2025.records}
    assert all(i.startswith("gb-ofsi:") and i.split(":")[1].isdigit() for i in ids_2025)
    assert "gb-ofsi:12634" in ids_2023 & ids_2025


def test_asma_al_assad(uk_2025: ParsedList) -> None:
    asma = _by_id(uk_2025)["gb-ofsi:12634"]
    target = asma.target
    assert target.schema.name == "Person"
    assert target.get("name") == ["Asma AL ASAD"]
    assert "Asma Fawaz AL AKHRAS" in target.get("alias")
    assert target.get("birthDate") == ["1975-08-11"]
    assert set(target.get("nationality")) == {"sy", "gb"}
    assert target.get("gender") == ["female"]
    assert target.get("birthPlace") == ["London, United Kingdom"]
    assert target.get("passportNumber") == ["707512830"]
    [sanction] = _sanctions(asma)
    assert sanction.get("program") == ["Syria"]
    assert sanction.get("authority") == ["gb"]
    assert sanction.get("authorityId") == ["SYR0022"]
    assert sanction.get("listingDate") == ["2012-03-26"]
    assert set(sanction.get("provisions")) == {"asset_freeze", "travel_ban"}
    family = [m for m in asma.mentions if m.kind == "family"]
    assert any(m.relationship == "wife" and "Bashar" in m.name for m in family)


def test_two_regimes_give_two_sanctions_with_their_own_references(uk_2025: ParsedList) -> None:
    qods = _by_id(uk_2025)["gb-ofsi:11241"]
    refs = {s.get("program")[0]: s.get("authorityId") for s in _sanctions(qods)}
    assert refs == {"Iran (Nuclear)": ["INU0082"], "Syria": ["SYR0310"]}
    assert "سپاه قدس" in qods.target.get("alias")


def test_vessel_details_and_ofsi_id_relation(uk_2025: ParsedList) -> None:
    ship = _by_id(uk_2025)["gb-ofsi:13651"]
    assert ship.target.schema.name == "Vessel"
    assert ship.target.get("imoNumber") == ["IMO7408873"]
    assert ship.target.get("flag") == ["kp"]
    assert ship.target.get("buildDate") == ["1975"]
    assert any(m.other_id == "gb-ofsi:13635" for m in ship.mentions)


def test_un_reference_becomes_unsc_id(uk_2025: ParsedList) -> None:
    unsc = [s.get("unscId") for r in uk_2025.records for s in _sanctions(r) if s.get("unscId")]
    assert len(unsc) > 500
    assert all(len(v[0]) == 7 and v[0][2] in "ie" for v in unsc)


# ---- small helpers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("11/08/1975", "1975-08-11"), ("00/00/1964", "1964"), ("00/05/1964", "1964-05"), ("05/1964", "1964-05"),
     ("1946", "1946"), ("not a date", None), (None, None)],
)
def test_uk_date(raw: str | None, expected: str | None) -> None:
    assert uk_ofsi.uk_date(raw) == expected


def test_split_numbered() -> None:
    assert uk_ofsi.split_numbered("(1) Syria. (2) United Kingdom") == ["Syria", "United Kingdom"]
    assert uk_ofsi.split_numbered("Syria") == ["Syria"]
    assert uk_ofsi.split_numbered("  ") == []


# ---- the csv form -----------------------------------------------------------------------


def test_csv_sample() -> None:
    assert uk_ofsi.sniff(SAMPLE_CSV, SAMPLE_CSV.read_bytes()) is FileRole.PRIMARY
    parsed = _parse(SAMPLE_CSV)
    assert parsed.published is not None and parsed.published.isoformat() == "2023-06-05"
    records = _by_id(parsed)
    assert list(records) == ["gb-ofsi:12634", "gb-ofsi:11241", "gb-ofsi:13651", "gb-ofsi:7001"]
    asma = records["gb-ofsi:12634"].target
    assert asma.get("name") == ["Asma AL-ASSAD"]
    assert asma.get("weakAlias") == ["Asma ASSAD"]
    qods = records["gb-ofsi:11241"]
    refs = {s.get("program")[0]: s.get("authorityId") for s in _sanctions(qods)}
    # The small sample cannot teach that INU means Iran (Nuclear); SYR is taken by Syria.
    assert refs == {"Iran (Nuclear)": ["INU0082"], "Syria": ["SYR0310"]}
    [sanction] = _sanctions(records["gb-ofsi:7001"])
    assert sanction.get("unscId") == ["QDe.093"]
    assert records["gb-ofsi:7001"].target.get("birthDate") == ["1964"]


def test_sniff_is_specific() -> None:
    au = LISTS / "au_dfat" / "2024-12_stanux" / "regulation8_consolidated.xlsx"
    ca = LISTS / "canada_sema" / "2025-05_kebalkhadka" / "cannada.xml"
    assert uk_ofsi.sniff(FILE_2023, FILE_2023.read_bytes()[:65536]) is FileRole.PRIMARY
    assert uk_ofsi.sniff(au, au.read_bytes()[:65536]) is None
    assert uk_ofsi.sniff(ca, ca.read_bytes()[:65536]) is None
    assert au_dfat.sniff(FILE_2025, FILE_2025.read_bytes()[:65536]) is None


# ---- bad input --------------------------------------------------------------------------


def _write_workbook(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_xlsx_that_is_not_a_zip(tmp_path: Path) -> None:
    bad = tmp_path / "ConList.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    with pytest.raises(SourceError, match="not a valid zip"):
        _parse(bad)


def test_xlsx_with_missing_columns(tmp_path: Path) -> None:
    path = _write_workbook(
        tmp_path / "ConList.xlsx",
        [["Last Updated", "05/06/2023"], ["Name 6", "Name 1", "Regime"], ["SMITH", "John", "Syria"]],
    )
    with pytest.raises(SourceError) as info:
        _parse(path)
    message = str(info.value)
    assert "Group ID" in message and "Group Type" in message and "Alias Type" in message
    assert "row 2" in message


def test_xlsx_row_without_group_id_names_the_row(tmp_path: Path) -> None:
    header = sorted(uk_ofsi.REQUIRED)
    good = {"Name 6": "SMITH", "Group ID": "1", "Group Type": "Individual", "Alias Type": "Primary name",
            "Regime": "Syria"}
    bad = dict(good, **{"Group ID": None})
    path = _write_workbook(
        tmp_path / "ConList.xlsx",
        [["Last Updated", "05/06/2023"], header, [good[h] for h in header], [bad[h] for h in header]],
    )
    with pytest.raises(SourceError, match=r"row 4: row without a Group ID"):
        _parse(path)


def test_zip_bomb_shaped_xlsx_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "ConList.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            block = b"\0" * (1024 * 1024)
            for _ in range(16):  # 16 MiB of zeros packs into ~16 KiB
                member.write(block)
    assert bomb.stat().st_size < 100_000
    with pytest.raises(SourceError, match="zip bomb"):
        _parse(bomb)


def test_declared_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write_workbook(tmp_path / "ConList.xlsx", [["Name 6"]])
    monkeypatch.setattr(xlsx, "MAX_UNCOMPRESSED", 1000)
    with pytest.raises(SourceError, match="uncompressed bytes"):
        xlsx.check_archive(path)


def test_xlsx_part_with_doctype_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ConList.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet>&a;</worksheet>',
        )
    with pytest.raises(SourceError, match="DOCTYPE"):
        _parse(path)


def test_csv_with_broken_quoting(tmp_path: Path) -> None:
    lines = SAMPLE_CSV.read_text("utf-8").splitlines()
    broken = tmp_path / "ConList.csv"
    # An opening quote that is never closed swallows the rest of the file.
    broken.write_text("\n".join([*lines[:3], 'SMITH,"John' + "," * 34 + "1", *lines[3:]]) + "\n", "utf-8")
    with pytest.raises(SourceError) as info:
        _parse(broken)
    assert "line 4" in str(info.value)


def test_csv_with_unknown_group_type(tmp_path: Path) -> None:
    lines = SAMPLE_CSV.read_text("utf-8").splitlines()
    path = tmp_path / "ConList.csv"
    path.write_text("\n".join([*lines[:3], lines[3].replace(",Individual,", ",Aircraft,", 1)]) + "\n", "utf-8")
    with pytest.raises(SourceError, match=r"line 4: unknown Group Type 'Aircraft'"):
        _parse(path)


def test_bad_last_updated_date(tmp_path: Path) -> None:
    lines = SAMPLE_CSV.read_text("utf-8").splitlines()
    path = tmp_path / "ConList.csv"
    path.write_text("\n".join(["Last Updated,31/02/2023", *lines[1:]]) + "\n", "utf-8")
    with pytest.raises(SourceError, match="line 1"):
        _parse(path)


@pytest.mark.parametrize(
    ("raw", "code"),
    [("Syria", "sy"), ("Congo (Democratic Republic)", "cd"), ("Ukrainian SSR (now Ukraine)", "ua"),
     ("Former USSR Currently Belarus", "by"), ("tunisian", "tn"), ("Atlantis", None)],
)
def test_read_country(raw: str, code: str | None) -> None:
    assert uk_ofsi.read_country(raw) == code
