"""Index entries from FtM entities, parsed or stored (one mapping), relatives and associates included.

A listed target becomes one entry. A relative or associate that a listing names in prose
("Wife's name: X", "Brother of Y") becomes an entry of its own with ``listed=False`` and a
``relation`` that names the listed person, so a hit on an unlisted family member says whose
family it is (travel bans often cover families). A listed target that is itself described as
a relative of someone ("brother of Bashar al-Assad") carries that relation too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from smartsanctions.consolidate.features import COUNTRY_PROPS, ID_PROPS, NAME_PROPS

from .model import IndexEntry

SCREENABLE = frozenset({"Person", "Organization", "Company", "LegalEntity", "PublicBody", "Vessel", "Airplane"})


def _values(props: Mapping[str, Sequence[str]], names: Iterable[str], lower: bool = False) -> tuple[str, ...]:
    """The distinct values of properties ``names``, in order."""
    seen: dict[str, None] = {}
    for name in names:
        for value in props.get(name, ()):
            seen.setdefault(value.lower() if lower else value, None)
    return tuple(seen)


def _names(props: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """The names screened. Not weak aliases (OFAC's "weak a.k.a.": nicknames, common words): on
    their own they would alert on ordinary names; the consolidation keeps them as weak evidence."""
    names = _values(props, NAME_PROPS)
    if not names:  # a party known only by its name parts
        full = " ".join((*props.get("firstName", ()), *props.get("lastName", ()))).strip()
        names = (full,) if full else ()
    return tuple(n for n in names if n.strip())


def entry_of_entity(entity_id: str, schema: str, props: Mapping[str, Sequence[str]], datasets: tuple[str, ...],
                    extra_ids: tuple[str, ...] = (), relation: str | None = None,
                    listed: bool = True) -> IndexEntry | None:
    """One FtM entity (its properties) as a screenable party; None if it has no name."""
    names = _names(props)
    if not names:
        return None
    return IndexEntry(
        id=entity_id,
        caption=(props.get("name") or names)[0],
        schema=schema,
        names=names,
        birth_dates=_values(props, ("birthDate",)),
        countries=_values(props, COUNTRY_PROPS, lower=True),
        identifiers=tuple(dict.fromkeys((*_values(props, ID_PROPS), *extra_ids))),
        datasets=datasets,
        gender=next(iter(props.get("gender", ())), None),
        relation=relation,
        listed=listed,
        topics=_values(props, ("topics",)),
    )


def _dataset(record_id: str) -> str:
    return record_id.split(":", 1)[0]


def entries_from_records(records: Iterable[Any]) -> list[IndexEntry]:
    """``records``: :class:`smartsanctions.sources.base.Record` objects (any parser's output)."""
    out: list[IndexEntry] = []
    for record in records:
        target = record.target
        if target.schema.name not in SCREENABLE:
            continue
        caption = (_names(target.properties) or (record.id,))[0]
        own_relations: list[str] = []
        for k, mention in enumerate(getattr(record, "mentions", []) or []):
            if mention.kind not in ("family", "associate"):
                continue
            if mention.target_holds_role:
                own_relations.append(f"{mention.relationship} of {mention.name}")
                continue
            # the named party holds the role towards the listed target: an unlisted relative
            out.append(IndexEntry(
                id=f"{record.id}#rel{k}",
                caption=mention.name,
                schema="Person" if mention.kind == "family" else "LegalEntity",
                names=(mention.name,),
                datasets=(_dataset(record.id),),
                relation=f"{mention.relationship} of {caption} ({record.id})",
                listed=False,
            ))
        entry = entry_of_entity(target.id or record.id, target.schema.name, target.properties,
                                (_dataset(record.id),), relation="; ".join(own_relations) or None)
        if entry is not None:
            out.append(entry)
    return out
