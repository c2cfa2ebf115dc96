"""Index entries from parsed list records (FtM entities), relatives and associates included.

A listed target becomes one entry. A relative or associate that a listing names in prose
("Wife's name: X", "Brother of Y") becomes an entry of its own with ``listed=False`` and a
``relation`` that names the listed person, so a hit on an unlisted family member says whose
family it is (travel bans often cover families). A listed target that is itself described as
a relative of someone ("brother of Bashar al-Assad") carries that relation too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .model import IndexEntry

NAME_PROPS = ("name", "alias", "weakAlias", "previousName", "firstName", "lastName")
ID_PROPS = ("idNumber", "passportNumber", "taxNumber", "registrationNumber", "imoNumber", "innCode",
            "ogrnCode", "swiftBic", "leiCode", "vatCode", "mmsi", "callSign", "serialNumber")
COUNTRY_PROPS = ("nationality", "citizenship", "country", "jurisdiction", "birthCountry", "flag")
SCREENABLE = frozenset({"Person", "Organization", "Company", "LegalEntity", "PublicBody", "Vessel", "Airplane"})


def _values(proxy: Any, prop: str) -> list[str]:
    try:
        return list(proxy.get(prop, quiet=True))
    except Exception:  # noqa: BLE001 - a property the schema lacks
        return []


def _names(proxy: Any) -> tuple[str, ...]:
    out: list[str] = []
    for prop in ("name", "alias", "weakAlias", "previousName"):
        out.extend(_values(proxy, prop))
    if not out:
        first = " ".join(_values(proxy, "firstName"))
        last = " ".join(_values(proxy, "lastName"))
        if (first + last).strip():
            out.append(f"{first} {last}".strip())
    return tuple(dict.fromkeys(n for n in out if n.strip()))


def _dataset(record_id: str) -> str:
    return record_id.split(":", 1)[0]


def entry_of_proxy(proxy: Any, record_id: str, relation: str | None = None, listed: bool = True) -> IndexEntry | None:
    schema = proxy.schema.name
    names = _names(proxy)
    if not names:
        return None
    countries = tuple(dict.fromkeys(c.lower() for p in COUNTRY_PROPS for c in _values(proxy, p)))
    idents = tuple(dict.fromkeys(v for p in ID_PROPS for v in _values(proxy, p)))
    genders = _values(proxy, "gender")
    return IndexEntry(
        id=proxy.id or record_id,
        caption=names[0],
        schema=schema,
        names=names,
        birth_dates=tuple(dict.fromkeys(_values(proxy, "birthDate"))),
        countries=countries,
        identifiers=idents,
        datasets=(_dataset(record_id),),
        gender=genders[0] if genders else None,
        relation=relation,
        listed=listed,
        topics=tuple(_values(proxy, "topics")),
    )


def entries_from_records(records: Iterable[Any]) -> list[IndexEntry]:
    """``records``: :class:`smartsanctions.sources.base.Record` objects (any parser's output)."""
    out: list[IndexEntry] = []
    for record in records:
        target = record.target
        if target.schema.name not in SCREENABLE:
            continue
        caption = (_names(target) or (record.id,))[0]
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
        entry = entry_of_proxy(target, record.id, "; ".join(own_relations) or None)
        if entry is not None:
            out.append(entry)
    return out
