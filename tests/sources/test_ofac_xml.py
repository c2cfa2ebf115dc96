"""OFAC XML (sdn.xml schema): the consolidated non-SDN list files, an SDN-like fixture, bad input."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import pytest

from smartsanctions.sources import ofac_xml
from smartsanctions.sources.base import FileRole, ParsedList, Record, SourceError
from tests.conftest import FIXTURES, LISTS

CONS = LISTS / "ofac_cons"
SAMPLE = FIXTURES / "ofac" / "sdn_sample.xml"

FILES = {
    "2024-05-06_inoutlists/consolidated.xml": (443, date(2024, 5, 6), 1),
    "2025-03_kebalkhadka/consolidated.xml": (443, date(2025, 3, 28), 1),
    "2025-10-22_pakote/ofac.xml": (443, date(2025, 10, 22), 0),
    "2025-12-18_pakote/ofac.xml": (442, date(2025, 12, 18), 0),
    "2026-01-08_pakote/ofac.xml": (442, date(2026, 1, 8), 0),
}


@cache
def parsed(name: str) -> ParsedList:
    (result,) = list(ofac_xml.parse(CONS / name, []))
    return result


def by_id(name: str) -> dict[str, Record]:
    return {r.id: r for r in parsed(name).records}


def programmes(record: Record) -> set[str]:
    return {p for e in record.extras if e.schema.name == "Sanction" for p in e.get("program")}


@pytest.mark.parametrize("name", sorted(FILES))
def test_consolidated_files(name: str) -> None:
    entries, published, syria = FILES[name]
    result = parsed(name)
    assert result.list_id == "us-cons"
    assert len(result.records) == entries
    assert result.published == published
    assert result.published_from == "publshInformation/Publish_Date"
    assert all(r.id.startswith("us-cons:") for r in result.records)
    assert sum(1 for r in result.records if any(p.startswith("SYRIA") for p in programmes(r))) == syria


def test_sniff() -> None:
    for name in FILES:
        path = CONS / name
        assert ofac_xml.sniff(path, path.read_bytes()[:65536]) is FileRole.PRIMARY
    for path in LISTS.rglob("*"):
        if path.is_file() and path.parent.parent.name != "ofac_cons":
            assert ofac_xml.sniff(path, path.read_bytes()[:65536]) is None, path


def test_zahhar_names_facts_and_programmes() -> None:
    record = by_id("2026-01-08_pakote/ofac.xml")["us-cons:9647"]
    target = record.target
    assert target.schema.name == "Person"
    assert target.get("name") == ["ZAHHAR, Mahmoud Khaled"]
    assert target.get("lastName") == ["ZAHHAR"]
    assert target.get("firstName") == ["Mahmoud Khaled"]
    assert target.get("alias") == ["AL ZAHAR, Mahmoud Khaled"]  # category strong
    assert set(target.get("weakAlias")) == {"ZAHAR, Mahmoud", "AL-ZAHAR, Mahmoud"}  # category weak
    assert target.get("birthDate") == ["1945"]
    assert target.get("birthPlace") == ["Gaza Strip"]
    assert target.get("nationality") == ["ps"]
    assert target.get("gender") == ["male"]
    assert programmes(record) == {"NS-PLC", "SDGT"}
    measures = {e.get("program")[0]: e.get("provisions") for e in record.extras if e.schema.name == "Sanction"}
    assert measures["SDGT"] == ["asset_freeze"]
    assert measures["NS-PLC"] == ["other"]
    assert [(m.relationship, m.name) for m in record.mentions] == [("linked to", "HAMAS")]
    assert "(Linked To: HAMAS)" in target.get("notes")


def test_gazprombank_identifiers() -> None:
    record = by_id("2026-01-08_pakote/ofac.xml")["us-cons:17016"]
    target = record.target
    assert target.schema.name == "Organization"
    assert target.get("name") == ["GAZPROMBANK JOINT STOCK COMPANY"]
    assert "GAZPROMBANK OPEN JOINT STOCK COMPANY" in target.get("previousName")  # f.k.a.
    assert target.get("taxNumber") == ["7744001497"]
    assert target.get("leiCode") == ["253400WSS48YWMBUA688"]
    idents = {(e.get("type")[0], e.get("number")[0]): e.get("country") for e in record.extras if e.schema.name == "Identification"}
    assert idents[("Registration Number", "1027700167110")] == ["ru"]
    assert "ru" in target.get("country")
    assert "Moscow" in {c for e in record.extras if e.schema.name == "Address" for c in e.get("city")}


def test_syria_entry_disappears() -> None:
    def syria_ids(name: str) -> set[str]:
        return {r.id for r in parsed(name).records if any(p.startswith("SYRIA") for p in programmes(r))}

    before = syria_ids("2025-03_kebalkhadka/consolidated.xml")
    assert len(before) == 1
    assert not syria_ids("2025-10-22_pakote/ofac.xml")


def test_sdn_like_file_is_us_sdn() -> None:
    (result,) = list(ofac_xml.parse(SAMPLE, []))
    assert result.list_id == "us-sdn"
    assert result.published == date(2021, 7, 1)
    records = {r.id: r for r in result.records}
    anna = records["us-sdn:100"]
    target = anna.target
    assert target.get("name") == ["TESTER, Anna Maria"]
    assert target.get("birthDate") == ["1962", "1955", "1956", "1957"]
    assert target.get("citizenship") == ["lb"]
    assert target.get("previousName") == ["OLDNAME, Anna"]
    assert target.get("weakAlias") == ["UMM TEST"]
    assert target.get("position") == ["Minister of Testing"]
    (passport,) = [e for e in anna.extras if e.schema.name == "Passport"]
    assert passport.get("country") == ["sy"]
    assert passport.get("endDate") == ["2016-01-31"]
    assert "Additional Sanctions Information - Subject to Secondary Sanctions" in target.get("notes")
    assert ("linked to", "TEST BANK (SYRIA) S.A.") in {(m.relationship, m.name) for m in anna.mentions}
    ship = records["us-sdn:300"].target
    assert ship.schema.name == "Vessel"
    assert ship.get("imoNumber") == ["IMO9074729"]
    assert ship.get("flag") == ["pa"]
    assert ship.get("grossRegisteredTonnage") == ["80000"]


# ---- bad input -------------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sdn.xml"
    path.write_text(text, encoding="utf-8")
    return path


def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def test_truncated_xml(tmp_path: Path) -> None:
    text = sample_text()
    path = write(tmp_path, text[: len(text) // 2])
    with pytest.raises(SourceError) as err:
        list(ofac_xml.parse(path, []))
    assert err.value.place is not None and err.value.place.startswith("line ")
    assert "malformed XML" in err.value.reason


def test_record_count_mismatch(tmp_path: Path) -> None:
    path = write(tmp_path, sample_text().replace("<Record_Count>2<", "<Record_Count>3<"))
    with pytest.raises(SourceError, match="Record_Count says 3") as err:
        list(ofac_xml.parse(path, []))
    assert err.value.place == "line 5"


def test_unknown_sdn_type(tmp_path: Path) -> None:
    path = write(tmp_path, sample_text().replace("<sdnType>Vessel<", "<sdnType>Spaceship<"))
    with pytest.raises(SourceError, match="Spaceship") as err:
        list(ofac_xml.parse(path, []))
    assert err.value.place is not None and err.value.place.startswith("line ")


def test_entry_without_uid(tmp_path: Path) -> None:
    path = write(tmp_path, sample_text().replace("<uid>300</uid>", ""))
    with pytest.raises(SourceError, match="uid"):
        list(ofac_xml.parse(path, []))


def test_uid_listed_twice_is_refused_with_both_lines(tmp_path: Path) -> None:
    path = write(tmp_path, sample_text().replace("<uid>300</uid>", "<uid>100</uid>"))
    with pytest.raises(SourceError, match=r"entry us-sdn:100 appears twice \(first at line \d+\)") as err:
        list(ofac_xml.parse(path, []))
    assert err.value.place is not None and err.value.place.startswith("line ")


def test_bad_publish_date(tmp_path: Path) -> None:
    path = write(tmp_path, sample_text().replace("07/01/2021", "2021-07-01"))
    with pytest.raises(SourceError, match="MM/DD/YYYY"):
        list(ofac_xml.parse(path, []))


def test_wrong_root(tmp_path: Path) -> None:
    path = write(tmp_path, '<?xml version="1.0"?><CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>')
    assert ofac_xml.sniff(path, path.read_bytes()) is None
    with pytest.raises(SourceError, match="not <sdnList>"):
        list(ofac_xml.parse(path, []))


def test_doctype_refused(tmp_path: Path) -> None:
    text = sample_text().replace(
        '<?xml version="1.0" standalone="yes"?>',
        '<?xml version="1.0"?>\n<!DOCTYPE sdnList [<!ENTITY x "boom">]>',
    )
    path = write(tmp_path, text)
    with pytest.raises(SourceError, match="DOCTYPE"):
        list(ofac_xml.parse(path, []))
