"""Fetching a list's official files (or the same file names from a mirror URL)."""

from __future__ import annotations

from pathlib import Path

import httpx

from smartsanctions.sources.base import ListSpec


def _file_name(url: str, spec: ListSpec) -> str:
    return url.rsplit("/", 1)[-1].split("?", 1)[0] or f"{spec.id}.dat"


def download_list(client: httpx.Client, spec: ListSpec, folder: Path, base_url: str | None = None) -> list[Path]:
    """Download every file of ``spec`` into ``folder``; ``httpx.HTTPError`` on failure."""
    written = []
    for url in spec.urls:
        name = _file_name(url, spec)
        if base_url:
            url = f"{base_url.rstrip('/')}/{spec.mirror_dir}/{name}"
        target = folder / name
        with client.stream("GET", url) as response:
            response.raise_for_status()
            with target.open("wb") as handle:
                for chunk in response.iter_bytes():
                    handle.write(chunk)
        written.append(target)
    return written
