"""Benchmark: consolidate everything in ../shared/data/lists from scratch.

Imports every list folder into an empty SQLite store (folders the importer refuses are
skipped and named), then times a from-scratch consolidation and a second, incremental
run over unchanged data. Usage: python bench/consolidate_speed.py [--db PATH] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from smartsanctions.consolidate.run import consolidate
from smartsanctions.sources.base import SourceError
from smartsanctions.store.db import open_engine
from smartsanctions.store.importer import ImportRefused, import_files

LISTS = Path(__file__).resolve().parents[2] / "shared" / "data" / "lists"


def _cpu() -> float:
    """CPU seconds of this process and its finished workers (the machine may be shared)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def list_folders(root: Path) -> list[Path]:
    return sorted(
        version
        for authority in root.iterdir()
        if authority.is_dir() and not authority.name.startswith(("_", "."))
        for version in authority.iterdir()
        if version.is_dir()
    )


def import_all(db: str) -> tuple[float, list[str]]:
    engine = open_engine(db)
    skipped = []
    started = time.perf_counter()
    for folder in list_folders(LISTS):
        try:
            outcomes = import_files(engine, [folder])
            print(f"  imported {folder.relative_to(LISTS)}: " + ", ".join(f"{o.list_id} {o.entities}" for o in outcomes))
        except (ImportRefused, SourceError) as exc:
            skipped.append(f"{folder.relative_to(LISTS)}: {str(exc)[:200]}")
            print(f"  skipped {folder.relative_to(LISTS)}: {str(exc)[:200]}")
    return time.perf_counter() - started, skipped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="store to use (default: a new temporary file)")
    parser.add_argument("--no-import", action="store_true", help="the store already holds the lists")
    args = parser.parse_args(argv)
    db = args.db or str(Path(tempfile.mkdtemp(prefix="ss-bench-")) / "bench.db")
    print(f"store: {db}")
    if not args.no_import:
        seconds, skipped = import_all(db)
        print(f"import: {seconds:.1f} s, {len(skipped)} folder(s) skipped")
    engine = open_engine(db)
    started, cpu0 = time.perf_counter(), _cpu()
    first = consolidate(engine)
    scratch, scratch_cpu = time.perf_counter() - started, _cpu() - cpu0
    started = time.perf_counter()
    second = consolidate(engine)
    rerun = time.perf_counter() - started
    result = {
        "from_scratch_seconds": round(scratch, 1),
        "from_scratch_cpu_seconds": round(scratch_cpu, 1),
        "load_average_1min": round(os.getloadavg()[0], 1),
        "cpus": os.cpu_count(),
        "rerun_seconds": round(rerun, 1),
        "goal_seconds": 120,
        "records": first.records,
        "candidate_pairs": first.candidate_pairs,
        "canonical_entities": first.canonical_entities,
        "multi_list_entities": first.multi_list_entities,
        "unlisted_entities": first.unlisted_entities,
        "relations": first.relations,
        "phases_from_scratch": first.seconds,
        "phases_rerun": second.seconds,
        "rerun_pairs_scored": second.pairs_scored,
        "rerun_ids_kept": second.ids_kept,
        "rerun_ids_new": second.ids_new,
    }
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
