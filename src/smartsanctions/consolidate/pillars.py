"""Placing entities in the pillars of a regime, with the evidence for each placement.

Pillars: government, military, security, economic, family. Text evidence comes from the
keyword table ``data/pillars.yml`` matched against positions, titles, remarks and listing
reasons (and organisations' names); relation evidence from the canonical relations: a
relative of a listed leader is in the family pillar, anyone linked to, owning or directing
a listed economic actor is in the economic pillar.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PILLARS = ("government", "military", "security", "economic", "family")
LEADER_PILLARS = frozenset({"government", "military", "security"})
_DATA = Path(__file__).resolve().parent / "data" / "pillars.yml"
# Fields read for keywords; names only for organisations ("Syrian Arab Army", "Cham Holding").
TEXT_FIELDS = ("position", "title", "notes", "reason", "sector", "program_reason")
SNIPPET = 60
_FAMILY_PHRASE = re.compile(
    r"\b(?:brother|sister|son|daughter|wife|husband|spouse|father|mother|cousin|uncle|aunt|nephew|niece|"
    r"widow|relative)(?:-in-law)?\s+(?:of|to)\s+(?:the\s+)?(?:late\s+)?(?:former\s+)?"
    r"(?:president|prime minister|minister|general|brigadier|colonel)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TextEvidence:
    field: str
    text: str
    record_id: str
    list_id: str


@lru_cache(maxsize=1)
def patterns() -> dict[str, re.Pattern[str]]:
    raw = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    out = {}
    for pillar in PILLARS:
        alternatives = "|".join(f"(?:{p})" for p in raw.get(pillar, []))
        out[pillar] = re.compile(rf"\b(?:{alternatives})", re.IGNORECASE)
    return out


def _snippet(text: str, start: int, end: int) -> str:
    left = max(0, start - SNIPPET)
    right = min(len(text), end + SNIPPET)
    return ("…" if left else "") + text[left:right].strip() + ("…" if right < len(text) else "")


def text_pillars(items: Iterable[TextEvidence], is_org: bool) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    seen: set[tuple[str, str, str]] = set()
    for item in items:
        if item.field == "name" and not is_org:
            continue
        # "Wife of President ..." says nothing of the wife's office: the other pillars
        # are looked for in the text with such family phrases blanked out.
        family = patterns()["family"]
        blanked = _FAMILY_PHRASE.sub(lambda m: " " * len(m.group(0)), item.text)
        for pillar, pattern in patterns().items():
            match = pattern.search(item.text if pattern is family else blanked)
            if match is None:
                continue
            key = (pillar, item.field, match.group(0).lower())
            if key in seen:
                continue
            seen.add(key)
            found[pillar].append(
                {
                    "source": "text",
                    "field": item.field,
                    "matched": match.group(0),
                    "text": _snippet(item.text, match.start(), match.end()),
                    "record": item.record_id,
                    "list": item.list_id,
                }
            )
    return dict(found)


@dataclass(frozen=True)
class RelationFact:
    kind: str  # family | associate | link | ownership | membership | directorship
    relationship: str
    other_id: str
    statement: str
    records: tuple[str, ...]
    # True when this entity is the edge's second end: the relative in a Family edge
    # (the one who *is* the <relationship> of the other), the object of a link.
    is_object: bool = False


def relation_pillars(
    pillars: Mapping[str, Mapping[str, Sequence[Any]]],
    relations: Mapping[str, Sequence[RelationFact]],
    listed: Mapping[str, bool],
    kinds: Mapping[str, str],
    captions: Mapping[str, str],
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Pillars that follow from relations to listed entities already placed by text."""
    out: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for entity_id, facts in relations.items():
        for fact in facts:
            other_pillars = set(pillars.get(fact.other_id, {}))
            if not listed.get(fact.other_id, False):
                continue
            evidence = {
                "source": "relation",
                "relation": fact.relationship,
                "other": fact.other_id,
                "other_caption": captions.get(fact.other_id),
                "text": fact.statement,
                "records": list(fact.records),
            }
            other_kind = kinds.get(fact.other_id)
            # A relative of a listed leader (not the leader, for being someone's relative).
            if fact.kind == "family" and fact.is_object and other_kind == "person" and other_pillars & LEADER_PILLARS:
                out[entity_id]["family"].append(evidence)
            # Linked to, owning or directing a listed economic actor.
            if (
                fact.kind in ("link", "ownership", "directorship")
                and not fact.is_object
                and other_kind != "person"
                and "economic" in other_pillars
            ):
                out[entity_id]["economic"].append(evidence)
    return {k: dict(v) for k, v in out.items()}
