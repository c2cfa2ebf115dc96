"""``update --mirror``: every version of every list, oldest first; refusals reported, others kept."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from smartsanctions.store.queries import lists_summary
from smartsanctions.store.update import update_from_mirror
from tests.conftest import LISTS


def _mirror(tmp_path: Path, folders: list[str]) -> Path:
    mirror = tmp_path / "mirror"
    for folder in folders:
        link = mirror / folder
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(LISTS / folder, target_is_directory=True)
    return mirror


def test_mirror_update_imports_versions_and_refuses_the_partial_folder(engine: Engine, tmp_path: Path) -> None:
    mirror = _mirror(
        tmp_path,
        ["un/2025-12-10_pakote", "un/2025-12-09_pakote", "ofac_sdn/2025-12_watchman_partial"],
    )
    report = update_from_mirror(engine, mirror)
    assert [o.status for o in report.outcomes] == ["imported", "imported"]
    assert [o.published.isoformat() for o in report.outcomes] == ["2025-12-09", "2025-12-10"]
    (refusal,) = report.refused
    assert "2025-12_watchman_partial" in refusal and "sdn.csv" in refusal
    with engine.connect() as conn:
        (authority,) = lists_summary(conn)["authorities"]
    assert [s["entities"] for s in authority["lists"][0]["snapshots"]] == [1000, 999]

    again = update_from_mirror(engine, mirror)
    assert [o.status for o in again.outcomes] == ["unchanged", "unchanged"]


def test_update_from_a_mirror_url_fetches_over_http(engine: Engine, tmp_path: Path) -> None:
    import functools
    import http.server
    import threading

    served = tmp_path / "served"
    (served / "un").mkdir(parents=True)
    (served / "un" / "consolidated.xml").symlink_to(LISTS / "un" / "2025-12-09_pakote" / "un.xml")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        from smartsanctions.store.update import update_from_urls

        report = update_from_urls(engine, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
    assert [(o.list_id, o.status, o.entities) for o in report.outcomes] == [("un-sc", "imported", 1000)]
    # Every other registered list is missing from this mirror: each is reported, none imported.
    assert report.refused and all("download failed" in r for r in report.refused)
    assert any(r.startswith("us-sdn:") for r in report.refused)
