"""The HTML coverage report: one self-contained file with inline SVG charts (no scripts, no CDN)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import Connection

from smartsanctions.analysis import charts
from smartsanctions.analysis.coverage import build_matrix, matrix_json
from smartsanctions.analysis.gaps import gaps_json
from smartsanctions.analysis.state import paused_gc
from smartsanctions.analysis.timeline import timeline
from smartsanctions.store.queries import data_version

MAX_ROWS = 500
STALE_DAYS = 365  # an authority whose newest snapshot is older than this before as_of is flagged


def _environment() -> Environment:
    return Environment(loader=PackageLoader("smartsanctions.analysis", "templates"), autoescape=select_autoescape(["html"]))


def render_html(
    conn: Connection,
    *,
    program: str | None = None,
    authorities: Sequence[str] | None = None,
    as_of: date | str | None = None,
    pillar: str | None = None,
    schema: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """The report's HTML and a short summary of what it shows."""
    with paused_gc():
        matrix = build_matrix(conn, program=program, authorities=authorities, as_of=as_of, pillar=pillar, schema=schema)
        coverage = matrix_json(matrix)
        gaps = gaps_json(conn, matrix)
    events = timeline(conn, program=program, authorities=matrix.authorities)
    associates = sorted(gaps["unlisted_associates"], key=lambda u: (u["doubtful_name"], u["of"]["caption"].casefold()))
    drawn = {
        "matrix": charts.pattern_heatmap(coverage["targets"], matrix.authorities),
        "overlap": charts.overlap_heatmap(coverage["totals"]["overlap"], matrix.authorities),
        "timeline": charts.timeline_chart(events["series"], events["periods"], matrix.authorities),
        "pillars": charts.pillar_bars(gaps["pillar_coverage"], matrix.authorities),
    }
    html = _environment().get_template("report.html").render(
        coverage=coverage,
        gaps=gaps,
        associates=associates,
        charts=drawn,
        programme=matrix.programme,
        filters=matrix.filters,
        max_rows=MAX_ROWS,
        stale_before=(matrix.state.as_of - timedelta(days=STALE_DAYS)).isoformat(),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        data_version=data_version(conn),
    )
    summary = {
        "as_of": coverage["as_of"],
        "authorities": matrix.authorities,
        "targets": coverage["totals"]["targets"],
        "gaps": gaps["counts"]["gaps"],
        "unlisted_associates": gaps["counts"]["unlisted_associates"]["distinct"],
        "charts": sorted(drawn),
    }
    return html, summary


def write_html(
    conn: Connection,
    path: str | Path,
    *,
    program: str | None = None,
    authorities: Sequence[str] | None = None,
    as_of: date | str | None = None,
    pillar: str | None = None,
    schema: str | None = None,
) -> dict[str, Any]:
    """Write the report to ``path``; returns a summary (path, counts, charts drawn)."""
    html, summary = render_html(
        conn, program=program, authorities=authorities, as_of=as_of, pillar=pillar, schema=schema
    )
    target = Path(path)
    target.write_text(html, encoding="utf-8")
    return {"path": str(target), **summary}
