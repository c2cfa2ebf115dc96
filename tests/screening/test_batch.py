"""Batch screening: column mapping, the three file formats, bad input, Dask, resuming."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine

from smartsanctions.screening import batch
from smartsanctions.screening.batch import parse_column_map, screen_file
from smartsanctions.screening.model import Query
from smartsanctions.screening.service import load_index
from smartsanctions.sources.base import SourceError
from smartsanctions.store.db import open_engine
from smartsanctions.store.importer import import_files

THRESHOLD = 0.85
HEADER = ["cust", "full_name", "born", "nat", "note"]
ROWS = [
    ["1", "Ri Won Ho", "", "KP", "exact UN name"],
    ["2", "John Smith", "1970-01-01", "GB", "a, b"],
    ["3", "Anas Hasan Khattab", "", "Syria", ""],
    ["4", "", "", "", "empty"],
    ["5", "Kim Jong Un", "1984", "", "x"],
]
MAPPING = "name=full_name,dob=born,country=nat,id=cust"


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory, lists_dir: Path) -> Iterator[tuple[Engine, Path]]:
    folder = tmp_path_factory.mktemp("batchstore")
    patch = pytest.MonkeyPatch()
    patch.setenv("SMARTSANCTIONS_CACHE", str(folder / "cache"))
    db = folder / "un.db"
    engine = open_engine(str(db))
    import_files(engine, [lists_dir / "un" / "2025-04_kebalkhadka"])
    yield engine, db
    patch.undo()


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_parse_column_map() -> None:
    assert parse_column_map(None) == {}
    assert parse_column_map("name=full_name, dob=date_of_birth") == {"name": "full_name", "dob": "date_of_birth"}
    with pytest.raises(ValueError, match="unknown field 'nme'"):
        parse_column_map("nme=x")
    with pytest.raises(ValueError, match="not FIELD=COLUMN"):
        parse_column_map("name")
    with pytest.raises(ValueError, match="mapped twice"):
        parse_column_map("name=a,name=b")


def test_csv_batch_matches_single_screening(store: tuple[Engine, Path], tmp_path: Path) -> None:
    engine, _ = store
    src = write_csv(tmp_path / "in.csv", HEADER, ROWS)
    report = screen_file(engine, src, tmp_path / "out.csv", columns=parse_column_map(MAPPING), threshold=THRESHOLD,
                         progress=False)
    out = read_csv(tmp_path / "out.csv")
    assert report.rows == 5 and report.hits == len(out)
    assert list(out[0]) == [*HEADER, "entity_id", "caption", "score", "match", "relation", "data_version"]
    assert {r["data_version"] for r in out} == {report.data_version}
    ri = [r for r in out if r["cust"] == "1"]
    assert ri[0]["entity_id"] == "un-sc:KPi.033" and ri[0]["note"] == "exact UN name" and ri[0]["match"] == "true"
    # the same hits, in the same order, as screening each row alone
    index = load_index(engine).index
    expected = []
    for cust, name, dob, nat, _ in ROWS:
        if not name:
            continue
        q = Query(name=name, birth_date=dob or None, country=batch.clean_country(nat) if nat else None)
        expected += [(cust, m.entry.id, f"{m.score:.4f}") for m in index.search(q, threshold=THRESHOLD, limit=25)
                     if m.match]
    assert [(r["cust"], r["entity_id"], r["score"]) for r in out] == expected
    assert not (tmp_path / "out.csv.partial.csv").exists() and not (tmp_path / "out.csv.progress.json").exists()


def test_xlsx_and_parquet_give_the_same_hits(store: tuple[Engine, Path], tmp_path: Path) -> None:
    engine, _ = store
    cols = parse_column_map(MAPPING)
    screen_file(engine, write_csv(tmp_path / "in.csv", HEADER, ROWS), tmp_path / "ref.csv", columns=cols,
                threshold=THRESHOLD, progress=False)
    ref = [(r["cust"], r["entity_id"], float(r["score"])) for r in read_csv(tmp_path / "ref.csv")]
    assert ref
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append([int(row[0]), *row[1:]])
    book.save(tmp_path / "in.xlsx")
    screen_file(engine, tmp_path / "in.xlsx", tmp_path / "out.xlsx", columns=cols, threshold=THRESHOLD, progress=False)
    rows = list(load_workbook(tmp_path / "out.xlsx").active.iter_rows(values_only=True))
    head = list(rows[0])
    got = [(r[0], r[head.index("entity_id")], r[head.index("score")]) for r in rows[1:]]
    assert got == ref
    pq.write_table(pa.table({c: [r[i] for r in ROWS] for i, c in enumerate(HEADER)}), tmp_path / "in.parquet")
    screen_file(engine, tmp_path / "in.parquet", tmp_path / "out.parquet", columns=cols, threshold=THRESHOLD,
                progress=False)
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.schema.field("score").type == pa.float64() and table.schema.field("match").type == pa.bool_()
    assert [(r["cust"], r["entity_id"], r["score"]) for r in table.to_pylist()] == ref


def test_bad_input(store: tuple[Engine, Path], tmp_path: Path) -> None:
    engine, _ = store
    src = write_csv(tmp_path / "in.csv", HEADER, ROWS)
    with pytest.raises(SourceError, match="no name column"):
        screen_file(engine, src, tmp_path / "o.csv", columns={}, threshold=THRESHOLD, progress=False)
    with pytest.raises(SourceError, match="lacks: dob=birth"):
        screen_file(engine, src, tmp_path / "o.csv", columns={"name": "full_name", "dob": "birth"},
                    threshold=THRESHOLD, progress=False)
    with pytest.raises(ValueError, match="unsupported file type"):
        screen_file(engine, src, tmp_path / "o.txt", columns={"name": "full_name"}, threshold=THRESHOLD, progress=False)
    with pytest.raises(SourceError, match="no such file"):
        screen_file(engine, tmp_path / "nope.csv", tmp_path / "o.csv", columns={}, threshold=THRESHOLD, progress=False)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("name,x\nRi Won Ho,1\nKim,2,3\n", encoding="utf-8")
    with pytest.raises(SourceError, match="line 3: 3 fields where the header has 2"):
        screen_file(engine, ragged, tmp_path / "o.csv", columns={}, threshold=THRESHOLD, progress=False)
    bad_schema = write_csv(tmp_path / "s.csv", ["name", "schema"], [["Ri Won Ho", "Spaceship"]])
    with pytest.raises(SourceError, match="row 1: unknown schema 'Spaceship'"):
        screen_file(engine, bad_schema, tmp_path / "o.csv", columns={}, threshold=THRESHOLD, progress=False)
    (tmp_path / "fake.xlsx").write_text("not a workbook", encoding="utf-8")
    with pytest.raises(SourceError, match="not a readable .xlsx"):
        screen_file(engine, tmp_path / "fake.xlsx", tmp_path / "o.csv", columns={}, threshold=THRESHOLD, progress=False)


def customers(n: int) -> list[list[str]]:
    listed = ["Ri Won Ho", "Anas Hasan Khattab", "Abu Mohammed al-Jawlani", "Kim Yong Chol", "Hamza bin Laden"]
    common = ["Maria Garcia", "Jan Novak", "Li Wei", "Olga Ivanova", "Peter Meier", "Ahmed Hassan", "Anna Kowalska"]
    rows = []
    for i in range(n):
        name = listed[(i // 97) % len(listed)] if i % 97 == 0 else f"{common[i % len(common)]} {chr(65 + i % 26)}"
        rows.append([f"C{i:05d}", name, str(1950 + i % 50), "", f"note {i}"])
    return rows


def test_dask_matches_single_process_and_loads_index_once(store: tuple[Engine, Path], tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from distributed import Client, LocalCluster

    from smartsanctions.screening.dask_runner import index_loads

    engine, _ = store
    monkeypatch.setattr(batch, "CHUNK_ROWS", 50)
    monkeypatch.setattr(batch, "DASK_CHUNK_ROWS", 50)
    src = write_csv(tmp_path / "in.csv", HEADER, customers(600))
    cols = parse_column_map(MAPPING)
    single = screen_file(engine, src, tmp_path / "single.csv", columns=cols, threshold=THRESHOLD, progress=False)
    assert single.hits > 0
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        report = screen_file(engine, src, tmp_path / "dask.csv", columns=cols, threshold=THRESHOLD,
                             scheduler=cluster.scheduler_address, progress=False)
        loads = client.run(index_loads)
    assert report.rows == 600 and report.hits == single.hits
    assert (tmp_path / "dask.csv").read_bytes() == (tmp_path / "single.csv").read_bytes()
    # 12 chunks x 2 tasks, yet each worker deserialised the index once
    assert sorted(len(v) for v in loads.values()) == [1, 1]


def test_interrupted_batch_resumes_without_duplicates(store: tuple[Engine, Path], tmp_path: Path) -> None:
    _, db = store
    src = write_csv(tmp_path / "in.csv", HEADER, customers(7000))
    env = {**os.environ, "SMARTSANCTIONS_CACHE": os.environ["SMARTSANCTIONS_CACHE"]}

    def cmd(out: Path) -> list[str]:
        return [sys.executable, "-m", "smartsanctions.cli", "screen", "--input", str(src), "--output", str(out),
                "--db", str(db), "--columns", MAPPING, "--threshold", str(THRESHOLD), "--json"]

    subprocess.run(cmd(tmp_path / "full.csv"), check=True, env=env, capture_output=True)
    out = tmp_path / "resumed.csv"
    sidecar = tmp_path / "resumed.csv.progress.json"
    proc = subprocess.Popen(cmd(out), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if sidecar.exists():
            try:
                done = json.loads(sidecar.read_text())["rows_done"]
            except (ValueError, KeyError):
                done = 0
            if done >= batch.CHUNK_ROWS:
                break
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not out.exists() and 0 < done < 7000
    # a torn tail after the last recorded chunk must not survive the resume
    with (tmp_path / "resumed.csv.partial.csv").open("a", encoding="utf-8") as fh:
        fh.write("C99999,garbage,")
    result = subprocess.run(cmd(out), check=True, env=env, capture_output=True, text=True)
    report = json.loads(result.stdout)
    assert report["resumed_from"] >= batch.CHUNK_ROWS and report["rows"] == 7000
    assert out.read_bytes() == (tmp_path / "full.csv").read_bytes()
    assert not sidecar.exists()


def test_csv_slices_give_the_reader_rows(tmp_path: Path) -> None:
    """Slices cut from the file's bytes parse to the very rows the streaming reader gives:
    quoted commas, quotes and newlines (\\n, \\r\\n, lone \\r), blank lines, a BOM, CRLF files."""
    from smartsanctions.screening.batch_io import CsvReader, slice_rows

    rows = [[f"C{i}", name, note] for i, (name, note) in enumerate([
        ("Ri Won Ho", "plain"), ("Smith, John", 'says "hi"'), ("multi\nline", "a\r\nb"), ("lone\rcr", ""),
        ("Åsa Öberg", "ünïcödé"), ("", "no name"), ('"quoted"', "x,y"),
    ] * 5)]
    # with "\n" line ends the writer would leave a lone "\r" unquoted: quote every field there
    for newline, bom, quoting in (("\n", "", csv.QUOTE_ALL), ("\r\n", "\ufeff", csv.QUOTE_MINIMAL)):
        path = tmp_path / f"in{len(newline)}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            fh.write(bom)
            writer = csv.writer(fh, lineterminator=newline, quoting=quoting)
            writer.writerow(["id", "name", "note"])
            for i, row in enumerate(rows):
                writer.writerow(row)
                if i % 4 == 0:
                    fh.write(newline)  # blank lines are skipped
        reader = CsvReader(path)
        expected = [row for chunk in reader.chunks(1000) for row in chunk]
        assert expected == rows
        for size, skip in ((1, 0), (3, 0), (4, 5), (1000, 0), (10, 34), (10, 35)):
            slices = list(reader.slices(size, skip=skip))
            assert [s.first_row for s in slices] == list(range(skip, len(rows), size))
            got = [row for s in slices for row in slice_rows(s, 3, path)]
            assert got == rows[skip:]
            assert all(len(slice_rows(s, 3, path)) == s.rows for s in slices)


def test_slice_error_lines_count_from_the_file_start(tmp_path: Path) -> None:
    from smartsanctions.screening.batch_io import CsvReader, Slice, slice_rows

    path = tmp_path / "in.csv"
    path.write_text('name,x\n"a\nb",1\nc,2\n', encoding="utf-8")
    first = next(CsvReader(path).slices(1))
    assert first.first_line == 1 and slice_rows(first, 2, path) == [["a\nb", "1"]]
    with pytest.raises(SourceError, match="line 5: 3 fields where the header has 2"):
        slice_rows(Slice(b"d,3,4\n", 2, 1, first_line=4), 2, path)


def test_xlsx_and_parquet_slices_round_trip(tmp_path: Path) -> None:
    from smartsanctions.screening.batch_io import open_reader, slice_rows

    pq.write_table(pa.table({"name": ["a,b", 'q"q', "x\r\ny", "", None, "lone\r", "lone\n"],
                             "n": [1.0, 2.5, None, 4.0, 5.0, 6.0, 7.0]}),
                   tmp_path / "in.parquet")
    reader = open_reader(tmp_path / "in.parquet")
    expected = [row for chunk in reader.chunks(2) for row in chunk]
    slices = list(reader.slices(2, skip=1))
    assert [s.first_row for s in slices] == [1, 3, 5]
    assert [row for s in slices for row in slice_rows(s, 2, reader.path)] == expected[1:]


def test_shares_of_a_slice_merge_to_the_whole(store: tuple[Engine, Path], tmp_path: Path) -> None:
    from smartsanctions.screening.batch import Layout, SliceJob, merge_shares, screen_slice
    from smartsanctions.screening.batch_io import CsvReader

    engine, _ = store
    loaded = load_index(engine)
    src = write_csv(tmp_path / "in.csv", HEADER, customers(2000))
    reader = CsvReader(src)
    job = SliceJob(src, Layout.of(src, reader.columns, parse_column_map(MAPPING)), THRESHOLD, loaded.data_version)
    part = next(reader.slices(2000))
    whole = merge_shares(part, [screen_slice(loaded.index, job, part)])
    shares = [screen_slice(loaded.index, job, part, share, 2) for share in range(2)]
    assert all(shares) and whole.hits > 0
    assert merge_shares(part, shares) == whole
    # every share reports the first bad row, whichever share owns it
    bad = write_csv(tmp_path / "bad.csv", ["name", "schema"],
                    [["Ri Won Ho", "person"], ["Kim", "Spaceship"], ["Li", "Robot"]])
    reader = CsvReader(bad)
    job = SliceJob(bad, Layout.of(bad, reader.columns, {}), THRESHOLD, loaded.data_version)
    part = next(reader.slices(10))
    for share in range(3):
        with pytest.raises(SourceError, match="row 2: unknown schema 'Spaceship'"):
            screen_slice(loaded.index, job, part, share, 3)


def test_the_cached_index_is_rebuilt_when_the_name_analysis_changes(store: tuple[Engine, Path],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache is keyed by the data version *and* the analysis code and tables: a legal form
    added to names.yml must not leave an index built without it in use."""
    from smartsanctions.screening import service

    engine, _ = store
    load_index(engine)
    cached = set(service._cache_dir().glob("index-*.bin"))
    load_index(engine)
    assert set(service._cache_dir().glob("index-*.bin")) == cached  # same analysis: reused
    assert any(p.name == "names.yml" for p in service._analysis_files())
    monkeypatch.setattr(service, "analysis_fingerprint", lambda: "0123456789")
    load_index(engine)
    new = set(service._cache_dir().glob("index-*.bin")) - cached
    assert [p.name.endswith("-a0123456789.bin") for p in new] == [True]
