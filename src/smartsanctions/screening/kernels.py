"""Compiled loops of the screening index (numba).

Why by hand: a single query touches a few thousand postings and a hundred candidate names,
so its cost in numpy is the fixed cost of a few hundred small array calls, not arithmetic;
these loops do the same work in one compiled call each. They reproduce the numpy
formulations exactly (same float32/float64 operations in the same order), so results are
bit-identical to the vectorised versions they replaced.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from smartsanctions.names.compare import part_sim


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


@njit(cache=True)
def pair_sims(ratio: np.ndarray, qi: np.ndarray, vi: np.ndarray, q_codes: np.ndarray, q_flags: np.ndarray,
              v_codes: np.ndarray, v_flags: np.ndarray) -> np.ndarray:
    """``names.compare.part_sim`` of query parts ``qi`` against vocabulary parts ``vi``
    (element-wise, ``ratio`` their Indel ratios). Codes (int64 columns): variant group (-1:
    none), skeleton, vowel shape, first letter; flags (bool columns): initial, abjad."""
    out = np.empty(len(qi), dtype=np.float32)
    for k in range(len(qi)):
        a, b = qi[k], vi[k]
        qv, vv = q_codes[a, 0], v_codes[b, 0]
        out[k] = part_sim(
            ratio[k],
            qv >= 0 and qv == vv,
            qv >= 0 and vv >= 0 and qv != vv,
            q_codes[a, 1] == v_codes[b, 1],
            q_flags[a, 1] or v_flags[b, 1],
            q_codes[a, 2] == v_codes[b, 2],
            (q_flags[a, 0] or v_flags[b, 0]) and q_codes[a, 3] == v_codes[b, 3],
        )
    return out
