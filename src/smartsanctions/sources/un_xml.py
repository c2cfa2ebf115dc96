"""The UN Security Council Consolidated List XML (root ``CONSOLIDATED_LIST``).

One ``INDIVIDUAL`` (-> Person) or ``ENTITY`` (-> Organization) per listing, identified by
its REFERENCE_NUMBER (``un-sc:QDi.317``). The amendment dates in LAST_DAY_UPDATED are kept
on the Sanction: all of them in ``date``, the latest in ``modifiedAt``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

from followthemoney.proxy import EntityProxy
from lxml import etree

from smartsanctions.sources.base import (
    FileRole,
    FirstSeen,
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
    is_real_date,
    new_record,
    put,
)
from smartsanctions.sources.relations import FAMILY_TERMS, find_relations
from smartsanctions.sources.xmlsafe import local, parse_xml

LIST_ID = "un-sc"
AUTHORITY = "un"
ROOT_TAG = "CONSOLIDATED_LIST"
SOURCE_URL = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"

_SECTIONS = (("INDIVIDUALS", "INDIVIDUAL", "Person"), ("ENTITIES", "ENTITY", "Organization"))
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")

# ---- sniffing ---------------------------------------------------------------------------

_COMMENT_OR_PI = re.compile(rb"<!--.*?-->|<\?.*?\?>", re.DOTALL)
_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)")


def root_tag(head: bytes) -> str | None:
    """The (unprefixed) name of the first element in ``head``, if it has one."""
    text = _COMMENT_OR_PI.sub(b"", head.lstrip(b"\xef\xbb\xbf"))
    match = _FIRST_TAG.search(text)
    if match is None:
        return None
    return match.group(1).decode("ascii", "replace").rsplit(":", 1)[-1]


def sniff(path: Path, head: bytes) -> FileRole | None:
    return FileRole.PRIMARY if root_tag(head) == ROOT_TAG else None


# ---- small readers ----------------------------------------------------------------------

_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"), ("dec", "december"),
        )
    )
    for m in names
}
_DAY_MONTH_YEAR = re.compile(r"^(?:(\d{1,2})\s+)?([A-Za-z]+)\.?,?\s+(\d{4})$")
_YEAR_ONLY = re.compile(r"^\d{4}$")


def iso_date(text: str | None) -> str | None:
    """'2015-03-27-04:00' -> '2015-03-27'; '1975' -> '1975'; anything else -> None."""
    text = collapse(text)
    if text is None:
        return None
    match = _ISO_DATE.match(text)
    if match is None or (len(text) > 4 and match.group(2) is None):
        return None
    value = "-".join(g for g in match.groups() if g)
    return value if is_real_date(value) else None


def loose_date(text: str | None) -> str | None:
    """Dates as the free-text fields write them: ISO, '1980', '16 Dec. 1948', 'August 1961'."""
    text = collapse(text)
    if text is None:
        return None
    if _YEAR_ONLY.match(text):
        return text
    match = _DAY_MONTH_YEAR.match(text)
    if match:
        day, month_name, year = match.groups()
        month = _MONTHS.get(month_name.lower())
        if month is None:
            return None
        return f"{year}-{month:02d}" + (f"-{int(day):02d}" if day else "")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text
    return None


class _Entry:
    """The children of one INDIVIDUAL / ENTITY, read once."""

    def __init__(self, element: etree._Element) -> None:
        self.element = element
        self.children: dict[str, list[etree._Element]] = {}
        for child in element:
            if isinstance(child.tag, str):
                self.children.setdefault(child.tag, []).append(child)

    def text(self, tag: str) -> str | None:
        found = self.children.get(tag)
        return collapse(found[0].text) if found else None

    def values(self, tag: str) -> list[str]:
        out: list[str] = []
        for holder in self.children.get(tag, []):
            for value in holder.iter("VALUE"):
                text = collapse(value.text)
                if text:
                    out.append(text)
        return out

    def groups(self, tag: str) -> list[dict[str, str]]:
        """Repeated structured children (aliases, addresses, ...) as dicts of non-empty text."""
        out = []
        for holder in self.children.get(tag, []):
            fields = {}
            for child in holder:
                if isinstance(child.tag, str):
                    text = collapse(child.text)
                    if text:
                        fields[child.tag] = text
            if fields:
                out.append(fields)
        return out


# ---- names ------------------------------------------------------------------------------

_NON_LATIN = re.compile(r"[^\W\d_a-zA-Z\u00c0-\u024f\u1e00-\u1eff]")
_ACRONYM = re.compile(r"^[A-Z0-9][A-Z0-9/&.\-]{1,11}$")
_UN_REF = re.compile(r"\b([A-Z]{2}[ie]\.\d{3})\b")
_PREVIOUS = re.compile(r"\b(?:previously|formerly)\s+listed\s+as\b", re.IGNORECASE)
_ORIGINAL_PREFIX = re.compile(r"^(?:original script|in arabic)\s*:\s*", re.IGNORECASE)
_SUFFIX_NOTES = re.compile(r"\s*-\s*sub-unit name$|\s*\(original script\)$", re.IGNORECASE)
_INLINE_PARENS = re.compile(r"\w\([^()]*\)\w")
_ENUMERATION = re.compile(r"\s+[a-h]\)\s+")


def _split_parens(text: str) -> tuple[str, list[str]]:
    """Text outside top-level parentheses, and the contents of each top-level group."""
    outside: list[str] = []
    groups: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char == "(":
            if depth == 0:
                current = []
            else:
                current.append(char)
            depth += 1
        elif char == ")" and depth > 0:
            depth -= 1
            if depth == 0:
                groups.append("".join(current))
            else:
                current.append(char)
        elif depth > 0:
            current.append(char)
        else:
            outside.append(char)
    if depth > 0:  # an unclosed group: keep what it holds
        groups.append("".join(current))
    return "".join(outside), groups


def _clean_variant(text: str) -> str | None:
    text = _SUFFIX_NOTES.sub("", _ORIGINAL_PREFIX.sub("", text.strip()))
    text = re.sub(r"\s*,?\s*born\b.*$", "", text, flags=re.IGNORECASE)
    text = collapse(text.strip(" ,.;:")) or ""
    if len(text) < 2 or _UN_REF.fullmatch(text.upper().replace("I.", "i.").replace("E.", "e.")):
        return None
    return text


def _group_names(outside: str, group: str) -> tuple[list[str], bool]:
    """Names a parenthetical group carries, and whether it marks a previous name.

    Groups are variants ("X (Y; Z)"), original-script forms, acronyms ("(LRM)"), or notes
    ("(birth name)", "(third)"); notes carry no name.
    """
    if _PREVIOUS.search(group):
        return [], True
    inner_outside, _ = _split_parens(group)
    is_names = (
        ";" in inner_outside
        or bool(_ORIGINAL_PREFIX.match(group.strip()))
        or bool(_NON_LATIN.search(group))
        or bool(_NON_LATIN.search(outside))
        or bool(_ACRONYM.match(group.strip()))
    )
    if not is_names:
        return [], False
    names = []
    for part in re.split(r"[;،]", inner_outside):
        name = _clean_variant(part)
        if name:
            names.append(name)
    return names, False


def split_alias(raw: str) -> tuple[list[str], bool]:
    """The names one alias field holds, and whether it says it is a previous name.

    The UN packs variants into one field: "Hay'at Tahrir al-Sham (HTS) (هيئة تحرير الشام
    (original script); Hayat Tahrir al-Sham; ...)", "Azim Adhajani; Azim Agha-Jani".
    """
    if _INLINE_PARENS.search(raw):  # "華信船務(香港)有限公司": the brackets belong to the name
        return [raw], False
    outside, groups = _split_parens(raw)
    names: list[str] = []
    previous = False
    for part in _ENUMERATION.split(outside.replace("\n", " ")):
        for variant in re.split(r"[;،]", part):
            name = _clean_variant(variant)
            if name:
                names.append(name)
    for group in groups:
        found, marks_previous = _group_names(outside, group)
        names.extend(found)
        previous = previous or marks_previous
    seen: set[str] = set()
    unique = [n for n in names if not (n.lower() in seen or seen.add(n.lower()))]  # type: ignore[func-returns-value]
    return unique, previous


_TRANSLITERATIONS = re.compile(r"transliterations?\s*:\s*([^()]+)|^([^()]+)\(transliterations? of", re.IGNORECASE)


def _note_names(note: str | None) -> list[str]:
    """Spelling variants an alias note lists as transliterations of the name."""
    match = _TRANSLITERATIONS.search(note or "")
    if match is None:
        return []
    found = (_clean_variant(p) for p in re.split(r"[;,]", match.group(1) or match.group(2)))
    return [n for n in found if n and len(n) <= 80]


_QUALITY_PROP = {"good": "alias", "a.k.a.": "alias", "low": "weakAlias", "f.k.a.": "previousName"}


def _add_names(record: Record, entry: _Entry, person: bool) -> None:
    target = record.target
    parts = [entry.text(tag) for tag in (_NAME_PARTS if person else _NAME_PARTS[:1])]
    present = [p for p in parts if p]
    if not present:
        raise SourceError("", "entry has no name (FIRST_NAME..FOURTH_NAME all empty)")
    put(target, "name", " ".join(present))
    if person and len(present) > 1:
        put(target, "firstName", present[0])
        put(target, "lastName", present[-1])
        if len(present) > 2:
            put(target, "secondName", present[1])
        if len(present) > 3:
            put(target, "middleName", present[2])
    original = entry.text("NAME_ORIGINAL_SCRIPT")
    if original:
        put(target, "alias", split_alias(original)[0] or [original])
    alias_tag = "INDIVIDUAL_ALIAS" if person else "ENTITY_ALIAS"
    for alias in entry.groups(alias_tag):
        _add_alias(record, alias, person)


def _add_alias(record: Record, alias: dict[str, str], person: bool) -> None:
    target = record.target
    raw = alias.get("ALIAS_NAME")
    note = alias.get("NOTE")
    if raw:
        names, previous = split_alias(raw)
        quality = (alias.get("QUALITY") or "").lower()
        prop = "previousName" if previous or (note and _PREVIOUS.search(note)) else _QUALITY_PROP.get(quality, "alias")
        put(target, prop, names or [raw])
        put(target, prop, _note_names(note))
    if note:
        label = f"Alias {raw}: " if raw else "Alias: "
        put(target, "notes", label + note)
        for match in re.finditer(r"(?:In Arabic|original script)\s*:\s*([^.;()]+)", note, re.IGNORECASE):
            put(target, "alias", match.group(1))
        record.mentions.extend(find_relations(note))
    if person:
        birth = alias.get("DATE_OF_BIRTH")
        if birth:
            put(target, "birthDate", loose_date(birth))
        place = ", ".join(alias[k] for k in ("CITY_OF_BIRTH", "COUNTRY_OF_BIRTH") if k in alias)
        put(target, "birthPlace", place or None)
        put(target, "birthCountry", alias.get("COUNTRY_OF_BIRTH"))
        if birth and not loose_date(birth):
            put(target, "notes", f"Alias {raw} date of birth: {birth}")


# ---- person details ---------------------------------------------------------------------


def _add_births(target: EntityProxy, entry: _Entry) -> None:
    for dob in entry.groups("INDIVIDUAL_DATE_OF_BIRTH"):
        kind = (dob.get("TYPE_OF_DATE") or "").upper()
        note = dob.get("NOTE")
        values: list[str] = []
        if "DATE" in dob:
            values = [v for v in [iso_date(dob["DATE"])] if v]
        elif "YEAR" in dob:
            month = _MONTHS.get((note or "").strip(" .").lower())
            values = [f"{dob['YEAR']}-{month:02d}" if month else dob["YEAR"]]
            if month:
                note = None
        elif "FROM_YEAR" in dob or "TO_YEAR" in dob:
            values = _year_range(dob.get("FROM_YEAR"), dob.get("TO_YEAR"))
        elif note and loose_date(note):
            values = [loose_date(note) or ""]
            note = None
        put(target, "birthDate", values)
        qualifier = {"APPROXIMATELY": "approximately ", "BETWEEN": "between "}.get(kind, "")
        if qualifier or note:
            shown = f"{values[0]} and {values[-1]}" if kind == "BETWEEN" and values else ", ".join(values)
            text = f"Date of birth: {qualifier}{shown}".strip() + (f" ({note})" if note else "")
            put(target, "notes", text)
    for place in entry.groups("INDIVIDUAL_PLACE_OF_BIRTH"):
        parts = [place[k] for k in ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY") if k in place]
        put(target, "birthPlace", ", ".join(parts) or None)
        put(target, "birthCountry", place.get("COUNTRY"))
        if "NOTE" in place:
            put(target, "notes", f"Place of birth {', '.join(parts)}: {place['NOTE']}".replace(" :", ":"))


def _add_nationalities(target: EntityProxy, values: list[str]) -> None:
    country = target.schema.properties["nationality"].type
    for value in values:
        if country.clean_text(value) is None:  # "Indonesian (as at Dec. 2003)": keep it readable
            put(target, "notes", f"Nationality: {value}")
        else:
            put(target, "nationality", value)


def _year_range(start: str | None, end: str | None) -> list[str]:
    years = [int(y) for y in (start, end) if y and y.isdigit()]
    if not years:
        return []
    low, high = min(years), max(years)
    if high - low > 30:  # a span that wide says nothing a year list would help with
        return [str(low), str(high)]
    return [str(y) for y in range(low, high + 1)]


_PASSPORT = re.compile(r"pass(?:port|eport)|pasaporte", re.IGNORECASE)


def _add_documents(record: Record, entry: _Entry) -> None:
    for doc in entry.groups("INDIVIDUAL_DOCUMENT"):
        types = [doc[k] for k in ("TYPE_OF_DOCUMENT", "TYPE_OF_DOCUMENT2") if k in doc]
        doc_type = "; ".join(types) or None
        passport = any(_PASSPORT.search(t) for t in types)
        country = doc.get("ISSUING_COUNTRY") or doc.get("COUNTRY_OF_ISSUE")
        issued = []
        if "DATE_OF_ISSUE" in doc:
            issued.append(f"issued {iso_date(doc['DATE_OF_ISSUE']) or doc['DATE_OF_ISSUE']}")
        if "CITY_OF_ISSUE" in doc:
            issued.append(f"in {doc['CITY_OF_ISSUE']}")
        if "COUNTRY_OF_ISSUE" in doc and doc.get("ISSUING_COUNTRY") not in (None, doc["COUNTRY_OF_ISSUE"]):
            issued.append(f"country of issue {doc['COUNTRY_OF_ISSUE']}")
        note = "; ".join(p for p in (doc.get("NOTE"), " ".join(issued)) if p) or None
        ident = add_identification(record, doc.get("NUMBER"), doc_type, country, passport=passport, note=note)
        if ident is not None:
            put(ident, "startDate", iso_date(doc.get("DATE_OF_ISSUE")))
        elif doc_type or note:
            text = "; ".join(p for p in (doc_type, country, note) if p)
            put(record.target, "notes", f"Document without number: {text}")


def _add_addresses(record: Record, entry: _Entry, tag: str) -> None:
    for addr in entry.groups(tag):
        address = add_address(
            record,
            street=addr.get("STREET"),
            city=addr.get("CITY"),
            region=addr.get("STATE_PROVINCE"),
            postalCode=addr.get("ZIP_CODE"),
            country=addr.get("COUNTRY"),
        )
        note = addr.get("NOTE")
        if note and address is not None:
            put(address, "remarks", note)
        elif note:
            put(record.target, "notes", f"Address: {note}")


# ---- relations by reference number ------------------------------------------------------

_REL_WORDS: tuple[tuple[str, str, str, bool], ...] = (
    # (pattern, kind, relationship, target holds the role); kind "" stops a relation word
    # before it from reaching the citation ("previously listed as an alias of X (QDe.115)").
    (r"(?:alias|a\.k\.a\.|aka) of", "", "", True),
    (r"linked by marriage to", "family", "relative by marriage", True),
    (r"(?:father|mother|wife|husband)(?:'s|’s) name is", "family", "", False),
    (rf"(?:{FAMILY_TERMS}) (?:of|to)", "family", "", True),
    (r"(?:known |close )?associated? (?:also )?(?:with|of)", "associate", "associate", True),
    (r"deputy (?:to|of)", "associate", "deputy", True),
    (r"(?:financial )?facilitator (?:for|of|to)", "associate", "facilitator", True),
    (r"financier (?:for|of|to)", "associate", "financier", True),
    (r"led by", "link", "leader", False),
    (r"(?:co-)?founder (?:and \w+ )?of", "link", "founder", True),
    (r"(?:\w+ )?(?:leader|head|chief|commander|emir|amir) (?:and [\w ]+ )?of",
     "link", "leader", True),
    (r"(?:senior |longtime |founding )*member of", "link", "member", True),
    (r"fighter for", "link", "member", True),
    (r"linked (?:to|with)", "link", "linked to", True),
    (r"affiliated (?:to|with)", "link", "affiliated with", True),
    (r"pledged (?:loyalty|allegiance) to", "link", "pledged allegiance to", True),
    (r"co-owner of", "link", "owner", True),
    (r"(?:owned|controlled|owned or controlled) by", "link", "owner", False),
    (r"subsidiary of", "link", "subsidiary of", True),
    (r"spokes(?:man|person) (?:for|of)", "link", "spokesperson", True),
)
_REL_PATTERN = re.compile("|".join(f"(?P<r{i}>\\b{p})" for i, (p, *_) in enumerate(_REL_WORDS)), re.IGNORECASE)
_REF_CITED = re.compile(r"\(\s*([A-Z]{2}[ie]\.\d{3})\s*\)")
_SENTENCE_END = re.compile(r"(?<![A-Z][a-z])(?<!\b[A-Z])(?<!\bNo)(?<!\bno)\.\s+(?=[A-Z])")
_LEADING = re.compile(r"^(?:(?:and|or|also|both|as well as|the|listed as|known as|a\.k\.a\.|aka|including|namely|"
                      r"(?:its|his|her|their) (?:\w+ )?(?:leader|founder|head|chief|deputy|commander|emir|amir))"
                      r"\s+|[,:;\s]+)+", re.IGNORECASE)
_PAREN_GROUP = re.compile(r"\([^()]*\)")


def _relationship(match: re.Match[str]) -> tuple[str, str, bool]:
    for i, (_, kind, relationship, holds) in enumerate(_REL_WORDS):
        if match.group(f"r{i}"):
            if not relationship:  # family words: the word itself
                word = re.split(r"\s+(?:of|to)$|(?:'s|’s) name is$", match.group(0).lower())[0]
                relationship = word.strip()
            return kind, relationship, holds
    raise AssertionError("unreachable")


def reference_mentions(text: str | None, own_ref: str) -> list[RelationMention]:
    """Relations to other UN entries the text cites by reference number.

    "Associated with Aiman Muhammed Rabi al-Zawahiri (QDi.006)" -> associate of un-sc:QDi.006.
    A citation counts only when a relation word precedes it in the same sentence.
    """
    if not text or not _REF_CITED.search(text):
        return []
    out: dict[str, RelationMention] = {}
    flat = collapse(text) or ""
    for sentence in _SENTENCE_END.split(flat):
        if not _REF_CITED.search(sentence):
            continue
        relations = list(_REL_PATTERN.finditer(sentence))
        last_end = 0
        for cited in _REF_CITED.finditer(sentence):
            ref = cited.group(1)
            preceding = [m for m in relations if m.end() <= cited.start()]
            if ref != own_ref and ref not in out and preceding:
                kind, relationship, holds = _relationship(preceding[-1])
                start = max(preceding[-1].end(), last_end)
                name = _cited_name(sentence[start : cited.start()]) or ref
                if kind:
                    out[ref] = RelationMention(kind, relationship, name, sentence, holds, other_id=f"{LIST_ID}:{ref}")
            last_end = cited.end()
    return list(out.values())


def _cited_name(segment: str) -> str | None:
    segment = _PAREN_GROUP.sub("", segment).rsplit(",", 1)[-1].rsplit(" listed as ", 1)[-1]
    name = collapse(_LEADING.sub("", segment.strip()))
    if not name or len(name) > 120 or not re.search(r"[^\W\d_]{2}", name):
        return None
    return name


def _add_relations(record: Record, comments: str | None, own_ref: str) -> None:
    by_ref = reference_mentions(comments, own_ref)
    cited_names = {m.name.lower() for m in by_ref}
    plain = [m for m in find_relations(comments) if m.name.lower() not in cited_names]
    record.mentions.extend(by_ref)
    record.mentions.extend(plain)


# ---- entries ----------------------------------------------------------------------------


def _place(element: etree._Element, ref: str | None = None) -> str:
    label = f"<{element.tag}>" + (f" {ref}" if ref else "")
    return f"line {element.sourceline}, {label}"


def _record(path: Path, element: etree._Element, schema: str) -> Record:
    entry = _Entry(element)
    ref = entry.text("REFERENCE_NUMBER")
    if not ref:
        raise SourceError(path, "entry without REFERENCE_NUMBER", _place(element))
    person = schema == "Person"
    record = new_record(LIST_ID, ref, schema)
    target = record.target
    try:
        _add_names(record, entry, person)
    except SourceError as exc:
        raise SourceError(path, exc.reason, _place(element, ref)) from exc
    comments = entry.text("COMMENTS1")
    put(target, "notes", comments)
    if person:
        put(target, "title", entry.values("TITLE"))
        put(target, "position", entry.values("DESIGNATION"))
        _add_nationalities(target, entry.values("NATIONALITY"))
        put(target, "gender", entry.text("GENDER"))
        _add_births(target, entry)
        _add_documents(record, entry)
    _add_addresses(record, entry, "INDIVIDUAL_ADDRESS" if person else "ENTITY_ADDRESS")
    listed = entry.text("LISTED_ON")
    if listed and iso_date(listed) is None:
        raise SourceError(path, f"LISTED_ON {listed!r} is not a date", _place(element, ref))
    _add_sanction(record, entry, ref)
    _add_relations(record, comments, ref)
    return record


def _add_sanction(record: Record, entry: _Entry, ref: str) -> None:
    listed = iso_date(entry.text("LISTED_ON"))
    sanction = add_sanction(
        record,
        AUTHORITY,
        LIST_ID,
        entry.text("UN_LIST_TYPE"),
        listing_date=listed,
        unsc_id=ref,
        authority_id=ref,
        source_url=SOURCE_URL,
    )
    updates = sorted({d for d in (iso_date(v) for v in entry.values("LAST_DAY_UPDATED")) if d})
    put(sanction, "date", updates)
    if updates:
        put(sanction, "modifiedAt", updates[-1])


def _published(path: Path, root: etree._Element) -> date | None:
    raw = root.get("dateGenerated")
    if raw is None:
        return None
    value = iso_date(raw)
    if value is None or len(value) != 10:
        raise SourceError(path, f"dateGenerated {raw!r} is not a date", f"line {root.sourceline}, <{ROOT_TAG}>")
    return date.fromisoformat(value)


def parse(primary: Path, companions: Sequence[Path] = ()) -> Iterator[ParsedList]:
    root = parse_xml(primary)
    if local(root.tag) != ROOT_TAG:
        raise SourceError(
            primary,
            f"root element is <{local(root.tag)}>, not <{ROOT_TAG}>: not a UN consolidated list",
            f"line {root.sourceline}",
        )
    records: list[Record] = []
    ids = FirstSeen(primary, "reference number")
    for section, tag, schema in _SECTIONS:
        container = root.find(section)
        if container is None:
            raise SourceError(primary, f"<{section}> is missing", f"<{ROOT_TAG}>")
        for element in container:
            if not isinstance(element.tag, str):
                continue
            if element.tag != tag:
                raise SourceError(primary, f"unexpected <{element.tag}> in <{section}>", f"line {element.sourceline}")
            record = _record(primary, element, schema)
            ids.add(record.id, element.sourceline, _place(element))
            records.append(record)
    yield ParsedList(
        LIST_ID,
        records,
        (primary, *companions),
        published=_published(primary, root),
        published_from="dateGenerated attribute of CONSOLIDATED_LIST" if root.get("dateGenerated") else None,
    )


FORMAT = SourceFormat(
    name="un_xml",
    description="UN Security Council Consolidated List XML (CONSOLIDATED_LIST)",
    lists=(LIST_ID,),
    sniff=sniff,
    parse=parse,
    primary_names=("consolidated.xml",),
)
