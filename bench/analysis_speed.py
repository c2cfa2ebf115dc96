"""Speed of coverage and gap analysis over all the shared data, once consolidated.

Goal: the full coverage matrix and gap computation (every authority, no filter) in under
5 s. Measures, in a fresh process: the first (cold: record versions' sanctions read from
the store) and later (warm: the in-process cache of sanctions per record version) runs of
- ``coverage_matrix`` alone, ``find_gaps`` alone, and both from one matrix (``both``);
- the same for the Syria programme across US, EU, UK, Canada and Australia;
- the HTML report.

    python bench/analysis_speed.py --build /tmp/analysis-bench.db   # import everything + consolidate first
    python bench/analysis_speed.py --db /tmp/analysis-bench.db [--repeat 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LISTS = ROOT.parent / "shared" / "data" / "lists"
SYRIA = ["us", "eu", "gb", "ca", "au"]
GOAL_SECONDS = 5.0


def build(db: str) -> None:
    from smartsanctions.consolidate.run import consolidate
    from smartsanctions.store.db import open_engine
    from smartsanctions.store.update import update_from_mirror

    engine = open_engine(db)
    started = time.perf_counter()
    update_from_mirror(engine, LISTS)
    print(f"imported every list in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    started = time.perf_counter()
    consolidate(engine)
    print(f"consolidated in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def run(db: str, repeat: int) -> dict[str, Any]:
    from smartsanctions.analysis import coverage_matrix, find_gaps, write_html
    from smartsanctions.analysis.gaps import coverage_and_gaps
    from smartsanctions.store.db import open_engine

    engine = open_engine(db)
    out: dict[str, Any] = {"db": db, "goal_seconds": GOAL_SECONDS, "runs": {}}
    with engine.connect() as conn, tempfile.TemporaryDirectory() as tmp:

        def both(**filters: Any) -> tuple[dict[str, Any], dict[str, Any]]:
            return coverage_and_gaps(conn, **filters)

        cases: list[tuple[str, Callable[[], Any]]] = [
            ("all: both", lambda: both()),
            ("all: coverage_matrix", lambda: coverage_matrix(conn)),
            ("all: find_gaps", lambda: find_gaps(conn)),
            ("syria: both", lambda: both(program="syria", authorities=SYRIA)),
            ("syria: write_html", lambda: write_html(conn, Path(tmp) / "r.html", program="syria", authorities=SYRIA)),
        ]
        for name, fn in cases:
            times = []
            for _ in range(repeat):
                seconds, _ = timed(fn)
                times.append(round(seconds, 3))
            out["runs"][name] = times
            print(f"{name:24s} " + "  ".join(f"{t:6.2f}s" for t in times), file=sys.stderr)
        coverage, gaps = both()
        out["all"] = {
            "targets": coverage["totals"]["targets"],
            "per_authority": coverage["totals"]["per_authority"],
            "gaps": gaps["counts"]["gaps"],
            "unlisted_associates": gaps["counts"]["unlisted_associates"]["distinct"],
        }
    first = out["runs"]["all: both"][0]
    out["cold_both_seconds"] = first
    out["warm_both_seconds"] = min(out["runs"]["all: both"][1:] or [first])
    out["meets_goal_cold"] = first < GOAL_SECONDS
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="a consolidated store (SQLite path or URL)")
    parser.add_argument("--build", metavar="PATH", help="import every shared list into PATH and consolidate, then measure")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", metavar="FILE", help="write the measurements here")
    args = parser.parse_args()
    db = args.db
    if args.build:
        build(args.build)
        db = args.build
    if not db:
        parser.error("give --db or --build")
    result = run(db, max(1, args.repeat))
    text = json.dumps(result, indent=2)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0 if result["meets_goal_cold"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
