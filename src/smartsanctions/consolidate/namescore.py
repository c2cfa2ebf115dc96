"""Best name score between one record and many others, with the screening's name comparison.

The part similarity, the weighting and the aggregation are ``smartsanctions.names``'
(the same code screening uses); this module only batches them: one record's name is
compared with every name of all its candidates in one vectorised call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from smartsanctions.names.analyse import AnalysedName
from smartsanctions.names.compare import (
    PartArrays,
    aggregate,
    explain_pair,
    finish,
    similarity_matrix,
    static_weights,
)


def same_parts(a: AnalysedName, b: AnalysedName) -> bool:
    """The same name parts, in any order ("AL-ASSAD, Bashar" / "Bashar AL ASSAD")."""
    return bool(a.parts) and sorted(a.texts) == sorted(b.texts)


PREFILTER = 50  # token-set ratio (0..100) below which a name pair is not compared in full


@dataclass(frozen=True)
class BestName:
    score: float
    left: AnalysedName | None
    right: AnalysedName | None


class _Flat:
    """All names of a group of records, their parts concatenated, padded per name."""

    def __init__(self, groups: Sequence[Sequence[AnalysedName]]) -> None:
        self.names: list[AnalysedName] = [n for g in groups for n in g]
        self.owner = np.array([i for i, g in enumerate(groups) for _ in g], dtype=np.int64)
        parts = [p for n in self.names for p in n.parts]
        self.arrays = PartArrays.of(parts)
        width = max((len(n.parts) for n in self.names), default=0)
        self.index = np.zeros((len(self.names), width), dtype=np.int64)
        self.weights = np.zeros((len(self.names), width), dtype=np.float32)
        pos = 0
        for row, name in enumerate(self.names):
            count = len(name.parts)
            self.index[row, :count] = np.arange(pos, pos + count)
            self.weights[row, :count] = static_weights(name)
            pos += count
        self.keys = [" ".join(sorted(n.texts)) for n in self.names]


def best_names(left: Sequence[AnalysedName], candidates: Sequence[Sequence[AnalysedName]]) -> list[BestName]:
    """For each candidate (a list of names), the best-scoring pair of names with ``left``."""
    best = [BestName(0.0, None, None) for _ in candidates]
    if not left or not candidates:
        return best
    flat = _Flat(candidates)
    if not flat.names:
        return best
    scores = np.zeros(len(candidates), dtype=np.float32)
    which: list[tuple[int, int]] = [(-1, -1)] * len(candidates)
    for li, name in enumerate(left):
        if not name.parts:
            continue
        own_key = " ".join(sorted(name.texts))
        m = similarity_matrix(PartArrays.of(name.parts), flat.arrays)  # (q, P)
        padded = m[:, flat.index]  # (q, N, T); padding columns carry weight 0
        raw = aggregate(padded, static_weights(name), flat.weights)  # (N,)
        for ni, value in enumerate(raw.tolist()):
            value = 1.0 if flat.keys[ni] == own_key else min(value, 0.99)
            owner = int(flat.owner[ni])
            if value > scores[owner]:
                scores[owner] = value
                which[owner] = (li, ni)
    for ci, (li, ni) in enumerate(which):
        if li >= 0:
            a, b = left[li], flat.names[ni]
            score = 1.0 if same_parts(a, b) else float(finish(float(scores[ci]), a, b))
            best[ci] = BestName(score, a, b)
    return best


def explain(a: AnalysedName, b: AnalysedName) -> dict[str, object]:
    m = similarity_matrix(PartArrays.of(a.parts), PartArrays.of(b.parts))
    return explain_pair(a, b, m)


class NameIndex:
    """Every name of every record, analysed once and held as one set of part arrays.

    Scoring a record against its candidates then only gathers slices of these arrays,
    instead of rebuilding them per pair.
    """

    def __init__(self, groups: Sequence[Sequence[AnalysedName]]) -> None:
        self.names: list[AnalysedName] = [n for g in groups for n in g]
        counts = np.array([len(g) for g in groups], dtype=np.int64)
        self.group_start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        lengths = np.array([len(n.parts) for n in self.names], dtype=np.int64)
        self.name_len = lengths
        self.name_start = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        self.parts = PartArrays.of([p for n in self.names for p in n.parts])
        self.part_weight = (
            np.concatenate([static_weights(n) for n in self.names]).astype(np.float32)
            if self.names
            else np.zeros(0, dtype=np.float32)
        )
        keys: dict[str, int] = {}
        sorted_texts = [" ".join(sorted(n.texts)) for n in self.names]
        self.key_id = np.array([keys.setdefault(k, len(keys)) for k in sorted_texts], dtype=np.int64)
        self.sorted_texts = sorted_texts

    def _promising(self, left_names: Sequence[int], name_ids: np.ndarray) -> list[int]:
        """Left names worth the full comparison: a cheap whole-name similarity to some
        candidate name reaches :data:`PREFILTER`. Saves most of the work for records
        with many aliases; a name this far from all others cannot score high."""
        if len(left_names) == 1:
            return list(left_names)
        cheap = cdist(
            [self.sorted_texts[i] for i in left_names],
            [self.sorted_texts[i] for i in name_ids.tolist()],
            scorer=fuzz.token_set_ratio,
            dtype=np.uint8,
            workers=1,
        )
        keep = cheap.max(axis=1) >= PREFILTER
        return [li for li, k in zip(left_names, keep.tolist(), strict=True) if k]

    def names_of(self, group: int) -> range:
        return range(int(self.group_start[group]), int(self.group_start[group + 1]))

    def best(self, left: int, candidates: Sequence[int]) -> list[BestName]:
        """The best name pair of group ``left`` with each candidate group."""
        out = [BestName(0.0, None, None) for _ in candidates]
        left_names = list(self.names_of(left))
        kept = [i for i, c in enumerate(candidates) if self.group_start[c + 1] > self.group_start[c]]
        if not left_names or not kept:
            return out
        cand = np.array([candidates[i] for i in kept], dtype=np.int64)
        starts, ends = self.group_start[cand], self.group_start[cand + 1]
        name_ids = np.concatenate([np.arange(s, e) for s, e in zip(starts.tolist(), ends.tolist(), strict=True)])
        seg_starts = np.concatenate([[0], np.cumsum(ends - starts)[:-1]]).astype(np.int64)
        lengths = self.name_len[name_ids]
        local_start = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        part_ids = np.concatenate(
            [np.arange(self.name_start[n], self.name_start[n] + self.name_len[n]) for n in name_ids.tolist()]
        )
        u = self.parts.take(part_ids)
        width = int(lengths.max())
        cols = np.arange(width)[None, :]
        mask = cols < lengths[:, None]
        index = np.where(mask, local_start[:, None] + cols, 0)
        wc = np.where(mask, self.part_weight[part_ids][index], 0.0).astype(np.float32)
        cand_keys = self.key_id[name_ids]
        best_val = np.full(len(cand), -1.0, dtype=np.float32)
        best_left = np.full(len(cand), -1, dtype=np.int64)
        best_name = np.full(len(cand), -1, dtype=np.int64)
        owner = np.repeat(np.arange(len(cand)), ends - starts)
        for li in self._promising(left_names, name_ids):
            q_ids = np.arange(self.name_start[li], self.name_start[li] + self.name_len[li])
            if not len(q_ids):
                continue
            m = similarity_matrix(self.parts.take(q_ids), u)
            raw = aggregate(m[:, index], self.part_weight[q_ids], wc)
            raw = np.where(cand_keys == self.key_id[li], 1.0, np.minimum(raw, 0.99)).astype(np.float32)
            seg_max = np.maximum.reduceat(raw, seg_starts)
            better = seg_max > best_val
            if better.any():
                # the first name of each candidate that reaches the candidate's maximum
                hit = np.nonzero(raw == seg_max[owner])[0]
                _, first = np.unique(owner[hit], return_index=True)
                first_hit = hit[first]
                best_val = np.where(better, seg_max, best_val)
                best_left = np.where(better, li, best_left)
                best_name = np.where(better, name_ids[first_hit], best_name)
        for j, i in enumerate(kept):
            if best_left[j] >= 0:
                a, b = self.names[int(best_left[j])], self.names[int(best_name[j])]
                out[i] = BestName(float(best_val[j]), a, b)
        return out
