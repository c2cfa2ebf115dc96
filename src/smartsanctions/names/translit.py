"""Romanisation of Arabic (with Persian and Urdu letters), Cyrillic, Greek and Hebrew names.

The tables aim at the way sanctions lists spell names, not at a scholarly standard: short
vowels are not written in Arabic or Hebrew, so the output is close to a consonant skeleton
("بشار الأسد" -> "bshar al-asd") and matching relies on the skeletons in ``analyse``.
Other scripts (CJK, Hangul, Thai, ...) fall back to ICU's Any-Latin when it is installed.
"""

from __future__ import annotations

from functools import lru_cache

from .normalise import script_of, strip_marks

_ARABIC = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ء": "", "ؤ": "u", "ئ": "i", "ب": "b",
    "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z",
    "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "غ": "gh", "ف": "f", "ق": "q",
    "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "ى": "a", "ة": "a", "ـ": "",
    # Persian and Urdu
    "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ک": "k", "ی": "y", "ٹ": "t", "ڈ": "d", "ڑ": "r",
    "ں": "n", "ہ": "h", "ھ": "h", "ۃ": "a", "ۀ": "a", "ے": "e", "ۓ": "e", "ڤ": "v", "ڨ": "g",
    # vowel marks, when a name carries them
    "\u064e": "a", "\u064f": "u", "\u0650": "i", "\u064b": "", "\u064c": "", "\u064d": "",
    "\u0652": "", "\u0670": "a",
}
_ARABIC_VOWEL_LETTERS = set("اأإآىةوي")

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i", "ї": "yi",
    "є": "ye", "ґ": "g", "ђ": "dj", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "џ": "dz", "ў": "u",
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "ѕ": "dz",
}

_GREEK = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
    "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
    "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
}
_GREEK_DIGRAPHS = {"ου": "ou", "αι": "ai", "ει": "ei", "οι": "oi", "γγ": "ng", "γκ": "g", "μπ": "b",
                   "ντ": "d", "αυ": "av", "ευ": "ev"}

_HEBREW = {
    "א": "", "ב": "v", "ג": "g", "ד": "d", "ה": "h", "ו": "o", "ז": "z", "ח": "kh", "ט": "t",
    "י": "i", "כ": "k", "ך": "kh", "ל": "l", "מ": "m", "ם": "m", "נ": "n", "ן": "n", "ס": "s",
    "ע": "", "פ": "p", "ף": "f", "צ": "ts", "ץ": "ts", "ק": "k", "ר": "r", "ש": "sh", "ת": "t",
    "׳": "", "״": "", "'": "",
}


def _arabic(word: str) -> str:
    out: list[str] = []
    n = len(word)
    for i, ch in enumerate(word):
        nxt = word[i + 1] if i + 1 < n else ""
        if ch == "و":
            out.append("w" if i == 0 or nxt in _ARABIC_VOWEL_LETTERS or nxt == "و" else "u")
        elif ch in "يی":
            out.append("y" if i == 0 or nxt in "اوى" else "i")
        elif ch == "ع":
            out.append("a" if i == 0 else "")
        elif ch == "\u0651":  # shadda doubles the previous consonant
            if out:
                out.append(out[-1][-1:])
        else:
            out.append(_ARABIC.get(ch, ch))
    text = "".join(out)
    # the article is written joined to the word; lists write it as a separate particle
    if word.startswith("ال") and len(word) > 3:
        text = "al-" + text[2:]
    return text


def _hebrew(word: str) -> str:
    out: list[str] = []
    for i, ch in enumerate(word):
        if ch == "ו" and (i == 0 or word[i - 1 : i] == "ו" or word[i + 1 : i + 2] == "ו"):
            out.append("v" if word[i - 1 : i] != "ו" else "")
        elif ch == "ב" and i == 0:
            out.append("b")
        elif ch == "י" and i == 0:
            out.append("y")
        elif ch == "כ" and i == 0:
            out.append("k")
        elif ch == "פ" and i == 0:
            out.append("p")
        elif ch == "ה" and i == len(word) - 1 and i > 0:
            out.append("e" if word[i - 1] not in "אעה" else "")
        else:
            out.append(_HEBREW.get(ch, ch))
    return "".join(out)


def _greek(word: str) -> str:
    word = strip_marks(word.lower())
    out: list[str] = []
    i = 0
    while i < len(word):
        pair = word[i : i + 2]
        if pair in _GREEK_DIGRAPHS and not (pair in ("μπ", "ντ") and i > 0):
            out.append(_GREEK_DIGRAPHS[pair])
            i += 2
            continue
        out.append(_GREEK.get(word[i], word[i]))
        i += 1
    return "".join(out)


def _cyrillic(word: str) -> str:
    word = word.lower()
    out: list[str] = []
    for i, ch in enumerate(word):
        # "е" after a vowel or at the start is "ye" in the usual English romanisation
        if ch == "е" and (i == 0 or word[i - 1] in "аеёиоуыэюяьъ"):
            out.append("ye")
        else:
            out.append(_CYRILLIC.get(ch, ch))
    return "".join(out)


_ICU: object | None = None
_ICU_TRIED = False


def _icu_latin(text: str) -> str:
    global _ICU, _ICU_TRIED
    if not _ICU_TRIED:
        _ICU_TRIED = True
        try:
            import icu

            _ICU = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")
        except Exception:  # noqa: BLE001 - ICU is optional; without it other scripts stay as they are
            _ICU = None
    if _ICU is None:
        return text
    return str(_ICU.transliterate(text))  # type: ignore[attr-defined]


_BY_SCRIPT = {"arabic": _arabic, "cyrillic": _cyrillic, "greek": _greek, "hebrew": _hebrew}


def word_script(word: str) -> str:
    """The dominant non-neutral script of a word ("latin" when it has no letters)."""
    counts: dict[str, int] = {}
    for c in word:
        s = script_of(c)
        if s != "none":
            counts[s] = counts.get(s, 0) + 1
    if not counts:
        return "latin"
    return max(counts, key=lambda k: counts[k])


@lru_cache(maxsize=200_000)
def to_latin(word: str) -> str:
    """Romanise one whitespace-free word; Latin words come back unchanged."""
    script = word_script(word)
    if script == "latin":
        return word
    fn = _BY_SCRIPT.get(script)
    if fn is not None:
        return fn(word)
    return _icu_latin(word)
