"""Clustering scored pairs into entities, under must-link and cannot-link constraints.

People's judgements come first: "same" pairs are joined unconditionally (unless that
would join a "not same" pair), then scored pairs are joined strongest first. A join is
refused when it would put into one cluster two records that a person judged "not same",
two records of the same list (unless the pair's evidence is overwhelming), records citing different UN references, records of
incompatible schemata, or two records whose features contradict each other (different
birth dates or genders). The order is fixed (score, then IDs), so the outcome is
deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from smartsanctions.consolidate.features import RecordFeatures, common_schema
from smartsanctions.consolidate.scoring import same_list_threshold


@dataclass
class Edge:
    left: int
    right: int
    score: float
    reason: str  # "score" | "judgement"
    features: dict[str, object] = field(default_factory=dict)


@dataclass
class _Cluster:
    members: list[int]
    lists: set[str]
    un_refs: set[str]
    schema: str


@dataclass
class Clustering:
    clusters: list[list[int]]  # member indices, each sorted; clusters sorted by first member
    edges: list[Edge]  # the edges that joined something
    refused: list[tuple[Edge, str]]  # strong edges refused, and why
    conflicts: list[str]  # judgements that could not be honoured together


class _Clusterer:
    def __init__(
        self,
        features: Sequence[RecordFeatures],
        not_same: set[tuple[int, int]],
        contradictions: set[tuple[int, int]],
        use_un_refs: bool,
    ) -> None:
        self.features = features
        self.not_same = not_same
        self.contradictions = contradictions
        self.use_un_refs = use_un_refs
        self.parent = list(range(len(features)))
        self.clusters: dict[int, _Cluster] = {
            i: _Cluster([i], {f.list_id}, set(f.un_refs) if use_un_refs else set(), f.schema)
            for i, f in enumerate(features)
        }

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def _pairs(self, x: _Cluster, y: _Cluster) -> Iterable[tuple[int, int]]:
        for a in x.members:
            for b in y.members:
                yield (a, b) if a < b else (b, a)

    def conflict(self, rx: int, ry: int, judged: bool, edge: Edge | None = None) -> str | None:
        x, y = self.clusters[rx], self.clusters[ry]
        pairs = list(self._pairs(x, y))
        if any(p in self.not_same for p in pairs):
            return "judged not the same"
        if judged:
            return None
        if x.lists & y.lists and (
            edge is None
            or edge.score < same_list_threshold(self.features[edge.left], self.features[edge.right])
            or not self._duplicates_only(x, y, edge)
        ):
            return "same list"
        if x.un_refs and y.un_refs and not (x.un_refs & y.un_refs):
            return "different UN references"
        if common_schema(x.schema, y.schema) is None:
            return "incompatible schemata"
        if any(p in self.contradictions for p in pairs):
            return "contradicting birth date or gender"
        return None

    def _duplicates_only(self, x: _Cluster, y: _Cluster, edge: Edge) -> bool:
        """A join of clusters that share a list is allowed only through a strong edge
        between two entries of one list (a list's duplicate entries of one party)."""
        left, right = self.features[edge.left], self.features[edge.right]
        return left.list_id == right.list_id

    def union(self, rx: int, ry: int) -> None:
        if rx > ry:
            rx, ry = ry, rx
        x, y = self.clusters[rx], self.clusters.pop(ry)
        self.parent[ry] = rx
        x.members.extend(y.members)
        x.lists |= y.lists
        x.un_refs |= y.un_refs
        x.schema = common_schema(x.schema, y.schema) or x.schema


def cluster(
    features: Sequence[RecordFeatures],
    edges: Sequence[Edge],
    same: Sequence[tuple[int, int]],
    not_same: Iterable[tuple[int, int]],
    contradictions: Iterable[tuple[int, int]],
    use_un_refs: bool,
) -> Clustering:
    norm = {(min(a, b), max(a, b)) for a, b in not_same}
    c = _Clusterer(features, norm, {(min(a, b), max(a, b)) for a, b in contradictions}, use_un_refs)
    used: list[Edge] = []
    refused: list[tuple[Edge, str]] = []
    conflicts: list[str] = []
    for a, b in sorted({(min(a, b), max(a, b)) for a, b in same}):
        ra, rb = c.find(a), c.find(b)
        if ra == rb:
            continue
        why = c.conflict(ra, rb, judged=True)
        if why:
            conflicts.append(
                f"'same' judgement {features[a].record_id} = {features[b].record_id} not applied: {why}"
            )
            continue
        c.union(ra, rb)
        used.append(Edge(a, b, float("inf"), "judgement"))
    for edge in sorted(edges, key=lambda e: (-e.score, e.left, e.right)):
        ra, rb = c.find(edge.left), c.find(edge.right)
        if ra == rb:
            continue
        why = c.conflict(ra, rb, judged=False, edge=edge)
        if why:
            refused.append((edge, why))
            continue
        c.union(ra, rb)
        used.append(edge)
    clusters = sorted((sorted(cl.members) for cl in c.clusters.values()), key=lambda m: m[0])
    return Clustering(clusters, used, refused, conflicts)
