"""Pillar coverage: per pillar of a regime, the share of its known figures each authority lists.

The known figures of a pillar are the targets that one of the chosen authorities lists
under the programme and that consolidation placed in the pillar (from positions, titles,
remarks and relations), plus the unlisted relatives and associates of those targets that
the relations place in it (family members of listed leaders, chiefly).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection

from smartsanctions.analysis.coverage import PILLARS, Matrix, build_matrix


def pillar_summary(matrix: Matrix, associates: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    state = matrix.state
    unlisted = {a["id"] for a in associates}
    out: dict[str, Any] = {}
    for pillar in PILLARS:
        listed = [t for t in matrix.targets if pillar in matrix.pillars(t)]
        extra = sorted(u for u in unlisted if pillar in state.pillars.get(u, ()))
        known = len(listed) + len(extra)
        by_authority = {}
        for a in matrix.authorities:
            covered = sum(1 for t in listed if a in matrix.cells[t])
            by_authority[a] = {"covered": covered, "share": round(covered / known, 4) if known else None}
        out[pillar] = {
            "known": known,
            "listed_known": len(listed),
            "unlisted_known": len(extra),
            "by_authority": by_authority,
        }
    return out


def pillar_coverage(
    conn: Connection,
    *,
    program: str | None = None,
    authorities: Sequence[str] | None = None,
    as_of: date | str | None = None,
) -> dict[str, Any]:
    """Per pillar: known regime figures, and how many (and what share) each authority lists."""
    from smartsanctions.analysis.gaps import unlisted_associates

    matrix = build_matrix(conn, program=program, authorities=authorities, as_of=as_of)
    associates = unlisted_associates(conn, matrix)
    return {
        "as_of": matrix.state.as_of.isoformat(),
        "authorities": matrix.authorities,
        "program": matrix.filters["program"],
        "data_as_of": matrix.state.data_as_of(matrix.authorities),
        "pillars": pillar_summary(matrix, associates),
    }
