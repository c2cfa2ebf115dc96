"""Relations that lists state in free text, and their resolution within one list.

Lists write relations as prose: OFAC's "Linked To: MAKHLUF, Rami.", the UK's "Brother of
Basher Al Assad and first cousin of Rami Makhlouf", "Wife's name: Saja Hamid al-Dulaimi",
"Sister to Bashar Al Assad". :func:`find_relations` pulls (relationship, name) out of such
text; :func:`resolve_relations` turns each mention into an FtM Family / Associate /
UnknownLink edge, pointing at the entry of the same list it names when there is one,
and otherwise at a derived, unlisted Person or LegalEntity (which is how unlisted
relatives become visible to gap analysis). The sentence is kept on the edge either way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import numpy as np
from rapidfuzz import fuzz, process

from smartsanctions.sources.base import Record, RelationMention
from smartsanctions.sources.build import derived_id, link, make_entity, put

FAMILY_TERMS = (
    "brother-in-law|sister-in-law|son-in-law|daughter-in-law|father-in-law|mother-in-law|"
    "half-brother|half-sister|step-son|stepson|step-daughter|stepdaughter|first cousin|cousin|"
    "brother|sister|son|daughter|wife|husband|spouse|father|mother|uncle|aunt|nephew|niece|"
    "grandson|granddaughter|grandfather|grandmother|widow|ex-wife|former wife"
)
ASSOCIATE_TERMS = (
    "close associate|business associate|business partner|associate|partner|front man|"
    "frontman|financier|bodyguard|adviser|advisor|personal secretary|secretary"
)
_TITLES = (
    r"(?:(?:the\s+)?(?:late\s+)?(?:former\s+)?(?:syrian\s+)?(?:president|prime minister|minister|"
    r"general|major general|brigadier general|colonel|dr\.?|doctor|sheikh|shaykh|mr\.?|mrs\.?)\s+)*"
)
# A name runs until punctuation that ends a clause, or a word that starts a new one.
_NAME = r"(?P<name>[^.;,()\n:]+?)"
_END = r"(?=\s*(?:[.;,()\n]|\band\b|\bwho\b|\bwhich\b|\bwith\b|\bin\b|\bsince\b|\bas\b|$))"

_FAMILY_OF = re.compile(
    rf"\b(?P<rel>{FAMILY_TERMS})\s+(?:of|to)\s+{_TITLES}{_NAME}{_END}", re.IGNORECASE
)
_FAMILY_NAME_IS = re.compile(
    rf"\b(?P<rel>{FAMILY_TERMS})(?:'s|’s)\s+names?\s*(?:is|:)\s*{_NAME}{_END}", re.IGNORECASE
)
_ASSOCIATE_OF = re.compile(
    rf"\b(?P<rel>{ASSOCIATE_TERMS})\s+(?:of|to|for)\s+{_TITLES}{_NAME}{_END}", re.IGNORECASE
)
_LINKED_TO = re.compile(r"\bLinked To:\s*(?P<name>[^;]+?)\.?\s*(?=;|$)", re.IGNORECASE)

# Words that show a captured "name" is prose, not a name.
_NOT_A_NAME = re.compile(
    r"\b(the|his|her|their|family|regime|president|members?|late|former|listed|"
    r"company|group|organisation|organization|ministry)\b$",
    re.IGNORECASE,
)


def _clean_name(raw: str) -> str | None:
    name = re.sub(r"\s+", " ", raw).strip(" '\"‘’“”-")
    if len(name) < 3 or len(name) > 120 or not re.search(r"[^\W\d_]{2}", name):
        return None
    if _NOT_A_NAME.search(name):
        return None
    return name


# Every word of the relation terms: a text holding none of them states no relation, and
# checking that first is several times cheaper than running the patterns over long remarks.
_KEYWORDS = frozenset(re.split(r"[\s|-]+", f"{FAMILY_TERMS}|{ASSOCIATE_TERMS}|linked".lower())) - {
    "in", "law", "first", "half", "step", "close", "business", "personal", "ex", "former",
}
_WORD = re.compile(r"[a-z]+")


def find_relations(text: str | None) -> list[RelationMention]:
    """All relations stated in ``text``, in order of appearance, without duplicates."""
    if not text or _KEYWORDS.isdisjoint(_WORD.findall(text.lower())):
        return []
    found: dict[tuple[str, str], RelationMention] = {}
    patterns: Iterable[tuple[re.Pattern[str], str, bool]] = (
        (_LINKED_TO, "link", True),
        (_FAMILY_OF, "family", True),
        (_FAMILY_NAME_IS, "family", False),
        (_ASSOCIATE_OF, "associate", True),
    )
    for pattern, kind, target_holds_role in patterns:
        for match in pattern.finditer(text):
            name = _clean_name(match.group("name"))
            if name is None:
                continue
            if kind in ("family", "associate") and target_holds_role and _about_someone_else(text, match.start()):
                continue
            relationship = "linked to" if kind == "link" else match.group("rel").lower()
            key = (relationship, name.lower())
            if key not in found:
                start = max(0, text.rfind(".", 0, match.start()) + 1)
                end = text.find(".", match.end())
                sentence = text[start : end if end > 0 else len(text)].strip()
                found[key] = RelationMention(kind, relationship, name, sentence or match.group(0), target_holds_role)
    return list(found.values())


_GOVERNING_WORD = re.compile(r"\b(by|to|with|from|for|through|via)\s+(?:the|a|an|his|her)?\s*$", re.IGNORECASE)


def _about_someone_else(text: str, start: int) -> bool:
    """Whether "<relation> of X" at ``start`` describes a third party, not the entry itself.

    Lists describe the people an entry deals with in apposition: "Close to Maher al-Assad,
    younger brother of President Bashar al-Assad", "Rami Makhlouf (regime supporter and
    cousin of Bashar al-Assad)", "managed by the brother-in-law of Bashar al-Assad". Read
    naively these make the entry Bashar's brother or cousin.
    """
    prefix = text[:start]
    if prefix.count("(") > prefix.count(")"):
        return True  # inside a parenthetical about the name before it
    clause = re.split(r"[.;:\n]", prefix)[-1]
    stripped = re.sub(r"\b(younger|older|elder|eldest|youngest|maternal|paternal|former|late)\s*$", "", clause.rstrip(), flags=re.IGNORECASE)
    if stripped.rstrip().endswith(","):
        return True  # "<name>, brother of ..."
    return bool(_GOVERNING_WORD.search(stripped))


def name_key(name: str) -> str:
    """A loose key for matching a name written in prose to a list entry's name."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[‘’'`ʿʾ]", "", text)
    text = re.sub(r"\b(al|el|ul)[- ]", "al", text)
    text = re.sub(r"[^a-z0-9\u0600-\u06ff]+", " ", text)
    return " ".join(sorted(text.split()))


_MATCH_CUTOFF = 88.0


def resolve_relations(records: list[Record]) -> None:
    """Turn every record's mentions into edges, resolved against the same list.

    A mention that cites the other party's ID resolves to it; otherwise an exact (loose
    key) name match; otherwise the closest name in the list at or above the cutoff, scored
    for all open mentions at once with rapidfuzz's vectorised ``cdist``.
    Idempotent per record: the edges get IDs derived from the record and the mention.
    """
    keys: list[str] = []
    owners: list[int] = []
    exact: dict[str, set[int]] = {}
    for position, record in enumerate(records):
        for name in record.target.get("name") + record.target.get("alias"):
            key = name_key(name)
            keys.append(key)
            owners.append(position)
            exact.setdefault(key, set()).add(position)
    by_id = {record.id: position for position, record in enumerate(records)}
    resolved: dict[tuple[int, int], int | None] = {}
    open_mentions: list[tuple[int, int, str]] = []
    for position, record in enumerate(records):
        for number, mention in enumerate(record.mentions):
            other = by_id.get(mention.other_id or "")
            if other is not None and other != position:
                resolved[(position, number)] = other
                continue
            key = name_key(mention.name)
            candidates = exact.get(key, set()) - {position}
            if len(candidates) == 1:
                resolved[(position, number)] = next(iter(candidates))
            else:
                open_mentions.append((position, number, key))
    resolved.update(_closest(open_mentions, keys, owners))
    for position, record in enumerate(records):
        for number, mention in enumerate(record.mentions):
            other = resolved.get((position, number))
            record.extras.extend(_edges(record, mention, records[other] if other is not None else None))


def _closest(mentions: list[tuple[int, int, str]], keys: list[str], owners: list[int]) -> dict[tuple[int, int], int | None]:
    found: dict[tuple[int, int], int | None] = {}
    if not mentions or not keys:
        return found
    owner_array = np.asarray(owners)
    for start in range(0, len(mentions), 256):
        chunk = mentions[start : start + 256]
        scores = process.cdist([m[2] for m in chunk], keys, scorer=fuzz.ratio, score_cutoff=_MATCH_CUTOFF, dtype=np.uint8)
        for row, (position, number, _) in enumerate(chunk):
            line = scores[row]
            line[owner_array == position] = 0  # never the mentioning record itself
            best = int(line.argmax())
            found[(position, number)] = owners[best] if line[best] > 0 else None
    return found


def _edges(record: Record, mention: RelationMention, other: Record | None) -> list:
    source = record.target
    extras = []
    if other is not None:
        other_id = other.id
        other_schema = other.target.schema
    else:
        # An unlisted party: kept as its own entity so it can be consolidated and reported.
        other_schema_name = "Person" if mention.kind == "family" else "LegalEntity"
        if mention.kind == "associate" and source.schema.is_a("Person"):
            other_schema_name = "Person"
        party = make_entity(other_schema_name, derived_id(record.id, "party", mention.name))
        put(party, "name", mention.name)
        put(party, "description", f"Named in {record.id}: {mention.text}")
        extras.append(party)
        other_id = party.id or ""
        other_schema = party.schema
    both_people = source.schema.is_a("Person") and other_schema.is_a("Person")
    edge_id = derived_id(record.id, "rel", mention.relationship, mention.name)
    if mention.kind == "family" and both_people:
        # FtM: ``relationship`` is what the relative is to the person.
        edge = make_entity("Family", edge_id)
        holder, counterpart = (source.id, other_id) if mention.target_holds_role else (other_id, source.id)
        link(edge, "person", counterpart)
        link(edge, "relative", holder)
    elif mention.kind == "associate" and both_people:
        edge = make_entity("Associate", edge_id)
        link(edge, "person", source.id)
        link(edge, "associate", other_id)
    else:
        edge = make_entity("UnknownLink", edge_id)
        link(edge, "subject", source.id)
        link(edge, "object", other_id)
        put(edge, "role", mention.relationship)
    if edge.schema.get("relationship"):
        put(edge, "relationship", mention.relationship)
    put(edge, "description", mention.text)
    extras.append(edge)
    return extras
