"""What every source format module provides, and what it hands to the store.

A format module (one per official file format) exposes a module-level ``FORMAT``
(:class:`SourceFormat`). Given the files of one dated version of a list it yields
:class:`ParsedList` objects: one per list the files carry (the multi-list CSV carries
several). A :class:`Record` is one entry of a list: its target entity (whose ID is the
source-record ID ``<authority>-<list>:<list's own id>``) plus the entities hanging off it
(Sanction, Address, Identification, Family, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from pathlib import Path

from followthemoney.proxy import EntityProxy


class SourceError(Exception):
    """Bad input. The message always names the file and, where known, the place in it."""

    def __init__(self, path: Path | str, message: str, place: str | None = None) -> None:
        self.path = str(path)
        self.place = place
        self.reason = message
        where = f"{self.path}: {place}" if place else self.path
        super().__init__(f"{where}: {message}")


class FirstSeen:
    """Where each id of one file was first met: meeting one again is bad input, reported with
    both places (the importer rejects duplicates within a list too, but only a parser knows
    the lines)."""

    def __init__(self, path: Path | str, what: str) -> None:
        self._path = path
        self._what = what
        self._first: dict[str, str] = {}

    def add(self, key: str, line: int | None, place: str | None = None) -> None:
        """``key`` met at ``line`` (``place``: how an error names it, if more than the line)."""
        first = self._first.get(key)
        if first is not None:
            raise SourceError(self._path, f"{self._what} {key} appears twice (first at {first})",
                              place or f"line {line}")
        self._first[key] = f"line {line}" if line else (place or "an earlier entry")

    def __contains__(self, key: object) -> bool:
        return key in self._first


class FileRole(Enum):
    """How a format sees one file: the file that defines a version, or a file beside it."""

    PRIMARY = "primary"
    COMPANION = "companion"


@dataclass(frozen=True)
class CountAssertion:
    """Bounds on the number of target records of one schema in one version of a list.

    ``schema`` is an FtM schema name, or ``"*"`` for all targets together.
    A file outside the bounds is refused unless the import is forced.
    """

    schema: str
    min: int
    max: int


@dataclass(frozen=True)
class ListSpec:
    """Metadata of one official list (one authority may publish several)."""

    id: str  # "us-sdn": the prefix of the list's source-record IDs
    authority: str  # "us"
    name: str
    urls: tuple[str, ...]
    assertions: tuple[CountAssertion, ...]
    # File name(s) the list is published under: used by ``update`` to fetch and by
    # mirrors laid out like ../shared/data/lists.
    mirror_dir: str = ""


@dataclass(frozen=True)
class RelationMention:
    """A relation a list states in free text ("Brother of Bashar al-Asad", "Linked To: X")."""

    kind: str  # "family" | "associate" | "link"
    relationship: str  # "brother", "wife", "associate", "linked to", ...
    name: str  # the other party's name as written
    text: str  # the sentence it was found in
    # True when the text says the *target* holds the relationship towards the named
    # party ("Brother of X": the target is X's brother); False when the named party
    # holds it towards the target ("Wife's name: X": X is the target's wife).
    target_holds_role: bool = True
    # The named party's source-record ID when the text cites the list's own identifier
    # ("Associated with X (QDi.006)" -> "un-sc:QDi.006"); resolution tries it first.
    other_id: str | None = None


@dataclass
class Record:
    """One entry of one list: the target and the entities that describe it."""

    id: str
    target: EntityProxy
    extras: list[EntityProxy] = field(default_factory=list)
    # Relations stated in free text; ``relations.resolve_relations`` turns them into
    # Family / Associate / UnknownLink entities once the whole list is read.
    mentions: list[RelationMention] = field(default_factory=list)

    @property
    def entities(self) -> list[EntityProxy]:
        return [self.target, *self.extras]


@dataclass
class ParsedList:
    """One version of one list, as read from its files."""

    list_id: str
    records: list[Record]
    files: tuple[Path, ...]
    # The publication date the file itself states, if it states one.
    published: date | None = None
    # A short note on where ``published`` came from ("dateGenerated attribute", ...).
    published_from: str | None = None
    # What the parser tolerated and the user should know (a repeated header row skipped,
    # a truncated last record dropped, a cp1252 file decoded): shown and stored on import.
    notes: list[str] = field(default_factory=list)


ParseFn = Callable[[Path, Sequence[Path]], Iterator[ParsedList]]
SniffFn = Callable[[Path, bytes], FileRole | None]


@dataclass(frozen=True)
class SourceFormat:
    """One official file format: how to recognise its files and how to read them."""

    name: str  # "un_xml"; the value of ``import --source``
    description: str
    lists: tuple[str, ...]  # IDs of the lists this format can carry
    # Recognise a file from its path and its first bytes (up to 64 KiB).
    sniff: SniffFn
    # Read the primary file plus the companion files found beside it.
    parse: ParseFn
    # Names of the primary file ("sdn.csv", ...), for the error message when only
    # companion files are given.
    primary_names: tuple[str, ...] = ()
