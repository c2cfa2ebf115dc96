"""Screening for the API: yente queries in, ``screen --json`` results out, index kept fresh.

The index comes from :func:`smartsanctions.screening.service.load_index` and is reloaded
when the store's data version changes (checked at most every few seconds, so the hot
path stays a dictionary lookup).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from sqlalchemy import Engine, select

from smartsanctions.consolidate.features import ID_PROPS
from smartsanctions.screening.index import DEFAULT_THRESHOLD
from smartsanctions.screening.model import Query
from smartsanctions.screening.service import LoadedIndex, load_index, screen
from smartsanctions.store.queries import data_version
from smartsanctions.store.schema import source_list

COUNTRY_PROPS = ("nationality", "citizenship", "country", "jurisdiction")
MAX_NAMES = 6  # names screened per query; more add latency, rarely recall


class UnknownDataset(LookupError):
    pass


def _first(props: dict[str, list[str]], names: tuple[str, ...]) -> str | None:
    for name in names:
        for value in props.get(name, []):
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None


def queries_for(entity: dict[str, Any]) -> list[Query]:
    """One screening query per name of a yente query entity (at least one)."""
    props: dict[str, list[str]] = entity.get("properties") or {}
    names: list[str] = []
    for prop in ("name", "alias", "previousName", "weakAlias"):
        for value in props.get(prop, []):
            if isinstance(value, str) and value.strip() and value.strip() not in names:
                names.append(value.strip())
    if not names:
        parts = [_first(props, (p,)) for p in ("firstName", "middleName", "lastName")]
        joined = " ".join(p for p in parts if p)
        if joined:
            names.append(joined)
    identifiers = tuple(v.strip() for p in ID_PROPS for v in props.get(p, []) if isinstance(v, str) and v.strip())
    birth_date = _first(props, ("birthDate",))
    country = _first(props, COUNTRY_PROPS)
    gender = _first(props, ("gender",))
    schema = entity.get("schema") or None
    return [
        Query(name=name, birth_date=birth_date, country=country, schema=schema, identifiers=identifiers, gender=gender)
        for name in (names[:MAX_NAMES] or [""])
    ]


class Screener:
    """Holds the current index; thread-safe; reloads when the data changes."""

    def __init__(self, engine: Engine, check_every: float = 3.0) -> None:
        self.engine = engine
        self.check_every = check_every
        self._loaded: LoadedIndex | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self._datasets: dict[str, set[str]] = {}

    def loaded(self) -> LoadedIndex:
        now = time.monotonic()
        current = self._loaded
        if current is not None and now - self._checked < self.check_every:
            return current
        with self._lock:
            if self._loaded is not None and time.monotonic() - self._checked < self.check_every:
                return self._loaded
            with self.engine.connect() as conn:
                version = data_version(conn)
                self._datasets = self._read_datasets(conn)
            if self._loaded is None or self._loaded.data_version != version:
                self._loaded = load_index(self.engine)
            self._checked = time.monotonic()
            return self._loaded

    @staticmethod
    def _read_datasets(conn: Any) -> dict[str, set[str]]:
        datasets: dict[str, set[str]] = {}
        for row in conn.execute(select(source_list.c.id, source_list.c.authority)):
            datasets.setdefault(row.authority, set()).add(row.id)
            datasets.setdefault(row.id, set()).add(row.id)
        return datasets

    def datasets(self) -> dict[str, set[str]]:
        self.loaded()
        return self._datasets

    def lists_of(self, dataset: str) -> set[str] | None:
        """The list IDs a dataset name stands for; None for everything ("default")."""
        if dataset in ("default", "all"):
            return None
        found = self.datasets().get(dataset)
        if found is None:
            raise UnknownDataset(f"unknown dataset {dataset!r}: use 'default', an authority code or a list ID")
        return found

    def match(
        self,
        entity: dict[str, Any],
        lists: set[str] | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        cutoff: float = 0.5,
        limit: int = 5,
        exclude_lists: frozenset[str] = frozenset(),
        exclude_ids: frozenset[str] = frozenset(),
    ) -> tuple[list[dict[str, Any]], str]:
        """Results (``screen --json`` items, best first) for one query entity, and the data version.

        ``lists`` restricts hits to those lists (None: all); hits only on ``exclude_lists``
        and hits whose ID is in ``exclude_ids`` are dropped.
        """
        loaded = self.loaded()
        filtered = lists is not None or bool(exclude_lists) or bool(exclude_ids)
        fetch = max(limit * 5, 50) if filtered else limit
        best: dict[str, dict[str, Any]] = {}
        for query in queries_for(entity):
            for result in screen(loaded, query, threshold=threshold, limit=fetch)["results"]:
                on = set(result["datasets"])
                if lists is not None and not lists & on:
                    continue
                if (exclude_lists and on and on <= exclude_lists) or result["id"] in exclude_ids:
                    continue
                if result["score"] < cutoff:
                    continue
                held = best.get(result["id"])
                if held is None or result["score"] > held["score"]:
                    best[result["id"]] = result
        ranked = sorted(best.values(), key=lambda r: (-r["score"], r["id"]))[:limit]
        for result in ranked:
            result["match"] = result["score"] >= threshold
        return ranked, loaded.data_version
