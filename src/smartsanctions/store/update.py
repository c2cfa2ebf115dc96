"""``update``: bring every registered list up to date from its official URL or a mirror.

A mirror is laid out like ``../shared/data/lists``: ``<mirror>/<list folder>/<version
folder>/<files>``, version folders named so that they sort by date. Each version is
imported in its own transaction (a refused version does not undo the others); versions
already held are recognised by their sha256 and change nothing.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import Engine

from smartsanctions.sources.base import SourceError
from smartsanctions.sources.fetch import download_list
from smartsanctions.sources.registry import LISTS, MULTI_MIRROR_DIR
from smartsanctions.store.importer import ImportOutcome, ImportRefused, import_files


@dataclass
class UpdateReport:
    outcomes: list[ImportOutcome] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused


def mirror_versions(mirror: Path) -> list[Path]:
    """Every version folder in a mirror, oldest first within each list folder."""
    folders = sorted({spec.mirror_dir for spec in LISTS.values() if spec.mirror_dir} | {MULTI_MIRROR_DIR})
    versions: list[Path] = []
    for name in folders:
        base = mirror / name
        if base.is_dir():
            versions.extend(sorted(p for p in base.iterdir() if p.is_dir()))
    return versions


def update_from_mirror(engine: Engine, mirror: Path, progress: Callable[[Path], None] | None = None) -> UpdateReport:
    if not mirror.is_dir():
        raise SourceError(mirror, "mirror folder not found")
    report = UpdateReport()
    for version in mirror_versions(mirror):
        if progress:
            progress(version)
        try:
            report.outcomes.extend(import_files(engine, [version], actor="update"))
        except (SourceError, ImportRefused) as exc:
            report.refused.append(str(exc))
    return report


def update_from_urls(engine: Engine, base_url: str | None = None) -> UpdateReport:
    """Fetch each list's official files (or the same file names under ``base_url``)."""
    report = UpdateReport()
    with httpx.Client(follow_redirects=True, timeout=120) as client, tempfile.TemporaryDirectory() as tmp:
        for spec in LISTS.values():
            if not spec.urls:
                continue
            folder = Path(tmp) / spec.id
            folder.mkdir()
            try:
                download_list(client, spec, folder, base_url)
                report.outcomes.extend(import_files(engine, [folder], actor="update"))
            except httpx.HTTPError as exc:
                report.refused.append(f"{spec.id}: download failed: {exc}")
            except (SourceError, ImportRefused) as exc:
                report.refused.append(str(exc))
    return report
