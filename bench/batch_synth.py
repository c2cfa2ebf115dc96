"""Synthetic customer books for the batch-screening benchmarks.

Customers are built from ../shared/data/eval/sigpwned-popular-names (forename and surname of
the same country, a date of birth, the country, a few companies), and a known number of real
listed names from the store are planted among them with realistic spelling variation
(transliteration variants, a dropped or doubled letter, swapped letters, reordered or dropped
name parts, hyphens and particles). Every planted row's ``planted`` column names the listed
entry it was made from, so recall can be measured on the output.
"""

from __future__ import annotations

import csv
import random
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from smartsanctions.screening.model import IndexEntry

ROOT = Path(__file__).resolve().parents[1]
NAMES = ROOT.parent / "shared" / "data" / "eval" / "sigpwned-popular-names"
COLUMNS = ["customer_id", "full_name", "birth_date", "country", "type", "segment", "planted"]

_VARIANTS = [
    ("mohammed", "muhammad"), ("muhammad", "mohamed"), ("mohammad", "mohamed"), ("ahmed", "ahmad"),
    ("ou", "u"), ("kh", "h"), ("ee", "i"), ("y", "i"), ("ph", "f"), ("q", "k"), ("ov", "off"),
    ("sh", "ch"), ("j", "dj"), ("abdul ", "abdel "), ("al-", "al "), ("el-", "el "), ("dh", "d"),
    ("ei", "ey"), ("ia", "iya"), ("ck", "k"),
]


@dataclass(frozen=True)
class Planted:
    name: str
    dob: str
    country: str
    schema: str
    entity_id: str
    how: str


def load_names() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    forenames: dict[str, list[str]] = defaultdict(list)
    surnames: dict[str, list[str]] = defaultdict(list)
    with (NAMES / "common-forenames-by-country.csv").open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if row["Romanized Name"].strip():
                forenames[row["Country"]].append(row["Romanized Name"].strip())
    with (NAMES / "common-surnames-by-country.csv").open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if row["Romanized Name"].strip():
                surnames[row["Country"]].append(row["Romanized Name"].strip())
    both = set(forenames) & set(surnames)
    return {c: forenames[c] for c in both}, {c: surnames[c] for c in both}


def _latin(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return len(letters) >= 4 and all(ord(c) < 0x250 for c in letters)


def vary(name: str, rng: random.Random) -> tuple[str, str]:
    """A realistic misspelling of a listed name, and what was done."""
    low = name.lower()
    tokens = low.split()
    choice = rng.random()
    if choice < 0.3:
        options = [(a, b) for a, b in _VARIANTS if a in low]
        if options:
            a, b = rng.choice(options)
            return re.sub(re.escape(a), b, low, count=1), f"translit {a}->{b}"
    if choice < 0.45 and len(tokens) >= 2:
        return " ".join(tokens[-1:] + tokens[:-1]), "surname first"
    if choice < 0.55 and len(tokens) >= 3:
        drop = rng.randrange(1, len(tokens) - 1)
        return " ".join(t for i, t in enumerate(tokens) if i != drop), "middle name dropped"
    positions = [i for i, c in enumerate(low) if c.isalpha()]
    i = rng.choice(positions[1:-1] or positions)
    edit = rng.random()
    if edit < 0.34:
        return low[:i] + low[i + 1 :], "letter dropped"
    if edit < 0.67:
        return low[:i] + low[i] + low[i:], "letter doubled"
    if i + 1 < len(low) and low[i + 1].isalpha():
        return low[:i] + low[i + 1] + low[i] + low[i + 2 :], "letters swapped"
    return low[:i] + low[i + 1 :], "letter dropped"


def pick_planted(entries: Sequence[IndexEntry], count: int, rng: random.Random) -> list[Planted]:
    listed = [e for e in entries if e.listed and e.schema in ("Person", "Organization", "Company")
              and any(_latin(n) for n in e.names)]
    chosen = rng.sample(listed, count)
    planted = []
    for e in chosen:
        name = rng.choice([n for n in e.names if _latin(n)])
        varied, how = vary(name, rng)
        dob = e.birth_dates[0] if e.birth_dates and rng.random() < 0.7 else ""
        country = e.countries[0].upper() if e.countries and rng.random() < 0.7 else ""
        planted.append(Planted(varied.title(), dob, country, e.schema, e.id, how))
    return planted


def write_customers(path: Path, total: int, planted: list[Planted], seed: int = 7) -> None:
    """``total`` rows, the planted ones spread evenly among synthetic customers."""
    rng = random.Random(seed)
    forenames, surnames = load_names()
    countries = sorted(forenames)
    every = max(total // max(len(planted), 1), 1)
    queue = list(planted)
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(COLUMNS)
        for n in range(total):
            cid = f"C{n:08d}"
            if queue and n % every == every // 2:
                p = queue.pop()
                out.writerow([cid, p.name, p.dob, p.country, p.schema, "retail", p.entity_id])
                continue
            cc = rng.choice(countries)
            if rng.random() < 0.05:
                name = f"{rng.choice(surnames[cc])} {rng.choice(['Trading', 'Holdings', 'Ltd', 'GmbH', 'Group'])}"
                out.writerow([cid, name, "", cc, "Company", "business", ""])
                continue
            parts = [rng.choice(forenames[cc])]
            if rng.random() < 0.2:
                parts.append(rng.choice(forenames[cc]))
            parts.append(rng.choice(surnames[cc]))
            if rng.random() < 0.1:
                parts.append(rng.choice(surnames[cc]))
            dob = f"{rng.randint(1935, 2006)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" if rng.random() < 0.85 else ""
            out.writerow([cid, " ".join(parts), dob, cc, "Person", rng.choice(["retail", "private", "sme"]), ""])
