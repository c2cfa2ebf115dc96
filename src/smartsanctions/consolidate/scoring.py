"""Pair scoring: how strongly the features of two source records say "same party".

The score is a sum of points, one term per feature, each kept with the values it came
from so that every merge can be explained. Points are log-odds-like: the name sets the
base, a shared birth date or document number adds, a conflicting birth date or gender
subtracts. A pair merges when its total reaches :data:`MERGE_AT`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from smartsanctions.consolidate.features import PERSON, RecordFeatures
from smartsanctions.consolidate.namescore import BestName, NameIndex, explain
from smartsanctions.consolidate.parallel import map_chunks

SCORER_VERSION = "v1"
MERGE_AT = 1.0
NAME_PIVOT = 0.90  # a name score at the pivot contributes nothing
NAME_SLOPE = 10.0
MIN_NAME = 0.70  # below this a pair is not kept whatever else it shares
UN_REF_POINTS = 3.0
PRIMARY_POINTS = 0.1  # both records' main names matched (not aliases): ranks competing merges
# Two entries of one list are merged only on strong evidence: for people a shared birth
# date or document besides the name; for others the same main name and nothing against.
SAME_LIST_AT = {PERSON: 3.0, "other": 1.05}


def same_list_threshold(a: RecordFeatures, b: RecordFeatures) -> float:
    return SAME_LIST_AT[PERSON] if PERSON in (a.kind, b.kind) else SAME_LIST_AT["other"]


@dataclass
class PairScore:
    left: int
    right: int
    score: float
    features: dict[str, Any]


def _dob_points(a: RecordFeatures, b: RecordFeatures) -> tuple[float, dict[str, Any] | None]:
    if not a.birth_dates or not b.birth_dates:
        return 0.0, None
    full_a = {d for d in a.birth_dates if len(d) >= 10}
    full_b = {d for d in b.birth_dates if len(d) >= 10}
    shared_full = sorted(full_a & full_b)
    if shared_full:
        return 1.5, {"shared": shared_full}
    ya, yb = a.birth_years, b.birth_years
    shared_years = sorted(ya & yb)
    if shared_years:
        # Same year, but where both give full dates they disagree on the day.
        if full_a and full_b and len(full_a) == len(a.birth_dates) and len(full_b) == len(b.birth_dates):
            return -0.5, {"same_year_other_day": [sorted(full_a), sorted(full_b)]}
        return 0.6, {"shared_years": shared_years}
    near = any(abs(x - y) <= 1 for x in ya for y in yb)
    if near:
        return -0.3, {"years_one_apart": [sorted(ya), sorted(yb)]}
    return -2.0, {"conflict": [sorted(a.birth_dates), sorted(b.birth_dates)]}


def _identifier_points(a: RecordFeatures, b: RecordFeatures) -> tuple[float, dict[str, Any] | None]:
    shared = sorted(a.identifiers & b.identifiers)
    if shared:
        return 2.0, {"shared": shared}
    return 0.0, None


def _country_points(a: RecordFeatures, b: RecordFeatures) -> tuple[float, dict[str, Any] | None]:
    if not a.countries or not b.countries:
        return 0.0, None
    shared = sorted(a.countries & b.countries)
    if shared:
        return 0.3, {"shared": shared}
    return -0.4, {"disjoint": [sorted(a.countries), sorted(b.countries)]}


def _gender_points(a: RecordFeatures, b: RecordFeatures) -> tuple[float, dict[str, Any] | None]:
    if a.gender and b.gender and not (a.gender & b.gender):
        return -2.0, {"conflict": [sorted(a.gender), sorted(b.gender)]}
    return 0.0, None


def _position_points(a: RecordFeatures, b: RecordFeatures) -> tuple[float, dict[str, Any] | None]:
    shared = a.position_words & b.position_words
    if len(shared) >= 2 or (shared and min(len(a.position_words), len(b.position_words)) == 1):
        return 0.3, {"shared_words": sorted(shared)}
    return 0.0, None


def score_features(a: RecordFeatures, b: RecordFeatures, name: BestName) -> tuple[float, dict[str, Any]]:
    """Points and their explanation for a pair, without UN-reference evidence."""
    features: dict[str, Any] = {}
    name_points = NAME_SLOPE * (name.score - NAME_PIVOT)
    features["name"] = {
        "score": round(name.score, 4),
        "points": round(name_points, 3),
        "left": name.left.original if name.left else None,
        "right": name.right.original if name.right else None,
    }
    total = name_points
    if name.left and name.right and name.left.original in a.primary and name.right.original in b.primary:
        features["name"]["primary"] = True
        total += PRIMARY_POINTS
    terms = [("birth_date", _dob_points), ("identifier", _identifier_points), ("country", _country_points)]
    if a.kind == PERSON or b.kind == PERSON:
        terms += [("gender", _gender_points), ("position", _position_points)]
    for label, fn in terms:
        points, detail = fn(a, b)
        if detail is not None:
            features[label] = {"points": points, **detail}
            total += points
    return total, features


def score_pairs(
    features: Sequence[RecordFeatures], pairs: Sequence[tuple[int, int]], index: NameIndex | None = None
) -> list[PairScore]:
    """Score index pairs, batching the name comparison per left record."""
    by_left: dict[int, list[int]] = defaultdict(list)
    for a, b in pairs:
        by_left[a].append(b)
    if index is None:
        index = NameIndex([f.analysed for f in features])
    work = [(a, sorted(by_left[a])) for a in sorted(by_left)]
    out = map_chunks(_score_chunk, work, (features, index))
    return sorted(out, key=lambda p: (p.left, p.right))


def _score_chunk(
    work: Sequence[tuple[int, list[int]]], context: tuple[Sequence[RecordFeatures], NameIndex]
) -> list[PairScore]:
    features, index = context
    out: list[PairScore] = []
    for a, rights in work:
        fa = features[a]
        names = index.best(a, rights)
        for b, name in zip(rights, names, strict=True):
            if name.score < MIN_NAME:
                continue
            total, detail = score_features(fa, features[b], name)
            out.append(PairScore(a, b, total, detail))
    return out


def un_ref_points(a: RecordFeatures, b: RecordFeatures) -> tuple[float, dict[str, Any] | None]:
    """A UN reference both cite: the strongest evidence there is (used unless withheld)."""
    shared = sorted(a.un_refs & b.un_refs)
    if shared:
        return UN_REF_POINTS, {"shared": shared}
    return 0.0, None


def explain_names(detail: dict[str, Any], a: RecordFeatures, b: RecordFeatures) -> dict[str, Any]:
    """Add the part-by-part name alignment to a stored explanation (done for merges only)."""
    left = next((n for n in a.analysed if n.original == detail["name"]["left"]), None)
    right = next((n for n in b.analysed if n.original == detail["name"]["right"]), None)
    if left is not None and right is not None:
        detail["name"]["alignment"] = explain(left, right)
    return detail
