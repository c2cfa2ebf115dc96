"""Streaming readers and writers for batch screening: CSV, XLSX and Parquet.

Readers yield rows in chunks of plain strings (one list per row, in header order), so memory
stays flat however large the input is, or slices: runs of rows as CSV text that a worker
parses itself (``slice_rows``) into the very rows the reader would have given. Writers take
rows of Python values and write them in the format the output file's extension names.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Protocol

from smartsanctions.sources.base import SourceError

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet", ".pq": "parquet"}
csv.field_size_limit(10_000_000)


def file_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"{path}: unsupported file type {path.suffix or '(none)'!r}; use .csv, .xlsx or .parquet")
    return fmt


def cell_text(value: Any) -> str:
    """One cell as text: dates as ISO, integral floats without '.0', empty for nulls."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


@dataclass(frozen=True)
class Slice:
    """Consecutive input rows as UTF-8 CSV records without a header: one task's input."""

    data: bytes
    first_row: int  # rows of the input before this slice
    rows: int
    first_line: int = 0  # CSV lines before it (for error locations; 0 when re-encoded)


class RowReader(Protocol):
    path: Path
    columns: list[str]

    def count(self) -> int | None: ...

    def chunks(self, size: int, skip: int = 0) -> Iterator[list[list[str]]]: ...

    def slices(self, size: int, skip: int = 0) -> Iterator[Slice]: ...


def _unique_header(path: Path, header: Sequence[Any], place: str) -> list[str]:
    columns = [cell_text(h).strip() for h in header]
    seen: set[str] = set()
    for i, col in enumerate(columns):
        if not col:
            raise SourceError(path, f"column {i + 1} has no name", place)
        if col in seen:
            raise SourceError(path, f"column {col!r} appears twice", place)
        seen.add(col)
    return columns


def _batched(rows: Iterator[list[str]], size: int, skip: int) -> Iterator[list[list[str]]]:
    chunk: list[list[str]] = []
    for n, row in enumerate(rows):
        if n < skip:
            continue
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def parse_csv(lines: Iterable[str], width: int, path: Path, line_offset: int = 0) -> Iterator[list[str]]:
    """The non-blank rows of CSV ``lines``; an error names the line, counted after ``line_offset``."""
    reader = csv.reader(lines)
    try:
        for row in reader:
            if not row:
                continue
            if len(row) != width:
                raise SourceError(path, f"{len(row)} fields where the header has {width}",
                                  f"line {line_offset + reader.line_num}")
            yield row
    except csv.Error as exc:
        raise SourceError(path, f"malformed CSV: {exc}", f"line {line_offset + reader.line_num}") from None
    except UnicodeDecodeError as exc:
        raise SourceError(path, f"not UTF-8 text: {exc.reason}", f"line {line_offset + reader.line_num + 1}") from None


def slice_rows(part: Slice, width: int, path: Path) -> list[list[str]]:
    """The rows of a slice, parsed as the reader that cut it parsed them."""
    # newline="" splits lines as the reader's file did (\n, \r\n and lone \r), untranslated
    text = io.StringIO(part.data.decode("utf-8"), newline="")
    return list(parse_csv(text, width, path, part.first_line))


def encode_rows(rows: Sequence[Sequence[str]]) -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode("utf-8")


def encoded_slices(chunks: Iterator[list[list[str]]], skip: int) -> Iterator[Slice]:
    """Slices of rows read by another reader, re-encoded as CSV (CSV round-trips any strings)."""
    done = skip
    for chunk in chunks:
        yield Slice(encode_rows(chunk), done, len(chunk))
        done += len(chunk)


class _Tracked:
    """A text file's lines, counting them and the bytes they came from."""

    def __init__(self, fh: Any, start: int) -> None:
        self._fh = fh
        self.pos = start
        self.lines = 0

    def __iter__(self) -> Iterator[str]:
        for line in self._fh:
            self.pos += len(line.encode("utf-8"))
            self.lines += 1
            yield line


class CsvReader:
    def __init__(self, path: Path) -> None:
        self.path = path
        with self._open() as fh:
            try:
                header = next(csv.reader(fh))
            except StopIteration:
                raise SourceError(path, "the file is empty (no header row)", "line 1") from None
            except (csv.Error, UnicodeDecodeError) as exc:
                raise SourceError(path, f"unreadable header: {exc}", "line 1") from None
        self.columns = _unique_header(path, header, "line 1")

    def _open(self) -> Any:
        return self.path.open(encoding="utf-8-sig", newline="")

    def _rows(self) -> Iterator[list[str]]:
        with self._open() as fh:
            yield from self._parse(iter(fh))

    def _parse(self, lines: Iterator[str]) -> Iterator[list[str]]:
        """The rows after the header (which ``__init__`` checked)."""
        head = csv.reader(lines)
        next(head, None)
        return parse_csv(lines, len(self.columns), self.path, line_offset=head.line_num)

    def count(self) -> int | None:
        return sum(1 for _ in self._rows())

    def chunks(self, size: int, skip: int = 0) -> Iterator[list[list[str]]]:
        return _batched(self._rows(), size, skip)

    def slices(self, size: int, skip: int = 0) -> Iterator[Slice]:
        """Runs of ``size`` rows as the file's own bytes, cut after whole records."""
        with self.path.open("rb") as raw, self._open() as fh:
            bom = len(codecs.BOM_UTF8) if raw.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8 else 0
            lines = _Tracked(fh, bom)
            rows = self._parse(iter(lines))
            done, start, first_line, first_row = 0, lines.pos, lines.lines, skip
            for _ in rows:
                done += 1
                if done <= skip:
                    start, first_line = lines.pos, lines.lines
                elif done - first_row == size:
                    yield self._cut(raw, start, lines.pos, first_row, size, first_line)
                    start, first_line, first_row = lines.pos, lines.lines, done
            if done > first_row:
                yield self._cut(raw, start, lines.pos, first_row, done - first_row, first_line)

    @staticmethod
    def _cut(raw: Any, start: int, end: int, first_row: int, rows: int, first_line: int) -> Slice:
        raw.seek(start)
        return Slice(raw.read(end - start), first_row, rows, first_line)


class XlsxReader:
    def __init__(self, path: Path) -> None:
        from openpyxl import load_workbook

        self.path = path
        try:
            self._book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a non-xlsx file
            raise SourceError(path, f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
        self._sheet = self._book.worksheets[0]
        header = next(self._sheet.iter_rows(max_row=1, values_only=True), None)
        if not header:
            raise SourceError(path, "the first sheet is empty (no header row)", "row 1")
        while header and header[-1] in (None, ""):
            header = header[:-1]
        self.columns = _unique_header(path, header, "row 1")

    def _rows(self) -> Iterator[list[str]]:
        width = len(self.columns)
        for values in self._sheet.iter_rows(min_row=2, values_only=True):
            row = [cell_text(v) for v in values[:width]]
            if not any(row):
                continue
            row.extend([""] * (width - len(row)))
            yield row

    def count(self) -> int | None:
        rows = self._sheet.max_row
        return None if rows is None else max(rows - 1, 0)

    def chunks(self, size: int, skip: int = 0) -> Iterator[list[list[str]]]:
        return _batched(self._rows(), size, skip)

    def slices(self, size: int, skip: int = 0) -> Iterator[Slice]:
        return encoded_slices(self.chunks(size, skip), skip)


class ParquetReader:
    def __init__(self, path: Path) -> None:
        import pyarrow.parquet as pq

        self.path = path
        try:
            self._file = pq.ParquetFile(path)
        except Exception as exc:  # noqa: BLE001 - pyarrow raises ArrowInvalid/OSError for a non-parquet file
            raise SourceError(path, f"not a readable Parquet file ({exc})") from None
        self.columns = _unique_header(path, self._file.schema_arrow.names, "schema")

    def count(self) -> int | None:
        return int(self._file.metadata.num_rows)

    def _rows(self, size: int) -> Iterator[list[str]]:
        for batch in self._file.iter_batches(batch_size=size):
            cols = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for values in zip(*cols, strict=True):
                yield [cell_text(v) for v in values]

    def chunks(self, size: int, skip: int = 0) -> Iterator[list[list[str]]]:
        return _batched(self._rows(size), size, skip)

    def slices(self, size: int, skip: int = 0) -> Iterator[Slice]:
        return encoded_slices(self.chunks(size, skip), skip)


def open_reader(path: Path) -> RowReader:
    fmt = file_format(path)
    if not path.is_file():
        raise SourceError(path, "no such file")
    if fmt == "csv":
        return CsvReader(path)
    if fmt == "xlsx":
        return XlsxReader(path)
    return ParquetReader(path)


class RowWriter(Protocol):
    def write(self, rows: Sequence[Sequence[Any]]) -> None: ...

    def close(self) -> None: ...


class CsvWriter:
    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        self._fh = path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._fh)
        self._csv.writerow(columns)

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        self._csv.writerows([[_csv_value(v) for v in row] for row in rows])

    def close(self) -> None:
        self._fh.close()


def _csv_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class XlsxWriter:
    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        from openpyxl import Workbook

        self._path = path
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet("hits")
        self._sheet.append(list(columns))

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        for row in rows:
            self._sheet.append(list(row))

    def close(self) -> None:
        self._book.save(self._path)


class ParquetWriter:
    """Strings for the input's columns; typed score (float64) and match (bool)."""

    def __init__(self, path: Path, columns: Sequence[str], types: dict[str, str]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._pa = pa
        arrow = {"float": pa.float64(), "bool": pa.bool_()}
        self._schema = pa.schema([(c, arrow.get(types.get(c, ""), pa.string())) for c in columns])
        self._writer = pq.ParquetWriter(path, self._schema)

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        cols = list(zip(*rows, strict=True))
        arrays = [self._pa.array(list(col), type=f.type) for col, f in zip(cols, self._schema, strict=True)]
        self._writer.write_table(self._pa.Table.from_arrays(arrays, schema=self._schema))

    def close(self) -> None:
        self._writer.close()


def open_writer(path: Path, columns: Sequence[str], types: dict[str, str]) -> RowWriter:
    """A writer for ``path``'s format; ``types`` marks columns as "float" or "bool"."""
    fmt = file_format(path)
    if fmt == "csv":
        return CsvWriter(path, columns)
    if fmt == "xlsx":
        return XlsxWriter(path, columns)
    return ParquetWriter(path, columns, types)
