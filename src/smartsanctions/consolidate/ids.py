"""Stable canonical IDs.

A cluster keeps the previous run's ID of the canonical entity whose referents it holds
the most of, provided it holds at least half of them (ties go to the larger overlap,
then to the cluster with the smaller first referent). Any other cluster gets
``ss-<hash of its smallest referent>``, salted when that ID is already taken, so the
same data consolidated from scratch always gets the same IDs.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

PREFIX = "ss-"


def fresh_id(smallest_referent: str, salt: int = 0) -> str:
    text = smallest_referent if salt == 0 else f"{smallest_referent}#{salt}"
    return PREFIX + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def assign_ids(clusters: Sequence[Sequence[str]], previous: Mapping[str, str]) -> list[str]:
    """One ID per cluster (clusters are lists of referent IDs)."""
    previous_sizes: Counter[str] = Counter(previous.values())
    overlaps: dict[tuple[int, str], int] = defaultdict(int)
    for index, members in enumerate(clusters):
        for member in members:
            old = previous.get(member)
            if old is not None:
                overlaps[(index, old)] += 1
    offers = sorted(
        ((count, index, old) for (index, old), count in overlaps.items() if 2 * count >= previous_sizes[old]),
        key=lambda t: (-t[0], min(clusters[t[1]]), t[2]),
    )
    ids: list[str | None] = [None] * len(clusters)
    taken: set[str] = set()
    for _count, index, old in offers:
        if ids[index] is None and old not in taken:
            ids[index] = old
            taken.add(old)
    reserved = taken | set(previous.values())
    for index, members in enumerate(clusters):
        if ids[index] is not None:
            continue
        smallest = min(members)
        salt = 0
        candidate = fresh_id(smallest)
        # An ID the previous run used for other referents is not reused for a new cluster.
        while candidate in taken or (candidate in reserved and previous.get(smallest) != candidate):
            salt += 1
            candidate = fresh_id(smallest, salt)
        ids[index] = candidate
        taken.add(candidate)
    return [i for i in ids if i is not None]
