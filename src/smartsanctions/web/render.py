"""Turning store read models into what the templates show (no HTML here except the graph's SVG)."""

from __future__ import annotations

import math
import unicodedata
from collections import Counter, defaultdict
from typing import Any

from markupsafe import Markup, escape

from smartsanctions.api.entities import Bundle, caption_of
from smartsanctions.store.views import relations_view, sanction_view

NAME_PROPS = ("name", "alias", "weakAlias", "previousName")
FACTS = (
    ("birthDate", "Born"),
    ("birthPlace", "Place of birth"),
    ("nationality", "Nationality"),
    ("citizenship", "Citizenship"),
    ("country", "Country"),
    ("gender", "Gender"),
    ("title", "Title"),
    ("position", "Position"),
    ("passportNumber", "Passport"),
    ("idNumber", "ID number"),
    ("registrationNumber", "Registration"),
    ("imoNumber", "IMO"),
    ("address", "Address"),
    ("notes", "Notes"),
)


def script_of(text: str) -> str:
    """The writing system of a name, from its first letter (Latin, Arabic, Cyrillic, ...)."""
    for char in text:
        if char.isalpha():
            try:
                label = unicodedata.name(char)
            except ValueError:
                return "Other"
            first = label.split(" ")[0]
            if first == "CJK":
                return "Han"
            return first.capitalize()
    return "Other"


def names_by_script(props: dict[str, list[str]]) -> list[dict[str, Any]]:
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    for prop in NAME_PROPS:
        for value in props.get(prop, []):
            grouped[script_of(value)].append({"name": value, "kind": prop})
    order = sorted(grouped, key=lambda s: (s != "Latin", s))
    return [{"script": s, "names": grouped[s]} for s in order]


def sanctions_by_authority(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entity in entities:
        if entity["schema"] == "Sanction":
            view = sanction_view(entity)
            grouped[view["authority"] or "?"].append(view)
    return [{"authority": a, "sanctions": grouped[a]} for a in sorted(grouped)]


def relation_graph(centre: str, relations: list[dict[str, Any]], size: int = 420) -> Markup:
    """A small SVG: the entity in the middle, related parties on a circle, labelled edges."""
    if not relations:
        return Markup("")
    mid = size / 2
    radius = size / 2 - 70
    opening = (
        f'<svg class="graph" viewBox="0 0 {size} {size}" width="{size}" height="{size}" role="img" '
        f'aria-label="relations of {escape(centre)}">'
    )
    parts = [opening]
    nodes = []
    for i, rel in enumerate(relations[:16]):
        angle = 2 * math.pi * i / min(len(relations), 16) - math.pi / 2
        x, y = mid + radius * math.cos(angle), mid + radius * math.sin(angle)
        parts.append(f'<line x1="{mid:.0f}" y1="{mid:.0f}" x2="{x:.0f}" y2="{y:.0f}" class="edge"/>')
        lx, ly = (mid + x) / 2, (mid + y) / 2
        parts.append(f'<text x="{lx:.0f}" y="{ly:.0f}" class="edge-label">{escape(rel["relationship"])}</text>')
        nodes.append((x, y, rel))
    parts.append(f'<circle cx="{mid:.0f}" cy="{mid:.0f}" r="16" class="node centre"/>')
    parts.append(f'<text x="{mid:.0f}" y="{mid + 32:.0f}" class="node-label">{escape(centre[:40])}</text>')
    for x, y, rel in nodes:
        label = escape((rel["other_caption"] or rel["other_id"] or "?")[:36])
        css = "node listed" if rel["other_listed"] else "node unlisted"
        circle = f'<circle cx="{x:.0f}" cy="{y:.0f}" r="11" class="{css}"/>'
        text = f'<text x="{x:.0f}" y="{y + 26:.0f}" class="node-label">{label}</text>'
        if rel["other_listed"] and rel["other_id"]:
            parts.append(f'<a href="/ui/entity/{escape(rel["other_id"])}">{circle}{text}</a>')
        else:
            parts.append(circle + text)
    parts.append("</svg>")
    return Markup("".join(parts))


def _relations(bundle: Bundle, captions: dict[str, str]) -> list[dict[str, Any]]:
    canonical = (bundle.view or {}).get("relations")
    if canonical and "kind" in canonical[0]:
        return [
            {
                "relationship": r["relation"],
                "other_id": r["other_id"],
                "other_caption": r["other_caption"],
                "other_listed": r["other_listed"],
            }
            for r in canonical
        ]
    relations = relations_view(bundle.entities, bundle.target["id"])
    for rel in relations:
        if not rel["other_caption"] and rel["other_id"] in captions:
            rel["other_caption"] = captions[rel["other_id"]]
    return relations


def listed_others(bundle: Bundle) -> list[str]:
    """IDs of listed entities this one relates to whose names the bundle does not carry."""
    return [r["other_id"] for r in relations_view(bundle.entities, bundle.target["id"]) if r["other_listed"] and not r["other_caption"] and r["other_id"]]


def entity_page(bundle: Bundle, history: dict[str, Any], captions: dict[str, str] | None = None) -> dict[str, Any]:
    props = bundle.target.get("properties", {})
    relations = _relations(bundle, captions or {})
    return {
        "id": bundle.id,
        "caption": bundle.caption,
        "schema": bundle.schema,
        "datasets": bundle.datasets,
        "referents": bundle.referents,
        "listed": bundle.listed,
        "names": names_by_script(props),
        "facts": [(label, props[p]) for p, label in FACTS if props.get(p)],
        "sanctions": sanctions_by_authority(bundle.entities),
        "relations": relations,
        "graph": relation_graph(bundle.caption, relations),
        "events": sorted(history["events"], key=lambda e: (e["date"] or e["not_after"] or "", e["event"])),
        "versions": history["versions"],
        "others": [
            {"id": e["id"], "schema": e["schema"], "caption": caption_of(e)}
            for e in bundle.entities[1:]
            if e["schema"] not in ("Sanction", "Family", "Associate", "UnknownLink")
        ],
    }


def _shade(cell: dict[str, Any] | None) -> str:
    if cell is None:
        return "c0"
    return f"c{min(len(cell.get('measures') or []) + 1, 5)}"


def coverage_tables(data: dict[str, Any], limit: int) -> dict[str, Any]:
    """The target-by-authority heatmap rows and an authority-by-authority overlap matrix."""
    authorities: list[str] = list(data.get("authorities", []))
    targets = data.get("targets", [])
    rows = []
    for target in targets[:limit]:
        cells = target.get("cells", {})
        rows.append(
            {
                "id": target["id"],
                "caption": target.get("caption") or target["id"],
                "schema": target.get("schema", ""),
                "pillars": target.get("pillars", []),
                "cells": [
                    {
                        "authority": a,
                        "shade": _shade(cells.get(a)),
                        "title": ", ".join(cells[a].get("measures") or []) + (f" since {cells[a].get('since')}" if cells[a].get("since") else "")
                        if cells.get(a)
                        else "not listed",
                    }
                    for a in authorities
                ],
            }
        )
    listed_by: Counter[str] = Counter()
    overlap: dict[tuple[str, str], int] = Counter()
    for target in targets:
        present = [a for a in authorities if target.get("cells", {}).get(a)]
        for a in present:
            listed_by[a] += 1
            for b in present:
                overlap[(a, b)] += 1
    peak = max(overlap.values(), default=1)
    matrix = [
        {
            "authority": a,
            "cells": [
                {"value": overlap[(a, b)], "shade": f"c{min(5, math.ceil(5 * overlap[(a, b)] / peak))}" if overlap[(a, b)] else "c0"}
                for b in authorities
            ],
        }
        for a in authorities
    ]
    return {
        "as_of": data.get("as_of"),
        "authorities": authorities,
        "rows": rows,
        "total": len(targets),
        "listed_by": listed_by,
        "matrix": matrix,
    }


def gaps_tables(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "authorities": data.get("authorities", []),
        "gaps": data.get("gaps", []),
        "unlisted": data.get("unlisted_associates", []),
    }
