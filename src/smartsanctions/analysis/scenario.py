"""Harmonisation scenarios: "if authority X adopted authority Y's designations for programme P".

The answer: the targets X would have to add (Y lists them under P, X does not), each with
what Y published about it (its programme, measures, listing date, legal basis, reasons,
remarks, positions, from the record versions in force at the date); which of those X
already lists under another programme; and the coverage before and after, overall and per
pillar.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from smartsanctions.analysis.coverage import PILLARS, Matrix, build_matrix
from smartsanctions.analysis.state import _loads
from smartsanctions.store.schema import record_version

_EVIDENCE_PROPS = ("notes", "position", "title")
_SANCTION_PROPS = ("program", "provisions", "listingDate", "startDate", "summary", "reason", "sourceUrl", "authorityId")


def _published(conn: Connection, version_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """What each record version states: the target's remarks and positions, its Sanctions."""
    out: dict[int, dict[str, Any]] = {}
    ids = sorted(set(version_ids))
    for start in range(0, len(ids), 2000):
        query = select(record_version.c.id, record_version.c.record_id, record_version.c.entities).where(
            record_version.c.id.in_(ids[start : start + 2000])
        )
        for version_id, record_id, entities in conn.execute(query):
            parsed = _loads(entities)
            target = parsed[0]["properties"] if parsed else {}
            out[version_id] = {
                "record": record_id,
                **{p: target.get(p, []) for p in _EVIDENCE_PROPS if target.get(p)},
                "sanctions": [
                    {p: e["properties"][p] for p in _SANCTION_PROPS if e["properties"].get(p)}
                    for e in parsed[1:]
                    if e.get("schema") == "Sanction"
                ],
            }
    return out


def _pillar_counts(matrix: Matrix, adopter: str, added: set[str]) -> dict[str, Any]:
    out = {}
    for pillar in PILLARS:
        known = [t for t in matrix.targets if pillar in matrix.pillars(t)]
        before = sum(1 for t in known if adopter in matrix.cells[t])
        after = before + sum(1 for t in known if t in added)
        out[pillar] = {
            "known": len(known),
            "before": before,
            "after": after,
            "share_before": round(before / len(known), 4) if known else None,
            "share_after": round(after / len(known), 4) if known else None,
        }
    return out


def adopt(
    conn: Connection,
    adopter: str,
    source: str,
    program: str | None,
    *,
    as_of: date | str | None = None,
    authorities: Sequence[str] | None = None,
) -> dict[str, Any]:
    """What ``adopter`` would add to take over ``source``'s designations under ``program``."""
    adopter, source = adopter.strip().lower(), source.strip().lower()
    if adopter == source:
        raise ValueError("the adopting authority and the source authority are the same")
    columns = list(dict.fromkeys([*(authorities or []), adopter, source])) if authorities else None
    matrix = build_matrix(conn, program=program, authorities=columns, as_of=as_of)
    if adopter not in matrix.authorities or source not in matrix.authorities:
        matrix = build_matrix(conn, program=program, authorities=[*matrix.authorities, adopter, source], state=matrix.state)
    state = matrix.state
    to_add = [t for t in matrix.targets if source in matrix.cells[t] and adopter not in matrix.cells[t]]
    both = sum(1 for t in matrix.targets if source in matrix.cells[t] and adopter in matrix.cells[t])
    adopter_before = sum(1 for t in matrix.targets if adopter in matrix.cells[t])
    source_total = sum(1 for t in matrix.targets if source in matrix.cells[t])
    by_record = {p.record_id: p for p in state.presences}
    versions = [by_record[r].version_id for t in to_add for r in matrix.cells[t][source].records if r in by_record]
    published = _published(conn, versions)
    additions: list[dict[str, Any]] = []
    for t in to_add:
        cell = matrix.cells[t][source]
        info = state.entity(t)
        other = sorted(matrix.elsewhere.get(t, {}).get(adopter, ()))
        additions.append(
            {
                "id": t,
                "caption": info.caption,
                "schema": info.schema,
                "pillars": list(matrix.pillars(t)),
                "source_cell": cell.to_json(),
                "adopter_lists_under_other_programmes": other,
                "also_listed_by": [a for a in matrix.authorities if a not in (adopter, source) and a in matrix.cells[t]],
                "evidence": [
                    published[by_record[r].version_id] for r in sorted(cell.records) if r in by_record and by_record[r].version_id in published
                ],
            }
        )
    additions.sort(key=lambda a: (a["source_cell"]["since"] or "9999", a["caption"].casefold()))
    added = set(to_add)
    union_before = sum(1 for t in matrix.targets if any(a in matrix.cells[t] for a in matrix.authorities))
    return {
        "as_of": state.as_of.isoformat(),
        "adopter": adopter,
        "source": source,
        "program": matrix.filters["program"],
        "authorities": matrix.authorities,
        "data_as_of": state.data_as_of(matrix.authorities),
        "coverage": {
            "adopter_before": adopter_before,
            "adopter_after": adopter_before + len(to_add),
            "source": source_total,
            "shared_before": both,
            "to_add": len(to_add),
            "already_listed_elsewhere": sum(1 for a in additions if a["adopter_lists_under_other_programmes"]),
            "targets_in_view": union_before,
            "adopter_share_before": round(adopter_before / union_before, 4) if union_before else None,
            "adopter_share_after": round((adopter_before + len(to_add)) / union_before, 4) if union_before else None,
        },
        "pillars": _pillar_counts(matrix, adopter, added),
        "to_add": additions,
    }
