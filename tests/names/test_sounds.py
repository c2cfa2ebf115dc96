"""Sound keys: romanised names meet the Latin spellings of the same name, and only across scripts."""

from __future__ import annotations

import pytest

from smartsanctions.names.analyse import analyse
from smartsanctions.names.compare import compare_names, part_similarity
from smartsanctions.names.sounds import MAX_KEYS, sound_codes, sound_keys
from smartsanctions.screening.index import DEFAULT_THRESHOLD


@pytest.mark.parametrize(("script", "latin"), [
    ("فوديتشكا", "Vodička"),  # ف for v, تش for č
    ("بيترز", "Peters"),  # ب for p
    ("جيوفانا", "Giovanna"),  # ج for a soft g
    ("لورينس", "Lawrence"),  # w a vowel, c soft
    ("Вайнштейн", "Weinstein"),  # в for w
    ("Скшипек", "Skrzypek"),  # Polish rz
    ("Дземьянович", "Dziemianowicz"),
    ("Эйххаммер", "Eichhammer"),  # German ch
    ("Итиянаги", "Ichiyanagi"),  # Japanese chi, ti in Russian
])
def test_a_romanised_name_shares_a_sound_key_with_its_latin_spelling(script: str, latin: str) -> None:
    (a,), (b,) = analyse(script).parts, analyse(latin).parts
    assert a.romanised and not b.romanised
    assert set(sound_keys(a.text)) & set(sound_keys(b.text)), (a.text, b.text)
    # the skeletons alone do not bring them together
    assert a.skeleton != b.skeleton


def test_different_names_have_different_keys() -> None:
    assert not set(sound_keys("peters")) & set(sound_keys("petrov"))
    assert not set(sound_keys("vidal")) & set(sound_keys("vital"))
    assert sound_keys("ya") == sound_keys("aya") == ()  # no consonant: no key
    assert sound_keys("shats") == sound_keys("schatz") == ("S",)  # one class: finds, but scores nothing
    assert sound_codes("shats") == (0,) * MAX_KEYS


def test_letters_read_two_ways_give_a_key_per_reading_up_to_the_limit() -> None:
    assert set(sound_keys("vodicka")) == {"PDK", "PDSK"}
    assert len(sound_keys("chwgcxjchw")) == MAX_KEYS
    codes = sound_codes("vodicka")
    assert len(codes) == MAX_KEYS and codes[2] == 0 and all(0 < c < 2**31 for c in codes[:2])


def test_a_shared_sound_key_counts_only_across_scripts_and_never_alerts_alone() -> None:
    script, latin = analyse("فوديتشكا").parts[0], analyse("Vodicka").parts[0]
    latin_spelling = analyse("Fuditshka").parts[0]  # the same letters, written in Latin
    assert part_similarity(script, latin) > part_similarity(latin_spelling, latin) + 0.2
    assert compare_names("فوديتشكا", "Vodicka").score < DEFAULT_THRESHOLD
    # a different name of another variant group gets nothing from sharing a key
    assert part_similarity(analyse("حسين").parts[0], analyse("Hassan").parts[0]) < 0.5


def test_the_explanation_says_what_related_each_pair_of_parts() -> None:
    by = {p["query"]: p["by"] for p in compare_names("فوديتشكا محمد", "Mohamed Vodička").explanation["parts"]}
    assert by == {"fuditshka": "sound", "mhmd": "variant"}
    by = {p["query"]: p["by"] for p in compare_names("Muhammad J Wodicka", "Mohamed John Vodicka").explanation["parts"]}
    assert by == {"muhammad": "variant", "j": "initial", "wodicka": "skeleton"}
    assert compare_names("Peters", "Peters Ltd").explanation["parts"][0]["by"] == "same"
