"""The compiled loops of the index against plain-Python statements of the same rules."""

from __future__ import annotations

import numpy as np
import pytest
from rapidfuzz.distance import Indel

from smartsanctions.names.compare import part_sim
from smartsanctions.names.sounds import MAX_KEYS
from smartsanctions.screening.index import part_records
from smartsanctions.screening.kernels import (
    FLAGS,
    INLINE_FLAG,
    INLINE_MAX,
    _lcs,
    _lcs_with_masks,
    _match_masks,
    best_form_per_entry,
    best_matches,
    bucket_starts,
    candidate_pairs,
    code_points,
    find_hashes,
    pair_sims,
    reached_parts,
    string_hashes,
    top_forms,
)


def _csr(rng: np.random.Generator, n_rows: int, n_ids: int, max_len: int) -> tuple[np.ndarray, np.ndarray]:
    lengths = rng.integers(0, max_len + 1, n_rows)
    ptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    return ptr, rng.integers(0, n_ids, int(ptr[-1])).astype(np.int32)


def test_top_forms_ranks_by_summed_weight_ties_to_the_first_reached() -> None:
    rng = np.random.default_rng(3)
    n_forms, n_vocab, keep = 300, 200, 12
    post_ptr, post_ids = _csr(rng, n_vocab, n_forms, 9)
    query_ptr = np.array([0, 15, 15, 40, 41], dtype=np.int64)  # one query reaches nothing
    vids = rng.integers(0, n_vocab, 41).astype(np.int32)
    # few distinct weights: many tied sums, so the tie rule is exercised
    wsims = rng.choice(np.array([0.25, 0.5, 1.0], dtype=np.float32), 41)
    acc, seen = np.zeros(n_forms), np.zeros(n_forms, dtype=np.bool_)
    ptr, forms = top_forms(post_ptr, post_ids, query_ptr, vids, wsims, keep, acc, seen)
    assert not acc.any() and not seen.any()  # the scratch space is left clean for the next call
    for j in range(len(query_ptr) - 1):
        totals: dict[int, float] = {}  # insertion order = order reached
        for i in range(query_ptr[j], query_ptr[j + 1]):
            for f in post_ids[post_ptr[vids[i]] : post_ptr[vids[i] + 1]].tolist():
                totals[f] = totals.get(f, 0.0) + float(wsims[i])
        expected = sorted(totals, key=lambda f: -totals[f])[:keep]  # sorted() is stable
        assert forms[ptr[j] : ptr[j + 1]].tolist() == expected
    assert ptr[2] == ptr[1]  # the query that reaches nothing gets nothing


def test_candidate_pairs_maps_every_slot_to_its_query_s_distinct_pair() -> None:
    rng = np.random.default_rng(5)
    n_vocab, width = 50, 4
    form_tok = np.full((30, width), -1, dtype=np.int32)
    for f in range(30):  # parts first, then padding, as in the index
        n = int(rng.integers(1, width + 1))
        form_tok[f, :n] = rng.integers(0, 12, n)  # a small vocabulary: many repeated pairs
    counts = np.array([3, 5, 3, 40], dtype=np.int64)
    q_ptr = np.array([0, 2, 5, 7, 9], dtype=np.int64)
    q_parts = np.array([0, 1, 1, 2, 3, 0, 1, 4, 5], dtype=np.int64)
    widths = np.array([4, 3, 4, 4], dtype=np.int64)  # the second query's forms only up to 3 parts
    forms = rng.integers(0, 30, int(counts.sum())).astype(np.int32)
    forms[3:8] = np.flatnonzero(form_tok[:, 3] < 0)[:5]
    forms[8:11] = forms[0:3]  # the third query repeats the first: same pairs, its own positions
    pairs, slots = candidate_pairs(counts, q_ptr, q_parts, forms, form_tok, widths, n_vocab)
    s = row = start = 0
    for j, c in enumerate(counts.tolist()):
        mine: set[int] = set()
        for _ in range(c):
            for qp in q_parts[q_ptr[j] : q_ptr[j + 1]].tolist():
                for v in form_tok[forms[row], : widths[j]].tolist():
                    assert (slots[s] == -1) if v < 0 else (pairs[slots[s]] == qp * n_vocab + v)
                    mine.add(int(slots[s]))
                    s += 1
            row += 1
        mine.discard(-1)
        # each of the query's pairs once, after the earlier queries' pairs
        assert sorted(mine) == list(range(start, start + len(mine)))
        assert len({int(pairs[p]) for p in mine}) == len(mine)
        start += len(mine)
    assert s == len(slots) and start == len(pairs)


def test_reached_parts_are_the_sorted_distinct_parts_of_each_owners_keys() -> None:
    rng = np.random.default_rng(9)
    key_ptr, key_ids = _csr(rng, 40, 25, 6)
    owner = np.sort(rng.integers(0, 5, 60)).astype(np.int64)
    pos = rng.integers(-1, 40, 60).astype(np.int64)  # -1: a key the index does not have
    pq, pv = reached_parts(key_ptr, key_ids, pos, owner, 5)
    expected = sorted({(int(o), int(v)) for o, p in zip(owner, pos, strict=True) if p >= 0
                       for v in key_ids[key_ptr[p] : key_ptr[p + 1]]})
    assert list(zip(pq.tolist(), pv.tolist(), strict=True)) == expected
    assert len(expected) > 20


@pytest.mark.parametrize("keep_all", [False, True])
def test_best_form_per_entry_keeps_each_entrys_best_name_in_entry_order(keep_all: bool) -> None:
    rng = np.random.default_rng(13)
    form_ptr, form_names = _csr(rng, 20, 60, 3)
    name_entry = rng.integers(0, 15, 60).astype(np.int32)
    counts = np.array([7, 0, 9], dtype=np.int64)
    forms = rng.integers(0, 20, 16).astype(np.int32)
    scores = rng.choice(np.array([0.3, 0.6, 0.9], dtype=np.float32), 16)  # ties
    ptr, rows, best, names = best_form_per_entry(counts, forms, scores, form_ptr, form_names, name_entry, 15,
                                                 np.float32(0.5), np.array([keep_all] * 3))
    start = 0
    for j, c in enumerate(counts.tolist()):
        winner: dict[int, tuple[float, int, int]] = {}
        for r in range(start, start + c):
            for n in form_names[form_ptr[forms[r]] : form_ptr[forms[r] + 1]].tolist():
                e = int(name_entry[n])
                if e not in winner or scores[r] > winner[e][0]:
                    winner[e] = (float(scores[r]), r - start, n)
        expected = [(r, s, n) for _, (s, r, n) in sorted(winner.items()) if keep_all or s >= 0.5]
        got = list(zip(rows[ptr[j] : ptr[j + 1]].tolist(), best[ptr[j] : ptr[j + 1]].tolist(),
                       names[ptr[j] : ptr[j + 1]].tolist(), strict=True))
        assert got == expected
        start += c
    assert ptr[-1] > 0


def test_best_matches_are_the_best_allowed_names_by_score_ties_to_the_lower_entry() -> None:
    rng = np.random.default_rng(13)
    name_entry = np.arange(400, dtype=np.int32) // 2  # two names per entry
    entry_schema = rng.integers(0, 3, 200).astype(np.int16)
    schema_ok = np.array([True, False, True])
    for trial in range(20):
        names = np.sort(rng.choice(400, 60, replace=False)).astype(np.int32)  # entry order
        # few distinct scores: many ties; 0.7 is not exact in float32, so the floor's type matters
        scores = rng.choice(np.array([0.5, 0.7, 0.9, 1.0], dtype=np.float32), 60)
        floor, limit = (0.7, 100) if trial % 2 else (0.5, 10)
        top = best_matches(scores, names, name_entry, entry_schema, schema_ok, np.float32(floor), limit)
        allowed = [i for i in range(60) if scores[i] >= np.float32(floor) and schema_ok[entry_schema[name_entry[names[i]]]]]
        expected = sorted(allowed, key=lambda i: (-scores[i], name_entry[names[i]]))[:limit]
        assert top.tolist() == expected
        if trial % 2:  # a score equal to the floor is kept
            assert any(scores[i] == np.float32(0.7) for i in top)
        else:  # the limit holds
            assert len(top) == 10


def test_lcs_both_ways_gives_rapidfuzz_indel_ratio_bit_for_bit() -> None:
    """The compiled Indel ratio replaces rapidfuzz's in the index: same LCS (bit-parallel for
    patterns up to 64 code points, with ASCII tables or a scan for other letters; dynamic
    programme beyond), same float formula."""
    rng = np.random.default_rng(17)
    alphabet = list("abcdeh") + ["é", "ß", "ش", "中"]
    texts = ["", "a", "x" * 64, "x" * 65, "ab" * 40]
    texts += ["".join(rng.choice(alphabet, int(rng.integers(0, 80)))) for _ in range(300)]
    chars, off = code_points(texts)
    masks = _match_masks(chars, off[:-1], off[1:])
    for i in range(len(texts)):
        for j in rng.integers(0, len(texts), 20).tolist() + [i]:
            a, b = texts[i], texts[j]
            ca, cb = chars[off[i] : off[i + 1]], chars[off[j] : off[j + 1]]
            lcs = _lcs(ca, cb)
            if len(a) <= 64:
                assert _lcs_with_masks(chars, off[i], off[i + 1], masks, i, chars, off[j], off[j + 1]) == lcs
            total = len(a) + len(b)
            ratio = np.float32(1.0 - (total - 2 * lcs) / total) if total else np.float32(1.0)
            assert ratio == np.float32(Indel.normalized_similarity(a, b)), (a, b)


def test_pair_sims_reads_short_ascii_parts_from_their_records_and_others_from_the_text() -> None:
    rng = np.random.default_rng(19)
    alphabet = list("abcdeh") + ["é", "中"]
    texts = ["", "ali", "x" * INLINE_MAX, "x" * (INLINE_MAX + 1), "ab" * 40, "muhammad", "mühammad"]
    texts += ["".join(rng.choice(alphabet[: 6 if k % 2 else 8], int(rng.integers(0, INLINE_MAX + 9)))) for k in range(200)]
    # no relation between any two parts (no variant, distinct skeletons and shapes): the
    # similarity is the stretched Indel ratio alone
    no_sound = (0,) * MAX_KEYS
    codes = [(-1, k, k, 0, 0, *no_sound) for k in range(len(texts))]
    rec = part_records(codes, texts)
    inline = (rec[:, FLAGS] & INLINE_FLAG) != 0
    assert inline.sum() > 50 and (~inline).sum() > 50
    qi = rng.integers(0, len(texts), 3000)
    vi = rng.integers(0, len(texts), 3000)
    q_rec = part_records([(-1, -1 - k, -1 - k, 0, 0, *no_sound) for k in range(len(texts))], texts)
    got = pair_sims(qi, vi, q_rec, code_points(texts)[0], rec, code_points(texts)[0], rec.view(np.uint8).ravel())
    for k in range(len(qi)):
        a, b = texts[qi[k]], texts[vi[k]]
        ratio = np.float32(Indel.normalized_similarity(a, b))
        assert got[k] == part_sim(ratio, False, False, False, False, False, False, False), (a, b)


def test_find_hashes_finds_every_present_hash_and_only_those() -> None:
    rng = np.random.default_rng(23)
    table = np.unique(rng.integers(-(2**63), 2**63 - 1, 50_000, dtype=np.int64))
    # extremes and crowded buckets: hashes sharing their top bits
    table = np.unique(np.concatenate([table, [-(2**63), 2**63 - 1], (7 << 48) + np.arange(300)]))
    absent = rng.integers(-(2**63), 2**63 - 1, 2_000, dtype=np.int64)
    queries = np.concatenate([rng.choice(table, 2_000), absent, [-(2**63), 2**63 - 1, (7 << 48) + 301]])
    got = find_hashes(table, bucket_starts(table), queries)
    pos = np.minimum(np.searchsorted(table, queries), len(table) - 1)
    assert np.array_equal(got, np.where(table[pos] == queries, pos, -1))
    assert (got[:2_000] >= 0).all() and got[-1] == -1
    assert np.array_equal(find_hashes(table[:0], bucket_starts(table[:0]), queries), np.full(len(queries), -1))


def test_string_hashes_are_fnv1a_of_code_points() -> None:
    """The published 64-bit FNV-1a vectors (ASCII: code points are the bytes), so a blob's
    hashes mean the same in every process and version; other scripts hash by code point."""
    got = string_hashes(["", "a", "foobar"]).view(np.uint64).tolist()
    assert got == [0xCBF29CE484222325, 0xAF63DC4C8601EC8C, 0x85944171F73967E8]
    assert len(set(string_hashes(["الأسد", "الاسد", "Асад", "asad"]).tolist())) == 4
