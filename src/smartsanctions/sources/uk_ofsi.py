"""The UK OFSI Consolidated List ("ConList", 2022 format), as xlsx or csv.

Row 1 says ``Last Updated | dd/mm/yyyy``; row 2 is the header; then one row per name
variant (and per regime, address or date of birth variant) of each target. Rows are
grouped by ``Group ID`` into one record ``gb-ofsi:<Group ID>``, with one Sanction per
regime. Multi-valued cells are numbered: ``(1) Syria. (2) United Kingdom``.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from followthemoney import registry
from followthemoney.proxy import EntityProxy

from smartsanctions.sources import csvsafe, xlsx
from smartsanctions.sources.base import (
    FileRole,
    ParsedList,
    Record,
    RelationMention,
    SourceError,
    SourceFormat,
)
from smartsanctions.sources.build import (
    add_address,
    add_identification,
    add_sanction,
    collapse,
    new_record,
    put,
)
from smartsanctions.sources.relations import find_relations

LIST_ID = "gb-ofsi"
AUTHORITY = "gb"
SOURCE_URL = "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv"

NAME_COLUMNS = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6")
ADDRESS_COLUMNS = ("Address 1", "Address 2", "Address 3", "Address 4", "Address 5", "Address 6")
# Without these a row cannot be placed: whose name it is, of what kind, under which regime.
REQUIRED = ("Name 6", "Group ID", "Group Type", "Alias Type", "Regime")
KNOWN_COLUMNS = frozenset(
    (
        *NAME_COLUMNS, *ADDRESS_COLUMNS, "Title", "Name Non-Latin Script", "Non-Latin Script Type",
        "Non-Latin Script Language", "DOB", "Town of Birth", "Country of Birth", "Nationality",
        "Passport Number", "Passport Details", "National Identification Number",
        "National Identification Details", "Position", "Post/Zip Code", "Country", "Other Information",
        "Group Type", "Alias Type", "Alias Quality", "Regime", "Listed On",
        "UK Sanctions List Date Designated", "Last Updated", "Group ID",
    )
)
SCHEMAS = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}
LAST_UPDATED = "Last Updated"

# ---- sniffing ---------------------------------------------------------------------------

_HEADER_MARKERS = ("Name 6", "Group ID", "Alias Type", "Regime")


def sniff(path: Path, head: bytes) -> FileRole | None:
    if xlsx.looks_like_zip(head):
        text = xlsx.peek_text(path)
        return FileRole.PRIMARY if all(m in text for m in _HEADER_MARKERS) else None
    text = head[:4096].decode("utf-8", "replace").lstrip("\ufeff")
    first_lines = "\n".join(text.splitlines()[:2])
    if all(m in first_lines for m in _HEADER_MARKERS) and "Group Type" in first_lines:
        return FileRole.PRIMARY
    return None


# ---- reading the table ------------------------------------------------------------------


@dataclass
class _Table:
    path: Path
    unit: str  # how the file counts its rows: "row" (xlsx) or "line" (csv)
    index: dict[str, int]
    rows: Iterator[tuple[int, Sequence[object]]]
    published: date | None = None


_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def _published(path: Path, raw: object, place: str) -> date:
    text = xlsx.cell_text(raw) or ""
    dmy = _DMY.match(text)
    iso = _ISO.match(text)
    try:
        if dmy:
            return date(int(dmy.group(3)), int(dmy.group(2)), int(dmy.group(1)))
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    except ValueError:
        pass
    raise SourceError(path, f"'Last Updated' value {text!r} is not a dd/mm/yyyy date", place)


def _open_xlsx(path: Path) -> _Table:
    rows = xlsx.iter_rows(path)
    published = None
    for number, values in rows:
        if not any(v is not None for v in values):
            continue
        if xlsx.cell_text(values[0]) == LAST_UPDATED:
            published = _published(path, values[1] if len(values) > 1 else None, f"row {number}")
            continue
        index = xlsx.header_index(path, values, number, REQUIRED)
        return _Table(path, "row", index, rows, published)
    raise SourceError(path, "no header row found (empty sheet)")


def _open_csv(path: Path) -> _Table:
    raw = path.read_bytes()
    first = csvsafe.decode(path, raw.split(b"\n", 1)[0]).text.strip()
    published = None
    prefix = None
    if first.strip('"').startswith(LAST_UPDATED):
        try:
            fields = next(csv.reader([first], strict=True), [])
        except csv.Error as exc:
            raise SourceError(path, f"broken 'Last Updated' line: {exc}", "line 1") from exc
        published = _published(path, fields[1] if len(fields) > 1 else None, "line 1")
        prefix = first[: first.index(LAST_UPDATED) + len(LAST_UPDATED)]
    table = csvsafe.read_table(path, required=REQUIRED, comment_prefix=prefix, data=raw)
    return _Table(path, "line", table.index, iter(table.rows()), published)


def _open(path: Path) -> _Table:
    with path.open("rb") as handle:
        head = handle.read(4)
    return _open_xlsx(path) if xlsx.looks_like_zip(head) else _open_csv(path)


# ---- rows and groups --------------------------------------------------------------------


@dataclass
class _Row:
    place: str  # "row 12" / "line 12"
    values: tuple[str | None, ...]  # cleaned once: every value is read several times
    index: dict[str, int]

    def get(self, column: str) -> str | None:
        position = self.index.get(column)
        if position is None or position >= len(self.values):
            return None
        return self.values[position]


def _clean_cells(values: Sequence[object]) -> tuple[str | None, ...]:
    return tuple(None if v is None else collapse(xlsx.cell_text(v)) for v in values)


@dataclass
class _Group:
    gid: str
    schema: str
    rows: list[_Row] = field(default_factory=list)

    def distinct(self, column: str) -> list[str]:
        seen: dict[str, None] = {}
        for row in self.rows:
            value = row.get(column)
            if value is not None:
                seen.setdefault(value, None)
        return list(seen)


def _groups(table: _Table) -> dict[str, _Group]:
    groups: dict[str, _Group] = {}
    for number, values in table.rows:
        cells = _clean_cells(values)
        if not any(cells):
            continue
        place = f"{table.unit} {number}"
        row = _Row(place, cells, table.index)
        gid = row.get("Group ID")
        if gid is None:
            raise SourceError(table.path, "row without a Group ID", place)
        kind = (row.get("Group Type") or "").lower()
        schema = SCHEMAS.get(kind)
        if schema is None:
            raise SourceError(table.path, f"unknown Group Type {row.get('Group Type')!r} (Group ID {gid})", place)
        if row.get("Regime") is None:
            raise SourceError(table.path, f"row without a Regime (Group ID {gid})", place)
        group = groups.get(gid)
        if group is None:
            group = groups[gid] = _Group(gid, schema)
        elif group.schema != schema:
            raise SourceError(
                table.path, f"Group ID {gid} is typed {group.schema} on an earlier row and {schema} here", place
            )
        group.rows.append(row)
    return groups


# ---- value helpers ----------------------------------------------------------------------

_NUMBERED = re.compile(r"\(\d{1,2}\)")


def split_numbered(text: str | None) -> list[str]:
    """'(1) Syria. (2) United Kingdom' -> ['Syria', 'United Kingdom']; plain text -> [text]."""
    text = collapse(text)
    if text is None:
        return []
    if not _NUMBERED.match(text):
        return [text]
    parts = (collapse(p.strip(" .;,")) for p in _NUMBERED.split(text))
    return [p for p in parts if p]


_DOB_FULL = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DOB_MONTH = re.compile(r"^(\d{1,2})/(\d{4})$")


def uk_date(text: str | None) -> str | None:
    """'11/08/1975' -> '1975-08-11'; '00/00/1964' -> '1964'; '00/05/1964' and '05/1964' -> '1964-05'."""
    text = collapse(text)
    if text is None:
        return None
    day = month = "00"
    full = _DOB_FULL.match(text)
    month_only = _DOB_MONTH.match(text)
    if full:
        day, month, year = full.groups()
    elif month_only:
        month, year = month_only.groups()
    elif re.fullmatch(r"\d{4}", text):
        year = text
    elif _ISO.match(text):
        return text[:10]
    else:
        return None
    if year == "0000":
        return None
    if int(month) == 0:
        return year
    if int(day) == 0:
        return f"{year}-{int(month):02d}"
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _put_or_note(entity: EntityProxy, prop: str, values: list[str], label: str) -> None:
    """Values where the schema has the property; otherwise kept as a labelled note."""
    if not values:
        return
    if entity.schema.get(prop) is not None:
        put(entity, prop, values)
    else:
        put(entity, "notes", f"{label}: {'; '.join(values)}")


_NOW = re.compile(r"\b(?:now|currently)\s+([^()]+?)\)?$", re.IGNORECASE)
_QUALIFIED = re.compile(r"^([^()]+?)\s*\(([^()]+)\)$")


@lru_cache(maxsize=4096)
def read_country(text: str) -> str | None:
    """A country code for how lists write countries, beyond what FtM reads itself.

    'Former USSR (now Belarus)' -> 'by'; 'Congo (Democratic Republic)' -> 'cd' (and not
    'cg', which dropping the parentheses would give); 'tunisian' -> 'tn'.
    """
    candidates = [text, text.title()]
    now = _NOW.search(text)
    if now:
        candidates.append(now.group(1))
    qualified = _QUALIFIED.match(text)
    if qualified:
        main, qualifier = qualified.groups()
        candidates += [f"{qualifier} of the {main}", f"{qualifier} of {main}"]
        if qualifier.lower().startswith("former"):
            candidates.append(main)
    for candidate in candidates:
        code = registry.country.clean_text(candidate.strip(" .,"))
        if code is not None:
            return code
    return None


def _put_countries(entity: EntityProxy, prop: str, values: list[str], label: str) -> None:
    """Countries that can be read go on ``prop``; the others are kept as a note, not dropped."""
    if entity.schema.get(prop) is None:
        _put_or_note(entity, prop, values, label)
        return
    unread = []
    for value in values:
        code = read_country(value)
        if code is not None:
            entity.unsafe_add(entity.schema.properties[prop], code, cleaned=True)
        elif value.lower() not in {"unknown", "n/a", "na"}:
            unread.append(value)
    if unread:
        put(entity, "notes", f"{label}: {'; '.join(unread)}")


# ---- names ------------------------------------------------------------------------------


def _full_name(row: _Row) -> str | None:
    return collapse(" ".join(p for p in (row.get(c) for c in NAME_COLUMNS) if p))


def _add_names(record: Record, group: _Group, path: Path) -> None:
    target = record.target
    primaries = [r for r in group.rows if (r.get("Alias Type") or "").lower() == "primary name"]
    chosen = primaries[0] if primaries else None
    if chosen is None:
        variations = [r for r in group.rows if (r.get("Alias Type") or "").lower() == "primary name variation"]
        chosen = variations[0] if variations else group.rows[0]
    name = _full_name(chosen)
    if name is None:
        raise SourceError(path, f"Group ID {group.gid} has no name in its primary row", chosen.place)
    put(target, "name", name)
    if group.schema == "Person":
        put(target, "firstName", chosen.get("Name 1"))
        put(target, "secondName", chosen.get("Name 2"))
        put(target, "middleName", [chosen.get(c) for c in ("Name 3", "Name 4", "Name 5")])
        put(target, "lastName", chosen.get("Name 6"))
    for row in group.rows:
        variant = _full_name(row)
        if variant is not None and variant != name:
            put(target, _alias_prop(row), variant)
        put(target, "alias", row.get("Name Non-Latin Script"))


def _alias_prop(row: _Row) -> str:
    kind = (row.get("Alias Type") or "").lower()
    if kind in ("fka", "formerly known as"):
        return "previousName"
    quality = (row.get("Alias Quality") or "").lower()
    if quality.startswith("low"):
        return "weakAlias"
    return "alias"


# ---- Other Information ------------------------------------------------------------------

_LABELS = (
    "UK Sanctions List Ref", "UK Statement of Reasons", "UN Ref", "Gender", "Phone number", "Tel", "Fax",
    "Email address", "Website", "Type of entity", "Business Reg No", "Parent company", "Subsidiaries",
    "IMO number", "Flag of ship", "Previous flags", "Type of ship", "Tonnage of ship", "Length of ship",
    "Year built", "Current owners", "non-Latin script",
)
_LABEL = re.compile(r"\((" + "|".join(re.escape(label) for label in _LABELS) + r")\):", re.IGNORECASE)
_CANONICAL_LABEL = {label.lower(): label for label in _LABELS}
_UK_REF = re.compile(r"\b([A-Z]{3}\d{4})\b")
_UN_REF = re.compile(r"\b([A-Za-z]{2}[ieIE])\.\s?(\d{3})\b")


def labelled_fields(text: str | None) -> dict[str, list[str]]:
    """'(Gender):Male (Website):x.ru' -> {'Gender': ['Male'], 'Website': ['x.ru']}; free text under ''."""
    out: dict[str, list[str]] = defaultdict(list)
    if not text:
        return out
    parts = _LABEL.split(text)
    lead = collapse(parts[0])
    if lead:
        out[""].append(lead)
    for label, value in zip(parts[1::2], parts[2::2], strict=True):
        cleaned = collapse(value)
        if cleaned:
            out[_CANONICAL_LABEL[label.lower()]].append(cleaned)
    return out


def un_refs(fields: dict[str, list[str]]) -> list[str]:
    refs = []
    for value in fields.get("UN Ref", []):
        match = _UN_REF.search(value)
        if match:
            prefix = match.group(1)
            refs.append(f"{prefix[:2].upper()}{prefix[2].lower()}.{match.group(2)}")
    return refs


def uk_refs(fields: dict[str, list[str]]) -> list[str]:
    refs: list[str] = []
    for value in fields.get("UK Sanctions List Ref", []):
        head = re.split(r"\.\s", value, maxsplit=1)[0]
        refs.extend(r for r in _UK_REF.findall(head) if r not in refs)
    return refs


def _split_contacts(values: list[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        for part in split_numbered(value):
            out.extend(p.strip(" .;,") for p in re.split(r"[;,]\s*|\.\s+|\s{2,}", part) if p.strip(" .;,"))
    return out


def _add_other_information(record: Record, fields: dict[str, list[str]], schema: str) -> None:
    target = record.target
    if schema == "Person":
        put(target, "gender", [g.lower() for g in fields.get("Gender", [])])
    _put_or_note(target, "phone", _split_contacts(fields.get("Phone number", []) + fields.get("Tel", [])), "Phone")
    _put_or_note(target, "email", _split_contacts(fields.get("Email address", [])), "Email")
    _put_or_note(target, "website", _split_contacts(fields.get("Website", [])), "Website")
    _put_or_note(target, "legalForm", fields.get("Type of entity", []), "Type of entity")
    _put_or_note(target, "registrationNumber", _split_numbered_all(fields.get("Business Reg No", [])), "Business Reg No")
    _put_or_note(target, "imoNumber", fields.get("IMO number", []), "IMO number")
    if schema == "Vessel":
        put(target, "flag", fields.get("Flag of ship"))
        put(target, "pastFlags", _split_numbered_all(fields.get("Previous flags", [])))
        put(target, "type", fields.get("Type of ship"))
        put(target, "tonnage", fields.get("Tonnage of ship"))
        put(target, "buildDate", fields.get("Year built"))
    put(target, "alias", [re.split(r"\.\s+Non Latin Script", v)[0] for v in fields.get("non-Latin script", [])])


def _split_numbered_all(values: list[str]) -> list[str]:
    return [part for value in values for part in split_numbered(value)]


# ---- relations --------------------------------------------------------------------------

_OFSI_ID = re.compile(
    r"\b(?P<rel>asset|subsidiary|part|front|member) of\s+(?P<name>[^()]+?)[\s,\-]*"
    r"(?:\([^()]*\)\s*)?\(?\s*OFSI ID:?\s*(?P<id>\d+)",
    re.IGNORECASE,
)


def _company_names(value: str) -> list[str]:
    names = []
    for part in split_numbered(value):
        for item in re.split(r";\s*|\.\s+(?=[A-Z])", part):
            name = collapse(item.split(",")[0].strip(" ."))
            if name and 3 <= len(name) <= 120:
                names.append(name)
    return names


def _mentions(fields: dict[str, list[str]], position: list[str], other_information: str | None) -> list[RelationMention]:
    found: dict[tuple[str, str], RelationMention] = {}

    def add(mention: RelationMention) -> None:
        found.setdefault((mention.relationship, mention.name.lower()), mention)

    for text in [*position, other_information]:
        for mention in find_relations(text):
            add(mention)
    for match in _OFSI_ID.finditer(other_information or ""):
        name = collapse(match.group("name")) or match.group("id")
        add(RelationMention("link", f"{match.group('rel').lower()} of", name, match.group(0),
                            other_id=f"{LIST_ID}:{match.group('id')}"))
    specs = (("Parent company", "subsidiary of", True), ("Subsidiaries", "parent company of", True),
             ("Current owners", "owned by", True))
    for label, relationship, holds in specs:
        for value in fields.get(label, []):
            for name in _company_names(value):
                add(RelationMention("link", relationship, name, f"({label}):{value}", holds))
    return list(found.values())


# ---- person details ---------------------------------------------------------------------


def _add_births(target: EntityProxy, group: _Group) -> None:
    dobs = group.distinct("DOB")
    parsed = [uk_date(d) for d in dobs]
    _put_or_note(target, "birthDate", [p for p in parsed if p], "Date of birth")
    unread = [d for d, p in zip(dobs, parsed, strict=True) if p is None]
    if unread:
        put(target, "notes", f"Date of birth: {'; '.join(unread)}")
    towns = _split_numbered_all(group.distinct("Town of Birth"))
    countries = _split_numbered_all(group.distinct("Country of Birth"))
    if towns and len(towns) == len(countries):
        places = [f"{t}, {c}" for t, c in zip(towns, countries, strict=True)]
    else:
        places = towns + [c for c in countries if not towns]
        if towns and countries:
            places = [f"{t}, {', '.join(dict.fromkeys(countries))}" for t in towns]
    _put_or_note(target, "birthPlace", list(dict.fromkeys(places)), "Place of birth")
    _put_countries(target, "birthCountry", list(dict.fromkeys(countries)), "Country of birth")


def _add_documents(record: Record, group: _Group) -> None:
    specs = (
        ("Passport Number", "Passport Details", "Passport", True),
        ("National Identification Number", "National Identification Details", "National identification number", False),
    )
    for number_col, details_col, doc_type, passport in specs:
        numbers = _split_numbered_all(group.distinct(number_col))
        details = _split_numbered_all(group.distinct(details_col))
        paired = len(numbers) == len(details)
        for i, number in enumerate(numbers):
            note = details[i] if paired else ("; ".join(details) or None)
            country = note if note and len(note) <= 40 else None
            add_identification(record, number, doc_type, country, passport=passport, note=note)
        if not numbers and details:
            put(record.target, "notes", f"{details_col}: {'; '.join(details)}")


def _add_addresses(record: Record, group: _Group) -> None:
    seen: set[tuple[str | None, ...]] = set()
    for row in group.rows:
        key = tuple(row.get(c) for c in (*ADDRESS_COLUMNS, "Post/Zip Code", "Country"))
        if key in seen or not any(key):
            continue
        seen.add(key)
        full = ", ".join(p for p in key if p)
        add_address(record, full, postalCode=row.get("Post/Zip Code"), country=row.get("Country"))


# ---- sanctions --------------------------------------------------------------------------


def _ref_regimes(groups: dict[str, _Group]) -> dict[str, str]:
    """Which regime each UK reference prefix ('SYR', 'INU') stands for, learnt from the file.

    A target listed under two regimes carries two references ('INU0082 and SYR0310');
    single-regime targets show which prefix belongs to which regime.
    """
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for group in groups.values():
        regimes = group.distinct("Regime")
        if len(regimes) != 1:
            continue
        for ref in uk_refs(labelled_fields(group.rows[0].get("Other Information"))):
            votes[ref[:3]][regimes[0]] += 1
    return {prefix: counter.most_common(1)[0][0] for prefix, counter in votes.items()}


def _refs_for(regime: str, refs: list[str], regimes: list[str], ref_regimes: dict[str, str]) -> list[str]:
    """The UK references of one of a target's regimes: those whose prefix stands for it;
    failing that, those not claimed by another of its regimes; failing that, all."""
    if len(regimes) == 1:
        return refs
    own = [r for r in refs if ref_regimes.get(r[:3]) == regime]
    unclaimed = [r for r in refs if ref_regimes.get(r[:3]) not in regimes]
    return own or unclaimed or refs


def _earliest(values: list[str]) -> str | None:
    dates = sorted(d for d in (uk_date(v) for v in values) if d)
    return dates[0] if dates else None


def _add_sanctions(record: Record, group: _Group, fields: dict[str, list[str]], ref_regimes: dict[str, str]) -> None:
    by_regime: dict[str, list[_Row]] = defaultdict(list)
    for row in group.rows:
        by_regime[row.get("Regime") or ""].append(row)
    refs = uk_refs(fields)
    un = un_refs(fields)
    reasons = fields.get("UK Statement of Reasons", [])
    for regime, rows in by_regime.items():
        regime_group = _Group(group.gid, group.schema, rows)
        own_refs = _refs_for(regime, refs, list(by_regime), ref_regimes)
        sanction = add_sanction(
            record,
            AUTHORITY,
            LIST_ID,
            regime,
            listing_date=_earliest(regime_group.distinct("Listed On")),
            reason="\n".join(reasons) or None,
            unsc_id=un[0] if un else None,
            authority_id=None,
            source_url=SOURCE_URL,
        )
        put(sanction, "authorityId", own_refs)
        put(sanction, "unscId", un[1:])
        designated = _earliest(regime_group.distinct("UK Sanctions List Date Designated"))
        put(sanction, "date", designated)
        if designated:
            put(sanction, "description", f"UK Sanctions List date designated: {designated}")
        updated = sorted(d for d in (uk_date(v) for v in regime_group.distinct("Last Updated")) if d)
        if updated:
            put(sanction, "modifiedAt", updated[-1])


# ---- records ----------------------------------------------------------------------------


def _record(path: Path, group: _Group, ref_regimes: dict[str, str], extra_columns: list[str]) -> Record:
    record = new_record(LIST_ID, group.gid, group.schema)
    target = record.target
    _add_names(record, group, path)
    other = group.distinct("Other Information")
    fields = labelled_fields(other[0] if other else None)
    for text in other[1:]:
        for key, values in labelled_fields(text).items():
            fields[key].extend(values)
    put(target, "notes", other)
    _put_or_note(target, "title", _split_numbered_all(group.distinct("Title")), "Title")
    positions = _split_numbered_all(group.distinct("Position"))
    _put_or_note(target, "position", positions, "Position")
    _put_countries(target, "nationality", _split_numbered_all(group.distinct("Nationality")), "Nationality")
    _add_births(target, group)
    _add_documents(record, group)
    _add_addresses(record, group)
    _add_other_information(record, fields, group.schema)
    _add_sanctions(record, group, fields, ref_regimes)
    record.mentions.extend(_mentions(fields, positions, "\n".join(other) or None))
    for column in extra_columns:
        values = group.distinct(column)
        if values:
            put(target, "notes", f"{column}: {'; '.join(values)}")
    return record


def parse(primary: Path, companions: Sequence[Path] = ()) -> Iterator[ParsedList]:
    table = _open(primary)
    extra_columns = [c for c in table.index if c not in KNOWN_COLUMNS]
    groups = _groups(table)
    if not groups:
        raise SourceError(primary, "the list has a header but no rows")
    ref_regimes = _ref_regimes(groups)
    records = [_record(primary, group, ref_regimes, extra_columns) for group in groups.values()]
    yield ParsedList(
        LIST_ID,
        records,
        (primary, *companions),
        published=table.published,
        published_from="'Last Updated' in the first row" if table.published else None,
    )


FORMAT = SourceFormat(
    name="uk_ofsi",
    description="UK OFSI Consolidated List (ConList, 2022 format) as xlsx or csv",
    lists=(LIST_ID,),
    sniff=sniff,
    parse=parse,
    primary_names=("ConList.xlsx", "ConList.csv"),
)
