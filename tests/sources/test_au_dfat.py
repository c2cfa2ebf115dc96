"""Australia DFAT consolidated list workbook: the real file, helpers, and bad input."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from smartsanctions.sources import au_dfat, xlsx
from smartsanctions.sources.base import FileRole, ParsedList, Record, SourceError
from tests.conftest import LISTS

FILE = LISTS / "au_dfat" / "2024-12_stanux" / "regulation8_consolidated.xlsx"


@pytest.fixture(scope="module")
def parsed() -> ParsedList:
    [result] = list(au_dfat.parse(FILE))
    return result


@pytest.fixture(scope="module")
def records(parsed: ParsedList) -> dict[str, Record]:
    return {r.id: r for r in parsed.records}


def _sanctions(record: Record) -> list:
    return [e for e in record.extras if e.schema.name == "Sanction"]


def test_counts(parsed: ParsedList) -> None:
    """SOURCES.md counts 2925 rows labelled exactly 'Primary Name'; 137 more primary rows are
    typed 'Primary Name ', 'Primary name' or 'primary Name'. Each bare Reference is one target."""
    exact = normalised = 0
    rows = xlsx.iter_rows(FILE)
    _, header = next(rows)
    column = list(header).index("Name Type")
    for _, values in rows:
        label = values[column]
        exact += label == "Primary Name"
        normalised += isinstance(label, str) and label.strip().lower() == "primary name"
    assert exact == 2925
    assert normalised == len(parsed.records) == 3062
    assert parsed.list_id == "au-dfat"
    assert parsed.published is None
    syria = [r for r in parsed.records if any(s.get("program") == ["Autonomous (Syria)"] for s in _sanctions(r))]
    assert len(syria) == 145


def test_bashar_al_assad(records: dict[str, Record]) -> None:
    bashar = records["au-dfat:2241"]
    target = bashar.target
    assert target.schema.name == "Person"
    assert target.get("name") == ["Bashar AL-ASSAD"]
    assert {"Bashar Hafez AL ASSAD", "Bashar AL-ASAD"} <= set(target.get("alias"))
    assert target.get("birthDate") == ["1965-09-11"]
    assert target.get("nationality") == ["sy"]
    assert target.get("birthPlace") == ["Damascus, Syria"]
    [sanction] = _sanctions(bashar)
    assert sanction.get("program") == ["Autonomous (Syria)"]
    assert sanction.get("authority") == ["au"]
    assert sanction.get("authorityId") == ["2241"]
    assert sanction.get("listingDate") == ["2012-03-02"]
    assert sanction.get("modifiedAt") == ["2024-01-12"]


def test_un_style_entry(records: dict[str, Record]) -> None:
    akhund = records["au-dfat:2"].target
    assert akhund.get("alias") == ["محمد حسن أخوند"]  # the 'Original Script' row
    assert set(akhund.get("title")) == {"Mullah", "Haji"}
    assert "Governor of Kandahar under the Taliban regime" in akhund.get("position")
    assert {"1955", "1958", "1945", "1950"} <= set(akhund.get("birthDate"))
    assert any(m.name == "Mullah Mohammed Omar" for m in records["au-dfat:2"].mentions)
    [sanction] = _sanctions(records["au-dfat:2"])
    assert sanction.get("listingDate") == ["2001-01-25"]


def test_alias_rows_with_suffixed_references_join_their_target(records: dict[str, Record]) -> None:
    # 34, 34a ... 34c1: one target, with a previous name marked in the alias text.
    target = records["au-dfat:34"].target
    assert target.get("previousName") == ["Abdul Jalil Haqqani"]
    assert "Nazar Jan" in target.get("alias")
    assert "au-dfat:34c1" not in records


@pytest.mark.parametrize(
    ("value", "dates", "kept_as_note"),
    [
        (datetime(1965, 9, 11), ["1965-09-11"], False),
        (1969, ["1969"], False),
        ("12/03/1970", ["1970-03-12"], False),
        ("Approximately 1963", ["1963"], True),
        ("a) 12 Jan. 1960 b) March 1962", ["1960-01-12", "1962-03"], True),
        ("NA", [], False),
    ],
)
def test_cell_dates(value: object, dates: list[str], kept_as_note: bool) -> None:
    found, note = au_dfat.cell_dates(value)
    assert found == dates
    assert (note is not None) is kept_as_note


def test_split_enumeration() -> None:
    assert au_dfat.split_enumeration("a) Jordan b) United States of America") == ["Jordan", "United States of America"]
    assert au_dfat.split_enumeration("Damascus, Syria") == ["Damascus, Syria"]


def test_sniff() -> None:
    assert au_dfat.sniff(FILE, FILE.read_bytes()[:65536]) is FileRole.PRIMARY
    uk = LISTS / "uk_ofsi" / "2023-06_imjbmkz" / "ConList.xlsx"
    assert au_dfat.sniff(uk, uk.read_bytes()[:65536]) is None


# ---- bad input --------------------------------------------------------------------------

HEADER = ["Reference", "Name of Individual or Entity", "Type", "Name Type", "Date of Birth", "Committees"]


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def _parse(path: Path) -> ParsedList:
    [result] = list(au_dfat.parse(path))
    return result


def test_small_valid_workbook(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "list.xlsx", [
        HEADER,
        [7, "Jane DOE", "Individual ", "Primary Name ", "1970", "Autonomous (Syria)"],
        ["7a", "Jane D.", "Individual", "aka", None, "Autonomous (Syria)"],
    ])
    [record] = _parse(path).records
    assert record.id == "au-dfat:7"
    assert record.target.get("alias") == ["Jane D."]
    assert record.target.get("birthDate") == ["1970"]


def test_missing_columns(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "list.xlsx", [["Reference", "Name of Individual or Entity"], [1, "X"]])
    with pytest.raises(SourceError) as info:
        _parse(path)
    assert "Committees" in str(info.value) and "Name Type" in str(info.value) and "row 1" in str(info.value)


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    path.write_text("Reference,Name\n1,X\n")
    with pytest.raises(SourceError, match="not a valid zip"):
        _parse(path)


def test_row_without_reference(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "list.xlsx", [
        HEADER, [1, "A", "Individual", "Primary Name", None, "X"], [None, "B", "Individual", "aka", None, "X"],
    ])
    with pytest.raises(SourceError, match="row 3: row without a Reference"):
        _parse(path)


def test_unknown_type(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "list.xlsx", [HEADER, [1, "A", "Aircraft", "Primary Name", None, "X"]])
    with pytest.raises(SourceError, match="row 2: unknown Type 'Aircraft'"):
        _parse(path)


def test_aliases_without_primary_name(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "list.xlsx", [HEADER, ["5a", "A", "Entity", "aka", None, "X"]])
    with pytest.raises(SourceError, match="Reference 5 has no 'Primary Name' row"):
        _parse(path)
