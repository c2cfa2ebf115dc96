"""OFAC legacy CSV (sdn.csv / cons_prim.csv + companions), on the real files and small fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from smartsanctions.sources import ofac_csv, ofac_xml, registry
from smartsanctions.sources.base import FileRole, ParsedList, Record, SourceError
from smartsanctions.sources.ofac_remarks import parse_dob
from tests.conftest import FIXTURES, LISTS

SDN = LISTS / "ofac_sdn"
CONS = LISTS / "ofac_cons"
SAMPLE = FIXTURES / "ofac" / "sdn_sample"


def parse_folder(folder: Path, primary: str = "sdn.csv") -> ParsedList:
    companions = [p for p in sorted(folder.iterdir()) if p.name != primary]
    (parsed,) = list(ofac_csv.parse(folder / primary, companions))
    return parsed


@cache
def _real(folder: str, primary: str) -> ParsedList:
    return parse_folder(LISTS / folder, primary)


def real_list(folder: str, primary: str = "sdn.csv") -> ParsedList:
    return _real(folder, primary)


def real(folder: str, primary: str = "sdn.csv") -> dict[str, Record]:
    return {record.id: record for record in _real(folder, primary).records}


def sanctions(record: Record) -> list:
    return [e for e in record.extras if e.schema.name == "Sanction"]


def programmes(record: Record) -> set[str]:
    return {p for s in sanctions(record) for p in s.get("program")}


def syria_count(records: dict[str, Record]) -> int:
    return sum(1 for r in records.values() if any(p.startswith("SYRIA") for p in programmes(r)))


@pytest.fixture
def ofac_only_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The registry with only the OFAC formats, so the test does not depend on other modules."""
    monkeypatch.setattr(registry, "FORMAT_MODULES", ("ofac_csv", "ofac_xml"))
    registry.formats.cache_clear()
    yield
    registry.formats.cache_clear()


# ---- counts against SOURCES.md ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "primary", "entries", "syria"),
    [
        ("ofac_sdn/2019-01_watchman", "sdn.csv", 7379, 552),
        ("ofac_sdn/2021-07_watchman", "sdn.csv", 8976, 670),
        ("ofac_sdn/2023-01_sancbook_MODIFIED_FORMAT", "sdn.csv", 11443, 689),
        ("ofac_cons/2025-12_watchman", "cons_prim.csv", 442, 0),
    ],
)
def test_counts_match_sources_md(folder: str, primary: str, entries: int, syria: int) -> None:
    records = real(folder, primary)
    assert len(records) == entries
    assert syria_count(records) == syria


def test_list_ids_files_and_no_publication_date() -> None:
    sdn = real_list("ofac_sdn/2021-07_watchman")
    assert sdn.list_id == "us-sdn"
    assert sdn.published is None
    assert {p.name for p in sdn.files} == {"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"}
    cons = real_list("ofac_cons/2025-12_watchman", "cons_prim.csv")
    assert cons.list_id == "us-cons"
    assert all(r.id.startswith("us-cons:") for r in cons.records)
    assert {p.name for p in cons.files} == {"cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"}


def test_schemas_2021() -> None:
    records = real("ofac_sdn/2021-07_watchman")
    schemas = [r.target.schema.name for r in records.values()]
    # type column: 4620 individual, 3673 -0-, 406 vessel, 277 aircraft
    assert schemas.count("Person") == 4620
    assert schemas.count("Organization") == 3673
    assert schemas.count("Vessel") == 406
    assert schemas.count("Airplane") == 277


# ---- known entries ---------------------------------------------------------------------------


def test_bashar_al_assad_2021() -> None:
    record = real("ofac_sdn/2021-07_watchman")["us-sdn:12735"]
    target = record.target
    assert target.schema.name == "Person"
    assert target.get("name") == ["AL-ASSAD, Bashar"]
    assert target.get("lastName") == ["AL-ASSAD"]
    assert target.get("firstName") == ["Bashar"]
    assert target.get("birthDate") == ["1965-09-11"]
    assert target.get("birthPlace") == ["Damascus, Syria"]
    assert target.get("nationality") == ["sy"]
    assert target.get("gender") == ["male"]
    assert "President of the Syrian Arab Republic" in target.get("position")
    assert set(target.get("alias")) == {"AL-ASAD, Bashar", "ASSAD, Bashar", "AL ASSAD, Bashar Hafez"}
    assert programmes(record) == {"SYRIA", "SYRIA-EO13894"}
    for sanction in sanctions(record):
        assert sanction.get("authority") == ["us"]
        assert "asset_freeze" in sanction.get("provisions")
        assert sanction.get("entity") == ["us-sdn:12735"]
    assert any("DOB 11 Sep 1965" in note for note in target.get("notes"))
    assert "Damascus, Syria" in target.get("address")


def test_bashar_al_assad_2019_has_one_programme() -> None:
    record = real("ofac_sdn/2019-01_watchman")["us-sdn:12735"]
    assert programmes(record) == {"SYRIA"}
    assert record.target.get("birthDate") == ["1965-09-11"]


def test_modified_2023_export_gives_the_same_record() -> None:
    record = real("ofac_sdn/2023-01_sancbook_MODIFIED_FORMAT")["us-sdn:12735"]
    assert record.target.get("name") == ["AL-ASSAD, Bashar"]
    assert record.target.get("birthDate") == ["1965-09-11"]
    assert programmes(record) == {"SYRIA", "SYRIA-EO13894"}
    # addresses come from sdn_address.csv (the renamed add.csv)
    assert "Damascus, Syria" in record.target.get("address")


def test_linked_to_mention() -> None:
    record = real("ofac_sdn/2021-07_watchman")["us-sdn:29279"]  # AL-ASSAD, Hafez
    assert record.target.get("birthDate") == ["2001-12-04"]
    assert [(m.relationship, m.name) for m in record.mentions] == [("linked to", "AL-ASSAD, Bashar")]
    # the name is Bashar al-Assad's own entry name, so the parser settles it
    assert record.mentions[0].other_id == "us-sdn:12735"


def test_linked_to_prefers_a_primary_name_over_an_alias() -> None:
    records = real("ofac_sdn/2021-07_watchman")
    # "NATIONAL IRANIAN TANKER COMPANY" is 15117's name and an alias of 15119
    others = {
        m.other_id for r in records.values() for m in r.mentions if m.name == "NATIONAL IRANIAN TANKER COMPANY"
    }
    assert others == {"us-sdn:15117"}


def test_comments_continue_the_remarks() -> None:
    record = real("ofac_sdn/2021-07_watchman")["us-sdn:12300"]
    (notes,) = record.target.get("notes")
    # sdn.csv stops at "PROMO RAI", sdn_comments.csv goes on with "Z S.A.S.; Linked To: RED MUNDIAL ..."
    assert "Linked To: PROMO RAIZ S.A.S.; Linked To: RED MUNDIAL INMOBILIARIA" in notes
    names = {m.name for m in record.mentions}
    assert {"PROMO RAIZ S.A.S.", "RED MUNDIAL INMOBILIARIA, S.A. DE C.V."} <= names


def test_identity_documents() -> None:
    records = real("ofac_sdn/2021-07_watchman")
    nasrallah = records["us-sdn:2686"]
    assert set(nasrallah.target.get("birthDate")) == {"1960-08-31", "1953-08-31", "1955-08-31", "1958-08-31"}
    (passport,) = [e for e in nasrallah.extras if e.schema.name == "Passport"]
    assert passport.get("number") == ["042833"]
    assert passport.get("country") == ["lb"]
    soleimani = records["us-sdn:10481"]
    (diplomatic,) = [e for e in soleimani.extras if e.schema.name == "Passport"]
    assert diplomatic.get("type") == ["Diplomatic Passport"]
    assert diplomatic.get("startDate") == ["1999"]
    khayrbik = records["us-sdn:10570"]
    assert khayrbik.target.get("passportNumber") == ["D000000483"]


def test_vessel_and_aircraft() -> None:
    records = real("ofac_sdn/2021-07_watchman")
    finikia = records["us-sdn:18213"]
    assert finikia.target.schema.name == "Vessel"
    assert finikia.target.get("imoNumber") == ["IMO9385233"]
    sand_swan = records["us-sdn:4243"]
    assert sand_swan.target.get("callSign") == ["P3QG3"]
    assert sand_swan.target.get("flag") == ["cy"]
    assert sand_swan.target.get("previousName") == ["ANA I"]
    (owner,) = [e for e in sand_swan.extras if e.id in sand_swan.target.get("owner")]
    assert owner.get("name") == ["Sand & Swan Navigation Co. Ltd."]
    plane = records["us-sdn:15431"]
    assert plane.target.schema.name == "Airplane"
    assert plane.target.get("model") == ["IL76-TD"]
    assert plane.target.get("serialNumber") == ["1023409321"]
    assert plane.target.get("registrationNumber") == ["EP-GOM"]


def test_alt_types() -> None:
    records = real("ofac_sdn/2021-07_watchman")
    assert "CORTEZ, Oliverio Abril" in records["us-sdn:4307"].target.get("previousName")
    fka = sum(len(r.target.get("previousName")) for r in records.values())
    assert fka >= 369  # 369 fka rows in alt.csv, more f.k.a. in remarks


def test_cons_csv_and_xml_agree() -> None:
    """The consolidated list's CSV (Dec 2025) and XML (18 Dec 2025) give the same entries and names."""
    from_csv = real("ofac_cons/2025-12_watchman", "cons_prim.csv")
    (parsed,) = list(ofac_xml.parse(CONS / "2025-12-18_pakote" / "ofac.xml", []))
    from_xml = {r.id: r for r in parsed.records}
    assert set(from_csv) == set(from_xml)
    for record_id, record in from_csv.items():
        other = from_xml[record_id].target
        assert record.target.schema == other.schema
        for prop in ("name", "weakAlias", "previousName", "birthDate", "nationality", "idNumber"):
            if prop in other.schema.properties:
                assert set(record.target.get(prop)) == set(other.get(prop)), (record_id, prop)
        assert programmes(record) == programmes(from_xml[record_id])


# ---- the fixture: every remarks feature ------------------------------------------------------


def test_sample_folder_crlf_eof_byte_and_remarks() -> None:
    assert (SAMPLE / "sdn.csv").read_bytes().endswith(b"\r\n\x1a")
    records = {r.id: r for r in parse_folder(SAMPLE).records}
    assert len(records) == 4
    anna = records["us-sdn:100"].target
    assert anna.get("birthDate") == ["1962", "1955", "1956", "1957"]
    assert anna.get("citizenship") == ["lb"]
    assert anna.get("gender") == ["female"]
    assert anna.get("email") == ["anna@example.sy"]
    assert set(anna.get("weakAlias")) == {"UMM TEST", "TESTY"}  # remarks a.k.a. and a "weak aka" alt row
    assert anna.get("previousName") == ["OLDNAME, Anna"]
    passports = [e for e in records["us-sdn:100"].extras if e.schema.name == "Passport"]
    first = next(p for p in passports if p.get("number") == ["N0123456"])
    assert first.get("startDate") == ["2010-02-01"] and first.get("endDate") == ["2016-01-31"]
    assert {(m.relationship, m.name) for m in records["us-sdn:100"].mentions} == {
        ("linked to", "TEST BANK S.A."),
        ("linked to", "OTHER GROUP"),  # "OTH" + "ER GROUP." from sdn_comments.csv
        ("wife", "Bashar TESTER"),
    }
    bank = records["us-sdn:200"].target
    assert bank.get("swiftBic") == ["TSTBSYDA"]
    assert bank.get("incorporationDate") == ["1999-03-12"]
    assert bank.get("alias") == ["NEW TEST BANK"]  # nka
    ship = records["us-sdn:300"].target
    assert ship.get("imoNumber") == ["IMO9074729"]
    assert ship.get("pastFlags") == ["mt"]
    assert records["us-sdn:400"].target.get("buildDate") == ["1995-06"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11 Sep 1965", ["1965-09-11"]),
        ("Sep 1965", ["1965-09"]),
        ("1965", ["1965"]),
        ("circa 1962", ["1962"]),
        ("1955 to 1957", ["1955", "1956", "1957"]),
        ("01 Jan 1960 to 31 Dec 1961", ["1960", "1961"]),
        ("unknown", []),
    ],
)
def test_parse_dob(text: str, expected: list[str]) -> None:
    assert parse_dob(text) == expected


# ---- folders through the registry -----------------------------------------------------------


def test_partial_folder_without_sdn_csv_is_refused(ofac_only_registry: None) -> None:
    folder = SDN / "2025-12_watchman_partial"
    for name in ("add.csv", "alt.csv", "sdn_comments.csv"):
        path = folder / name
        assert ofac_csv.sniff(path, path.read_bytes()[:65536]) is FileRole.COMPANION
    with pytest.raises(SourceError) as err:
        registry.plan_imports([folder])
    assert "sdn.csv or cons_prim.csv" in str(err.value)
    assert "ofac_csv" in str(err.value)


def test_plan_imports_groups_a_folder(ofac_only_registry: None) -> None:
    (job,) = registry.plan_imports([SDN / "2021-07_watchman"])
    assert job.format.name == "ofac_csv"
    assert job.primary.name == "sdn.csv"
    assert {p.name for p in job.companions} == {"add.csv", "alt.csv", "sdn_comments.csv"}
    (job,) = registry.plan_imports([SDN / "2023-01_sancbook_MODIFIED_FORMAT"])
    assert {p.name for p in job.companions} == {"sdn_address.csv"}


def test_sniff_claims_no_other_format() -> None:
    for path in LISTS.rglob("*"):
        if path.is_file() and path.parent.parent.name not in ("ofac_sdn", "ofac_cons"):
            assert ofac_csv.sniff(path, path.read_bytes()[:65536]) is None, path


# ---- bad input -------------------------------------------------------------------------------

GOOD = '1,"A, B","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'


def write(folder: Path, name: str, text: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_broken_quoting_names_the_line(tmp_path: Path) -> None:
    bad = '2,"BROKEN "QUOTE" NAME",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
    path = write(tmp_path, "sdn.csv", GOOD + bad + GOOD.replace("1,", "3,", 1))
    with pytest.raises(SourceError) as err:
        list(ofac_csv.parse(path, []))
    assert err.value.place == "line 2"
    assert "quoting" in err.value.reason


def test_unclosed_quote_names_the_line(tmp_path: Path) -> None:
    bad = '2,"UNCLOSED,-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
    path = write(tmp_path, "sdn.csv", GOOD + bad + GOOD.replace("1,", "3,", 1))
    with pytest.raises(SourceError) as err:
        list(ofac_csv.parse(path, []))
    assert err.value.place == "line 2"


def test_wrong_column_count(tmp_path: Path) -> None:
    path = write(tmp_path, "sdn.csv", GOOD + '2,"X","individual","SDGT"\r\n')
    with pytest.raises(SourceError) as err:
        list(ofac_csv.parse(path, []))
    assert err.value.place == "line 2"
    assert "expected 12 columns, found 4" in err.value.reason


def test_wrong_file_with_forced_source(tmp_path: Path) -> None:
    path = write(tmp_path, "sdn.csv", "name,dob\nJohn,1970\n")
    assert ofac_csv.sniff(path, path.read_bytes()) is None
    with pytest.raises(SourceError) as err:
        list(ofac_csv.parse(path, []))
    assert err.value.place == "line 1"


def test_non_numeric_ent_num(tmp_path: Path) -> None:
    path = write(tmp_path, "sdn.csv", GOOD + GOOD.replace("1,", "X1,", 1))
    with pytest.raises(SourceError, match="not a number") as err:
        list(ofac_csv.parse(path, []))
    assert err.value.place == "line 2"


def test_unknown_type(tmp_path: Path) -> None:
    path = write(tmp_path, "sdn.csv", GOOD.replace('"individual"', '"spaceship"'))
    with pytest.raises(SourceError, match="spaceship"):
        list(ofac_csv.parse(path, []))


def test_companion_row_without_primary_entry(tmp_path: Path) -> None:
    primary = write(tmp_path, "sdn.csv", GOOD)
    alt = write(tmp_path, "alt.csv", '1,5,"aka","C, D",-0- \r\n99,6,"aka","E, F",-0- \r\n')
    with pytest.raises(SourceError) as err:
        list(ofac_csv.parse(primary, [alt]))
    assert err.value.path == str(alt)
    assert err.value.place == "line 2"
    assert "99" in err.value.reason


def test_duplicate_ent_num(tmp_path: Path) -> None:
    path = write(tmp_path, "sdn.csv", GOOD + GOOD)
    with pytest.raises(SourceError, match="twice"):
        list(ofac_csv.parse(path, []))


def test_data_after_the_eof_byte(tmp_path: Path) -> None:
    path = write(tmp_path, "sdn.csv", GOOD.encode() + b"\x1a" + GOOD.encode())
    with pytest.raises(SourceError, match="end-of-file"):
        list(ofac_csv.parse(path, []))


def test_mixed_encoding_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace("A, B", "Ã©, B").encode("utf-8") + GOOD.replace("1,", "2,", 1).replace("A, B", "\xe9, B").encode(
        "cp1252"
    )
    path = write(tmp_path, "sdn.csv", text)
    with pytest.raises(SourceError, match="UTF-8") as err:
        list(ofac_csv.parse(path, []))
    assert err.value.place == "line 2"


def test_cp1252_file_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "sdn.csv", GOOD.replace("A, B", "M\xfcLLER, J\xfcrgen").encode("cp1252"))
    (parsed,) = list(ofac_csv.parse(path, []))
    assert parsed.records[0].target.get("name") == ["M\u00fcLLER, J\u00fcrgen"]
