"""The multi-list flat CSV of 2022-05-05 (SanctionToolkit ``combined_sanction_lists_*.csv``).

Not a list of its own: each row belongs to the list its ``sanction_list`` column names,
as that list's version of the snapshot date, so one ParsedList is yielded per list.
Rows are one per name variant (times DOB and address variants), grouped by
``list_internal_id``, which is the list's own identifier:

- OFAC lists (SDN, SSI, FSE, PLC, CMIC, CAPTA, NS-MBS): the OFAC entity number, so
  ``us-sdn:<ent_num>`` records share history with the OFAC CSV/XML versions. The rows
  are a flattening of the trade.gov CSL: the last row of a group carries the primary
  name (verified against sdn.csv 2021-07: 8,525 of 8,530 entries), the others aliases.
- UK Cons / UK Inv: the OFSI Group ID. EU: the EU reference number (``EU.550.29``).
- BIS / State lists (EL, ISN, DTC, MEU, UVL): trade.gov's row hash, kept as is; no
  other version of these lists is at hand (and trade.gov has since changed its hashes).
- DPL: the trade.gov hash cannot be recomputed from dpl.txt, so the ID is derived from
  the name exactly as :mod:`bis_dpl` does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from smartsanctions.sources import bis_dpl
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
from smartsanctions.sources.registry import list_spec
from smartsanctions.sources.relations import find_relations
from smartsanctions.sources.us_csl import add_us_addresses, apply_features, parse_dobs, split_list

COLUMNS = (
    "surname", "forename", "middle_names", "full_name", "title", "entity_type", "DOB", "day_DOB",
    "month_DOB", "year_DOB", "birth_location", "birth_country", "position", "nationality",
    "citizenship", "date_added", "regime", "address", "address_country", "personal_id",
    "list_internal_id", "sanction_list", "fca_uid",
)


@dataclass(frozen=True)
class _ListKind:
    list_id: str
    family: str  # "ofac" | "trade" (BIS/State, hash IDs) | "dpl" | "uk" | "eu"
    program: str  # programme used when a row names no regime


SANCTION_LISTS: dict[str, _ListKind] = {
    "Specially Designated Nationals (SDN) - Treasury Department": _ListKind("us-sdn", "ofac", "SDN"),
    "Sectoral Sanctions Identifications List (SSI) - Treasury Department": _ListKind("us-ssi", "ofac", "SSI"),
    "Foreign Sanctions Evaders (FSE) - Treasury Department": _ListKind("us-fse", "ofac", "FSE"),
    "Palestinian Legislative Council List (PLC) - Treasury Department": _ListKind("us-plc", "ofac", "NS-PLC"),
    "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department":
        _ListKind("us-cmic", "ofac", "CMIC"),
    "Capta List (CAP) - Treasury Department": _ListKind("us-capta", "ofac", "CAPTA"),
    "Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department": _ListKind("us-mbs", "ofac", "NS-MBS"),
    "Entity List (EL) - Bureau of Industry and Security": _ListKind("us-el", "trade", "EL"),
    "Denied Persons List (DPL) - Bureau of Industry and Security": _ListKind("us-dpl", "dpl", bis_dpl.PROGRAM),
    "Unverified List (UVL) - Bureau of Industry and Security": _ListKind("us-uvl", "trade", "UVL"),
    "Military End User (MEU) List - Bureau of Industry and Security": _ListKind("us-meu", "trade", "MEU"),
    "Nonproliferation Sanctions (ISN) - State Department": _ListKind("us-isn", "trade", "ISN"),
    "ITAR Debarred (DTC) - State Department": _ListKind("us-dtc", "trade", "DTC"),
    "UK Cons": _ListKind("gb-ofsi", "uk", "UK Consolidated List"),
    "UK Inv": _ListKind("gb-inv", "uk", "Investment Ban"),
    "EU": _ListKind("eu-fsf", "eu", "EU Consolidated List"),
}

_SCHEMAS = {
    "individual": "Person", "person": "Person",
    "entity": "Organization", "enterprise": "Organization",
    "vessel": "Vessel", "ship": "Vessel",
    "aircraft": "Airplane",
}
_SNAPSHOT_NAME = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NUMBERED = re.compile(r"\(\d+\)")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_MY = re.compile(r"^(\d{1,2})/(\d{4})$")
_UNKNOWN = {"unknown", "n/a", "-", "none"}


def _sniff(path: Path, head: bytes) -> FileRole | None:
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    if first.startswith(b"surname,forename,middle_names,full_name") and b"sanction_list" in first:
        return FileRole.PRIMARY
    return None


def _snapshot_date(path: Path) -> date | None:
    match = _SNAPSHOT_NAME.search(path.name)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _parse(primary: Path, companions: Sequence[Path]) -> Iterator[ParsedList]:
    table = read_table(primary, required=COLUMNS)
    col = table.index
    i_list, i_id, i_name = col["sanction_list"], col["list_internal_id"], col["full_name"]
    groups: dict[tuple[str, str], list[tuple[int, list[str]]]] = {}
    kinds: dict[str, _ListKind] = {}
    for line, row in table.rows():
        label = row[i_list].strip()
        kind = SANCTION_LISTS.get(label)
        if kind is None:
            raise SourceError(primary, f"unknown sanction_list value {label!r}", f"line {line}, column sanction_list")
        name = collapse(row[i_name])
        if not name:
            raise SourceError(primary, "empty full_name", f"line {line}, column full_name")
        local_id = bis_dpl.dpl_local_id(name) if kind.family == "dpl" else row[i_id].strip()
        if not local_id:
            raise SourceError(primary, "empty list_internal_id", f"line {line}, column list_internal_id")
        kinds.setdefault(kind.list_id, kind)
        groups.setdefault((kind.list_id, local_id), []).append((line, row))
    published = _snapshot_date(primary)
    by_list: dict[str, list[Record]] = {list_id: [] for list_id in kinds}
    for (list_id, local_id), rows in groups.items():
        by_list[list_id].append(_Builder(primary, kinds[list_id], col, rows).build(local_id))
    for list_id, records in by_list.items():
        yield ParsedList(
            list_id,
            records,
            (primary,),
            published=published,
            published_from=(
                f"snapshot date in the file name {primary.name} (derived multi-list file)" if published else None
            ),
            notes=list(table.notes),
        )


def _numbered(text: str | None) -> list[str]:
    """'(1) Ndele (2) Haraze' -> ['Ndele', 'Haraze']; plain text -> [text]."""
    text = collapse(text)
    if not text:
        return []
    if text.startswith("(1)"):
        return [p.strip(" .;,") for p in _NUMBERED.split(text) if p.strip(" .;,")]
    return [text]


def _dmy(text: str) -> str | None:
    """'3/4/1974' (day first) -> '1974-04-03'; zero day/month parts are left out."""
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if not 0 <= month <= 12 or not 0 <= day <= 31:
            return None
        if month == 0:
            return f"{year:04d}"
        value = f"{year:04d}-{month:02d}" if day == 0 else f"{year:04d}-{month:02d}-{day:02d}"
        return value if is_real_date(value) else None
    match = _MY.match(text)
    if match:
        month, year = int(match.group(1)), int(match.group(2))
        return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else f"{year:04d}"
    return None


def _date(text: str | None) -> str | None:
    text = collapse(text)
    if not text:
        return None
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        return text if is_real_date(text) else None
    return _dmy(text)


class _Builder:
    """Turns the rows of one list entry into a Record."""

    def __init__(self, path: Path, kind: _ListKind, col: dict[str, int], rows: list[tuple[int, list[str]]]) -> None:
        self.path = path
        self.kind = kind
        self.col = col
        self.rows = rows

    def values(self, column: str) -> list[str]:
        """Distinct non-empty values of a column, in row order."""
        i = self.col[column]
        seen: dict[str, None] = {}
        for _, row in self.rows:
            value = row[i].strip()
            if value:
                seen.setdefault(value, None)
        return list(seen)

    def build(self, local_id: str) -> Record:
        schema = self.schema()
        record = new_record(self.kind.list_id, local_id, schema)
        self.names(record)
        if record.target.schema.is_a("Person"):
            self.person(record)
        else:
            put(record.target, "notes", self.values("position"))
        self.addresses(record)
        self.identifiers(record)
        texts = self.values("position") + self.values("title")
        for text in texts:
            for mention in find_relations(text):
                if mention not in record.mentions:
                    record.mentions.append(mention)
        self.sanctions(record)
        return record

    def schema(self) -> str:
        types = {t.lower() for t in self.values("entity_type")}
        if len(types) > 1:
            line = self.rows[0][0]
            raise SourceError(self.path, f"one entry with several entity types {sorted(types)}", f"line {line}")
        if types:
            key = types.pop()
            if key not in _SCHEMAS:
                line = self.rows[0][0]
                raise SourceError(self.path, f"unknown entity_type {key!r}", f"line {line}, column entity_type")
            return _SCHEMAS[key]
        names = [collapse(n) or "" for n in self.values("full_name")]
        return bis_dpl.guess_schema(names[-1], self.values("address"))

    def names(self, record: Record) -> None:
        names = [n for n in (collapse(v) for v in self.values("full_name")) if n]
        if self.kind.family in ("ofac", "trade", "dpl"):
            primary = collapse(self.rows[-1][1][self.col["full_name"]]) or names[-1]
        else:
            primary = names[0]
        put(record.target, "name", primary)
        put(record.target, "alias", [n for n in names if n != primary])
        if record.target.schema.is_a("Person") and self.kind.family in ("uk", "eu"):
            col = self.col
            for _, row in self.rows:
                # Names in other scripts come whole in ``forename``: parts only with a surname.
                if row[col["surname"]].strip():
                    put(record.target, "lastName", row[col["surname"]])
                    put(record.target, "firstName", row[col["forename"]])
                    put(record.target, "middleName", row[col["middle_names"]])

    def person(self, record: Record) -> None:
        target = record.target
        family = self.kind.family
        for raw in self.values("DOB"):
            dobs = parse_dobs(raw) if family in ("ofac", "trade", "dpl") else [_date(raw)]
            put(target, "birthDate", [d for d in dobs if d])
        if not self.values("DOB"):
            put(target, "birthDate", self._dob_from_parts())
        places = [p for v in self.values("birth_location") for p in _numbered(v)]
        countries = [c for v in self.values("birth_country") for c in _numbered(v) if c.lower() not in _UNKNOWN]
        put(target, "birthPlace", places)
        put(target, "birthCountry", countries)
        for value in self.values("nationality"):
            put(target, "nationality", _countries(value))
        for value in self.values("citizenship"):
            put(target, "citizenship", _countries(value))
        put(target, "title", [t.strip('"') for v in self.values("title") for t in _numbered(v)])
        put(target, "position", [p for v in self.values("position") for p in _numbered(v)])

    def _dob_from_parts(self) -> list[str]:
        found = []
        for _, row in self.rows:
            year = row[self.col["year_DOB"]].strip()
            if year.isdigit():
                found.append(year)
        return found

    def addresses(self, record: Record) -> None:
        if self.kind.family in ("ofac", "trade", "dpl"):
            for value in self.values("address"):
                add_us_addresses(record, value)
            return
        i_addr, i_country = self.col["address"], self.col["address_country"]
        seen: set[tuple[str, str]] = set()
        for _, row in self.rows:
            pair = (row[i_addr].strip(), row[i_country].strip())
            if pair in seen or not any(pair):
                continue
            seen.add(pair)
            country = pair[1] if pair[1].lower() not in _UNKNOWN else None
            if pair[0]:
                add_address(record, pair[0], country=country)
            elif country and record.target.schema.get("country"):
                put(record.target, "country", country)

    def identifiers(self, record: Record) -> None:
        family = self.kind.family
        for value in self.values("personal_id"):
            if family in ("ofac", "trade", "dpl"):
                apply_features(record, value, type_first=False)
            elif family == "eu":
                doc_type, _, number = value.partition(":")
                if not number.strip():
                    add_identification(record, value)
                else:
                    passport = "passport" in doc_type.lower()
                    add_identification(record, number, doc_type.strip(), passport=passport)
            else:
                # The UK rows do not say which document a number is: keep it as an ID number.
                for number in _numbered(value):
                    add_identification(record, number)

    def sanctions(self, record: Record) -> None:
        spec = list_spec(self.kind.list_id)
        programmes: list[str] = []
        for value in self.values("regime"):
            parts = split_list(value) if self.kind.family in ("ofac", "trade", "dpl") else [value]
            programmes.extend(p for p in parts if p not in programmes)
        listed = sorted(d for d in (_date(v) for v in self.values("date_added")) if d)
        bad = [v for v in self.values("date_added") if _date(v) is None]
        if bad:
            line = self.rows[0][0]
            raise SourceError(self.path, f"bad date_added {bad[0]!r}", f"line {line}, column date_added")
        for programme in programmes or [self.kind.program]:
            add_sanction(record, spec.authority, spec.id, programme, listing_date=listed[0] if listed else None)


def _countries(value: str) -> list[str]:
    parts: Iterable[str] = _numbered(value)
    out: list[str] = []
    for part in parts:
        out.extend(p for p in split_list(part) if p.lower() not in _UNKNOWN)
    return out


FORMAT = SourceFormat(
    name="multi_csv",
    description="Multi-list flat CSV (SanctionToolkit combined_sanction_lists, EU/UK/US lists of 2022-05-05)",
    lists=tuple(dict.fromkeys(k.list_id for k in SANCTION_LISTS.values())),
    sniff=_sniff,
    parse=_parse,
    primary_names=("combined_sanction_lists_20220505_main.csv",),
)
