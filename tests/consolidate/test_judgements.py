"""Judgements change the next run's result, are never overridden, and survive re-imports;
canonical IDs stay stable; UN-reference linkage on real lists (a lighter version of
bench/consolidate_quality.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from smartsanctions.consolidate.judgements import JudgementError, add_judgement, current_judgements
from smartsanctions.consolidate.quality import un_ref_linkage
from smartsanctions.consolidate.run import consolidate
from smartsanctions.store.importer import import_files
from smartsanctions.store.schema import canonical_referent


def _canonical(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {r.record_id: r.canonical_id for r in conn.execute(select(canonical_referent))}


def _groups(mapping: dict[str, str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for record, cid in sorted(mapping.items()):
        out.setdefault(cid, []).append(record)
    return out


def _merged_pair(mapping: dict[str, str]) -> tuple[str, str]:
    """A UN entry and an Australian entry the algorithm put together."""
    for members in _groups(mapping).values():
        un = [m for m in members if m.startswith("un-sc:")]
        au = [m for m in members if m.startswith("au-dfat:")]
        if un and au and len(members) == 3:
            return un[0], au[0]
    raise AssertionError("no merged UN/AU pair found")


def _separate_pair(mapping: dict[str, str]) -> tuple[str, str]:
    """A UN entry and an Australian entry each alone in their canonical entity."""
    groups = _groups(mapping)
    alone = [members[0] for members in groups.values() if len(members) == 1]
    un = next(m for m in alone if m.startswith("un-sc:"))
    au = next(m for m in alone if m.startswith("au-dfat:"))
    return un, au


def test_judgements_change_the_next_run_and_survive_reimport(small_store: Engine, lists_dir: Path) -> None:
    consolidate(small_store)
    first = _canonical(small_store)
    merged = _merged_pair(first)
    apart = _separate_pair(first)
    assert first[merged[0]] == first[merged[1]]
    assert first[apart[0]] != first[apart[1]]

    add_judgement(small_store, merged[0], merged[1], "not_same", "analyst@example.org", "different people")
    add_judgement(small_store, apart[0], apart[1], "same", "analyst@example.org", "test: forced merge")
    # Stored, but nothing changes until the next run.
    assert _canonical(small_store) == first
    summary = consolidate(small_store)
    second = _canonical(small_store)
    assert second[merged[0]] != second[merged[1]]
    assert second[apart[0]] == second[apart[1]]
    assert summary.judgements == 2

    # A newer UN list is imported: the judgements still hold on the next run.
    outcomes = import_files(small_store, [lists_dir / "un" / "2025-12-10_pakote"])
    assert outcomes[0].status == "imported"
    consolidate(small_store)
    third = _canonical(small_store)
    assert third[merged[0]] != third[merged[1]]
    assert third[apart[0]] == third[apart[1]]
    # Unchanged clusters keep their IDs through the re-import.
    unchanged = [r for r in first if r not in merged and r not in apart and r.startswith("au-dfat:")]
    kept = sum(1 for r in unchanged if third.get(r) == first[r])
    assert kept >= 0.99 * len(unchanged)


def test_newest_judgement_on_a_pair_wins(small_store: Engine) -> None:
    consolidate(small_store)
    un, au = _merged_pair(_canonical(small_store))
    add_judgement(small_store, un, au, "not_same", "a")
    add_judgement(small_store, au, un, "same", "b")
    with small_store.connect() as conn:
        judgements = current_judgements(conn)
    assert [(j.left, j.right, j.value) for j in judgements] == [(min(un, au), max(un, au), "same")]
    consolidate(small_store)
    mapping = _canonical(small_store)
    assert mapping[un] == mapping[au]


def test_judgement_by_canonical_id_and_bad_input(small_store: Engine) -> None:
    consolidate(small_store)
    mapping = _canonical(small_store)
    un, au = _merged_pair(mapping)
    canonical_id = mapping[un]
    judgement = add_judgement(small_store, canonical_id, "un-sc:QDi.006", "not same", "c")
    assert judgement.value == "not_same"
    assert judgement.left.startswith(("au-dfat:", "gb-ofsi:", "un-sc:"))
    with pytest.raises(JudgementError):
        add_judgement(small_store, un, "no-such:record", "same", "c")
    with pytest.raises(JudgementError):
        add_judgement(small_store, un, au, "maybe", "c")
    with pytest.raises(JudgementError):
        add_judgement(small_store, un, un, "same", "c")


def test_from_scratch_ids_are_reproducible(small_store_file: Path, tmp_path: Path) -> None:
    from tests.consolidate.conftest import copy_store

    a = copy_store(small_store_file, tmp_path / "a.db")
    b = copy_store(small_store_file, tmp_path / "b.db")
    consolidate(a)
    consolidate(b)
    assert _canonical(a) == _canonical(b)


def test_un_reference_linkage_with_references_withheld(small_store: Engine) -> None:
    summary = consolidate(small_store, use_un_refs=False)
    assert summary.multi_list_entities > 500
    with small_store.connect() as conn:
        quality = un_ref_linkage(conn)
    # UK and Australian entries citing UN references: hundreds of truth pairs.
    assert quality.citing_with_un_entry > 500
    assert quality.precision >= 0.98, quality.false_merges
    assert quality.recall >= 0.95, quality.missed
