"""Properties of name analysis on hostile input, beyond tests/names/test_names.py.

test_names.py already checks fixed bad strings and score bounds / symmetry on short text;
here: any Unicode (control characters, unpaired surrogates, every script) and very long
names go through ``analyse`` and ``compare_names`` without error, deterministically; a
Latin name with Cyrillic/Greek look-alike letters swapped in still matches itself.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from smartsanctions.names.analyse import analyse
from smartsanctions.names.compare import compare_names
from smartsanctions.names.normalise import fold_homoglyphs
from smartsanctions.screening.index import DEFAULT_THRESHOLD

# Every code point, surrogates and control characters included.
ANY_TEXT = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=60)
# Long names: a short piece repeated up to 10,000 characters.
LONG_TEXT = st.builds(lambda piece, n: (piece * n)[:10_000], st.text(min_size=1, max_size=12), st.integers(100, 2000))
MIXED_SCRIPTS = st.lists(
    st.sampled_from(["Bashar", "Асад", "محمد", "金正恩", "Νίκος", "משה", "Ali", "al-", "бин", "\u200d", "·", "'"]),
    min_size=1, max_size=8,
).map(" ".join)
LOOKALIKES = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і", "A": "Α", "B": "В",
              "E": "Ε", "H": "Н", "K": "К", "M": "М", "O": "О", "P": "Р", "T": "Т", "X": "Χ"}


def _check(a: str, b: str) -> None:
    first = compare_names(a, b)
    assert 0.0 <= first.score <= 1.0
    assert compare_names(a, b).score == first.score  # deterministic


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT, ANY_TEXT)
def test_any_unicode_is_analysed_and_compared(a: str, b: str) -> None:
    analyse(a)
    analyse(a, is_org=True)
    analyse(a, is_org=None)
    _check(a, b)
    _check(a, "Bashar al-Assad")


@settings(max_examples=20, deadline=None)
@given(LONG_TEXT)
def test_ten_thousand_character_names(name: str) -> None:
    analyse(name)
    _check(name, "Bashar al-Assad")
    _check(name, name)


@settings(max_examples=100, deadline=None)
@given(MIXED_SCRIPTS, MIXED_SCRIPTS)
def test_mixed_scripts(a: str, b: str) -> None:
    _check(a, b)
    _check(a, a)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.text(alphabet="abcdefghijklmnoprstuvyABEHKMOPTX", min_size=3, max_size=10), min_size=2, max_size=3),
    st.data(),
)
def test_lookalike_letters_fold_and_still_match(words: list[str], data: st.DataObject) -> None:
    """A spoof keeps some Latin letters (the first here): a name with none is Cyrillic or Greek."""
    name = " ".join(words)
    swapped = name[0] + "".join(
        LOOKALIKES[ch] if ch in LOOKALIKES and data.draw(st.booleans(), label=f"swap {ch}") else ch for ch in name[1:]
    )
    for plain, mixed in zip(name.split(), swapped.split(), strict=True):
        assert fold_homoglyphs(mixed) == fold_homoglyphs(plain)
    assert compare_names(name, swapped).score >= DEFAULT_THRESHOLD


@settings(max_examples=100, deadline=None)
# (Symbols are left out: NFKC turns some of them into letters, e.g. '⒜' -> '(a)'.)
@given(st.text(alphabet=st.characters(categories=("Cc", "Cf", "Zs", "Zl", "Zp", "P")), max_size=50))
def test_no_letters_means_no_match(junk: str) -> None:
    assert compare_names(junk, "Bashar al-Assad").score < DEFAULT_THRESHOLD
    if all(ord(ch) < 0x250 for ch in junk):
        # (Beyond Latin, ICU romanises some punctuation to letters: Myanmar '၏' -> 'eat'.)
        assert compare_names(junk, junk).score == 0.0
