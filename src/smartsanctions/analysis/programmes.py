"""Sanctions programmes under each authority's own name for them (``data/programmes.yml``).

``--program syria`` has to mean the Syria regime on every list although OFAC calls it
``SYRIA`` / ``SYRIA-EO13894`` / ``SYRIA-CAESAR``, the EU ``SYR``, the UK and Canada
``Syria`` and Australia ``Autonomous (Syria)``. A name the table does not know is matched
as plain text, case-insensitively, on any authority's programme text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

_DATA = Path(__file__).resolve().parent / "data" / "programmes.yml"


@dataclass(frozen=True)
class Programme:
    key: str  # "syria", or the text asked for when the table does not know it
    label: str
    patterns: dict[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict)  # per authority
    known: bool = True  # False: free-text match on every authority

    def matches(self, authority: str, text: str) -> bool:
        """Whether a Sanction's programme text, as ``authority`` publishes it, is this programme."""
        if not self.known:
            return self.key.casefold() in text.casefold()
        patterns = self.patterns.get(authority, ())
        if not patterns:
            return False
        candidates = (text.strip(), text.rsplit(": ", 1)[-1].strip())
        return any(p.fullmatch(c) for p in patterns for c in candidates)

    def describe(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "known": self.known,
            "patterns": {a: [p.pattern for p in ps] for a, ps in sorted(self.patterns.items())},
        }


@lru_cache(maxsize=1)
def programme_table() -> dict[str, Programme]:
    """Every programme of the table, under its key and each of its aliases (lower case)."""
    raw = yaml.safe_load(_DATA.read_text(encoding="utf-8")) or {}
    table: dict[str, Programme] = {}
    for key, spec in raw.items():
        patterns = {
            authority: tuple(re.compile(p, re.IGNORECASE) for p in values)
            for authority, values in spec.items()
            if authority not in ("label", "aliases") and values
        }
        prog = Programme(key=str(key), label=str(spec.get("label", key)), patterns=patterns)
        for name in (key, *spec.get("aliases", [])):
            table[str(name).casefold()] = prog
    return table


def resolve_programme(name: str | None) -> Programme | None:
    """The programme ``name`` stands for (None for no filter); unknown names match as text."""
    if name is None or not name.strip():
        return None
    text = name.strip()
    known = programme_table().get(text.casefold())
    if known is not None:
        return known
    return Programme(key=text, label=text, known=False)
