"""Shared loaders for the screening benchmarks: eval alias groups, strata, baselines.

Reads ../shared/data/eval (relative to the project root); never copies it.
"""

from __future__ import annotations

import csv
import json
import random
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz.distance import JaroWinkler

from smartsanctions.screening.model import IndexEntry

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "data" / "eval"
WATCHMAN = EVAL / "moov-io-watchman"
BENCH_VENV = ROOT / ".venv-bench"
NK_RUNNER = Path(__file__).resolve().parent / "nomenklatura_runner.py"

_OFAC_SCHEMA = {"individual": "Person", "entity": "Organization", "vessel": "Vessel", "aircraft": "Airplane"}


@dataclass(frozen=True)
class Group:
    id: str
    schema: str
    names: tuple[tuple[str, str, str], ...]  # (name, type, quality)
    source: str


def load_groups() -> list[Group]:
    groups: list[Group] = []
    for path, prefix in (
        (WATCHMAN / "ofac_sdn_2021-07" / "ofac_alias_groups.jsonl", "ofac"),
        (WATCHMAN / "un_consolidated_2026-02" / "un_alias_groups.jsonl", "un"),
    ):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                schema = d.get("schema") or _OFAC_SCHEMA.get(d.get("sdn_type", ""), "Organization")
                if schema == "Entity":
                    schema = "Organization"
                names = tuple((n["name"], n["type"], n.get("quality") or "") for n in d["names"])
                groups.append(Group(f"{prefix}:{d['id']}", schema, names, prefix))
    return groups


def entry_of(group: Group, drop: int | None = None) -> IndexEntry:
    names = tuple(n for i, (n, _, _) in enumerate(group.names) if i != drop)
    return IndexEntry(id=group.id, caption=group.names[0][0], schema=group.schema, names=names,
                      datasets=(group.source,))


def ascii_fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return re.sub(r"[^a-z0-9 ]+", " ", "".join(c for c in text if not unicodedata.combining(c))).strip()


def _trigrams(text: str) -> set[str]:
    t = f"  {text} "
    return {t[i : i + 3] for i in range(len(t) - 2)}


def is_latin(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and all(ord(c) < 0x250 for c in letters)


# words that say nothing about which entity a name belongs to (matcher-independent list)
GENERIC = frozenset(["s", "a", "de", "c", "v", "sa", "sas", "ltd", "ltda", "llc", "inc", "co", "company", "corp", "corporation", "limited", "group", "international", "trading", "organization", "organisation", "association", "the", "of", "and", "for", "el", "la", "del", "des", "du", "al", "bin", "ibn", "bank", "air", "airlines", "shipping", "services", "service", "industries", "industrial", "general", "enterprise", "enterprises", "est", "establishment", "foundation", "society", "center", "centre", "institute", "gmbh", "jsc", "ojsc", "pjsc", "cjsc", "ooo", "tov", "ao", "pao", "zao", "fze", "llp", "plc", "holding", "holdings", "commercial", "import", "export", "y", "e", "of"])


def _content(text: str) -> str:
    return " ".join(w for w in ascii_fold(text).split() if w not in GENERIC)


def unrelated(name: str, others: list[str]) -> bool:
    """A nom de guerre, acronym or translation: shares no distinctive word and few letter
    trigrams with any other name of its entity. Decided without the matchers under test."""
    a = _content(name)
    ta = _trigrams(a)
    wa = {w for w in a.split() if len(w) >= 3}
    for o in others:
        if not is_latin(o):
            continue
        b = _content(o)
        if wa & {w for w in b.split() if len(w) >= 3}:
            return False
        tb = _trigrams(b)
        if ta and tb and len(ta & tb) / len(ta | tb) >= 0.3:
            return False
    return True


def stratum(group: Group, pos: int) -> str:
    name, _, quality = group.names[pos]
    others = [n for i, (n, _, _) in enumerate(group.names) if i != pos]
    if not is_latin(name):
        return "cross_script_un"
    if unrelated(name, others):
        return "unrelated_alias"
    if quality == "Low":
        return "un_low_quality"
    return f"{group.source}_spelling"


def synthetic_customers(n: int, seed: int = 7) -> list[tuple[str, str]]:
    """(name, country) pairs: a common forename with a common surname of the same country."""
    fore: dict[str, list[str]] = {}
    sur: dict[str, list[str]] = {}
    with (EVAL / "sigpwned-popular-names" / "common-forenames-by-country.csv").open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if row["Romanized Name"]:
                fore.setdefault(row["Country"], []).append(row["Romanized Name"])
    with (EVAL / "sigpwned-popular-names" / "common-surnames-by-country.csv").open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if row["Romanized Name"]:
                sur.setdefault(row["Country"], []).append(row["Romanized Name"])
    countries = sorted(set(fore) & set(sur))
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        cc = rng.choice(countries)
        out.append((f"{rng.choice(fore[cc])} {rng.choice(sur[cc])}", cc.lower()))
    return out


def translit_sets(limit: int = 1500, seed: int = 11) -> dict[str, list[tuple[str, str]]]:
    """(script form, Latin form) pairs per set: Arabic, Russian, Hebrew, watchman cross-script."""
    rng = random.Random(seed)
    sets: dict[str, list[tuple[str, str]]] = {}
    pairs = []
    with (EVAL / "google-transliteration" / "ar2en-test.txt").open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 2:
                pairs.append((parts[0], parts[1]))
    sets["translit_ar_google"] = rng.sample(pairs, min(limit, len(pairs)))
    pairs = []
    with (EVAL / "amazon-netransliteration-wikidata" / "wd_russian_20").open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2:
                pairs.append((parts[1].replace(" ", ""), parts[0]))
    sets["translit_ru_wikidata"] = rng.sample(pairs, min(limit, len(pairs)))
    pairs = []
    with (EVAL / "amazon-netransliteration-wikidata" / "wd_hebrew").open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 2:
                pairs.append((parts[1], parts[0]))
    sets["translit_he_wikidata"] = rng.sample(pairs, min(limit, len(pairs)))
    pairs = []
    with (WATCHMAN / "cross_script_pairs.csv").open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            q, e = line.split(",")[:2]
            pairs.append((q, e))
    sets["watchman_cross_script"] = pairs
    return sets


# ---------------------------------------------------------------- baselines
def _jw_tokens(name: str) -> list[str]:
    return [t for t in re.split(r"[^0-9a-z]+", name.lower()) if t]


def token_jaro_winkler(a: str, b: str) -> float:
    """OFAC-style: each query word against its best word of the other name, averaged both ways."""
    ta, tb = _jw_tokens(a), _jw_tokens(b)
    if not ta or not tb:
        return 0.0
    fwd = sum(max(JaroWinkler.similarity(x, y) for y in tb) for x in ta) / len(ta)
    bwd = sum(max(JaroWinkler.similarity(y, x) for x in ta) for y in tb) / len(tb)
    return (fwd + bwd) / 2


def run_nomenklatura(queries: dict[str, dict[str, Any]], candidates: dict[str, dict[str, Any]],
                     pairs: list[tuple[str, str]], algorithms: tuple[str, ...] = ("logic-v1", "logic-v2"),
                     ) -> tuple[dict[str, dict[tuple[str, str], float]], dict[str, Any]] | str:
    """Score pairs with nomenklatura in its own venv. Returns scores and timings, or why not."""
    python = BENCH_VENV / "bin" / "python"
    if not python.exists():
        return f"no venv at {BENCH_VENV} (python3 -m venv .venv-bench; .venv-bench/bin/pip install nomenklatura==4.17.4)"
    with tempfile.TemporaryDirectory() as tmp:
        inp = Path(tmp) / "in.json"
        out = Path(tmp) / "out.json"
        inp.write_text(json.dumps({"queries": queries, "candidates": candidates, "pairs": pairs,
                                   "algorithms": list(algorithms)}), encoding="utf-8")
        proc = subprocess.run([str(python), str(NK_RUNNER), str(inp), str(out)], capture_output=True, text=True, check=False,
                              timeout=3600)
        if proc.returncode != 0:
            return f"runner failed: {proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else proc.returncode}"
        data = json.loads(out.read_text(encoding="utf-8"))
    scores = {alg: {(q, c): s for q, c, s in rows} for alg, rows in data["scores"].items()}
    return scores, data["timing"]


def timed(fn: Any, *args: Any) -> tuple[Any, float]:
    t = time.perf_counter()
    r = fn(*args)
    return r, time.perf_counter() - t


def iter_rounds(groups: list[Group], rounds: int) -> Iterator[tuple[int, list[tuple[Group, int]]]]:
    for r in range(rounds):
        held = [(g, r) for g in groups if len(g.names) >= 2 and r < len(g.names)]
        yield r, held


def python_version() -> str:
    return sys.version.split()[0]
