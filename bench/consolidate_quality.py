"""Benchmark: cross-list linkage quality against the UN reference numbers authorities cite.

Imports every list folder of ../shared/data/lists (or uses --db), consolidates with the UN
reference numbers withheld from the matcher, then scores the canonical entities against
them: UK, EU, Canadian and Australian entries citing a UN reference must share a
canonical entity with that UN entry and with each other; entries citing different
references must not. Goal: precision >= 0.99, recall >= 0.97.

Usage: python bench/consolidate_quality.py [--db PATH] [--no-import] [--examples N]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from consolidate_speed import import_all

from smartsanctions.consolidate.quality import un_ref_linkage
from smartsanctions.consolidate.run import consolidate
from smartsanctions.store.db import open_engine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="store to use (default: a new temporary file)")
    parser.add_argument("--no-import", action="store_true", help="the store already holds the lists")
    parser.add_argument("--examples", type=int, default=15)
    args = parser.parse_args(argv)
    db = args.db or str(Path(tempfile.mkdtemp(prefix="ss-quality-")) / "quality.db")
    print(f"store: {db}")
    if not args.no_import:
        seconds, skipped = import_all(db)
        print(f"import: {seconds:.1f} s, {len(skipped)} folder(s) skipped")
    engine = open_engine(db)
    started = time.perf_counter()
    summary = consolidate(engine, use_un_refs=False, actor="bench")
    print(f"consolidation (UN references withheld): {time.perf_counter() - started:.1f} s, "
          f"{summary.canonical_entities} canonical entities from {summary.records} records")
    with engine.connect() as conn:
        quality = un_ref_linkage(conn, examples=args.examples)
    result = quality.to_dict()
    print(json.dumps({k: v for k, v in result.items() if k not in ("false_merges", "missed")}, indent=1))
    print("false merges (first):")
    for item in quality.false_merges:
        print(f"  {item['left']} {item['left_refs']} {item['left_caption']!r} ~ {item['right']} "
              f"{item['right_refs']} {item['right_caption']!r}")
    print("missed links (first):")
    for item in quality.missed:
        print(f"  {item['left']} {item['left_caption']!r} / {item['right']} {item['right_caption']!r} ({item['refs']})")
    ok = quality.precision >= 0.99 and quality.recall >= 0.97
    print(f"goal precision >= 0.99 and recall >= 0.97: {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
