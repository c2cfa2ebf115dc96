"""What consolidation compares about a source record, pulled out of its stored FtM entities."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from followthemoney import model
from followthemoney.exc import InvalidData

from smartsanctions.names.analyse import NAME, AnalysedName, analyse

NAME_PROPS = ("name", "alias", "previousName")
WEAK_NAME_PROPS = ("weakAlias",)
COUNTRY_PROPS = ("nationality", "citizenship", "country", "birthCountry", "jurisdiction", "flag")
ID_PROPS = (
    "passportNumber",
    "idNumber",
    "registrationNumber",
    "imoNumber",
    "taxNumber",
    "swiftBic",
    "leiCode",
    "innCode",
    "ogrnCode",
    "vatCode",
    "mmsi",
    "serialNumber",
)
# A UN reference as the lists write it: two letters, 'i' (individual) or 'e' (entity), a number.
UN_REF = re.compile(r"\b([A-Z]{2}[ie])\.\s?(\d{1,4})\b", re.IGNORECASE)
_UN_REF_CITED = re.compile(r"\(UN Ref\)\s*:\s*([A-Z]{2}[ie])\.\s?(\d{1,4})")
_ID_CLEAN = re.compile(r"[^0-9A-Z]")
_WORD = re.compile(r"[^\W\d_]{3,}")
_POSITION_STOP = frozenset(
    {"the", "and", "for", "former", "deputy", "head", "member", "chief", "general", "office", "officer", "director"}
)
PERSON, ORG, ANY, VESSEL, AIRPLANE, OTHER = "person", "org", "any", "vessel", "airplane", "other"


@dataclass
class RecordFeatures:
    record_id: str
    list_id: str
    authority: str
    version_id: int
    schema: str
    caption: str
    current: bool
    names: list[str]
    analysed: list[AnalysedName]
    birth_dates: frozenset[str]
    countries: frozenset[str]
    gender: frozenset[str]
    identifiers: frozenset[str]
    un_refs: frozenset[str]
    position_words: frozenset[str]
    kind: str
    weak_names: list[str] = field(default_factory=list)
    primary: frozenset[str] = frozenset()  # the list's main name(s), as given

    @property
    def birth_years(self) -> frozenset[int]:
        return frozenset(int(d[:4]) for d in self.birth_dates if d[:4].isdigit())


@lru_cache(maxsize=64)
def schema_kind(schema: str) -> str:
    try:
        s = model[schema]
    except KeyError:
        return OTHER
    if s.is_a("Person"):
        return PERSON
    if s.is_a("Vessel"):
        return VESSEL
    if s.is_a("Airplane"):
        return AIRPLANE
    if s.is_a("Organization"):
        return ORG
    if s.name == "LegalEntity":
        return ANY
    return OTHER


@lru_cache(maxsize=256)
def common_schema(a: str, b: str) -> str | None:
    """The schema both can be merged into, or None when they describe different kinds of thing."""
    try:
        return model.common_schema(a, b).name
    except InvalidData:
        return None


def normalise_identifier(value: str) -> str | None:
    text = _ID_CLEAN.sub("", value.upper())
    if len(text) < 5 or not any(c.isdigit() for c in text):
        return None
    return text


def _un_ref(prefix: str, number: str) -> str:
    return f"{prefix[:2].upper()}{prefix[2].lower()}.{int(number):03d}"


def un_refs_of(entities: list[dict[str, Any]]) -> set[str]:
    """UN reference numbers the record states as its own (not the ones it merely mentions)."""
    refs: set[str] = set()
    target = entities[0]
    if target["id"].startswith("un-sc:"):
        refs.add(target["id"].split(":", 1)[1])
    for entity in entities:
        if entity["schema"] == "Sanction":
            for value in entity["properties"].get("unscId", []):
                match = UN_REF.search(value)
                if match:
                    refs.add(_un_ref(match.group(1), match.group(2)))
    for note in target["properties"].get("notes", []):
        for match in _UN_REF_CITED.finditer(note):
            refs.add(_un_ref(match.group(1), match.group(2)))
    return refs


# Only an acronym in parentheses is dropped: "(BANGLADESH BRANCH)" tells entities apart.
_PARENTHESES = re.compile(r"\s*\((?:[A-Z0-9][A-Za-z0-9.&-]{1,7})\)\s*")
_SPLITS = re.compile(r"\s+/\s+|\s*;\s*")


def name_variants(name: str) -> list[str]:
    """The name, plus its form without a parenthesised acronym ("GLOBAL RELIEF FOUNDATION
    (GRF)") and the halves of "A / B" double names."""
    out = [name]
    bare = _PARENTHESES.sub(" ", name).strip(" :-,")
    if bare and bare != name:
        out.append(bare)
    for form in list(out):
        halves = [h.strip() for h in _SPLITS.split(form) if len(h.split()) >= 2]
        if len(halves) > 1:
            out.extend(halves)
    return out


def _analyse_names(names: list[str], kind: str) -> list[AnalysedName]:
    is_org: bool | None = {PERSON: False, ORG: True}.get(kind)
    seen: set[str] = set()
    out = []
    for name in (v for n in names for v in name_variants(n)):
        analysed = analyse(name, is_org)
        key = " ".join(analysed.texts)
        if not analysed.parts or key in seen:
            continue
        seen.add(key)
        out.append(analysed)
    return out


def extract(
    record_id: str, list_id: str, authority: str, version_id: int, schema: str, caption: str, current: bool,
    entities: list[dict[str, Any]],
) -> RecordFeatures:
    target = entities[0]
    props: dict[str, list[str]] = target["properties"]
    kind = schema_kind(schema)
    names = [n for p in NAME_PROPS for n in props.get(p, [])]
    if not names:
        names = [caption]
    identifiers: set[str] = set()
    for prop in ID_PROPS:
        for value in props.get(prop, []):
            norm = normalise_identifier(value)
            if norm:
                identifiers.add(norm)
    for entity in entities[1:]:
        if entity["schema"] in ("Identification", "Passport"):
            for value in entity["properties"].get("number", []):
                norm = normalise_identifier(value)
                if norm:
                    identifiers.add(norm)
    positions = " ".join(props.get("position", []))
    return RecordFeatures(
        record_id=record_id,
        list_id=list_id,
        authority=authority,
        version_id=version_id,
        schema=schema,
        caption=caption,
        current=current,
        names=names,
        analysed=_analyse_names(names, kind),
        birth_dates=frozenset(props.get("birthDate", []) + props.get("incorporationDate", [])),
        countries=frozenset(v for p in COUNTRY_PROPS for v in props.get(p, [])),
        gender=frozenset(props.get("gender", [])),
        identifiers=frozenset(identifiers),
        un_refs=frozenset(un_refs_of(entities)),
        position_words=frozenset(
            w for w in (m.lower() for m in _WORD.findall(positions)) if w not in _POSITION_STOP
        ),
        kind=kind,
        weak_names=[n for p in WEAK_NAME_PROPS for n in props.get(p, [])],
        primary=frozenset(props.get("name", [caption])),
    )


def name_tokens(name: AnalysedName) -> list[str]:
    """Blocking tokens of a name: variant group where known, else the consonant skeleton."""
    out = []
    for part in name.parts:
        if part.kind != NAME:
            continue
        if part.variant >= 0:
            out.append(f"v{part.variant}")
        elif len(part.skeleton) >= 2:
            out.append(part.skeleton)
        elif len(part.text) >= 2:
            out.append("=" + part.text)
    return out
