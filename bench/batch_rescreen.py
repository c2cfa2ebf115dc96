"""Delta re-screening benchmark across two real versions of the UK OFSI ConList (2023 -> 2025).

    python bench/batch_rescreen.py --customers 200000 --planted 200

A book of synthetic customers (bench/batch_synth.py) is planted with varied names of records
that the 2025 version adds, and of records it removes. The book is screened against the 2023
store (baseline), the 2025 file is imported, then the book is re-screened twice: the delta
(only what changed) and a full re-screen, timed, and their resulting hit sets compared.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch_synth import pick_planted, write_customers

from smartsanctions.screening.rescreen import changed_records, entries_of_versions, rescreen
from smartsanctions.screening.service import load_index
from smartsanctions.store.db import open_engine
from smartsanctions.store.importer import import_files
from smartsanctions.store.queries import latest_snapshots

ROOT = Path(__file__).resolve().parents[1]
UK = ROOT.parent / "shared" / "data" / "lists" / "uk_ofsi"
OLD, NEW = UK / "2023-06_imjbmkz", UK / "2025-04_mmahmed107"
COLUMNS = {"name": "full_name", "dob": "birth_date", "schema": "type", "id": "customer_id"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=200_000)
    ap.add_argument("--planted", type=int, default=200)
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "smartsanctions-rescreen-bench")
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    for stale in args.workdir.glob("*.db*"):
        stale.unlink()

    scratch = open_engine(str(args.workdir / "scratch.db"))
    import_files(scratch, [OLD])
    with scratch.connect() as conn:
        before = latest_snapshots(conn)
    import_files(scratch, [NEW])
    with scratch.connect() as conn:
        touched, changed, _ = changed_records(conn, before, latest_snapshots(conn))
        added_versions = [v for rid, v in touched.items() if rid not in changed]
        new_entries = [e for e in entries_of_versions(conn, added_versions) if e.listed]
    rng = random.Random(3)
    planted = pick_planted(new_entries, min(args.planted, len(new_entries)), rng)
    book = args.workdir / f"book-{args.customers}.csv"
    write_customers(book, args.customers, planted, seed=3)

    engine = open_engine(str(args.workdir / "store.db"))
    import_files(engine, [OLD])
    t = time.monotonic()
    base = rescreen(engine, "bench", input_path=book, columns=COLUMNS)
    baseline_s = time.monotonic() - t
    import_files(engine, [NEW])
    load_index(engine)  # build and cache the 2025 index first, so neither timed run pays for it
    delta = rescreen(engine, "bench")
    after_delta = delta.hits
    full = rescreen(engine, "bench", full=True)
    found_planted = {h["entity_id"] for h in delta.new_hits} & {p.entity_id for p in planted}
    print(json.dumps({
        "customers": args.customers,
        "records": {"added": delta.records_added, "changed": delta.records_changed, "removed": delta.records_removed},
        "baseline": {"seconds": round(baseline_s, 1), "hits": base.hits},
        "delta": {"seconds": round(delta.elapsed, 1), "entries_indexed": delta.entries_indexed,
                  "parties_rechecked": delta.parties_rechecked, "new_hits": len(delta.new_hits),
                  "removed_hits": len(delta.removed_hits), "hits_after": after_delta,
                  "planted_new_names": len(planted), "planted_found_as_new_hits": len(found_planted), "timings": delta.timings},
        "full": {"seconds": round(full.elapsed, 1), "parties_rechecked": full.parties_rechecked,
                 "differences_vs_delta": len(full.new_hits) + len(full.removed_hits), "hits_after": full.hits},
    }, indent=1))


if __name__ == "__main__":
    main()
