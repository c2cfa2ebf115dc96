"""Helpers every format module uses to turn list entries into FtM entities.

They keep IDs deterministic (a re-import of the same file yields the same IDs and so
the same content hashes) and make value cleaning cheap: FtM's own cleaning costs
about 40 µs a value, most of it spent again and again on the same country names and
dates, so cleaned values are memoised per (type, raw value).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from followthemoney import model
from followthemoney.property import Property
from followthemoney.proxy import EntityProxy

from smartsanctions.sources.base import Record
from smartsanctions.sources.measures import measures_for

_SPACES = re.compile(r"\s+")
_MEMOISED_TYPES = {"country", "date", "gender", "topic", "language"}


def collapse(text: str | None) -> str | None:
    """Collapse runs of white space; ``None`` for empty or missing text."""
    if text is None:
        return None
    text = str(text)
    # Fast path: no tabs/newlines/odd spaces (all non-printable) and no double space.
    if text.isprintable() and "  " not in text:
        return text.strip() or None
    text = _SPACES.sub(" ", text).strip()
    return text or None


@lru_cache(maxsize=200_000)
def _clean(prop: Property, value: str) -> str | None:
    return prop.type.clean_text(value, format=prop.format)


def put(entity: EntityProxy, prop_name: str, values: str | date | Iterable[str | None] | None) -> None:
    """Add cleaned values to an entity; empty and invalid values are dropped."""
    if values is None:
        return
    if isinstance(values, (str, date)):
        values = [values.isoformat() if isinstance(values, date) else values]
    prop = entity.schema.properties[prop_name]
    for raw in values:
        text = collapse(raw)
        if text is None:
            continue
        if prop.type.name == "entity":
            link(entity, prop_name, text)
        elif prop.type.name in _MEMOISED_TYPES:
            cleaned = _clean(prop, text)
        else:
            cleaned = prop.type.clean_text(text, format=prop.format)
        if cleaned is not None:
            entity.unsafe_add(prop, cleaned, cleaned=True)


def link(entity: EntityProxy, prop_name: str, entity_id: str | None) -> None:
    """Point an entity property at another entity.

    Source-record IDs follow the public contract ``<list>:<id>`` (DESIGN.md), but FtM's
    entity-reference cleaning rejects ':' and silently drops such values, so references
    are added as already clean.
    """
    if entity_id:
        entity.unsafe_add(entity.schema.properties[prop_name], entity_id, cleaned=True)


def short_hash(*parts: object) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def derived_id(record_id: str, kind: str, *parts: object) -> str:
    """A deterministic ID for an entity hanging off a record: ``<record id>:<kind>-<hash>``."""
    return f"{record_id}:{kind}-{short_hash(*parts)}"


def make_entity(schema: str, entity_id: str) -> EntityProxy:
    entity = model.make_entity(schema)
    entity.id = entity_id
    return entity


def new_record(list_id: str, local_id: str, schema: str) -> Record:
    """A record whose target has the source-record ID ``<list id>:<local id>``."""
    record_id = f"{list_id}:{local_id}"
    return Record(id=record_id, target=make_entity(schema, record_id))


def add_sanction(
    record: Record,
    authority: str,
    list_id: str,
    program: str | None,
    *,
    listing_date: str | date | None = None,
    start_date: str | date | None = None,
    end_date: str | date | None = None,
    reason: str | None = None,
    unsc_id: str | None = None,
    authority_id: str | None = None,
    source_url: str | None = None,
    measures: Iterable[str] | None = None,
) -> EntityProxy:
    """Attach a Sanction for (target, authority, programme) with normalised measures.

    The measures come from the one table in ``measures.yml``; the legal basis it cites
    goes into the Sanction's ``summary``. ``measures`` (already checked against the
    vocabulary) overrides the table: authored lists state their own.
    """
    program = collapse(program)
    sanction = make_entity("Sanction", derived_id(record.id, "sanction", authority, program))
    link(sanction, "entity", record.id)
    put(sanction, "authority", authority)
    put(sanction, "program", program)
    if measures is not None:
        put(sanction, "provisions", list(measures))
    else:
        mapping = measures_for(authority, list_id, program)
        put(sanction, "provisions", list(mapping.measures))
        put(sanction, "summary", mapping.legal_basis)
    put(sanction, "listingDate", listing_date)
    put(sanction, "startDate", start_date or listing_date)
    put(sanction, "endDate", end_date)
    put(sanction, "reason", reason)
    put(sanction, "unscId", unsc_id)
    put(sanction, "authorityId", authority_id)
    put(sanction, "sourceUrl", source_url)
    record.extras.append(sanction)
    return sanction


def add_address(record: Record, full: str | None = None, **parts: str | None) -> EntityProxy | None:
    """Attach an Address entity (and the plain ``address`` text on the target)."""
    country = parts.pop("country", None)
    pieces = [collapse(full)] if full else [collapse(v) for v in parts.values()]
    text = ", ".join(p for p in pieces if p)
    if country and not full:
        text = ", ".join(p for p in (text, collapse(country)) if p)
    if not text:
        return None
    address = make_entity("Address", derived_id(record.id, "address", text))
    put(address, "full", text)
    for key, value in parts.items():
        put(address, key, value)
    put(address, "country", country)
    put(record.target, "address", text)
    if record.target.schema.get("addressEntity"):
        link(record.target, "addressEntity", address.id)
    record.extras.append(address)
    return address


def add_identification(
    record: Record,
    number: str | None,
    doc_type: str | None = None,
    country: str | None = None,
    *,
    passport: bool = False,
    note: str | None = None,
) -> EntityProxy | None:
    """Attach an Identification (or Passport) entity and mirror the number on the target."""
    number = collapse(number)
    if not number:
        return None
    schema = "Passport" if passport else "Identification"
    ident = make_entity(schema, derived_id(record.id, "id", doc_type, number, country))
    link(ident, "holder", record.id)
    put(ident, "number", number)
    put(ident, "type", doc_type)
    put(ident, "country", country)
    put(ident, "summary", note)
    target = record.target
    if passport and target.schema.get("passportNumber"):
        put(target, "passportNumber", number)
    elif target.schema.get("idNumber"):
        put(target, "idNumber", number)
    elif target.schema.get("registrationNumber"):
        put(target, "registrationNumber", number)
    record.extras.append(ident)
    return ident


def is_real_date(text: str) -> bool:
    """Whether an ISO date or prefix ('YYYY', 'YYYY-MM', 'YYYY-MM-DD') names a real calendar date."""
    parts = text.split("-")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        return False
    numbers = [int(p) for p in parts] + [1] * (3 - len(parts))
    try:
        date(*numbers)
    except ValueError:
        return False
    return True
