"""Best name score between one record and many others, with the screening's name comparison.

The part similarity, the weighting and the aggregation are ``smartsanctions.names``'
(the same code screening uses); this module only batches them: one record's name is
compared with every name of all its candidates in one vectorised call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from smartsanctions.names.analyse import AnalysedName
from smartsanctions.names.compare import PartArrays, aggregate, explain_pair, finish, similarity_matrix, static_weights


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
        self.keys = [n.key for n in self.names]


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
        m = similarity_matrix(PartArrays.of(name.parts), flat.arrays)  # (q, P)
        padded = m[:, flat.index]  # (q, N, T); padding columns carry weight 0
        raw = aggregate(padded, static_weights(name), flat.weights)  # (N,)
        for ni, value in enumerate(raw.tolist()):
            value = 1.0 if flat.keys[ni] == name.key else min(value, 0.99)
            owner = int(flat.owner[ni])
            if value > scores[owner]:
                scores[owner] = value
                which[owner] = (li, ni)
    for ci, (li, ni) in enumerate(which):
        if li >= 0:
            best[ci] = BestName(float(finish(float(scores[ci]), left[li], flat.names[ni])), left[li], flat.names[ni])
    return best


def explain(a: AnalysedName, b: AnalysedName) -> dict[str, object]:
    m = similarity_matrix(PartArrays.of(a.parts), PartArrays.of(b.parts))
    return explain_pair(a, b, m)
