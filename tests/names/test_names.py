"""Name analysis and comparison: transliteration, conventions, homoglyphs, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartsanctions.names.analyse import INITIAL, NAME, ORG_TERM, analyse
from smartsanctions.names.compare import (
    BLEND_FACTOR,
    aggregate_one,
    aggregate_pairs,
    blend_score,
    compare_names,
    joined_runs,
)
from smartsanctions.names.conventions import abd_compound, skeleton
from smartsanctions.names.normalise import clean, fold_homoglyphs
from smartsanctions.names.translit import to_latin
from smartsanctions.screening.index import DEFAULT_THRESHOLD


@pytest.mark.parametrize("a,b", [
    ("Assad", "al-Asad"), ("Assad", "Al Assad"), ("Assad", "الأسد"), ("al-Asad", "الأسد"),
    ("Bashar al-Assad", "Bachar el Asad"), ("Bashar al-Assad", "بشار الأسد"),
    ("Muhammad Ali", "Mohammed Ali"), ("Muhammad Ali", "Mohamad Ali"), ("Muhammad Ali", "محمد علي"),
    ("Vladimir Putin", "Владимир Путин"), ("Abdullah", "عبد الله"), ("Abd al-Rahman", "Abdurrahman"),
    ("Osama bin Laden", "Usama bin Ladin"), ("Muammar Qaddafi", "Muʿammar al-Qadhdhāfī"),
    ("Nikolaos", "Νικόλαος"), ("Moshe", "משה"),
])
def test_variants_match(a: str, b: str) -> None:
    assert compare_names(a, b).score >= DEFAULT_THRESHOLD - 0.05, (a, b)


def test_homoglyph_folds() -> None:
    cyrillic_a = "\u0410ssad"
    assert fold_homoglyphs(cyrillic_a) == "Assad"
    assert compare_names(cyrillic_a, "Assad").score >= 0.99
    # a wholly Cyrillic word is transliterated, not folded, even if all its letters look Latin,
    # unless the name around it is written in Latin letters
    assert analyse("Путин").parts[0].text == "putin"
    assert analyse("Охара").texts == ("okhara",) and analyse("Вах Сон").texts == ("vakh", "son")
    assert analyse("Maher АТОМ").texts == ("maher", "atom")


def test_invisible_and_control_characters_removed() -> None:
    assert clean("Ba\u200bshar\u00ad al\u200d-Assad\x07") == "Bashar al-Assad"
    assert compare_names("Ba\u200bshar al-Assad", "Bashar al-Assad").score >= 0.99


def test_reordering_and_comma_form() -> None:
    assert compare_names("Bashar al-Assad", "AL-ASSAD, Bashar").score == pytest.approx(0.99)


def test_surname_written_first_runs_into_the_given_names() -> None:
    """'ZADEH, Mohammed Khalil' is Mohammed Khalil Zadeh: for compounds his surname also joins
    'Khalil' (Khalilzadeh), the part it follows when spoken."""
    an = analyse("ZADEH, Mohammed Khalil")
    assert an.texts == ("zadeh", "mohammed", "khalil") and an.surname_first == 1
    assert [p.text for p in an.spoken_parts] == ["mohammed", "khalil", "zadeh"]
    assert [p.text for p in joined_runs(an)] == ["zadehmohammed", "mohammedkhalil", "khalilzadeh"]
    assert analyse("AL-ASSAD, Bashar Hafez").surname_first == 1  # the particle is not a part
    assert analyse("VAN DER BERG, Jan").surname_first == 1
    assert analyse("Bashar al-Assad").surname_first == 0
    assert analyse("SMITH,").surname_first == 0  # nothing after the comma
    assert analyse("HAD KAEW, LTD", True).surname_first == 0  # companies: no surnames
    assert [p.text for p in joined_runs(analyse("Mohammed Khalil Zadeh"))] == ["mohammedkhalil", "khalilzadeh"]
    # run together as one word each, the names compare in speaking order
    pair = compare_names("ZADEH, Mohammed Khalil", "KHALILZADEH, Mohammad")
    assert pair.explanation["as_one_word"] == {"a": "mohammedkhalilzadeh", "b": "mohammadkhalilzadeh",
                                               "score": pytest.approx(pair.score, abs=1e-4)}
    assert pair.score >= DEFAULT_THRESHOLD


def test_a_given_name_that_is_only_a_prefix_joins_the_surname() -> None:
    """'SAMAD, Abdul' is Abdul Samad, one name (abd al-Samad), as 'ACHEKZAI, Abdul Samad' writes
    it; 'YASIR, Abu' is the kunya Abu Yasir. With more given names the prefix stays put."""
    assert analyse("SAMAD, Abdul").texts == ("abdsamad",) and analyse("SAMAD, Abdul").surname_first == 0
    assert analyse("YASIR, Abu").texts == ("abuyasir",)
    assert analyse("ACHEKZAI, Abdul Samad").texts == ("achekzai", "abdsamad")
    assert analyse("QAYYUM, Muhammad Tabish Abdul").texts[0] == "qayyum"
    assert analyse("SAMAD, Hamid").texts == ("samad", "hamid")  # not a prefix: unchanged
    assert analyse("ABDUL, Samad").texts == ("abdsamad",)  # written in speaking order already
    assert compare_names("SAMAD, Abdul", "Abdul Samad").score >= DEFAULT_THRESHOLD
    assert compare_names("SAMAD, Abdul", "ACHEKZAI, Abdul Samad").score > compare_names(
        "SAMAD, Hamid", "ACHEKZAI, Abdul Samad").score


def test_missing_middle_name_and_initials() -> None:
    assert compare_names("Bashar Hafez al-Assad", "Bashar al-Assad").score >= 0.85
    assert compare_names("John Smith", "J. Smith").score >= 0.8
    assert compare_names("John Smith", "J. Smith").score < compare_names("John Smith", "John Smith").score


def test_shared_part_negatives_below_threshold() -> None:
    assert compare_names("Bashar al-Assad", "Hafez al-Assad").score < DEFAULT_THRESHOLD
    assert compare_names("Mohammed Smith", "Mohammed Jones").score < DEFAULT_THRESHOLD
    assert compare_names("Mahmoud Abbas", "Mohammed Abbas").score < DEFAULT_THRESHOLD
    assert compare_names("Hassan Rouhani", "Hussein Rouhani").score < compare_names("Hassan Rouhani", "Hasan Rouhani").score


def test_organisation_legal_forms_discounted() -> None:
    same = compare_names("Acme Trading Co., Ltd.", "ACME TRADING LLC", schema="Company").score
    other = compare_names("Acme Trading Co., Ltd.", "Zenith Trading Co., Ltd.", schema="Company").score
    assert same >= 0.85
    assert other < DEFAULT_THRESHOLD



def test_acronyms_are_one_word_in_organisation_names() -> None:
    """'D.E.S. International' is 'DES International' (the same company's other spelling); legal
    forms written with dots stay legal forms; a person's dotted initials stay initials."""
    assert analyse("D.E.S. INTERNATIONAL CO. LTD.", True).texts[0] == "des"
    assert compare_names("D.E.S. INTERNATIONAL CO. LTD.", "DES INTERNATIONAL CO., LTD.", schema="Company").score > 0.95
    parts = analyse("RANCHO EL NUEVO PACHON, S. DE R.L. DE C.V.", True).parts
    assert [p.text for p in parts if p.kind != ORG_TERM] == ["rancho", "nuevo", "pachon"]
    assert [p.kind for p in analyse("FINANCIERA CIMEX S.A", True).parts] == [NAME, NAME, ORG_TERM]
    assert [p.kind for p in analyse("J.A. SMITH").parts] == [INITIAL, INITIAL, NAME]
    # letters after spaces are the same acronym; letters joined by '&' are not one
    assert analyse("P L M SOCIEDAD DE CORRETAJE, C.A.", True).texts == analyse("P.L.M. SOCIEDAD DE CORRETAJE, C.A.",
                                                                              True).texts
    assert analyse("I&S HOLDING COMPANY, S.A.", True).texts[0] == "i"
    assert analyse("S.A. C.I. GLOBAL INVESTMENTS", True).texts[:2] == ("sa", "ci")  # two acronyms


def test_a_title_after_the_article_is_a_family_name() -> None:
    """'Hajj' alone is a title, 'al-Hajj' a family name: both spellings of 'AL-HAJJ, Yahya' keep it,
    as 'ES SAYED, Kader' keeps Sayed."""
    assert analyse("AL-HAJ, Yehia Issa Mohamad").texts == ("haj", "yehia", "issa", "mohamad")
    assert analyse("Haji Mohammad Khan").texts == ("mohammad", "khan")
    assert analyse("ES SAYED, Abdelkader Mahmoud").texts[0] == "sayed"
    assert compare_names("AL-HAJ, Yehia Issa Mohamad", "AL-HAJJ, Yahya").score > compare_names(
        "Yehia Issa Mohamad", "AL-HAJJ, Yahya").score

def test_arabic_conventions() -> None:
    assert abd_compound("abdulrahman") == abd_compound("abdurrahman") == "abdrahman"
    assert analyse("Abu Bakr al-Baghdadi").texts == ("abubakr", "baghdadi")
    assert analyse("Sheikh Abdullah bin Zayed").dropped == ("sheikh", "bin")
    assert skeleton("bashar") == skeleton("bachar") == skeleton("bshar")
    assert to_latin("الأسد") == "al-asd"
    # tāʾ marbūṭa and the Persian/Urdu letters
    assert to_latin("فاطمة") == "fatma"
    assert to_latin("گل") == "gl"


def test_explanation_names_the_parts() -> None:
    res = compare_names("Bashar al-Assad", "Bachar el Asad")
    pairs = {(p["query"], p["candidate"]) for p in res.explanation["parts"]}
    assert ("bashar", "bachar") in pairs and ("assad", "asad") in pairs
    assert "al" in res.explanation["ignored"]


@pytest.mark.parametrize("bad", ["", " ", "!!!", "...,,,", "\x00\x01\x02", "a" * 10_000, "Bashar Путин محمد 金正恩",
                                 "\u200b\u200b", "-" * 5000, "\ud800", "0000"])
def test_bad_input_never_crashes(bad: str) -> None:
    res = compare_names(bad, "Bashar al-Assad")
    assert 0.0 <= res.score <= 1.0
    res = compare_names(bad, bad)
    assert 0.0 <= res.score <= 1.0


def test_empty_names_do_not_match() -> None:
    assert compare_names("", "").score == 0.0
    assert compare_names("!!!", "???").score == 0.0


_names = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(_names, _names)
def test_score_bounds_and_symmetry(a: str, b: str) -> None:
    ab = compare_names(a, b).score
    ba = compare_names(b, a).score
    assert 0.0 <= ab <= 1.0
    assert abs(ab - ba) <= 0.15


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz "), min_size=1, max_size=30))
def test_identical_is_one_and_only_identical(name: str) -> None:
    s = compare_names(name, name).score
    if analyse(name).parts:
        assert s == 1.0
        assert compare_names(name, name + "x").score < 1.0


def test_aggregate_pairs_is_independent_of_padding() -> None:
    """A batch pads every candidate to its widest name; the padding must not change a single bit
    of a score, or the order of tied results would depend on the batch."""
    rng = np.random.default_rng(7)
    n_pairs, nq, nt, wide = 3000, 5, 5, 13
    m = rng.random((n_pairs, nq, nt), dtype=np.float32)
    wq = rng.random((n_pairs, nq), dtype=np.float32) + np.float32(0.1)
    wc = rng.random((n_pairs, nt), dtype=np.float32) + np.float32(0.1)
    padded_m = np.concatenate([m, rng.random((n_pairs, nq, wide - nt), dtype=np.float32)], axis=2)
    padded_wc = np.concatenate([wc, np.zeros((n_pairs, wide - nt), dtype=np.float32)], axis=1)
    narrow = aggregate_pairs(m, wq, wc)
    assert np.array_equal(narrow, aggregate_pairs(padded_m, wq, padded_wc))
    assert len(np.unique(narrow)) > n_pairs // 2  # real, varied scores, not all zero


def test_aggregate_pairs_equals_the_plain_python_greedy_pairing() -> None:
    """The vectorised greedy pairing (scores of whole batches) and the one-pair version (``compare``)
    are two implementations of one rule: they must agree on every pair, ties and zeros included."""
    rng = np.random.default_rng(11)
    n_pairs, nq, nt = 2000, 4, 6
    m = rng.random((n_pairs, nq, nt), dtype=np.float32)
    m[m < 0.3] = 0.0  # parts with no counterpart at all
    m[rng.random((n_pairs, nq, nt)) < 0.05] = np.float32(0.75)  # tied best pairs
    wq = rng.random((n_pairs, nq), dtype=np.float32) + np.float32(0.1)
    wc = rng.random((n_pairs, nt), dtype=np.float32) + np.float32(0.1)
    # names of every length up to the padding: rows finish pairing in different rounds
    n_q = rng.integers(1, nq + 1, n_pairs)
    n_c = rng.integers(1, nt + 1, n_pairs)
    wq[np.arange(nq)[None, :] >= n_q[:, None]] = 0.0
    wc[np.arange(nt)[None, :] >= n_c[:, None]] = 0.0
    fast = aggregate_pairs(m, wq, wc)
    for i in range(n_pairs):
        a, b = int(n_q[i]), int(n_c[i])
        slow = aggregate_one(m[i, :a, :b].tolist(), wq[i, :a].tolist(), wc[i, :b].tolist())
        assert fast[i] == pytest.approx(slow, abs=1e-5), i


def test_a_name_of_particles_only_is_still_a_name() -> None:
    assert analyse("Adh Adh").texts == ("adh", "adh")
    assert compare_names("Adh Adh", "Adh Adh").score == 1.0
    assert analyse("Al Bin").dropped == ()


def test_blends_of_company_names() -> None:
    """A one-word company name made of the start of each word of another and its last word:
    'FINCIMEX' = FINanciera CIMEX. The start must be three letters or more, the end four."""
    assert blend_score("fincimex", analyse("FINANCIERA CIMEX S.A", True).parts) == pytest.approx(BLEND_FACTOR)
    assert blend_score("ficimex", analyse("FINANCIERA CIMEX", True).parts) == 0.0  # 'fi': too short a start
    assert blend_score("financiercim", analyse("FINANCIERA CIM", True).parts) == 0.0  # 'cim': too short an end
    assert 0.0 < blend_score("fincimax", analyse("FINANCIERA CIMEX", True).parts) < BLEND_FACTOR
    assert compare_names("COLCERDOS LTDA.", "COLOMBIANA DE CERDOS LTDA.", "Company").explanation["blend"] == {
        "a": "colcerdos", "b": "colombiana cerdos", "score": round(BLEND_FACTOR, 4)}
    assert "blend" not in compare_names("Colcerdos", "Colombiana Cerdos", "Person").explanation


def test_organisation_acronyms_of_the_lists_stand_for_their_words() -> None:
    """OFAC writes 'LAREDO DTO' and 'LAREDO DRUG TRAFFICKING ORGANIZATION' for one entity; a
    person called Dto keeps his name."""
    assert analyse("LAREDO DTO", True).texts == ("laredo", "drug", "trafficking", "organization")
    assert compare_names("LAREDO DTO", "LAREDO DRUG TRAFFICKING ORGANIZATION", "Organization").score > 0.95
    assert analyse("Dto Laredo").texts == ("dto", "laredo")
