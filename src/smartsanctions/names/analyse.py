"""A name -> its analysed form: scoring tokens, consonant skeletons, variant groups, script."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from .conventions import (
    ARTICLES,
    DIN_WORDS,
    abd_compound,
    din_compound,
    skeleton,
    tables,
    variant_group,
    vowel_shape,
)
from .normalise import clean, fold_homoglyphs, fold_latin, script_of, simple_key
from .translit import to_latin, word_script

MAX_NAME_CHARS = 400  # longer input is cut here: no real name is longer
MAX_TOKENS = 12

# Kinds of name part, and how much each counts when names are compared.
NAME, INITIAL, ORG_TERM = "name", "initial", "org"
KIND_WEIGHT = {NAME: 1.0, INITIAL: 0.35, ORG_TERM: 0.06}

_SPLIT_RE = re.compile(r"[^0-9a-z]+")
# single letters in a row with one kind of separator: 'D.E.S.', 'S.A', 'M. D. S.', 'P L M' (but
# 'S.A. C.I.' is two acronyms, 'I&S' none)
_L = r"[^\W\d_]"
_END = r"(?![\w&])"
_LETTER_RUN_RE = re.compile(rf"(?<![\w&.]){_L}(?:(?:\.{_L}{_END})+\.?|(?:\.\s+{_L}{_END})+\.?|(?:\s+{_L}{_END}(?!\.))+)")
_APOSTROPHES = re.compile(r"['’‘`´ʻʼʾʿ]")

T = TypeVar("T")

ORG_SCHEMAS = frozenset({"Organization", "Company", "LegalEntity", "PublicBody"})


@dataclass(frozen=True, slots=True)
class Part:
    """One name part as compared: its romanised form, skeleton, variant group and kind."""

    text: str
    skeleton: str
    variant: int
    kind: str
    abjad: bool = False  # romanised from Arabic or Hebrew script: short vowels were not written
    shape: str = ""  # vowel runs as 'V': two spellings with one shape differ only in vowels
    romanised: bool = False  # romanised from a script other than Latin (abjads included)


@dataclass(frozen=True, slots=True)
class AnalysedName:
    original: str
    key: str  # case-folded NFKC form: two names are identical when their keys are
    script: str  # dominant script of the original
    parts: tuple[Part, ...]
    dropped: tuple[str, ...]  # titles and particles left out of comparison
    surname_first: int = 0  # parts written before a comma ("ZADEH, Mohammed Khalil"): the surname

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(p.text for p in self.parts)

    @property
    def spoken_parts(self) -> tuple[Part, ...]:
        """The parts in speaking order ('ZADEH, Mohammed Khalil': mohammed khalil zadeh)."""
        k = self.surname_first
        return self.parts[k:] + self.parts[:k] if k else self.parts


@lru_cache(maxsize=200_000)
def _word(word: str, latin_name: bool = True) -> tuple[tuple[str, ...], str]:
    """One whitespace-free word (of a name with Latin letters: ``latin_name``): its romanised,
    folded tokens and its script."""
    if word.isascii():  # the common case: nothing to fold or transliterate
        return tuple(t for t in _SPLIT_RE.split(_APOSTROPHES.sub("", word.lower())) if t), "latin"
    word = fold_homoglyphs(word, latin_name)
    script = word_script(word)
    latin = _APOSTROPHES.sub("", fold_latin(to_latin(word)))
    return tuple(t for t in _SPLIT_RE.split(latin) if t), script


def _romanise(text: str) -> tuple[list[str], str, set[str]]:
    """The romanised tokens of ``text``, its dominant script and the tokens from other scripts."""
    scripts: dict[str, int] = {}
    out: list[str] = []
    foreign: set[str] = set()
    latin_name = text.isascii() or any(script_of(c) == "latin" for c in text)
    for word in text.split(" "):
        toks, script = _word(word, latin_name)
        scripts[script] = scripts.get(script, 0) + len(word)
        out.extend(toks)
        if script != "latin":
            foreign.update(toks)
    dominant = max(scripts, key=lambda k: scripts[k]) if scripts else "latin"
    return out, dominant, foreign


def _merge(tokens: list[str], is_org: bool) -> tuple[list[tuple[str, str]], list[str]]:
    """Apply particles, titles, abd-/abu- compounds. Returns (token, kind) pairs and dropped words."""
    t = tables()
    kept: list[tuple[str, str]] = []
    dropped: list[str] = []
    pending = ""  # a joining prefix ("abu", "abd") waiting for the next name part
    n_candidates = sum(1 for tok in tokens if tok not in t.titles and tok not in t.particles)
    after_article = False
    for tok in tokens:
        # with the article a title is a family name: 'AL-HAJJ, Yahya', 'Al ash-Sheikh'
        if tok in t.titles and n_candidates > 1 and not is_org and not after_article:
            dropped.append(tok)
            continue
        after_article = tok in ARTICLES
        if (tok in t.particles or tok in ARTICLES) and not (is_org and tok in t.org_terms) and len(tokens) > 1:
            dropped.append(tok)
            continue
        if tok in DIN_WORDS and kept and not pending:
            prev, kind = kept.pop()
            kept.append((prev + "din", kind))
            continue
        if tok in t.joining or tok in _ABD_WORDS:
            pending += "abu" if tok in t.joining and tok.startswith(("ab", "ou", "ob")) else (
                "umm" if tok in t.joining else "abd")
            continue
        word = pending + tok if pending else tok
        pending = ""
        word = din_compound(abd_compound(word))
        if is_org and word in t.org_terms:
            kind = ORG_TERM
        elif len(word) == 1 and word.isalpha():
            kind = INITIAL
        else:
            kind = NAME
        kept.append((word, kind))
    if pending:
        kept.append((pending, NAME))
    if not kept:  # nothing but particles and titles ('Adh Adh'): they are the name
        return [(tok, INITIAL if len(tok) == 1 else NAME) for tok in dropped], []
    return kept, dropped


_ABD_WORDS = frozenset({"abd", "abdul", "abdel", "abdal", "abdol", "abdoul"})
_LEGAL_FORMS = frozenset({"llc", "ltd", "limited", "inc", "corp", "corporation", "company", "co", "gmbh", "plc",
                          "jsc", "ojsc", "pjsc", "cjsc", "ooo", "sarl", "srl", "spa", "fze", "fzco", "llp", "bv"})


@lru_cache(maxsize=200_000)
def _part(tok: str, kind: str, from_abjad: bool, romanised: bool) -> Part:
    return Part(tok, skeleton(tok), variant_group(tok), kind, from_abjad, vowel_shape(tok), romanised)


@lru_cache(maxsize=400_000)
def analyse(name: str, is_org: bool | None = False) -> AnalysedName:
    """Analyse one name. ``is_org``: discount legal forms ("LLC", "S.A.", "Company");
    None: decide from the name (it has a legal form)."""
    text = clean(name[: MAX_NAME_CHARS * 4])[:MAX_NAME_CHARS]
    tokens, script, foreign = _romanise(text)
    if is_org is None:
        is_org = len(tokens) > 1 and any(t in _LEGAL_FORMS for t in tokens[1:])
    if is_org and _LETTER_RUN_RE.search(text):
        tokens, script, foreign = _romanise(_letters_joined(text))
    if is_org:
        acronyms = tables().org_acronyms
        tokens = [word for tok in tokens for word in acronyms.get(tok, (tok,))]
    spoken = None if is_org or not tokens or not _joins_next(tokens[-1]) else _spoken_tokens(text)
    merged, dropped = _merge(spoken or tokens, is_org)
    merged = fewest_org_terms(merged, MAX_TOKENS, lambda m: m[1] == ORG_TERM)
    romanised = bool(foreign) and script != "latin"
    from_abjad = romanised and script in ("arabic", "hebrew")
    parts = tuple(_part(tok, kind, from_abjad, romanised) for tok, kind in merged)
    # ``text`` is clean already (unless it was cut short): its key is its case fold
    key = simple_key(text) if len(text) >= MAX_NAME_CHARS else text.casefold()
    surname_first = 0 if spoken else _surname_first(text, is_org, len(parts))
    return AnalysedName(name, key, script, parts, tuple(dropped), surname_first)


def _letters_joined(text: str) -> str:
    """Single letters in a row, after dots or spaces, as one word: an acronym as other spellings
    of an organisation's name write it ('D.E.S.' and 'D E S' -> 'DES', 'S.A.' -> 'SA'); 'I&S'
    stays two letters, 'S.A. C.I.' two words, and in a person's name letters stay initials."""
    return _LETTER_RUN_RE.sub(lambda m: re.sub(r"[.\s]", "", m.group()) + " ", text)


def _joins_next(token: str) -> bool:
    """An 'abu', 'umm' or 'abd' that makes one name with the word after it."""
    return token in tables().joining or token in _ABD_WORDS


def _spoken_tokens(text: str) -> list[str] | None:
    """The tokens of "SAMAD, Abdul" in speaking order: a given name that is only a prefix
    joins the surname ('Abdul Samad'). None for other names. (Where more given names come
    first, 'QAYYUM, Muhammad Tabish Abdul', the lists' other spellings mostly drop the prefix:
    'QAYYUUM, Tabish'.)"""
    head, comma, given = text.partition(",")
    given_tokens = _romanise(given)[0]
    if not comma or len(given_tokens) != 1:
        return None
    return given_tokens + _romanise(head)[0]


def _surname_first(text: str, is_org: bool, n_parts: int) -> int:
    """How many parts a person's name has before its first comma ("SURNAME, Given"), 0 if none
    (or no given name follows)."""
    head, comma, _ = text.partition(",")
    if is_org or not comma:
        return 0
    n_head = len(_merge(_romanise(head)[0], False)[0])
    return n_head if 0 < n_head < n_parts else 0


def fewest_org_terms(items: Sequence[T], limit: int, is_org_term: Callable[[T], bool]) -> list[T]:
    """At most ``limit`` items in their order, legal-form words given up first (a long company
    name keeps its distinctive words)."""
    if len(items) <= limit:
        return list(items)
    drop = len(items) - limit
    out = []
    for item in items:
        if drop and is_org_term(item):
            drop -= 1
            continue
        out.append(item)
    return out[:limit]


def scoring_parts(name: AnalysedName, limit: int) -> list[Part]:
    """The parts an index keeps of an indexed name (at most ``limit``)."""
    return fewest_org_terms(name.parts, limit, lambda p: p.kind == ORG_TERM)


def word_part(text: str, like: Part | None = None) -> Part:
    """A name part made of ``text`` (a probe for compounds and blends), romanised like ``like``."""
    return _part(text, NAME, like is not None and like.abjad, like is not None and like.romanised)


def joined(a: Part, b: Part) -> Part:
    """Two adjacent name parts written as one word: 'hat kaew' -> 'hatkaew', 'agro-phen' -> 'agrophen'."""
    return _part(a.text + b.text, NAME, a.abjad or b.abjad, a.romanised or b.romanised)


def is_org_schema(schema: str | None) -> bool:
    return schema in ORG_SCHEMAS
