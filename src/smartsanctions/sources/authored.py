"""Authored lists: designations by authorities that publish no machine-readable list.

One file is one version of one list, in CSV or YAML (see docs/authored-lists.md). A file
is recognised only by its explicit marker, so an official file is never taken for one:
YAML ``smartsanctions_authored_list: 1``; CSV first line ``# smartsanctions authored list``
followed by ``# key: value`` metadata lines and then the header row.

Validation is as strict as for official lists: required fields, unknown columns or keys,
bad dates, unknown countries, unknown measures and duplicate IDs raise SourceError
naming the file, the line and the field. Measures the list states override the table in
measures.yml; where it states none, the table's catch-all applies.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from followthemoney import registry as ftm_registry

from smartsanctions.sources import registry
from smartsanctions.sources.base import (
    FileRole,
    ListSpec,
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
from smartsanctions.sources.csvsafe import decode, read_table
from smartsanctions.sources.measures import check_measures
from smartsanctions.sources.relations import ASSOCIATE_TERMS, FAMILY_TERMS, find_relations

FORMAT_VERSION = 1
CSV_MARKER = "# smartsanctions authored list"
YAML_MARKER = "smartsanctions_authored_list"

META_REQUIRED = ("authority", "authority_name", "list_id", "list_name", "published")
META_OPTIONAL = ("source_url", "legal_basis", "programme", "measures")
FIELDS_REQUIRED = ("id", "schema", "name")
FIELDS_OPTIONAL = (
    "aliases", "birth_date", "birth_place", "nationality", "citizenship", "gender", "title",
    "position", "address", "country", "identifiers", "programme", "measures", "listing_date",
    "remarks", "relations", "source_url",
)
LIST_FIELDS = {
    "aliases", "birth_date", "birth_place", "nationality", "citizenship", "title", "position",
    "address", "country", "identifiers", "measures", "relations",
}
SCHEMAS = ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane")
CSV_SEPARATOR = "|"
# PyYAML is pure Python (~2 s per MB): bigger authored lists belong in the CSV form.
MAX_YAML_BYTES = 4 * 1024 * 1024
MAX_YAML_LINE = 64 * 1024

_AUTHORITY = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_SLUG = re.compile(r"^[a-z0-9_]+$")
_LOCAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_RELATION = re.compile(r"^(?P<rel>[^:]+?)\s*(?:\bof\b|\bto\b)?\s*:\s*(?P<other>.+)$", re.IGNORECASE)
_FAMILY = re.compile(rf"^(?:{FAMILY_TERMS})$", re.IGNORECASE)
_ASSOCIATE = re.compile(rf"^(?:{ASSOCIATE_TERMS})$", re.IGNORECASE)


class _Loader(yaml.SafeLoader):
    """Safe YAML without implicit dates and booleans.

    Dates stay text so that an impossible date is reported with its place instead of
    failing inside the YAML library, and ``no`` stays Norway's code instead of False.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class _Entry:
    place: str  # "line 12" / "line 30, entries[2]"
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Meta:
    authority: str
    authority_name: str
    list_id: str
    list_name: str
    published: date
    source_url: str | None
    legal_basis: str | None
    programme: str | None
    measures: tuple[str, ...] | None


# ---------------------------------------------------------------------------------------
# Recognition
# ---------------------------------------------------------------------------------------


def _sniff(path: Path, head: bytes) -> FileRole | None:
    text = head.lstrip(b"\xef\xbb\xbf")
    first = text.split(b"\n", 1)[0].strip().lower()
    if first.startswith(CSV_MARKER.encode()):
        return FileRole.PRIMARY
    if re.search(rb"(?m)^" + YAML_MARKER.encode() + rb"\s*:", text[:4096]):
        return FileRole.PRIMARY
    return None


def _parse(primary: Path, companions: Sequence[Path]) -> Iterator[ParsedList]:
    data = primary.read_bytes()
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    if head.split(b"\n", 1)[0].strip().lower().startswith(CSV_MARKER.encode()):
        meta, entries, notes = _read_csv(primary, data)
    else:
        meta, entries, notes = _read_yaml(primary, data)
    records = _records(primary, meta, entries)
    spec = ListSpec(meta.list_id, meta.authority, meta.list_name, (meta.source_url,) if meta.source_url else (), ())
    registry.register_authored(spec, meta.authority_name)
    yield ParsedList(
        meta.list_id, records, (primary,), published=meta.published,
        published_from="'published' in the authored list's metadata", notes=notes,
    )


# ---------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------


def _read_csv(path: Path, data: bytes) -> tuple[_Meta, list[_Entry], list[str]]:
    decoded = decode(path, data)
    raw_meta: dict[str, tuple[str, str]] = {}
    for number, text_line in enumerate(decoded.text.splitlines(), start=1):
        stripped = text_line.strip()
        if number == 1 or not stripped:
            continue
        if not stripped.startswith("#"):
            break
        key, sep, value = stripped.lstrip("#").partition(":")
        if not sep:
            raise SourceError(path, "metadata line must read '# key: value'", f"line {number}")
        key = key.strip()
        if key in raw_meta:
            raise SourceError(path, f"metadata key {key!r} given twice", f"line {number}")
        raw_meta[key] = (value.strip(), f"line {number}")
    meta = _meta(path, {k: v for k, (v, _) in raw_meta.items()}, {k: p for k, (_, p) in raw_meta.items()})
    table = read_table(
        path, required=FIELDS_REQUIRED, allowed=FIELDS_REQUIRED + FIELDS_OPTIONAL, comment_prefix="#", data=data
    )
    entries = []
    for line_no, row in table.dicts():
        values: dict[str, Any] = {}
        for column, cell in row.items():
            cell = cell.strip()
            if not cell:
                continue
            values[column] = [v.strip() for v in cell.split(CSV_SEPARATOR) if v.strip()] if column in LIST_FIELDS else cell
        entries.append(_Entry(f"line {line_no}", values))
    return meta, entries, list(table.notes) + decoded.notes


# ---------------------------------------------------------------------------------------
# YAML
# ---------------------------------------------------------------------------------------


def _check_yaml_size(path: Path, text: str) -> None:
    for number, line in enumerate(text.splitlines(), 1):
        if len(line) > MAX_YAML_LINE:
            raise SourceError(path, f"a line of {len(line)} characters (limit {MAX_YAML_LINE})", f"line {number}")
    if len(text) > MAX_YAML_BYTES:
        raise SourceError(path, f"{len(text)} characters of YAML (limit {MAX_YAML_BYTES}); use the CSV form for big lists")


def _read_yaml(path: Path, data: bytes) -> tuple[_Meta, list[_Entry], list[str]]:
    decoded = decode(path, data)
    _check_yaml_size(path, decoded.text)
    try:
        node = yaml.compose(decoded.text, Loader=_Loader)
        doc = yaml.load(decoded.text, Loader=_Loader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"line {mark.line + 1}" if mark is not None else None
        raise SourceError(path, f"malformed YAML: {getattr(exc, 'problem', None) or exc}", place) from exc
    if not isinstance(doc, dict) or node is None:
        raise SourceError(path, "an authored list in YAML is a mapping with metadata keys and 'entries'")
    lines = _key_lines(node)
    version = doc.pop(YAML_MARKER, None)
    if version != FORMAT_VERSION:
        raise SourceError(path, f"{YAML_MARKER} must be {FORMAT_VERSION}, found {version!r}", lines.get(YAML_MARKER))
    raw_entries = doc.pop("entries", None)
    if not isinstance(raw_entries, list) or not raw_entries:
        raise SourceError(path, "'entries' must be a non-empty list", lines.get("entries"))
    meta = _meta(path, doc, lines)
    entry_lines = _entry_lines(node)
    entries = []
    for i, raw in enumerate(raw_entries):
        place = f"line {entry_lines[i]}, entries[{i}]" if i < len(entry_lines) else f"entries[{i}]"
        if not isinstance(raw, dict):
            raise SourceError(path, "each entry must be a mapping of field: value", place)
        unknown = sorted(str(k) for k in raw if k not in FIELDS_REQUIRED + FIELDS_OPTIONAL)
        if unknown:
            raise SourceError(path, f"unknown field(s) {unknown}; allowed: {', '.join(FIELDS_REQUIRED + FIELDS_OPTIONAL)}", place)
        entries.append(_Entry(place, {str(k): _yaml_value(path, place, str(k), v) for k, v in raw.items() if v not in (None, "", [])}))
    return meta, entries, decoded.notes


def _key_lines(node: yaml.Node) -> dict[str, str]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): f"line {k.start_mark.line + 1}" for k, _ in node.value}


def _entry_lines(node: yaml.Node) -> list[int]:
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if key.value == "entries" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _yaml_value(path: Path, place: str, key: str, value: Any) -> Any:
    if key in LIST_FIELDS:
        items = value if isinstance(value, list) else [value]
        return [_scalar(path, place, key, v) if not isinstance(v, dict) else v for v in items]
    if isinstance(value, (list, dict)):
        raise SourceError(path, f"field {key!r} takes one value, found {type(value).__name__}", place)
    return _scalar(path, place, key, value)


def _scalar(path: Path, place: str, key: str, value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        raise SourceError(path, f"field {key!r}: nested value not allowed here", place)
    return str(value).strip()


# ---------------------------------------------------------------------------------------
# Metadata and entries
# ---------------------------------------------------------------------------------------


def _meta(path: Path, raw: dict[str, Any], places: dict[str, str]) -> _Meta:
    unknown = sorted(str(k) for k in raw if k not in META_REQUIRED + META_OPTIONAL)
    if unknown:
        raise SourceError(path, f"unknown metadata key(s) {unknown}; allowed: {', '.join(META_REQUIRED + META_OPTIONAL)}",
                          places.get(unknown[0]))
    missing = [k for k in META_REQUIRED if k not in raw or raw[k] in (None, "")]
    if missing:
        raise SourceError(path, f"missing metadata: {', '.join(missing)}", "metadata")
    text = {k: _scalar(path, places.get(k, "metadata"), k, v) for k, v in raw.items() if k != "measures"}
    authority, list_id = text["authority"], text["list_id"]
    if not _AUTHORITY.match(authority):
        raise SourceError(path, f"authority code {authority!r} must be lower-case letters/digits, words joined by '-'",
                          places.get("authority"))
    slug = list_id[len(authority) + 1:] if list_id.startswith(f"{authority}-") else ""
    if not _SLUG.match(slug):
        raise SourceError(path, f"list_id {list_id!r} must be '{authority}-<slug>' with a slug of a-z, 0-9, '_' (no '-')",
                          places.get("list_id"))
    if list_id in registry.LISTS:
        raise SourceError(path, f"list_id {list_id!r} is an official list; an authored list needs its own ID",
                          places.get("list_id"))
    published = _iso_date(path, text["published"], places.get("published", "metadata"), "published", full=True)
    measures = None
    if raw.get("measures") not in (None, "", []):
        value = raw["measures"]
        items = value if isinstance(value, list) else str(value).split(CSV_SEPARATOR)
        measures = _measures(path, [str(v) for v in items], places.get("measures", "metadata"))
    return _Meta(
        authority, text["authority_name"], list_id, text["list_name"], date.fromisoformat(published),
        text.get("source_url") or None, text.get("legal_basis") or None, text.get("programme") or None, measures,
    )


def _measures(path: Path, values: list[str], place: str) -> tuple[str, ...]:
    try:
        measures = check_measures(values, "measures")
    except ValueError as exc:
        raise SourceError(path, str(exc), place) from exc
    if not measures:
        raise SourceError(path, "measures is empty", place)
    return measures


def _iso_date(path: Path, value: str, place: str, key: str, *, full: bool = False) -> str:
    ok = bool(_DATE.match(value)) and (not full or len(value) == 10)
    if ok:
        padded = value + "-01" * ((10 - len(value)) // 3)
        try:
            date.fromisoformat(padded)
        except ValueError:
            ok = False
    if not ok:
        shape = "YYYY-MM-DD" if full else "YYYY, YYYY-MM or YYYY-MM-DD"
        raise SourceError(path, f"bad date {value!r} in {key} (expected {shape})", f"{place}, field {key}")
    return value


def _records(path: Path, meta: _Meta, entries: list[_Entry]) -> list[Record]:
    seen: dict[str, _Entry] = {}
    for entry in entries:
        for key in FIELDS_REQUIRED:
            if not entry.values.get(key):
                raise SourceError(path, f"missing required field {key!r}", f"{entry.place}, field {key}")
        local_id = entry.values["id"]
        if not _LOCAL_ID.match(local_id):
            raise SourceError(path, f"bad id {local_id!r} (letters, digits, '.', '_', '/', '-')", f"{entry.place}, field id")
        if local_id in seen:
            raise SourceError(path, f"duplicate id {local_id!r} (first at {seen[local_id].place})", f"{entry.place}, field id")
        seen[local_id] = entry
    names = {local_id: entry.values["name"] for local_id, entry in seen.items()}
    return [_record(path, meta, entry, names) for entry in entries]


def _record(path: Path, meta: _Meta, entry: _Entry, names: dict[str, str]) -> Record:
    v = entry.values
    schema = v["schema"]
    if schema not in SCHEMAS:
        raise SourceError(path, f"unknown schema {schema!r}; allowed: {', '.join(SCHEMAS)}", f"{entry.place}, field schema")
    record = new_record(meta.list_id, v["id"], schema)
    target = record.target
    put(target, "name", v["name"])
    put(target, "alias", v.get("aliases"))
    is_person = target.schema.is_a("Person")
    person_only = ("birth_date", "birth_place", "nationality", "citizenship", "gender", "title", "position")
    for key in person_only:
        if key in v and not is_person:
            raise SourceError(path, f"field {key!r} applies to schema Person only", f"{entry.place}, field {key}")
    if is_person:
        dates = [_iso_date(path, d, entry.place, "birth_date") for d in v.get("birth_date", [])]
        put(target, "birthDate", dates)
        put(target, "birthPlace", v.get("birth_place"))
        put(target, "title", v.get("title"))
        put(target, "position", v.get("position"))
        _countries(path, entry, record, "nationality", "nationality")
        _countries(path, entry, record, "citizenship", "citizenship")
        _gender(path, entry, record)
    _countries(path, entry, record, "country", "country")
    for address in v.get("address", []):
        add_address(record, address)
    _identifiers(path, entry, record)
    remarks = v.get("remarks")
    put(target, "notes", remarks)
    _relations(path, meta, entry, record, names)
    # Relations the remarks state, unless the explicit ``relations`` field already has them.
    stated = {(m.relationship, m.name.lower()) for m in record.mentions}
    record.mentions.extend(m for m in find_relations(remarks) if (m.relationship, m.name.lower()) not in stated)
    _sanction(path, meta, entry, record)
    return record


def _countries(path: Path, entry: _Entry, record: Record, key: str, prop: str) -> None:
    country_type = ftm_registry.country
    for value in entry.values.get(key, []):
        if country_type.clean_text(value) is None:
            raise SourceError(path, f"unknown country {value!r} in {key}", f"{entry.place}, field {key}")
        put(record.target, prop, value)


def _gender(path: Path, entry: _Entry, record: Record) -> None:
    value = entry.values.get("gender")
    if value is None:
        return
    if value.lower() not in ("male", "female", "other"):
        raise SourceError(path, f"gender must be male, female or other, found {value!r}", f"{entry.place}, field gender")
    put(record.target, "gender", value.lower())


def _identifiers(path: Path, entry: _Entry, record: Record) -> None:
    for item in entry.values.get("identifiers", []):
        if isinstance(item, dict):
            doc_type, number, country = (collapse(str(item.get(k) or "")) for k in ("type", "number", "country"))
            extra = set(item) - {"type", "number", "country"}
            if extra:
                raise SourceError(path, f"identifier keys {sorted(extra)} unknown (type, number, country)",
                                  f"{entry.place}, field identifiers")
        else:
            parts = [p.strip() for p in item.split(":")]
            if len(parts) not in (2, 3):
                raise SourceError(path, f"identifier {item!r} must read 'type:number' or 'type:number:country'",
                                  f"{entry.place}, field identifiers")
            doc_type, number = parts[0], parts[1]
            country = parts[2] if len(parts) == 3 else None
        if not doc_type or not number:
            raise SourceError(path, f"identifier {item!r} needs a type and a number", f"{entry.place}, field identifiers")
        if country and ftm_registry.country.clean_text(country) is None:
            raise SourceError(path, f"unknown country {country!r} in identifier", f"{entry.place}, field identifiers")
        add_identification(record, number, doc_type, country, passport="passport" in doc_type.lower())
        if "swift" in doc_type.lower() and record.target.schema.get("swiftBic"):
            put(record.target, "swiftBic", number)


def _relations(path: Path, meta: _Meta, entry: _Entry, record: Record, names: dict[str, str]) -> None:
    for item in entry.values.get("relations", []):
        if isinstance(item, dict):
            relationship = collapse(str(item.get("relationship") or ""))
            other = collapse(str(item.get("of") or item.get("to") or ""))
        else:
            match = _RELATION.match(item)
            relationship, other = (match.group("rel").strip(), match.group("other").strip()) if match else (None, None)
        if not relationship or not other:
            raise SourceError(path, f"relation {item!r} must read '<relationship> of: <id or name>'",
                              f"{entry.place}, field relations")
        relationship = re.sub(r"\s+(of|to)$", "", relationship.lower())
        if other == entry.values["id"]:
            raise SourceError(path, f"relation {item!r} points at the entry itself", f"{entry.place}, field relations")
        kind = "family" if _FAMILY.match(relationship) else "associate" if _ASSOCIATE.match(relationship) else "link"
        other_id = f"{meta.list_id}:{other}" if other in names else None
        text = f"{relationship} of {names.get(other, other)}"
        record.mentions.append(RelationMention(kind, relationship, names.get(other, other), text, True, other_id))


def _sanction(path: Path, meta: _Meta, entry: _Entry, record: Record) -> None:
    v = entry.values
    programme = v.get("programme") or meta.programme
    if not programme:
        raise SourceError(path, "missing programme (per entry, or 'programme' in the metadata)",
                          f"{entry.place}, field programme")
    measures = meta.measures
    if v.get("measures"):
        measures = _measures(path, v["measures"], f"{entry.place}, field measures")
    listing = v.get("listing_date")
    if listing:
        _iso_date(path, listing, entry.place, "listing_date")
    sanction = add_sanction(
        record, meta.authority, meta.list_id, programme, listing_date=listing,
        source_url=v.get("source_url") or meta.source_url, measures=measures,
    )
    put(sanction, "summary", meta.legal_basis)


FORMAT = SourceFormat(
    name="authored",
    description="Authored list (CSV or YAML with a smartsanctions marker) for authorities without a machine-readable list",
    lists=(),
    sniff=_sniff,
    parse=_parse,
)
