"""Batch screening benchmark: synthetic customers with planted listed names, 1 process vs Dask.

    python bench/batch_bench.py --db /tmp/full.db --customers 1000000 --planted 1000 --runs 0,1,2

``--runs`` lists worker counts (0 = single process, N = a local Dask cluster of N workers).
Each run is a ``smartsanctions screen --input --output`` subprocess; its process tree's
resident memory is sampled for the peak. Prints throughput, peak memory, recall of the
planted names, and whether every run's output is byte-identical to the first.
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import json
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch_synth import pick_planted, write_customers

from smartsanctions.screening.index import DEFAULT_THRESHOLD
from smartsanctions.screening.service import load_index
from smartsanctions.store.db import open_engine

COLUMNS = "name=full_name,dob=birth_date,schema=type,id=customer_id"


def tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def run(db: str, source: Path, output: Path, workers: int, threshold: float) -> dict[str, Any]:
    output.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "smartsanctions.cli", "screen", "--input", str(source), "--output", str(output),
           "--db", db, "--columns", COLUMNS, "--threshold", str(threshold), "--json"]
    if workers:
        cmd += ["--workers", str(workers)]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    ps = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(ps))
        time.sleep(0.5)
    stdout = proc.stdout.read() if proc.stdout else ""
    if proc.returncode:
        raise SystemExit(f"run with {workers} workers failed ({proc.returncode})")
    report = json.loads(stdout)
    report["wall"] = round(time.monotonic() - started, 1)
    report["peak_rss_mb"] = round(peak / 2**20)
    return report


def recall(source: Path, output: Path) -> dict[str, Any]:
    expected: dict[str, str] = {}
    with source.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["planted"]:
                expected[row["customer_id"]] = row["planted"]
    found: dict[str, set[str]] = {}
    with output.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            found.setdefault(row["customer_id"], set()).add(row["entity_id"])
    hit = sum(1 for cid, eid in expected.items() if eid in found.get(cid, set()))
    flagged_other = sum(1 for cid in found if cid not in expected)
    return {"planted": len(expected), "planted_found": hit, "recall": round(hit / max(len(expected), 1), 4),
            "unplanted_rows_flagged": flagged_other}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--planted", type=int, default=1000)
    ap.add_argument("--runs", default="0,1,2")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/smartsanctions-batch-bench"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD, help="pinned for every run")
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    source = args.workdir / f"customers-{args.customers}-{args.planted}-{args.seed}.csv"
    if not source.is_file():
        loaded = load_index(open_engine(args.db))
        planted = pick_planted(loaded.index.entries, args.planted, random.Random(args.seed))
        write_customers(source, args.customers, planted, seed=args.seed)
    results = []
    first: Path | None = None
    for workers in [int(w) for w in args.runs.split(",")]:
        output = args.workdir / f"hits-w{workers}.csv"
        report = run(args.db, source, output, workers, args.threshold)
        report.update(recall(source, output))
        report["identical_to_first"] = True if first is None else filecmp.cmp(first, output, shallow=False)
        first = first or output
        results.append(report)
        print(json.dumps(report), flush=True)
    base = next((r for r in results if r["workers"] == 1), None)
    two = next((r for r in results if r["workers"] == 2), None)
    if base and two:
        print(json.dumps({"speedup_2_vs_1_workers": round(base["elapsed"] / two["elapsed"], 2)}))


if __name__ == "__main__":
    main()
