"""The trade.gov Consolidated Screening List CSV (list us-csl)."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartsanctions.sources import us_csl
from smartsanctions.sources.base import FileRole, ParsedList, Record, SourceError

CSL = "us_trade_csl/2023-11_watchman/csl.csv"
HEADER = ",".join(us_csl.COLUMNS)


@pytest.fixture(scope="module")
def parsed(lists_dir: Path) -> ParsedList:
    (plist,) = us_csl.FORMAT.parse(lists_dir / CSL, [])
    return plist


def _record(plist: ParsedList, record_id: str) -> Record:
    (found,) = [r for r in plist.records if r.id == record_id]
    return found


def _programs(record: Record) -> list[str]:
    return [p for e in record.extras if e.schema.name == "Sanction" for p in e.get("program")]


def test_sniff(lists_dir: Path) -> None:
    path = lists_dir / CSL
    assert us_csl.FORMAT.sniff(path, path.read_bytes()[:65536]) is FileRole.PRIMARY
    other = lists_dir / "us_bis_dpl/2023-11_watchman/dpl.txt"
    assert us_csl.FORMAT.sniff(other, other.read_bytes()[:65536]) is None


def test_counts_and_what_was_tolerated(parsed: ParsedList) -> None:
    # 4,228 data lines: one repeated header, one truncated last record, and 7 _ids that
    # occur twice (one OFAC entry on two Treasury lists) -> 4,219 records.
    assert len(parsed.records) == 4_219
    assert len({r.id for r in parsed.records}) == 4_219
    assert parsed.published is None
    assert parsed.notes[0] == "line 2: repeated header row skipped"
    assert "line 4233" in parsed.notes[1] and "truncated" in parsed.notes[1]
    syria = [r for r in parsed.records if any("SYRIA" in p for p in _programs(r))]
    assert len(syria) == 15  # SOURCES.md: 15 rows with a SYRIA* program


def test_shared_id_on_two_lists_is_one_record(parsed: ParsedList) -> None:
    record = _record(parsed, "us-csl:17014")
    assert record.target.get("name") == ["Joint Stock Company Russian Agricultural Bank"]
    sources = {p.split(":")[0] for p in _programs(record)}
    assert sources == {
        "Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department",
        "Sectoral Sanctions Identifications List (SSI) - Treasury Department",
    }
    provisions = {p for e in record.extras if e.schema.name == "Sanction" for p in e.get("provisions")}
    assert provisions == {"sectoral"}


def test_cmic_entry(parsed: ParsedList) -> None:
    record = _record(parsed, "us-csl:30882")
    target = record.target
    assert target.schema.name == "Organization"
    assert target.get("name") == ["China Telecom Corporation Limited"]
    assert "CHINA TELECOM CO., LTD" in target.get("alias")
    assert "9111000071093019X7" in target.get("idNumber")
    assert _programs(record) == [
        "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department: CMIC-EO13959"
    ]


def test_dpl_row_dates_and_measures(parsed: ParsedList) -> None:
    record = _record(parsed, "us-csl:da595e540921251d4d8235ac6dc651568c9ce14b2816521cd54e103c")
    assert record.target.get("name") == ["ABDUL MAJID SAIDI"]
    (sanction,) = [e for e in record.extras if e.schema.name == "Sanction"]
    assert sanction.get("startDate") == ["2020-10-30"] and sanction.get("endDate") == ["2026-03-13"]
    assert sanction.get("provisions") == ["sectoral"]
    assert "85 F.R. 70581 11/5/2020" in sanction.get("description")


# ------------------------------------------------------------------------------- bad input


def _row(**values: str) -> str:
    base = dict.fromkeys(us_csl.COLUMNS, "")
    base.update(_id="1", source="Specially Designated Nationals (SDN) - Treasury Department", type="Individual",
                programs="SYRIA", name="DOE, John", dates_of_birth="1966 to 1968; circa 1970",
                ids="Passport, X123, CH; Gender, Male")
    base.update(values)
    return ",".join(f'"{v}"' for v in base.values())


def _parse(tmp_path: Path, text: str) -> ParsedList:
    path = tmp_path / "csl.csv"
    path.write_text(text, encoding="utf-8")
    (plist,) = us_csl.FORMAT.parse(path, [])
    return plist


def test_small_file_features(tmp_path: Path) -> None:
    plist = _parse(tmp_path, HEADER + "\n" + HEADER + "\n" + _row() + "\n")
    assert plist.notes == ["line 2: repeated header row skipped"]
    target = plist.records[0].target
    assert set(target.get("birthDate")) == {"1966", "1967", "1968", "1970"}
    assert target.get("passportNumber") == ["X123"] and target.get("gender") == ["male"]


def test_truncated_record_in_the_middle_is_refused(tmp_path: Path) -> None:
    short = ",".join(_row().split(",")[:8])
    with pytest.raises(SourceError, match=r"line 3: expected 29 fields, found \d+"):
        _parse(tmp_path, HEADER + "\n" + _row() + "\n" + short + "\n" + _row(_id="2") + "\n")


def test_unclosed_quote_in_the_middle_is_refused(tmp_path: Path) -> None:
    bad = _row(name='DOE, "John')
    with pytest.raises(SourceError, match=r"line 2"):
        _parse(tmp_path, HEADER + "\n" + bad + "\n" + _row(_id="2") + "\n")


def test_missing_columns(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"missing required column\(s\) \['ids'\]"):
        _parse(tmp_path, HEADER.replace(",ids", "") + "\n")


def test_unknown_type_and_empty_id(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"line 2, column type: unknown type 'Robot'"):
        _parse(tmp_path, HEADER + "\n" + _row(type="Robot") + "\n")
    with pytest.raises(SourceError, match=r"line 2: empty _id"):
        _parse(tmp_path, HEADER + "\n" + _row(_id=" ") + "\n")


def test_cp1252_file_is_decoded_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "csl.csv"
    path.write_bytes((HEADER + "\n" + _row(name="PE\xd1A, Jos\xe9") + "\n").encode("cp1252"))
    (plist,) = us_csl.FORMAT.parse(path, [])
    assert plist.records[0].target.get("name") == ["PEÑA, José"]
    assert any("cp1252" in n for n in plist.notes)
