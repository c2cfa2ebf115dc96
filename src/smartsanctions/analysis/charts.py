"""Charts as inline SVG strings, drawn in Python (no JavaScript, no CDN): the report embeds them.

- ``pattern_heatmap``: the coverage matrix with identical rows folded together: one row
  per combination of authorities that list a target, its cells filled, and a bar with how
  many targets share it.
- ``overlap_heatmap``: authority by authority, the share of the row authority's targets
  that the column authority also lists.
- ``timeline_chart``: designations (solid) and delistings (dashed) per period and authority.
- ``pillar_bars``: per pillar, the share of known regime figures each authority lists.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

PALETTE = {
    "us": "#1f5fa8", "un": "#3c9ad6", "eu": "#2a9d4b", "gb": "#c0392b", "ca": "#e67e22", "au": "#8e44ad", "ch": "#7f8c8d",
}
_EXTRA = ("#16a085", "#d35400", "#2c3e50", "#b7950b", "#6c3483")
FONT = "font-family:system-ui,sans-serif"


def colour(authority: str, index: int = 0) -> str:
    return PALETTE.get(authority, _EXTRA[index % len(_EXTRA)])


def _svg(width: int, height: int, body: list[str], chart_id: str, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" style="{FONT};font-size:12px">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {extra}>{escape(text)}</text>'


def _empty(chart_id: str, title: str, message: str) -> str:
    return _svg(420, 40, [_text(10, 25, message, extra='fill="#666"')], chart_id, title)


def pattern_heatmap(targets: Sequence[Mapping[str, Any]], authorities: Sequence[str], max_rows: int = 40) -> str:
    title = "Coverage matrix: which authorities list each target (identical rows folded)"
    if not targets or not authorities:
        return _empty("chart-matrix", title, "No targets match these filters.")
    patterns = Counter(tuple(a for a in authorities if t["cells"].get(a)) for t in targets)
    rows = sorted(patterns.items(), key=lambda kv: (-len(kv[0]), -kv[1], kv[0]))[:max_rows]
    cell, left, top, bar_w = 26, 10, 40, 260
    biggest = max(n for _p, n in rows)
    width = left + cell * len(authorities) + 20 + bar_w + 60
    height = top + cell * len(rows) + 10
    body = [_text(left + i * cell + cell / 2, top - 10, a.upper(), "middle", 'font-weight="600"') for i, a in enumerate(authorities)]
    body.append(_text(left + cell * len(authorities) + 20, top - 10, "targets", extra='fill="#444"'))
    for r, (pattern, n) in enumerate(rows):
        y = top + r * cell
        for i, a in enumerate(authorities):
            fill = colour(a, i) if a in pattern else "#eceff1"
            body.append(
                f'<rect class="cell" x="{left + i * cell + 1}" y="{y + 1}" width="{cell - 2}" height="{cell - 2}" '
                f'fill="{fill}"><title>{escape(a)}: {"lists" if a in pattern else "does not list"}</title></rect>'
            )
        x0 = left + cell * len(authorities) + 20
        w = max(1.0, bar_w * n / biggest)
        body.append(f'<rect class="bar" x="{x0}" y="{y + 5}" width="{w:.1f}" height="{cell - 10}" fill="#90a4ae"/>')
        body.append(_text(x0 + w + 5, y + cell / 2 + 4, str(n)))
    return _svg(width, height, body, "chart-matrix", title)


def overlap_heatmap(overlap: Mapping[str, Mapping[str, int]], authorities: Sequence[str]) -> str:
    title = "Overlap: share of the row authority's targets that the column authority also lists"
    if not authorities:
        return _empty("chart-overlap", title, "No authorities.")
    cell, left, top = 64, 50, 30
    size_w = left + cell * len(authorities) + 10
    size_h = top + cell * len(authorities) + 10
    body = []
    for i, a in enumerate(authorities):
        body.append(_text(left + i * cell + cell / 2, top - 10, a.upper(), "middle", 'font-weight="600"'))
        body.append(_text(left - 8, top + i * cell + cell / 2 + 4, a.upper(), "end", 'font-weight="600"'))
    for r, a in enumerate(authorities):
        own = overlap.get(a, {}).get(a, 0)
        for c, b in enumerate(authorities):
            n = overlap.get(a, {}).get(b, 0)
            share = n / own if own else 0.0
            shade = int(245 - share * 180)
            fill = f"rgb({shade},{int(250 - share * 110)},{int(255 - share * 60)})"
            x, y = left + c * cell, top + r * cell
            body.append(
                f'<rect class="cell" x="{x + 1}" y="{y + 1}" width="{cell - 2}" height="{cell - 2}" fill="{fill}">'
                f"<title>{escape(a)} lists {own}; {escape(b)} also lists {n}</title></rect>"
            )
            ink = "#fff" if share > 0.6 else "#222"
            body.append(_text(x + cell / 2, y + cell / 2 - 2, f"{share:.0%}", "middle", f'fill="{ink}"'))
            body.append(_text(x + cell / 2, y + cell / 2 + 13, str(n), "middle", f'fill="{ink}" font-size="10"'))
    return _svg(size_w, size_h, body, "chart-overlap", title)


def timeline_chart(series: Mapping[str, Mapping[str, Mapping[str, int]]], periods: Sequence[str], authorities: Sequence[str]) -> str:
    title = "Designations (solid) and delistings (dashed) per period"
    if not periods:
        return _empty("chart-timeline", title, "No dated events.")
    left, top, plot_w, plot_h = 50, 20, max(420, 22 * len(periods)), 220
    peak = max(
        [1]
        + [series.get(a, {}).get(k, {}).get(p, 0) for a in authorities for k in ("designated", "delisted") for p in periods]
    )
    step = plot_w / max(1, len(periods) - 1)

    def xy(i: int, v: int) -> str:
        return f"{left + i * step:.1f},{top + plot_h - plot_h * v / peak:.1f}"

    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#999"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#999"/>',
        _text(left - 6, top + 4, str(peak), "end"),
        _text(left - 6, top + plot_h + 4, "0", "end"),
    ]
    every = max(1, len(periods) // 12)
    for i, p in enumerate(periods):
        if i % every == 0 or i == len(periods) - 1:
            body.append(_text(left + i * step, top + plot_h + 16, p, "middle", 'font-size="10"'))
    for n, a in enumerate(authorities):
        for kind, dash in (("designated", ""), ("delisted", ' stroke-dasharray="4 3"')):
            values = series.get(a, {}).get(kind, {})
            if not any(values.get(p, 0) for p in periods):
                continue
            points = " ".join(xy(i, values.get(p, 0)) for i, p in enumerate(periods))
            body.append(
                f'<polyline class="series" points="{points}" fill="none" stroke="{colour(a, n)}" stroke-width="2"{dash}>'
                f"<title>{escape(a)} {kind}</title></polyline>"
            )
    legend_y = top + plot_h + 34
    for n, a in enumerate(authorities):
        x = left + n * 70
        body.append(f'<rect x="{x}" y="{legend_y - 9}" width="12" height="12" fill="{colour(a, n)}"/>')
        body.append(_text(x + 16, legend_y + 1, a.upper()))
    return _svg(left + plot_w + 30, legend_y + 12, body, "chart-timeline", title)


def pillar_bars(pillars: Mapping[str, Mapping[str, Any]], authorities: Sequence[str]) -> str:
    title = "Pillar coverage: share of known regime figures each authority lists"
    names = [p for p, v in pillars.items() if v.get("known")]
    if not names or not authorities:
        return _empty("chart-pillars", title, "No pillar placements for these targets.")
    left, top, bar_h, plot_w = 160, 20, 12, 360
    group_h = bar_h * len(authorities) + 14
    body = []
    for g, pillar in enumerate(names):
        y0 = top + g * group_h
        info = pillars[pillar]
        body.append(_text(left - 8, y0 + group_h / 2, f"{pillar} ({info['known']})", "end", 'font-weight="600"'))
        for i, a in enumerate(authorities):
            share = info["by_authority"].get(a, {}).get("share") or 0.0
            y = y0 + i * bar_h
            w = max(0.5, plot_w * share)
            body.append(
                f'<rect class="bar" x="{left}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" fill="{colour(a, i)}">'
                f"<title>{escape(a)}: {share:.0%} of {info['known']}</title></rect>"
            )
            body.append(_text(left + w + 4, y + bar_h - 3, f"{a.upper()} {share:.0%}", extra='font-size="10"'))
    height = top + group_h * len(names) + 10
    return _svg(left + plot_w + 80, height, body, "chart-pillars", title)
