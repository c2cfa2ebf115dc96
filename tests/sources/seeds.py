"""Small valid inputs of every source format, cut at test time from the real list files.

Nothing here is copied into the repository: each seed is derived on first use from a
file under ``../shared/data/lists`` (or, for formats with no real file there, from the
hand-written fixtures in ``tests/fixtures``) and kept in memory as bytes. The bad-input
corpus, the property tests and the fuzz script all start from these seeds.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import openpyxl
from lxml import etree

from tests.conftest import FIXTURES, LISTS


@dataclass(frozen=True)
class Seed:
    """The files of one small, valid version of a list; the first file is the primary."""

    name: str  # "uk_ofsi_xlsx"
    format: str  # the SourceFormat name: "uk_ofsi"
    files: tuple[tuple[str, bytes], ...]
    # Records the seed yields when parsed (a sanity check that the seed is valid).
    min_records: int = 1
    # For workbook seeds: the cell values written, so that tests can rebuild variants.
    rows: tuple[tuple[object, ...], ...] = field(default=())

    @property
    def primary_name(self) -> str:
        return self.files[0][0]

    @property
    def primary(self) -> bytes:
        return self.files[0][1]

    def write(self, folder: Path, primary: bytes | None = None) -> tuple[Path, list[Path]]:
        """Write the seed (optionally with replaced primary bytes); (primary, companions)."""
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for index, (name, data) in enumerate(self.files):
            path = folder / name
            path.write_bytes(primary if index == 0 and primary is not None else data)
            paths.append(path)
        return paths[0], paths[1:]


def head_records(path: Path, count: int, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    """The header plus the first ``count`` records of a delimited file, byte for byte."""
    raw = path.read_bytes()
    text = raw.decode(encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for _ in range(count + 1):
        next(reader)
    lines = text.splitlines(keepends=True)
    return "".join(lines[: reader.line_num]).encode(encoding)


def _xml_bytes(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _keep_children(root: etree._Element, keep: Callable[[etree._Element, int], bool]) -> None:
    counts: dict[str, int] = {}
    for child in list(root):
        tag = str(child.tag)
        counts[tag] = counts.get(tag, 0) + 1
        if not keep(child, counts[tag]):
            root.remove(child)


def _un_xml() -> Seed:
    root = etree.parse(str(LISTS / "un" / "2025-12-09_pakote" / "un.xml")).getroot()
    for section, keep in (("INDIVIDUALS", 3), ("ENTITIES", 2)):
        element = root.find(section)
        assert element is not None
        _keep_children(element, lambda _c, n, keep=keep: n <= keep)  # type: ignore[misc]
    return Seed("un_xml", "un_xml", (("un.xml", _xml_bytes(root)),), min_records=5)


def _ofac_xml() -> Seed:
    root = etree.parse(str(LISTS / "ofac_cons" / "2025-03_kebalkhadka" / "consolidated.xml")).getroot()
    _keep_children(root, lambda c, n: not str(c.tag).endswith("sdnEntry") or n <= 4)
    for element in root.iter():
        if str(element.tag).endswith("Record_Count"):
            element.text = "4"
    return Seed("ofac_xml", "ofac_xml", (("consolidated.xml", _xml_bytes(root)),), min_records=4)


def _ca_sema() -> Seed:
    root = etree.parse(str(LISTS / "canada_sema" / "2025-05_kebalkhadka" / "cannada.xml")).getroot()
    _keep_children(root, lambda _c, n: n <= 5)
    return Seed("ca_sema", "ca_sema", (("sema-lmes.xml", _xml_bytes(root)),), min_records=5)


def _eu_fsf_xml() -> Seed:
    # No official EU file is among the shared lists; the hand-written sample stands in.
    data = (FIXTURES / "eu" / "eu_fsf_2024-03-01.xml").read_bytes()
    return Seed("eu_fsf_xml", "eu_fsf_xml", (("xmlFullSanctionsList_1_1.xml", data),), min_records=2)


def _multi_csv() -> Seed:
    path = next((LISTS / "multi_combined").glob("*/combined_sanction_lists_*.csv"))
    return Seed("multi_csv", "multi_csv", ((path.name, head_records(path, 30)),))


def _us_csl() -> Seed:
    path = LISTS / "us_trade_csl" / "2023-11_watchman" / "csl.csv"
    return Seed("us_csl", "us_csl", (("csl.csv", head_records(path, 30)),))


def _bis_dpl() -> Seed:
    path = LISTS / "us_bis_dpl" / "2023-11_watchman" / "dpl.txt"
    return Seed("bis_dpl", "bis_dpl", (("dpl.txt", head_records(path, 30, delimiter="\t")),))


def _ofac_csv() -> Seed:
    folder = LISTS / "ofac_sdn" / "2021-07_watchman"
    all_sdn = (folder / "sdn.csv").read_bytes().splitlines(keepends=True)
    # Entries that have comments too, so that no companion file comes out empty.
    commented = {line.split(b",", 1)[0] for line in (folder / "sdn_comments.csv").read_bytes().splitlines()[:3]}
    sdn = all_sdn[:27] + [line for line in all_sdn[27:] if line.split(b",", 1)[0] in commented]
    ent_nums = {line.split(b",", 1)[0] for line in sdn}
    files = [("sdn.csv", b"".join(sdn))]
    for name in ("add.csv", "alt.csv", "sdn_comments.csv"):
        lines = (folder / name).read_bytes().splitlines(keepends=True)
        files.append((name, b"".join(line for line in lines if line.split(b",", 1)[0] in ent_nums)))
    return Seed("ofac_csv", "ofac_csv", tuple(files), min_records=30)


def _authored(kind: str) -> Seed:
    path = FIXTURES / "authored" / kind / f"tr-syria.{kind}"
    return Seed(f"authored_{kind}", "authored", ((path.name, path.read_bytes()),))


def _uk_ofsi_csv() -> Seed:
    # The shared UK files are workbooks; the CSV seed is the hand-written sample.
    data = (FIXTURES / "uk" / "ConList_sample.csv").read_bytes()
    return Seed("uk_ofsi_csv", "uk_ofsi", (("ConList.csv", data),))


def workbook_bytes(rows: Sequence[Sequence[object]], sheet: str = "Sheet1") -> bytes:
    """An xlsx file holding ``rows`` in one sheet."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _first_rows(path: Path, count: int) -> list[list[object]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        ws = book[book.sheetnames[0]]
        rows: list[list[object]] = []
        for values in ws.iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) >= count:
                break
        return rows
    finally:
        book.close()


def _uk_ofsi_xlsx() -> Seed:
    rows = _first_rows(LISTS / "uk_ofsi" / "2025-04_mmahmed107" / "ConList.xlsx", 10)
    files = (("ConList.xlsx", workbook_bytes(rows, "Data")),)
    return Seed("uk_ofsi_xlsx", "uk_ofsi", files, rows=tuple(tuple(r) for r in rows))


def _au_dfat() -> Seed:
    rows = _first_rows(LISTS / "au_dfat" / "2024-12_stanux" / "regulation8_consolidated.xlsx", 8)
    files = (("regulation8_consolidated.xlsx", workbook_bytes(rows)),)
    return Seed("au_dfat", "au_dfat", files, rows=tuple(tuple(r) for r in rows))


BUILDERS: dict[str, Callable[[], Seed]] = {
    "un_xml": _un_xml,
    "eu_fsf_xml": _eu_fsf_xml,
    "ofac_xml": _ofac_xml,
    "ca_sema": _ca_sema,
    "ofac_csv": _ofac_csv,
    "multi_csv": _multi_csv,
    "us_csl": _us_csl,
    "bis_dpl": _bis_dpl,
    "authored_csv": lambda: _authored("csv"),
    "authored_yaml": lambda: _authored("yaml"),
    "uk_ofsi_csv": _uk_ofsi_csv,
    "uk_ofsi_xlsx": _uk_ofsi_xlsx,
    "au_dfat": _au_dfat,
}
SEED_NAMES = tuple(BUILDERS)
XLSX_SEEDS = ("uk_ofsi_xlsx", "au_dfat")


@cache
def seed(name: str) -> Seed:
    return BUILDERS[name]()

