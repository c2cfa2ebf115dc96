"""Benchmark: import every version of every list in ../shared/data/lists into an empty store.

Prints per-version times, the total, peak memory (RSS), and the share of time spent
parsing versus writing (a parse-only pass over the same files is the in-run baseline).
Goal (issue 2): under 60 s and under 1 GiB on the 2-core machine.

    .venv/bin/python bench/import_all.py [--db PATH]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from smartsanctions.sources.base import SourceError
from smartsanctions.sources.registry import plan_imports
from smartsanctions.store.db import open_engine
from smartsanctions.store.importer import ImportRefused, import_files
from smartsanctions.store.update import mirror_versions

LISTS = ROOT.parent / "shared" / "data" / "lists"


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def parse_only(versions: list[Path]) -> float:
    started = time.perf_counter()
    for version in versions:
        try:
            for job in plan_imports([version]):
                for parsed in job.format.parse(job.primary, job.companions):
                    len(parsed.records)
        except SourceError:
            pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="store path (default: a temporary file)")
    args = parser.parse_args()
    db = args.db or str(Path(tempfile.mkdtemp()) / "bench.db")
    engine = open_engine(db)
    versions = mirror_versions(LISTS)
    print(f"{len(versions)} version folders under {LISTS}")
    started = time.perf_counter()
    for version in versions:
        t0 = time.perf_counter()
        try:
            outcomes = import_files(engine, [version], actor="bench")
            summary = ", ".join(f"{o.list_id}={o.entities}" for o in outcomes)
        except (SourceError, ImportRefused) as exc:
            summary = f"REFUSED: {str(exc)[:100]}"
        print(f"{time.perf_counter() - t0:7.2f} s  {version.parent.name}/{version.name}: {summary}")
    total = time.perf_counter() - started
    rss = peak_rss_mib()
    print(f"\nimport total: {total:.1f} s (goal < 60 s), peak RSS {rss:.0f} MiB (goal < 1024 MiB)")
    baseline = parse_only(versions)
    print(f"parse-only baseline over the same files: {baseline:.1f} s; import/parse ratio {total / baseline:.2f}")
    print(f"store: {db} ({Path(db).stat().st_size / 2**20:.0f} MiB)")


if __name__ == "__main__":
    main()
