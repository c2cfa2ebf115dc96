"""US Consolidated Screening List (trade.gov) CSV: list ``us-csl``.

One row per (source list, entry); ``_id`` is trade.gov's identifier (the OFAC entity
number for Treasury rows, a hash for the export-control lists). The same ``_id`` occurs
on two rows when one OFAC entry sits on two Treasury lists (e.g. SSI and NS-MBS): those
rows describe one target, so they become one record with a Sanction per source list.
Some published copies repeat the header line; the repeat is skipped with a note.

The OFAC-style helpers here (feature lists such as ``"CA, BC166787, Passport"``, dates
of birth like ``"1966 to 1968"``) are shared with the multi-list CSV, whose US rows are
a flattening of this same data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

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
from smartsanctions.sources.csvsafe import read_table
from smartsanctions.sources.relations import find_relations

LIST_ID = "us-csl"
COLUMNS = (
    "_id", "source", "entity_number", "type", "programs", "name", "title", "addresses",
    "federal_register_notice", "start_date", "end_date", "standard_order", "license_requirement",
    "license_policy", "call_sign", "vessel_type", "gross_tonnage", "gross_registered_tonnage",
    "vessel_flag", "vessel_owner", "remarks", "source_list_url", "alt_names", "citizenships",
    "dates_of_birth", "nationalities", "places_of_birth", "source_information_url", "ids",
)
_REQUIRED = ("_id", "source", "type", "programs", "name", "addresses", "alt_names", "ids")

SCHEMAS = {"individual": "Person", "entity": "Organization", "vessel": "Vessel", "aircraft": "Airplane"}

# ---------------------------------------------------------------------------------------
# OFAC-style values, shared with multi_csv
# ---------------------------------------------------------------------------------------

_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_RANGE = re.compile(r"^(\d{4})\s*to\s*(\d{4})$", re.IGNORECASE)
_CIRCA = re.compile(r"^(?:circa|approx\.?|approximately|about)\s*(\d{4})$", re.IGNORECASE)
_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
_IDENTIFIER_TYPE = re.compile(
    r"(\bNo\b\.?|Number|\bID\b|#|Card|Code|Certificate|Licen[cs]e|R\.?F\.?C\.?|C\.?U\.?R\.?P\.?|D\.N\.I\.|"
    r"\bISIN\b|\bBIK\b|\bSSN\b|Cedula|C[eé]dula|Credencial|Folio|Matricula|\bNIT\b|\bRUC\b|\bRIF\b|"
    r"D-U-N-S|Ticker|C\.R\.|Digital Currency Address|Identification)",
    re.IGNORECASE,
)
# Feature types that map onto an FtM property of the target (when its schema has it).
_FEATURE_PROPS = {
    "gender": "gender",
    "website": "website",
    "email address": "email",
    "phone number": "phone",
    "swift/bic": "swiftBic",
    "vessel registration identification": "imoNumber",
    "mmsi": "mmsi",
    "former vessel flag": "pastFlags",
    "vessel flag": "flag",
    "aircraft model": "model",
    "aircraft manufacturer's serial number (msn)": "serialNumber",
    "aircraft tail number": "registrationNumber",
    "aircraft manufacture date": "buildDate",
    "organization established date": "incorporationDate",
    "vessel year of build": "buildDate",
}
_DATE_PROPS = {"buildDate", "incorporationDate"}


def parse_date(text: str | None) -> str | None:
    """An OFAC/CSL date as ISO text ('16 Jan 2017', 'Jan 2017', '2017-01-16', '2017')."""
    text = collapse(text)
    if not text:
        return None
    if _ISO.match(text):
        return text if is_real_date(text) else None
    for fmt, width in (("%d %b %Y", 10), ("%b %Y", 7), ("%d %B %Y", 10), ("%B %Y", 7), ("%m/%d/%Y", 10)):
        try:
            return datetime.strptime(text, fmt).date().isoformat()[:width]
        except ValueError:
            continue
    return None


def parse_dobs(text: str | None) -> list[str]:
    """Dates of birth from OFAC-style text: full dates, years, 'circa 1966', '1966 to 1968'."""
    found: list[str] = []
    for part in (text or "").split(";"):
        part = part.strip()
        if not part:
            continue
        match = _RANGE.match(part)
        if match:
            first, last = int(match.group(1)), int(match.group(2))
            years = range(first, last + 1) if 0 <= last - first <= 10 else (first, last)
            found.extend(str(y) for y in years)
            continue
        match = _CIRCA.match(part)
        value = match.group(1) if match else parse_date(part)
        if value:
            found.append(value)
    return found


def split_feature(part: str, *, type_first: bool) -> tuple[str, str, str | None] | None:
    """(type, value, country) from one OFAC feature.

    The multi-list CSV writes ``"CA, BC166787, Passport"`` (country, value, type); the CSL
    writes ``"Passport, BC166787, CA"`` (type, value, country).
    """
    part = part.strip()
    if type_first:
        bits = part.split(", ", 1)
        if len(bits) < 2:
            return None
        ftype, rest = bits
        country = None
        tail = rest.rsplit(", ", 1)
        if len(tail) == 2 and _COUNTRY_CODE.match(tail[1]):
            rest, country = tail
    else:
        bits = part.rsplit(", ", 1)
        if len(bits) < 2:
            return None
        rest, ftype = bits
        country = None
        head = rest.split(", ", 1)
        if len(head) == 2 and _COUNTRY_CODE.match(head[0]):
            country, rest = head
    ftype, rest = ftype.strip(), rest.strip()
    if not ftype or not rest:
        return None
    return ftype, rest, country


def apply_features(record: Record, text: str | None, *, type_first: bool) -> None:
    """Put OFAC-style features (identifiers, gender, website, ...) onto a record."""
    if not text:
        return
    for part in text.split("; "):
        feature = split_feature(part, type_first=type_first)
        if feature is None:
            if part.strip():
                put(record.target, "notes", part)
            continue
        apply_feature(record, *feature)


def apply_feature(record: Record, ftype: str, value: str, country: str | None) -> None:
    target = record.target
    key = ftype.lower().rstrip(":- ").strip()
    if key.startswith("linked to"):
        record.mentions.extend(find_relations(f"Linked To: {value}"))
        return
    prop = _FEATURE_PROPS.get(key)
    if prop is not None and target.schema.get(prop):
        put(target, prop, parse_date(value) if prop in _DATE_PROPS else value)
        return
    if "passport" in key:
        add_identification(record, value, ftype, country, passport=True)
    elif _IDENTIFIER_TYPE.search(ftype) and not key.startswith(("listing date", "effective date")):
        add_identification(record, value, ftype, country)
    else:
        put(target, "notes", f"{ftype.rstrip(' -:')}: {value}")


def split_list(text: str | None, sep: str = ";") -> list[str]:
    return [v.strip() for v in (text or "").split(sep) if v.strip()]


_TRAILING_COUNTRY = re.compile(r",\s*([A-Z]{2})$")


def add_us_addresses(record: Record, text: str | None) -> None:
    """CSL-style addresses: '; '-separated, each ending in an ISO country code."""
    for address in split_list(text):
        if _COUNTRY_CODE.match(address):
            # Only a country: not an address, but still the country the list ties it to.
            if record.target.schema.get("country"):
                put(record.target, "country", address)
            continue
        match = _TRAILING_COUNTRY.search(address)
        add_address(record, address, country=match.group(1) if match else None)


# ---------------------------------------------------------------------------------------
# The CSL file
# ---------------------------------------------------------------------------------------


def _sniff(path: Path, head: bytes) -> FileRole | None:
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].strip()
    if first.startswith(b"_id,source,entity_number,type,programs,name"):
        return FileRole.PRIMARY
    return None


def _parse(primary: Path, companions: Sequence[Path]) -> Iterator[ParsedList]:
    table = read_table(
        primary, required=_REQUIRED, allowed=COLUMNS, skip_repeated_header=True, allow_truncated_tail=True
    )
    records: dict[str, Record] = {}
    for line, row in table.dicts():
        local_id = collapse(row["_id"])
        if not local_id:
            raise SourceError(primary, "empty _id", f"line {line}")
        name = collapse(row["name"])
        if not name:
            raise SourceError(primary, "empty name", f"line {line}, column name")
        record = records.get(local_id)
        if record is None:
            record = new_record(LIST_ID, local_id, _schema(row["type"], primary, line))
            records[local_id] = record
            put(record.target, "name", name)
        elif name not in record.target.get("name"):
            put(record.target, "alias", name)
        for column in ("start_date", "end_date"):
            raw = collapse(row.get(column))
            if raw and parse_date(raw) is None:
                raise SourceError(primary, f"bad {column} {raw!r}", f"line {line}, column {column}")
        _fill(record, row)
    yield ParsedList(LIST_ID, list(records.values()), (primary,), notes=list(table.notes))


def _schema(raw: str, path: Path, line: int) -> str:
    key = raw.strip().lower()
    if not key:
        return "LegalEntity"
    if key not in SCHEMAS:
        raise SourceError(path, f"unknown type {raw!r}; expected one of {sorted(SCHEMAS)}", f"line {line}, column type")
    return SCHEMAS[key]


def _fill(record: Record, row: dict[str, str]) -> None:
    target = record.target
    is_person = target.schema.is_a("Person")
    put(target, "alias", split_list(row["alt_names"]))
    if is_person:
        put(target, "title", row["title"])
        put(target, "birthDate", parse_dobs(row["dates_of_birth"]))
        put(target, "birthPlace", split_list(row["places_of_birth"]))
        put(target, "nationality", split_list(row["nationalities"]))
        put(target, "citizenship", split_list(row["citizenships"]))
    else:
        put(target, "notes", row["title"])
    add_us_addresses(record, row["addresses"])
    apply_features(record, row["ids"], type_first=True)
    if target.schema.is_a("Vessel"):
        put(target, "callSign", row.get("call_sign"))
        put(target, "type", row.get("vessel_type"))
        put(target, "flag", row.get("vessel_flag"))
        put(target, "tonnage", row.get("gross_tonnage"))
        put(target, "grossRegisteredTonnage", row.get("gross_registered_tonnage"))
    remarks = collapse(row["remarks"])
    put(target, "notes", remarks)
    record.mentions.extend(m for m in find_relations(remarks) if m not in record.mentions)
    put(target, "sourceUrl", row.get("source_information_url"))
    _sanctions(record, row)


def _sanctions(record: Record, row: dict[str, str]) -> None:
    source = collapse(row["source"]) or "US Consolidated Screening List"
    programs: list[str | None] = [*split_list(row["programs"])] or [None]
    notes = [
        f"{label}: {row[col].strip()}"
        for col, label in (("license_requirement", "Licence requirement"), ("license_policy", "Licence policy"),
                           ("standard_order", "Standard order"))
        if row.get(col, "").strip()
    ]
    for program in programs:
        sanction = add_sanction(
            record,
            "us",
            LIST_ID,
            f"{source}: {program}" if program else source,
            start_date=parse_date(row.get("start_date")),
            end_date=parse_date(row.get("end_date")),
            source_url=collapse(row.get("source_list_url")),
        )
        put(sanction, "description", row.get("federal_register_notice"))
        put(sanction, "description", notes)


FORMAT = SourceFormat(
    name="us_csl",
    description="US Consolidated Screening List (trade.gov) CSV",
    lists=(LIST_ID,),
    sniff=_sniff,
    parse=_parse,
    primary_names=("consolidated.csv", "csl.csv"),
)
