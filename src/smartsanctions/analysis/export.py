"""CSV forms of the coverage matrix, the gap list and the unlisted associates.

Each writer takes the dict ``coverage_matrix`` / ``find_gaps`` returned and a path or an
open text stream. Lists inside a cell are joined with "; ".
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO


@contextmanager
def _stream(out: TextIO | str | Path) -> Iterator[TextIO]:
    if isinstance(out, (str, Path)):
        with open(out, "w", encoding="utf-8", newline="") as handle:
            yield handle
    else:
        yield out


def _join(values: Iterable[Any]) -> str:
    return "; ".join(str(v) for v in values)


def write_coverage_csv(result: dict[str, Any], out: TextIO | str | Path) -> int:
    """One row per target: id, caption, schema, pillars, then per authority listed/since/measures/
    programmes/records. Returns the number of rows written."""
    authorities = result["authorities"]
    header = ["id", "caption", "schema", "pillars", "listed_by"]
    for a in authorities:
        header += [f"{a}_listed", f"{a}_since", f"{a}_since_basis", f"{a}_measures", f"{a}_programmes", f"{a}_records"]
    with _stream(out) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for t in result["targets"]:
            row = [t["id"], t["caption"], t["schema"], _join(t["pillars"]), _join(t.get("listed_by", []))]
            for a in authorities:
                cell = t["cells"].get(a)
                if cell is None:
                    row += ["false", "", "", "", "", ""]
                else:
                    row += [
                        "true",
                        cell["since"] or "",
                        cell.get("since_basis") or "",
                        _join(cell["measures"]),
                        _join(cell["programmes"]),
                        _join(cell.get("records", [])),
                    ]
            writer.writerow(row)
    return len(result["targets"])


def write_gaps_csv(result: dict[str, Any], out: TextIO | str | Path) -> int:
    """One row per gap: id, caption, schema, pillars, listed_by, missing, lag_days, since,
    first_listed_by, and the missing authorities whose data predates the designation."""
    header = ["id", "caption", "schema", "pillars", "listed_by", "missing", "lag_days", "since", "first_listed_by",
              "missing_data_predates_designation", "missing_but_listed_under_other_programmes"]
    with _stream(out) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for g in result["gaps"]:
            detail = g.get("missing_detail", {})
            writer.writerow(
                [
                    g["id"], g["caption"], g.get("schema", ""), _join(g.get("pillars", [])), _join(g["listed_by"]),
                    _join(g["missing"]), "" if g["lag_days"] is None else g["lag_days"], g.get("since") or "",
                    g.get("first_listed_by") or "",
                    _join(a for a, d in detail.items() if d.get("data_after_designation") is False),
                    _join(f"{a}: {'/'.join(d['listed_under'])}" for a, d in detail.items() if d.get("listed_under")),
                ]
            )
    return len(result["gaps"])


def write_associates_csv(result: dict[str, Any], out: TextIO | str | Path) -> int:
    """One row per (unlisted associate, listed target) relation, with the remark it comes from."""
    header = ["id", "name", "schema", "relation", "kind", "of_id", "of_caption", "statement", "listed_by_others",
              "on_any_list", "doubtful_name", "evidence_records", "evidence_text"]
    with _stream(out) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for a in result["unlisted_associates"]:
            evidence = a.get("evidence", [])
            writer.writerow(
                [
                    a.get("id", ""), a["name"], a.get("schema", ""), a["relation"], a.get("kind", ""), a["of"]["id"],
                    a["of"]["caption"], a.get("statement", ""), _join(a.get("listed_by_others", [])),
                    str(a.get("on_any_list", "")).lower(), str(a.get("doubtful_name", "")).lower(),
                    _join(sorted({e.get("record", "") for e in evidence})),
                    _join(dict.fromkeys(e.get("text") or "" for e in evidence if e.get("text"))),
                ]
            )
    return len(result["unlisted_associates"])


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join([line, "  ".join("-" * w for w in widths), *body])


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def coverage_table(result: dict[str, Any], limit: int | None = 50) -> str:
    """Plain-text table for the terminal: data dates, totals, then one line per target
    (each authority's column shows the designation date, or '-')."""
    authorities = result["authorities"]
    data = result.get("data_as_of", {})
    totals = result.get("totals", {})
    head = [
        f"as of {result['as_of']}; " + ", ".join(f"{a}: data {data.get(a, {}).get('date') or 'none'}" for a in authorities),
        f"{totals.get('targets', len(result['targets']))} targets; per authority: "
        + ", ".join(f"{a} {totals.get('per_authority', {}).get(a, 0)}" for a in authorities),
    ]
    shown = result["targets"] if limit is None else result["targets"][:limit]
    rows = [
        [_clip(t["caption"]), t["schema"], *[((t["cells"].get(a) or {}).get("since") or "listed") if t["cells"].get(a) else "-" for a in authorities]]
        for t in shown
    ]
    more = len(result["targets"]) - len(shown)
    tail = [f"... {more} more (use --json or CSV for all)"] if more > 0 else []
    return "\n".join([*head, "", _table(["target", "schema", *authorities], rows), *tail])


def gaps_table(result: dict[str, Any], limit: int | None = 50) -> str:
    """Plain-text table: the gaps (longest lag first), then the unlisted associates."""
    counts = result.get("counts", {})
    gaps = result["gaps"] if limit is None else result["gaps"][:limit]
    rows = [
        [_clip(g["caption"]), ",".join(g["listed_by"]), ",".join(g["missing"]), g.get("since") or "", str(g["lag_days"] or "")]
        for g in gaps
    ]
    ordered = sorted(result["unlisted_associates"], key=lambda a: bool(a.get("doubtful_name")))
    associates = ordered if limit is None else ordered[:limit]
    arows = [[_clip(a["name"]), _clip(a["relation"], 24), _clip(a["of"]["caption"])] for a in associates]
    summary = (
        f"{counts.get('gaps', len(result['gaps']))} gaps among {counts.get('targets', '?')} targets; "
        f"{counts.get('unlisted_associates', {}).get('distinct', len(result['unlisted_associates']))} unlisted associates"
    )
    return "\n".join(
        [
            summary,
            "",
            _table(["target", "listed by", "missing", "since", "lag days"], rows),
            "",
            _table(["unlisted associate", "relation", "of"], arows),
        ]
    )
