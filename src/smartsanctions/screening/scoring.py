"""Scoring beyond the name: date of birth, country, gender, identifiers, schema.

Each feature returns (adjustment, explanation). Adjustments are small next to the name score:
agreement lifts a near-threshold name a little, clear disagreement pushes it down; only a
shared identifier can carry a weak name over the threshold.
"""

from __future__ import annotations

import re
from typing import Any

DOB_EXACT = 0.05
DOB_YEAR = 0.02
DOB_NEAR = -0.04  # one year apart: lists and customers often disagree by one
DOB_MISMATCH = -0.20
COUNTRY_MATCH = 0.03
COUNTRY_MISMATCH = -0.05
GENDER_MISMATCH = -0.15
IDENTIFIER_FLOOR = 0.95

_PERSON = frozenset({"Person"})
_ORG = frozenset({"Organization", "Company", "LegalEntity", "PublicBody"})
_GROUPS: dict[str, frozenset[str]] = {
    "Person": _PERSON,
    "Organization": _ORG,
    "Company": _ORG,
    "PublicBody": _ORG,
    "LegalEntity": _ORG | _PERSON,
    "Vessel": frozenset({"Vessel"}),
    "Airplane": frozenset({"Airplane"}),
}


def schema_compatible(query_schema: str | None, entry_schema: str) -> bool:
    """A Person query never matches a Vessel; no schema (or Thing) matches anything."""
    if not query_schema or query_schema == "Thing":
        return True
    group = _GROUPS.get(query_schema)
    if group is None:
        return True
    if entry_schema in group or entry_schema == "Thing":
        return True
    return entry_schema == "LegalEntity" and query_schema in _PERSON


_ID_RE = re.compile(r"[^0-9A-Z]")


def normalise_identifier(value: str) -> str:
    return _ID_RE.sub("", value.upper())


def _parts(date: str) -> tuple[int, int | None, int | None] | None:
    m = re.match(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", date)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)) if m.group(2) else None, int(m.group(3)) if m.group(3) else None


def birth_date_feature(query: str | None, dates: tuple[str, ...]) -> tuple[float, dict[str, Any]] | None:
    if not query or not dates:
        return None
    q = _parts(query)
    if q is None:
        return None
    best: tuple[float, str] | None = None
    for d in dates:
        e = _parts(d)
        if e is None:
            continue
        if q == e and q[2] is not None:
            outcome = (DOB_EXACT, f"same date of birth {d}")
        elif q[0] == e[0] and (q[1] is None or e[1] is None or q[1] == e[1]) and (
            q[2] is None or e[2] is None or q[2] == e[2]
        ):
            outcome = (DOB_YEAR, f"date of birth agrees as far as known ({d})")
        elif abs(q[0] - e[0]) == 1:
            outcome = (DOB_NEAR, f"year of birth one apart ({d})")
        else:
            outcome = (DOB_MISMATCH, f"different date of birth ({d})")
        if best is None or outcome[0] > best[0]:
            best = outcome
    if best is None:
        return None
    return best[0], {"adjustment": best[0], "detail": best[1], "query": query}


def country_feature(query: str | None, countries: tuple[str, ...]) -> tuple[float, dict[str, Any]] | None:
    if not query or not countries:
        return None
    q = query.strip().lower()
    if q in countries:
        return COUNTRY_MATCH, {"adjustment": COUNTRY_MATCH, "detail": f"country {q} listed"}
    return COUNTRY_MISMATCH, {"adjustment": COUNTRY_MISMATCH,
                              "detail": f"country {q} not among {', '.join(countries)}"}


def gender_feature(query: str | None, gender: str | None) -> tuple[float, dict[str, Any]] | None:
    if not query or not gender:
        return None
    q = query.strip().lower()
    q = {"m": "male", "f": "female"}.get(q, q)
    if q == gender.lower():
        return 0.0, {"adjustment": 0.0, "detail": f"same gender ({gender})"}
    return GENDER_MISMATCH, {"adjustment": GENDER_MISMATCH, "detail": f"gender {q} vs {gender}"}


def identifier_feature(query: tuple[str, ...], identifiers: tuple[str, ...]) -> dict[str, Any] | None:
    qs = {normalise_identifier(i) for i in query} - {""}
    es = {normalise_identifier(i) for i in identifiers}
    shared = sorted(qs & es)
    if not shared:
        return None
    return {"floor": IDENTIFIER_FLOOR, "detail": f"shared identifier {', '.join(shared)}"}
