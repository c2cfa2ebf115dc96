"""The measures table: every rule valid, and the mappings the brief names."""

from __future__ import annotations

import pytest

from smartsanctions.sources.measures import MEASURES, check_measures, measures_for


def test_eu_syria_is_asset_freeze_and_travel_ban_with_legal_basis() -> None:
    mapping = measures_for("eu", "eu-fsf", "SYR")
    assert set(mapping.measures) == {"asset_freeze", "travel_ban"}
    assert "36/2012" in mapping.legal_basis and "2013/255/CFSP" in mapping.legal_basis


def test_us_syria_blocks_assets_without_travel_ban_but_caesar_adds_it() -> None:
    assert measures_for("us", "us-sdn", "SYRIA").measures == ("asset_freeze",)
    assert "travel_ban" in measures_for("us", "us-sdn", "SYRIA-CAESAR").measures


def test_un_isil_regime_includes_arms_embargo() -> None:
    assert "arms_embargo" in measures_for("un", "un-sc", "Al-Qaida").measures


def test_us_sectoral_list_is_not_an_asset_freeze() -> None:
    assert measures_for("us", "us-cons", "UKRAINE-EO13662").measures == ("sectoral",)


def test_unknown_authority_falls_back_to_other() -> None:
    assert measures_for("arab-league", "arab-league-syria", "Syria").measures == ("other",)


def test_every_mapping_uses_the_vocabulary() -> None:
    for authority in ("us", "un", "eu", "gb", "ca", "au", "ch", "tr"):
        for program in ("SYRIA", "Russia", "", "ISIL", "SDGT"):
            assert set(measures_for(authority, f"{authority}-x", program).measures) <= set(MEASURES)


def test_check_measures_names_the_place() -> None:
    assert check_measures(["Asset_Freeze ", "travel_ban"], "row 3") == ("asset_freeze", "travel_ban")
    with pytest.raises(ValueError, match="row 3.*'freeze'"):
        check_measures(["freeze"], "row 3")
