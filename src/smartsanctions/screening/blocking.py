"""Blocking keys: which vocabulary parts a query part is compared with at all.

A part's keys, as 64-bit hashes (``kernels.string_hashes`` of the strings below):

- ``s`` + its consonant skeleton (two consonants or more); a part of one consonant or none
  ('aus', 'choi') instead ``t`` + its text and ``h`` + its vowel shape, which also meets the
  parts that differ from it only in vowels ('aous', 'choe'): few parts share so short a shape;
- ``s`` + the skeleton with 'kh' read as 'h' (х, ח, خ: 'Kharume' / 'Harume');
- ``v`` + its known-variant group; ``p`` + its first four letters (five letters or more);
- ``o`` + each sound key (``names.sounds``), on the query side for romanised parts and on the
  index side for Latin ones: the lists write every name in Latin letters too, and Latin queries
  keyed so cost a third of the batch throughput;
- ``d`` + the skeleton with one consonant left out (both sides: a consonant replaced); on the
  query side also ``d`` + the skeleton (a consonant more in the indexed part) and ``s`` + each
  deletion (a consonant fewer). A three-consonant skeleton keeps its first consonant
  ('vsk'/'vzk' meet at 'vk' without every '?sk' meeting every '?zk'), and its ``d`` keys say
  which one went ('vk2'), so that 'vsk' (middle out) and 'vkt' (last out) do not meet;
- compounds, apart from the ordinary keys (an ordinary query part does not reach the joined
  pairs of indexed parts, so they add no noise to ordinary retrieval): a joined pair of indexed
  parts has ``J`` + its skeleton and ``K`` + each deletion, a long query part ``J`` and ``K`` +
  its skeleton and each deletion; a skeleton too short to tell parts apart ('maesai': ms) has
  ``J:`` + the text only.

The skeleton families (all but a few keys of a part) are hashed in compiled code without
building their strings: a query part has about 24 keys, and building and hashing them in Python
cost a sixth of the time of screening new names.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numba import njit

from smartsanctions.names.analyse import INITIAL, NAME, Part
from smartsanctions.names.conventions import skeleton
from smartsanctions.names.sounds import sound_keys

from .kernels import FNV_OFFSET, code_points, fnv_mix, string_hashes

ORDINARY, QUERY, COMPOUND = 1, 2, 4  # a part's key modes (bits)
COMPOUND_QUERY_CHARS = 6  # a query part this long may be two indexed parts written as one


def query_mode(part: Part) -> int:
    """The key modes of a query part."""
    if part.kind == INITIAL:
        return 0
    return ORDINARY | QUERY | (COMPOUND if part.kind == NAME and len(part.text) >= COMPOUND_QUERY_CHARS else 0)


def index_mode(part: Part, scored: bool, compound: bool) -> int:
    """The key modes of a vocabulary part: ordinary keys if ``scored`` (a part of an indexed
    name), compound keys if ``compound`` (a joined pair of adjacent parts)."""
    return (ORDINARY if scored and part.kind != INITIAL else 0) | (COMPOUND if compound else 0)


def key_hashes(parts: Sequence[Part], modes: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """(owner, hash) of every key of ``parts`` in their ``modes``, by owner (ascending)."""
    owner, hashes = _skeleton_keys(*code_points([p.skeleton for p in parts]), np.asarray(modes, dtype=np.int64))
    special = [_special_keys(p, m) for p, m in zip(parts, modes, strict=True)]
    extra = [k for keys in special for k in keys]
    if not extra:
        return owner, hashes
    extra_owner = np.repeat(np.arange(len(parts), dtype=np.int64), [len(keys) for keys in special])
    owner = np.concatenate([owner, extra_owner])
    order = np.argsort(owner, kind="stable")
    return owner[order], np.concatenate([hashes, string_hashes(extra)])[order]


def _special_keys(part: Part, mode: int) -> list[str]:
    """The keys not made from the skeleton alone."""
    keys: list[str] = []
    text, sk = part.text, part.skeleton
    if mode & ORDINARY:
        if len(sk) < 2:
            keys += ["t" + text, "h" + part.shape]
        if "kh" in text:
            alt = skeleton(text.replace("kh", "h"))
            if len(alt) >= 2:
                keys.append("s" + alt)
        if part.variant >= 0:
            keys.append(f"v{part.variant}")
        if part.romanised == bool(mode & QUERY):
            keys += ["o" + k for k in sound_keys(text)]
        if len(text) >= 5:
            keys.append("p" + text[:4])
    if mode & COMPOUND and len(sk) < 3:
        keys.append("J:" + text)
    return keys


_S, _D, _J, _K = (ord(c) for c in "sdJK")
_TAGS = (ord("2"), ord("3"))  # which consonant of three went


@njit(cache=True, inline="always")
def _hash(prefix: int, chars: np.ndarray, a: int, b: int, skip: int, tag: int) -> np.uint64:
    """The hash of ``prefix`` + ``chars[a:b]`` without position ``skip`` (-1: none) + ``tag`` (0: none)."""
    h = fnv_mix(FNV_OFFSET, prefix)
    for i in range(a, b):
        if i != skip:
            h = fnv_mix(h, chars[i])
    if tag:
        h = fnv_mix(h, tag)
    return h


@njit(cache=True)
def _deletions(out: np.ndarray, n: int, prefix: int, chars: np.ndarray, a: int, b: int, tagged: bool) -> int:
    """Write the hashes of ``prefix`` + each deletion of skeleton ``chars[a:b]`` at ``out[n:]``;
    the new ``n``. Three consonants keep the first one (``tagged``: saying which one went)."""
    if b - a >= 4:
        for skip in range(a, b):
            out[n] = _hash(prefix, chars, a, b, skip, 0)
            n += 1
    elif b - a == 3:
        out[n] = _hash(prefix, chars, a, b, a + 1, _TAGS[0] if tagged else 0)
        out[n + 1] = _hash(prefix, chars, a, b, a + 2, _TAGS[1] if tagged else 0)
        n += 2
    return n


@njit(cache=True)
def _skeleton_keys(chars: np.ndarray, off: np.ndarray, modes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(owner, uint64 hash as int64) of the skeleton families of parts with skeletons
    ``chars[off[k]:off[k + 1]]`` in key ``modes``."""
    bound = 0
    for k in range(len(modes)):
        bound += 4 * (off[k + 1] - off[k]) + 4
    out = np.empty(bound, dtype=np.uint64)
    owner = np.empty(bound, dtype=np.int64)
    n = 0
    for k in range(len(modes)):
        a, b, mode = off[k], off[k + 1], modes[k]
        start = n
        if mode & ORDINARY:
            if b - a >= 2:
                out[n] = _hash(_S, chars, a, b, -1, 0)
                n += 1
            n = _deletions(out, n, _D, chars, a, b, True)
            if mode & QUERY:
                if b - a >= 3:
                    out[n] = _hash(_D, chars, a, b, -1, 0)
                    n += 1
                n = _deletions(out, n, _S, chars, a, b, False)
        if mode & COMPOUND and b - a >= 3:
            out[n] = _hash(_J, chars, a, b, -1, 0)
            n += 1
            if mode & QUERY:
                out[n] = _hash(_K, chars, a, b, -1, 0)
                n += 1
                n = _deletions(out, n, _J, chars, a, b, False)
            n = _deletions(out, n, _K, chars, a, b, False)
        owner[start:n] = k
    return owner[:n], out[:n].view(np.int64)
