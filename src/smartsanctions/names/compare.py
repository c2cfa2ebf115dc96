"""Name comparison: part-by-part similarity, then an order-free weighted alignment.

Part similarity (0..1) takes the best of: the Indel ratio of the romanised forms; equal
consonant skeletons ("bashar"/"bachar"/"bshar"); the same known spelling-variant group
("muhammad"/"mohamed"); an initial against a name with that first letter; where one side was
romanised from another script, a shared sound key (``names.sounds``: "fuditshka"/"vodicka").
Two parts from *different* variant groups ("hassan"/"hussein") get no skeleton or sound
credit. The raw similarity is then stretched so that unrelated parts (ratio under ~0.45)
count as no match.

A name score is the weighted share of both names' parts that found a counterpart; parts of
the longer name left unmatched (a missing middle name) count at a discount. Names split into
parts differently ("HATKAEW" / "HAD KAEW", "AGROPHEN" / "AGRO-PHEN") also compare as one word
each (legal forms left out), stretched like a part; the name score is the better of the two.
Identical names (same NFKC case-folded text) score 1.0; anything else is capped at 0.99.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from numba import njit
from rapidfuzz.distance import Indel
from rapidfuzz.process import cdist

from .analyse import (
    INITIAL,
    KIND_WEIGHT,
    NAME,
    ORG_TERM,
    AnalysedName,
    Part,
    analyse,
    is_org_schema,
    joined,
    word_part,
)
from .conventions import tables
from .sounds import MAX_KEYS, sound_codes

SKELETON_FLOOR = 0.80  # two parts with the same skeleton and vowel shape (plus a share of the ratio)
ABJAD_FLOOR = 0.88  # the same skeleton when one side was romanised from Arabic/Hebrew: all it carries
LATIN_SKELETON_FLOOR = 0.55  # the same between two Latin spellings, where vowels were written
VARIANT_SIM = 0.95  # two known spellings of the same name part
INITIAL_SIM = 0.80  # "J" against "John"
SOUND_FLOOR = 0.60  # a shared sound key across scripts (plus a share of the ratio): ranks, never alerts alone
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
    romanised: np.ndarray  # bool: romanised from a script other than Latin
    sounds: np.ndarray  # (n, MAX_KEYS) int32 sound codes, 0 for none

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
            romanised=np.array([p.romanised for p in parts], dtype=bool),
            sounds=np.array([part_sounds(p) for p in parts], dtype=np.int32).reshape(len(parts), MAX_KEYS),
        )

    def take(self, idx: np.ndarray) -> PartArrays:
        return PartArrays([self.texts[i] for i in idx.tolist()], self.skeletons[idx], self.variants[idx],
                          self.initial[idx], self.first[idx], self.abjad[idx], self.shapes[idx],
                          self.romanised[idx], self.sounds[idx])


def part_sounds(p: Part) -> tuple[int, ...]:
    """The sound codes of a part (none for an initial)."""
    return sound_codes(p.text) if p.kind != INITIAL else (0,) * MAX_KEYS


def share_sound(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether sound codes ``a`` (..., MAX_KEYS) and ``b`` (broadcastable) have one in common."""
    eq = (a[..., :, None] == b[..., None, :]) & (a[..., :, None] != 0)
    return eq.any(axis=(-2, -1))


@njit(cache=True)
def _stretch(sim: np.float32) -> np.float32:
    """Raw similarity rescaled so that ``STRETCH_FROM`` and below count as nothing (float32)."""
    return max((sim - np.float32(STRETCH_FROM)) / np.float32(1.0 - STRETCH_FROM), np.float32(0.0))


@njit(cache=True)
def part_sim(ratio: np.float32, same_var: bool, diff_var: bool, same_skel: bool, abjad: bool, same_shape: bool,
             initials: bool, same_sound: bool) -> np.float32:
    """Stretched part similarity (float32) from the Indel ratio and the part relations: the one
    formula behind :func:`combine` and the index's compiled pair scoring."""
    if ratio >= np.float32(1.0):
        return np.float32(1.0)
    sim = ratio
    if same_skel and not diff_var:
        # with an abjad on either side the vowels are guesses; between two Latin spellings they count
        if abjad:
            floor = np.float32(ABJAD_FLOOR) + np.float32(0.1) * ratio
        elif same_shape:
            floor = np.float32(SKELETON_FLOOR) + np.float32(0.15) * ratio
        else:
            floor = np.float32(LATIN_SKELETON_FLOOR) + np.float32(0.25) * ratio
        sim = max(sim, floor)
    if same_sound and not diff_var:
        sim = max(sim, np.float32(SOUND_FLOOR) + np.float32(0.25) * ratio)
    if same_var:
        sim = max(sim, np.float32(VARIANT_SIM))
    if initials:
        sim = max(sim, np.float32(INITIAL_SIM))
    return min(_stretch(sim), np.float32(0.99))


@njit(cache=True)
def _part_sims(ratio: np.ndarray, same_var: np.ndarray, diff_var: np.ndarray, same_skel: np.ndarray,
               abjad: np.ndarray, same_shape: np.ndarray, initials: np.ndarray, same_sound: np.ndarray) -> np.ndarray:
    out = np.empty(len(ratio), dtype=np.float32)
    for i in range(len(ratio)):
        out[i] = part_sim(ratio[i], same_var[i], diff_var[i], same_skel[i], abjad[i], same_shape[i], initials[i],
                          same_sound[i])
    return out


def combine(ratio: np.ndarray, same_var: np.ndarray, diff_var: np.ndarray, same_skel: np.ndarray,
            abjad: np.ndarray, same_shape: np.ndarray, initials: np.ndarray, same_sound: np.ndarray) -> np.ndarray:
    """:func:`part_sim` over broadcastable arrays."""
    arrays = np.broadcast_arrays(ratio.astype(np.float32, copy=False), same_var, diff_var, same_skel, abjad,
                                 same_shape, initials, same_sound)
    flat = [np.ascontiguousarray(a).ravel() for a in arrays]
    return np.asarray(_part_sims(*flat)).reshape(arrays[0].shape)


@njit(cache=True)
def _one_word_scores(ratio: np.ndarray) -> np.ndarray:
    out = np.empty(len(ratio), dtype=np.float32)
    for i in range(len(ratio)):
        out[i] = min(_stretch(ratio[i]), np.float32(1.0))
    return out


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
        (q.romanised[:, None] | u.romanised[None, :]) & share_sound(q.sounds[:, None, :], u.sounds[None, :, :]),
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


def aggregate_pairs(m: np.ndarray, wq: np.ndarray, wc: np.ndarray) -> np.ndarray:
    """:func:`aggregate` for P independent name pairs: ``m`` (P, Q, T), ``wq`` (P, Q) and
    ``wc`` (P, T), weight 0 marking padding on either side (padding never pairs)."""
    n_pairs, nq_parts, n_t = m.shape
    if nq_parts == 0 or n_t == 0 or n_pairs == 0:
        return np.zeros(n_pairs, dtype=np.float32)
    f32 = partial(np.ascontiguousarray, dtype=np.float32)
    return _greedy_scores(f32(m), f32(wq), f32(wc), np.float32(UNMATCHED_BELOW), np.float32(UNMATCHED_DISCOUNT))


# Why by hand (numba): a single query aligns a hundred small matrices; in numpy that cost a few
# dozen array calls per round of the greedy pairing, far more than the arithmetic. float32
# throughout and sums left to right, padding included, as in aggregate_one: a wider batch
# (more padding) gives the same bits.
@njit(cache=True)
def _greedy_scores(m: np.ndarray, wq: np.ndarray, wc: np.ndarray, below: np.float32,
                   discount: np.float32) -> np.ndarray:
    n_pairs, nq_parts, n_t = m.shape
    out = np.zeros(n_pairs, dtype=np.float32)
    work = np.empty((nq_parts, n_t), dtype=np.float32)
    best_q = np.empty(nq_parts, dtype=np.float32)
    best_c = np.empty(n_t, dtype=np.float32)
    zero = np.float32(0.0)
    for p in range(n_pairs):
        for i in range(nq_parts):
            for t in range(n_t):
                work[i, t] = m[p, i, t] if wq[p, i] > zero and wc[p, t] > zero else np.float32(-1.0)
        best_q[:] = zero
        best_c[:] = zero
        pairs = 0
        for _ in range(min(nq_parts, n_t)):
            v = work[0, 0]
            qi = tj = 0
            for i in range(nq_parts):
                for t in range(n_t):
                    if work[i, t] > v:
                        v, qi, tj = work[i, t], i, t
            if v <= zero:
                break
            best_q[qi] = max(best_q[qi], v)
            best_c[tj] = max(best_c[tj], v)
            pairs += v >= below
            work[qi, :] = np.float32(-1.0)
            work[:, tj] = np.float32(-1.0)
        # the longer name's unmatched parts count less (missing middle names, extra patronymics),
        # once at least two parts agree: a one-word alias does not cover a full name
        several = pairs >= 2
        nq = nc = 0
        for i in range(nq_parts):
            nq += wq[p, i] > zero
        for t in range(n_t):
            nc += wc[p, t] > zero
        num_q = den_q = num_c = den_c = zero
        for i in range(nq_parts):
            w = wq[p, i] * discount if several and nq > nc and best_q[i] < below else wq[p, i]
            num_q += w * best_q[i]
            den_q += w
        for t in range(n_t):
            w = wc[p, t] * discount if several and nc > nq and best_c[t] < below else wc[p, t]
            num_c += w * best_c[t]
            den_c += w
        den = den_q + den_c
        if den > zero:
            out[p] = (num_q + num_c) / den
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
            q = b.parts[j]
            pairs.append({"query": p.text, "candidate": q.text, "similarity": round(best, 3), "by": part_relation(p, q)})
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


def joined_runs(name: AnalysedName, threes: bool = False) -> list[Part]:
    """Every two adjacent name parts written as one word (for finding compounds), adjacent as
    written and, for a surname written first, as spoken ('ZADEH, Mohammed Khalil': khalilzadeh);
    with ``threes`` (company names), every three too ('DIVE TECHNO SERVICES', 'NAM CHON GANG')."""
    parts = name.parts
    pairs = list(pairwise(parts))
    if name.surname_first:
        pairs.append((parts[-1], parts[0]))
    runs = [joined(a, b) for a, b in pairs
            if a.kind == NAME and b.kind == NAME and len(a.text) + len(b.text) >= JOIN_MIN_CHARS]
    if threes:
        runs += [joined(joined(a, b), c) for a, b, c in zip(parts, parts[1:], parts[2:], strict=False)
                 if a.kind == b.kind == c.kind == NAME]
    return runs


def joined_score(ratio: np.ndarray | float) -> np.ndarray:
    """Name score of two names compared as one word each, from their Indel ratio."""
    flat = np.asarray(ratio, dtype=np.float32)
    return np.asarray(_one_word_scores(flat.ravel())).reshape(flat.shape)


def as_one_word(a: AnalysedName, b: AnalysedName) -> tuple[str, str, float] | None:
    """Both names as one word each and their score, when they split into a different number
    of words (else None)."""
    sa, sb = squashed(a.spoken_parts), squashed(b.spoken_parts)
    if not (sa and sb) or word_count(a.parts) == word_count(b.parts):
        return None
    return sa, sb, float(joined_score(Indel.normalized_similarity(sa, sb)))


BLEND_MIN_CHARS = 7  # a one-word company name this long may blend another name's words
BLEND_FACTOR = 0.85  # a blend is strong evidence but not the same name: alone it never alerts


def blend_score(word: str, parts: Sequence[Part]) -> float:
    """How well one word blends the name parts ``parts`` as Spanish and Cuban company names do:
    the start of each part but the last, then the last ('FINCIMEX' = FINanciera + CIMEX,
    'COLCERDOS' = COLombiana de + CERDOS). 0 when it does not."""
    texts = [p.text for p in parts if p.kind == NAME]
    if len(word) < BLEND_MIN_CHARS or len(texts) < 2:
        return 0.0
    pos = 0
    for text in texts[:-1]:
        n = 0
        while n < len(text) and pos + n < len(word) and word[pos + n] == text[n]:
            n += 1
        if n < (3 if pos == 0 else 2):
            return 0.0
        pos += n
    if len(word) - pos < 4:
        return 0.0
    return BLEND_FACTOR * float(joined_score(Indel.normalized_similarity(word, word[:pos] + texts[-1])))


def blend_probes(name: AnalysedName) -> list[Part]:
    """The one-word parts a company name may blend with (for finding blends), both ways with
    the first word cut to 3-5 letters: a one-word name's endings ('colcerdos': cerdos, erdos),
    and a name of two or three words as the start of its first word and the rest
    ('colombiana cerdos': colcerdos, colocerdos, colomcerdos)."""
    texts = [p.text for p in name.parts if p.kind == NAME]
    like = name.parts[0] if name.parts else None
    if word_count(name.parts) == 1 and len(texts) == 1 and len(texts[0]) >= BLEND_MIN_CHARS:
        word = texts[0]
        return [word_part(word[i:], like) for i in range(3, min(6, len(word) - 3))]
    if 2 <= len(texts) <= 3:
        rest = "".join(texts[1:])
        return [word_part(texts[0][:k] + rest, like) for k in range(3, min(6, len(texts[0])))]
    return []


def as_blend(a: AnalysedName, b: AnalysedName) -> tuple[str, str, float] | None:
    """Company names only: a one-word name against a name of several words that it may blend,
    (a's words, b's words, score); None when neither is one word and the other several."""
    wa, wb = word_count(a.parts), word_count(b.parts)
    if wa == 1 and wb >= 2:
        score = blend_score(squashed(a.parts), b.parts)
    elif wb == 1 and wa >= 2:
        score = blend_score(squashed(b.parts), a.parts)
    else:
        return None
    return " ".join(p.text for p in a.parts if p.kind == NAME), " ".join(p.text for p in b.parts if p.kind == NAME), score


def finish(score: float, a: AnalysedName, b: AnalysedName) -> float:
    if a.key == b.key and a.parts:
        return 1.0
    return float(min(max(score, 0.0), NON_IDENTICAL_CAP))


@lru_cache(maxsize=100_000)
def arrays_of(name: AnalysedName) -> PartArrays:
    return PartArrays.of(name.parts)


def _skel(p: Part) -> str:
    return p.skeleton if len(p.skeleton) >= 2 else "\x00" + p.text


def part_relation(p: Part, q: Part) -> str:
    """The strongest relation :func:`part_sim` saw between two parts, for explanations:
    'same', 'variant' (known spellings of one name), 'skeleton' (same consonants), 'sound'
    (a shared sound key across scripts), 'initial' or 'spelling' (letters in common only)."""
    pv, qv = p.variant, q.variant
    other_group = pv >= 0 and qv >= 0 and pv != qv
    if p.text == q.text:
        return "same"
    if pv >= 0 and pv == qv:
        return "variant"
    if _skel(p) == _skel(q) and not other_group:
        return "skeleton"
    if _sound_across_scripts(p, q) and not other_group:
        return "sound"
    if (p.kind == INITIAL or q.kind == INITIAL) and p.text[:1] == q.text[:1]:
        return "initial"
    return "spelling"


def part_similarity(p: Part, q: Part) -> float:
    """:func:`part_sim` of two parts (no arrays): the value :func:`similarity_matrix` gives them."""
    pv, qv = p.variant, q.variant
    return float(part_sim(np.float32(Indel.normalized_similarity(p.text, q.text)), pv >= 0 and pv == qv,
                          pv >= 0 and qv >= 0 and pv != qv, _skel(p) == _skel(q), p.abjad or q.abjad,
                          p.shape == q.shape, (p.kind == INITIAL or q.kind == INITIAL) and p.text[:1] == q.text[:1],
                          _sound_across_scripts(p, q)))


def _sound_across_scripts(p: Part, q: Part) -> bool:
    """One of the parts was romanised from another script and they share a sound key."""
    return (p.romanised or q.romanised) and bool(share_sound(np.array(part_sounds(p)), np.array(part_sounds(q))))


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
    a: AnalysedName, b: AnalysedName, wa: np.ndarray | None = None, wb: np.ndarray | None = None,
    org: bool = False,
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
    blend = as_blend(a, b) if org else None
    if blend is not None and blend[2] > raw:
        sa, sb, raw = blend
        explanation["blend"] = {"a": sa, "b": sb, "score": round(raw, 4)}
    return NameScore(finish(raw, a, b), explanation)


def compare_names(a: str, b: str, schema: str | None = None) -> NameScore:
    """Compare two names in any of the supported scripts; score in [0, 1] with an explanation."""
    org = is_org_schema(schema)
    return compare_analysed(analyse(a, org), analyse(b, org), org=org)
