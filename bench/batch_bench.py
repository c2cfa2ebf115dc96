"""Batch screening benchmark: synthetic customers with planted listed names, 1 process vs Dask.

    python bench/batch_bench.py --db /tmp/full.db --customers 1000000 --planted 1000 --runs 0,1,2

``--runs`` lists worker counts (0 = single process, N = a local Dask cluster of N workers).
Each run is a ``smartsanctions screen --input --output`` subprocess; its process tree's
resident memory is sampled for the peak. Prints throughput, peak memory, recall of the
planted names, and whether every run's output is byte-identical to the first. With a
single-process run, it also runs two independent single processes at once on the two halves
of the input: what two processes can get out of this machine for this work, the ceiling
against which the 2-worker Dask run is measured.
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
    try:
        children = proc.children(recursive=True)
    except psutil.Error:  # a child (a Dask worker) ended while being listed
        children = []
    for p in [proc, *children]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def _command(db: str, source: Path, output: Path, workers: int, threshold: float) -> list[str]:
    cmd = [sys.executable, "-m", "smartsanctions.cli", "screen", "--input", str(source), "--output", str(output),
           "--db", db, "--columns", COLUMNS, "--threshold", str(threshold), "--json"]
    return cmd + (["--workers", str(workers)] if workers else [])


def run_together(commands: list[list[str]]) -> list[dict[str, Any]]:
    """Run the ``screen`` commands at the same time; each one's report, plus the wall time and
    the peak memory of all their process trees together."""
    started = time.monotonic()
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) for cmd in commands]
    tree = [psutil.Process(p.pid) for p in procs]
    peak = 0
    while any(p.poll() is None for p in procs):
        peak = max(peak, sum(tree_rss(t) for t in tree))
        time.sleep(0.5)
    wall = round(time.monotonic() - started, 1)
    reports = []
    for cmd, proc in zip(commands, procs, strict=True):
        stdout = proc.stdout.read() if proc.stdout else ""
        if proc.returncode:
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode})")
        reports.append({**json.loads(stdout), "wall": wall, "peak_rss_mb": round(peak / 2**20)})
    return reports


def run(db: str, source: Path, output: Path, workers: int, threshold: float) -> dict[str, Any]:
    output.unlink(missing_ok=True)
    return run_together([_command(db, source, output, workers, threshold)])[0]


def halves(source: Path) -> list[Path]:
    """The input cut in two files of half the rows each (written once)."""
    paths = [source.with_name(f"{source.stem}-half{i}.csv") for i in (1, 2)]
    if all(p.is_file() for p in paths):
        return paths
    with source.open(encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    mid = len(rows) // 2
    for path, part in zip(paths, (rows[:mid], rows[mid:]), strict=True):
        with path.open("w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows([header, *part])
    return paths


def machine_ceiling(db: str, source: Path, workdir: Path, threshold: float) -> dict[str, Any]:
    """Two independent single-process runs at once, each on half the input: the most two
    processes get out of this machine for this work (no Dask, nothing shared)."""
    outputs = [workdir / f"hits-half{i}.csv" for i in (1, 2)]
    for o in outputs:
        o.unlink(missing_ok=True)
    reports = run_together([_command(db, half, out, 0, threshold)
                            for half, out in zip(halves(source), outputs, strict=True)])
    rows = sum(r["rows"] for r in reports)
    elapsed = max(r["elapsed"] for r in reports)
    return {"run": "two independent processes, half the input each", "rows": rows, "elapsed": elapsed,
            "rows_per_second": round(rows / elapsed, 1), "peak_rss_mb": reports[0]["peak_rss_mb"]}


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
    ap.add_argument("--no-ceiling", action="store_true",
                    help="skip the two-independent-processes run (this machine's limit for two processes)")
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
    single = next((r for r in results if r["workers"] == 0), None)
    base = next((r for r in results if r["workers"] == 1), None)
    two = next((r for r in results if r["workers"] == 2), None)
    ratios: dict[str, float] = {}
    if base and two:
        ratios["speedup_2_vs_1_workers"] = round(two["rows_per_second"] / base["rows_per_second"], 2)
    if single and not args.no_ceiling:
        ceiling = machine_ceiling(args.db, source, args.workdir, args.threshold)
        print(json.dumps(ceiling), flush=True)
        ratios["ceiling_2_processes_vs_1"] = round(ceiling["rows_per_second"] / single["rows_per_second"], 2)
        if two:
            ratios["dask_2_workers_vs_ceiling"] = round(two["rows_per_second"] / ceiling["rows_per_second"], 2)
    if ratios:
        print(json.dumps(ratios))


if __name__ == "__main__":
    main()
