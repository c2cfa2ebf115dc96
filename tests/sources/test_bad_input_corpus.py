"""The bad-input corpus: every parser, through the real ``smartsanctions import`` command.

Each case starts from a small valid seed of a format (``tests/sources/seeds.py``, cut
from the real list files at test time), breaks it in one way, and imports the result
into a store that already holds one good snapshot. Every case must end with exit code 1,
one line on stderr naming the file and the place in it (line / row / element / column /
archive member), and a store identical to the one before.

Two kinds of case are marked differently:
- ``whole_file``: the fault is the file as a whole (empty, not a zip archive at all), so
  there is no place inside it to name; the message names the file.
- ``refused``: the parser deliberately tolerates the damage with a note (the trade.gov
  CSL is published with a cut-off last record) and the count assertions refuse the
  result instead.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from smartsanctions.cli import app
from smartsanctions.store.db import open_engine
from smartsanctions.store.importer import import_files
from tests.conftest import FIXTURES
from tests.sources.seeds import Seed, seed, workbook_bytes
from tests.store.conftest import dump_store

# What a place in a message looks like.
PLACE = re.compile(r"\b(lines? \d+|row \d+|column \w+|member \S+|field \w+|metadata|<\w+>)")
HUGE = 17 * 1024 * 1024  # above the 16 MiB CSV field limit and libxml2's 10 MB text-node limit

CSV_SEEDS = ("ofac_csv", "multi_csv", "us_csl", "bis_dpl", "authored_csv", "uk_ofsi_csv")
XML_SEEDS = ("un_xml", "eu_fsf_xml", "ofac_xml", "ca_sema")
XLSX_SEEDS = ("uk_ofsi_xlsx", "au_dfat")
TEXT_SEEDS = (*CSV_SEEDS, *XML_SEEDS, "authored_yaml")
DELIMITER = {"bis_dpl": "\t"}

Mutation = Callable[[Seed], bytes]


@dataclass(frozen=True)
class Case:
    seed: str
    kind: str
    make: Mutation
    expect: str | None = None  # a regex the message must match
    whole_file: bool = False
    refused: bool = False
    companion: str | None = None  # break this companion file instead of the primary

    @property
    def id(self) -> str:
        return f"{self.seed}-{self.kind}"


# ---- byte-level helpers -----------------------------------------------------------------


def _text(data: bytes) -> str:
    return data.decode("utf-8-sig")


def _records(data: bytes, delimiter: str) -> list[tuple[int, int]]:
    """(first line index, last line index) of each CSV record, as physical lines."""
    reader = csv.reader(io.StringIO(_text(data), newline=""), delimiter=delimiter)
    spans = []
    previous = 0
    for _ in reader:
        spans.append((previous, reader.line_num - 1))
        previous = reader.line_num
    return spans


def _edit_line(data: bytes, delimiter: str, which: int, edit: Callable[[bytes], bytes]) -> bytes:
    """Apply ``edit`` to the first physical line of record ``which`` (negative from the end)."""
    lines = data.splitlines(keepends=True)
    first, _last = _records(data, delimiter)[which]
    lines[first] = edit(lines[first])
    return b"".join(lines)


def _after_first_delimiter(insert: bytes, delimiter: str) -> Callable[[bytes], bytes]:
    sep = delimiter.encode()
    return lambda line: line.replace(sep, sep + insert, 1)


def _sub(pattern: bytes, repl: bytes) -> Mutation:
    def make(s: Seed) -> bytes:
        data, count = re.subn(pattern, repl, s.primary, count=1)
        assert count == 1, f"{s.name}: {pattern!r} not found in the seed"
        return data

    return make


def truncated(s: Seed) -> bytes:
    cut = int(len(s.primary) * 0.6)
    while s.primary[cut - 1 : cut] in (b"\n", b"\r", b">"):
        cut += 1
    return s.primary[:cut]


def empty(_s: Seed) -> bytes:
    return b""


def utf16(s: Seed) -> bytes:
    return _text(s.primary).encode("utf-16")


def mixed_encoding(s: Seed) -> bytes:
    # A valid UTF-8 'Ł' early on and a lone cp1252 'é' further down: a damaged file.
    data = s.primary
    middle = len(data) // 2
    nl = data.index(b"\n", middle)
    first_nl = data.index(b"\n", len(data) // 4)
    return data[:first_nl] + " Ł".encode() + data[first_nl:nl] + b" \xe9" + data[nl:]


def bom_then_invalid(s: Seed) -> bytes:
    data = s.primary.removeprefix(b"\xef\xbb\xbf")
    nl = data.index(b"\n", len(data) // 2)
    return b"\xef\xbb\xbf" + data[:nl] + b"\xff\xfe" + data[nl:]


def nul_byte(s: Seed) -> bytes:
    nl = s.primary.index(b"\n", len(s.primary) // 2)
    return s.primary[:nl] + b"\x00" + s.primary[nl:]


HTML_PAGE = b"<html><head><title>503 Service Unavailable</title></head>\n<body><h1>Service Unavailable</h1></body></html>\n"


def html_page(_s: Seed) -> bytes:
    return HTML_PAGE


# ---- CSV cases --------------------------------------------------------------------------

# A required column of each CSV format, as its header spells it.
HEADER_COLUMN = {
    "multi_csv": (rb"\bfull_name\b", b"fullname"),
    "us_csl": (rb",name,", b",nom,"),
    "bis_dpl": (rb'"Street_Address"', b'"Street"'),
    "authored_csv": (rb"\nid,schema,name,", b"\nid,schema,nom,"),
    "uk_ofsi_csv": (rb"Group ID", b"Group Ident"),
}
# A structured date field of each format, made impossible (30 February, month 13).
IMPOSSIBLE_DATE = {
    "multi_csv": (rb",2003-06-19,", b",2003-02-30,"),
    "us_csl": (rb',"(\d{4})-\d\d-\d\d",', rb',"\1-02-30",'),
    "bis_dpl": (rb'"06/19/2003"', b'"02/30/2003"'),
    "authored_csv": (rb"\n(TR-00\d,.*?),2011-11-30,", rb"\n\1,2011-02-30,"),
    "uk_ofsi_csv": (rb"Last Updated,05/06/2023", b"Last Updated,30/02/2023"),
    "authored_yaml": (rb"listing_date: 2011-11-30", b"listing_date: 2011-13-01"),
    "un_xml": (rb"<LISTED_ON>2012-12-31", b"<LISTED_ON>2012-02-30"),
    "ofac_xml": (rb"<Publish_Date>03/28/2025", b"<Publish_Date>02/30/2025"),
    "ca_sema": (rb"<DateOfListing>2020-09-28", b"<DateOfListing>2020-02-30"),
    "eu_fsf_xml": (rb'generationDate="2024-03-01', b'generationDate="2024-02-30'),
}


def _delim(s: Seed) -> str:
    return DELIMITER.get(s.name, ",")


def extra_field(s: Seed) -> bytes:
    return _edit_line(s.primary, _delim(s), -2, _after_first_delimiter(b"extra" + _delim(s).encode(), _delim(s)))


def missing_field(s: Seed) -> bytes:
    sep = _delim(s).encode()
    return _edit_line(s.primary, _delim(s), -2, lambda line: line.replace(sep, b"", 1))


def stray_cr(s: Seed) -> bytes:
    return _edit_line(s.primary, _delim(s), -2, _after_first_delimiter(b"\r", _delim(s)))


def unclosed_quote(s: Seed) -> bytes:
    return _edit_line(s.primary, _delim(s), -3, _after_first_delimiter(b'"open', _delim(s)))


def huge_field(s: Seed) -> bytes:
    return _edit_line(s.primary, _delim(s), -2, _after_first_delimiter(b"A" * HUGE, _delim(s)))


def _csv_cases() -> list[Case]:
    cases = []
    for name in CSV_SEEDS:
        tail_ok = name == "us_csl"  # trade.gov's file is published cut short: tolerated, noted
        cases += [
            Case(name, "truncated", truncated, refused=tail_ok),
            Case(name, "empty", empty, "empty", whole_file=True),
            Case(name, "utf16", utf16, "NUL byte|binary|UTF"),
            Case(name, "mixed-encoding", mixed_encoding, "UTF-8"),
            Case(name, "bom-then-invalid", bom_then_invalid, "UTF-8"),
            Case(name, "nul-byte", nul_byte, "NUL|binary"),
            Case(name, "html-page", html_page),
            Case(name, "extra-field", extra_field),
            Case(name, "missing-field", missing_field),
            Case(name, "stray-cr", stray_cr),
            Case(name, "unclosed-quote", unclosed_quote),
            Case(name, "huge-field", huge_field, "field larger|limit|too large"),
        ]
        if name in HEADER_COLUMN:
            cases.append(Case(name, "missing-column", _sub(*HEADER_COLUMN[name]), "column"))
        if name in IMPOSSIBLE_DATE:
            cases.append(Case(name, "impossible-date", _sub(*IMPOSSIBLE_DATE[name]), "date|Date"))
    for companion in ("add.csv", "alt.csv", "sdn_comments.csv"):
        cases.append(Case("ofac_csv", f"truncated-{companion}", _companion_truncated(companion), companion=companion))
    return cases


def _companion_truncated(name: str) -> Mutation:
    def make(s: Seed) -> bytes:
        return truncated(Seed(s.name, s.format, ((name, dict(s.files)[name]),)))

    return make


# ---- XML cases --------------------------------------------------------------------------

BILLION_LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
    )
    + b"]>\n"
)
EXTERNAL_ENTITY = b'<!DOCTYPE list [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
EXTERNAL_DTD = b'<!DOCTYPE list SYSTEM "http://127.0.0.1:9/evil.dtd">\n'


def _after_declaration(insert: bytes) -> Mutation:
    def make(s: Seed) -> bytes:
        end = s.primary.index(b"?>") + 2
        return s.primary[:end] + b"\n" + insert + s.primary[end:]

    return make


def _in_first_text(reference: bytes) -> Callable[[Mutation], Mutation]:
    """Also use an entity inside the first text node, as an attack would."""

    def wrap(inner: Mutation) -> Mutation:
        def make(s: Seed) -> bytes:
            data = inner(s)
            match = re.search(rb">([^<\s][^<]*)</", data)
            assert match
            return data[: match.start(1)] + reference + data[match.start(1) :]

        return make

    return wrap


def huge_text(s: Seed) -> bytes:
    match = re.search(rb">([^<\s][^<]*)</", s.primary)
    assert match
    return s.primary[: match.start(1)] + b"A" * HUGE + s.primary[match.start(1) :]


# A required identifier of each XML format, removed; an element the format does not know.
XML_MISSING_ID = {
    "un_xml": (rb"<REFERENCE_NUMBER>[^<]*</REFERENCE_NUMBER>", b""),
    "eu_fsf_xml": (rb' logicalId="900101"', b""),
    "ofac_xml": (rb"<uid>\d+</uid>", b""),
    "ca_sema": (rb"<Item>\d+</Item>", b""),
}
XML_UNKNOWN_ELEMENT = {
    "un_xml": (rb"<INDIVIDUALS>", b"<INDIVIDUALS><SPACESHIP>X</SPACESHIP>"),
    "eu_fsf_xml": (rb"(<export[^>]*>)", rb"\1<spaceship>X</spaceship>"),
    "ofac_xml": (rb"(</publshInformation>)", rb"\1<spaceship>X</spaceship>"),
    "ca_sema": (rb"(<data-set[^>]*>)", rb"\1<spaceship>X</spaceship>"),
}


def _xml_cases() -> list[Case]:
    cases = []
    for name in XML_SEEDS:
        cases += [
            Case(name, "truncated", truncated, "malformed XML|line"),
            Case(name, "empty", empty, "empty", whole_file=True),
            Case(name, "mixed-encoding", mixed_encoding, "malformed XML"),
            Case(name, "bom-then-invalid", bom_then_invalid, "malformed XML"),
            Case(name, "nul-byte", nul_byte, "malformed XML"),
            Case(name, "html-page", html_page),
            Case(name, "billion-laughs", _in_first_text(b"&lol9;")(_after_declaration(BILLION_LAUGHS)), "DOCTYPE"),
            Case(name, "external-entity", _in_first_text(b"&xxe;")(_after_declaration(EXTERNAL_ENTITY)), "DOCTYPE"),
            Case(name, "external-dtd", _after_declaration(EXTERNAL_DTD), "DOCTYPE"),
            # The DOCTYPE pushed past the first 64 KiB by a long comment: still refused.
            Case(name, "late-doctype", _after_declaration(b"<!--" + b"x" * 70_000 + b"-->\n" + EXTERNAL_ENTITY), "DOCTYPE"),
            Case(name, "huge-text", huge_text, "malformed XML"),
            Case(name, "missing-id", _sub(*XML_MISSING_ID[name])),
            Case(name, "unknown-element", _sub(*XML_UNKNOWN_ELEMENT[name]), "spaceship|SPACESHIP"),
            Case(name, "impossible-date", _sub(*IMPOSSIBLE_DATE[name]), "date|Date|LISTED_ON"),
        ]
    return cases


# ---- YAML cases -------------------------------------------------------------------------

YAML_BOMB = (
    b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    b"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
    b"g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
)


def yaml_bomb_in_entry(s: Seed) -> bytes:
    # Anchors defined in a metadata key, the expansion used as an entry's aliases.
    data = s.primary.replace(b"entries:\n", YAML_BOMB.replace(b"\n", b"\n", 1) + b"entries:\n", 1)
    return re.sub(rb"(\n    aliases: )\[[^\]]*\]", rb"\1*h", data, count=1)


def _yaml_cases() -> list[Case]:
    name = "authored_yaml"
    return [
        Case(name, "truncated", lambda s: s.primary[: int(len(s.primary) * 0.6)].rsplit(b":", 1)[0]),
        Case(name, "empty", empty, "empty", whole_file=True),
        Case(name, "utf16", utf16, "NUL|binary|UTF"),
        Case(name, "mixed-encoding", mixed_encoding, "UTF-8"),
        Case(name, "nul-byte", nul_byte, "NUL|binary"),
        Case(name, "html-page", html_page),
        Case(name, "tab-indentation", _sub(rb"\n    schema: Person", b"\n\tschema: Person"), "YAML"),
        Case(name, "alias-bomb", yaml_bomb_in_entry),
        Case(name, "python-tag", _sub(rb"\n    name: [^\n]*", b'\n    name: !!python/object/apply:os.system ["true"]'), "YAML|tag"),
        Case(name, "impossible-date", _sub(*IMPOSSIBLE_DATE[name]), "date"),
        Case(name, "huge-field", _sub(rb"\n    birth_place: [^\n]*", b"\n    birth_place: " + b"A" * HUGE), "large|limit|long"),
    ]


# ---- xlsx cases -------------------------------------------------------------------------


def _replace_member(data: bytes, name: str, content: bytes, level: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", level) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, content if info.filename == name else src.read(info.filename))
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"


def _sheet_with(s: Seed, prologue: bytes) -> bytes:
    sheet = zipfile.ZipFile(io.BytesIO(s.primary)).read(SHEET)
    end = sheet.index(b"?>") + 2 if sheet.startswith(b"<?xml") else 0
    return _replace_member(s.primary, SHEET, sheet[:end] + prologue + sheet[end:])


def zip_bomb(s: Seed) -> bytes:
    # 40 MB of blanks inside the sheet: packs to ~40 KB, far beyond any real workbook's ratio.
    return _sheet_with(s, b" " * 40_000_000)


def sheet_doctype(s: Seed) -> bytes:
    return _sheet_with(s, BILLION_LAUGHS)


def _sheet_ref(new_ref: bytes) -> Mutation:
    def make(s: Seed) -> bytes:
        sheet = zipfile.ZipFile(io.BytesIO(s.primary)).read(SHEET)
        refs = list(re.finditer(rb'<c r="([A-Z]+[0-9]+)"', sheet))
        last = refs[-1]
        sheet = sheet[: last.start(1)] + new_ref + sheet[last.end(1) :]
        return _replace_member(s.primary, SHEET, sheet)

    return make


def not_a_workbook_zip(_s: Seed) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return out.getvalue()


def truncated_zip(s: Seed) -> bytes:
    return s.primary[: int(len(s.primary) * 0.6)]


def _rows_edit(edit: Callable[[list[list[object]]], None]) -> Mutation:
    def make(s: Seed) -> bytes:
        rows = [list(r) for r in s.rows]
        edit(rows)
        sheet = "Data" if s.name == "uk_ofsi_xlsx" else "Sheet1"
        return workbook_bytes(rows, sheet)

    return make


def _header_row(rows: list[list[object]]) -> list[object]:
    return next(r for r in rows if any(isinstance(v, str) and v in ("Group ID", "Reference") for v in r))


def _rename_id_column(rows: list[list[object]]) -> None:
    header = _header_row(rows)
    column = "Group ID" if "Group ID" in header else "Reference"
    header[header.index(column)] = column + " (renamed)"


def _impossible_xlsx_date(rows: list[list[object]]) -> None:
    if rows[0][0] == "Last Updated":
        rows[0][1] = "30/02/2025"
        return
    header = rows[0]
    rows[1][header.index("Control Date")] = "30/02/2014"


def _blank_id(rows: list[list[object]]) -> None:
    header = _header_row(rows)
    column = "Group ID" if "Group ID" in header else "Reference"
    rows[-1][header.index(column)] = None


def _xlsx_cases() -> list[Case]:
    cases = []
    for name in XLSX_SEEDS:
        cases += [
            # OFSI publishes the same list as CSV: a non-zip is read as CSV and refused as one.
            Case(name, "not-a-zip", html_page, "zip|not this format", whole_file=True),
            Case(name, "empty", empty, "empty", whole_file=True),
            Case(name, "truncated-zip", truncated_zip, "zip|damaged", whole_file=True),
            Case(name, "zip-without-sheet", not_a_workbook_zip, "worksheet", whole_file=True),
            Case(name, "zip-bomb", zip_bomb, "zip bomb"),
            Case(name, "sheet-doctype", sheet_doctype, "DOCTYPE"),
            # calamine would size the sheet to its furthest cell: terabytes for these two.
            Case(name, "far-cell", _sheet_ref(b"XFD1048576"), "sheet spans"),
            Case(name, "bad-cell-ref", _sheet_ref(b"Y" + b"H" * 70 + b"2"), "invalid cell reference"),
            Case(name, "empty-sheet", _rows_edit(lambda rows: rows.clear()), "empty sheet|no header", whole_file=True),
            Case(name, "missing-column", _rows_edit(_rename_id_column), "column"),
            Case(name, "blank-id", _rows_edit(_blank_id), "row"),
            Case(name, "impossible-date", _rows_edit(_impossible_xlsx_date), "date|Date"),
        ]
    return cases


CASES = _csv_cases() + _xml_cases() + _yaml_cases() + _xlsx_cases()


# ---- the test ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def good_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding one good snapshot (an authored list), copied for each case."""
    path = tmp_path_factory.mktemp("good") / "store.db"
    import_files(open_engine(str(path)), [FIXTURES / "authored" / "csv" / "tr-syria.csv"])
    return path


def _write_case(case: Case, folder: Path) -> tuple[Path, Path]:
    """Write the broken version; (what to import, the broken file)."""
    s = seed(case.seed)
    bad = case.make(s)
    if case.companion is None:
        primary, _companions = s.write(folder, primary=bad)
        broken = primary
    else:
        primary, _companions = s.write(folder)
        broken = folder / case.companion
        broken.write_bytes(bad)
    target = folder if len(s.files) > 1 else primary
    return target, broken


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_refused_with_file_and_place(case: Case, good_store: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    shutil.copy(good_store, db)
    before = dump_store(open_engine(str(db)))
    target, broken = _write_case(case, tmp_path / "input")

    result = CliRunner().invoke(
        app, ["import", str(target), "--source", seed(case.seed).format, "--db", str(db)], catch_exceptions=False
    )

    message = result.stderr.strip()
    assert result.exit_code == 1, f"exit {result.exit_code}: {result.output}"
    assert "\n" not in message and message.startswith("error: "), message
    assert broken.name in message, message
    by_assertions = re.match(r"error: \S+: refused: ", message)
    if case.refused:
        assert by_assertions, message
    else:
        assert not by_assertions, f"the parser let this through; only the count assertions caught it: {message}"
        if not case.whole_file:
            assert PLACE.search(message), f"no place named: {message}"
    if case.expect:
        assert re.search(case.expect, message), message
    assert dump_store(open_engine(str(db))) == before


def test_the_corpus_covers_every_format() -> None:
    from smartsanctions.sources.registry import formats

    covered = {seed(c.seed).format for c in CASES}
    assert covered == set(formats())
    assert len(CASES) >= 150


@pytest.mark.parametrize("name", CSV_SEEDS)
def test_mixed_line_endings_read_the_same_records(name: str, tmp_path: Path) -> None:
    """CRLF and LF mixed line by line is not damage: the records come out the same."""
    from smartsanctions.sources.registry import formats

    s = seed(name)
    lines = s.primary.replace(b"\r\n", b"\n").split(b"\n")
    mixed = b"".join(line + (b"\r\n" if i % 2 else b"\n") for i, line in enumerate(lines[:-1])) + lines[-1]
    fmt = formats()[s.format]

    def ids(primary: bytes, folder: Path) -> list[str]:
        path, companions = s.write(folder, primary=primary)
        return [r.id for parsed in fmt.parse(path, companions) for r in parsed.records]

    plain = ids(s.primary.replace(b"\r\n", b"\n"), tmp_path / "lf")
    assert plain
    assert ids(mixed, tmp_path / "mixed") == plain
