"""Authored lists (CSV and YAML) for authorities without a machine-readable list."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from smartsanctions.sources import authored, registry
from smartsanctions.sources.base import FileRole, ParsedList, Record, SourceError
from tests.conftest import FIXTURES, ROOT

AUTHORED = FIXTURES / "authored"


def _parse(path: Path) -> ParsedList:
    (plist,) = authored.FORMAT.parse(path, [])
    return plist


def _sanction(record: Record):  # type: ignore[no-untyped-def]
    (sanction,) = [e for e in record.extras if e.schema.name == "Sanction"]
    return sanction


def _by_id(plist: ParsedList, record_id: str) -> Record:
    (found,) = [r for r in plist.records if r.id == record_id]
    return found


def _snapshot(plist: ParsedList) -> list[tuple[str, dict, list]]:
    return [
        (r.id, r.target.to_dict(), sorted((e.id or "", str(e.to_dict())) for e in r.extras)) for r in plist.records
    ]


@pytest.mark.parametrize("name", ["arab-league-syria", "tr-syria"])
def test_csv_and_yaml_versions_give_the_same_records(name: str) -> None:
    from_csv = _parse(AUTHORED / "csv" / f"{name}.csv")
    from_yaml = _parse(AUTHORED / "yaml" / f"{name}.yaml")
    assert from_csv.list_id == from_yaml.list_id == name
    assert _snapshot(from_csv) == _snapshot(from_yaml)
    assert [(m.relationship, m.other_id) for r in from_csv.records for m in r.mentions] == [
        (m.relationship, m.other_id) for r in from_yaml.records for m in r.mentions
    ]


def test_turkey_list_content_and_measures() -> None:
    plist = _parse(AUTHORED / "yaml" / "tr-syria.yaml")
    assert plist.published == date(2011, 11, 30)
    assert len(plist.records) == 5
    bashar = _by_id(plist, "tr-syria:TR-001")
    assert bashar.target.get("birthDate") == ["1965-09-11"]
    assert "بشار حافظ الأسد" in bashar.target.get("alias")
    assert bashar.target.get("passportNumber") == ["D1903"]
    sanction = _sanction(bashar)
    assert sanction.get("authority") == ["tr"] and sanction.get("program") == ["Syria"]
    assert sanction.get("provisions") == ["asset_freeze", "travel_ban"]  # the file's default
    assert "30 November 2011" in sanction.get("summary")[0]
    bank = _by_id(plist, "tr-syria:TR-005")
    assert bank.target.schema.name == "Organization"
    assert _sanction(bank).get("provisions") == ["asset_freeze"]  # the entry overrides
    assert bank.target.get("swiftBic") == ["CBSYSYDA"]
    wife = _by_id(plist, "tr-syria:TR-003")
    (mention,) = wife.mentions
    assert (mention.kind, mention.relationship, mention.name, mention.other_id) == (
        "family", "wife", "Bashar al-Assad", "tr-syria:TR-001")
    assert set(wife.target.get("nationality")) == {"sy", "gb"}


def test_arab_league_authority_has_a_hyphen() -> None:
    plist = _parse(AUTHORED / "csv" / "arab-league-syria.csv")
    spec = registry.list_spec("arab-league-syria")
    assert spec.authority == "arab-league"
    assert spec.name.startswith("Arab League travel ban")
    assert registry.authority_name("arab-league") == "League of Arab States"
    maher = _by_id(plist, "arab-league-syria:AL-001")
    # Stated twice (remarks and relations): one mention.
    assert [(m.relationship, m.name, m.other_id) for m in maher.mentions] == [("brother", "Bashar al-Assad", None)]
    assert _sanction(_by_id(plist, "arab-league-syria:AL-006")).get("provisions") == ["travel_ban"]
    shawkat = _by_id(plist, "arab-league-syria:AL-002")
    assert [(m.relationship, m.other_id) for m in shawkat.mentions] == [("brother-in-law", "arab-league-syria:AL-001")]


def test_without_measures_the_table_catch_all_applies(tmp_path: Path) -> None:
    text = (AUTHORED / "csv" / "tr-syria.csv").read_text("utf-8").replace("# measures: asset_freeze|travel_ban\n", "")
    path = tmp_path / "tr.csv"
    path.write_text(text, "utf-8")
    plist = _parse(path)
    assert _sanction(_by_id(plist, "tr-syria:TR-001")).get("provisions") == ["other"]
    assert _sanction(_by_id(plist, "tr-syria:TR-005")).get("provisions") == ["asset_freeze"]


def test_sniff_needs_the_marker(lists_dir: Path, tmp_path: Path) -> None:
    for path in sorted(AUTHORED.rglob("*.*")):
        assert authored.FORMAT.sniff(path, path.read_bytes()[:65536]) is FileRole.PRIMARY
    for path in sorted(lists_dir.rglob("*")):
        if path.is_file():
            assert authored.FORMAT.sniff(path, path.read_bytes()[:65536]) is None, path
    plain = tmp_path / "x.yaml"
    plain.write_text("authority: tr\nentries: []\n")
    assert authored.FORMAT.sniff(plain, plain.read_bytes()) is None


def test_the_documented_examples_parse(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "authored-lists.md").read_text("utf-8")
    blocks = re.findall(r"```(csv|yaml)\n(.*?)```", doc, re.DOTALL)
    assert [kind for kind, _ in blocks] == ["csv", "yaml"]
    for kind, body in blocks:
        path = tmp_path / f"example.{kind}"
        path.write_text(body, "utf-8")
        assert authored.FORMAT.sniff(path, path.read_bytes()) is FileRole.PRIMARY
        assert len(_parse(path).records) >= 3


# ------------------------------------------------------------------------------- bad input

CSV_HEAD = """# smartsanctions authored list
# authority: tr
# authority_name: Republic of Türkiye
# list_id: tr-test
# list_name: Test list
# published: 2024-01-15
# programme: Syria
"""


def _csv(tmp_path: Path, body: str, head: str = CSV_HEAD) -> Path:
    path = tmp_path / "list.csv"
    path.write_text(head + body, "utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("id,schema,name,delisted\nA1,Person,X,2020-01-01\n", r"line 8 \(header\): unknown column\(s\) \['delisted'\]"),
        ("id,schema\nA1,Person\n", r"missing required column\(s\) \['name'\]"),
        ("id,schema,name\nA1,Person,\n", r"line 9, field name: missing required field 'name'"),
        ("id,schema,name,birth_date\nA1,Person,X,1965-13-01\n", r"line 9, field birth_date: bad date '1965-13-01'"),
        ("id,schema,name,birth_date\nA1,Person,X,11/09/1965\n", r"line 9, field birth_date: bad date"),
        ("id,schema,name,measures\nA1,Person,X,freeze\n", r"line 9, field measures: .*unknown measure\(s\) \['freeze'\]"),
        ("id,schema,name\nA1,Person,X\nA1,Person,Y\n", r"line 10, field id: duplicate id 'A1' \(first at line 9\)"),
        ("id,schema,name\nA1,Robot,X\n", r"line 9, field schema: unknown schema 'Robot'"),
        ("id,schema,name,nationality\nA1,Person,X,Atlantis\n", r"line 9, field nationality: unknown country 'Atlantis'"),
        ("id,schema,name,relations\nA1,Person,X,brother\n", r"line 9, field relations: relation 'brother' must read"),
        ("id,schema,name,relations\nA1,Person,X,brother of: A1\n", r"points at the entry itself"),
        ("id,schema,name,birth_date\nA1,Organization,X,1990\n", r"field 'birth_date' applies to schema Person only"),
        ("id,schema,name,identifiers\nA1,Person,X,D1903\n", r"identifier 'D1903' must read 'type:number'"),
        ('id,schema,name\nA1,Person,"X\n', r"line 9: broken quoting"),
        ("id;schema;name\nA1;Person;X\n", r"semicolon-delimited"),
    ],
)
def test_csv_errors_name_line_and_field(tmp_path: Path, body: str, error: str) -> None:
    with pytest.raises(SourceError, match=error):
        _parse(_csv(tmp_path, body))


@pytest.mark.parametrize(
    ("head", "error"),
    [
        (CSV_HEAD.replace("# published: 2024-01-15\n", ""), r"metadata: missing metadata: published"),
        (CSV_HEAD.replace("2024-01-15", "15/01/2024"), r"line 6, field published: bad date '15/01/2024'"),
        (CSV_HEAD + "# colour: red\n", r"line 8: unknown metadata key\(s\) \['colour'\]"),
        (CSV_HEAD.replace("tr-test", "tr-my-list"), r"line 4: list_id 'tr-my-list' must be 'tr-<slug>'"),
        (CSV_HEAD.replace("tr-test", "us-sdn").replace("authority: tr", "authority: us"), r"is an official list"),
        (CSV_HEAD.replace("authority: tr\n", "authority: TR\n"), r"authority code 'TR'"),
        (CSV_HEAD + "# measures: asset_freeze|embargo\n", r"line 8: measures: unknown measure\(s\) \['embargo'\]"),
        (CSV_HEAD + "no colon here\n", r"line 8 \(header\)"),
    ],
)
def test_csv_metadata_errors(tmp_path: Path, head: str, error: str) -> None:
    with pytest.raises(SourceError, match=error):
        _parse(_csv(tmp_path, "id,schema,name\nA1,Person,X\n", head))


def test_missing_programme(tmp_path: Path) -> None:
    head = CSV_HEAD.replace("# programme: Syria\n", "")
    with pytest.raises(SourceError, match=r"line 8, field programme: missing programme"):
        _parse(_csv(tmp_path, "id,schema,name\nA1,Person,X\n", head))


def test_csv_bom_and_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(("\ufeff" + CSV_HEAD + "id,schema,name\nA1,Person,Beşar Esad\n").encode("utf-8"))
    assert authored.FORMAT.sniff(path, path.read_bytes()) is FileRole.PRIMARY
    assert _parse(path).records[0].target.get("name") == ["Beşar Esad"]
    path.write_bytes((CSV_HEAD.replace("Türkiye", "Turkey") + "id,schema,name\nA1,Person,Jos\xe9\n").encode("cp1252"))
    plist = _parse(path)
    assert plist.records[0].target.get("name") == ["José"]
    assert any("cp1252" in n for n in plist.notes)


YAML_HEAD = """smartsanctions_authored_list: 1
authority: tr
authority_name: Republic of Türkiye
list_id: tr-test
list_name: Test list
published: 2024-01-15
programme: Syria
entries:
"""


def _yaml(tmp_path: Path, body: str, head: str = YAML_HEAD) -> Path:
    path = tmp_path / "list.yaml"
    path.write_text(head + body, "utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("  - {id: A1, schema: Person, name: X, delisted: true}\n", r"line 9, entries\[0\]: unknown field\(s\) \['delisted'\]"),
        ("  - {id: A1, schema: Person, name: X}\n  - {id: A1, schema: Person, name: Y}\n",
         r"line 10, entries\[1\], field id: duplicate id 'A1'"),
        ("  - {id: A1, schema: Person, name: X, birth_date: 1965-02-30}\n", r"line 9, entries\[0\], field birth_date: bad date"),
        ("  - {id: A1, schema: Person, name: X, measures: [asset_freeze, ban]}\n", r"unknown measure\(s\) \['ban'\]"),
        ("  - {id: A1, schema: Person, name: [X, Y]}\n", r"field 'name' takes one value"),
        ("  - {id: A1, schema: Person, name: X\n", r"malformed YAML"),
        ("  - just a string\n", r"entries\[0\]: each entry must be a mapping"),
        ("  - {id: A1, schema: Person, name: X, identifiers: [{type: passport, no: 1}]}\n", r"identifier keys \['no'\]"),
    ],
)
def test_yaml_errors_name_line_and_field(tmp_path: Path, body: str, error: str) -> None:
    with pytest.raises(SourceError, match=error):
        _parse(_yaml(tmp_path, body))


def test_yaml_marker_version_and_entries(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"line 1: smartsanctions_authored_list must be 1, found 2"):
        _parse(_yaml(tmp_path, "  - {id: A1, schema: Person, name: X}\n", YAML_HEAD.replace(": 1\n", ": 2\n", 1)))
    with pytest.raises(SourceError, match=r"'entries' must be a non-empty list"):
        _parse(_yaml(tmp_path, "  []\n", YAML_HEAD.replace("entries:\n", "entries:")))
