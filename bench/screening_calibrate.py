"""Calibration of the screening score on ../shared/data/eval: threshold sweep, honest split.

Run: .venv/bin/python bench/screening_calibrate.py [--customers 5000] [--write-common]

Positives: leave-one-alias-out (rounds 0-2, as screening_quality.py) on the OFAC and UN alias groups, per stratum.
Negatives: synthetic customers (a common forename and surname of one country) drawn only from
the *held-out* half of the countries of sigpwned-popular-names, while the common-name-part
table the scorer uses (``names/data/common_parts.txt``) is built from the other half, so the
table cannot simply list the customers' names; plus hard negatives (OFAC persons against the
rest of OFAC). ``--write-common`` rebuilds the shipped table from all countries.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
import zlib
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screening_common import EVAL, entry_of, load_groups, stratum

from smartsanctions.names import compare as name_compare
from smartsanctions.names.analyse import analyse
from smartsanctions.screening import index as screening_index
from smartsanctions.screening.index import ScreeningIndex
from smartsanctions.screening.model import Query

POPULAR = EVAL / "sigpwned-popular-names"
COMMON_FILE = Path(name_compare.__file__).resolve().parent / "data" / "common_parts.txt"
THRESHOLDS = [0.75, 0.78, 0.80, 0.82, 0.84, 0.85, 0.86, 0.88, 0.90]


def popular(kind: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    with (POPULAR / f"common-{kind}-by-country.csv").open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if row["Romanized Name"]:
                out[row["Country"]].append(row["Romanized Name"])
    return out


def tuning_half(country: str) -> bool:
    return zlib.crc32(country.encode()) % 2 == 0


def common_parts(countries: set[str]) -> list[str]:
    """Analysed name parts of the popular forenames and surnames of ``countries``."""
    parts: set[str] = set()
    for kind in ("forenames", "surnames"):
        for cc, names in popular(kind).items():
            if cc in countries:
                for name in names:
                    parts.update(p.text for p in analyse(name).parts if len(p.text) >= 2)
    return sorted(parts)


def customers(countries: set[str], n: int, seed: int = 7) -> list[str]:
    fore, sur = popular("forenames"), popular("surnames")
    ccs = sorted(set(fore) & set(sur) & countries)
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        cc = rng.choice(ccs)
        out.append(f"{rng.choice(fore[cc])} {rng.choice(sur[cc])}")
    return out


def sweep(index: ScreeningIndex, queries: list[Query], truths: list[str | None], ignore: list[str | None]
          ) -> tuple[list[float], list[list[float]], list[bool]]:
    """Per query: the true entity's score (0 if not returned), other entities' scores, in top 10."""
    results = index.search_many(queries, limit=21, min_score=0.0)
    true_scores, false_scores, top10 = [], [], []
    for res, truth, ign in zip(results, truths, ignore, strict=True):
        res = [m for m in res if m.entry.id != ign]
        ids = [m.entry.id for m in res]
        true_scores.append(next((m.score for m in res if m.entry.id == truth), 0.0))
        false_scores.append([m.score for m in res if m.entry.id != truth])
        top10.append(truth in ids[:10])
    return true_scores, false_scores, top10


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=5000)
    ap.add_argument("--write-common", action="store_true")
    ap.add_argument("--set", action="append", default=[], help="NAME=VALUE: override an index constant")
    args = ap.parse_args()
    for item in args.set:
        name, _, value = item.partition("=")
        setattr(screening_index, name, float(value))
    all_countries = set(popular("forenames")) | set(popular("surnames"))
    if args.write_common:
        parts = common_parts(all_countries)
        COMMON_FILE.write_text("# analysed parts of popular forenames and surnames by country "
                               "(sigpwned/popular-names-by-country-dataset), one a line\n" + "\n".join(parts) + "\n",
                               encoding="utf-8")
        print(f"wrote {len(parts)} parts to {COMMON_FILE}")
        return
    tune = {c for c in all_countries if tuning_half(c)}
    held = all_countries - tune
    name_compare.set_common_parts(common_parts(tune))  # the scorer sees only the tuning half
    t0 = time.perf_counter()
    groups = load_groups()
    pos: dict[str, list[float]] = defaultdict(list)
    r10: dict[str, list[bool]] = defaultdict(list)
    for source, r in [(s, r) for s in ("ofac", "un") for r in range(3)]:
        gs = [g for g in groups if g.source == source]
        held_out = {g.id for g in gs if len(g.names) >= 2 and r < len(g.names)}
        index = ScreeningIndex.build([entry_of(g, r if g.id in held_out else None) for g in gs])
        qs = [g for g in gs if g.id in held_out]
        ts, _, top = sweep(index, [Query(g.names[r][0], schema=g.schema) for g in qs], [g.id for g in qs],
                           [None] * len(qs))
        for g, s, t in zip(qs, ts, top, strict=True):
            pos[stratum(g, r)].append(s)
            r10[stratum(g, r)].append(t)
    neg: dict[str, list[list[float]]] = {}
    ofac = [g for g in groups if g.source == "ofac"]
    index = ScreeningIndex.build([entry_of(g) for g in ofac])
    people = random.Random(3).sample([g for g in ofac if g.schema == "Person"], 2000)
    _, fs, _ = sweep(index, [Query(g.names[0][0], schema="Person") for g in people], [None] * len(people),
                     [g.id for g in people])
    neg["hard_negative_ofac"] = fs
    index = ScreeningIndex.build([entry_of(g) for g in groups])
    names = customers(held, args.customers)
    _, fs, _ = sweep(index, [Query(n, schema="Person") for n in names], [None] * len(names), [None] * len(names))
    neg["customers_heldout"] = fs
    print(f"{' '.join(args.set)} RETRIEVE={screening_index.RETRIEVE}; done in {time.perf_counter() - t0:.0f}s")
    print(f"{'stratum':22} {'n':>5} {'r@10':>6}" + "".join(f" {t:>6.2f}" for t in THRESHOLDS))
    for st in ("ofac_spelling", "un_spelling", "cross_script_un", "un_low_quality"):
        vals = pos[st]
        print(f"{st:22} {len(vals):5d} {sum(r10[st]) / len(vals):6.3f}"
              + "".join(f" {sum(v >= t for v in vals) / len(vals):6.3f}" for t in THRESHOLDS))
    for st, fss in neg.items():
        print(f"{st:22} {len(fss):5d} {'FA/k':>6}"
              + "".join(f" {1000 * sum(sum(x >= t for x in f) for f in fss) / len(fss):6.1f}" for t in THRESHOLDS))


if __name__ == "__main__":
    main()
