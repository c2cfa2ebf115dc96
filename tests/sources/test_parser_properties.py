"""Property: whatever bytes a parser is given, it returns records or raises SourceError.

Each example takes a small valid seed of one format (cut from the real files, see
``seeds.py``) and damages it: flipped bytes, cuts, inserted quotes / newlines / NULs /
markup, deleted or doubled slices, re-encoding. For the workbook formats the damage also
goes inside the zip, into the sheet XML. Any exception other than SourceError (a
KeyError, an IndexError, a ValueError from a date) is a parser bug.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartsanctions.sources.base import SourceError
from smartsanctions.sources.registry import formats
from tests.sources.seeds import SEED_NAMES, XLSX_SEEDS, Seed, seed

INSERTS = [b'"', b"\n", b"\r", b"\r\n", b"\x00", b",", b"\t", b";", b"<", b">", b"&", b"</", b"\xef\xbb\xbf",
           b"\xff", b"\xc3", b"-0-", b"  ", b"&amp;", b"<!DOCTYPE x>", b"]]>", b"'", b"|", b"#", b": ", b"- "]
ENCODINGS = ["utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252", "utf-8-sig"]


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with one to three kinds of damage."""
    for _ in range(draw(st.integers(1, 3))):
        size = len(data)
        at = draw(st.integers(0, max(size - 1, 0)))
        kind = draw(st.sampled_from(["flip", "cut", "insert", "delete", "double", "encode", "bytes"]))
        if kind == "flip" and size:
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
        elif kind == "cut":
            data = data[:at]
        elif kind == "insert":
            data = data[:at] + draw(st.sampled_from(INSERTS)) * draw(st.integers(1, 3)) + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 64)) :]
        elif kind == "double":
            end = min(size, at + draw(st.integers(1, 200)))
            data = data[:end] + data[at:end] + data[end:]
        elif kind == "encode":
            text = data.decode("utf-8", "replace")
            data = text.encode(draw(st.sampled_from(ENCODINGS)), "replace")
        else:
            data = data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
    return data


def _parse(s: Seed, files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = []
        for name, content in files.items():
            (folder / name).write_bytes(content)
            paths.append(folder / name)
        try:
            for parsed in formats()[s.format].parse(paths[0], paths[1:]):
                assert parsed.records is not None
        except SourceError as exc:
            assert exc.path and str(exc)


def _rezip(data: bytes, member: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, content if info.filename == member else src.read(info.filename))
    return out.getvalue()


TEXT_SEEDS = [n for n in SEED_NAMES if n not in XLSX_SEEDS]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", TEXT_SEEDS)
@SETTINGS
@given(data=st.data())
def test_damaged_text_input_gives_records_or_source_error(name: str, data: st.DataObject) -> None:
    s = seed(name)
    files = dict(s.files)
    target = data.draw(st.sampled_from(list(files)[:2]), label="file")
    files[target] = data.draw(damaged(files[target]), label="content")
    _parse(s, files)


@pytest.mark.parametrize("name", XLSX_SEEDS)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_damaged_workbook_gives_records_or_source_error(name: str, data: st.DataObject) -> None:
    s = seed(name)
    with zipfile.ZipFile(io.BytesIO(s.primary)) as archive:
        members = [n for n in archive.namelist() if n.endswith(".xml")]
        member = data.draw(st.sampled_from(members), label="member")
        inner = archive.read(member)
    if data.draw(st.booleans(), label="inside the zip"):
        content = _rezip(s.primary, member, data.draw(damaged(inner), label="part"))
    else:
        content = data.draw(damaged(s.primary), label="archive")
    _parse(s, {s.primary_name: content})


@pytest.mark.parametrize("name", SEED_NAMES)
def test_every_seed_is_valid(name: str) -> None:
    s = seed(name)
    with tempfile.TemporaryDirectory() as tmp:
        primary, companions = s.write(Path(tmp))
        parsed = list(formats()[s.format].parse(primary, companions))
    assert sum(len(p.records) for p in parsed) >= s.min_records
