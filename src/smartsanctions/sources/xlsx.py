"""Safe reading of xlsx workbooks (OFSI ConList, DFAT consolidated list).

An xlsx file is a zip of XML parts. Before the reader sees it the archive is checked:
it must be a zip, its declared uncompressed sizes must be sane (a zip bomb declares
gigabytes behind kilobytes; Python's zipfile never inflates a member past its declared
size, so checking the declarations is enough), and no XML part may declare a DOCTYPE.
Rows come out numbered as Excel numbers them, so errors can name the row.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path

from python_calamine import CalamineWorkbook

from smartsanctions.sources.base import SourceError

ZIP_MAGIC = b"PK\x03\x04"
# Official workbooks are a few MB packed, ~20 MB unpacked, at ratios of 5-15.
MAX_UNCOMPRESSED = 512 * 1024 * 1024
MAX_RATIO = 200
_RATIO_FLOOR = 1024 * 1024  # small parts may compress very well; only large ones are judged
_PROLOGUE_BYTES = 64 * 1024

_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_COMMENT_OR_PI = re.compile(rb"<!--.*?-->|<\?.*?\?>", re.DOTALL)
_ELEMENT = re.compile(rb"<[A-Za-z_]")

# calamine allocates the whole rectangle up to the furthest cell a sheet names, so a cell
# reference like "YHHHH…2" or "XFD1048576" in a small file would ask for terabytes.
MAX_CELLS = 20_000_000  # the official workbooks hold ~0.4 million
_CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\sr=\"([A-Z]*)([0-9]*)([^\"]*)\"")

Cell = object
Row = tuple[Cell, ...]


def looks_like_zip(head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC)


def _read_prefix(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    with archive.open(info) as handle:
        return handle.read(limit)


def _check_members(path: Path, archive: zipfile.ZipFile) -> None:
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise SourceError(
                path,
                f"archive member expands {ratio}x ({info.compress_size} -> {info.file_size} bytes): "
                "refused as a likely zip bomb",
                f"member {info.filename}",
            )
    if total > MAX_UNCOMPRESSED:
        raise SourceError(
            path, f"archive declares {total} uncompressed bytes (limit {MAX_UNCOMPRESSED}): refused as a likely zip bomb"
        )


def _check_xml_part(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    prefix = _read_prefix(archive, info, _PROLOGUE_BYTES)
    prologue = _COMMENT_OR_PI.sub(b"", prefix)
    first = _ELEMENT.search(prologue)
    head = prologue if first is None else prologue[: first.start()]
    if _DOCTYPE.search(head):
        raise SourceError(path, "XML part declares a DOCTYPE/ENTITY (refused)", f"member {info.filename}")
    if first is None and len(prefix) >= _PROLOGUE_BYTES:
        raise SourceError(path, "XML part has no root element in its first 64 KiB (refused)", f"member {info.filename}")


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def _check_sheet_extent(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse malformed or absurdly distant cell references before calamine sizes the sheet."""
    refs = _CELL_REF.findall(archive.read(info))
    if not refs:
        return
    place = f"member {info.filename}"
    bad = next((r for r in refs if r[2] or not r[0] or not r[1] or len(r[0]) > 3 or len(r[1]) > 7), None)
    if bad is not None:
        shown = b"".join(bad)[:20].decode("latin-1")
        raise SourceError(path, f"invalid cell reference {shown!r}", place)
    rows = max(int(r[1]) for r in refs)
    columns = max(_column_number(letters) for letters in {r[0] for r in refs})
    if rows > 1_048_576 or columns > 16_384 or rows * columns > MAX_CELLS:
        raise SourceError(path, f"sheet spans {rows} rows x {columns} columns (limit {MAX_CELLS} cells)", place)


def check_archive(path: Path) -> None:
    """Refuse files that are not zips, zip bombs, and XML parts with a DOCTYPE."""
    try:
        with zipfile.ZipFile(path) as archive:
            _check_members(path, archive)
            names = {info.filename for info in archive.infolist()}
            if "[Content_Types].xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
                raise SourceError(path, "zip archive without an xlsx worksheet: not an Excel workbook")
            for info in archive.infolist():
                if info.filename.endswith((".xml", ".rels")):
                    _check_xml_part(path, archive, info)
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    _check_sheet_extent(path, archive, info)
    except zipfile.BadZipFile as exc:
        raise SourceError(path, f"not an xlsx workbook (not a valid zip archive: {exc})") from exc
    except (OSError, EOFError, RuntimeError, ValueError, zlib.error) as exc:  # damaged member, encryption, bad offsets
        raise SourceError(path, f"damaged xlsx archive: {exc}") from exc


def peek_text(path: Path, limit: int = _PROLOGUE_BYTES) -> str:
    """The first ``limit`` bytes of the shared strings and first sheet, for sniffing.

    Never raises: a file that cannot be peeked at is simply not recognised.
    """
    parts: list[bytes] = []
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            sheets = sorted(n for n in names if n.startswith("xl/worksheets/sheet") and n.endswith(".xml"))
            for name in ["xl/sharedStrings.xml", *sheets[:1]]:
                if name in names:
                    parts.append(_read_prefix(archive, archive.getinfo(name), limit))
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError, KeyError, zlib.error):
        return ""
    return b"\n".join(parts).decode("utf-8", "replace")


def iter_rows(path: Path, sheet: str | None = None) -> Iterator[tuple[int, Row]]:
    """(Excel row number, cell values) for each row of the first (or the named) sheet.

    Read with calamine (Rust), which reads the official workbooks about eight times faster
    than openpyxl; empty cells come back as ``None`` as openpyxl would give them.
    """
    check_archive(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types on damaged workbooks
        raise SourceError(path, f"not a readable xlsx workbook: {exc}") from exc
    try:
        if sheet is not None and sheet not in workbook.sheet_names:
            raise SourceError(path, f"no sheet named {sheet!r}; sheets: {workbook.sheet_names}")
        try:
            worksheet = workbook.get_sheet_by_name(sheet) if sheet is not None else workbook.get_sheet_by_index(0)
        except Exception as exc:
            raise SourceError(path, f"unreadable worksheet: {exc}") from exc
        first_row = worksheet.start[0] if worksheet.start else 0
        for offset, values in enumerate(worksheet.iter_rows()):
            yield first_row + offset + 1, tuple(None if v == "" else v for v in values)
    finally:
        workbook.close()


def cell_text(value: Cell) -> str | None:
    """A cell as stripped text (dates as ISO); ``None`` when empty."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\xa0", " ").strip()
    return text or None


def header_index(path: Path, values: Sequence[Cell], row: int, required: Iterable[str]) -> dict[str, int]:
    """Column positions by header name; :class:`SourceError` naming any missing columns."""
    index: dict[str, int] = {}
    for position, value in enumerate(values):
        name = cell_text(value)
        if name is None:
            continue
        if name in index:
            raise SourceError(path, f"column {name!r} appears twice in the header", f"row {row}")
        index[name] = position
    missing = [c for c in required if c not in index]
    if missing:
        raise SourceError(path, f"missing required column(s) {missing}; found {list(index)}", f"row {row}")
    return index
