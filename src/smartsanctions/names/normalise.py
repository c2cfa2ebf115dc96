"""Unicode clean-up for names: NFKC, invisible and control characters, homoglyphs, diacritics.

Everything here works on whole strings or single tokens and is pure; callers cache.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that render as nothing (or as a joiner) and are used to defeat string matching.
_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFEFF, 0xFFA0]
    + list(range(0x200B, 0x2010))
    + list(range(0x202A, 0x202F))
    + list(range(0x2060, 0x2070))
    + list(range(0xFE00, 0xFE10)),
    None,
)

# Cyrillic and Greek letters that look like Latin ones. Applied only inside tokens that
# mix scripts with Latin (a wholly Cyrillic token is real Cyrillic and is transliterated).
_HOMOGLYPHS = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
        "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
        "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
        "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
        "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
        "υ": "u", "χ": "x", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K",
        "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    }
)

_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_SPACE_RE = re.compile(r"\s+")
# controls (category Cc) and lone surrogates (Cs: not text, cannot even be encoded)
_CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def script_of(ch: str) -> str:
    """The script of one character, coarsely: latin, cyrillic, greek, arabic, hebrew, other, none."""
    cp = ord(ch)
    if cp < 0x80:
        return "latin" if ch.isalpha() else "none"
    if cp < 0x250 or 0x1E00 <= cp < 0x1F00:
        return "latin" if ch.isalpha() else "none"
    if 0x370 <= cp < 0x400 or 0x1F00 <= cp < 0x2000:
        return "greek"
    if 0x400 <= cp < 0x530:
        return "cyrillic"
    if 0x590 <= cp < 0x600:
        return "hebrew"
    if 0x600 <= cp < 0x700 or 0x750 <= cp < 0x780 or 0x8A0 <= cp < 0x900:
        return "arabic"
    if not ch.isalpha() and unicodedata.category(ch)[0] in "MNPSZ":
        return "none"
    return "other"


def clean(text: str) -> str:
    """NFKC, drop invisible characters, controls and lone surrogates to spaces, one space between words."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_INVISIBLE).translate(_ARABIC_DIGITS)
    text = _CONTROL_RE.sub(" ", text)
    return _SPACE_RE.sub(" ", text).strip()


_LOOKALIKE_KEYS = frozenset(chr(k) for k in _HOMOGLYPHS)


def fold_homoglyphs(token: str, latin_name: bool = True) -> str:
    """Cyrillic/Greek look-alikes become Latin in a token that mixes them with Latin letters
    ("Аssad" with a Cyrillic А), or, in a name written in Latin letters (``latin_name``), that is
    made of look-alikes only ("Maher АТОМ", all Cyrillic); other Cyrillic/Greek words are left for
    transliteration. A name with no Latin letter at all is Cyrillic or Greek: 'Охара' is Ohara,
    not 'Oxapa'."""
    scripts = {script_of(c) for c in token}
    if not scripts & {"cyrillic", "greek"}:
        return token
    if "latin" in scripts or (latin_name and all(c in _LOOKALIKE_KEYS for c in token if c.isalpha())):
        return token.translate(_HOMOGLYPHS)
    return token


def strip_marks(text: str) -> str:
    """Remove combining marks (diacritics, Arabic harakat) after canonical decomposition."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


_LATIN_SPECIAL = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ł": "l", "ı": "i", "ħ": "h"}
)


def fold_latin(token: str) -> str:
    """Lower-case ASCII-ish form of a Latin token: no diacritics, ligatures spelt out."""
    return strip_marks(token.casefold().translate(_LATIN_SPECIAL))


def simple_key(text: str) -> str:
    """The identity used for 'identical names': NFKC, invisible characters gone, case-folded."""
    return clean(text).casefold()
