"""The EU Financial Sanctions Files (FSF) XML, schema 1.1 (root ``export``).

One ``sanctionEntity`` per listing, identified by its EU reference number
(``eu-fsf:EU.550.29``; its ``logicalId`` when it has none). Each detail (name alias, citizenship, birth date, address, identification) cites the regulation
that introduced it in a ``regulationSummary``; the dates of all regulations an entry cites
go to the Sanction's ``date`` (the latest also to ``modifiedAt``), as the entry's legal
history.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

from lxml import etree

from smartsanctions.sources.base import FileRole, FirstSeen, ParsedList, Record, SourceError, SourceFormat
from smartsanctions.sources.build import (
    add_address,
    add_identification,
    add_sanction,
    collapse,
    new_record,
    put,
)
from smartsanctions.sources.relations import find_relations
from smartsanctions.sources.un_xml import iso_date, root_tag
from smartsanctions.sources.xmlsafe import local, parse_xml

LIST_ID = "eu-fsf"
AUTHORITY = "eu"
NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"
ROOT_TAG = "export"
_NS = f"{{{NAMESPACE}}}"
_UNKNOWN_COUNTRY = "00"
_SCHEMAS = {"person": "Person", "enterprise": "Organization", "P": "Person", "E": "Organization"}
_GENDERS = {"M": "male", "F": "female"}
_CONTACT_PROPS = {"PHONE": "phone", "TEL": "phone", "FAX": "phone", "EMAIL": "email", "WEB": "website",
                  "WEBSITE": "website", "URL": "website"}
_ID_FLAGS = ("diplomatic", "knownExpired", "knownFalse", "reportedLost", "revokedByIssuer")


def sniff(path: Path, head: bytes) -> FileRole | None:
    if root_tag(head) == ROOT_TAG and NAMESPACE.encode() in head:
        return FileRole.PRIMARY
    return None


def _attr(element: etree._Element, name: str) -> str | None:
    return collapse(element.get(name))


def _children(element: etree._Element, name: str) -> list[etree._Element]:
    return element.findall(_NS + name)


def _is_true(element: etree._Element, name: str) -> bool:
    return (element.get(name) or "").strip().lower() in ("true", "1")


def _country(element: etree._Element) -> str | None:
    code = _attr(element, "countryIso2Code")
    return None if code in (None, _UNKNOWN_COUNTRY) else code


def _country_text(element: etree._Element) -> str | None:
    """The country as readable text, or None when the list says it is unknown."""
    if _country(element) is None:
        return None
    return _attr(element, "countryDescription")


def _remarks(element: etree._Element) -> list[str]:
    return [t for t in (collapse(r.text) for r in _children(element, "remark")) if t]


class _Entry:
    """One sanctionEntity being turned into a record."""

    def __init__(self, path: Path, element: etree._Element) -> None:
        self.path = path
        self.element = element
        logical_id = _attr(element, "logicalId")
        if not logical_id:
            raise SourceError(path, "sanctionEntity without logicalId", self.place())
        self.logical_id = logical_id
        self.schema = self._schema()
        # Keyed on the EU reference number (EU.550.29) when the entry has one: the only EU
        # content held here, the 2022 multi-list CSV, identifies EU entries that way, and one
        # key is what lets both formats form one history. The logicalId is the fallback.
        self.record = new_record(LIST_ID, _attr(element, "euReferenceNumber") or logical_id, self.schema)
        self.target = self.record.target
        # Publication dates of every regulation the entry cites: its legal history.
        self.regulation_dates: set[str] = set()

    def place(self, element: etree._Element | None = None) -> str:
        element = self.element if element is None else element
        logical = element.get("logicalId")
        return f"line {element.sourceline}, <{local(element.tag)}>" + (f" logicalId {logical}" if logical else "")

    def _schema(self) -> str:
        subject = self.element.find(_NS + "subjectType")
        if subject is None:
            raise SourceError(self.path, "sanctionEntity without subjectType", self.place())
        code = _attr(subject, "code") or ""
        return _SCHEMAS.get(code.lower(), _SCHEMAS.get(_attr(subject, "classificationCode") or "", "LegalEntity"))

    @property
    def person(self) -> bool:
        return self.schema == "Person"

    def note(self, text: str | None) -> None:
        put(self.target, "notes", text)

    def cite(self, detail: etree._Element) -> None:
        """Record the regulation a detail cites."""
        for summary in _children(detail, "regulationSummary") + _children(detail, "corrigendum"):
            cited = iso_date(summary.get("publicationDate"))
            if cited:
                self.regulation_dates.add(cited)


# ---- details ----------------------------------------------------------------------------


def _add_names(entry: _Entry) -> None:
    aliases = _children(entry.element, "nameAlias")
    strong = [a for a in aliases if (a.get("strong") or "true").strip().lower() != "false"]
    main = strong[0] if strong else (aliases[0] if aliases else None)
    for alias in aliases:
        whole = _attr(alias, "wholeName")
        parts = [_attr(alias, k) for k in ("firstName", "middleName", "lastName")]
        name = whole or " ".join(p for p in parts if p) or None
        if name is None:
            continue
        prop = "name" if alias is main else ("alias" if alias in strong else "weakAlias")
        put(entry.target, prop, name)
        entry.cite(alias)
        if entry.person:
            put(entry.target, "firstName", parts[0])
            put(entry.target, "middleName", parts[1])
            put(entry.target, "lastName", parts[2])
            put(entry.target, "title", _attr(alias, "title"))
            put(entry.target, "position", _attr(alias, "function"))
            put(entry.target, "gender", _GENDERS.get(_attr(alias, "gender") or ""))
        elif _attr(alias, "function"):
            entry.note(f"Function: {_attr(alias, 'function')}")
        for remark in _remarks(alias):
            entry.note(f"Name {name}: {remark}")
    if not entry.target.get("name"):
        raise SourceError(entry.path, "sanctionEntity has no name (no nameAlias with a name)", entry.place())


def _add_citizenships(entry: _Entry) -> None:
    prop = "nationality" if entry.person else "country"
    for citizenship in _children(entry.element, "citizenship"):
        entry.cite(citizenship)
        code = _country(citizenship)
        if code:
            put(entry.target, prop, code)
        else:
            described = _attr(citizenship, "region") or _attr(citizenship, "countryDescription")
            if described and described.upper() != "UNKNOWN":
                entry.note(f"Citizenship: {described}")
        for remark in _remarks(citizenship):
            entry.note(f"Citizenship: {remark}")


def _birth_values(birth: etree._Element) -> list[str]:
    full = iso_date(birth.get("birthdate"))
    if full:
        return [full]
    year, month, day = (_attr(birth, k) for k in ("year", "monthOfYear", "dayOfMonth"))
    if year:
        value = year.zfill(4)
        if month:
            value += f"-{int(month):02d}"
            if day:
                value += f"-{int(day):02d}"
        return [value]
    low, high = _attr(birth, "yearRangeFrom"), _attr(birth, "yearRangeTo")
    years = sorted(int(y) for y in (low, high) if y)
    if not years:
        return []
    if years[-1] - years[0] > 30:
        return [str(years[0]), str(years[-1])]
    return [str(y) for y in range(years[0], years[-1] + 1)]


def _add_births(entry: _Entry) -> None:
    for birth in _children(entry.element, "birthdate"):
        entry.cite(birth)
        calendar = (_attr(birth, "calendarType") or "GREGORIAN").upper()
        try:
            values = _birth_values(birth)
        except ValueError as exc:
            raise SourceError(entry.path, f"bad birth date: {exc}", entry.place(birth)) from exc
        if calendar != "GREGORIAN":
            # A Hijri year is not a Gregorian one: keep it readable, not as a birth date.
            entry.note(f"Date of birth ({calendar.lower()} calendar): {', '.join(values)}")
        else:
            put(entry.target, "birthDate", values)
            if _is_true(birth, "circa") and values:
                entry.note(f"Date of birth: circa {', '.join(values)}")
        place = [_attr(birth, k) for k in ("place", "city", "region")] + [_country_text(birth)]
        place_text = ", ".join(p for p in place if p)
        put(entry.target, "birthPlace", place_text or None)
        put(entry.target, "birthCountry", _country(birth))
        for remark in _remarks(birth):
            entry.note(f"Birth: {remark}")


def _add_addresses(entry: _Entry) -> None:
    for element in _children(entry.element, "address"):
        entry.cite(element)
        address = add_address(
            entry.record,
            street=_attr(element, "street"),
            postOfficeBox=_attr(element, "poBox"),
            city=_attr(element, "city"),
            region=_attr(element, "region"),
            postalCode=_attr(element, "zipCode"),
            country=_country_text(element),
        )
        remarks = _remarks(element)
        place = _attr(element, "place")
        if address is None:
            text = "; ".join(p for p in (place, *remarks) if p)
            entry.note(f"Address: {text}" if text else None)
        else:
            put(address, "country", _country(element))
            put(address, "remarks", [place, *remarks])
        for contact in _children(element, "contactInfo"):
            key, value = (_attr(contact, "key") or "").upper(), _attr(contact, "value")
            prop = _CONTACT_PROPS.get(key)
            if prop and entry.target.schema.get(prop):
                put(entry.target, prop, value)
            elif value:
                entry.note(f"Contact ({key.lower() or 'other'}): {value}")


def _add_identifications(entry: _Entry) -> None:
    for element in _children(entry.element, "identification"):
        entry.cite(element)
        code = (_attr(element, "identificationTypeCode") or "").lower()
        description = _attr(element, "identificationTypeDescription")
        passport = code == "passport" or "passport" in (description or "").lower()
        number = _attr(element, "number") or _attr(element, "latinNumber")
        flags = [f for f in _ID_FLAGS if _is_true(element, f)]
        details = [
            f"issued by {_attr(element, 'issuedBy')}" if _attr(element, "issuedBy") else None,
            f"name on document: {_attr(element, 'nameOnDocument')}" if _attr(element, "nameOnDocument") else None,
            f"latin number: {_attr(element, 'latinNumber')}"
            if _attr(element, "latinNumber") not in (None, number) else None,
            _attr(element, "region"),
            ", ".join(flags) if flags else None,
            *_remarks(element),
        ]
        note = "; ".join(d for d in details if d) or None
        ident = add_identification(entry.record, number, description or code or None, _country(element),
                                   passport=passport, note=note)
        if ident is None:
            text = "; ".join(p for p in (description, _country_text(element), note) if p)
            entry.note(f"Document without number: {text}" if text else None)
            continue
        put(ident, "startDate", iso_date(element.get("issueDate")) or iso_date(element.get("validFrom")))
        put(ident, "endDate", iso_date(element.get("validTo")))


def _add_sanction(entry: _Entry) -> None:
    regulation = entry.element.find(_NS + "regulation")
    if regulation is None:
        raise SourceError(entry.path, "sanctionEntity without regulation", entry.place())
    programme = _attr(regulation, "programme")
    published = iso_date(regulation.get("publicationDate"))
    if published:
        entry.regulation_dates.add(published)
    entry.cite(regulation)
    url = regulation.find(_NS + "publicationUrl")
    sanction = add_sanction(
        entry.record,
        AUTHORITY,
        LIST_ID,
        programme,
        listing_date=iso_date(entry.element.get("designationDate")) or published,
        start_date=iso_date(regulation.get("entryIntoForceDate")),
        end_date=iso_date(entry.element.get("delistingDate")),
        reason=_attr(entry.element, "designationDetails"),
        unsc_id=_attr(entry.element, "unitedNationId"),
        authority_id=_attr(entry.element, "euReferenceNumber"),
        source_url=collapse(url.text) if url is not None else None,
    )
    put(sanction, "programId", programme)
    put(sanction, "description", _attr(regulation, "numberTitle"))
    dates = sorted(entry.regulation_dates)
    put(sanction, "date", dates)
    if dates:
        put(sanction, "modifiedAt", dates[-1])


def _add_remarks(entry: _Entry) -> None:
    texts = _remarks(entry.element)
    for info in _children(entry.element, "additionalInformation"):
        key, value = _attr(info, "key"), _attr(info, "value")
        if value:
            texts.append(f"{key}: {value}" if key else value)
    for text in texts:
        entry.note(text)
        entry.record.mentions.extend(find_relations(text))
    entry.record.mentions.extend(find_relations(_attr(entry.element, "designationDetails")))


def _record(path: Path, element: etree._Element) -> Record:
    entry = _Entry(path, element)
    _add_names(entry)
    _add_citizenships(entry)
    if entry.person:
        _add_births(entry)
    _add_addresses(entry)
    _add_identifications(entry)
    _add_remarks(entry)
    _add_sanction(entry)
    return entry.record


def _published(path: Path, root: etree._Element) -> date | None:
    raw = root.get("generationDate")
    if raw is None:
        return None
    value = iso_date(raw)
    if value is None or len(value) != 10:
        raise SourceError(path, f"generationDate {raw!r} is not a date", f"line {root.sourceline}, <export>")
    return date.fromisoformat(value)


def parse(primary: Path, companions: Sequence[Path] = ()) -> Iterator[ParsedList]:
    root = parse_xml(primary)
    if root.tag != _NS + ROOT_TAG:
        raise SourceError(
            primary,
            f"root element is {root.tag}, not {{{NAMESPACE}}}{ROOT_TAG}: not an EU FSF 1.1 XML file",
            f"line {root.sourceline}",
        )
    records: list[Record] = []
    ids = FirstSeen(primary, "entry")
    for element in root:
        if not isinstance(element.tag, str):
            continue
        if element.tag != _NS + "sanctionEntity":
            raise SourceError(primary, f"unexpected element <{local(element.tag)}>", f"line {element.sourceline}")
        record = _record(primary, element)
        ids.add(record.id, element.sourceline)
        records.append(record)
    yield ParsedList(
        LIST_ID,
        records,
        (primary, *companions),
        published=_published(primary, root),
        published_from="generationDate attribute of export" if root.get("generationDate") else None,
    )


FORMAT = SourceFormat(
    name="eu_fsf_xml",
    description="EU Financial Sanctions Files XML 1.1 (export / sanctionEntity)",
    lists=(LIST_ID,),
    sniff=sniff,
    parse=parse,
    primary_names=("xmlFullSanctionsList_1_1.xml",),
)
