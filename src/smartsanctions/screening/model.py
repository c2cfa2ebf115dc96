"""What the screening index holds, what a query asks, and what a match answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class IndexEntry:
    """One screenable party: a listed target, or an unlisted relative/associate of one."""

    id: str
    caption: str
    schema: str
    names: tuple[str, ...]
    birth_dates: tuple[str, ...] = ()  # ISO dates or prefixes ("1965", "1965-09")
    countries: tuple[str, ...] = ()  # ISO2, lower case
    identifiers: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()
    gender: str | None = None  # "male" | "female" as FtM writes them
    # How this party relates to a listed person, e.g. "brother of Bashar al-Assad (un-sc:SYi.001)".
    relation: str | None = None
    # False for a relative/associate who is named in a listing but not listed themselves.
    listed: bool = True
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Query:
    name: str
    birth_date: str | None = None
    country: str | None = None
    schema: str | None = None
    identifiers: tuple[str, ...] = ()
    gender: str | None = None


@dataclass
class Match:
    """A screening result. Its explanations are worked out when first read: batch screening
    reads only scores, and explaining costs about as much as scoring."""

    entry: IndexEntry
    score: float
    match: bool
    matched_name: str = ""
    explain: Callable[[], dict[str, Any]] | None = field(default=None, repr=False, compare=False)
    _explanations: dict[str, Any] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def explanations(self) -> dict[str, Any]:
        if self._explanations is None:
            self._explanations = self.explain() if self.explain is not None else {}
            self.explain = None
        return self._explanations

    @property
    def relation(self) -> str | None:
        return self.entry.relation
