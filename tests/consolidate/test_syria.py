"""The Syria case: Bashar al-Assad as one canonical record across US, EU, UK, Canadian and
Australian lists, with his relatives resolved to canonical entities."""

from __future__ import annotations

import io
import json
from typing import Any

from followthemoney import model
from sqlalchemy import Engine, select

from smartsanctions.consolidate.export import write_canonical_csv, write_canonical_ftm
from smartsanctions.consolidate.run import ConsolidationSummary, consolidate
from smartsanctions.consolidate.views import canonical_view, find_canonical
from smartsanctions.store.schema import canonical_referent

# Bashar al-Assad's entries, as each list identifies him (checked in the files).
BASHAR = ("us-sdn:12735", "eu-fsf:EU.2437.5", "gb-ofsi:11928")


def _bashar(syria_store: tuple[Engine, ConsolidationSummary]) -> dict[str, Any]:
    engine, _summary = syria_store
    with engine.connect() as conn:
        view = canonical_view(conn, "gb-ofsi:11928")
    assert view is not None
    return view


def test_bashar_is_one_record_with_every_authority(syria_store: tuple[Engine, ConsolidationSummary]) -> None:
    view = _bashar(syria_store)
    assert set(BASHAR) <= set(view["referents"])
    assert {"au", "ca", "eu", "gb", "us"} <= set(view["authorities"])
    assert any(r.startswith("ca-sema:") for r in view["referents"])
    assert any(r.startswith("au-dfat:") for r in view["referents"])
    # Measures and dates per authority, as the lists state them.
    assert view["authorities"]["gb"]["measures"] == ["asset_freeze", "travel_ban"]
    assert view["authorities"]["gb"]["since"] == "2011-05-24"
    assert view["authorities"]["eu"]["programmes"] == ["SYR"]
    assert "asset_freeze" in view["authorities"]["us"]["measures"]
    assert "SYRIA" in view["authorities"]["us"]["programmes"]
    for code in ("au", "ca", "eu", "gb", "us"):
        assert view["authorities"][code]["since"], code
    assert "1965-09-11" in view["properties"]["birthDate"]
    # Every merge is explained.
    assert len(view["merge_evidence"]) == len(view["referents"]) - 1
    assert all("name" in e["features"] for e in view["merge_evidence"] if e["reason"] == "score")


def test_bashar_relatives_are_canonical_entities(syria_store: tuple[Engine, ConsolidationSummary]) -> None:
    view = _bashar(syria_store)
    family = {(r["other_caption"] or "").lower(): r for r in view["relations"] if r["kind"] == "family"}
    asma = next(r for name, r in family.items() if "asma" in name)
    maher = next(r for name, r in family.items() if "mahir" in name or "maher" in name)
    assert asma["relationship"] == "wife"
    assert maher["relationship"] == "brother"
    engine, _ = syria_store
    with engine.connect() as conn:
        asma_view = canonical_view(conn, asma["other_id"])
        maher_view = canonical_view(conn, maher["other_id"])
    assert asma_view is not None and maher_view is not None
    # Both are listed by several authorities themselves, each as one canonical record.
    assert {"eu", "gb", "us"} <= set(asma_view["authorities"])
    assert {"eu", "gb", "us"} <= set(maher_view["authorities"])
    # Seen from Maher's side, the relation is named the other way round.
    back = [r for r in maher_view["relations"] if r["other_id"] == view["id"]]
    assert back and back[0]["relation"] == "brother of"
    assert "family" in maher_view["pillars"]
    assert "military" in maher_view["pillars"]


def test_bashar_pillars_and_provenance(syria_store: tuple[Engine, ConsolidationSummary]) -> None:
    view = _bashar(syria_store)
    government = view["pillars"]["government"]
    assert any("President" in e["text"] for e in government)
    assert all({"field", "record", "list"} <= set(e) for e in government if e["source"] == "text")
    births = {p["value"]: p for p in view["value_provenance"]["birthDate"]}
    assert {"gb-ofsi", "eu-fsf"} <= set(births["1965-09-11"]["lists"])
    assert births["1965-09-11"]["snapshots"]
    assert "gb-ofsi:11928" in view["value_sources"]["birthDate"]["1965-09-11"]
    assert {p["record"] for p in view["provenance"]} == set(view["referents"])


def test_find_and_show_by_name(syria_store: tuple[Engine, ConsolidationSummary]) -> None:
    engine, _ = syria_store
    with engine.connect() as conn:
        hits = find_canonical(conn, "bashar assad")
        view = canonical_view(conn, "us-sdn:12735")
    assert view is not None
    assert hits[0][0] == view["id"]


def test_export_loads_in_followthemoney(syria_store: tuple[Engine, ConsolidationSummary]) -> None:
    engine, summary = syria_store
    handle = io.StringIO()
    with engine.connect() as conn:
        count = write_canonical_ftm(conn, handle)
        bashar_id = conn.execute(
            select(canonical_referent.c.canonical_id).where(canonical_referent.c.record_id == "gb-ofsi:11928")
        ).scalar()
    lines = handle.getvalue().splitlines()
    assert count == len(lines) > summary.canonical_entities
    schemata = set()
    for line in lines:
        data = json.loads(line)
        proxy = model.get_proxy(data)
        assert proxy.id == data["id"]
        schemata.add(proxy.schema.name)
        if data["id"] == bashar_id:
            assert set(BASHAR) <= set(data["referents"])
            assert {"us-sdn", "eu-fsf", "gb-ofsi"} <= set(data["datasets"])
            assert proxy.get("birthDate") == ["1965-09-11"]
    assert {"Person", "Sanction", "Family"} <= schemata
    family = [json.loads(line) for line in lines if '"schema": "Family"' in line]
    # References survive FtM's cleaning (canonical IDs carry no ':').
    assert all(model.get_proxy(f, cleaned=False).get("person") for f in family)
    csv_handle = io.StringIO()
    with engine.connect() as conn:
        assert write_canonical_csv(conn, csv_handle) > summary.canonical_entities


def test_rerun_keeps_every_id_and_scores_nothing_new(syria_store: tuple[Engine, ConsolidationSummary]) -> None:
    engine, first = syria_store
    with engine.connect() as conn:
        before = {r.record_id: r.canonical_id for r in conn.execute(select(canonical_referent))}
    second = consolidate(engine)
    with engine.connect() as conn:
        after = {r.record_id: r.canonical_id for r in conn.execute(select(canonical_referent))}
    assert after == before
    assert second.pairs_scored == 0
    assert second.pairs_from_cache == first.candidate_pairs
    assert second.ids_new == 0
