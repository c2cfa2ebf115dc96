"""BIS Denied Persons List, ``dpl.txt`` (tab-delimited, every field quoted): list ``us-dpl``.

The file has no identifier column. A row is one (denied party, address, order); a party
with several addresses or orders has several rows, and exact duplicate rows occur. The
source-record ID is therefore derived from the party's normalised name alone:
``us-dpl:<12 hex of sha1(normalised name)>``. Addresses change between versions ("INMATE
NUMBER CORRECTED", moves), names rarely do: between the 2022 multi-list CSV and the
2023 dpl.txt 373 of 435 names persist, against 338 of 461 name+address pairs. The
multi-list CSV derives its DPL IDs with the same function, so both files share history.
(Its own ``list_internal_id`` for DPL rows is a trade.gov row hash that cannot be
recomputed from dpl.txt, and trade.gov has since changed its hash, see us_csl.)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from smartsanctions.sources.base import FileRole, ParsedList, Record, SourceError, SourceFormat
from smartsanctions.sources.build import (
    add_address,
    add_sanction,
    collapse,
    is_real_date,
    new_record,
    put,
    short_hash,
)
from smartsanctions.sources.csvsafe import read_table

LIST_ID = "us-dpl"
PROGRAM = "DPL"
SOURCE_URL = "https://www.bis.doc.gov/index.php/the-denied-persons-list"
COLUMNS = (
    "Name", "Street_Address", "City", "State", "Country", "Postal_Code", "Effective_Date",
    "Expiration_Date", "Standard_Order", "Last_Update", "Action", "FR_Citation",
)

_ORG = re.compile(
    r"\b(INC|LTD|LLC|L\.L\.C|CO|CORP|CORPORATION|COMPANY|GROUP|LIMITED|GMBH|S\.?A|B\.?V|AG|"
    r"ENTERPRISES?|INDUSTRIES|INTERNATIONAL|TRADING|TECHNOLOGY|TECHNOLOGIES|SYSTEMS|SERVICES|"
    r"AIRLINES?|AVIATION|ELECTRONICS|IMPORTS?|EXPORTS?|LOGISTICS|PLC|FZE|FZCO|LLP|SRL|JSC|OOO)\b\.?",
    re.IGNORECASE,
)
_INMATE = re.compile(r"\b(INMATE|USM NO|REGISTER NUMBER|REG\.? NO|FCI|CORRECTIONAL|PRISON)\b", re.IGNORECASE)


def normalise_name(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def dpl_local_id(name: str) -> str:
    """The DPL source-record local ID, shared by bis_dpl and multi_csv."""
    return short_hash("dpl", normalise_name(name))


def guess_schema(name: str, addresses: Sequence[str]) -> str:
    """Person / Organization where the text shows it; LegalEntity otherwise."""
    if _ORG.search(name):
        return "Organization"
    if any(_INMATE.search(a) for a in addresses):
        return "Person"
    return "LegalEntity"


def parse_us_date(text: str | None, path: Path, place: str) -> str | None:
    """'MM/DD/YYYY' or 'YYYY-MM-DD' as ISO; empty as None; anything else is an error."""
    text = collapse(text)
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if match:
        month, day, year = (int(g) for g in match.groups())
    else:
        match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
        if not match:
            raise SourceError(path, f"bad date {text!r} (expected MM/DD/YYYY)", place)
        year, month, day = (int(g) for g in match.groups())
    value = f"{year:04d}-{month:02d}-{day:02d}"
    if not is_real_date(value):
        raise SourceError(path, f"bad date {text!r} (no such day; expected MM/DD/YYYY)", place)
    return value


@dataclass
class _Party:
    name: str
    line: int
    addresses: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    effective: set[str] = field(default_factory=set)
    expiration: set[str] = field(default_factory=set)
    updated: set[str] = field(default_factory=set)
    citations: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)


def _sniff(path: Path, head: bytes) -> FileRole | None:
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    if first.replace(b'"', b"").startswith(b"Name\tStreet_Address\tCity\tState\tCountry"):
        return FileRole.PRIMARY
    return None


def _parse(primary: Path, companions: Sequence[Path]) -> Iterator[ParsedList]:
    table = read_table(primary, delimiter="\t", required=COLUMNS, allowed=COLUMNS)
    parties: dict[str, _Party] = {}
    for line, row in table.dicts():
        name = collapse(row["Name"])
        if not name:
            raise SourceError(primary, "empty Name", f"line {line}, column Name")
        party = parties.setdefault(dpl_local_id(name), _Party(name, line))
        _collect(primary, line, row, party)
    records = [_record(local_id, party) for local_id, party in parties.items()]
    notes = list(table.notes)
    # Last_Update has typos (one row says 3033-09-30): only dates up to the latest
    # Effective_Date plus a year count as evidence of the publication date.
    effective = max((d for p in parties.values() for d in p.effective), default=None)
    if effective:
        bound = f"{int(effective[:4]) + 1}{effective[4:]}"
        updates = [u for p in parties.values() for u in p.updated if u <= bound]
        latest = max([effective, *updates])
        notes.append(f"no publication date in the file; latest Effective_Date/Last_Update is {latest}")
    yield ParsedList(LIST_ID, records, (primary,), notes=notes)


def _collect(path: Path, line: int, row: dict[str, str], party: _Party) -> None:
    parts = {
        "street": collapse(row["Street_Address"]) or "",
        "city": collapse(row["City"]) or "",
        "state": collapse(row["State"]) or "",
        "postalCode": collapse(row["Postal_Code"]) or "",
        "country": collapse(row["Country"]) or "",
    }
    full = ", ".join(v for v in (parts["street"], parts["city"], parts["state"], parts["postalCode"], parts["country"]) if v)
    if full and full not in (a for a, _ in party.addresses):
        party.addresses.append((full, parts))
    for column, bucket in (("Effective_Date", party.effective), ("Expiration_Date", party.expiration),
                           ("Last_Update", party.updated)):
        value = parse_us_date(row[column], path, f"line {line}, column {column}")
        if value:
            bucket.add(value)
    for column, items in (("FR_Citation", party.citations), ("Action", party.actions)):
        value = collapse(row[column])
        if value and value not in items:
            items.append(value)


def _record(local_id: str, party: _Party) -> Record:
    record = new_record(LIST_ID, local_id, guess_schema(party.name, [a for a, _ in party.addresses]))
    put(record.target, "name", party.name)
    for full, parts in party.addresses:
        add_address(record, full, **{k: v or None for k, v in parts.items()})
        put(record.target, "country", parts["country"] or None)
    sanction = add_sanction(
        record,
        "us",
        LIST_ID,
        PROGRAM,
        listing_date=min(party.effective) if party.effective else None,
        end_date=max(party.expiration) if party.expiration else None,
        source_url=SOURCE_URL,
    )
    put(sanction, "description", [f"Federal Register: {c}" for c in party.citations])
    put(sanction, "status", party.actions)
    put(sanction, "modifiedAt", max(party.updated) if party.updated else None)
    return record


FORMAT = SourceFormat(
    name="bis_dpl",
    description="BIS Denied Persons List (dpl.txt, tab-delimited)",
    lists=(LIST_ID,),
    sniff=_sniff,
    parse=_parse,
    primary_names=("dpl.txt",),
)
