"""Relations between canonical entities, and the unlisted parties that remarks name.

A source record's relation edges (Family, Associate, UnknownLink, Ownership, ...) point
at another record of the same list or at an unlisted party the parser derived from a
remark ("Brother of Bashar Al Asad"). After clustering, record endpoints map to their
canonical entities; a party is matched by name to a listed canonical entity when one
entity clearly fits, and otherwise becomes (with other mentions of the same name) an
"unlisted" canonical entity, which gap analysis reports.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from smartsanctions.consolidate.blocking import record_keys
from smartsanctions.consolidate.features import ANY, PERSON, RecordFeatures, extract
from smartsanctions.consolidate.load import SourceRecord
from smartsanctions.consolidate.namescore import best_names
from smartsanctions.store.views import EDGE_ENDS

PARTY_MARK = ":party-"
# Prose that a remark's name capture may have run into ("Bashar al-Assad on strategic questions").
_TRAILING_CLAUSE = re.compile(r"\s+(?:on|for|in|at|during|since|until|from|who|whose|regarding)\s+", re.IGNORECASE)
PARTY_MATCH_AT = 0.92
PARTY_MARGIN = 0.02
MAX_CANDIDATES = 400


@dataclass
class Party:
    party_id: str
    record_index: int  # the record that names it
    features: RecordFeatures


@dataclass
class RelationRow:
    subject: str
    object: str
    kind: str
    relationship: str
    evidence: list[dict[str, Any]] = field(default_factory=list)


def collect_parties(records: Sequence[SourceRecord]) -> list[Party]:
    parties = []
    seen: set[str] = set()
    for index, record in enumerate(records):
        for entity in record.entities[1:]:
            if PARTY_MARK not in entity["id"] or entity["id"] in seen:
                continue
            seen.add(entity["id"])
            names = entity["properties"].get("name") or [entity["id"]]
            cut = [c for c in (_TRAILING_CLAUSE.split(n, maxsplit=1)[0].strip() for n in names) if c not in names]
            props = {**entity["properties"], "alias": cut} if cut else entity["properties"]
            feats = extract(
                entity["id"], record.list_id, record.authority, record.version_id, entity["schema"],
                names[0], record.current, [{**entity, "properties": props}],
            )
            parties.append(Party(entity["id"], index, feats))
    return parties


def _name_parts(f: RecordFeatures) -> int:
    return max((sum(1 for p in n.parts if p.kind == "name") for n in f.analysed), default=0)


def match_parties(
    parties: Sequence[Party], features: Sequence[RecordFeatures], cluster_of: Sequence[int]
) -> dict[str, int]:
    """party ID -> index of the listed cluster it names, for the parties that clearly name one."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(features):
        for key in record_keys(f, use_un_refs=False):
            if not key.startswith("id|"):
                blocks[key].append(i)
    matched: dict[str, int] = {}
    for party in parties:
        pf = party.features
        if _name_parts(pf) < 2:
            continue  # a single name ("Asma") is too weak to resolve across lists
        keys = record_keys(pf, use_un_refs=False)
        candidates: set[int] = set()
        for key in keys:
            for alt in _kind_variants(key):
                members = blocks.get(alt, ())
                if len(members) <= MAX_CANDIDATES:
                    candidates.update(members)
        own = cluster_of[party.record_index]
        ordered = sorted(
            c for c in candidates if cluster_of[c] != own and _kinds_fit(pf.kind, features[c].kind)
        )
        if not ordered:
            continue
        scores = best_names(pf.analysed, [features[c].analysed for c in ordered])
        per_cluster: dict[int, float] = {}
        for c, best in zip(ordered, scores, strict=True):
            k = cluster_of[c]
            per_cluster[k] = max(per_cluster.get(k, 0.0), best.score)
        ranked = sorted(per_cluster.items(), key=lambda kv: (-kv[1], kv[0]))
        top_cluster, top = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if top >= PARTY_MATCH_AT and runner_up < top - PARTY_MARGIN:
            matched[party.party_id] = top_cluster
    return matched


def _kind_variants(key: str) -> list[str]:
    if key.startswith("x:"):
        rest = key[2:]
        return [key, "person:" + rest, "org:" + rest]
    if key.startswith(("person:", "org:")):
        return [key, "x:" + key.split(":", 1)[1]]
    return [key]


def _kinds_fit(party_kind: str, record_kind: str) -> bool:
    if party_kind == ANY or record_kind == ANY:
        return record_kind in (PERSON, "org", ANY) and party_kind in (PERSON, "org", ANY)
    return party_kind == record_kind


def group_unlisted(parties: Sequence[Party], matched: Mapping[str, int]) -> list[list[str]]:
    """Parties no listed entity fits, grouped by kind and the parts of their name."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for party in parties:
        if party.party_id in matched:
            continue
        f = party.features
        key = " ".join(sorted(p.text for n in f.analysed[:1] for p in n.parts)) or party.party_id
        groups[(f.kind, key)].append(party.party_id)
    return sorted((sorted(ids) for ids in groups.values()), key=lambda g: g[0])


def build_relations(records: Sequence[SourceRecord], canonical_of: Mapping[str, str]) -> list[RelationRow]:
    """Every relation edge of every record, with both ends mapped to canonical IDs."""
    rows: dict[tuple[str, str, str, str], RelationRow] = {}
    for record in records:
        for entity in record.entities[1:]:
            ends = EDGE_ENDS.get(entity["schema"])
            if ends is None:
                continue
            props = entity["properties"]
            left = (props.get(ends[0]) or [None])[0]
            right = (props.get(ends[1]) or [None])[0]
            subject = canonical_of.get(left or "")
            obj = canonical_of.get(right or "")
            if subject is None or obj is None or subject == obj:
                continue
            relationship = (props.get("relationship") or props.get("role") or [ends[2]])[0].lower()
            key = (subject, obj, ends[2], relationship)
            row = rows.get(key)
            if row is None:
                row = rows[key] = RelationRow(subject, obj, ends[2], relationship)
            row.evidence.append(
                {
                    "record": record.record_id,
                    "list": record.list_id,
                    "edge": entity["id"],
                    "from": left,
                    "to": right,
                    "text": (props.get("description") or [None])[0],
                }
            )
    return [rows[k] for k in sorted(rows)]
