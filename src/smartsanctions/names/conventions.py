"""Naming conventions: particles, titles, kunya and abd- compounds, consonant skeletons, variants.

The tables live in ``data/names.yml``; this module turns them into fast lookups.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

_DATA = Path(__file__).resolve().parent / "data" / "names.yml"


class _Tables:
    def __init__(self) -> None:
        raw = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
        self.particles: frozenset[str] = frozenset(raw["particles"])
        self.joining: frozenset[str] = frozenset(raw["joining_prefixes"])
        self.titles: frozenset[str] = frozenset(raw["titles"])
        self.org_terms: frozenset[str] = frozenset(raw["org_terms"])
        self.org_acronyms: dict[str, tuple[str, ...]] = {k: tuple(v.split()) for k, v in raw["org_acronyms"].items()}
        self.common: frozenset[str] = frozenset(raw["common"])
        self.variant_of: dict[str, int] = {}
        for gid, group in enumerate(raw["variants"]):
            for form in group:
                self.variant_of.setdefault(str(form), gid)


_TABLES: _Tables | None = None


def tables() -> _Tables:
    global _TABLES
    if _TABLES is None:
        _TABLES = _Tables()
    return _TABLES


# Hyphenated forms of the Arabic article, assimilated to sun letters ("ar-Rahman", "ash-Shami").
ARTICLES = frozenset({"al", "el", "ul", "il", "ar", "ur", "er", "as", "us", "es", "ash", "ad", "ud", "ed", "at",
                      "ut", "az", "uz", "an", "un", "ath", "adh"})
_ABD_LINKS = ("oul", "ul", "el", "al", "ol", "il", "ou")
_DIN_ENDINGS = ("uddin", "eddin", "eddine", "addin", "uddeen", "aldin", "eldin", "ed-din")
DIN_WORDS = frozenset({"din", "deen", "dine", "eddin", "eddine", "uddin", "addin", "eldin", "aldin"})
VOWELS = frozenset("aeiouy")


def abd_compound(token: str) -> str:
    """'abdurrahman', 'abdulrahman', 'abdelrahman' -> 'abdrahman'; other tokens unchanged."""
    if not token.startswith("abd") or len(token) < 6:
        return token
    rest = token[3:]
    if len(rest) >= 3 and rest[0] in VOWELS and rest[1] == rest[2] and rest[1] not in VOWELS:
        rest = rest[2:]
    else:
        for link in _ABD_LINKS:
            if rest.startswith(link) and len(rest) - len(link) >= 2:
                rest = rest[len(link):]
                break
    return "abd" + rest


def din_compound(token: str) -> str:
    """'salahuddin', 'salaheddine' -> 'salahdin'."""
    for end in _DIN_ENDINGS:
        if token.endswith(end) and len(token) > len(end) + 2:
            return token[: -len(end)] + "din"
    return token


_DIGRAPHS = (
    ("sch", "S"), ("tch", "S"), ("ch", "S"), ("sh", "S"), ("kh", "k"), ("gh", "g"), ("ph", "f"),
    ("th", "t"), ("dh", "d"), ("zh", "j"), ("dj", "j"), ("ck", "k"), ("x", "ks"), ("ts", "s"),
    ("tz", "z"),
)
_CONSONANT_CLASS = str.maketrans({"q": "k", "c": "k", "g": "j", "w": "v", "p": "b", "a": None, "e": None,
                                  "i": None, "o": None, "u": None, "y": None})


@lru_cache(maxsize=300_000)
def skeleton(token: str) -> str:
    """A consonant skeleton that survives transliteration: 'bashar'/'bachar'/'bshar' -> 'bSr'."""
    s = token
    for a, b in _DIGRAPHS:
        if a in s:
            s = s.replace(a, b)
    if len(s) > 1 and s.endswith("h"):
        s = s[:-1]
    s = s.translate(_CONSONANT_CLASS)
    if not s:
        return ""
    out = [s[0]]
    for ch in s[1:]:
        if ch != out[-1]:
            out.append(ch)
    return "".join(out)


def variant_group(token: str) -> int:
    """The id of the known spelling-variant group of a name part, or -1."""
    return tables().variant_of.get(token, -1)


_VOWEL_SHAPE = str.maketrans({v: "V" for v in "aeiouy"})


@lru_cache(maxsize=300_000)
def vowel_shape(token: str) -> str:
    """Vowel runs as one 'V', doubled letters once: 'laden'/'ladin' -> 'lVdVn', 'assad'/'asad' -> 'VsVd'."""
    s = token.translate(_VOWEL_SHAPE)
    out: list[str] = []
    for ch in s:
        if not out or ch != out[-1]:
            out.append(ch)
    return "".join(out)
