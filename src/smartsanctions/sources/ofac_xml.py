"""OFAC XML (the ``sdn.xml`` schema, also used for the consolidated non-SDN list).

Root ``sdnList`` (namespaced), ``publshInformation/Publish_Date`` (MM/DD/YYYY) and one
``sdnEntry`` per target. The same schema carries two lists, and the files are not
reliably named (the consolidated list circulates as ``ofac.xml`` too), so the list is
decided from the content: the consolidated list holds the non-SDN lists (NS-PLC, CMIC,
SSI directive targets, FSE, CAPTA, menu-based sanctions), whose entries carry programme
tags (``NS-*``, ``CMIC-*``, ``FSE-*``, ``561-Related``) or ``idList`` items
(``Executive Order 13662 Directive Determination``, ``Listing Date (CMIC)``, ``CAATSA
Section 235 Information``, ...) that no SDN entry carries. A file where at least half
of the entries carry such a marker is ``us-cons`` (all but one or two of the 442-443
entries in every real consolidated file do); otherwise it is ``sdn.xml``, ``us-sdn``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

from lxml import etree

from smartsanctions.sources import ofac_remarks as ofac
from smartsanctions.sources.base import FileRole, FirstSeen, ParsedList, Record, SourceError, SourceFormat
from smartsanctions.sources.build import add_address, new_record, put
from smartsanctions.sources.xmlsafe import local, parse_xml

_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sdnList[\s>]")
_NON_SDN_PROGRAM = re.compile(r"^(?:NS-|CMIC|FSE|561)", re.IGNORECASE)
_NON_SDN_ID = re.compile(
    r"^(?:Executive Order 13662 Directive Determination|Listing Date \((?:CMIC|EO 14024 Directive|EO 14014)|"
    r"Effective Date \((?:CMIC|EO 14024 Directive|EO 14014)|Executive Order 14024 Directive Information|"
    r"Executive Order 14014 Directive Information|Executive Order 14059 information|"
    r"CAATSA Section 235 Information|Purchase/Sales For Divestment Date)",
    re.IGNORECASE,
)
_ALIAS_PROPS = {"a.k.a.": "alias", "f.k.a.": "previousName", "n.k.a.": "alias"}


def sniff(path: Path, head: bytes) -> FileRole | None:
    if _ROOT.search(head) and (b"publshInformation" in head or b"sdnEntry" in head):
        return FileRole.PRIMARY
    return None


class _Entry:
    """The children of one ``sdnEntry``, by local name."""

    def __init__(self, element: etree._Element) -> None:
        self.element = element
        self.children: dict[str, list[etree._Element]] = {}
        for child in element:
            if isinstance(child.tag, str):
                self.children.setdefault(local(child.tag), []).append(child)

    def text(self, name: str) -> str | None:
        found = self.children.get(name)
        return ofac.clean(found[0].text) if found else None

    def items(self, list_name: str) -> list[dict[str, str | None]]:
        """The items of ``<xxxList>``, each as {child local name: text}."""
        out = []
        for holder in self.children.get(list_name, ()):
            for item in holder:
                if isinstance(item.tag, str):
                    out.append({local(c.tag): ofac.clean(c.text) for c in item if isinstance(c.tag, str)})
        return out

    def programs(self) -> list[str]:
        out: list[str] = []
        for holder in self.children.get("programList", ()):
            out.extend(p for p in (ofac.clean(c.text) for c in holder) if p)
        return out


def _place(element: etree._Element) -> str:
    return f"line {element.sourceline}" if element.sourceline else f"element {local(element.tag)}"


def _published(path: Path, root: etree._Element) -> date | None:
    for info in root:
        if isinstance(info.tag, str) and local(info.tag) == "publshInformation":
            for child in info:
                if isinstance(child.tag, str) and local(child.tag) == "Publish_Date" and child.text:
                    text = child.text.strip()
                    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
                    if match is None:
                        raise SourceError(path, f"Publish_Date {text!r} is not MM/DD/YYYY", _place(child))
                    month, day, year = (int(g) for g in match.groups())
                    try:
                        return date(year, month, day)
                    except ValueError as exc:
                        raise SourceError(path, f"Publish_Date {text!r}: {exc}", _place(child)) from exc
    return None


def _record_count(root: etree._Element) -> tuple[int, etree._Element] | None:
    for info in root:
        if isinstance(info.tag, str) and local(info.tag) == "publshInformation":
            for child in info:
                text = (child.text or "").strip() if isinstance(child.tag, str) else ""
                if local(child.tag) == "Record_Count" and text.isdigit():
                    return int(text), child
    return None


def is_non_sdn(entry: _Entry) -> bool:
    if any(_NON_SDN_PROGRAM.match(p) for p in entry.programs()):
        return True
    return any(_NON_SDN_ID.match(item.get("idType") or "") for item in entry.items("idList"))


def decide_list(entries: Sequence[_Entry]) -> str:
    marked = sum(1 for entry in entries if is_non_sdn(entry))
    return "us-cons" if entries and marked * 2 >= len(entries) else "us-sdn"


def _add_names(record: Record, entry: _Entry) -> None:
    for aka in entry.items("akaList"):
        name = ofac.person_name(aka.get("lastName"), aka.get("firstName"))
        if not name:
            continue
        prop = _ALIAS_PROPS.get((aka.get("type") or "a.k.a.").lower(), "alias")
        if prop == "alias" and (aka.get("category") or "").lower() == "weak":
            prop = "weakAlias"
        put(record.target, prop, name)


def _add_addresses(record: Record, entry: _Entry) -> None:
    for item in entry.items("addressList"):
        street2 = ", ".join(v for v in (item.get("address2"), item.get("address3")) if v) or None
        add_address(
            record,
            street=item.get("address1"),
            street2=street2,
            city=item.get("city"),
            state=item.get("stateOrProvince"),
            postalCode=item.get("postalCode"),
            region=item.get("region"),
            country=item.get("country"),
        )
        ofac.add_country(record, item.get("country"))


def _add_facts(record: Record, entry: _Entry) -> None:
    target = record.target
    for item in entry.items("dateOfBirthList"):
        ofac.safe_put(target, "birthDate", ofac.parse_dob(item.get("dateOfBirth")))
    for item in entry.items("placeOfBirthList"):
        ofac.safe_put(target, "birthPlace", item.get("placeOfBirth"))
    for item in entry.items("nationalityList"):
        ofac.apply_fact(record, "nationality", item.get("country"))
    for item in entry.items("citizenshipList"):
        ofac.apply_fact(record, "citizen", item.get("country"))
    for item in entry.items("idList"):
        label, number = item.get("idType"), item.get("idNumber")
        if not label or not number:
            continue
        known = ofac.apply_fact(
            record, label, number, item.get("idCountry"), item.get("issueDate"), item.get("expirationDate")
        )
        if not known:
            # Not a property: keep it as the CSV keeps it, in the remarks-like notes.
            put(target, "notes", f"{label} {number}")
    for holder in entry.children.get("vesselInfo", ()):
        info = {local(c.tag): c.text for c in holder if isinstance(c.tag, str)}
        ofac.add_vessel_info(
            record,
            info.get("callSign"),
            info.get("vesselType"),
            info.get("tonnage"),
            info.get("grossRegisteredTonnage"),
            info.get("vesselFlag"),
            info.get("vesselOwner"),
        )


def build_record(list_id: str, entry: _Entry) -> Record:
    uid = entry.text("uid")
    if not uid or not uid.isdigit():
        raise ValueError(f"sdnEntry without a numeric uid ({uid!r})")
    sdn_type = (entry.text("sdnType") or "").lower()
    schema = ofac.SCHEMAS.get(sdn_type)
    if schema is None or not sdn_type:
        raise ValueError(f"sdnEntry {uid}: unknown sdnType {entry.text('sdnType')!r}")
    last, first = entry.text("lastName"), entry.text("firstName")
    name = ofac.person_name(last, first)
    if not name:
        raise ValueError(f"sdnEntry {uid}: no lastName")
    record = new_record(list_id, uid, schema)
    ofac.add_primary_name(record, name, last, first)
    if schema == "Airplane":
        put(record.target, "registrationNumber", name)
    ofac.add_programs(record, list_id, entry.programs(), uid)
    title = entry.text("title")
    if title:
        ofac.apply_fact(record, "Title", title)
    _add_names(record, entry)
    _add_addresses(record, entry)
    _add_facts(record, entry)
    ofac.apply_remarks(record, entry.text("remarks"))
    return record


def parse(primary: Path, companions: Sequence[Path]) -> Iterator[ParsedList]:
    root = parse_xml(primary)
    if local(root.tag) != "sdnList":
        raise SourceError(primary, f"root element is <{local(root.tag)}>, not <sdnList>", _place(root))
    published = _published(primary, root)
    for element in root:
        if isinstance(element.tag, str) and local(element.tag) not in ("publshInformation", "sdnEntry"):
            raise SourceError(primary, f"unexpected <{local(element.tag)}> in <sdnList>", _place(element))
    entries = [_Entry(el) for el in root if isinstance(el.tag, str) and local(el.tag) == "sdnEntry"]
    if not entries:
        raise SourceError(primary, "no sdnEntry elements", _place(root))
    counted = _record_count(root)
    if counted is not None and counted[0] != len(entries):
        raise SourceError(
            primary, f"Record_Count says {counted[0]} entries but the file has {len(entries)}", _place(counted[1])
        )
    list_id = decide_list(entries)
    records = []
    ids = FirstSeen(primary, "entry")
    for entry in entries:
        try:
            record = build_record(list_id, entry)
        except ValueError as exc:
            raise SourceError(primary, str(exc), _place(entry.element)) from exc
        ids.add(record.id, entry.element.sourceline, _place(entry.element))
        records.append(record)
    ofac.resolve_exact_links(records)
    yield ParsedList(
        list_id=list_id,
        records=records,
        files=(primary,),
        published=published,
        published_from="publshInformation/Publish_Date" if published else None,
    )


FORMAT = SourceFormat(
    name="ofac_xml",
    description="OFAC XML (sdn.xml schema): SDN list or consolidated non-SDN list, decided by content",
    lists=("us-sdn", "us-cons"),
    sniff=sniff,
    parse=parse,
    primary_names=("sdn.xml", "consolidated.xml"),
)
