"""The BIS Denied Persons List dpl.txt (list us-dpl)."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartsanctions.sources import bis_dpl
from smartsanctions.sources.base import FileRole, ParsedList, Record, SourceError

DPL = "us_bis_dpl/2023-11_watchman/dpl.txt"
HEADER = "\t".join(f'"{c}"' for c in bis_dpl.COLUMNS)


@pytest.fixture(scope="module")
def parsed(lists_dir: Path) -> ParsedList:
    (plist,) = bis_dpl.FORMAT.parse(lists_dir / DPL, [])
    return plist


def _by_name(plist: ParsedList, name: str) -> Record:
    (found,) = [r for r in plist.records if r.target.get("name") == [name]]
    return found


def test_sniff(lists_dir: Path) -> None:
    path = lists_dir / DPL
    assert bis_dpl.FORMAT.sniff(path, path.read_bytes()[:65536]) is FileRole.PRIMARY
    csl = lists_dir / "us_trade_csl/2023-11_watchman/csl.csv"
    assert bis_dpl.FORMAT.sniff(csl, csl.read_bytes()[:65536]) is None


def test_counts(parsed: ParsedList) -> None:
    # 665 rows (SOURCES.md); one record per distinct normalised name.
    assert len(parsed.records) == 544
    assert parsed.published is None
    assert parsed.notes == ["no publication date in the file; latest Effective_Date/Last_Update is 2023-11-28"]


def test_party_with_several_addresses_and_orders(parsed: ParsedList) -> None:
    record = _by_name(parsed, "I. ASH")
    assert record.id == f"us-dpl:{bis_dpl.dpl_local_id(' I. ASH')}"
    assert record.target.schema.name == "Person"
    assert len(record.target.get("address")) == 3
    (sanction,) = [e for e in record.extras if e.schema.name == "Sanction"]
    assert sanction.get("program") == ["DPL"]
    assert sanction.get("listingDate") == ["2002-03-04"]  # the earliest of its orders
    assert sanction.get("endDate") == ["2056-06-29"]
    assert sanction.get("provisions") == ["sectoral"]


def test_organisation_and_address_parts(parsed: ParsedList) -> None:
    record = _by_name(parsed, "GHASHIM GROUP, INC.")
    assert record.target.schema.name == "Organization"
    addresses = [e for e in record.extras if e.schema.name == "Address"]
    assert {a.get("city")[0] for a in addresses} == {"HOUSTON"}
    assert {a.get("postalCode")[0] for a in addresses} == {"77042", "77063"}


def test_id_ignores_case_spacing_and_punctuation() -> None:
    assert bis_dpl.dpl_local_id(" I. ASH") == bis_dpl.dpl_local_id("i ash")
    assert bis_dpl.dpl_local_id("I. ASH") != bis_dpl.dpl_local_id("I. ASHE")


# ------------------------------------------------------------------------------- bad input


def _row(**values: str) -> str:
    base = dict.fromkeys(bis_dpl.COLUMNS, "")
    base.update(Name="JOHN DOE", Street_Address="1 MAIN ST", City="X", Country="US", Effective_Date="01/02/2020",
                Expiration_Date="01/02/2030", Standard_Order="Y", Last_Update="2020-01-05")
    base.update(values)
    return "\t".join(f'"{v}"' for v in base.values())


def _parse(tmp_path: Path, data: bytes) -> ParsedList:
    path = tmp_path / "dpl.txt"
    path.write_bytes(data)
    (plist,) = bis_dpl.FORMAT.parse(path, [])
    return plist


def test_small_file_with_bom(tmp_path: Path) -> None:
    plist = _parse(tmp_path, ("\ufeff" + HEADER + "\n" + _row() + "\n").encode("utf-8"))
    (record,) = plist.records
    (sanction,) = [e for e in record.extras if e.schema.name == "Sanction"]
    assert sanction.get("listingDate") == ["2020-01-02"]


def test_comma_delimited_file_is_refused(tmp_path: Path) -> None:
    data = (HEADER.replace("\t", ",") + "\n").encode()
    with pytest.raises(SourceError, match="line 1 \\(header\\).*comma-delimited"):
        _parse(tmp_path, data)


def test_bad_date(tmp_path: Path) -> None:
    data = (HEADER + "\n" + _row() + "\n" + _row(Effective_Date="13/45/2020") + "\n").encode()
    with pytest.raises(SourceError, match=r"line 3, column Effective_Date: bad date '13/45/2020'"):
        _parse(tmp_path, data)


def test_missing_and_unknown_columns(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"missing required column\(s\) \['FR_Citation'\]"):
        _parse(tmp_path, (HEADER.rsplit("\t", 1)[0] + "\n").encode())
    with pytest.raises(SourceError, match=r"unknown column\(s\) \['Extra'\]"):
        _parse(tmp_path, (HEADER + '\t"Extra"\n').encode())


def test_broken_quoting(tmp_path: Path) -> None:
    data = (HEADER + "\n" + _row(Name='JOHN "X" DOE') + "\n").encode()
    with pytest.raises(SourceError, match=r"line 2: broken quoting"):
        _parse(tmp_path, data)


def test_truncated_file_is_refused(tmp_path: Path) -> None:
    data = (HEADER + "\n" + _row() + "\n" + _row()[:40]).encode()
    with pytest.raises(SourceError, match=r"line 3"):
        _parse(tmp_path, data)


def test_cp1252_decoded_with_note_and_mixed_refused(tmp_path: Path) -> None:
    plist = _parse(tmp_path, (HEADER + "\n" + _row(Name="JOS\xc9 PE\xd1A") + "\n").encode("cp1252"))
    assert plist.records[0].target.get("name") == ["JOSÉ PEÑA"]
    assert "not UTF-8: decoded as cp1252 (Windows-1252)" in plist.notes
    mixed = (HEADER + "\n" + _row(Name="JOSÉ") + "\n").encode("utf-8") + _row(Name="PE\xd1A").encode("cp1252")
    with pytest.raises(SourceError, match=r"line 3: invalid UTF-8"):
        _parse(tmp_path, mixed)
