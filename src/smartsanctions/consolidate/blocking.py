"""Candidate pairs: records that share a rare enough key are compared, no others.

Keys: every pair of name tokens of one name (tokens are spelling-variant groups or
consonant skeletons, so "Bashar al-Assad" and "Bachar al-Asad" share them), the same
pair plus a birth year (keeps common names such as "Mohammed Ali" comparable when
they carry a date), single-token names, identifier numbers, and (optionally) UN
reference numbers. A key shared by too many records says nothing and is dropped,
except identifier and UN keys.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import combinations

from smartsanctions.consolidate.features import ANY, RecordFeatures, common_schema, name_tokens

MAX_BLOCK = 40  # a name key shared by more records than this is too common to block on
MAX_YEAR_BLOCK = 60
MAX_PARTS = 6


def record_keys(f: RecordFeatures, use_un_refs: bool) -> set[str]:
    keys: set[str] = set()
    years = sorted(f.birth_years)
    kind = f.kind if f.kind != ANY else "x"
    for name in f.analysed:
        tokens = sorted(set(name_tokens(name)[:MAX_PARTS]))
        if len(tokens) == 1:
            keys.add(f"1|{tokens[0]}")
        for a, b in combinations(tokens, 2):
            keys.add(f"2|{a}|{b}")
            for year in years:
                keys.add(f"y|{a}|{b}|{year}")
        # The whole token set: catches long names whose pairs are all common, and
        # (with same-list pairs allowed) one list's duplicate entries of one party.
        if tokens:
            keys.add("n|" + "|".join(tokens))
    for ident in f.identifiers:
        keys.add(f"id|{ident}")
    if use_un_refs:
        for ref in f.un_refs:
            keys.add(f"un|{ref}")
    return {f"{kind}:{k}" if not k.startswith(("id|", "un|")) else k for k in keys}


def _limit(key: str) -> int:
    if key.startswith(("id|", "un|")):
        return 1000
    if ":y|" in key:
        return MAX_YEAR_BLOCK
    return MAX_BLOCK


def candidate_pairs(features: Sequence[RecordFeatures], use_un_refs: bool) -> set[tuple[int, int]]:
    """Index pairs (i < j) of records worth scoring."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(features):
        for key in record_keys(f, use_un_refs):
            blocks[key].append(i)
    # Records of kind "any" (LegalEntity) are blocked under both person and org keys.
    any_keys: dict[str, list[int]] = defaultdict(list)
    for key, members in blocks.items():
        if key.startswith("x:"):
            rest = key[2:]
            any_keys["person:" + rest].extend(members)
            any_keys["org:" + rest].extend(members)
    pairs: set[tuple[int, int]] = set()
    for key, members in blocks.items():
        extra = any_keys.get(key, [])
        group = members + extra if extra else members
        if len(group) < 2 or len(group) > _limit(key):
            continue
        # Two entries of one list are compared only when they share a document number, a
        # name and birth year, or a whole name: a list carries one party twice only when
        # it lists it under two regimes, and then under the same name.
        same_list_ok = key.startswith("id|") or ":y|" in key or ":n|" in key
        _add_pairs(pairs, group, features, same_list_ok)
    return pairs


def _add_pairs(
    pairs: set[tuple[int, int]], group: Iterable[int], features: Sequence[RecordFeatures], same_list_ok: bool
) -> None:
    ordered = sorted(set(group))
    for a, b in combinations(ordered, 2):
        fa, fb = features[a], features[b]
        if fa.list_id == fb.list_id and not same_list_ok:
            continue
        if common_schema(fa.schema, fb.schema) is None:
            continue
        pairs.add((a, b))
