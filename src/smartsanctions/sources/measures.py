"""The controlled vocabulary of measures and the per-authority, per-programme mapping.

The mapping lives in one data table, ``data/measures.yml``, so that a lawyer can read and
amend it without reading code. Authored lists may state their measures explicitly; they
are checked against the same vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from importlib import resources

import yaml


class Measure(str, Enum):
    ASSET_FREEZE = "asset_freeze"
    TRAVEL_BAN = "travel_ban"
    ARMS_EMBARGO = "arms_embargo"
    SECTORAL = "sectoral"
    OTHER = "other"


MEASURES: tuple[str, ...] = tuple(m.value for m in Measure)


@dataclass(frozen=True)
class MeasureMapping:
    measures: tuple[str, ...]
    legal_basis: str


@dataclass(frozen=True)
class _Rule:
    authority: str
    list_id: str | None
    program: re.Pattern[str]
    mapping: MeasureMapping


@lru_cache(maxsize=1)
def _rules() -> tuple[_Rule, ...]:
    text = resources.files("smartsanctions.sources").joinpath("data/measures.yml").read_text("utf-8")
    rules = []
    for i, raw in enumerate(yaml.safe_load(text)["rules"]):
        measures = tuple(raw["measures"])
        unknown = set(measures) - set(MEASURES)
        if unknown:
            raise ValueError(f"measures.yml rule {i}: unknown measures {sorted(unknown)}")
        rules.append(
            _Rule(
                authority=raw["authority"],
                list_id=raw.get("list"),
                program=re.compile(raw["program"], re.IGNORECASE),
                mapping=MeasureMapping(measures, raw["legal_basis"]),
            )
        )
    return tuple(rules)


@lru_cache(maxsize=4096)
def measures_for(authority: str, list_id: str, program: str | None) -> MeasureMapping:
    """The measures an authority's listing under ``program`` on ``list_id`` imposes."""
    text = program or ""
    for rule in _rules():
        if rule.authority not in (authority, "*"):
            continue
        if rule.list_id is not None and rule.list_id != list_id:
            continue
        if rule.program.search(text):
            return rule.mapping
    raise LookupError(f"no measure rule for authority {authority!r}")


def check_measures(values: list[str], where: str) -> tuple[str, ...]:
    """Validate measures an authored list states; raise ``ValueError`` naming ``where``."""
    cleaned = tuple(v.strip().lower() for v in values if v and v.strip())
    unknown = [v for v in cleaned if v not in MEASURES]
    if unknown:
        raise ValueError(f"{where}: unknown measure(s) {unknown}; allowed: {', '.join(MEASURES)}")
    return cleaned
