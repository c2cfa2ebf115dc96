"""The web UI end to end in headless Chromium (Debian's chromium, driven by Playwright).

Saves a screenshot of each main page under ``screenshots/`` at the project root.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.api.conftest import auth
from tests.api.helpers import live_server

CHROMIUM = Path(os.environ.get("SMARTSANCTIONS_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extra")


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture()
def page(app: FastAPI) -> Iterator[tuple[Any, str]]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian packages chromium, chromium-driver; scripts/ci_services.sh)")
    SCREENSHOTS.mkdir(exist_ok=True)
    with live_server(app) as base_url, playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            tab = browser.new_page(viewport={"width": 1280, "height": 900})
            yield tab, base_url
        finally:
            browser.close()


def _shot(tab: Any, name: str) -> None:
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_main_pages(page: tuple[Any, str], keys: dict[str, str]) -> None:
    tab, base = page
    tab.goto(f"{base}/")
    assert tab.title() == "smartsanctions"
    assert "UN Security Council Consolidated List" in tab.inner_text("main")
    _shot(tab, "home")

    # Screen a name through the form, as a user would.
    tab.fill("#screen-form input[name=name]", "Joseph Kony")
    tab.fill("#screen-form input[name=dob]", "1961")
    tab.click("#screen-form button")
    tab.wait_for_selector("#results")
    first = tab.locator("#results tbody tr").first
    assert "un-sc:CFi.009" in first.inner_text()
    assert "match" in (first.get_attribute("class") or "")
    _shot(tab, "screening")

    # Mark the hit a false positive through the API; screening again shows it cleared.
    party = {"schema": "Person", "properties": {"name": ["Joseph Kony"], "birthDate": ["1961"]}}
    decision = {"query": party, "entity_id": "un-sc:CFi.009", "decision": "false_positive"}
    made = httpx.post(f"{base}/decisions", json=decision, headers=auth(keys["analyst"]))
    assert made.status_code == 201
    tab.reload()
    assert "cleared" in tab.locator("#results tbody tr").first.inner_text()

    # Follow the hit to the entity page: relations graph, timeline, provenance.
    tab.click("#results tbody tr >> nth=0 >> a")
    tab.wait_for_selector("#caption")
    assert tab.inner_text("#caption") == "JOSEPH KONY"
    assert tab.locator("#relations svg.graph").count() == 1
    assert "Nora Obol" in tab.inner_text("#relations")
    assert "designated" in tab.inner_text("#timeline")
    assert "2024-05-15" in tab.inner_text("#provenance")
    assert "asset_freeze" in tab.inner_text("#sanctions")
    _shot(tab, "entity")

    # Names in every script: the authored Turkish list gives Bashar al-Assad's Arabic name.
    tab.goto(f"{base}/ui/entity/tr-syria:TR-001")
    names = tab.inner_text("#names")
    assert "Arabic" in names and "بشار حافظ الأسد" in names
    assert "Latin" in names and "Beşar Esad" in names
    _shot(tab, "entity-scripts")

    tab.goto(f"{base}/ui/search?q=KOMID")
    assert tab.locator("#results tbody tr").count() >= 1
    _shot(tab, "search")

    tab.goto(f"{base}/ui/lists")
    text = tab.inner_text("main")
    assert "2025-04-19" in text and "2024-05-15" in text and "tr-syria" in text
    _shot(tab, "lists")

    tab.goto(f"{base}/ui/coverage")
    assert tab.inner_text("h1") == "Coverage"
    _shot(tab, "coverage")

    tab.goto(f"{base}/ui/gaps")
    assert tab.inner_text("h1") == "Gaps"
    _shot(tab, "gaps")

    for name in ("home", "screening", "entity", "entity-scripts", "search", "lists", "coverage", "gaps"):
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 5_000
