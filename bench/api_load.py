"""Load benchmark of the HTTP API on loopback: N concurrent clients calling POST /match.

Starts ``smartsanctions serve`` (uvicorn, one process) over a store in a subprocess, then
runs ``--clients`` concurrent clients for ``--seconds``, each screening names drawn from
the store (exact, misspelt, and names that are on no list) one after the other. Reports
throughput, p50/p90/p99 latency and errors, then checks the audit chain holds every
screening. Exits non-zero if any request failed.

    python bench/api_load.py --db /tmp/bench.db --seed            # import UN + UK lists first
    python bench/api_load.py --db /tmp/bench.db --clients 50 --seconds 60 --json out.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
LISTS = ROOT.parent / "shared" / "data" / "lists"
SEED = (LISTS / "un" / "2025-04_kebalkhadka", LISTS / "uk_ofsi" / "2025-04_mmahmed107")
NOISE = ["Maria Gonzalez Lopez", "Acme Trading GmbH", "John Smith", "Li Wei", "Olena Kovalenko", "Ahmed Hassan Ali"]


def seed_store(db: str) -> None:
    from smartsanctions.store.db import open_engine
    from smartsanctions.store.importer import import_files

    engine = open_engine(db)
    for folder in SEED:
        for outcome in import_files(engine, [folder]):
            print(f"seed: {outcome.list_id} {outcome.status} ({outcome.entities} entries)", file=sys.stderr)


def sample_names(db: str, count: int, rng: random.Random) -> list[dict[str, Any]]:
    from smartsanctions.store.db import open_engine
    from smartsanctions.store.queries import current_records

    engine = open_engine(db)
    with engine.connect() as conn:
        records = [(r.schema, r.caption) for r in current_records(conn)]
    if not records:
        raise SystemExit("the store is empty: use --seed or import lists first")
    queries = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.15:
            schema, name = "Person", rng.choice(NOISE)
        else:
            schema, name = rng.choice(records)
            if roll < 0.5 and len(name) > 6:  # a typo: drop one letter
                cut = rng.randrange(1, len(name) - 1)
                name = name[:cut] + name[cut + 1 :]
        schema = schema if schema in ("Person", "Organization", "Company", "LegalEntity", "Vessel", "Airplane") else "LegalEntity"
        queries.append({"queries": {"q": {"schema": schema, "properties": {"name": [name]}}}})
    return queries


def start_server(db: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    code = f"from smartsanctions.api.server import serve; serve('127.0.0.1', {port}, {db!r}, workers={workers})"
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_ready(base: str, server: subprocess.Popen[bytes], timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited: {server.stderr.read().decode() if server.stderr else ''}")
        try:
            if httpx.get(f"{base}/readyz", timeout=120).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("server did not become ready")


async def client_loop(
    http: httpx.AsyncClient, queries: list[dict[str, Any]], stop: float, latencies: list[float], errors: list[str], offset: int
) -> None:
    i = offset
    while time.monotonic() < stop:
        body = queries[i % len(queries)]
        i += 1
        started = time.perf_counter()
        try:
            response = await http.post("/match/default", json=body)
            if response.status_code != 200 or "responses" not in response.json():
                errors.append(f"HTTP {response.status_code}: {response.text[:200]}")
                continue
        except httpx.HTTPError as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
            continue
        latencies.append(time.perf_counter() - started)


async def run_load(base: str, queries: list[dict[str, Any]], clients: int, seconds: float) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        started = time.monotonic()
        stop = started + seconds
        await asyncio.gather(
            *(client_loop(http, queries, stop, latencies, errors, k * 97) for k in range(clients))
        )
        elapsed = time.monotonic() - started
    return latencies, errors, elapsed


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=os.environ.get("SMARTSANCTIONS_DB", "smartsanctions.db"))
    parser.add_argument("--seed", action="store_true", help="import the UN and UK lists into the store first")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=1, help="server processes (uvicorn workers)")
    parser.add_argument("--json", dest="json_out", help="also write the report as JSON to this file")
    args = parser.parse_args()

    if args.seed:
        seed_store(args.db)
    rng = random.Random(7)
    queries = sample_names(args.db, 5000, rng)
    base = f"http://127.0.0.1:{args.port}"
    server = start_server(args.db, args.port, args.workers)
    try:
        wait_ready(base, server)
        httpx.post(f"{base}/match/default", json=queries[0], timeout=120)  # warm-up
        latencies, errors, elapsed = asyncio.run(run_load(base, queries, args.clients, args.seconds))
    finally:
        server.terminate()
        server.wait(timeout=30)

    from smartsanctions.api.auditlog import verify_audit
    from smartsanctions.store.db import open_engine

    chain = verify_audit(open_engine(args.db))
    report = {
        "clients": args.clients,
        "workers": args.workers,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "errors": len(errors),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "latency_ms": {
            "p50": round(percentile(latencies, 0.50) * 1000, 1),
            "p90": round(percentile(latencies, 0.90) * 1000, 1),
            "p99": round(percentile(latencies, 0.99) * 1000, 1),
            "max": round(max(latencies, default=float("nan")) * 1000, 1),
            "mean": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
        },
        "audit_chain_ok": chain.ok,
        "audit_records": chain.records,
        "first_errors": errors[:5],
    }
    print(json.dumps(report, indent=2))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report, indent=2) + "\n")
    if errors or not chain.ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
