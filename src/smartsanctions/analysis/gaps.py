"""Gaps in the patchwork: who lists a target that others do not, and for how long.

Three answers, from one coverage matrix:
- **gaps**: targets listed (under the programme) by some of the chosen authorities and not
  by the others, with the lag since the earliest designation among those that list it.
  For each missing authority the answer also says whether its data can tell (its newest
  snapshot may predate the designation: the EU's data here stops at 2022-05-05) and
  whether it lists the target under another programme.
- **unlisted associates**: relatives, associates and linked companies of listed targets
  (from the canonical relations) that none of the chosen authorities lists.
- **pillar coverage**: per pillar of the regime, the share of known figures each covers.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from smartsanctions.analysis.coverage import Matrix, build_matrix, matrix_totals
from smartsanctions.analysis.pillars import pillar_summary
from smartsanctions.analysis.state import paused_gc
from smartsanctions.store.schema import canonical_relation

# Stored edges read: family "object is <relationship> of subject" (the remark on Fares's
# record "Son of Ahmad Chehabi" gives subject Ahmad, object Fares, "son"); every other kind
# "subject is <relationship> of object" ("(Parent company): GPC" on Al Furat's record gives
# subject Al Furat, "subsidiary of", object GPC). These are the converse words, for when the
# associate sits at the other end.
_CONVERSE = {
    "son": "parent", "daughter": "parent", "child": "parent", "children": "parent",
    "father": "child", "mother": "child", "parent": "child",
    "brother": "sibling", "sister": "sibling", "sibling": "sibling", "twin brother": "sibling",
    "half-brother": "half-sibling", "half-sister": "half-sibling",
    "wife": "spouse", "husband": "spouse", "spouse": "spouse",
    "cousin": "cousin", "first cousin": "cousin",
    "uncle": "nephew or niece", "aunt": "nephew or niece",
    "nephew": "uncle or aunt", "niece": "uncle or aunt",
    "grandson": "grandparent", "granddaughter": "grandparent",
    "grandfather": "grandchild", "grandmother": "grandchild",
    "son-in-law": "parent-in-law", "daughter-in-law": "parent-in-law",
    "father-in-law": "child-in-law", "mother-in-law": "child-in-law",
    "brother-in-law": "brother- or sister-in-law", "sister-in-law": "brother- or sister-in-law",
    "associate": "associate", "close associate": "associate", "business associate": "business associate",
    "partner": "partner", "linked to": "linked to",
    "subsidiary of": "parent company", "parent company of": "subsidiary",
    "owned by": "owned", "owner": "owned", "asset of": "owner",
    "advisor": "advised", "adviser": "advised", "secretary": "employer", "deputy": "superior",
    "leader": "led", "member": "organisation", "founder": "founded", "financier": "financed",
    "facilitator": "helped",
}
_PROSE_START = frozenset(
    ["since", "in", "on", "for", "at", "the", "a", "an", "and", "of", "to", "by", "from", "with", "parent", "subsidiary", "subsidiaries", "box", "p.o.", "po"]
)


def _describe(kind: str, relationship: str, subject: str, obj: str, associate_is_subject: bool) -> tuple[str, str]:
    """(what the associate is to the listed target, the edge as a sentence)."""
    if kind == "family":
        statement = f"{obj} is {relationship} of {subject}"
        direct = not associate_is_subject
    else:
        joiner = " " if relationship.endswith((" of", " to", " by")) else " of "
        statement = f"{subject} is {relationship}{joiner}{obj}"
        direct = associate_is_subject
    if direct:
        return relationship, statement
    return _CONVERSE.get(relationship, f"counterpart ({relationship})"), statement


def doubtful_name(name: str, schema: str) -> bool:
    """A name a remark parser captured that is more likely prose than a party's name."""
    text = name.strip()
    if not text or text[0].islower() or any(ch.isdigit() for ch in text):
        return True
    words = text.replace("‐", "-").split()
    if words[0].casefold().strip("(").rstrip(",") in _PROSE_START or text.endswith(("-", "‐")):
        return True
    return schema == "Person" and len(words) < 2


def gap_list(matrix: Matrix) -> list[dict[str, Any]]:
    state = matrix.state
    data_dates = {a: v["date"] for a, v in state.data_as_of(matrix.authorities).items()}
    out: list[dict[str, Any]] = []
    for target in matrix.targets:
        listed_by = matrix.listed_by(target)
        missing = [a for a in matrix.authorities if a not in listed_by]
        if not listed_by or not missing:
            continue
        row = matrix.cells[target]
        dates = [(row[a].since, a) for a in listed_by if row[a].since is not None]
        since, first = min(dates) if dates else (None, None)
        lag = (state.as_of - since).days if since is not None else None
        other = matrix.elsewhere.get(target, {})
        detail = {}
        for a in missing:
            data_date = data_dates.get(a)
            detail[a] = {
                "data_as_of": data_date,
                # Whether this authority's newest data postdates the designation (so its
                # silence is an answer) or predates it (the data cannot tell).
                "data_after_designation": (data_date >= since.isoformat()) if data_date and since else None,
                "listed_under": sorted(other.get(a, ())),
            }
        info = state.entity(target)
        out.append(
            {
                "id": target,
                "caption": info.caption,
                "schema": info.schema,
                "pillars": list(matrix.pillars(target)),
                "listed_by": listed_by,
                "missing": missing,
                "lag_days": lag,
                "since": since.isoformat() if since else None,
                "first_listed_by": first,
                "missing_detail": detail,
            }
        )
    out.sort(key=lambda g: (-(g["lag_days"] or -1), g["caption"].casefold(), g["id"]))
    return out


def unlisted_associates(conn: Connection, matrix: Matrix) -> list[dict[str, Any]]:
    """Relatives and associates of the matrix's targets that no chosen authority lists."""
    state = matrix.state
    targets = set(matrix.targets)
    rows = conn.execute(
        select(
            canonical_relation.c.subject_id,
            canonical_relation.c.object_id,
            canonical_relation.c.kind,
            canonical_relation.c.relationship,
            canonical_relation.c.evidence,
        )
    )
    everyone = state.authorities()
    out = []
    for row in rows:
        for target, other, associate_is_subject in ((row.subject_id, row.object_id, False), (row.object_id, row.subject_id, True)):
            if target not in targets or other in targets:
                continue
            if matrix.listed_anyhow(other, matrix.authorities):
                continue  # a chosen authority lists them (under another programme): not unlisted
            info, of = state.entity(other), state.entity(target)
            subject, obj = (info, of) if associate_is_subject else (of, info)
            relation, statement = _describe(row.kind, row.relationship, subject.caption, obj.caption, associate_is_subject)
            out.append(
                {
                    "id": other,
                    "name": info.caption,
                    "schema": info.schema,
                    "relation": relation,
                    "kind": row.kind,
                    "statement": statement,
                    "of": {"id": target, "caption": of.caption},
                    "listed_by_others": [a for a in everyone if a in matrix.cells.get(other, {})],
                    "on_any_list": info.listed,
                    "doubtful_name": not info.listed and doubtful_name(info.caption, info.schema),
                    "evidence": json.loads(row.evidence),
                }
            )
    out.sort(key=lambda a: (a["of"]["caption"].casefold(), a["kind"], a["name"].casefold(), a["id"]))
    return out


def _associate_counts(associates: Sequence[dict[str, Any]]) -> dict[str, Any]:
    people = {a["id"] for a in associates}
    doubtful = {a["id"] for a in associates if a["doubtful_name"]}
    by_kind: dict[str, set[str]] = defaultdict(set)
    for a in associates:
        by_kind[a["kind"]].add(a["id"])
    return {
        "entries": len(associates),
        "distinct": len(people),
        "relatives": len(by_kind.get("family", set())),
        "by_kind": {k: len(v) for k, v in sorted(by_kind.items())},
        "never_listed": len({a["id"] for a in associates if not a["on_any_list"]}),
        "doubtful_names": len(doubtful),
        "relatives_with_plausible_names": len({a["id"] for a in associates if a["kind"] == "family"} - doubtful),
    }


def gaps_json(conn: Connection, matrix: Matrix) -> dict[str, Any]:
    gaps = gap_list(matrix)
    associates = unlisted_associates(conn, matrix)
    missing_count = {a: sum(1 for g in gaps if a in g["missing"]) for a in matrix.authorities}
    return {
        "as_of": matrix.state.as_of.isoformat(),
        "authorities": matrix.authorities,
        "data_as_of": matrix.state.data_as_of(matrix.authorities),
        "program": matrix.filters["program"],
        "counts": {
            "targets": len(matrix.targets),
            "gaps": len(gaps),
            "missing_per_authority": missing_count,
            "unlisted_associates": _associate_counts(associates),
        },
        "gaps": gaps,
        "unlisted_associates": associates,
        "pillar_coverage": pillar_summary(matrix, associates),
        "totals": matrix_totals(matrix),
    }


def find_gaps(
    conn: Connection,
    *,
    program: str | None = None,
    authorities: Sequence[str] | None = None,
    as_of: date | str | None = None,
    pillar: str | None = None,
    schema: str | None = None,
) -> dict[str, Any]:
    """The ``gaps --json`` shape, plus the per-authority data dates, counts and pillar coverage."""
    with paused_gc():
        matrix = build_matrix(conn, program=program, authorities=authorities, as_of=as_of, pillar=pillar, schema=schema)
        return gaps_json(conn, matrix)


def coverage_and_gaps(
    conn: Connection,
    *,
    program: str | None = None,
    authorities: Sequence[str] | None = None,
    as_of: date | str | None = None,
    pillar: str | None = None,
    schema: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both answers from one matrix: (``coverage --json`` shape, ``gaps --json`` shape)."""
    from smartsanctions.analysis.coverage import matrix_json

    with paused_gc():
        matrix = build_matrix(conn, program=program, authorities=authorities, as_of=as_of, pillar=pillar, schema=schema)
        return matrix_json(matrix), gaps_json(conn, matrix)
