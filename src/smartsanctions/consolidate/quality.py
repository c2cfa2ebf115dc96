"""Linkage quality against the authorities' own cross-references: cited UN reference numbers.

UK, EU, Canadian and Australian entries that implement a UN listing cite its reference
number (``(UN Ref):QDi.276``). Those citations are ground truth written by the
authorities: every entry citing a reference belongs with the UN entry of that number,
and entries citing different numbers are different parties. Run consolidation with
``use_un_refs=False`` first so that the matcher has not seen the truth.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from itertools import combinations
from typing import Any

from sqlalchemy import Connection, select

from smartsanctions.consolidate.features import un_refs_of
from smartsanctions.consolidate.load import load_records
from smartsanctions.store.schema import canonical_referent


@dataclass
class LinkageQuality:
    records_with_refs: int = 0
    un_entries: int = 0
    citing_entries: int = 0
    true_pairs: int = 0
    predicted_pairs: int = 0
    correct_pairs: int = 0
    precision: float = 1.0
    recall: float = 1.0
    # Citing entries whose UN entry is in the store, and how many landed with it.
    citing_with_un_entry: int = 0
    citing_linked_to_un_entry: int = 0
    false_merges: list[dict[str, Any]] = field(default_factory=list)
    missed: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def un_ref_linkage(conn: Connection, examples: int = 20) -> LinkageQuality:
    """Pairwise precision and recall of the stored canonical entities on UN-referenced records."""
    canonical = {row.record_id: row.canonical_id for row in conn.execute(select(canonical_referent))}
    refs: dict[str, frozenset[str]] = {}
    captions: dict[str, str] = {}
    for record in load_records(conn):
        found = un_refs_of(record.entities)
        if found and record.record_id in canonical:
            refs[record.record_id] = frozenset(found)
            captions[record.record_id] = record.caption
    q = LinkageQuality(records_with_refs=len(refs))
    q.un_entries = sum(1 for r in refs if r.startswith("un-sc:"))
    q.citing_entries = len(refs) - q.un_entries
    by_cluster: dict[str, list[str]] = defaultdict(list)
    by_ref: dict[str, list[str]] = defaultdict(list)
    for record_id, cited in sorted(refs.items()):
        by_cluster[canonical[record_id]].append(record_id)
        for ref in cited:
            by_ref[ref].append(record_id)
    predicted = {p for members in by_cluster.values() for p in combinations(sorted(members), 2)}
    truth = {p for members in by_ref.values() for p in combinations(sorted(members), 2)}
    q.true_pairs, q.predicted_pairs = len(truth), len(predicted)
    q.correct_pairs = len(truth & predicted)
    q.precision = q.correct_pairs / q.predicted_pairs if q.predicted_pairs else 1.0
    q.recall = q.correct_pairs / q.true_pairs if q.true_pairs else 1.0
    for a, b in sorted(predicted - truth)[:examples]:
        q.false_merges.append(
            {"left": a, "right": b, "left_refs": sorted(refs[a]), "right_refs": sorted(refs[b]),
             "left_caption": captions[a], "right_caption": captions[b], "canonical": canonical[a]}
        )
    for a, b in sorted(truth - predicted)[:examples]:
        q.missed.append(
            {"left": a, "right": b, "refs": sorted(refs[a] & refs[b]), "left_caption": captions[a],
             "right_caption": captions[b]}
        )
    for record_id, cited in refs.items():
        if record_id.startswith("un-sc:"):
            continue
        un_ids = [f"un-sc:{ref}" for ref in cited if f"un-sc:{ref}" in canonical]
        if un_ids:
            q.citing_with_un_entry += 1
            if any(canonical[u] == canonical[record_id] for u in un_ids):
                q.citing_linked_to_un_entry += 1
    return q
