"""Name comparison: part-by-part similarity, then an order-free weighted alignment.

Part similarity (0..1) takes the best of: the Indel ratio of the romanised forms; equal
consonant skeletons ("bashar"/"bachar"/"bshar"); the same known spelling-variant group
("muhammad"/"mohamed"); an initial against a name with that first letter. Two parts from
*different* variant groups ("hassan"/"hussein") get no skeleton credit. The raw similarity
is then stretched so that unrelated parts (ratio under ~0.45) count as no match.

A name score is the weighted share of both names' parts that found a counterpart; parts of
the longer name left unmatched (a missing middle name) count at a discount. Names split into
parts differently ("HATKAEW" / "HAD KAEW", "AGROPHEN" / "AGRO-PHEN") also compare as one word
each (legal forms left out), stretched like a part; the name score is the better of the two.
Identical names (same NFKC case-folded text) score 1.0; anything else is capped at 0.99.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz.distance import Indel
from rapidfuzz.process import cdist

from .analyse import INITIAL, KIND_WEIGHT, NAME, ORG_TERM, AnalysedName, Part, analyse, is_org_schema, joined
from .conventions import tables

SKELETON_FLOOR = 0.80  # two parts with the same skeleton and vowel shape (plus a share of the ratio)
ABJAD_FLOOR = 0.88  # the same skeleton when one side was romanised from Arabic/Hebrew: all it carries
LATIN_SKELETON_FLOOR = 0.55  # the same between two Latin spellings, where vowels were written
VARIANT_SIM = 0.95  # two known spellings of the same name part
INITIAL_SIM = 0.80  # "J" against "John"
STRETCH_FROM = 0.45  # raw similarity at or below this counts as no match
UNMATCHED_DISCOUNT = 0.6  # weight of an unmatched part of the longer name
UNMATCHED_BELOW = 0.5  # a part whose best counterpart is under this is unmatched
COMMON_WEIGHT = 0.6  # static weight of very common name parts (no index statistics)
NON_IDENTICAL_CAP = 0.99


_COMMON_FILE = Path(__file__).resolve().parent / "data" / "common_parts.txt"
_common_parts: frozenset[str] | None = None


def common_parts() -> frozenset[str]:
    """Name parts that are popular forenames or surnames somewhere (``data/common_parts.txt``)."""
    global _common_parts
    if _common_parts is None:
        lines = _COMMON_FILE.read_text(encoding="utf-8").splitlines() if _COMMON_FILE.is_file() else []
        _common_parts = frozenset(x.strip() for x in lines if x.strip() and not x.startswith("#"))
    return _common_parts


def set_common_parts(parts: Sequence[str] | None) -> None:
    """Replace the table (calibration experiments); None reloads the shipped one."""
    global _common_parts
    _common_parts = None if parts is None else frozenset(parts)


@dataclass(frozen=True)
class NameScore:
    score: float
    explanation: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PartArrays:
    """Name parts as parallel arrays, ready for vectorised comparison."""

    texts: Sequence[str]  # a list, or a numpy object array of str
    skeletons: np.ndarray  # str array
    variants: np.ndarray  # int32, -1 = none
    initial: np.ndarray  # bool
    first: np.ndarray  # int32 code point of the first letter
    abjad: np.ndarray  # bool: romanised from a script that leaves short vowels out
    shapes: np.ndarray  # object array of vowel shapes

    @classmethod
    def of(cls, parts: Sequence[Part]) -> PartArrays:
        return cls(
            texts=[p.text for p in parts],
            skeletons=np.array([p.skeleton if len(p.skeleton) >= 2 else "\x00" + p.text for p in parts],
                               dtype=object),
            variants=np.array([p.variant for p in parts], dtype=np.int32),
            initial=np.array([p.kind == INITIAL for p in parts], dtype=bool),
            first=np.array([ord(p.text[0]) if p.text else 0 for p in parts], dtype=np.int32),
            abjad=np.array([p.abjad for p in parts], dtype=bool),
            shapes=np.array([p.shape for p in parts], dtype=object),
        )

    def take(self, idx: np.ndarray) -> PartArrays:
        return PartArrays([self.texts[i] for i in idx.tolist()], self.skeletons[idx], self.variants[idx],
                          self.initial[idx], self.first[idx], self.abjad[idx], self.shapes[idx])


def combine(ratio: np.ndarray, same_var: np.ndarray, diff_var: np.ndarray, same_skel: np.ndarray,
            abjad: np.ndarray, same_shape: np.ndarray, initials: np.ndarray | None) -> np.ndarray:
    """Stretched part similarity from the Indel ratio and the part relations (any broadcastable
    shape; ``initials`` None: no initial on either side). The one formula behind
    :func:`similarity_matrix` and :func:`part_similarity`."""
    same_skel = same_skel & ~diff_var
    # with an abjad on either side the vowels are guesses; between two Latin spellings they count
    floor = np.where(abjad, ABJAD_FLOOR + 0.1 * ratio,
                     np.where(same_shape, SKELETON_FLOOR + 0.15 * ratio, LATIN_SKELETON_FLOOR + 0.25 * ratio))
    sim = np.where(same_skel, np.maximum(ratio, floor), ratio)
    sim = np.where(same_var, np.maximum(sim, VARIANT_SIM), sim)
    if initials is not None:
        sim = np.where(initials, np.maximum(sim, INITIAL_SIM), sim)
    return np.where(ratio >= 1.0, 1.0, np.minimum(_stretch(sim), 0.99)).astype(np.float32, copy=False)


def _stretch(sim: np.ndarray) -> np.ndarray:
    """Raw similarity rescaled so that ``STRETCH_FROM`` and below count as nothing."""
    return np.maximum((sim - STRETCH_FROM) / (1.0 - STRETCH_FROM), 0.0)


def similarity_matrix(q: PartArrays, u: PartArrays) -> np.ndarray:
    """Stretched part similarity, shape (len(q), len(u)), float32 in [0, 1]."""
    if not len(q.texts) or not len(u.texts):
        return np.zeros((len(q.texts), len(u.texts)), dtype=np.float32)
    ratio = cdist(q.texts, u.texts, scorer=Indel.normalized_similarity, dtype=np.float32, workers=1)
    qv = q.variants[:, None]
    uv = u.variants[None, :]
    return combine(
        ratio,
        (qv == uv) & (qv >= 0),
        (qv >= 0) & (uv >= 0) & (qv != uv),
        q.skeletons[:, None] == u.skeletons[None, :],
        q.abjad[:, None] | u.abjad[None, :],
        q.shapes[:, None] == u.shapes[None, :],
        (q.initial[:, None] | u.initial[None, :]) & (q.first[:, None] == u.first[None, :]),
    )


def aggregate(m: np.ndarray, wq: np.ndarray, wc: np.ndarray) -> np.ndarray:
    """Name scores from part similarities, pairing parts one-to-one (greedy, best pair first).

    ``m``: (Q, C, T) similarities of Q query parts against T parts of C candidate names;
    ``wq``: (Q,) query part weights; ``wc``: (C, T) candidate part weights, 0 for padding.
    """
    nq_parts, n_cand, n_t = m.shape
    if nq_parts == 0 or n_t == 0:
        return np.zeros(n_cand, dtype=np.float32)
    return aggregate_pairs(m.transpose(1, 0, 2), np.broadcast_to(wq[None, :], (n_cand, nq_parts)), wc)


def _row_sums(x: np.ndarray) -> np.ndarray:
    """Row sums added strictly left to right: numpy's pairwise ``sum`` groups terms by the row
    length, so padding a row with zeros (a wider batch) would change the last bit of a score and
    with it the order of tied results."""
    out = np.zeros(x.shape[0], dtype=x.dtype)
    for col in range(x.shape[1]):
        out += x[:, col]
    return out


def aggregate_pairs(m: np.ndarray, wq: np.ndarray, wc: np.ndarray) -> np.ndarray:
    """:func:`aggregate` for P independent name pairs: ``m`` (P, Q, T), ``wq`` (P, Q) and
    ``wc`` (P, T), weight 0 marking padding on either side (padding never pairs)."""
    n_pairs, nq_parts, n_t = m.shape
    if nq_parts == 0 or n_t == 0 or n_pairs == 0:
        return np.zeros(n_pairs, dtype=np.float32)
    q_ok, c_ok = wq > 0, wc > 0
    work = np.where(q_ok[:, :, None] & c_ok[:, None, :], m, np.float32(-1.0)).reshape(n_pairs, nq_parts * n_t)
    best_q = np.zeros((n_pairs, nq_parts), dtype=np.float32)
    best_c = np.zeros((n_pairs, n_t), dtype=np.float32)
    pairs = np.zeros(n_pairs, dtype=np.int32)
    rows = np.arange(n_pairs)
    view = work.reshape(n_pairs, nq_parts, n_t)
    # few numpy calls per round (single queries are dominated by call overhead, not arithmetic):
    # a row with nothing positive left re-picks an already paired part, and max() keeps its value
    for _ in range(min(nq_parts, n_t)):
        k = work.argmax(axis=1)
        v = work[rows, k]
        if v.max() <= 0:
            break
        qi, tj = np.divmod(k, n_t)
        best_q[rows, qi] = np.maximum(best_q[rows, qi], v)
        best_c[rows, tj] = np.maximum(best_c[rows, tj], v)
        pairs += v >= UNMATCHED_BELOW
        view[rows, qi, :] = -1.0
        view[rows, :, tj] = -1.0
    nq = q_ok.sum(axis=1)  # (P,)
    nc = c_ok.sum(axis=1)  # (P,)
    # the longer name's unmatched parts count less (missing middle names, extra patronymics),
    # once at least two parts agree: a one-word alias does not cover a full name
    several = pairs >= 2
    q_longer = ((nq > nc) & several)[:, None]
    wq_eff = np.where(q_longer & (best_q < UNMATCHED_BELOW), wq * UNMATCHED_DISCOUNT, wq)
    c_longer = ((nc > nq) & several)[:, None]
    wc_eff = np.where(c_longer & (best_c < UNMATCHED_BELOW), wc * UNMATCHED_DISCOUNT, wc)
    num = _row_sums(wq_eff * best_q) + _row_sums(wc_eff * best_c)
    den = _row_sums(wq_eff) + _row_sums(wc_eff)
    out = np.zeros(n_pairs, dtype=np.float32)
    np.divide(num, den, out=out, where=den > 0)  # not np.errstate: entering it costs more than the division
    return out


def static_weights(name: AnalysedName) -> np.ndarray:
    """Part weights without index statistics: kind of part, discounted when very common."""
    common = tables().common
    return np.array(
        [KIND_WEIGHT[p.kind] * (COMMON_WEIGHT if p.text in common else 1.0) for p in name.parts],
        dtype=np.float32,
    )


def explain_pair(a: AnalysedName, b: AnalysedName, m: np.ndarray) -> dict[str, Any]:
    """Which part of one name went with which part of the other, and how well."""
    return explain_rows(a, b, m.tolist() if m.shape[1] else [])


def explain_rows(a: AnalysedName, b: AnalysedName, rows: list[list[float]]) -> dict[str, Any]:
    """:func:`explain_pair` from the similarity matrix as nested lists."""
    pairs = []
    matched_b: set[int] = set()
    unmatched_a: list[str] = []
    for i, p in enumerate(a.parts):
        row = rows[i] if rows else []
        best = max(row) if row else -1.0
        if best >= UNMATCHED_BELOW:
            j = row.index(best)
            pairs.append({"query": p.text, "candidate": b.parts[j].text, "similarity": round(best, 3)})
            matched_b.add(j)
        else:
            unmatched_a.append(p.text)
    return {
        "parts": pairs,
        "unmatched_query": unmatched_a,
        "unmatched_candidate": [p.text for j, p in enumerate(b.parts) if j not in matched_b],
        "ignored": sorted(set(a.dropped) | set(b.dropped)),
    }


JOIN_MIN_CHARS = 5  # two parts joined into a word shorter than this do not count as a compound


def word_count(parts: Sequence[Part]) -> int:
    """Name parts other than legal forms: two names split into words differently (a compound)
    differ in this count, and only then are they also compared as one word each."""
    return sum(p.kind != ORG_TERM for p in parts)


def squashed(parts: Sequence[Part]) -> str:
    """The name as one word, legal forms left out: 'Had Kaew Company Ltd' -> 'hadkaew'."""
    return "".join(p.text for p in parts if p.kind != ORG_TERM)


def joined_pairs(name: AnalysedName) -> list[Part]:
    """Every two adjacent name parts written as one word (for finding compounds), adjacent as
    written and, for a surname written first, as spoken ('ZADEH, Mohammed Khalil': khalilzadeh)."""
    parts = name.parts
    pairs = list(pairwise(parts))
    if name.surname_first:
        pairs.append((parts[-1], parts[0]))
    return [joined(a, b) for a, b in pairs
            if a.kind == NAME and b.kind == NAME and len(a.text) + len(b.text) >= JOIN_MIN_CHARS]


def joined_score(ratio: np.ndarray | float) -> np.ndarray:
    """Name score of two names compared as one word each, from their Indel ratio."""
    return np.minimum(_stretch(np.asarray(ratio, dtype=np.float32)), 1.0).astype(np.float32)


def as_one_word(a: AnalysedName, b: AnalysedName) -> tuple[str, str, float] | None:
    """Both names as one word each and their score, when they split into a different number
    of words (else None)."""
    sa, sb = squashed(a.spoken_parts), squashed(b.spoken_parts)
    if not (sa and sb) or word_count(a.parts) == word_count(b.parts):
        return None
    return sa, sb, float(joined_score(Indel.normalized_similarity(sa, sb)))


def finish(score: float, a: AnalysedName, b: AnalysedName) -> float:
    if a.key == b.key and a.parts:
        return 1.0
    return float(min(max(score, 0.0), NON_IDENTICAL_CAP))


@lru_cache(maxsize=100_000)
def arrays_of(name: AnalysedName) -> PartArrays:
    return PartArrays.of(name.parts)


def _skel(p: Part) -> str:
    return p.skeleton if len(p.skeleton) >= 2 else "\x00" + p.text


def part_similarity(p: Part, q: Part) -> float:
    """:func:`combine` for one pair of parts, in plain Python (no array overhead): the same
    value as :func:`similarity_matrix` up to float32 rounding."""
    ratio = Indel.normalized_similarity(p.text, q.text)
    if ratio >= 1.0:
        return 1.0
    sim = ratio
    pv, qv = p.variant, q.variant
    if not (pv >= 0 and qv >= 0 and pv != qv) and _skel(p) == _skel(q):
        if p.abjad or q.abjad:
            floor = ABJAD_FLOOR + 0.1 * ratio
        elif p.shape == q.shape:
            floor = SKELETON_FLOOR + 0.15 * ratio
        else:
            floor = LATIN_SKELETON_FLOOR + 0.25 * ratio
        sim = max(sim, floor)
    if pv >= 0 and pv == qv:
        sim = max(sim, VARIANT_SIM)
    if (p.kind == INITIAL or q.kind == INITIAL) and p.text[:1] == q.text[:1]:
        sim = max(sim, INITIAL_SIM)
    return min(max((sim - STRETCH_FROM) / (1.0 - STRETCH_FROM), 0.0), 0.99)


def aggregate_one(rows: list[list[float]], wa: list[float], wb: list[float]) -> float:
    """:func:`aggregate_pairs` for one pair of names, in plain Python."""
    na, nb = len(wa), len(wb)
    work = [row[:] for row in rows]
    best_a = [0.0] * na
    best_b = [0.0] * nb
    agreed = 0
    for _ in range(min(na, nb)):
        v, bi, bj = -1.0, -1, -1
        for i in range(na):
            row = work[i]
            for j in range(nb):
                if row[j] > v:
                    v, bi, bj = row[j], i, j
        if v <= 0:
            break
        best_a[bi] = best_b[bj] = v
        agreed += v >= UNMATCHED_BELOW
        work[bi] = [-1.0] * nb
        for row in work:
            row[bj] = -1.0
    several = agreed >= 2
    num = den = 0.0
    for best, weights, longer in ((best_a, wa, na > nb and several), (best_b, wb, nb > na and several)):
        for x, w in zip(best, weights, strict=True):
            if longer and x < UNMATCHED_BELOW:
                w *= UNMATCHED_DISCOUNT
            num += w * x
            den += w
    return num / den if den > 0 else 0.0


def static_weight_list(name: AnalysedName) -> list[float]:
    common = tables().common
    return [KIND_WEIGHT[p.kind] * (COMMON_WEIGHT if p.text in common else 1.0) for p in name.parts]


def compare_analysed(
    a: AnalysedName, b: AnalysedName, wa: np.ndarray | None = None, wb: np.ndarray | None = None
) -> NameScore:
    if not a.parts or not b.parts:
        return NameScore(0.0, {"reason": "a name has no comparable parts"})
    rows = [[part_similarity(p, q) for q in b.parts] for p in a.parts]
    la = static_weight_list(a) if wa is None else [float(x) for x in wa]
    lb = static_weight_list(b) if wb is None else [float(x) for x in wb]
    raw = aggregate_one(rows, la, lb)
    explanation = explain_rows(a, b, rows)
    one_word = as_one_word(a, b)
    if one_word is not None and one_word[2] > raw:
        sa, sb, raw = one_word
        explanation["as_one_word"] = {"a": sa, "b": sb, "score": round(raw, 4)}
    return NameScore(finish(raw, a, b), explanation)


def compare_names(a: str, b: str, schema: str | None = None) -> NameScore:
    """Compare two names in any of the supported scripts; score in [0, 1] with an explanation."""
    org = is_org_schema(schema)
    return compare_analysed(analyse(a, org), analyse(b, org))
