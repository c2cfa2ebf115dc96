"""The HTML coverage report in headless Chromium: its charts are there and drawn.

Saves ``screenshots/coverage-report.png`` at the project root.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import Connection

from smartsanctions.analysis import write_html
from tests.analysis.conftest import SYRIA_AUTHORITIES

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
CHARTS = {"chart-matrix": "rect.cell", "chart-overlap": "rect.cell", "chart-timeline": "polyline.series", "chart-pillars": "rect.bar"}

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extra")


def test_report_file_is_self_contained(conn: Connection, tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    summary = write_html(conn, path, program="syria", authorities=SYRIA_AUTHORITIES)
    html = path.read_text(encoding="utf-8")
    assert summary["targets"] > 0 and summary["charts"] == ["matrix", "overlap", "pillars", "timeline"]
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "Syria programme" in html and "2022-05-05" in html


def test_report_renders_with_charts_in_chromium(conn: Connection, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    path = tmp_path / "coverage-report.html"
    write_html(conn, path, program="syria", authorities=SYRIA_AUTHORITIES)
    SCREENSHOTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            tab = browser.new_page(viewport={"width": 1280, "height": 1900})
            tab.goto(path.as_uri())
            assert "Sanctions coverage" in tab.title()
            for chart_id, marks in CHARTS.items():
                chart = tab.locator(f"svg#{chart_id}")
                assert chart.count() == 1, chart_id
                box = chart.bounding_box()
                assert box is not None and box["width"] > 100 and box["height"] > 30, chart_id
                assert chart.locator(marks).count() > 0, chart_id
            # The pillar bars have widths drawn from the shares.
            widths = tab.eval_on_selector_all("#chart-pillars rect.bar", "els => els.map(e => e.getBBox().width)")
            assert max(widths) > 50
            tab.screenshot(path=str(SCREENSHOTS / "coverage-report.png"), full_page=False)
        finally:
            browser.close()
    assert (SCREENSHOTS / "coverage-report.png").stat().st_size > 10_000
