"""UN Security Council consolidated XML: the six real versions, and bad input."""

from __future__ import annotations

from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from smartsanctions.sources.base import FileRole, ParsedList, Record, SourceError
from smartsanctions.sources.relations import resolve_relations
from smartsanctions.sources.un_xml import FORMAT, reference_mentions, split_alias
from tests.conftest import FIXTURES, LISTS

UN = LISTS / "un"
V2024_05 = UN / "2024-05-15_inoutlists" / "un_consolidated.xml"
V2025_04 = UN / "2025-04_kebalkhadka" / "UN.xml"
V2025_11 = UN / "2025-11_mkweli" / "consolidatedLegacyByPRN.xml"
V2025_12_09 = UN / "2025-12-09_pakote" / "un.xml"
V2025_12_10 = UN / "2025-12-10_pakote" / "un.xml"
V2026_02 = UN / "2026-02_watchman" / "UN_consolidated.xml"


@cache
def parsed(path: Path) -> ParsedList:
    (result,) = list(FORMAT.parse(path, ()))
    return result


def records(path: Path) -> dict[str, Record]:
    return {r.id: r for r in parsed(path).records}


def extras(record: Record, schema: str) -> list:
    return [e for e in record.extras if e.schema.name == schema]


# Counts from SOURCES.md (INDIVIDUAL / ENTITY) and the dateGenerated stated in each file.
@pytest.mark.parametrize(
    ("path", "people", "orgs", "published"),
    [
        (V2024_05, 682, 193, date(2024, 5, 15)),
        (V2025_04, 684, 193, date(2025, 4, 19)),
        (V2025_11, 727, 273, date(2025, 11, 15)),
        (V2025_12_09, 727, 273, date(2025, 12, 9)),
        (V2025_12_10, 726, 273, date(2025, 12, 10)),
        (V2026_02, 730, 273, date(2026, 2, 27)),
    ],
)
def test_counts_and_publication_date(path: Path, people: int, orgs: int, published: date) -> None:
    result = parsed(path)
    counts = Counter(r.target.schema.name for r in result.records)
    assert counts == {"Person": people, "Organization": orgs}
    assert result.list_id == "un-sc"
    assert result.published == published
    assert result.published_from and "dateGenerated" in result.published_from
    # One Sanction per record, every record ID the list's own reference number.
    for record in result.records:
        assert record.id == record.target.id
        assert record.id.startswith("un-sc:")
        assert len(extras(record, "Sanction")) == 1


def test_al_sharaa_listed_in_2025_04_and_delisted_by_2025_11() -> None:
    assert "un-sc:QDi.317" in records(V2025_04)
    assert "un-sc:QDi.336" in records(V2025_04)
    assert "un-sc:QDi.317" not in records(V2025_11)
    assert "un-sc:QDi.336" not in records(V2025_11)
    assert "un-sc:QDe.137" in records(V2025_11)


def test_al_sharaa_entry() -> None:
    record = records(V2025_04)["un-sc:QDi.317"]
    person = record.target
    assert person.schema.name == "Person"
    assert person.get("name") == ["ABU MOHAMMED AL-JAWLANI"]
    assert person.get("firstName") == ["ABU MOHAMMED"]
    assert person.get("lastName") == ["AL-JAWLANI"]
    aliases = person.get("alias")
    assert "أبو محمد الجولاني" in aliases  # NAME_ORIGINAL_SCRIPT, Arabic kept as written
    assert "ABU MOHAMED AL-JAWLANI" in aliases
    assert "Abu Mohammed al-Golani" in aliases  # from the alias note's transliterations
    assert "AMJAD MUZAFFAR HUSSEIN ALI AL-NAIMI" in aliases
    assert "ABU ASHRAF" in person.get("weakAlias")  # QUALITY Low
    assert "شيخ الفاتح" in person.get("weakAlias")
    # BETWEEN 1975 and 1979, plus 1980 stated on an alias identity.
    assert set(person.get("birthDate")) == {"1975", "1976", "1977", "1978", "1979", "1980"}
    assert person.get("nationality") == ["sy"]
    assert person.get("birthCountry") == ["sy"]
    assert any(n.startswith("Description: Dark complexion") for n in person.get("notes"))
    (sanction,) = extras(record, "Sanction")
    assert sanction.get("program") == ["Al-Qaida"]
    assert sanction.get("authority") == ["un"]
    assert sanction.get("unscId") == ["QDi.317"]
    assert sanction.get("listingDate") == ["2013-07-24"]
    assert set(sanction.get("provisions")) == {"asset_freeze", "travel_ban", "arms_embargo"}
    # LAST_DAY_UPDATED: every amendment date kept, the latest as modifiedAt.
    assert sorted(sanction.get("date")) == ["2014-06-02", "2015-12-10", "2019-05-01", "2022-11-08", "2023-11-14"]
    assert sanction.get("modifiedAt") == ["2023-11-14"]


def test_hts_entity_aliases_are_split_into_names() -> None:
    org = records(V2026_02)["un-sc:QDe.137"].target
    assert org.schema.name == "Organization"
    assert org.get("name") == ["AL-NUSRAH FRONT FOR THE PEOPLE OF THE LEVANT"]
    aliases = set(org.get("alias"))
    assert {"جبهة النصرة لأهل الشام", "Hay’at Tahrir al-Sham", "HTS", "هيئة تحرير الشام", "Jabhat al-Nusrah"} <= aliases
    # No alias keeps the packed "(...; ...)" form.
    assert not any(";" in a or "(" in a for a in aliases)


def test_record_ids_stable_across_versions() -> None:
    old = records(V2024_05)["un-sc:QDe.137"]
    new = records(V2026_02)["un-sc:QDe.137"]
    assert old.target.id == new.target.id
    assert extras(old, "Sanction")[0].id == extras(new, "Sanction")[0].id


def test_one_delisting_between_2025_12_09_and_10() -> None:
    before, after = set(records(V2025_12_09)), set(records(V2025_12_10))
    assert before - after == {"un-sc:IQi.074"}
    assert after - before == set()


def test_person_details_gender_address_documents() -> None:
    people = records(V2025_12_10)
    badege = people["un-sc:CDi.001"].target
    assert badege.get("name") == ["ERIC BADEGE"]
    assert badege.get("gender") == ["male"]
    assert badege.get("birthDate") == ["1971"]
    assert badege.get("nationality") == ["cd"]
    assert badege.get("address") == ["Rwanda"]
    (sanction,) = extras(people["un-sc:CDi.001"], "Sanction")
    assert sanction.get("program") == ["DRC"]

    camara = people["un-sc:GBi.001"]
    assert camara.target.get("birthDate") == ["1964-05-11"]
    assert camara.target.get("passportNumber") == ["AAID00437"]
    (passport,) = extras(camara, "Passport")
    assert passport.get("number") == ["AAID00437"]
    assert passport.get("country") == ["gw"]
    assert passport.get("startDate") == ["2010-02-18"]
    assert passport.get("holder") == ["un-sc:GBi.001"]

    khattab = records(V2025_04)["un-sc:QDi.336"]
    assert khattab.target.get("idNumber") == ["00351762055"]
    (ident,) = extras(khattab, "Identification")
    assert ident.get("type") == ["National identification no."]
    assert khattab.target.get("birthDate") == ["1986-04-07"]


def test_reference_numbers_become_relation_mentions() -> None:
    sharaa = records(V2025_04)["un-sc:QDi.317"]
    cited = {m.other_id: m for m in sharaa.mentions if m.other_id}
    assert cited["un-sc:QDi.006"].kind == "associate"
    assert cited["un-sc:QDi.006"].name == "Aiman Muhammed Rabi al-Zawahiri"
    assert cited["un-sc:QDe.137"].relationship == "leader"
    assert cited["un-sc:QDe.137"].name == "Al-Nusrah Front for the People of the Levant"
    # "previously listed as an alias of Al-Qaida in Iraq (AQI) (QDe.115)" is not a relation.
    assert "un-sc:QDe.115" not in cited
    # The alias note "Mother’s name: Fatma Ali Majour" is a family mention.
    assert any(m.relationship == "mother" and m.name == "Fatma Ali Majour" for m in sharaa.mentions)


def test_cited_reference_resolves_to_the_listed_entry() -> None:
    result = parsed(V2025_04)
    fresh = [Record(r.id, r.target, list(r.extras), list(r.mentions)) for r in result.records]
    resolve_relations(fresh)
    sharaa = next(r for r in fresh if r.id == "un-sc:QDi.317")
    associates = [e for e in sharaa.extras if e.schema.name == "Associate"]
    assert any(e.get("associate") == ["un-sc:QDi.006"] for e in associates)
    links = [e for e in sharaa.extras if e.schema.name == "UnknownLink"]
    assert any(e.get("object") == ["un-sc:QDe.137"] for e in links)


def test_reference_mentions_text_rules() -> None:
    found = reference_mentions(
        "Brother of Jalaluddin Haqqani (TAi.040). Leader of ISIL, listed as Al-Qaida in Iraq (QDe.115). "
        "In 2016, X (QDi.111) announced a change.",
        "TAi.999",
    )
    by_id = {m.other_id: m for m in found}
    assert by_id["un-sc:TAi.040"].kind == "family"
    assert by_id["un-sc:TAi.040"].relationship == "brother"
    assert by_id["un-sc:TAi.040"].name == "Jalaluddin Haqqani"
    assert by_id["un-sc:QDe.115"].name == "Al-Qaida in Iraq"
    assert "un-sc:QDi.111" not in by_id  # no relation word before it
    assert reference_mentions("Associated with X (TAi.999).", "TAi.999") == []  # itself


@pytest.mark.parametrize(
    ("raw", "names", "previous"),
    [
        ("Azim Adhajani; Azim Agha-Jani", ["Azim Adhajani", "Azim Agha-Jani"], False),
        ("Jin Tiesan (金铁三)", ["Jin Tiesan", "金铁三"], False),
        ("Amir Khazmat (original script: Амир Хазмат)", ["Amir Khazmat", "Амир Хазмат"], False),
        ("Encep Nurjaman (birth name)", ["Encep Nurjaman"], False),
        ("Ezatullah Haqqani (previously listed as)", ["Ezatullah Haqqani"], True),
        ("SECOND ACADEMY OF NATURAL SCIENCES (KPE.018)", ["SECOND ACADEMY OF NATURAL SCIENCES"], False),
        ("華信船務(香港)有限公司", ["華信船務(香港)有限公司"], False),
    ],
)
def test_split_alias(raw: str, names: list[str], previous: bool) -> None:
    assert split_alias(raw) == (names, previous)


def test_sniff_claims_un_files_only() -> None:
    head = V2026_02.read_bytes()[:65536]
    assert FORMAT.sniff(V2026_02, head) is FileRole.PRIMARY
    eu = FIXTURES / "eu" / "eu_fsf_2024-03-01.xml"
    assert FORMAT.sniff(eu, eu.read_bytes()) is None
    ofac = LISTS / "ofac_cons" / "2025-03_kebalkhadka" / "consolidated.xml"
    assert FORMAT.sniff(ofac, ofac.read_bytes()[:65536]) is None


# ---- bad input --------------------------------------------------------------------------


def test_truncated_file_is_refused_with_file_and_line(tmp_path: Path) -> None:
    data = V2026_02.read_bytes()
    cut = tmp_path / "UN_consolidated.xml"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError) as info:
        list(FORMAT.parse(cut, ()))
    assert str(cut) in str(info.value)
    assert info.value.place and info.value.place.startswith("line ")


@pytest.mark.parametrize("name", ["billion_laughs.xml", "external_entity.xml"])
def test_doctype_and_entities_are_refused(name: str) -> None:
    path = FIXTURES / "un" / name
    with pytest.raises(SourceError) as info:
        list(FORMAT.parse(path, ()))
    assert str(path) in str(info.value)
    assert "DOCTYPE" in str(info.value)


def test_wrong_root_element_is_refused(tmp_path: Path) -> None:
    wrong = tmp_path / "other.xml"
    wrong.write_text('<?xml version="1.0"?><sdnList><sdnEntry><uid>1</uid></sdnEntry></sdnList>')
    assert FORMAT.sniff(wrong, wrong.read_bytes()) is None
    with pytest.raises(SourceError) as info:
        list(FORMAT.parse(wrong, ()))
    assert str(wrong) in str(info.value)
    assert "<sdnList>" in str(info.value)


def test_entry_without_reference_number_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "un.xml"
    path.write_text(
        '<CONSOLIDATED_LIST dateGenerated="2025-01-01T00:00:00Z">\n<INDIVIDUALS>\n'
        "<INDIVIDUAL><FIRST_NAME>A</FIRST_NAME><REFERENCE_NUMBER>QDi.001</REFERENCE_NUMBER></INDIVIDUAL>\n"
        "<INDIVIDUAL><FIRST_NAME>B</FIRST_NAME></INDIVIDUAL>\n"
        "</INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>",
        encoding="utf-8",
    )
    with pytest.raises(SourceError) as info:
        list(FORMAT.parse(path, ()))
    assert "REFERENCE_NUMBER" in str(info.value)
    assert info.value.place is not None and "line 4" in info.value.place


def test_reference_number_listed_twice_is_refused_with_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "un.xml"
    path.write_text(
        '<CONSOLIDATED_LIST dateGenerated="2025-01-01T00:00:00Z">\n<INDIVIDUALS>\n'
        "<INDIVIDUAL><FIRST_NAME>A</FIRST_NAME><REFERENCE_NUMBER>QDi.001</REFERENCE_NUMBER></INDIVIDUAL>\n"
        "<INDIVIDUAL><FIRST_NAME>B</FIRST_NAME><REFERENCE_NUMBER>QDi.001</REFERENCE_NUMBER></INDIVIDUAL>\n"
        "</INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>",
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match=r"reference number un-sc:QDi\.001 appears twice \(first at line 3\)") as info:
        list(FORMAT.parse(path, ()))
    assert info.value.place is not None and info.value.place.startswith("line 4")


def test_entry_without_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "un.xml"
    path.write_text(
        '<CONSOLIDATED_LIST dateGenerated="2025-01-01T00:00:00Z"><INDIVIDUALS/>\n<ENTITIES>\n'
        "<ENTITY><REFERENCE_NUMBER>QDe.001</REFERENCE_NUMBER></ENTITY>\n</ENTITIES></CONSOLIDATED_LIST>",
        encoding="utf-8",
    )
    with pytest.raises(SourceError) as info:
        list(FORMAT.parse(path, ()))
    assert "QDe.001" in str(info.value) and "no name" in str(info.value)


def test_missing_section_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "un.xml"
    path.write_text('<CONSOLIDATED_LIST dateGenerated="2025-01-01T00:00:00Z"><INDIVIDUALS/></CONSOLIDATED_LIST>')
    with pytest.raises(SourceError, match="ENTITIES"):
        list(FORMAT.parse(path, ()))
