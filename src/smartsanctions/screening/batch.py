"""Batch screening of a file of parties: streaming, resumable, pinned to one data version.

The input is cut into slices (runs of rows as CSV bytes; see ``batch_io.Slice``); each slice
is screened (in this process, or as one Dask task per worker, each taking its share of the
rows) and its hit rows, formatted where they were screened, are appended to a journal beside
the output (``<output>.partial.csv``) before a small sidecar (``<output>.progress.json``)
records how many input rows are done and how long the journal is. A run that is interrupted
and started again with the same input, settings and data version truncates the journal to
the last recorded length and continues after the last completed slice, so no row is lost or
written twice. When every row is done the journal becomes the output (converted to
XLSX/Parquet when asked).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import time
import weakref
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from smartsanctions.screening.batch_io import Slice, file_format, open_reader, open_writer, slice_rows
from smartsanctions.screening.index import ScreeningIndex
from smartsanctions.screening.model import Query
from smartsanctions.screening.scoring import COUNTRY_MATCH, DOB_EXACT
from smartsanctions.sources.base import SourceError

FIELDS = ("id", "name", "dob", "country", "schema", "identifier")
HIT_COLUMNS = ("entity_id", "caption", "score", "match", "relation", "data_version")
CHUNK_ROWS = 2000
DASK_CHUNK_ROWS = 10_000  # rows per Dask slice: fewer, larger tasks keep the driver and scheduler idle
MAX_HITS = 25  # hits kept per input row (the best ones)
_JOURNAL_FORMAT = 1

_SCHEMAS = {
    "person": "Person",
    "individual": "Person",
    "organization": "Organization",
    "organisation": "Organization",
    "entity": "Organization",
    "company": "Company",
    "legalentity": "LegalEntity",
    "publicbody": "PublicBody",
    "vessel": "Vessel",
    "airplane": "Airplane",
    "aircraft": "Airplane",
    "thing": "Thing",
}

# (name, dob, country, schema, identifiers): what a worker needs to screen one row.
QueryFields = tuple[str, str | None, str | None, str | None, tuple[str, ...]]
# (entity_id, caption, score, match, relation)
Hit = tuple[str, str, float, bool, str]


def parse_column_map(text: str | None) -> dict[str, str]:
    """``name=full_name,dob=date_of_birth`` -> {"name": "full_name", "dob": "date_of_birth"}."""
    mapping: dict[str, str] = {}
    if not text or not text.strip():
        return mapping
    for item in text.split(","):
        if not item.strip():
            continue
        target, sep, source = item.partition("=")
        target, source = target.strip().lower(), source.strip()
        if not sep or not target or not source:
            raise ValueError(f"--columns: {item.strip()!r} is not FIELD=COLUMN (e.g. name=full_name)")
        if target not in FIELDS:
            raise ValueError(f"--columns: unknown field {target!r}; fields are {', '.join(FIELDS)}")
        if target in mapping:
            raise ValueError(f"--columns: field {target!r} is mapped twice")
        mapping[target] = source
    return mapping


@dataclass
class BatchReport:
    rows: int
    hits: int
    data_version: str
    elapsed: float
    output: str = ""
    resumed_from: int = 0
    workers: int = 0
    threshold: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float:
        return (self.rows - self.resumed_from) / self.elapsed if self.elapsed > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "hits": self.hits,
            "data_version": self.data_version,
            "elapsed": round(self.elapsed, 3),
            "rows_per_second": round(self.rows_per_second, 1),
            "output": self.output,
            "resumed_from": self.resumed_from,
            "workers": self.workers,
            "threshold": self.threshold,
            **self.extra,
        }


# ------------------------------------------------------------------------ rows -> queries
@lru_cache(maxsize=4096)
def clean_country(value: str) -> str | None:
    from followthemoney.types import registry

    return registry.country.clean(value) or None


def clean_schema(value: str) -> str | None:
    key = value.strip().replace(" ", "").replace("_", "").lower()
    if not key:
        return None
    schema = _SCHEMAS.get(key)
    if schema is None:
        raise ValueError(f"unknown schema {value!r} (use Person, Organization, Company, Vessel, Airplane, ...)")
    return schema


def clean_dob(value: str) -> str | None:
    text = value.strip()
    if not text:
        return None
    return text.split("T", 1)[0].split(" ", 1)[0]


@dataclass(frozen=True)
class Layout:
    """Where each screening field sits in the input's rows."""

    columns: tuple[str, ...]
    positions: dict[str, int]

    @classmethod
    def of(cls, path: Path, columns: Sequence[str], mapping: dict[str, str]) -> Layout:
        unknown = [f"{f}={c}" for f, c in mapping.items() if c not in columns]
        if unknown:
            raise SourceError(path, f"--columns names column(s) the file lacks: {', '.join(unknown)}; "
                                    f"its columns are {', '.join(columns)}", "header")
        positions = {}
        for f in FIELDS:
            col = mapping.get(f, f)
            if col in columns:
                positions[f] = columns.index(col)
        if "name" not in positions:
            raise SourceError(path, f"no name column (give one named 'name' or map it with --columns name=COLUMN); "
                                    f"the columns are {', '.join(columns)}", "header")
        clash = [c for c in HIT_COLUMNS if c in columns]
        if clash:
            raise SourceError(path, f"input column(s) {', '.join(clash)} clash with the output's own columns", "header")
        return cls(tuple(columns), positions)

    def fields(self, row: Sequence[str], where: str, path: Path) -> QueryFields:
        def get(f: str) -> str:
            i = self.positions.get(f)
            return row[i].strip() if i is not None else ""

        try:
            schema = clean_schema(get("schema"))
        except ValueError as exc:
            raise SourceError(path, str(exc), where) from None
        country = get("country")
        idents = tuple(p.strip() for p in get("identifier").replace("|", ";").split(";") if p.strip())
        return (get("name"), clean_dob(get("dob")), clean_country(country) if country else None, schema, idents)

    def check_schemas(self, rows: Sequence[Sequence[str]], first_row: int, path: Path) -> None:
        """Raise for the first row with an unknown schema (each distinct value is checked once)."""
        at = self.positions.get("schema")
        if at is None:
            return
        bad = set()
        for value in {row[at] for row in rows}:
            try:
                clean_schema(value.strip())
            except ValueError:
                bad.add(value)
        for i, row in enumerate(rows):
            if row[at] in bad:
                self.fields(row, f"row {first_row + i + 1}", path)


def query_of(fields: QueryFields) -> Query | None:
    name, dob, country, schema, idents = fields
    if not name and not idents:
        return None
    return Query(name=name, birth_date=dob, country=country, schema=schema, identifiers=idents)


# Date of birth and country can lift a name score by at most this much (gender only lowers it),
# so a name whose best name-only score is below threshold - FEATURE_LIFT cannot hit.
FEATURE_LIFT = DOB_EXACT + COUNTRY_MATCH
GATE_SIZE = 300_000
_gates: weakref.WeakKeyDictionary[ScreeningIndex, dict[tuple[str, str | None, float], bool]] = (
    weakref.WeakKeyDictionary()
)


def _gate(index: ScreeningIndex, queries: Sequence[Query], threshold: float) -> dict[tuple[str, str | None], bool]:
    """For each distinct (name, schema): could any entry's name score come close enough to
    ``threshold`` for date of birth and country to matter?

    Customer books repeat names (and most names hit nothing), so this name-only answer is
    cached per index; rows whose name passes the gate get the full search, so results are
    exactly those of ``index.search``. Unknown names are probed in one batch.
    """
    gate = _gates.setdefault(index, {})
    wanted = {(q.name, q.schema) for q in queries}
    probes = {key: Query(name=key[0], schema=key[1]) for key in wanted if (key[0], key[1], threshold) not in gate}
    if probes:
        if len(gate) + len(probes) > GATE_SIZE:
            gate.clear()
        answers = index.search_many(
            list(probes.values()), threshold=threshold, limit=1, min_score=threshold - FEATURE_LIFT - 1e-6
        )
        for key, found in zip(probes, answers, strict=True):
            gate[(key[0], key[1], threshold)] = bool(found)
    return {key: gate[(key[0], key[1], threshold)] for key in wanted}


def screen_chunk(index: ScreeningIndex, rows: Sequence[QueryFields], threshold: float) -> list[list[Hit]]:
    """The hits of each row, best first; the chunk goes through the index's batched search."""
    queries = [query_of(fields_) for fields_ in rows]
    named = [q for q in queries if q is not None and not q.identifiers]
    passes = _gate(index, named, threshold)
    todo = [q for q in queries if q is not None and (q.identifiers or passes[(q.name, q.schema)])]
    distinct = list(dict.fromkeys(todo))
    found = dict(zip(distinct, index.search_many(distinct, threshold=threshold, limit=MAX_HITS, min_score=threshold), strict=True))
    results: list[list[Hit]] = []
    for query in queries:
        matches = found.get(query, []) if query is not None else []
        results.append([(m.entry.id, m.entry.caption, m.score, m.match, m.entry.relation or "") for m in matches if m.match])
    return results


# ------------------------------------------------------------------------- the journal
def input_fingerprint(path: Path) -> str:
    """Size, mtime and the first and last 64 KiB: cheap, and changes when the file does."""
    st = path.stat()
    digest = hashlib.sha256(f"{st.st_size}:{st.st_mtime_ns}".encode())
    with path.open("rb") as fh:
        digest.update(fh.read(65536))
        if st.st_size > 65536:
            fh.seek(max(st.st_size - 65536, 65536))
            digest.update(fh.read())
    return digest.hexdigest()


@dataclass
class Journal:
    """The partial output and its progress sidecar."""

    output: Path
    settings: dict[str, Any]

    @property
    def partial(self) -> Path:
        return self.output.with_name(self.output.name + ".partial.csv")

    @property
    def sidecar(self) -> Path:
        return self.output.with_name(self.output.name + ".progress.json")

    def resume_point(self) -> tuple[int, int, int]:
        """(rows done, hit rows written, journal bytes) of a matching earlier run, else zeros."""
        if not (self.sidecar.is_file() and self.partial.is_file()):
            return 0, 0, 0
        try:
            state = json.loads(self.sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return 0, 0, 0
        if state.get("settings") != self.settings or self.partial.stat().st_size < state.get("bytes", 0):
            return 0, 0, 0
        return int(state["rows_done"]), int(state["hits"]), int(state["bytes"])

    def record(self, rows_done: int, hits: int, size: int) -> None:
        tmp = self.sidecar.with_suffix(".tmp")
        tmp.write_text(json.dumps({"settings": self.settings, "rows_done": rows_done, "hits": hits, "bytes": size}),
                       encoding="utf-8")
        os.replace(tmp, self.sidecar)

    def discard(self) -> None:
        for p in (self.partial, self.sidecar):
            p.unlink(missing_ok=True)


def _finish_output(journal: Journal, output: Path, columns: Sequence[str]) -> None:
    """Turn the finished journal into the output file, in the output's format."""
    if file_format(output) == "csv":
        os.replace(journal.partial, output)
        return
    tmp = output.with_name(output.name + ".tmp" + output.suffix)
    writer = open_writer(tmp, columns, {"score": "float", "match": "bool"})
    score_at, match_at = columns.index("score"), columns.index("match")
    with journal.partial.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        batch: list[list[Any]] = []
        for row in reader:
            typed: list[Any] = list(row)
            typed[score_at] = float(row[score_at])
            typed[match_at] = row[match_at] == "true"
            batch.append(typed)
            if len(batch) >= 5000:
                writer.write(batch)
                batch = []
        writer.write(batch)
    writer.close()
    os.replace(tmp, output)
    journal.partial.unlink()


# ---------------------------------------------------------------------- one slice of rows
@dataclass(frozen=True)
class SliceJob:
    """What screening a slice needs besides the index (small: it travels with every task)."""

    path: Path
    layout: Layout
    threshold: float
    data_version: str


def share_of(name: str, shares: int) -> int:
    """Which of ``shares`` workers screens a row, by a stable hash of its name: each worker
    sees its own names, so its cache of name-only answers does not repeat another's work."""
    return zlib.crc32(name.strip().casefold().encode("utf-8")) % shares


# (position in the slice, hits, output CSV lines) of one input row with hits
HitRow = tuple[int, int, str]


def screen_slice(index: ScreeningIndex, job: SliceJob, part: Slice, share: int = 0, shares: int = 1) -> list[HitRow]:
    """The output of the slice's rows in ``share`` that have hits."""
    rows = slice_rows(part, len(job.layout.columns), job.path)
    # every share checks every row: the error names the slice's first bad row, as one process would
    job.layout.check_schemas(rows, part.first_row, job.path)
    mine: Sequence[int] = range(len(rows))
    if shares > 1:
        name_at = job.layout.positions["name"]
        mine = [i for i, row in enumerate(rows) if share_of(row[name_at], shares) == share]
    where = part.first_row + 1
    fields_ = [job.layout.fields(rows[i], f"row {where + i}", job.path) for i in mine]
    found = screen_chunk(index, fields_, job.threshold)
    return _hit_lines(((i, rows[i], hits) for i, hits in zip(mine, found, strict=True) if hits), job.data_version)


def _hit_lines(hit_rows: Iterable[tuple[int, list[str], list[Hit]]], version: str) -> list[HitRow]:
    text = io.StringIO()
    writer = csv.writer(text)
    out = []
    for i, row, hits in hit_rows:
        text.seek(0)
        text.truncate()
        writer.writerows([[*row, eid, caption, f"{score:.4f}", "true" if match else "false", relation, version]
                          for eid, caption, score, match, relation in hits])
        out.append((i, len(hits), text.getvalue()))
    return out


@dataclass
class SliceOutput:
    rows: int
    hits: int
    text: str


def merge_shares(part: Slice, shares: Sequence[list[HitRow]]) -> SliceOutput:
    """One slice's output, in input order, from the hit rows its shares found."""
    hit_rows = sorted(hit_row for share in shares for hit_row in share)
    return SliceOutput(part.rows, sum(n for _, n, _ in hit_rows), "".join(text for _, _, text in hit_rows))


def _local_results(index: ScreeningIndex, job: SliceJob, slices: Iterator[Slice]) -> Iterator[SliceOutput]:
    for part in slices:
        yield merge_shares(part, [screen_slice(index, job, part)])


class _Progress:
    """A rich progress bar on stderr (rate and ETA), or nothing."""

    def __init__(self, enabled: bool, total: int | None, done: int) -> None:
        self._bar: Any = None
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._bar = Progress(
            TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
            TextColumn("{task.fields[rate]} rows/s"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=Console(stderr=True), transient=False,
        )
        self._task = self._bar.add_task("screening", total=total, completed=done, rate="-")
        self._start, self._start_done = time.monotonic(), done
        self._bar.start()

    def advance(self, done: int) -> None:
        if self._bar is None:
            return
        elapsed = time.monotonic() - self._start
        rate = (done - self._start_done) / elapsed if elapsed > 0 else 0.0
        self._bar.update(self._task, completed=done, rate=f"{rate:,.0f}")

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def screen_file(
    engine: Engine,
    input_path: Path,
    output_path: Path,
    *,
    columns: dict[str, str],
    threshold: float,
    workers: int = 0,
    scheduler: str | None = None,
    progress: bool = True,
) -> BatchReport:
    """Screen every row of ``input_path``; write one row per (input row, hit) to ``output_path``."""
    from smartsanctions.screening.service import load_index

    started = time.monotonic()
    input_path, output_path = Path(input_path), Path(output_path)
    file_format(output_path)
    if input_path.resolve() == output_path.resolve():
        raise ValueError(f"{output_path}: the output would overwrite the input")
    reader = open_reader(input_path)
    layout = Layout.of(input_path, reader.columns, columns)
    loaded = load_index(engine)
    version = loaded.data_version
    out_columns = [*layout.columns, *HIT_COLUMNS]
    journal = Journal(output_path, {
        "format": _JOURNAL_FORMAT, "input": str(input_path.resolve()), "fingerprint": input_fingerprint(input_path),
        "columns": columns, "threshold": threshold, "data_version": version, "max_hits": MAX_HITS,
    })
    rows_done, hits, size = journal.resume_point()
    if rows_done or size:
        with journal.partial.open("r+b") as fh:
            fh.truncate(size)
    else:
        journal.discard()
        with journal.partial.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerow(out_columns)
        journal.record(0, 0, journal.partial.stat().st_size)
    resumed_from = rows_done
    bar = _Progress(progress, reader.count() if progress else None, rows_done)
    job = SliceJob(input_path, layout, threshold, version)
    results: Iterator[SliceOutput]
    if workers or scheduler:
        from smartsanctions.screening.dask_runner import dask_results

        slices = reader.slices(DASK_CHUNK_ROWS, skip=rows_done)
        results = dask_results(loaded.index, job, slices, workers=workers, scheduler=scheduler)
    else:
        results = _local_results(loaded.index, job, reader.slices(CHUNK_ROWS, skip=rows_done))
    try:
        with journal.partial.open("ab") as fh:
            for out in results:
                fh.write(out.text.encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())
                rows_done += out.rows
                hits += out.hits
                journal.record(rows_done, hits, fh.tell())
                bar.advance(rows_done)
    finally:
        bar.stop()
        close = getattr(results, "close", None)
        if close is not None:
            close()
    _finish_output(journal, output_path, out_columns)
    journal.sidecar.unlink(missing_ok=True)
    return BatchReport(
        rows=rows_done, hits=hits, data_version=version, elapsed=time.monotonic() - started, output=str(output_path),
        resumed_from=resumed_from, workers=workers, threshold=threshold,
    )
