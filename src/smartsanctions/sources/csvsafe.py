"""Strict reading of delimited text files (CSV, TSV) for every flat-file format.

Official files come as UTF-8 (with or without a byte-order mark) or, from older Windows
tooling, as cp1252. Text that is not valid UTF-8 is decoded as cp1252 only when it holds
no valid multi-byte UTF-8 sequence at all (a consistently single-byte file); a file that
mixes both is damaged and refused, because guessing would silently corrupt names.

Broken quoting, rows whose field count differs from the header, a wrong delimiter and
missing columns all raise :class:`SourceError` naming the file and the line.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smartsanctions.sources.base import SourceError

log = logging.getLogger(__name__)

_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_BOM = b"\xef\xbb\xbf"

csv.field_size_limit(16 * 1024 * 1024)


@dataclass
class Decoded:
    text: str
    encoding: str  # "utf-8", "utf-8-sig" or "cp1252"
    notes: list[str] = field(default_factory=list)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(path: Path, data: bytes) -> Decoded:
    """Text of a list file: UTF-8 (BOM accepted) or a pure single-byte cp1252 file."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise SourceError(path, "binary data (NUL byte): not a text/CSV file", f"line {_line_of(data, nul)}")
    if data.startswith(_BOM):
        return Decoded(_decode_utf8(path, data[len(_BOM):], bom=True), "utf-8-sig")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        if _UTF8_MULTIBYTE.search(data):
            raise SourceError(
                path,
                f"invalid UTF-8 (byte 0x{data[exc.start]:02x}) in a file that also holds valid UTF-8: "
                "mixed or damaged encoding, refused",
                f"line {_line_of(data, exc.start)}",
            ) from exc
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc2:
            raise SourceError(
                path, f"neither UTF-8 nor cp1252 (byte 0x{data[exc2.start]:02x})", f"line {_line_of(data, exc2.start)}"
            ) from exc2
    note = "not UTF-8: decoded as cp1252 (Windows-1252)"
    log.warning("%s: %s", path, note)
    return Decoded(text, "cp1252", [note])


def _decode_utf8(path: Path, data: bytes, *, bom: bool) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + (len(_BOM) if bom else 0)
        raise SourceError(
            path, f"invalid UTF-8 (byte 0x{data[exc.start]:02x}) after a UTF-8 byte-order mark", f"line {_line_of(data, offset)}"
        ) from exc


@dataclass
class Table:
    """A delimited file, read: its header, its rows (with their first line numbers), notes."""

    path: Path
    header: list[str]
    encoding: str
    notes: list[str]
    _rows: Iterator[tuple[int, list[str]]]
    index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = {name: i for i, name in enumerate(self.header)}

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line number, fields) per data row; fields line up with ``header``."""
        return self._rows

    def dicts(self) -> Iterator[tuple[int, dict[str, str]]]:
        header = self.header
        for line, fields in self._rows:
            yield line, dict(zip(header, fields, strict=True))


def _sniff_delimiter_hint(line: str, delimiter: str) -> str:
    for name, cand in (("tab", "\t"), ("semicolon", ";"), ("comma", ","), ("pipe", "|")):
        if cand != delimiter and line.count(cand) >= 2:
            return f"; the header looks {name}-delimited"
    return ""


def read_table(
    path: Path,
    *,
    delimiter: str = ",",
    required: Iterable[str] = (),
    allowed: Iterable[str] | None = None,
    skip_repeated_header: bool = False,
    allow_truncated_tail: bool = False,
    comment_prefix: str | None = None,
    data: bytes | None = None,
) -> Table:
    """Open a delimited file strictly.

    ``required`` columns must be in the header; with ``allowed`` every header column must
    be in it (unknown columns are refused). ``skip_repeated_header`` drops data rows equal
    to the header (some published files repeat it) and records a note. With
    ``allow_truncated_tail`` a last record cut off by the end of the file (no final
    newline, too few fields or an open quote) is dropped with a note instead of refused;
    anywhere else a short record is an error. With ``comment_prefix`` leading lines
    starting with it are skipped (they are not data).
    """
    raw = path.read_bytes() if data is None else data
    decoded = decode(path, raw)
    text = decoded.text
    first_line = 1
    if comment_prefix:
        text, first_line = _strip_leading_comments(text, comment_prefix)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise SourceError(path, "the file has no header row") from None
    except csv.Error as exc:
        hint = _sniff_delimiter_hint(text.split("\n", 1)[0], delimiter)
        raise SourceError(path, f"broken header: {exc}{hint}", f"line {first_line} (header)") from exc
    header = [h.strip() for h in header]
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    _check_header(path, header, delimiter, required, allowed, first_line)
    notes = list(decoded.notes)
    truncated_ok = allow_truncated_tail and not text.endswith(("\n", "\r"))
    options = _RowOptions(skip_repeated_header, truncated_ok, first_line - 1, reader.line_num)
    rows = _rows(path, reader, header, options, notes)
    return Table(path, header, decoded.encoding, notes, rows)


def _strip_leading_comments(text: str, prefix: str) -> tuple[str, int]:
    lines = text.splitlines(keepends=True)
    skipped = 0
    for line in lines:
        if line.lstrip().startswith(prefix) or not line.strip():
            skipped += 1
            continue
        break
    return "".join(lines[skipped:]), skipped + 1


def _check_header(
    path: Path, header: list[str], delimiter: str, required: Iterable[str], allowed: Iterable[str] | None, line: int
) -> None:
    place = f"line {line} (header)"
    required = list(required)
    joined = delimiter.join(header)
    if len(header) <= 1 and len(required) > 1:
        hint = _sniff_delimiter_hint(joined, delimiter)
        raise SourceError(path, f"the header has {len(header)} column(s) with delimiter {delimiter!r}{hint}: wrong delimiter or not this format", place)
    seen: set[str] = set()
    dupes = [h for h in header if h in seen or seen.add(h)]  # type: ignore[func-returns-value]
    if dupes:
        raise SourceError(path, f"duplicate column(s) {dupes}", place)
    missing = [c for c in required if c not in seen]
    if missing:
        raise SourceError(path, f"missing required column(s) {missing}; found {header}", place)
    if allowed is not None:
        unknown = [h for h in header if h not in set(allowed)]
        if unknown:
            raise SourceError(path, f"unknown column(s) {unknown}; allowed: {sorted(set(allowed))}", place)


@dataclass(frozen=True)
class _RowOptions:
    skip_repeated_header: bool
    truncated_tail_ok: bool
    line_offset: int
    header_lines: int


def _rows(
    path: Path,
    reader: Any,
    header: list[str],
    options: _RowOptions,
    notes: list[str],
) -> Iterator[tuple[int, list[str]]]:
    width = len(header)
    offset = options.line_offset
    last_line = options.header_lines
    while True:
        start = last_line + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if options.truncated_tail_ok and "end of data" in str(exc):
                _note_truncated(path, notes, start + offset)
                return
            raise SourceError(path, f"broken quoting: {exc}", f"line {start + offset}") from exc
        last_line = reader.line_num
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue
        if len(fields) != width:
            # A short record is tolerated only as the very last one of a file cut short.
            if options.truncated_tail_ok and len(fields) < width and _at_end(reader):
                _note_truncated(path, notes, start + offset)
                return
            _raise_width(path, width, (start, last_line, fields), offset)
        if options.skip_repeated_header and [f.strip() for f in fields] == header:
            note = f"line {start + offset}: repeated header row skipped"
            notes.append(note)
            log.info("%s: %s", path, note)
            continue
        yield start + offset, fields


def _at_end(reader: Any) -> bool:
    try:
        next(reader)
    except StopIteration:
        return True
    except csv.Error:
        return False
    return False


def _raise_width(path: Path, width: int, where: tuple[int, int, list[str]], offset: int) -> None:
    start, end, fields = where
    spans = f"lines {start + offset}-{end + offset}" if end > start else f"line {start + offset}"
    raise SourceError(path, f"expected {width} fields, found {len(fields)} (broken quoting or wrong delimiter?)", spans)


def _note_truncated(path: Path, notes: list[str], line: int) -> None:
    note = f"line {line}: the file ends inside this record (truncated file); the incomplete last record was dropped"
    notes.append(note)
    log.warning("%s: %s", path, note)
