"""The per-authority programme alias table."""

from __future__ import annotations

from smartsanctions.analysis.programmes import resolve_programme


def test_syria_under_each_authoritys_name() -> None:
    syria = resolve_programme("Syria")
    assert syria is not None and syria.key == "syria"
    assert syria.matches("us", "SYRIA") and syria.matches("us", "SYRIA-EO13894") and syria.matches("us", "SYRIA-CAESAR")
    assert syria.matches("us", "Specially Designated Nationals (SDN) - Treasury Department: SYRIA")
    assert syria.matches("eu", "SYR") and syria.matches("gb", "Syria") and syria.matches("ca", "Syria")
    assert syria.matches("au", "Autonomous (Syria)")
    assert not syria.matches("au", "Autonomous (Iran)")
    assert not syria.matches("us", "SDGT")
    assert not syria.matches("un", "Al-Qaida")  # the UN has no Syria regime
    assert resolve_programme("SYR") is syria


def test_unknown_programme_matches_as_text() -> None:
    prog = resolve_programme("Libya")
    assert prog is not None and not prog.known
    assert prog.matches("au", "1970 (Libya)") and not prog.matches("au", "1718 (DPRK)")
    assert resolve_programme(None) is None and resolve_programme("  ") is None
