"""``compare --pairs``: score name pairs from a CSV (columns name1, name2, optional schema)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from smartsanctions.names.compare import compare_names
from smartsanctions.screening.index import DEFAULT_THRESHOLD
from smartsanctions.sources.base import SourceError

REQUIRED = ("name1", "name2")


def compare_pairs_file(
    source: Path, target: Path, threshold: float = DEFAULT_THRESHOLD, progress: Callable[[int], None] | None = None
) -> int:
    """Write ``target`` with the input's columns plus ``score`` and ``match``; returns the row count."""
    with source.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            raise SourceError(source, f"missing column(s) {', '.join(missing)}; found {', '.join(columns) or 'none'}", "line 1")
        out_columns = [*columns, *(c for c in ("score", "match") if c not in columns)]
        count = 0
        with target.open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=out_columns)
            writer.writeheader()
            try:
                for row in reader:
                    if None in row:
                        raise SourceError(source, "more fields than the header has", f"line {reader.line_num}")
                    result = compare_names(row["name1"] or "", row["name2"] or "", (row.get("schema") or None))
                    row["score"] = f"{result.score:.4f}"
                    row["match"] = "true" if result.score >= threshold else "false"
                    writer.writerow(row)
                    count += 1
                    if progress and count % 1000 == 0:
                        progress(count)
            except csv.Error as exc:
                raise SourceError(source, f"broken CSV: {exc}", f"line {reader.line_num}") from exc
    return count
