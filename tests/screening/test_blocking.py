"""Blocking keys: the compiled hashes against the keys written out as strings (the module's docstring)."""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from smartsanctions.names.analyse import INITIAL, NAME, Part, analyse, joined
from smartsanctions.names.conventions import skeleton
from smartsanctions.names.sounds import sound_keys
from smartsanctions.screening.blocking import COMPOUND, ORDINARY, QUERY, index_mode, key_hashes, query_mode
from smartsanctions.screening.kernels import string_hashes

NAMES = ["Bashar al-Assad", "Мухаммад Хамшо", "محمد مخلوف", "Kharume Aus Choi", "J. R. Vsk-Vzk",
         "Skrzypek Weinstein", "Maesai Hat Kaew", "Abd al-Rahman Ould Muhammad", "Ng O"]


def _dels(sk: str, tagged: bool = False) -> list[str]:
    if len(sk) >= 4:
        return [sk[:i] + sk[i + 1 :] for i in range(len(sk))]
    if len(sk) == 3:
        return [sk[0] + sk[2] + "2", sk[:2] + "3"] if tagged else [sk[0] + sk[2], sk[:2]]
    return []


def written_keys(p: Part, mode: int) -> list[str]:
    """The keys of ``p`` as strings, written as the docstring states them."""
    sk, text, query = p.skeleton, p.text, bool(mode & QUERY)
    keys: list[str] = []
    if mode & ORDINARY:
        keys += ["s" + sk] if len(sk) >= 2 else ["t" + text, "h" + p.shape]
        alt = skeleton(text.replace("kh", "h"))
        if "kh" in text and len(alt) >= 2:
            keys.append("s" + alt)
        keys += [f"v{p.variant}"] if p.variant >= 0 else []
        keys += ["o" + k for k in sound_keys(text)] if p.romanised == query else []
        keys += ["p" + text[:4]] if len(text) >= 5 else []
        keys += ["d" + d for d in (_dels(sk) if len(sk) >= 4 else _dels(sk, tagged=True))]
        if query:
            keys += (["d" + sk] if len(sk) >= 3 else []) + ["s" + d for d in _dels(sk)]
    if mode & COMPOUND:
        if len(sk) < 3:
            keys.append("J:" + text)
        elif query:
            keys += ["J" + sk, "K" + sk, *("K" + d for d in _dels(sk)), *("J" + d for d in _dels(sk))]
        else:
            keys += ["J" + sk, *("K" + d for d in _dels(sk))]
    return keys


def _parts() -> list[Part]:
    parts = [p for name in NAMES for p in analyse(name).parts]
    pairs = [joined(a, b) for a, b in pairwise(parts) if a.kind == b.kind == NAME]
    return parts + pairs


def _check(parts: list[Part], modes: list[int]) -> None:
    owner, hashes = key_hashes(parts, modes)
    assert np.all(np.diff(owner) >= 0)
    for k, (p, mode) in enumerate(zip(parts, modes, strict=True)):
        want = written_keys(p, mode)
        assert sorted(hashes[owner == k].tolist()) == sorted(string_hashes(want).tolist()), (p.text, want)


def test_query_keys_are_the_written_keys() -> None:
    parts = _parts()
    modes = [query_mode(p) for p in parts]
    assert {m & COMPOUND for m in modes} == {0, COMPOUND} and 0 in modes  # long names, short names, initials
    assert any(p.romanised for p in parts) and any(p.variant >= 0 for p in parts)
    _check(parts, modes)


def test_index_keys_are_the_written_keys() -> None:
    parts = _parts()
    _check(parts, [index_mode(p, True, False) for p in parts])
    _check(parts, [index_mode(p, k % 2 == 0, k % 3 == 0) for k, p in enumerate(parts)])


def test_initials_have_no_ordinary_keys() -> None:
    initial = next(p for p in analyse("J. Smith").parts if p.kind == INITIAL)
    assert query_mode(initial) == 0 and index_mode(initial, True, False) == 0
    assert len(key_hashes([initial], [0])[1]) == 0


def test_a_consonant_replaced_meets_only_in_the_same_place() -> None:
    def keys(text: str, query: bool) -> set[int]:
        p = analyse(text).parts[0]
        return set(key_hashes([p], [query_mode(p) if query else index_mode(p, True, False)])[1].tolist())

    assert keys("vask", True) & keys("vazk", False)  # vsk / vzk: the middle consonant replaced
    assert not keys("vask", True) & keys("vakt", False)  # vsk / vkt: different places, different tags
    assert keys("vask", True) & keys("varsk", False)  # a consonant more in the indexed part
    assert keys("varsk", True) & keys("vask", False)  # ... and fewer
