"""Benchmark: batch screening throughput on one core, fresh synthetic names.

Builds (or loads the cached) screening index of a store, makes N customers from common
forenames and surnames by country (../shared/data/eval/sigpwned-popular-names), and screens
them through the batch path (`screen_chunk`, which uses the index's batched `search_many`),
then, as the in-run baseline, the same rows one `search` call at a time.

    .venv/bin/python bench/batch_throughput.py --db STORE [--rows 20000]
"""

from __future__ import annotations

import argparse
import csv
import gc
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from smartsanctions.screening import batch
from smartsanctions.screening.index import DEFAULT_THRESHOLD
from smartsanctions.screening.model import Query
from smartsanctions.screening.service import load_index
from smartsanctions.store.db import open_engine

NAMES = ROOT.parent / "shared" / "data" / "eval" / "sigpwned-popular-names"


def _column(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [r["Romanized Name"] for r in csv.DictReader(handle) if r["Romanized Name"]]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = parser.parse_args()
    started = time.perf_counter()
    loaded = load_index(open_engine(args.db))
    print(f"index: {len(loaded.index)} entries, ready in {time.perf_counter() - started:.1f} s (data {loaded.data_version})")
    forenames, surnames = _column(NAMES / "common-forenames-by-country.csv"), _column(NAMES / "common-surnames-by-country.csv")
    rng = random.Random(20261128)
    rows = [(f"{rng.choice(forenames)} {rng.choice(surnames)}", None, None, None, ()) for _ in range(args.rows)]
    gc.freeze()
    t0 = time.perf_counter()
    hit_rows = sum(1 for chunk in range(0, len(rows), 2000) for r in batch.screen_chunk(loaded.index, rows[chunk : chunk + 2000], args.threshold) if r)
    batched = time.perf_counter() - t0
    sample = rows[: min(len(rows), 3000)]
    t0 = time.perf_counter()
    for name, *_ in sample:
        loaded.index.search(Query(name=name), threshold=args.threshold, limit=5)
    single = (time.perf_counter() - t0) / len(sample) * len(rows)
    print(f"{len(rows)} rows ({len({r[0] for r in rows})} distinct names), threshold {args.threshold}")
    print(f"batched screen_chunk: {len(rows) / batched:,.0f} rows/s ({hit_rows} rows with hits)")
    print(f"one search per row:   {len(rows) / single:,.0f} rows/s (extrapolated from {len(sample)} rows)")
    print(f"ratio batched / single: {single / batched:.2f}")


if __name__ == "__main__":
    main()
