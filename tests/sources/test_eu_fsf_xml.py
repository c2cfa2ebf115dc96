"""EU FSF XML 1.1: hand-written, schema-valid samples (no real EU file is available here)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import xmlschema

from smartsanctions.sources.base import FileRole, ParsedList, Record, SourceError
from smartsanctions.sources.eu_fsf_xml import FORMAT
from tests.conftest import FIXTURES, LISTS

XSD = LISTS / "_schemas" / "EU_20171012-FULL-schema-1_1(xsd).xsd"
EU = FIXTURES / "eu"
V1 = EU / "eu_fsf_2024-03-01.xml"
V2 = EU / "eu_fsf_2024-06-03.xml"


def parse(path: Path) -> ParsedList:
    (result,) = list(FORMAT.parse(path, ()))
    return result


def records(path: Path) -> dict[str, Record]:
    return {r.id: r for r in parse(path).records}


def extras(record: Record, schema: str) -> list:
    return [e for e in record.extras if e.schema.name == schema]


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


@pytest.mark.parametrize("path", [V1, V2])
def test_samples_conform_to_the_official_xsd(schema: xmlschema.XMLSchema, path: Path) -> None:
    schema.validate(str(path))


def test_xsd_check_catches_a_broken_sample(schema: xmlschema.XMLSchema, tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_text(V1.read_text(encoding="utf-8").replace(' programme="SYR"', "", 1), encoding="utf-8")
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        schema.validate(str(broken))


def test_version_one() -> None:
    result = parse(V1)
    assert result.list_id == "eu-fsf"
    assert result.published == date(2024, 3, 1)
    assert result.published_from == "generationDate attribute of export"
    assert {r.id: r.target.schema.name for r in result.records} == {
        "eu-fsf:EU.9001.01": "Person",
        "eu-fsf:EU.9002.02": "Organization",
        "eu-fsf:EU.9003.03": "Person",
    }


def test_syria_person() -> None:
    record = records(V1)["eu-fsf:EU.9001.01"]
    person = record.target
    assert person.get("name") == ["Ziyad Example Qarawi"]
    assert set(person.get("alias")) == {"زياد القراوي", "Ziad Karaoui"}
    assert person.get("weakAlias") == ["Abu Example"]  # strong="false"
    assert set(person.get("firstName")) == {"Ziyad", "Ziad"}
    assert person.get("middleName") == ["Example"]
    assert person.get("title") == ["Brigadier General"]
    assert person.get("position") == ["Commander of the 99th Sample Brigade"]
    assert person.get("gender") == ["male"]
    assert person.get("nationality") == ["sy"]
    assert set(person.get("birthDate")) == {"1965-03-12", "1966"}
    assert "Date of birth: circa 1966" in person.get("notes")
    assert person.get("birthPlace") == ["Damascus, SYRIAN ARAB REPUBLIC"]
    assert person.get("birthCountry") == ["sy"]  # the "00" (unknown) birth country is not a country
    assert person.get("passportNumber") == ["N000123456"]
    (passport,) = extras(record, "Passport")
    assert passport.get("number") == ["N000123456"]
    assert passport.get("country") == ["sy"]
    assert passport.get("type") == ["National passport"]
    assert passport.get("startDate") == ["2010-01-04"]
    (address,) = extras(record, "Address")
    assert address.get("city") == ["Damascus"] and address.get("country") == ["sy"]
    (sanction,) = extras(record, "Sanction")
    assert sanction.get("authority") == ["eu"]
    assert sanction.get("program") == ["SYR"]
    assert sanction.get("listingDate") == ["2011-05-10"]
    assert sanction.get("startDate") == ["2011-05-10"]
    assert sanction.get("authorityId") == ["EU.9001.01"]
    assert sanction.get("description") == ["442/2011 (OJ L121)"]
    assert set(sanction.get("provisions")) == {"asset_freeze", "travel_ban"}
    assert sanction.get("sourceUrl")[0].startswith("https://eur-lex.europa.eu/")
    assert sanction.get("date") == ["2011-05-10", "2012-01-18"]
    assert sanction.get("modifiedAt") == ["2012-01-18"]
    (mention,) = record.mentions
    assert (mention.kind, mention.relationship, mention.name) == ("family", "brother", "Marwan Example Qarawi")


def test_enterprise_and_partial_birth_date() -> None:
    result = records(V1)
    company = result["eu-fsf:EU.9002.02"]
    org = company.target
    assert org.get("name") == ["Example Sample Trading Company LLC"]
    assert org.get("alias") == ["شركة المثال للتجارة"]
    assert org.get("email") == ["info@example.org"]
    assert org.get("phone")
    (address,) = extras(company, "Address")
    assert address.get("street") == ["Baron Street 12"]
    assert address.get("postOfficeBox") == ["PO Box 1234"]
    (ident,) = extras(company, "Identification")
    assert ident.get("number") == ["123456"]
    (sanction,) = extras(company, "Sanction")
    assert sanction.get("startDate") == ["2012-01-19"]  # entryIntoForceDate
    assert any(m.relationship == "linked to" for m in company.mentions)

    ivan = result["eu-fsf:EU.9003.03"]
    assert ivan.target.get("birthDate") == ["1970-07"]  # year + monthOfYear only
    assert "Иван Примерович Образцов" in ivan.target.get("alias")
    (sanction,) = extras(ivan, "Sanction")
    assert sanction.get("program") == ["UKR"]
    assert sanction.get("reason") == ["Head of a sample department."]


def test_version_two_removes_one_and_amends_one() -> None:
    old, new = records(V1), records(V2)
    assert parse(V2).published == date(2024, 6, 3)
    assert set(old) - set(new) == {"eu-fsf:EU.9003.03"}
    assert set(new) - set(old) == set()
    amended = new["eu-fsf:EU.9001.01"]
    assert "Ziyad al-Qarawi" in amended.target.get("alias")
    assert "Ziyad al-Qarawi" not in old["eu-fsf:EU.9001.01"].target.get("alias")
    assert set(amended.target.get("address")) == {"Damascus, SYRIAN ARAB REPUBLIC", "Beirut, LEBANON"}
    (sanction,) = extras(amended, "Sanction")
    assert sanction.get("date") == ["2011-05-10", "2012-01-18", "2024-05-27"]
    assert sanction.get("modifiedAt") == ["2024-05-27"]
    assert any(n.startswith("listingReason: ") for n in amended.target.get("notes"))
    # IDs are stable across versions; the untouched entry is identical.
    assert extras(amended, "Sanction")[0].id == extras(old["eu-fsf:EU.9001.01"], "Sanction")[0].id
    assert new["eu-fsf:EU.9002.02"].target.to_dict() == old["eu-fsf:EU.9002.02"].target.to_dict()


def test_sniff() -> None:
    assert FORMAT.sniff(V1, V1.read_bytes()) is FileRole.PRIMARY
    un = LISTS / "un" / "2026-02_watchman" / "UN_consolidated.xml"
    assert FORMAT.sniff(un, un.read_bytes()[:65536]) is None
    other = b'<?xml version="1.0"?><export generationDate="2024-01-01T00:00:00Z"/>'  # no EU namespace
    assert FORMAT.sniff(Path("x.xml"), other) is None


# ---- bad input --------------------------------------------------------------------------


def test_wrong_root_is_refused() -> None:
    un = LISTS / "un" / "2025-12-10_pakote" / "un.xml"
    with pytest.raises(SourceError) as info:
        list(FORMAT.parse(un, ()))
    assert str(un) in str(info.value)
    assert "CONSOLIDATED_LIST" in str(info.value)


def test_truncated_file_is_refused(tmp_path: Path) -> None:
    data = V1.read_bytes()
    cut = tmp_path / "eu.xml"
    cut.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(SourceError) as info:
        list(FORMAT.parse(cut, ()))
    assert str(cut) in str(info.value) and "line" in str(info.value)


def test_doctype_is_refused(tmp_path: Path) -> None:
    text = V1.read_text(encoding="utf-8")
    hostile = text.replace(
        "<export ",
        '<!DOCTYPE export [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<export ',
        1,
    ).replace('wholeName="Abu Example"', 'wholeName="&xxe;"')
    path = tmp_path / "eu.xml"
    path.write_text(hostile, encoding="utf-8")
    with pytest.raises(SourceError, match="DOCTYPE") as info:
        list(FORMAT.parse(path, ()))
    assert str(path) in str(info.value)


def test_entity_without_logical_id_is_refused(tmp_path: Path) -> None:
    text = V1.read_text(encoding="utf-8").replace(' logicalId="900102"', "", 1)
    path = tmp_path / "eu.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match="logicalId") as info:
        list(FORMAT.parse(path, ()))
    assert info.value.place is not None and info.value.place.startswith("line ")


def test_duplicate_reference_number_is_refused(tmp_path: Path) -> None:
    text = V1.read_text(encoding="utf-8").replace('euReferenceNumber="EU.9003.03"', 'euReferenceNumber="EU.9001.01"', 1)
    path = tmp_path / "eu.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match="appears twice"):
        list(FORMAT.parse(path, ()))
