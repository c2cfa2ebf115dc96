"""Australia's DFAT Consolidated List workbook (``regulation8_consolidated.xlsx``).

One row per name: the primary name has the bare Reference ("2241"), its aliases the
reference plus a suffix ("2241a", "2241b", "34c1"). Rows are grouped by the leading
number into one record ``au-dfat:<number>``. The workbook states no publication date.
Cells are typed loosely (a date of birth may be a date, a year number or free text)
and labels are typed by hand ("Primary Name ", "primary name"), so both are normalised.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from followthemoney.proxy import EntityProxy

from smartsanctions.sources import xlsx
from smartsanctions.sources.base import FileRole, ParsedList, Record, SourceError, SourceFormat
from smartsanctions.sources.build import (
    add_address,
    add_identification,
    add_sanction,
    collapse,
    is_real_date,
    new_record,
    put,
)
from smartsanctions.sources.relations import find_relations
from smartsanctions.sources.uk_ofsi import read_country

LIST_ID = "au-dfat"
AUTHORITY = "au"
SOURCE_URL = "https://www.dfat.gov.au/sites/default/files/regulation8_consolidated.xlsx"

REQUIRED = ("Reference", "Name of Individual or Entity", "Type", "Name Type", "Committees")
OPTIONAL = (
    "Date of Birth", "Place of Birth", "Citizenship", "Address", "Additional Information",
    "Listing Information", "Control Date",
)
SCHEMAS = {"individual": "Person", "entity": "Organization", "vessel": "Vessel"}
NAME_PROPS = {
    "primary name": "name",
    "aka": "alias",
    "original script": "alias",
    "formerly known as": "previousName",
    "previously listed as": "previousName",
}
_EMPTY = {"na", "n/a", "nil", "none", "-", "unknown"}


def sniff(path: Path, head: bytes) -> FileRole | None:
    if not xlsx.looks_like_zip(head):
        return None
    text = xlsx.peek_text(path)
    markers = ("Name of Individual or Entity", "Name Type", "Committees", "Control Date")
    return FileRole.PRIMARY if all(m in text for m in markers) else None


# ---- free-text values -------------------------------------------------------------------

_ENUM = re.compile(r"(?:^|\s)[a-z]\)\s*")


def split_enumeration(text: str | None) -> list[str]:
    """'a) Jordan b) United States' -> ['Jordan', 'United States']; plain text -> [text]."""
    text = collapse(text)
    if text is None:
        return []
    parts = [collapse(p.strip(" ;,")) for p in _ENUM.split(text)]
    return [p for p in parts if p and p.lower() not in _EMPTY]


_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
            ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
            ("oct", "october"), ("nov", "november"), ("dec", "december"),
        )
    )
    for name in names
}
_DATE = re.compile(
    r"(?P<dmy>\b(?P<d1>\d{1,2})[/.](?P<m1>\d{1,2})[/.](?P<y1>\d{4})\b)"
    r"|(?P<iso>\b(?P<y2>\d{4})-(?P<m2>\d{2})-(?P<d2>\d{2})\b)"
    r"|(?P<dmony>\b(?P<d3>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m3>[A-Za-z]{3,9})\.?,?\s+(?P<y3>\d{4})\b)"
    r"|(?P<mony>\b(?P<m4>[A-Za-z]{3,9})\.?,?\s+(?P<y4>\d{4})\b)"
    r"|(?P<range>\b(?P<y5>1[89]\d\d|20\d\d)\s*[-–]\s*(?P<y6>1[89]\d\d|20\d\d)\b)"
    r"|(?P<year>\b(?P<y7>1[89]\d\d|20\d\d)\b)"
)


def _ymd(year: str, month: int | None, day: int | None) -> str | None:
    try:
        if month and day:
            return date(int(year), month, day).isoformat()
        if month:
            return f"{year}-{month:02d}" if 1 <= month <= 12 else year
    except ValueError:
        return None
    return year


def dates_in(text: str | None) -> list[str]:
    """Every date a free-text field states, as ISO dates or 'YYYY' / 'YYYY-MM' prefixes."""
    out: list[str] = []
    for m in _DATE.finditer(text or ""):
        if m.group("dmy"):
            value = _ymd(m.group("y1"), int(m.group("m1")), int(m.group("d1")))
        elif m.group("iso"):
            value = _ymd(m.group("y2"), int(m.group("m2")), int(m.group("d2")))
        elif m.group("dmony"):
            month = _MONTHS.get(m.group("m3").lower())
            value = _ymd(m.group("y3"), month, int(m.group("d3")) if month else None)
        elif m.group("mony"):
            value = _ymd(m.group("y4"), _MONTHS.get(m.group("m4").lower()), None)
        elif m.group("range"):
            low, high = sorted((int(m.group("y5")), int(m.group("y6"))))
            years = range(low, high + 1) if high - low <= 10 else (low, high)
            out.extend(str(y) for y in years)
            continue
        else:
            value = m.group("y7")
        if value:
            out.append(value)
    return list(dict.fromkeys(out))


def cell_dates(value: object) -> tuple[list[str], str | None]:
    """Dates in one cell, and the cell's text when it says more than one plain date."""
    if isinstance(value, (datetime, date)):
        return [xlsx.cell_text(value) or ""], None
    if isinstance(value, int) and 1800 <= value <= 2100:
        return [str(value)], None
    text = collapse(xlsx.cell_text(value))
    if text is None or text.lower() in _EMPTY:
        return [], None
    found = dates_in(text)
    plain = len(found) == 1 and re.fullmatch(r"[\d/.\-]+", text) is not None
    return found, None if plain else text


# ---- rows and groups --------------------------------------------------------------------

_REFERENCE = re.compile(r"^(\d+)([a-z]*\d*)$", re.IGNORECASE)


@dataclass
class _Row:
    number: int
    ref: str
    name_kind: str
    values: dict[str, object]

    def text(self, column: str) -> str | None:
        text = collapse(xlsx.cell_text(self.values.get(column)))
        return None if text is None or text.lower() in _EMPTY else text


@dataclass
class _Group:
    ref: str
    rows: list[_Row] = field(default_factory=list)

    def distinct(self, column: str) -> list[str]:
        return list(dict.fromkeys(t for t in (r.text(column) for r in self.rows) if t))


def _read_groups(path: Path) -> dict[str, _Group]:
    rows = xlsx.iter_rows(path)
    index: dict[str, int] | None = None
    groups: dict[str, _Group] = {}
    for number, values in rows:
        if not any(xlsx.cell_text(v) for v in values):
            continue
        if index is None:
            index = xlsx.header_index(path, values, number, REQUIRED)
            continue
        cells = {col: values[i] for col, i in index.items() if i < len(values)}
        row = _row(path, number, cells)
        groups.setdefault(row.ref, _Group(row.ref)).rows.append(row)
    if index is None:
        raise SourceError(path, "no header row found (empty sheet)")
    return groups


def _row(path: Path, number: int, cells: dict[str, object]) -> _Row:
    place = f"row {number}"
    reference = collapse(xlsx.cell_text(cells.get("Reference")))
    if reference is None:
        raise SourceError(path, "row without a Reference", place)
    match = _REFERENCE.match(reference)
    if match is None:
        raise SourceError(path, f"Reference {reference!r} is not a number with an optional suffix", place)
    control = cells.get("Control Date")
    if control is not None and not isinstance(control, (datetime, date)):
        text = collapse(xlsx.cell_text(control))
        if text and not (re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) and is_real_date(text)):
            raise SourceError(path, f"Control Date {text!r} is not a date", f"{place}, column Control Date")
    kind = (collapse(xlsx.cell_text(cells.get("Name Type"))) or "").lower()
    if not collapse(xlsx.cell_text(cells.get("Name of Individual or Entity"))):
        raise SourceError(path, f"Reference {reference} has no name", place)
    return _Row(number, match.group(1), kind, cells)


# ---- records ----------------------------------------------------------------------------

_LABEL = re.compile(
    r"\b(Title|Designation|Last known position|Gender|Passport (?:no|number)s?|"
    r"National identification (?:no|number)|IMO(?: Identification)? number|Email|Websites?)\s*:\s*",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"\.\s+(?=[A-Z])")


def labelled(text: str | None) -> dict[str, list[str]]:
    """The labelled facts UN-style remarks carry ('Title: a) Mullah b) Haji. Designation: ...')."""
    out: dict[str, list[str]] = {}
    parts = _LABEL.split(text or "")
    for label, value in zip(parts[1::2], parts[2::2], strict=True):
        items = split_enumeration(value)
        if items:
            items[-1] = _SENTENCE_END.split(items[-1], maxsplit=1)[0].rstrip(" .")
        key = label.lower().split()[0]
        out.setdefault(key, []).extend(i for i in items if i)
    return out


def _schema(path: Path, group: _Group, primary: _Row) -> str:
    kind = (primary.text("Type") or "").lower()
    schema = SCHEMAS.get(kind)
    if schema is None:
        raise SourceError(path, f"unknown Type {primary.text('Type')!r} (Reference {group.ref})", f"row {primary.number}")
    return schema


_PREVIOUS_NOTE = re.compile(r"\s*\((?:previously listed as|formerly known as|fka)\)\s*$", re.IGNORECASE)


def _add_names(record: Record, group: _Group, primary: _Row) -> None:
    target = record.target
    put(target, "name", primary.text("Name of Individual or Entity"))
    for row in group.rows:
        if row is primary:
            continue
        name = row.text("Name of Individual or Entity") or ""
        prop = "alias" if row.name_kind == "primary name" else NAME_PROPS.get(row.name_kind, "alias")
        if _PREVIOUS_NOTE.search(name):
            name, prop = _PREVIOUS_NOTE.sub("", name), "previousName"
        put(target, prop, name)


def _put_countries(target: EntityProxy, values: list[str]) -> None:
    for value in values:
        codes = [read_country(p) for p in re.split(r"\s+and\s+|\s*[;/,]\s*", value) if p]
        put(target, "nationality", [c for c in codes if c])
        if not codes or None in codes:
            put(target, "notes", f"Citizenship: {value}")


def _add_person_details(record: Record, group: _Group) -> None:
    target = record.target
    for row in group.rows:
        found, text = cell_dates(row.values.get("Date of Birth"))
        put(target, "birthDate", found)
        if text:
            put(target, "notes", f"Date of birth: {text}")
    for place in group.distinct("Place of Birth"):
        put(target, "birthPlace", split_enumeration(place))
    _put_countries(target, [c for value in group.distinct("Citizenship") for c in split_enumeration(value)])


def _add_labelled(record: Record, facts: dict[str, list[str]], person: bool) -> None:
    target = record.target
    if person:
        put(target, "title", facts.get("title"))
        put(target, "position", facts.get("designation", []) + facts.get("last", []))
        put(target, "gender", [g.lower() for g in facts.get("gender", [])])
        for number in facts.get("passport", []):
            add_identification(record, number, "Passport", passport=True)
        for number in facts.get("national", []):
            add_identification(record, number, "National identification number")
    if target.schema.get("imoNumber") is not None:
        put(target, "imoNumber", [re.sub(r"\D", "", n) for n in facts.get("imo", [])])
    if target.schema.get("email") is not None:
        put(target, "email", facts.get("email"))
        put(target, "website", facts.get("websites", []) + facts.get("website", []))


_LISTED_ON = re.compile(r"\b(?:designated|listed)\b[^.;]{0,80}?\bon:?\s+", re.IGNORECASE)


def listing_date(value: object) -> str | None:
    """'Listed by UN 1267 Committee on 25 January 2001 (amended ...)' -> '2001-01-25'."""
    if isinstance(value, (datetime, date)):
        return xlsx.cell_text(value)
    text = xlsx.cell_text(value) or ""
    match = _LISTED_ON.search(text)
    if match is None:
        return None
    found = dates_in(text[match.end() : match.end() + 40])
    return found[0] if found else None


def _add_sanctions(record: Record, group: _Group) -> None:
    programmes: list[str | None] = list(dict.fromkeys(p for p in (r.text("Committees") for r in group.rows) if p))
    listing = [r.values.get("Listing Information") for r in group.rows]
    listed = sorted({d for d in (listing_date(v) for v in listing) if d and len(d) == 10})
    controls = sorted({xlsx.cell_text(r.values.get("Control Date")) or "" for r in group.rows} - {""})
    texts = group.distinct("Listing Information")
    for programme in programmes or [None]:  # no committee named: still listed
        sanction = add_sanction(
            record, AUTHORITY, LIST_ID, programme,
            listing_date=listed[0] if listed else None,
            authority_id=group.ref,
            source_url=SOURCE_URL,
        )
        put(sanction, "description", texts)
        if controls:
            put(sanction, "modifiedAt", controls[-1])
            put(sanction, "date", controls)


def _record(path: Path, group: _Group) -> Record:
    primaries = [r for r in group.rows if r.name_kind == "primary name"]
    if not primaries:
        first = group.rows[0]
        raise SourceError(path, f"Reference {group.ref} has no 'Primary Name' row", f"row {first.number}")
    primary = primaries[0]
    schema = _schema(path, group, primary)
    record = new_record(LIST_ID, group.ref, schema)
    target = record.target
    _add_names(record, group, primary)
    info = group.distinct("Additional Information")
    put(target, "notes", info)
    if schema == "Person":
        _add_person_details(record, group)
    else:
        for value in group.distinct("Date of Birth"):
            put(target, "notes", f"Date of birth / registration: {value}")
    for address in group.distinct("Address"):
        for part in split_enumeration(address):
            add_address(record, part)
    facts: dict[str, list[str]] = {}
    for text in info:
        for key, values in labelled(text).items():
            facts.setdefault(key, []).extend(values)
        for mention in find_relations(text):
            if all((m.relationship, m.name) != (mention.relationship, mention.name) for m in record.mentions):
                record.mentions.append(mention)
    _add_labelled(record, facts, schema == "Person")
    _add_sanctions(record, group)
    return record


def parse(primary: Path, companions: Sequence[Path] = ()) -> Iterator[ParsedList]:
    groups = _read_groups(primary)
    if not groups:
        raise SourceError(primary, "the list has a header but no rows")
    records = [_record(primary, group) for group in groups.values()]
    yield ParsedList(LIST_ID, records, (primary, *companions), published=None, published_from=None)


FORMAT = SourceFormat(
    name="au_dfat",
    description="Australia DFAT Consolidated List workbook (regulation8_consolidated.xlsx)",
    lists=(LIST_ID,),
    sniff=sniff,
    parse=parse,
    primary_names=("regulation8_consolidated.xlsx",),
)
