"""Authored lists edited through the API: each change is a new version of the list file.

An authored list (see docs/authored-lists.md) is kept as YAML versions in a folder,
``<folder>/<list_id>/<published>_<seq>.yaml``. A change (add, amend, delist an entry)
writes the next version and imports it through the normal importer, in one transaction
with its audit record, so API edits get snapshots, legal events and history like any
list. If the import is refused the new file is removed again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine

from smartsanctions.api.auditlog import audited
from smartsanctions.sources.authored import YAML_MARKER
from smartsanctions.sources.registry import list_spec
from smartsanctions.store.audit import append_audit
from smartsanctions.store.history import rebuild_events
from smartsanctions.store.importer import ImportOutcome, prepare, write_prepared
from smartsanctions.store.queries import data_version

_VERSION_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})_(\d{4})\.yaml$")
_LIST_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9_]+)+$")


class AuthoredError(Exception):
    """A change that cannot be made; ``status`` is the HTTP status that says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Written:
    list_id: str
    file: Path
    outcome: ImportOutcome
    audit_hash: str


def _plain(value: Any) -> Any:
    """YAML-loaded values back to plain JSON-able ones (dates as ISO text)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class AuthoredFolder:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _dir(self, list_id: str) -> Path:
        if not _LIST_ID.match(list_id):
            raise AuthoredError(404, f"{list_id!r} is not an authored list ID (<authority>-<slug>)")
        return self.root / list_id

    def versions(self, list_id: str) -> list[Path]:
        folder = self._dir(list_id)
        if not folder.is_dir():
            return []
        found = [p for p in folder.iterdir() if _VERSION_FILE.match(p.name)]
        return sorted(found, key=lambda p: p.name)

    def lists(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and _LIST_ID.match(p.name) and self.versions(p.name))

    def current(self, list_id: str) -> dict[str, Any] | None:
        versions = self.versions(list_id)
        if not versions:
            return None
        doc = yaml.safe_load(versions[-1].read_text(encoding="utf-8"))
        plain: dict[str, Any] = _plain(doc)
        return plain

    def _next_path(self, list_id: str, published: str) -> Path:
        folder = self._dir(list_id)
        folder.mkdir(parents=True, exist_ok=True)
        seq = len(self.versions(list_id)) + 1
        return folder / f"{published}_{seq:04d}.yaml"

    def write(self, engine: Engine, doc: dict[str, Any], actor: str, action: str, detail: dict[str, Any]) -> Written:
        """Write ``doc`` as the list's next version and import it, audited, all or nothing."""
        from smartsanctions.sources.base import SourceError
        from smartsanctions.store.importer import ImportRefused

        list_id = str(doc.get("list_id", ""))
        current = self.current(list_id)
        published = str(doc.get("published", ""))
        if current is not None and published < str(current.get("published", "")):
            raise AuthoredError(409, f"a new version cannot predate the current one ({current.get('published')})")
        path = self._next_path(list_id, published if re.match(r"^\d{4}-\d{2}-\d{2}$", published) else "0000-00-00")
        body = {YAML_MARKER: 1, **{k: v for k, v in doc.items() if k != YAML_MARKER}}
        path.write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
        try:
            prepared = prepare([path], "authored", None)
            with audited(engine) as conn:
                outcomes = [write_prepared(conn, item, False, actor) for item in prepared]
                for outcome in outcomes:
                    rebuild_events(conn, outcome.list_id, list_spec(outcome.list_id).authority)
                digest = append_audit(
                    conn,
                    actor,
                    action,
                    {**detail, "list": list_id, "file": path.name, "snapshot_id": outcomes[0].snapshot_id},
                    data_version=data_version(conn),
                )
        except SourceError as exc:
            path.unlink(missing_ok=True)
            raise AuthoredError(422, str(exc)) from exc
        except ImportRefused as exc:
            path.unlink(missing_ok=True)
            raise AuthoredError(409, str(exc)) from exc
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return Written(list_id, path, outcomes[0], digest)


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def new_version(current: dict[str, Any], published: str | None) -> dict[str, Any]:
    doc = {k: v for k, v in current.items() if k != YAML_MARKER}
    doc["published"] = published or max(today(), str(current.get("published", "")))
    doc["entries"] = [dict(e) for e in current.get("entries", [])]
    return doc


def entry_index(doc: dict[str, Any], entry_id: str) -> int | None:
    for i, entry in enumerate(doc.get("entries", [])):
        if str(entry.get("id")) == entry_id:
            return i
    return None
