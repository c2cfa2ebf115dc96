"""Compiled loops of the screening index (numba).

Why by hand: a single query touches a few thousand postings and a hundred candidate names,
so its cost in numpy is the fixed cost of a few hundred small array calls, not arithmetic;
these loops do the same work in one compiled call each. The Indel ratio is here too: rapidfuzz
computes the same, but its batch call spends most of its time converting each Python string.
They reproduce the numpy formulations exactly (same float32/float64 operations in the same
order), so results are bit-identical to the vectorised versions they replaced.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import accumulate

import numpy as np
from numba import njit

from smartsanctions.names.compare import part_sim
from smartsanctions.names.sounds import MAX_KEYS


@njit(cache=True)
def top_forms(post_ptr: np.ndarray, post_ids: np.ndarray, query_ptr: np.ndarray, vids: np.ndarray,
              wsims: np.ndarray, keep: int, acc: np.ndarray, seen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per query (its vocabulary parts ``vids[query_ptr[j]:query_ptr[j + 1]]`` with weighted
    similarities ``wsims``), the ``keep`` forms with the highest sum of the weights of the
    parts whose postings hold them; ties go to the form reached first.

    ``acc`` (float64) and ``seen`` (bool), one slot per form, are scratch space: all zero on
    entry and left so. Returns (ptr, forms): query j's forms are ``forms[ptr[j]:ptr[j + 1]]``."""
    n_queries = len(query_ptr) - 1
    out_ptr = np.zeros(n_queries + 1, dtype=np.int64)
    out = np.empty(n_queries * keep, dtype=np.int32)
    touched = np.empty(len(acc), dtype=np.int32)
    for j in range(n_queries):
        n = 0
        for i in range(query_ptr[j], query_ptr[j + 1]):
            w = np.float64(wsims[i])
            v = vids[i]
            for p in range(post_ptr[v], post_ptr[v + 1]):
                f = post_ids[p]
                if not seen[f]:
                    seen[f] = True
                    touched[n] = f
                    n += 1
                acc[f] += w
        neg = np.empty(n, dtype=np.float64)
        for i in range(n):
            neg[i] = -acc[touched[i]]
            acc[touched[i]] = 0.0
            seen[touched[i]] = False
        if n > keep:
            # only the forms that can be among the best need the (stable) sort
            cut = np.partition(neg, keep - 1)[keep - 1]
            pick = np.flatnonzero(neg <= cut)
        else:
            pick = np.arange(n)
        order = pick[np.argsort(neg[pick], kind="mergesort")]
        m = min(keep, n)
        start = out_ptr[j]
        for i in range(m):
            out[start + i] = touched[order[i]]
        out_ptr[j + 1] = start + m
    return out_ptr, out[: out_ptr[n_queries]]


_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)


@njit(cache=True)
def _popcount(x: np.uint64) -> int:
    n = 0
    while x:  # compiled to the processor's popcount
        x &= x - np.uint64(1)
        n += 1
    return n


@njit(cache=True)
def _lcs(a: np.ndarray, b: np.ndarray) -> int:
    """Length of the longest common subsequence of two code-point arrays (the textbook dynamic
    programme: for strings too long for :func:`_lcs_with_masks`)."""
    row = np.zeros(len(a) + 1, dtype=np.int64)
    for c in b:
        diag = 0
        for i in range(len(a)):
            up = row[i + 1]
            row[i + 1] = diag + 1 if a[i] == c else max(up, row[i])
            diag = up
    return int(row[len(a)])


@njit(cache=True)
def _match_masks(chars: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Per string ``chars[starts[k]:ends[k]]`` of at most 64 code points, its bit mask of
    positions per ASCII character (flat: string k's mask of c at ``k * 128 + c``): the pattern
    table of the bit-parallel LCS, built once per query part."""
    masks = np.zeros(len(starts) * 128, dtype=np.uint64)
    for k in range(len(starts)):
        if ends[k] - starts[k] <= 64:
            bit = np.uint64(1)
            for i in range(starts[k], ends[k]):
                if chars[i] < 128:
                    masks[k * 128 + chars[i]] |= bit
                bit <<= np.uint64(1)
    return masks


# inlined: as calls, these two cost three times the comparison itself
@njit(cache=True, inline="always")
def _lcs_with_masks(a: np.ndarray, a0: int, a1: int, masks: np.ndarray, row: int, b: np.ndarray, b0: int,
                    b1: int) -> int:
    """:func:`_lcs` of ``a[a0:a1]`` (at most 64 code points; string ``row`` of
    :func:`_match_masks`) and ``b[b0:b1]``, bit-parallel (Hyyrö); positions, not slices: a
    slice costs more than the comparison of two short names."""
    n = a1 - a0
    base = row * 128
    s = _ONES
    for j in range(b0, b1):
        c = b[j]
        if c < 128:
            match = masks[base + c]
        else:
            match = np.uint64(0)
            bit = np.uint64(1)
            for i in range(a0, a1):
                if a[i] == c:
                    match |= bit
                bit <<= np.uint64(1)
        u = s & match
        s = (s + u) | (s - u)
    unmatched = ~s if n == 64 else ~s & ((np.uint64(1) << np.uint64(n)) - np.uint64(1))
    return _popcount(unmatched)


@njit(cache=True, inline="always")
def _indel_ratio(a: np.ndarray, a0: int, a1: int, masks: np.ndarray, row: int, b: np.ndarray, b0: int,
                 b1: int) -> np.float32:
    """rapidfuzz's ``Indel.normalized_similarity`` of ``a[a0:a1]`` (string ``row`` of
    :func:`_match_masks`) and ``b[b0:b1]``: the same float64 formula, then float32."""
    total = a1 - a0 + b1 - b0
    if total == 0:
        return np.float32(1.0)
    if a1 == a0 or b1 == b0:
        return np.float32(0.0)
    lcs = _lcs_with_masks(a, a0, a1, masks, row, b, b0, b1) if a1 - a0 <= 64 else _lcs(a[a0:a1], b[b0:b1])
    return np.float32(1.0 - (total - 2 * lcs) / total)


@njit(cache=True)
def indel_ratios(qi: np.ndarray, vi: np.ndarray, q_text: tuple[np.ndarray, np.ndarray],
                 v_text: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Indel ratios of strings ``qi`` of one side against strings ``vi`` of the other,
    element-wise; texts as (code points, offsets)."""
    q_chars, q_off = q_text
    v_chars, v_off = v_text
    masks = _match_masks(q_chars, q_off[:-1], q_off[1:])
    out = np.empty(len(qi), dtype=np.float32)
    for k in range(len(qi)):
        a, b = qi[k], vi[k]
        out[k] = _indel_ratio(q_chars, q_off[a], q_off[a + 1], masks, a, v_chars, v_off[b], v_off[b + 1])
    return out


# a name part's record (index.part_records), 64 bytes (16 int32): all that comparing it with
# another part reads of it, so a comparison touches one cache line of the vocabulary, not four
# FLAGS: the *_FLAG bits below; SOUND: names.sounds codes
VAR, SKEL, SHAPE, FIRST, FLAGS, SOUND = range(6)
START = SOUND + MAX_KEYS
END = START + 1
INITIAL_FLAG, ABJAD_FLAG, ROMANISED_FLAG, INLINE_FLAG = 1, 2, 4, 8  # INLINE: the text is in the record
RECORD_INTS = 16
INLINE_AT = 4 * (END + 1)  # byte where the text of a short ASCII part (INLINE_FLAG) is repeated
INLINE_MAX = 4 * RECORD_INTS - INLINE_AT


@njit(cache=True)
def pair_sims(qi: np.ndarray, vi: np.ndarray, q_rec: np.ndarray, q_chars: np.ndarray, v_rec: np.ndarray,
              v_chars: np.ndarray, v_bytes: np.ndarray) -> np.ndarray:
    """``names.compare.part_sim`` of query parts ``qi`` against vocabulary parts ``vi``,
    element-wise, from their records and code points (``v_bytes``: ``v_rec`` as flat bytes)."""
    masks = _match_masks(q_chars, q_rec[:, START], q_rec[:, END])
    out = np.empty(len(qi), dtype=np.float32)
    for k in range(len(qi)):
        a, b = qi[k], vi[k]  # rows by position: a row view would cost a reference count
        a0, a1 = q_rec[a, START], q_rec[a, END]
        flags = q_rec[a, FLAGS] | v_rec[b, FLAGS]
        if v_rec[b, FLAGS] & INLINE_FLAG:
            at = b * 4 * RECORD_INTS + INLINE_AT
            ratio = _indel_ratio(q_chars, a0, a1, masks, a, v_bytes, at, at + v_rec[b, END] - v_rec[b, START])
        else:
            ratio = _indel_ratio(q_chars, a0, a1, masks, a, v_chars, v_rec[b, START], v_rec[b, END])
        qv, vv = q_rec[a, VAR], v_rec[b, VAR]
        same_sound = False
        if flags & ROMANISED_FLAG:
            for i in range(SOUND, SOUND + MAX_KEYS):
                for j in range(SOUND, SOUND + MAX_KEYS):
                    same_sound |= q_rec[a, i] != 0 and q_rec[a, i] == v_rec[b, j]
        out[k] = part_sim(
            ratio,
            qv >= 0 and qv == vv,
            qv >= 0 and vv >= 0 and qv != vv,
            q_rec[a, SKEL] == v_rec[b, SKEL],
            (flags & ABJAD_FLAG) != 0,
            q_rec[a, SHAPE] == v_rec[b, SHAPE],
            (flags & INITIAL_FLAG) != 0 and q_rec[a, FIRST] == v_rec[b, FIRST],
            same_sound,
        )
    return out


@njit(cache=True)
def best_form_per_entry(counts: np.ndarray, forms: np.ndarray, scores: np.ndarray, form_ptr: np.ndarray,
                        form_names: np.ndarray, name_entry: np.ndarray, n_entries: int, cut: np.float32,
                        keep_all: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per query (``counts[j]`` consecutive candidate ``forms`` with their ``scores``), the best
    form of each entry among the names of its candidate forms (the first one on ties), in entry
    order, keeping entries scoring at least ``cut`` (all if ``keep_all[j]``).

    Returns (ptr, rows, scores, names): query j's are ``[ptr[j]:ptr[j + 1]]``, rows counted
    from the query's first candidate form."""
    n_queries = len(counts)
    seen = np.zeros(n_entries, dtype=np.bool_)
    best_row = np.empty(n_entries, dtype=np.int64)
    best_name = np.empty(n_entries, dtype=np.int32)
    total = 0
    for f in forms:
        total += form_ptr[f + 1] - form_ptr[f]
    out_ptr = np.zeros(n_queries + 1, dtype=np.int64)
    out_rows = np.empty(total, dtype=np.int64)
    out_scores = np.empty(total, dtype=np.float32)
    out_names = np.empty(total, dtype=np.int32)
    touched = np.empty(total, dtype=np.int32)
    a = 0
    for j in range(n_queries):
        b = a + counts[j]
        n = 0
        for r in range(a, b):
            for p in range(form_ptr[forms[r]], form_ptr[forms[r] + 1]):
                name = form_names[p]
                e = name_entry[name]
                if not seen[e]:
                    seen[e] = True
                    touched[n] = e
                    n += 1
                elif scores[r] <= scores[best_row[e]]:
                    continue
                best_row[e] = r
                best_name[e] = name
        ents = np.sort(touched[:n])
        k = out_ptr[j]
        for e in ents:
            seen[e] = False
            r = best_row[e]
            if scores[r] >= cut or keep_all[j]:
                out_rows[k] = r - a
                out_scores[k] = scores[r]
                out_names[k] = best_name[e]
                k += 1
        out_ptr[j + 1] = k
        a = b
    return out_ptr, out_rows[: out_ptr[n_queries]], out_scores[: out_ptr[n_queries]], out_names[: out_ptr[n_queries]]


@njit(cache=True)
def best_matches(scores: np.ndarray, names: np.ndarray, name_entry: np.ndarray, entry_schema: np.ndarray,
                 schema_ok: np.ndarray, floor: np.float32, limit: int) -> np.ndarray:
    """Positions of the best ``limit`` of one query's names (one per entry, in entry order, as
    :func:`best_form_per_entry` gives them) that score at least ``floor`` and whose entry's
    schema ``schema_ok`` allows: by score, ties to the earlier position (the lower entry)."""
    pick = np.empty(len(scores), dtype=np.int64)
    n = 0
    for i in range(len(scores)):
        if scores[i] >= floor and schema_ok[entry_schema[name_entry[names[i]]]]:
            pick[n] = i
            n += 1
    m = min(limit, n)
    # a selection: a query keeps ten or so of a few hundred names
    for k in range(m):
        best = k
        for t in range(k + 1, n):
            if scores[pick[t]] > scores[pick[best]] or (
                    scores[pick[t]] == scores[pick[best]] and pick[t] < pick[best]):
                best = t
        pick[k], pick[best] = pick[best], pick[k]
    return pick[:m]


_HASH_MUL = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing


@njit(cache=True)
def _table_bits(n_keys: int) -> int:
    """Bits of a hash table for ``n_keys`` keys: at least twice as many slots (and 16)."""
    bits = 4
    while (1 << bits) < 2 * n_keys:
        bits += 1
    return bits


@njit(cache=True)
def candidate_pairs(counts: np.ndarray, q_ptr: np.ndarray, q_parts: np.ndarray, forms: np.ndarray,
                    form_tok: np.ndarray, widths: np.ndarray, n_vocab: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (query part, vocabulary part) pairs of each query: query j (parts
    ``q_parts[q_ptr[j]:q_ptr[j + 1]]``) against its ``counts[j]`` consecutive candidate
    ``forms`` (parts ``form_tok[form, :widths[j]]``, -1 padded).

    Returns (pairs, slots): pair keys ``query part * n_vocab + vocabulary part``, each query's
    in order of first appearance, and for every candidate row, query part and form-part column
    in turn, the pair's position in ``pairs`` (-1: no form part there). Pairs are distinct
    per query, not per batch: across queries they repeat little (~4 %), and a table per query
    stays in the processor's cache."""
    n_slots = 0
    largest = 0
    for j in range(len(counts)):
        size = counts[j] * (q_ptr[j + 1] - q_ptr[j]) * widths[j]
        n_slots += size
        largest = max(largest, size)
    slots = np.full(n_slots, -1, dtype=np.int64)
    pairs = np.empty(n_slots, dtype=np.int64)
    table_key = np.full(1 << _table_bits(largest), -1, dtype=np.int64)  # open addressing, cleared per query
    table_pos = np.empty(len(table_key), dtype=np.int64)
    n_pairs = 0
    s = 0
    row = 0
    for j in range(len(counts)):
        bits = _table_bits(counts[j] * (q_ptr[j + 1] - q_ptr[j]) * widths[j])
        mask = (1 << bits) - 1
        shift = np.uint64(64 - bits)
        first = n_pairs
        for _ in range(counts[j]):
            form = forms[row]
            row += 1
            for i in range(q_ptr[j], q_ptr[j + 1]):
                base = q_parts[i] * n_vocab
                for t in range(widths[j]):
                    v = form_tok[form, t]
                    if v >= 0:
                        key = base + v
                        h = np.int64((np.uint64(key) * _HASH_MUL) >> shift)
                        while table_key[h] != -1 and table_key[h] != key:
                            h = (h + 1) & mask
                        if table_key[h] == -1:
                            table_key[h] = key
                            table_pos[h] = n_pairs
                            pairs[n_pairs] = key
                            n_pairs += 1
                        slots[s] = table_pos[h]
                    s += 1
        for p in range(first, n_pairs):  # clear this query's entries
            h = np.int64((np.uint64(pairs[p]) * _HASH_MUL) >> shift)
            while table_key[h] != pairs[p]:
                h = (h + 1) & mask
            table_key[h] = -1
    return pairs[:n_pairs], slots


@njit(cache=True)
def reached_parts(key_ptr: np.ndarray, key_ids: np.ndarray, pos: np.ndarray, owner: np.ndarray,
                  n_owners: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (owner, vocabulary part) pairs that blocking keys reach, sorted: key k
    (``pos[k]`` in the key table, -1 if absent) belongs to query part ``owner[k]`` (ascending)
    and reaches the vocabulary parts ``key_ids[key_ptr[pos[k]]:key_ptr[pos[k] + 1]]``."""
    total = 0
    for p in pos:
        if p >= 0:
            total += key_ptr[p + 1] - key_ptr[p]
    out_owner = np.empty(total, dtype=np.int64)
    out_vid = np.empty(total, dtype=np.int64)
    buf = np.empty(total, dtype=np.int64)
    n = 0
    k = 0
    for o in range(n_owners):
        m = 0
        while k < len(pos) and owner[k] == o:
            p = pos[k]
            k += 1
            if p >= 0:
                for i in range(key_ptr[p], key_ptr[p + 1]):
                    buf[m] = key_ids[i]
                    m += 1
        vids = np.sort(buf[:m])
        for i in range(m):
            if i == 0 or vids[i] != vids[i - 1]:
                out_owner[n] = o
                out_vid[n] = vids[i]
                n += 1
    return out_owner[:n], out_vid[:n]


FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)


@njit(cache=True, inline="always")
def fnv_mix(h: np.uint64, c: int) -> np.uint64:
    """One step of 64-bit FNV-1a, over a code point."""
    return (h ^ np.uint64(c)) * _FNV_PRIME


@njit(cache=True)
def _string_hashes(chars: np.ndarray, off: np.ndarray) -> np.ndarray:
    out = np.empty(len(off) - 1, dtype=np.uint64)
    for k in range(len(off) - 1):
        h = FNV_OFFSET
        for i in range(off[k], off[k + 1]):
            h = fnv_mix(h, chars[i])
        out[k] = h
    return out.view(np.int64)


def string_hashes(texts: Sequence[str]) -> np.ndarray:
    """64-bit FNV-1a hashes of strings' code points (int64), the same in every process
    (``str.__hash__`` is salted per process, and blobs travel)."""
    return _string_hashes(*code_points(texts))


def code_points(texts: Sequence[str] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Strings as one array of code points (uint32) and their offsets, for compiled loops."""
    return np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32), offsets(texts)


def offsets(texts: Sequence[str] | np.ndarray) -> np.ndarray:
    """Where each of ``texts`` starts in their concatenation, and where the last ends."""
    return prefix_sums(map(len, texts))


def prefix_sums(values: Iterable[int]) -> np.ndarray:
    """0 and the running totals of ``values`` (int64): CSR pointers from sizes. From an
    iterable, not through ``np.cumsum`` of a list, which costs five times more on the few
    values of one query."""
    return np.fromiter(accumulate(values, initial=0), dtype=np.int64)


BUCKET_BITS = 16


def bucket_starts(table: np.ndarray) -> np.ndarray:
    """For :func:`find_hashes`: where each bucket of hashes sharing their top ``BUCKET_BITS``
    bits starts in the sorted int64 ``table``, and its end."""
    shift = 64 - BUCKET_BITS
    bounds = (np.arange(1 << BUCKET_BITS, dtype=np.int64) - (1 << (BUCKET_BITS - 1))) << shift
    return np.append(np.searchsorted(table, bounds), len(table)).astype(np.int64)


@njit(cache=True)
def find_hashes(table: np.ndarray, starts: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """Positions of ``hashes`` in the sorted ``table`` (-1 where absent): a scan of one small
    bucket (``bucket_starts``) instead of a binary search whose every step misses the cache."""
    out = np.full(len(hashes), -1, dtype=np.int64)
    for k in range(len(hashes)):
        h = hashes[k]
        b = (h >> (64 - BUCKET_BITS)) + (1 << (BUCKET_BITS - 1))
        for i in range(starts[b], starts[b + 1]):
            if table[i] >= h:
                if table[i] == h:
                    out[k] = i
                break
    return out
