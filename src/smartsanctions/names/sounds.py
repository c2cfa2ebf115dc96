"""Sound keys: what a romanised name part and a Latin spelling of the same name still share.

A name written in another script and romanised by our tables rarely comes out as the Latin
spelling its bearer uses: Arabic writes Vodička as فوديتشكا (fuditshka: ف for v, تش for č),
Peters as بيترز (bitrz), Giovanna as جيوفانا (jyufana); Russian writes Weinstein as Вайнштейн
(vaynshteyn), Skrzypek as Скшипек (skshipek). The consonant skeleton keeps f apart from v, s
from sh, k from soft c; a sound key keeps only what survives every one of these spellings:
consonant classes (labials, sibilants and affricates, velars, ...) with vowels, h, y and
glides left out. Letters that Latin spellings read two ways (c, ch, g, j, w, x, rz, th, kh,
and ti, which Russian writes for Japanese chi) give a key per reading, at most ``MAX_KEYS``.

Written here because the phonetic codes libraries offer (Soundex, Metaphone, Double Metaphone,
NYSIIS, Beider-Morse) model how English or one other language pronounces a Latin spelling,
not how the letters of a transliteration map onto several Latin orthographies at once.
"""

from __future__ import annotations

import re
import zlib
from functools import lru_cache
from itertools import groupby, product

MAX_KEYS = 3

# tried in this order at each position: longer groups before the groups they start with
_GROUPS: dict[str, tuple[str, ...]] = {
    "shch": ("S",), "szcz": ("S",), "tsch": ("S",), "dzh": ("S",), "tsh": ("S",), "tch": ("S",),
    "sch": ("S",), "dsh": ("S",), "sh": ("S",), "sz": ("S",), "cz": ("S",), "zh": ("S",), "zs": ("S",),
    "cs": ("S",), "dz": ("S",), "dj": ("S",), "ts": ("S",), "tz": ("S",), "ch": ("S", "K"),
    "kh": ("K", ""), "gh": ("K",), "ph": ("P",), "th": ("T", "S"), "dh": ("D", "S"), "ck": ("K", "SK"),
    "rz": ("S", "RS"), "x": ("KS", "S"), "ti": ("T", "S"),
    # c and g before e, i, y are sibilants in most Latin orthographies (the vowel adds nothing)
    **{"c" + v: ("S",) for v in "eiy"}, **{"g" + v: ("S", "K") for v in "eiy"},
    "c": ("K", "S"), "g": ("K",), "w": ("P", ""), "j": ("S", ""),
    **{c: ("P",) for c in "bpfv"}, "m": ("M",), "n": ("N",), "l": ("L",), "r": ("R",), "t": ("T",),
    "d": ("D",), "k": ("K",), "q": ("K",), "s": ("S",), "z": ("S",),
}
_GROUP_RE = re.compile("|".join(_GROUPS) + "|.", re.DOTALL)


@lru_cache(maxsize=300_000)
def sound_keys(text: str) -> tuple[str, ...]:
    """The sound keys of a romanised name part (lower case): 'vodicka' -> ('PDK', 'PDSK'),
    'fuditshka' -> ('PDSK',), 'shats' and 'schatz' -> ('S',); a part of vowels only has none."""
    readings = [r for r in map(_GROUPS.get, _GROUP_RE.findall(text)) if r is not None]
    keys: list[str] = []
    for reading in product(*readings):
        key = "".join([c for c, _ in groupby("".join(reading))])  # repeats as one (a regex: 3x slower)
        if key and key not in keys:
            keys.append(key)
            if len(keys) == MAX_KEYS:
                break
    return tuple(keys)


@lru_cache(maxsize=300_000)
def sound_codes(text: str) -> tuple[int, ...]:
    """The keys of two consonant classes or more as ``MAX_KEYS`` positive int32 codes, 0 for
    none (stable across processes): what part similarity credits. A one-class key ('S': shats,
    schatz) finds candidates but is shared too widely to score: credited, it put 'ali' level
    with 'allah' (الله) and cost UN original-script names 4 of their 393 first ranks."""
    codes = [zlib.crc32(k.encode("ascii")) & 0x7FFFFFFF | 1 for k in sound_keys(text) if len(k) >= 2]
    return tuple(codes + [0] * (MAX_KEYS - len(codes)))
