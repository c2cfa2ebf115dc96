"""OFAC legacy CSV: ``sdn.csv`` (or ``cons_prim.csv``) with ``add``, ``alt`` and ``comments`` beside it.

No header; ``-0-`` marks an empty field; CRLF line ends and a trailing DOS end-of-file
byte (0x1A). The primary file has 12 columns: ent_num, name, type, programs (joined
with ``] [``), title, call sign, vessel type, tonnage, GRT, vessel flag, vessel owner,
remarks. Remarks longer than OFAC's field limit continue in the comments file
(ent_num, text), cut mid-word: the two are joined without a separator.

Also read: the Jan-2023 re-export of the SDN list in which a third party added header
rows (``ID,Name,Type,Country,...,Details``) and renamed add.csv to ``sdn_address.csv``;
the columns are the same, so it yields the same records.

Companion rows whose ent_num is not in the primary file are refused (SourceError with
file and line): none of the real files has one, so such a row means mismatched files.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from smartsanctions.sources import ofac_remarks as ofac
from smartsanctions.sources.base import FileRole, FirstSeen, ParsedList, Record, SourceError, SourceFormat
from smartsanctions.sources.build import add_address, new_record, put

EOF_BYTE = "\x1a"
PRIMARY_LISTS = {"sdn.csv": "us-sdn", "cons_prim.csv": "us-cons"}
# companion file name -> (family, kind); the family pairs it with its primary.
COMPANIONS = {
    "add.csv": ("sdn", "add"),
    "alt.csv": ("sdn", "alt"),
    "sdn_comments.csv": ("sdn", "comments"),
    "sdn_address.csv": ("sdn", "add"),
    "cons_add.csv": ("cons", "add"),
    "cons_alt.csv": ("cons", "alt"),
    "cons_comments.csv": ("cons", "comments"),
}
COLUMNS = {"primary": 12, "add": 6, "alt": 5, "comments": 2}
# Header rows of the 2023 re-export (compared case-insensitively, blanks ignored).
HEADERS = {
    "primary": ("id", "name", "type", "country", "title", "col_f", "col_g", "col_h", "col_i", "col_j", "col_k", "details"),
    "add": ("id", "col_b", "address", "city", "country", ""),
}
ALIAS_PROPS = {"aka": "alias", "a.k.a.": "alias", "fka": "previousName", "f.k.a.": "previousName",
               "nka": "alias", "n.k.a.": "alias"}


# ---- sniffing ---------------------------------------------------------------------------


def _first_row(head: bytes) -> list[str] | None:
    line = head.split(b"\n", 1)[0].decode("utf-8", errors="replace").lstrip("\ufeff").rstrip("\r")
    try:
        return next(csv.reader([line], strict=True), None)
    except csv.Error:
        return None


def _looks_like(kind: str, row: list[str] | None) -> bool:
    """The first row has the kind's column count and an ent_num (or the 2023 export's header)."""
    if row is None or len(row) != COLUMNS[kind]:
        return False
    if row[0].strip().upper() == "ID":
        return kind in HEADERS and _is_header(kind, row)
    if not row[0].strip().isdigit():
        return False
    if kind == "alt":
        return row[2].strip().lower() in ALIAS_PROPS or row[2].strip() == ofac.EMPTY
    return True


def _is_header(kind: str, row: list[str]) -> bool:
    return tuple(c.strip().lower() for c in row) == HEADERS[kind]


def sniff(path: Path, head: bytes) -> FileRole | None:
    name = path.name.lower()
    row = _first_row(head)
    if name in PRIMARY_LISTS:
        return FileRole.PRIMARY if _looks_like("primary", row) else None
    if name in COMPANIONS:
        return FileRole.COMPANION if _looks_like(COMPANIONS[name][1], row) else None
    return None


# ---- reading ----------------------------------------------------------------------------


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def _decode(path: Path) -> str:
    """UTF-8, or Windows-1252 (OFAC's older files) when the file holds no UTF-8 sequence at all."""
    data = path.read_bytes()
    nul = data.find(b"\x00")
    if nul >= 0:  # UTF-16/32 or binary data: never an OFAC CSV
        line = data.count(b"\n", 0, nul) + 1
        raise SourceError(path, "binary data (NUL byte): not a text/CSV file", f"line {line}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if _UTF8_MULTIBYTE.search(data):
            line = data.count(b"\n", 0, exc.start) + 1
            raise SourceError(path, "invalid UTF-8 in a file that also holds UTF-8: damaged encoding", f"line {line}") from exc
        return data.decode("cp1252", errors="replace")


def read_rows(path: Path, kind: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of every data row; SourceError naming the line otherwise."""
    text = _decode(path)
    ncols = COLUMNS[kind]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    last_line = 0
    first = True
    while True:
        line = last_line + 1
        try:
            row = next(reader, None)
        except csv.Error as exc:
            raise SourceError(path, f"broken CSV quoting ({exc})", f"line {line}") from exc
        if row is None:
            return
        last_line = reader.line_num
        if row and row[0].startswith(EOF_BYTE):
            _check_after_eof(path, line, row, reader)
            return
        if not any(cell.strip() for cell in row):
            continue
        if any("\n" in cell or "\r" in cell for cell in row):
            raise SourceError(path, "broken CSV quoting: a quoted field runs over several lines", f"line {line}")
        if len(row) != ncols:
            raise SourceError(path, f"expected {ncols} columns, found {len(row)}", f"line {line}")
        if first and row[0].strip().upper() == "ID":
            first = False
            if kind not in HEADERS or not _is_header(kind, row):
                raise SourceError(path, f"unexpected header row {row!r}", f"line {line}")
            continue
        first = False
        if not row[0].strip().isdigit():
            raise SourceError(path, f"ent_num {row[0]!r} is not a number", f"line {line}")
        yield line, row


def _check_after_eof(path: Path, line: int, row: list[str], reader: Iterator[list[str]]) -> None:
    """The DOS end-of-file byte ends the data; only empty cells may follow it."""
    trailing = [row[0][1:], *row[1:]]
    try:
        for rest in reader:
            trailing.extend(rest)
    except csv.Error as exc:
        raise SourceError(path, f"broken CSV quoting after the end-of-file byte ({exc})", f"line {line}") from exc
    if any(cell.strip() for cell in trailing):
        raise SourceError(path, "data after the end-of-file byte (0x1A)", f"line {line}")


# ---- building records ---------------------------------------------------------------------


@dataclass
class _Companions:
    adds: dict[str, list[list[str]]] = field(default_factory=lambda: defaultdict(list))
    alts: dict[str, list[list[str]]] = field(default_factory=lambda: defaultdict(list))
    comments: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def _family(primary: Path) -> str:
    return "cons" if "cons" in primary.name.lower() else "sdn"


def _list_id(primary: Path) -> str:
    return PRIMARY_LISTS.get(primary.name.lower(), "us-cons" if _family(primary) == "cons" else "us-sdn")


def _read_companions(primary: Path, ent_nums: FirstSeen, companions: Sequence[Path]) -> tuple[_Companions, list[Path]]:
    found = _Companions()
    used: list[Path] = []
    family = _family(primary)
    for path in companions:
        known = COMPANIONS.get(path.name.lower())
        if known is None or known[0] != family:
            continue  # another primary's companion in the same folder
        kind = known[1]
        used.append(path)
        for line, row in read_rows(path, kind):
            ent_num = row[0].strip()
            if ent_num not in ent_nums:
                raise SourceError(path, f"ent_num {ent_num} is not in {primary.name}", f"line {line}")
            if kind == "add":
                found.adds[ent_num].append(row)
            elif kind == "alt":
                found.alts[ent_num].append(row)
            else:
                found.comments[ent_num].append(row[1])
    return found, used


def _add_alias(record: Record, row: list[str]) -> None:
    name = ofac.clean(row[3])
    if not name:
        return
    alt_type = (ofac.clean(row[2]) or "aka").lower()
    remarks = (ofac.clean(row[4]) or "").lower()
    prop = ALIAS_PROPS.get(alt_type, "alias")
    if prop == "alias" and "weak" in remarks:
        prop = "weakAlias"
    put(record.target, prop, name)


def _add_place(record: Record, row: list[str]) -> None:
    street, city, country, remarks = (ofac.clean(v) for v in row[2:6])
    address = add_address(record, street=street, city=city, country=country)
    if address is not None:
        put(address, "remarks", remarks)
    ofac.add_country(record, country)


def build_record(list_id: str, row: list[str], found: _Companions) -> Record:
    ent_num = row[0].strip()
    sdn_type = (ofac.clean(row[2]) or "").lower()
    schema = ofac.SCHEMAS.get(sdn_type)
    if schema is None:
        raise ValueError(f"unknown SDN type {row[2]!r}")
    record = new_record(list_id, ent_num, schema)
    name = ofac.clean(row[1])
    if not name:
        raise ValueError("empty name")
    ofac.add_primary_name(record, name)
    if schema == "Airplane":
        put(record.target, "registrationNumber", name)  # OFAC names aircraft by tail number
    ofac.add_programs(record, list_id, ofac.split_programs(row[3]), ent_num)
    title = ofac.clean(row[4])
    if title:
        ofac.apply_fact(record, "Title", title)
    ofac.add_vessel_info(record, *row[5:11])
    for alt in found.alts.get(ent_num, ()):
        _add_alias(record, alt)
    for add in found.adds.get(ent_num, ()):
        _add_place(record, add)
    remarks = ofac.clean(row[11]) or ""
    remarks += "".join(found.comments.get(ent_num, ()))
    ofac.apply_remarks(record, remarks)
    return record


def parse(primary: Path, companions: Sequence[Path]) -> Iterator[ParsedList]:
    list_id = _list_id(primary)
    rows: list[tuple[int, list[str]]] = []
    ent_nums = FirstSeen(primary, "ent_num")
    for line, row in read_rows(primary, "primary"):
        ent_nums.add(row[0].strip(), line)
        rows.append((line, row))
    if not rows:
        raise SourceError(primary, "no entries in the file")
    found, used = _read_companions(primary, ent_nums, companions)
    records = []
    for line, row in rows:
        try:
            records.append(build_record(list_id, row, found))
        except ValueError as exc:
            raise SourceError(primary, str(exc), f"line {line}") from exc
    ofac.resolve_exact_links(records)
    yield ParsedList(list_id=list_id, records=records, files=(primary, *used))


FORMAT = SourceFormat(
    name="ofac_csv",
    description="OFAC legacy CSV (sdn.csv / cons_prim.csv with add, alt and comments files)",
    lists=("us-sdn", "us-cons"),
    sniff=sniff,
    parse=parse,
    primary_names=("sdn.csv", "cons_prim.csv"),
)
