"""Bounded coverage-guided fuzzing (atheris / libFuzzer) of every source parser.

    python bench/fuzz_parsers.py                       # every seed, 60 s each
    python bench/fuzz_parsers.py --max-time 20 --only un_xml,us_csl
    python bench/fuzz_parsers.py --runs 5000           # stop each after 5,000 inputs

One subprocess per seed (a small valid input of one format, cut from the real list files
by ``tests/sources/seeds.py``) runs libFuzzer from that seed. A parser may return records
or raise ``SourceError``; any other exception is a finding: the input is saved under
``<out>/findings/<seed>/`` (default out: ``$TMPDIR/smartsanctions-fuzz``) with its
traceback next to it. For the workbook formats the
fuzzed bytes are the first sheet's XML, zipped back into the seed workbook (raw zip
damage is covered by tests/sources/test_parser_properties.py). A summary table is printed
at the end; the exit code is 1 when there were findings.

Needs ``atheris==3.0.0`` (the dev extra).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import subprocess
import sys
import tempfile
import time
import traceback
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.sources.seeds
SHEET = "xl/worksheets/sheet1.xml"


def _rezip(workbook: bytes, member: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, content if info.filename == member else src.read(info.filename))
    return out.getvalue()


class Worker:
    """Fuzzes one seed inside this process; writes its counters to ``stats.json``."""

    def __init__(self, name: str, out: Path) -> None:
        # Heavy third-party modules first, uninstrumented; then our parsers, instrumented.
        import atheris
        import followthemoney  # noqa: F401
        import lxml.etree  # noqa: F401
        import openpyxl  # noqa: F401
        import yaml  # noqa: F401

        with atheris.instrument_imports(include=["smartsanctions"]):
            from smartsanctions.sources import base, registry

            fmts = registry.formats()
        from tests.sources.seeds import XLSX_SEEDS, seed

        self.seed = seed(name)
        self.fmt = fmts[self.seed.format]
        self.source_error = base.SourceError
        self.in_sheet = name in XLSX_SEEDS
        self.out = out
        self.findings_dir = out / "findings" / name
        self.stats_path = out / "stats" / f"{name}.json"
        self.stats_path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f"fuzz-{name}-"))
        self.primary, self.companions = self.seed.write(self.tmp)
        self.runs = 0
        self.source_errors = 0
        self.findings: dict[str, str] = {}
        # Warm up (FtM model, measure tables): otherwise the first input is reported as slow.
        for parsed in self.fmt.parse(self.primary, self.companions):
            len(parsed.records)
        self.started = time.monotonic()

    def initial_input(self) -> bytes:
        if self.in_sheet:
            with zipfile.ZipFile(io.BytesIO(self.seed.primary)) as archive:
                return archive.read(SHEET)
        return self.seed.primary

    def one(self, data: bytes) -> None:
        self.runs += 1
        content = _rezip(self.seed.primary, SHEET, data) if self.in_sheet else data
        self.primary.write_bytes(content)
        try:
            for parsed in self.fmt.parse(self.primary, self.companions):
                len(parsed.records)
        except self.source_error:
            self.source_errors += 1
        except Exception as exc:  # noqa: BLE001 - every other exception is what we look for
            self._finding(data, exc)
        if self.runs % 50 == 0:
            self.save_stats()

    def _finding(self, data: bytes, exc: Exception) -> None:
        kind = f"{type(exc).__name__}: {str(exc)[:120]}"
        frames = traceback.extract_tb(exc.__traceback__)
        where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
        key = f"{kind} @ {where}"
        if key in self.findings:
            return
        self.findings_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(data).hexdigest()[:16]
        (self.findings_dir / f"{digest}.bin").write_bytes(data)
        (self.findings_dir / f"{digest}.txt").write_text(key + "\n\n" + "".join(traceback.format_exception(exc)))
        self.findings[key] = digest
        self.save_stats()

    def save_stats(self) -> None:
        stats = {
            "runs": self.runs,
            "source_errors": self.source_errors,
            "seconds": round(time.monotonic() - self.started, 1),
            "findings": self.findings,
        }
        self.stats_path.write_text(json.dumps(stats, indent=1))


def run_worker(name: str, out: Path, runs: int, max_time: int) -> None:
    import atheris

    worker = Worker(name, out)
    corpus = out / "corpus" / name
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / "seed").write_bytes(worker.initial_input())
    artifacts = out / "findings" / name
    artifacts.mkdir(parents=True, exist_ok=True)
    args = [sys.argv[0], f"-max_total_time={max_time}", "-timeout=20", "-rss_limit_mb=4096", "-print_final_stats=1",
            f"-artifact_prefix={artifacts}/native-"]
    if runs:
        args.append(f"-runs={runs}")
    atheris.Setup([*args, str(corpus)], worker.one)
    try:
        atheris.Fuzz()
    finally:
        worker.save_stats()


def run_all(names: list[str], out: Path, runs: int, max_time: int) -> int:
    rows: list[dict[str, Any]] = []
    for name in names:
        log = out / "logs" / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, __file__, "--worker", name, "--out", str(out),
                   "--runs", str(runs), "--max-time", str(max_time)]
        started = time.monotonic()
        with log.open("w") as handle:
            proc = subprocess.run(
                command, check=False, stdout=handle, stderr=subprocess.STDOUT, timeout=max_time * 3 + 120
            )
        stats_path = out / "stats" / f"{name}.json"
        stats: dict[str, Any] = json.loads(stats_path.read_text()) if stats_path.exists() else {"runs": 0, "findings": {}}
        stats.update(name=name, exit=proc.returncode, wall=round(time.monotonic() - started, 1))
        # libFuzzer's own count is exact; the worker's file is written every 50 runs.
        lines = log.read_text(errors="replace").splitlines()
        for line in lines:
            if line.startswith("stat::number_of_executed_units:"):
                stats["runs"] = int(line.split(":")[-1])
        if proc.returncode != 0:
            stats["findings"][_native_crash(proc.returncode, lines)] = "see " + str(log)
        rows.append(stats)
        print(f"{name}: {stats['runs']} runs, {len(stats['findings'])} finding(s)", flush=True)
    _table(rows)
    return 1 if any(r["findings"] or r["runs"] == 0 for r in rows) else 0


def _native_crash(code: int, lines: list[str]) -> str:
    """A crash that killed the worker (abort, out-of-memory, timeout), described from its log."""
    reason = next((ln for ln in lines if "ERROR: libFuzzer" in ln or "memory allocation of" in ln), "no reason logged")
    unit = next((ln.rsplit(" ", 1)[-1] for ln in lines if "Test unit written to" in ln), "no input saved")
    return f"worker died (exit {code}): {reason.strip()} -> {unit}"


def _table(rows: list[dict[str, Any]]) -> None:
    print()
    print(f"{'seed':<14} {'runs':>8} {'fuzz s':>7} {'runs/s':>7} {'SourceError':>11} {'findings':>8}  exit")
    for r in rows:
        rate = r["runs"] / r["seconds"] if r.get("seconds") else 0
        print(f"{r['name']:<14} {r['runs']:>8} {r.get('seconds', 0):>7} {rate:>7.0f} "
              f"{r.get('source_errors', 0):>11} {len(r['findings']):>8}  {r['exit']}")
        for key, digest in r["findings"].items():
            print(f"    {digest}: {key}")


def main() -> None:
    from tests.sources.seeds import SEED_NAMES

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated seed names (default: all): " + ", ".join(SEED_NAMES))
    parser.add_argument("--runs", type=int, default=0, help="inputs per seed (0: bounded by time only)")
    parser.add_argument("--max-time", type=int, default=60, help="seconds per seed")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "smartsanctions-fuzz")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        run_worker(args.worker, args.out, args.runs, args.max_time)
        return
    names = args.only.split(",") if args.only else list(SEED_NAMES)
    unknown = sorted(set(names) - set(SEED_NAMES))
    if unknown:
        parser.error(f"unknown seed(s) {unknown}")
    sys.exit(run_all(names, args.out, args.runs, args.max_time))


if __name__ == "__main__":
    main()
