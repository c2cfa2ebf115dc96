"""Canada SEMA XML: the real file, helpers, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from smartsanctions.sources import ca_sema
from smartsanctions.sources.base import FileRole, ParsedList, Record, SourceError
from tests.conftest import LISTS

FILE = LISTS / "canada_sema" / "2025-05_kebalkhadka" / "cannada.xml"


@pytest.fixture(scope="module")
def parsed() -> ParsedList:
    [result] = list(ca_sema.parse(FILE))
    return result


@pytest.fixture(scope="module")
def records(parsed: ParsedList) -> dict[str, Record]:
    return {r.id: r for r in parsed.records}


def _sanction(record: Record):  # type: ignore[no-untyped-def]
    [sanction] = [e for e in record.extras if e.schema.name == "Sanction"]
    return sanction


def test_counts(parsed: ParsedList, records: dict[str, Record]) -> None:
    assert parsed.list_id == "ca-sema"
    assert parsed.published is None
    assert len(parsed.records) == 4759
    assert len(records) == 4759  # the Country/Schedule/Item IDs are unique
    syria = [r for r in parsed.records if _sanction(r).get("program") == ["Syria"]]
    assert len(syria) == 281
    assert all(r.id.startswith("ca-sema:syria_") for r in syria)


def test_person(records: dict[str, Record]) -> None:
    record = records["ca-sema:syria_part-2_60"]
    target = record.target
    assert target.schema.name == "Person"
    assert target.get("name") == ["Jumah Al-Ahmad"]
    assert target.get("title") == ["Major General/major-général"]
    sanction = _sanction(record)
    assert sanction.get("authority") == ["ca"]
    assert sanction.get("listingDate") == ["2011-12-23"]
    assert set(sanction.get("provisions")) == {"asset_freeze", "travel_ban"}


def test_lukashenko(records: dict[str, Record]) -> None:
    target = records["ca-sema:belarus_1-part-1_8"].target
    assert target.get("name") == ["Aleksandr Grigoryevich Lukashenko"]
    assert target.get("birthDate") == ["1954-08-30"]
    assert _sanction(records["ca-sema:belarus_1-part-1_8"]).get("program") == ["Belarus"]


def test_vessel(records: dict[str, Record]) -> None:
    ship = records["ca-sema:russia_1.1_1"].target
    assert ship.schema.name == "Vessel"
    assert ship.get("imoNumber") == ["IMO7612448"]
    assert ship.get("buildDate") == ["1980"]
    assert ship.get("type") == ["General Cargo / Multi Purpose"]


def test_regulation_without_schedule(records: dict[str, Record]) -> None:
    record = records["ca-sema:jvcfor_54"]
    assert record.target.get("birthDate") == ["1972-08-10", "1972-08-11"]
    assert _sanction(record).get("program") == ["Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR)"]


def test_helpers() -> None:
    assert ca_sema.regulation("Syria / Syrie") == ("Syria", "syria")
    assert ca_sema.regulation("Myanmar (Burma) / Myanmar (Birmanie)")[1] == "myanmar"
    assert ca_sema.schedule_slug("1,Part 3") == ca_sema.schedule_slug("1, Part 3") == "1-part-3"
    assert ca_sema.birth_dates("1963-1964") == (["1963", "1964"], True)
    assert ca_sema.birth_dates("born in the early 1970s") == ([], False)
    assert ca_sema.split_aliases("Ruslan MASHADZEOU, Belarusian: Руслан МАШАДЗЕЎ; Russian: Руслан МАШАДИЕВ", True) == [
        "Ruslan MASHADZEOU", "Руслан МАШАДЗЕЎ", "Руслан МАШАДИЕВ",
    ]
    assert ca_sema.split_aliases("Конкорд Менеджмент и консалтинг, ООО", False) == ["Конкорд Менеджмент и консалтинг, ООО"]
    assert ca_sema.split_aliases("Hanna Liavusik or Anna Leusik", True) == ["Hanna Liavusik", "Anna Leusik"]
    assert ca_sema.split_aliases("Александр Карниенко or Карниенка", True) == ["Александр Карниенко or Карниенка"]


def test_sniff() -> None:
    assert ca_sema.sniff(FILE, FILE.read_bytes()[:65536]) is FileRole.PRIMARY
    un = LISTS / "un" / "2025-04_kebalkhadka" / "UN.xml"
    assert ca_sema.sniff(un, un.read_bytes()[:65536]) is None


# ---- bad input --------------------------------------------------------------------------

RECORD = (
    "<record><Country>Syria / Syrie</Country><LastName>Doe</LastName><GivenName>Jane</GivenName>"
    "<Schedule>Part 1</Schedule><Item>{item}</Item><DateOfListing>2011-05-24</DateOfListing></record>"
)


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "sema-lmes.xml"
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<data-set>\n{body}\n</data-set>\n', "utf-8")
    return path


def _parse(path: Path) -> ParsedList:
    [result] = list(ca_sema.parse(path))
    return result


def test_truncated_xml(tmp_path: Path) -> None:
    text = FILE.read_text("utf-8")
    path = tmp_path / "sema-lmes.xml"
    path.write_text(text[: len(text) // 2], "utf-8")
    with pytest.raises(SourceError, match=r"line \d+: malformed XML"):
        _parse(path)


def test_duplicate_identifier(tmp_path: Path) -> None:
    path = _write(tmp_path, RECORD.format(item=1) + "\n" + RECORD.format(item=1))
    with pytest.raises(SourceError, match=r"line 4: record id \(from Country/Schedule/Item\) ca-sema:syria_part-1_1 appears twice \(first at line 3\)"):
        _parse(path)


def test_record_without_item(tmp_path: Path) -> None:
    path = _write(tmp_path, RECORD.format(item=1) + "\n" + RECORD.replace("<Item>{item}</Item>", ""))
    with pytest.raises(SourceError, match="line 4, <record>: record without Item"):
        _parse(path)


def test_wrong_root(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text("<sdnList><record/></sdnList>", "utf-8")
    with pytest.raises(SourceError, match="not a Canada SEMA list"):
        _parse(path)


def test_doctype_refused(tmp_path: Path) -> None:
    path = tmp_path / "sema-lmes.xml"
    path.write_text('<!DOCTYPE data-set [<!ENTITY x "y">]><data-set>&x;</data-set>', "utf-8")
    with pytest.raises(SourceError, match="DOCTYPE"):
        _parse(path)


def test_bad_listing_date(tmp_path: Path) -> None:
    path = _write(tmp_path, RECORD.format(item=1).replace("2011-05-24", "24/05/2011"))
    with pytest.raises(SourceError, match="DateOfListing '24/05/2011'"):
        _parse(path)
