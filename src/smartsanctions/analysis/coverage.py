"""The coverage matrix: canonical targets by authority, each cell the listing in force.

A cell says which measures an authority applies to the target, under which of its
programmes, since when, on which of its lists and through which records. With a programme
filter, a cell only counts listings under that programme (as each authority names it, see
``programmes.yml``); listings under other programmes are reported beside the cell
(``also_listed_under``) so that "the US does not list X for Syria" is not read as "the US
does not list X". Every answer says which snapshot date each authority's data rests on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from followthemoney import model
from sqlalchemy import Connection

from smartsanctions.analysis.programmes import Programme, resolve_programme
from smartsanctions.analysis.state import (
    Designation,
    Presence,
    State,
    load_state,
    order_authorities,
    paused_gc,
)

PILLARS = ("government", "military", "security", "economic", "family")


@dataclass
class Cell:
    """One authority's listing of one target."""

    measures: set[str] = field(default_factory=set)
    programmes: set[str] = field(default_factory=set)
    lists: set[str] = field(default_factory=set)
    records: set[str] = field(default_factory=set)
    since: date | None = None
    since_basis: str | None = None

    def add(self, presence: Presence, programmes: Sequence[str], measures: Iterable[str], since: Designation | None) -> None:
        self.programmes.update(programmes)
        self.measures.update(measures)
        self.lists.add(presence.list_id)
        self.records.add(presence.record_id)
        if since is not None and (self.since is None or since.date < self.since):
            self.since, self.since_basis = since.date, since.basis

    def to_json(self) -> dict[str, Any]:
        return {
            "measures": sorted(self.measures),
            "since": self.since.isoformat() if self.since else None,
            "since_basis": self.since_basis,
            "programmes": sorted(self.programmes),
            "lists": sorted(self.lists),
            "records": sorted(self.records),
        }


@dataclass
class Matrix:
    state: State
    programme: Programme | None
    authorities: list[str]  # the columns asked for
    cells: dict[str, dict[str, Cell]]  # target -> authority -> listing under the programme (every authority)
    elsewhere: dict[str, dict[str, set[str]]]  # target -> authority -> programmes outside the programme
    targets: list[str]  # listed under the programme by one of ``authorities`` and passing the filters
    filters: dict[str, Any]

    def listed_by(self, target: str) -> list[str]:
        row = self.cells.get(target, {})
        return [a for a in self.authorities if a in row]

    def listed_anyhow(self, target: str, authorities: Iterable[str]) -> list[str]:
        """Authorities among ``authorities`` listing the target under any programme."""
        row, other = self.cells.get(target, {}), self.elsewhere.get(target, {})
        return [a for a in authorities if a in row or a in other]

    def pillars(self, target: str) -> tuple[str, ...]:
        return self.state.pillars.get(target, ())


def _since(presence: Presence, state: State, listing_dates: Iterable[str | None]) -> Designation | None:
    """Earliest evidence of the listing in force: a date the list states, else the history's bound."""
    event = state.designations.get(presence.record_id)
    stated = [date.fromisoformat(d) for d in listing_dates if d and len(d) == 10 and d[4] == "-"]
    if event is not None and event.basis == "stated":
        stated.append(event.date)
    stated = [d for d in stated if d <= state.as_of]
    if stated:
        return Designation(min(stated), "stated")
    return event


def _schema_filter(schema: str | None) -> Any:
    if not schema:
        return None
    wanted = model.get(schema)
    if wanted is None:
        raise ValueError(f"unknown schema {schema!r} (use a followthemoney schema such as Person, Organization)")
    return wanted


def check_authorities(state: State, authorities: Sequence[str] | None) -> list[str]:
    known = set(state.list_authority.values())
    if not authorities:
        return state.authorities()
    codes = [a.strip().lower() for a in authorities if a and a.strip()]
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValueError(f"unknown authority code(s) {', '.join(unknown)}; the store has {', '.join(order_authorities(known))}")
    return list(dict.fromkeys(codes))


def build_matrix(
    conn: Connection,
    *,
    program: str | None = None,
    authorities: Sequence[str] | None = None,
    as_of: date | str | None = None,
    pillar: str | None = None,
    schema: str | None = None,
    state: State | None = None,
) -> Matrix:
    if pillar is not None and pillar not in PILLARS:
        raise ValueError(f"unknown pillar {pillar!r}; pillars are {', '.join(PILLARS)}")
    wanted_schema = _schema_filter(schema)
    state = state if state is not None else load_state(conn, as_of)
    columns = check_authorities(state, authorities)
    prog = resolve_programme(program)
    cells: dict[str, dict[str, Cell]] = defaultdict(dict)
    elsewhere: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for p in state.presences:
        target = state.target_of(p.record_id)
        inside = [s for s in p.sanctions if prog is None or any(prog.matches(p.authority, t) for t in s.programmes)]
        if prog is not None:
            for s in p.sanctions:
                if s not in inside:
                    elsewhere[target][p.authority].update(s.programmes)
        if not inside and (prog is not None or p.sanctions):
            continue
        cell = cells[target].setdefault(p.authority, Cell())
        programmes = [t for s in inside for t in s.programmes]
        measures = [m for s in inside for m in s.measures]
        cell.add(p, programmes, measures, _since(p, state, [s.listing_date for s in inside]))
    for target, other in elsewhere.items():
        for authority in [a for a in other if a in cells.get(target, {})]:
            del other[authority]  # listed under the programme too: not "elsewhere only"
    chosen = set(columns)
    targets = []
    for target, row in cells.items():
        if not chosen.intersection(row):
            continue
        if pillar is not None and pillar not in state.pillars.get(target, ()):
            continue
        if wanted_schema is not None:
            own = model.get(state.entity(target).schema)
            if own is None or not own.is_a(wanted_schema):
                continue
        targets.append(target)
    order = {a: i for i, a in enumerate(columns)}

    def rank(t: str) -> tuple[int, str, str]:
        listed = [a for a in cells[t] if a in order]
        return (-len(listed), state.entity(t).caption.casefold(), t)

    targets.sort(key=rank)
    filters = {"program": prog.describe() if prog else None, "pillar": pillar, "schema": schema, "authorities": columns}
    return Matrix(state, prog, columns, dict(cells), {t: dict(o) for t, o in elsewhere.items()}, targets, filters)


def matrix_totals(matrix: Matrix) -> dict[str, Any]:
    per_authority = {a: 0 for a in matrix.authorities}
    by_count: dict[int, int] = defaultdict(int)
    overlap = {a: {b: 0 for b in matrix.authorities} for a in matrix.authorities}
    for t in matrix.targets:
        listed = matrix.listed_by(t)
        by_count[len(listed)] += 1
        for a in listed:
            per_authority[a] += 1
            for b in listed:
                overlap[a][b] += 1
    n = len(matrix.authorities)
    return {
        "targets": len(matrix.targets),
        "per_authority": per_authority,
        "by_number_of_authorities": {str(k): by_count[k] for k in sorted(by_count)},
        "listed_by_all": by_count.get(n, 0),
        "listed_by_one": by_count.get(1, 0),
        "overlap": overlap,
    }


def target_json(matrix: Matrix, target: str) -> dict[str, Any]:
    info = matrix.state.entity(target)
    row = matrix.cells.get(target, {})
    out: dict[str, Any] = {
        "id": target,
        "caption": info.caption,
        "schema": info.schema,
        "pillars": list(matrix.pillars(target)),
        "listed_by": matrix.listed_by(target),
        "cells": {a: row[a].to_json() if a in row else None for a in matrix.authorities},
    }
    if matrix.programme is not None:
        other = matrix.elsewhere.get(target, {})
        out["also_listed_under"] = {a: sorted(other[a]) for a in matrix.authorities if a in other}
    return out


def coverage_matrix(
    conn: Connection,
    *,
    program: str | None = None,
    authorities: Sequence[str] | None = None,
    as_of: date | str | None = None,
    pillar: str | None = None,
    schema: str | None = None,
) -> dict[str, Any]:
    """The ``coverage --json`` shape, plus per-authority data dates, totals and the filters used.

    ``as_of``: the date to answer for (each list's newest snapshot published on or before
    it); ``data_as_of`` says which snapshot each authority's answer rests on.
    """
    with paused_gc():
        matrix = build_matrix(conn, program=program, authorities=authorities, as_of=as_of, pillar=pillar, schema=schema)
        return matrix_json(matrix)


def matrix_json(matrix: Matrix) -> dict[str, Any]:
    state = matrix.state
    return {
        "as_of": state.as_of.isoformat(),
        "authorities": matrix.authorities,
        "data_as_of": state.data_as_of(matrix.authorities),
        "program": matrix.filters["program"],
        "filters": {k: v for k, v in matrix.filters.items() if k != "program"},
        "consolidated": state.consolidated,
        "totals": matrix_totals(matrix),
        "targets": [target_json(matrix, t) for t in matrix.targets],
    }
