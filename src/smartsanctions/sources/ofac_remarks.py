"""What OFAC's two formats share: the structured remarks, and how an entry becomes a record.

The legacy CSV packs most facts into one remarks field: ``DOB 11 Sep 1965; POB Damascus,
Syria; nationality Syria; Gender Male; Passport 123 (Syria); a.k.a. 'X'; Linked To: Y.``.
The XML carries the same facts as ``idList`` items (``idType`` / ``idNumber`` /
``idCountry``) with the same labels, so one table of labels serves both:
:func:`apply_fact` turns (label, value, country) into properties or Identification
entities, and :func:`apply_remarks` splits a remarks text into such facts. The raw
remarks text is always kept in ``notes``; facts this module does not know stay there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from followthemoney.proxy import EntityProxy

from smartsanctions.sources.base import Record, RelationMention
from smartsanctions.sources.build import (
    add_identification,
    add_sanction,
    collapse,
    derived_id,
    link,
    make_entity,
    put,
)
from smartsanctions.sources.relations import find_relations

AUTHORITY = "us"
EMPTY = "-0-"

# sdnType (XML) / type column (CSV, where an empty type means an entity).
SCHEMAS: dict[str, str] = {
    "individual": "Person",
    "entity": "Organization",
    "": "Organization",
    "vessel": "Vessel",
    "aircraft": "Airplane",
}

_MONTHS = {
    m: i
    for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)
}
_DATE = re.compile(r"^(?:(?P<day>\d{1,2})\s+)?(?:(?P<mon>[A-Za-z]{3})[a-z]*\.?\s+)?(?P<year>\d{4})$")
_ISO = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_CIRCA = re.compile(r"^(?:circa|ca\.|approximately|approx\.|about)\s+", re.IGNORECASE)
_RANGE = re.compile(r"\s+(?:to|-)\s+", re.IGNORECASE)
_MAX_RANGE_YEARS = 25


def clean(value: str | None) -> str | None:
    """A CSV/XML field without OFAC's empty marker ``-0-``."""
    value = collapse(value)
    if value is None or value == EMPTY:
        return None
    return value


def parse_date(text: str | None) -> str | None:
    """``11 Sep 1965`` -> ``1965-09-11``; ``Sep 1965`` -> ``1965-09``; ``1965`` -> ``1965``."""
    text = collapse(text)
    if not text:
        return None
    text = text.rstrip(".")
    if _ISO.match(text):
        return text
    match = _DATE.match(text)
    if match is None:
        return None
    year = match.group("year")
    mon = match.group("mon")
    if mon is None:
        return year if match.group("day") is None else None
    month = _MONTHS.get(mon.lower())
    if month is None:
        return None
    if match.group("day") is None:
        return f"{year}-{month:02d}"
    return f"{year}-{month:02d}-{int(match.group('day')):02d}"


def parse_dob(text: str | None) -> list[str]:
    """Dates of birth as ISO dates or prefixes.

    ``circa 1965`` gives the year; a range (``1955 to 1960``, ``01 Jan 1960 to 31 Dec
    1962``) gives every year it spans, since the list claims no more precision than that.
    """
    text = collapse(text)
    if not text:
        return []
    text = text.rstrip(".")
    circa = _CIRCA.match(text)
    if circa:
        text = text[circa.end() :]
    parts = _RANGE.split(text)
    if len(parts) == 2:
        start, end = parse_date(parts[0]), parse_date(parts[1])
        if start is None or end is None:
            return []
        first, last = int(start[:4]), int(end[:4])
        if first > last or last - first > _MAX_RANGE_YEARS:
            return [start[:4], end[:4]]
        return [str(year) for year in range(first, last + 1)]
    value = parse_date(text)
    if value is None:
        return []
    return [value[:4]] if circa else [value]


def safe_put(entity: EntityProxy, prop: str, values: str | Iterable[str | None] | None) -> bool:
    """``build.put`` for a property the entity's schema may lack; False if it lacks it."""
    if prop not in entity.schema.properties:
        return False
    put(entity, prop, values)
    return True


def strip_name_quotes(name: str) -> str:
    """``'ABU-'UMAR'`` -> ``ABU-'UMAR``: one pair of outer quotes, inner apostrophes kept."""
    name = name.strip().rstrip(".").strip()
    if len(name) >= 2 and name[0] == "'" and name[-1] == "'":
        name = name[1:-1]
    return name.strip()


# ---- facts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    kind: str  # how the value is handled, see apply_fact
    prop: str | None = None


_P = _Rule
_RULES: dict[str, _Rule] = {
    "dob": _P("dob"),
    "pob": _P("prop", "birthPlace"),
    "nationality": _P("nationality"),
    "citizen": _P("country", "citizenship"),
    "gender": _P("prop", "gender"),
    "title": _P("title"),
    "passport": _P("passport"),
    "diplomatic passport": _P("passport"),
    "website": _P("prop", "website"),
    "email address": _P("prop", "email"),
    "email": _P("prop", "email"),
    "telephone": _P("prop", "phone"),
    "telephone no.": _P("prop", "phone"),
    "telephone number": _P("prop", "phone"),
    "phone number": _P("prop", "phone"),
    "phone no.": _P("prop", "phone"),
    "phone": _P("prop", "phone"),
    "a.k.a.": _P("name", "weakAlias"),
    "f.k.a.": _P("name", "previousName"),
    "n.k.a.": _P("name", "alias"),
    "vessel registration identification": _P("imo"),
    "mmsi": _P("prop", "mmsi"),
    "former vessel flag": _P("country", "pastFlags"),
    "vessel year of build": _P("date", "buildDate"),
    "organization established date": _P("date", "incorporationDate"),
    "organization type": _P("prop", "sector"),
    "nationality of registration": _P("country", "jurisdiction"),
    "aircraft manufacturer's serial number (msn)": _P("prop", "serialNumber"),
    "aircraft model": _P("prop", "model"),
    "aircraft manufacture date": _P("date", "buildDate"),
    "aircraft tail number": _P("prop", "registrationNumber"),
    "swift/bic": _P("code", "swiftBic"),
    "d-u-n-s number": _P("code", "dunsCode"),
    "legal entity number": _P("code", "leiCode"),
    "tax id no.": _P("code", "taxNumber"),
    "v.a.t. number": _P("code", "vatCode"),
    "unified social credit code (uscc)": _P("code", "uscCode"),
    "united social credit code certificate": _P("code", "uscCode"),
}
# Labels of identity / registration documents (an Identification each).
_ID_LABELS = (
    "national id no.", "cedula no.", "d.n.i.", "identification number", "registration number",
    "registration id", "commercial registry number", "company number", "uk company number",
    "business registration number", "business registration document #", "business number",
    "trade license no.", "folio mercantil no.", "matricula mercantil no", "nit #", "ruc #", "rif #",
    "r.f.c.", "r.f.c. #", "rfc", "c.u.r.p.", "c.u.r.p. #", "curp", "ssn", "driver's license no.",
    "personal id card", "residency number", "birth certificate number", "government gazette number",
    "public registration number", "kenyan id no.", "chamber of commerce number",
    "istanbul chamber of comm. no.", "dubai chamber of commerce membership no.", "registered charity no.",
    "c.r. no.", "license", "electoral registry no.", "travel document number",
    "certificate of incorporation number", "economic register number (cre)", "economic register number",
    "italian fiscal code", "fiscal code", "isin", "bik (ru)", "bik", "credencial electoral",
    "cartilla de servicio militar nacional", "national foreign id number", "us fein",
    "chinese commercial code", "i.f.e.", "le number", "rtn", "enterprise number",
    "central registration system number", "branch unit number", "c.u.i.t.", "c.u.i.p.", "c.u.i.",
    "c.i.f.", "numero de identidad", "citizen's card number", "turkish identification number",
    "visanumberid", "file number", "tazkira national id card", "immigration no.",
    "numero unico de identificacao tributaria", "afghan money service provider license number",
    "pilot license number", "refugee id card", "stateless person id card", "serial no.",
    "moroccan personal id no.", "pakistani national id", "uae identification", "national id number",
    "identity card number", "id no.", "id card", "passport card", "residency permit",
)
for _label in _ID_LABELS:
    _RULES.setdefault(_label, _Rule("ident"))

_LABELS = sorted(_RULES, key=len, reverse=True)
_ITEM = re.compile(
    r"^(?P<alt>alt\.\s+)?(?P<label>" + "|".join(re.escape(label) for label in _LABELS) + r")(?=[\s:]|$)[\s:]*(?P<value>.*)$",
    re.IGNORECASE | re.DOTALL,
)
# A document label the table does not know: "<words> No./Number/#/ID" before a value with a digit.
_GENERIC_LABEL = r"[A-Z][A-Za-z.'/&()-]*(?:\s+[A-Za-z.'/&()-]+){0,6}?\s+(?:No\.?|Number|#|ID)"
_GENERIC_ID = re.compile(rf"^(?:alt\.\s+)?(?P<label>{_GENERIC_LABEL})[\s:]+(?P<value>\S*\d.*)$")
_GENERIC_LABEL_ONLY = re.compile(rf"^{_GENERIC_LABEL}$")
_PAREN = re.compile(r"\(([^()]*)\)")
_ISSUED = re.compile(r"\bissued\s+(?P<date>(?:\d{1,2}\s+)?(?:[A-Za-z]{3}\s+)?\d{4})", re.IGNORECASE)
_EXPIRES = re.compile(r"\bexpires?\s+(?P<date>(?:\d{1,2}\s+)?(?:[A-Za-z]{3}\s+)?\d{4})", re.IGNORECASE)
# A number ends at its country "(Syria)", a qualifier ", Diplomatic" or the dates.
_NUMBER_END = re.compile(r"\s*(?:\(|,\s|\bissued\b|\bexpires?\b)", re.IGNORECASE)
_IMO = re.compile(r"^IMO\s*(\d{7})\b", re.IGNORECASE)


def _split_document(value: str) -> tuple[str, str | None, str | None, str | None]:
    """``A123 (Syria) issued 01 Jan 2010 expires 2015`` -> number, country, issued, expires."""
    end = _NUMBER_END.search(value)
    number = value[: end.start()] if end else value
    paren = _PAREN.search(value)
    issued = _ISSUED.search(value)
    expires = _EXPIRES.search(value)
    return (
        number.strip().rstrip(".,").strip(),
        paren.group(1).strip() if paren else None,
        issued.group("date") if issued else None,
        expires.group("date") if expires else None,
    )


def apply_fact(
    record: Record,
    label: str,
    value: str | None,
    country: str | None = None,
    issued: str | None = None,
    expires: str | None = None,
) -> bool:
    """Put one labelled fact on the record; False when the label is not a known fact."""
    value = collapse(value)
    label = collapse(label) or ""
    if not value:
        return False
    label = label.rstrip(":").strip()
    rule = _RULES.get(label.lower())
    if rule is None:
        if not (_GENERIC_LABEL_ONLY.match(label) and any(c.isdigit() for c in value)):
            return False
        rule = _Rule("ident")
    _apply(record, rule, label, value, country, issued, expires)
    return True


def _apply(
    record: Record,
    rule: _Rule,
    label: str,
    value: str,
    country: str | None,
    issued: str | None,
    expires: str | None,
) -> None:
    target = record.target
    kind = rule.kind
    if kind == "dob":
        safe_put(target, "birthDate", parse_dob(value))
    elif kind == "date" and rule.prop:
        safe_put(target, rule.prop, parse_date(value))
    elif kind == "name" and rule.prop:
        safe_put(target, rule.prop, strip_name_quotes(value))
    elif kind == "nationality":
        if not safe_put(target, "nationality", value):
            safe_put(target, "country", value)
    elif kind == "title":
        safe_put(target, "position", value)
        safe_put(target, "title", value)
    elif kind == "imo":
        imo = _IMO.match(value)
        safe_put(target, "imoNumber", f"IMO{imo.group(1)}" if imo else value)
    elif kind in ("passport", "ident", "code"):
        _apply_document(record, rule, label, value, country, issued, expires)
    elif rule.prop:
        safe_put(target, rule.prop, value.rstrip(".") if kind == "prop" else value)


def _apply_document(
    record: Record,
    rule: _Rule,
    label: str,
    value: str,
    country: str | None,
    issued: str | None,
    expires: str | None,
) -> None:
    if country is None and issued is None and expires is None:
        value, country, issued, expires = _split_document(value)
    if not value:
        return
    imo = _IMO.match(value)
    if imo and safe_put(record.target, "imoNumber", f"IMO{imo.group(1)}"):
        return
    if rule.kind == "code" and rule.prop:
        safe_put(record.target, rule.prop, value)
    ident = add_identification(record, value, label, country, passport=rule.kind == "passport")
    if ident is not None:
        put(ident, "startDate", parse_date(issued))
        put(ident, "endDate", parse_date(expires))


# ---- remarks ----------------------------------------------------------------------------


def split_remarks(text: str) -> list[str]:
    """The ``;``-separated items of a remarks text, each without a closing full stop."""
    items = []
    for raw in text.split(";"):
        item = raw.strip()
        if item.endswith("."):
            item = item[:-1].rstrip()
        if item:
            items.append(item)
    return items


def apply_remark_item(record: Record, item: str) -> bool:
    """Apply one remarks item; False when it is prose (kept in notes only)."""
    match = _ITEM.match(item)
    if match is not None:
        label = match.group("label")
        return apply_fact(record, label, match.group("value"))
    generic = _GENERIC_ID.match(item)
    if generic is not None:
        return apply_fact(record, generic.group("label"), generic.group("value"))
    return False


_LINKED_TO = re.compile(r"\(?\bLinked To:\s*(?P<name>[^;]+)", re.IGNORECASE)
# "... S.A." / "... S.A.S." / "... C.V.": the closing full stop belongs to the name.
_ABBREVIATION_END = re.compile(r"(?:^|[\s.])[A-Za-z]{1,3}\.[A-Za-z]{1,3}$")


def _linked_name(raw: str) -> str | None:
    name = raw.strip()
    if name.endswith(")") and name.count(")") > name.count("("):
        name = name[:-1].rstrip()  # the XML writes "(Linked To: X)"
    if name.endswith(".") and not _ABBREVIATION_END.search(name[:-1]):
        name = name[:-1].rstrip()
    return collapse(name)


def relation_mentions(text: str) -> list[RelationMention]:
    """OFAC's ``Linked To: X`` items, with the name exactly as listed, plus prose relations."""
    mentions: list[RelationMention] = []
    seen: set[str] = set()
    for match in _LINKED_TO.finditer(text):
        name = _linked_name(match.group("name"))
        if name and name.lower() not in seen:
            seen.add(name.lower())
            mentions.append(RelationMention("link", "linked to", name, f"Linked To: {name}"))
    mentions.extend(m for m in find_relations(text) if m.kind != "link")
    return mentions


def apply_remarks(record: Record, text: str | None) -> None:
    """Keep the remarks in ``notes``, put the facts they state on the record, note relations."""
    text = clean(text)
    if not text:
        return
    put(record.target, "notes", text)
    for item in split_remarks(text):
        apply_remark_item(record, item)
    record.mentions.extend(relation_mentions(text))


# ---- entries ----------------------------------------------------------------------------


def split_programs(text: str | None) -> list[str]:
    """``SYRIA] [SYRIA-EO13894`` (the CSV joins them so) -> ``["SYRIA", "SYRIA-EO13894"]``."""
    text = clean(text)
    if not text:
        return []
    return [p for p in (collapse(part.strip("[] ")) for part in text.split("] [")) if p]


def add_programs(record: Record, list_id: str, programs: Iterable[str], local_id: str) -> None:
    """One Sanction per programme (a record with none still gets one, programme unknown)."""
    seen: list[str | None] = []
    for name in programs:
        if name not in seen:
            seen.append(name)
    for program in seen or [None]:
        add_sanction(record, AUTHORITY, list_id, program, authority_id=local_id)
    put(record.target, "topics", "sanction")


def person_name(last: str | None, first: str | None) -> str | None:
    """OFAC writes individuals ``LAST, First``; the XML splits the two."""
    last, first = clean(last), clean(first)
    if last and first:
        return f"{last}, {first}"
    return last or first


def add_primary_name(record: Record, name: str, last: str | None = None, first: str | None = None) -> None:
    target = record.target
    put(target, "name", name)
    if target.schema.is_a("Person"):
        if last is None and first is None and "," in name:
            last, _, first = name.partition(",")
        put(target, "lastName", clean(last))
        put(target, "firstName", clean(first))


def add_vessel_info(
    record: Record,
    call_sign: str | None,
    vessel_type: str | None,
    tonnage: str | None,
    grt: str | None,
    flag: str | None,
    owner: str | None,
) -> None:
    target = record.target
    safe_put(target, "callSign", clean(call_sign))
    safe_put(target, "type", clean(vessel_type))
    safe_put(target, "tonnage", clean(tonnage))
    safe_put(target, "grossRegisteredTonnage", clean(grt))
    safe_put(target, "flag", clean(flag))
    owner = clean(owner)
    if owner and "owner" in target.schema.properties:
        # FtM's Vessel.owner is an entity: the owner as the list names it, unlisted.
        party = make_entity("LegalEntity", derived_id(record.id, "owner", owner))
        put(party, "name", owner)
        put(party, "description", f"Owner of vessel {record.id} as named by OFAC")
        link(target, "owner", party.id)
        record.extras.append(party)


def add_country(record: Record, country: str | None) -> None:
    safe_put(record.target, "country", clean(country))


def _link_key(name: str) -> str:
    # "... LTDA." is written "... LTDA" when it ends a remarks text.
    return name.lower().rstrip(". ")


def resolve_exact_links(records: Iterable[Record]) -> None:
    """Point ``Linked To`` mentions at the entry they name when the name is that entry's own.

    OFAC writes the linked party's name exactly as its entry is listed, so a dictionary
    settles most of them; the rest (and ambiguous names) are left to the importer's
    fuzzy resolution.
    """
    records = list(records)
    # A primary name wins over an alias; a name two entries share settles nothing.
    by_name: dict[str, str | None] = {}
    by_alias: dict[str, str | None] = {}
    for record in records:
        for table, prop in ((by_name, "name"), (by_alias, "alias")):
            for name in record.target.get(prop):
                key = _link_key(name)
                table[key] = None if table.get(key, record.id) != record.id else record.id
    for record in records:
        if not record.mentions:
            continue
        resolved = []
        for mention in record.mentions:
            other = None
            if mention.kind == "link" and mention.other_id is None:
                key = _link_key(mention.name)
                other = by_name[key] if key in by_name else by_alias.get(key)
            if other is not None and other != record.id:
                mention = replace(mention, other_id=other)
            resolved.append(mention)
        record.mentions = resolved
