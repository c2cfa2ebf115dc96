"""Consolidation pieces on small, hand-made inputs: IDs, clustering constraints, features, pillars."""

from __future__ import annotations

from typing import Any

from smartsanctions.consolidate.blocking import candidate_pairs
from smartsanctions.consolidate.cluster import Edge, cluster
from smartsanctions.consolidate.features import RecordFeatures, extract, name_variants, un_refs_of
from smartsanctions.consolidate.ids import assign_ids, fresh_id
from smartsanctions.consolidate.pillars import TextEvidence, text_pillars
from smartsanctions.consolidate.scoring import MERGE_AT, score_pairs


def _person(record_id: str, names: list[str], **props: Any) -> dict[str, Any]:
    properties: dict[str, list[str]] = {"name": names[:1], "alias": names[1:]}
    for key, value in props.items():
        properties[key] = value if isinstance(value, list) else [value]
    return {"id": record_id, "schema": "Person", "properties": properties}


def _features(record_id: str, names: list[str], extras: list[dict[str, Any]] | None = None, **props: Any) -> RecordFeatures:
    list_id = record_id.split(":", 1)[0]
    entities = [_person(record_id, names, **props), *(extras or [])]
    return extract(record_id, list_id, list_id.split("-")[0], abs(hash(record_id)) % 10**6, "Person", names[0], True, entities)


def test_fresh_ids_are_deterministic_and_prefixed() -> None:
    assert fresh_id("un-sc:QDi.317") == fresh_id("un-sc:QDi.317")
    assert fresh_id("un-sc:QDi.317").startswith("ss-")
    assert fresh_id("un-sc:QDi.317") != fresh_id("un-sc:QDi.336")


def test_cluster_keeps_previous_id_when_it_keeps_most_referents() -> None:
    previous = {"a:1": "ss-old", "b:1": "ss-old", "c:1": "ss-old"}
    ids = assign_ids([["a:1", "b:1"], ["c:1"]], previous)
    assert ids[0] == "ss-old"
    assert ids[1] == fresh_id("c:1")


def test_split_in_half_gives_the_old_id_to_one_side_only() -> None:
    previous = {"a:1": "ss-old", "b:1": "ss-old"}
    ids = assign_ids([["a:1"], ["b:1"]], previous)
    assert ids.count("ss-old") == 1
    assert len(set(ids)) == 2


def test_new_cluster_does_not_steal_an_id_still_in_use() -> None:
    # b:1's fresh ID was the old ID of a cluster that a:0 now carries on.
    taken = fresh_id("b:1")
    previous = {"a:0": taken, "b:1": taken, "a:2": taken}
    ids = assign_ids([["a:0", "a:2"], ["b:1"]], previous)
    assert ids[0] == taken
    assert ids[1] != taken


def test_un_references_from_sanction_and_uk_remarks() -> None:
    uk = _person("gb-ofsi:1", ["X"], notes="(UK Sanctions List Ref):AQD0001. (UN Ref):QDi.6. Associated with QDe.004")
    sanction = {"id": "s", "schema": "Sanction", "properties": {"unscId": ["QDi.317"]}}
    assert un_refs_of([uk]) == {"QDi.006"}
    assert un_refs_of([_person("un-sc:QDi.317", ["Y"]), sanction]) == {"QDi.317"}


def test_name_variants_drop_acronyms_but_not_branch_names() -> None:
    assert "GLOBAL RELIEF FOUNDATION" in name_variants("GLOBAL RELIEF FOUNDATION (GRF)")
    assert name_variants("AL-HARAMAIN (BANGLADESH BRANCH)") == ["AL-HARAMAIN (BANGLADESH BRANCH)"]


def _scored(features: list[RecordFeatures]) -> dict[tuple[int, int], float]:
    pairs = sorted(candidate_pairs(features, use_un_refs=False))
    return {(p.left, p.right): p.score for p in score_pairs(features, pairs)}


def test_transliterated_names_with_same_birth_date_merge() -> None:
    features = [
        _features("gb-ofsi:1", ["Bashar AL-ASSAD", "بشار حافظ الأسد"], birthDate="1965-09-11", gender="male"),
        _features("us-sdn:1", ["AL-ASAD, Bashar"], birthDate="1965-09-11"),
        _features("eu-fsf:1", ["Maher AL-ASSAD"], birthDate="1968-12-08", gender="male"),
    ]
    scores = _scored(features)
    assert scores[(0, 1)] >= MERGE_AT
    assert scores.get((0, 2), -10.0) < MERGE_AT
    assert scores.get((1, 2), -10.0) < MERGE_AT


def test_conflicting_birth_dates_pull_a_pair_down() -> None:
    features = [
        _features("gb-ofsi:1", ["Mohammed Ali HASSAN"], birthDate="1960-01-01"),
        _features("us-sdn:1", ["Mohamed Ali HASAN"], birthDate="1982-05-05"),
    ]
    assert _scored(features).get((0, 1), -10.0) < MERGE_AT


def _edge(a: int, b: int, score: float = 2.0) -> Edge:
    return Edge(a, b, score, "score")


def test_clustering_honours_judgements_and_list_constraints() -> None:
    f = [
        _features("gb-ofsi:1", ["A B"]),
        _features("us-sdn:1", ["A B"]),
        _features("gb-ofsi:2", ["A B"]),
        _features("eu-fsf:1", ["A B"]),
    ]
    # 0-1 and 1-2 scored: 2 cannot join 0's cluster (same list as 0).
    result = cluster(f, [_edge(0, 1), _edge(1, 2)], same=[], not_same=[], contradictions=[], use_un_refs=True)
    assert [0, 1] in result.clusters and [2] in result.clusters
    # "not same" forbids what the score would do; "same" forces what it would not.
    result = cluster(f, [_edge(0, 1)], same=[(2, 3)], not_same=[(0, 1)], contradictions=[], use_un_refs=True)
    assert [0] in result.clusters and [1] in result.clusters and [2, 3] in result.clusters
    assert any(e.reason == "judgement" for e in result.edges)


def test_clustering_refuses_different_un_references_only_when_used() -> None:
    f = [
        _features("gb-ofsi:1", ["A B"], notes="(UN Ref):QDi.001"),
        _features("eu-fsf:1", ["A B"], extras=[{"id": "s", "schema": "Sanction", "properties": {"unscId": ["QDi.002"]}}]),
    ]
    assert cluster(f, [_edge(0, 1)], [], [], [], use_un_refs=True).clusters == [[0], [1]]
    assert cluster(f, [_edge(0, 1)], [], [], [], use_un_refs=False).clusters == [[0, 1]]


def test_contradiction_blocks_a_transitive_merge() -> None:
    f = [_features("gb-ofsi:1", ["A B"]), _features("us-sdn:1", ["A B"]), _features("eu-fsf:1", ["A B"])]
    result = cluster(f, [_edge(0, 1, 3.0), _edge(1, 2, 2.0)], [], [], contradictions=[(0, 2)], use_un_refs=True)
    assert [0, 1] in result.clusters and [2] in result.clusters
    assert result.refused and "contradicting" in result.refused[0][1]


def test_text_pillars_name_the_evidence() -> None:
    items = [
        TextEvidence("position", "Commander of the 4th Armoured Division", "eu-fsf:1", "eu-fsf"),
        TextEvidence("notes", "Head of the Air Force Intelligence branch", "gb-ofsi:1", "gb-ofsi"),
    ]
    found = text_pillars(items, is_org=False)
    assert set(found) >= {"military", "security"}
    assert found["military"][0]["field"] == "position"
    assert found["security"][0]["record"] == "gb-ofsi:1"
    assert "government" not in found


def test_wife_of_the_president_is_family_not_government() -> None:
    items = [TextEvidence("position", "Wife of President Bashar Al-Assad", "gb-ofsi:1", "gb-ofsi")]
    found = text_pillars(items, is_org=False)
    assert "family" in found
    assert "government" not in found
