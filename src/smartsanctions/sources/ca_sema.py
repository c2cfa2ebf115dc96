"""Canada's Consolidated Autonomous Sanctions List (SEMA / JVCFOR), XML ``sema-lmes.xml``.

Root ``data-set``, one ``record`` per listing: ``Country`` (the regulation, bilingual:
"Syria / Syrie"), ``Schedule`` ("1, Part 1", "Part 2", or none), ``Item`` (its number
within the schedule), ``LastName`` / ``GivenName`` for people, ``EntityOrShip`` for
entities and ships, ``TitleOrShip`` (a person's title or a ship's type),
``ShipIMONumber``, ``DateOfBirthOrShipBuildDate``, ``Aliases`` and ``DateOfListing``.

Records carry no identifier of their own. A listing is the item of a schedule of a
regulation, so the ID is ``ca-sema:<regulation>_<schedule>_<item>`` of slugs, e.g.
``ca-sema:syria_part-2_60`` (``_`` never occurs inside a slug, and unlike ``/`` it keeps
the ID one URL path segment): unique in the file (checked; a clash is refused), and
stable because Canada amends schedules by adding and repealing items, not renumbering.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path

from followthemoney.proxy import EntityProxy
from lxml import etree

from smartsanctions.sources.base import FileRole, FirstSeen, ParsedList, Record, SourceError, SourceFormat
from smartsanctions.sources.build import add_sanction, collapse, is_real_date, new_record, put
from smartsanctions.sources.xmlsafe import local, parse_xml

LIST_ID = "ca-sema"
AUTHORITY = "ca"
ROOT_TAG = "data-set"
RECORD_TAG = "record"
SOURCE_URL = (
    "https://www.international.gc.ca/world-monde/assets/office_docs/international_relations-"
    "relations_internationales/sanctions/sema-lmes.xml"
)
KNOWN_TAGS = frozenset(
    (
        "Country", "LastName", "GivenName", "EntityOrShip", "TitleOrShip", "ShipIMONumber",
        "DateOfBirthOrShipBuildDate", "Schedule", "Item", "DateOfListing", "Aliases",
    )
)

_FIRST_TAGS = re.compile(rb"<([A-Za-z_][\w.:-]*)")


def sniff(path: Path, head: bytes) -> FileRole | None:
    tags = [t.rsplit(b":", 1)[-1] for t in _FIRST_TAGS.findall(head[:4096])]
    if tags[:2] == [ROOT_TAG.encode(), RECORD_TAG.encode()] or (
        tags[:1] == [ROOT_TAG.encode()] and b"<Country>" in head
    ):
        return FileRole.PRIMARY
    return None


# ---- identifiers ------------------------------------------------------------------------


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9.]+", "-", text).strip("-")


_ACRONYM = re.compile(r"\(([A-Z]{2,})\)\s*$")


def regulation(country: str) -> tuple[str, str]:
    """The English name of a ``Country`` value and its slug for IDs.

    "Syria / Syrie" -> ("Syria", "syria"); "Justice for Victims ... (JVCFOR) / Règlement ..."
    -> ("Justice for Victims ... (JVCFOR)", "jvcfor"); "Myanmar (Burma) / ..." -> "myanmar".
    """
    english = collapse(country.split(" / ", 1)[0]) or country
    acronym = _ACRONYM.search(english)
    if acronym:
        return english, acronym.group(1).lower()
    return english, slug(re.sub(r"\s*\([^)]*\)", "", english))


def schedule_slug(schedule: str | None) -> str | None:
    """'1, Part 1' -> '1-part-1'; '1,Part 3' -> '1-part-3'; 'Part 2' -> 'part-2'."""
    text = collapse(schedule)
    return slug(text) if text else None


# ---- values -----------------------------------------------------------------------------

_ISO_PREFIX = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_YEAR_RANGE = re.compile(r"^(\d{4})\s*-\s*(\d{4})$")


def birth_dates(text: str | None) -> tuple[list[str], bool]:
    """ISO dates / prefixes in a DateOfBirthOrShipBuildDate value, and whether all of it was read.

    '1972-08-10 or 1972-08-11' -> both; '1963-1964' -> both years; 'born in the early 1970s'
    -> nothing (the caller keeps the text as a note).
    """
    text = collapse(text)
    if text is None:
        return [], True
    out: list[str] = []
    complete = True
    for part in re.split(r"\s+or\s+|\s*;\s*", text, flags=re.IGNORECASE):
        part = part.strip(" .,")
        years = _YEAR_RANGE.match(part)
        if _ISO_PREFIX.match(part):
            out.append(part)
        elif years and int(years.group(1)) < int(years.group(2)) <= int(years.group(1)) + 10:
            out.extend(str(y) for y in range(int(years.group(1)), int(years.group(2)) + 1))
        else:
            complete = False
    return out, complete


_LANGUAGE_LABEL = re.compile(r"^\s*[A-Z][a-z]+\s*:\s*")
_LEGAL_FORM = re.compile(r"^(?:[A-ZА-Я]{2,5}|LLC|Ltd\.?|Inc\.?|Co\.?|JSC|PJSC|OJSC|CJSC)$")


def split_aliases(text: str | None, person: bool) -> list[str]:
    """'A, B; Belarusian: В, Russian: Г' -> ['A', 'B', 'В', 'Г'].

    Commas separate variants, except before a bare legal form ("Конкорд, ООО"). " or "
    separates variants only between multi-word names ("Hanna Liavusik or Anna Leusik"), not
    spelling alternatives of one word ("Карниенко or Карниенка").
    """
    text = collapse(text)
    if text is None:
        return []
    pieces: list[str] = []
    for chunk in re.split(r"\s*;\s*|\n", text):
        for part in re.split(r"\s*,\s*", chunk):
            part = _LANGUAGE_LABEL.sub("", part).strip(" .:")
            if not part:
                continue
            if pieces and _LEGAL_FORM.match(part) and not person:
                pieces[-1] = f"{pieces[-1]}, {part}"
            else:
                pieces.append(part)
    names: list[str] = []
    for piece in pieces:
        splitter = r"\s+(?:or|and)\s+" if person else r"\s+or\s+"
        variants = re.split(splitter, piece)
        if len(variants) > 1 and all(len(v.split()) >= 2 for v in variants):
            names.extend(variants)
        else:
            names.append(piece)
    return [n for n in dict.fromkeys(collapse(n) or "" for n in names) if len(n) >= 2]


def _bilingual(name: str) -> tuple[str, str | None]:
    """'Aerospace Industries Organization (AIO)/Organisation iranienne ...' -> (English, French)."""
    parts = [p.strip() for p in name.split("/")]
    if len(parts) == 2 and all(len(p.split()) >= 2 for p in parts) and not re.search(r"\d", name):
        return parts[0], parts[1]
    return name, None


# ---- records ----------------------------------------------------------------------------


def _fields(path: Path, element: etree._Element) -> dict[str, str]:
    out: dict[str, str] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        tag = local(child.tag)
        if len(child):
            raise SourceError(path, f"<{tag}> has child elements; expected text", f"line {child.sourceline}")
        text = collapse(child.text)
        if text:
            out[tag] = f"{out[tag]}; {text}" if tag in out else text
    return out


def _schema(fields: dict[str, str]) -> str:
    if "LastName" in fields or "GivenName" in fields:
        return "Person"
    if "ShipIMONumber" in fields:
        return "Vessel"
    return "Organization"


def _local_id(path: Path, fields: dict[str, str], place: str) -> tuple[str, str]:
    country = fields.get("Country")
    item = fields.get("Item")
    if not country or not item:
        missing = [t for t in ("Country", "Item") if not fields.get(t)]
        raise SourceError(path, f"record without {' and '.join(missing)}: cannot identify it", place)
    programme, reg_slug = regulation(country)
    parts = [reg_slug, schedule_slug(fields.get("Schedule")), slug(item)]
    return "_".join(p for p in parts if p), programme


def _add_names(target: EntityProxy, fields: dict[str, str], schema: str, path: Path, place: str) -> None:
    if schema == "Person":
        given, last = fields.get("GivenName"), fields.get("LastName")
        put(target, "name", " ".join(p for p in (given, last) if p))
        put(target, "firstName", given)
        put(target, "lastName", last)
        put(target, "title", fields.get("TitleOrShip"))
    else:
        raw = (fields.get("EntityOrShip") or "").strip(" ;,")
        if not raw:
            raise SourceError(path, "record without LastName, GivenName or EntityOrShip", place)
        english, french = _bilingual(raw)
        put(target, "name", english)
        put(target, "alias", french)
    put(target, "alias", split_aliases(fields.get("Aliases"), schema == "Person"))


def _record(path: Path, element: etree._Element) -> Record:
    place = f"line {element.sourceline}, <{RECORD_TAG}>"
    fields = _fields(path, element)
    local_id, programme = _local_id(path, fields, place)
    schema = _schema(fields)
    record = new_record(LIST_ID, local_id, schema)
    target = record.target
    _add_names(target, fields, schema, path, place)
    dates, complete = birth_dates(fields.get("DateOfBirthOrShipBuildDate"))
    if schema == "Person":
        put(target, "birthDate", dates)
    elif schema == "Vessel":
        put(target, "buildDate", dates)
        put(target, "imoNumber", fields.get("ShipIMONumber"))
        put(target, "type", fields.get("TitleOrShip"))
    elif fields.get("TitleOrShip"):
        put(target, "notes", f"Title or ship type: {fields['TitleOrShip']}")
    if not complete or (dates and schema == "Organization"):
        put(target, "notes", f"Date of birth or ship build date: {fields['DateOfBirthOrShipBuildDate']}")
    for tag in sorted(set(fields) - KNOWN_TAGS):
        put(target, "notes", f"{tag}: {fields[tag]}")
    listed = fields.get("DateOfListing")
    if listed and not (_ISO_PREFIX.match(listed) and is_real_date(listed)):
        raise SourceError(path, f"DateOfListing {listed!r} is not an ISO date", place)
    sanction = add_sanction(
        record, AUTHORITY, LIST_ID, programme, listing_date=listed, authority_id=local_id, source_url=SOURCE_URL
    )
    put(sanction, "description", fields.get("Country"))
    if fields.get("Schedule"):
        put(sanction, "programId", f"Schedule {fields['Schedule']}, item {fields['Item']}")
    return record


def parse(primary: Path, companions: Sequence[Path] = ()) -> Iterator[ParsedList]:
    root = parse_xml(primary)
    if local(root.tag) != ROOT_TAG:
        raise SourceError(
            primary, f"root element is <{local(root.tag)}>, not <{ROOT_TAG}>: not a Canada SEMA list",
            f"line {root.sourceline}",
        )
    records: list[Record] = []
    ids = FirstSeen(primary, "record id (from Country/Schedule/Item)")
    for element in root:
        if not isinstance(element.tag, str):
            continue
        if local(element.tag) != RECORD_TAG:
            raise SourceError(primary, f"unexpected <{local(element.tag)}> in <{ROOT_TAG}>", f"line {element.sourceline}")
        record = _record(primary, element)
        ids.add(record.id, element.sourceline)
        records.append(record)
    if not records:
        raise SourceError(primary, f"<{ROOT_TAG}> holds no <{RECORD_TAG}> elements")
    yield ParsedList(LIST_ID, records, (primary, *companions), published=None, published_from=None)


FORMAT = SourceFormat(
    name="ca_sema",
    description="Canada Consolidated Autonomous Sanctions List XML (sema-lmes.xml, root data-set)",
    lists=(LIST_ID,),
    sniff=sniff,
    parse=parse,
    primary_names=("sema-lmes.xml",),
)
