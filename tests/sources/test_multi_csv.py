"""The multi-list flat CSV of 2022-05-05: one ParsedList per list it carries."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from smartsanctions.sources import bis_dpl, multi_csv
from smartsanctions.sources.base import FileRole, ParsedList, Record, SourceError

MULTI = "multi_combined/2022-05-05_fca_sanctiontoolkit/combined_sanction_lists_20220505_main.csv"
HEADER = ",".join(multi_csv.COLUMNS)


@pytest.fixture(scope="module")
def parsed(lists_dir: Path) -> dict[str, ParsedList]:
    return {p.list_id: p for p in multi_csv.FORMAT.parse(lists_dir / MULTI, [])}


def _record(parsed: dict[str, ParsedList], record_id: str) -> Record:
    list_id = record_id.split(":", 1)[0]
    found = [r for r in parsed[list_id].records if r.id == record_id]
    assert len(found) == 1, record_id
    return found[0]


def _sanctions(record: Record) -> list:
    return [e for e in record.extras if e.schema.name == "Sanction"]


def test_sniff_claims_only_the_multi_csv(lists_dir: Path) -> None:
    path = lists_dir / MULTI
    assert multi_csv.FORMAT.sniff(path, path.read_bytes()[:65536]) is FileRole.PRIMARY
    dpl = lists_dir / "us_bis_dpl/2023-11_watchman/dpl.txt"
    assert multi_csv.FORMAT.sniff(dpl, dpl.read_bytes()[:65536]) is None


def test_entry_counts_match_sources_md(parsed: dict[str, ParsedList]) -> None:
    counts = {list_id: len(p.records) for list_id, p in parsed.items()}
    # SOURCES.md: distinct list_internal_id per sanction_list.
    assert counts["us-sdn"] == 10_025
    assert counts["eu-fsf"] == 3_372
    assert counts["gb-ofsi"] == 3_430
    assert counts["us-el"] == 2_001
    assert counts["us-ssi"] == 290
    assert counts["gb-inv"] == 11
    assert counts["us-fse"] == 3
    # DPL IDs are derived from names (as in bis_dpl): 462 rows, 435 distinct names.
    assert counts["us-dpl"] == 435
    assert len(parsed) == 16


def test_every_list_is_the_2022_05_05_version(parsed: dict[str, ParsedList]) -> None:
    for plist in parsed.values():
        assert plist.published == date(2022, 5, 5)
        assert "file name" in (plist.published_from or "")


def test_syria_regime_entries(parsed: dict[str, ParsedList]) -> None:
    def syria(list_id: str) -> int:
        return sum(
            1 for r in parsed[list_id].records
            if any("SYR" in p.upper() for s in _sanctions(r) for p in s.get("program"))
        )

    assert syria("us-sdn") == 691
    assert syria("gb-ofsi") == 352
    assert syria("eu-fsf") == 370


def test_uk_bashar_al_assad(parsed: dict[str, ParsedList]) -> None:
    record = _record(parsed, "gb-ofsi:11928")
    target = record.target
    assert target.schema.name == "Person"
    assert target.get("name") == ["AL ASAD Bashar"]
    assert "بشار حافظ الأسد" in target.get("alias")
    assert "AL-ASSAD Bassar Hafiz" in target.get("alias")
    assert target.get("birthDate") == ["1965-09-11"]
    assert target.get("birthPlace") == ["Damascus"]
    assert target.get("position") == ["President of the Arab Republic of Syria"]
    assert target.get("idNumber") == ["D1903"]
    assert "AL ASSAD" in target.get("lastName")
    assert "بشار حافظ الأسد" not in target.get("firstName")
    (sanction,) = _sanctions(record)
    assert sanction.get("program") == ["Syria"]
    assert set(sanction.get("provisions")) == {"asset_freeze", "travel_ban"}
    assert sanction.get("listingDate") == ["2020-12-31"]


def test_sdn_primary_name_aliases_and_dob_variants(parsed: dict[str, ParsedList]) -> None:
    record = _record(parsed, "us-sdn:26095")
    target = record.target
    assert target.get("name") == ["'ABD AL-NASIR, Hajji"]
    assert set(target.get("alias")) == {"ABDELNASSER, Hajji", "ABD AL-NASR, Hajji", "AL-KHUWAYT, Taha"}
    assert set(target.get("birthDate")) == {"1966", "1967", "1968"}
    assert target.get("birthPlace") == ["Tall 'Afar, Iraq"]
    assert target.get("nationality") == ["iq"]
    assert [s.get("program") for s in _sanctions(record)] == [["SDGT"]]


def test_sdn_features_gender_and_programmes(parsed: dict[str, ParsedList]) -> None:
    record = _record(parsed, "us-sdn:24904")
    assert record.target.get("gender") == ["male"]
    assert record.target.get("name") == ["'ABBAS, Yasir"]
    iran = _record(parsed, "us-sdn:26860")
    assert sorted(p for s in _sanctions(iran) for p in s.get("program")) == ["IFSR", "IRGC", "SDGT"]


def test_cmic_identifiers_and_notes(parsed: dict[str, ParsedList]) -> None:
    record = _record(parsed, "us-cmic:30902")
    idents = [e for e in record.extras if e.schema.name == "Identification"]
    assert [(i.get("type"), i.get("number"), i.get("country")) for i in idents] == [
        (["Unified Social Credit Code (USCC)"], ["91110000MA005UCQ5P"], ["cn"])
    ]
    assert "Target Type: State-Owned Enterprise" in record.target.get("notes")
    assert [s.get("provisions") for s in _sanctions(record)] == [["sectoral"]]


def test_eu_passport_and_relation_in_function_text(parsed: dict[str, ParsedList]) -> None:
    record = _record(parsed, "eu-fsf:EU.3320.91")
    assert record.target.get("name") == ["Rami MAKHLOUF"]
    assert record.target.get("passportNumber") == ["000098044"]
    assert record.target.get("birthDate") == ["1969-07-10"]
    assert [(m.relationship, m.name) for m in record.mentions] == [("cousin", "Bashar Al‐Assad")]
    (sanction,) = _sanctions(record)
    assert sanction.get("program") == ["SYR"] and sanction.get("listingDate") == ["2020-05-29"]


def test_fse_measures_come_from_the_list_not_the_syria_programme(parsed: dict[str, ParsedList]) -> None:
    record = _record(parsed, "us-fse:17526")
    assert {p: s.get("provisions") for s in _sanctions(record) for p in s.get("program")} == {
        "SYRIA": ["sectoral"], "FSE-SY": ["sectoral"],
    }


def test_dpl_ids_match_bis_dpl(parsed: dict[str, ParsedList]) -> None:
    saidi = [r for r in parsed["us-dpl"].records if r.target.get("name") == ["ABDUL MAJID SAIDI"]]
    assert [r.id for r in saidi] == [f"us-dpl:{bis_dpl.dpl_local_id('ABDUL MAJID SAIDI')}"]
    ash = next(r for r in parsed["us-dpl"].records if r.target.get("name") == ["I. ASH"])
    assert ash.target.schema.name == "Person"  # incarcerated: the address says so


# ------------------------------------------------------------------------------- bad input


def _row(**values: str) -> str:
    base = dict.fromkeys(multi_csv.COLUMNS, "")
    base.update(full_name="DOE, John", entity_type="Individual", list_internal_id="1",
                sanction_list="UK Cons", regime="Syria", date_added="31/12/2020")
    base.update(values)
    return ",".join(f'"{v}"' for v in base.values())


def _write(tmp_path: Path, text: str, data: bytes | None = None) -> Path:
    path = tmp_path / "combined_sanction_lists_20220505_main.csv"
    path.write_bytes(data if data is not None else text.encode("utf-8"))
    return path


def _parse(path: Path) -> list[ParsedList]:
    return list(multi_csv.FORMAT.parse(path, []))


def test_small_file_parses_with_bom(tmp_path: Path) -> None:
    path = _write(tmp_path, "", ("\ufeff" + HEADER + "\n" + _row() + "\n").encode("utf-8"))
    (plist,) = _parse(path)
    assert plist.list_id == "gb-ofsi" and plist.records[0].id == "gb-ofsi:1"


def test_unknown_sanction_list_names_line_and_value(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "\n" + _row() + "\n" + _row(sanction_list="Mars List") + "\n")
    with pytest.raises(SourceError, match=r"line 3, column sanction_list: unknown sanction_list value 'Mars List'"):
        _parse(path)


def test_missing_column(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER.replace(",regime", "") + "\n")
    with pytest.raises(SourceError, match=r"line 1 \(header\): missing required column\(s\) \['regime'\]"):
        _parse(path)


def test_broken_quoting_names_the_line(tmp_path: Path) -> None:
    bad = _row().replace('"DOE, John"', '"DOE, "John"')
    path = _write(tmp_path, HEADER + "\n" + _row() + "\n" + bad + "\n")
    with pytest.raises(SourceError, match=r"line 3: broken quoting"):
        _parse(path)


def test_wrong_delimiter(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER.replace(",", "\t") + "\n")
    with pytest.raises(SourceError, match="tab-delimited"):
        _parse(path)


def test_bad_date_added(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "\n" + _row(date_added="31-12-2020") + "\n")
    with pytest.raises(SourceError, match=r"line 2, column date_added: bad date_added '31-12-2020'"):
        _parse(path)


def test_unknown_entity_type(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "\n" + _row(entity_type="Spaceship") + "\n")
    with pytest.raises(SourceError, match="unknown entity_type 'spaceship'"):
        _parse(path)


def test_mixed_encoding_is_refused(tmp_path: Path) -> None:
    data = (HEADER + "\n" + _row(full_name="Ḥāfiẓ") + "\n").encode("utf-8") + _row(full_name="Jos\xe9").encode("cp1252")
    path = _write(tmp_path, "", data)
    with pytest.raises(SourceError, match=r"line 3: invalid UTF-8 \(byte 0xe9\).*mixed"):
        _parse(path)


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "", b"PK\x03\x04\x00\x00binary")
    with pytest.raises(SourceError, match="NUL byte"):
        _parse(path)
