"""Every folder of ../shared/data/lists imports, and the snapshots hold the counts SOURCES.md gives."""

from __future__ import annotations

import pytest

from smartsanctions.store.queries import lists_summary
from tests.conftest import FullStore

# (list, snapshot date) -> entries, from ../shared/data/lists/SOURCES.md.
EXPECTED = {
    ("us-sdn", "2019-01-01"): 7379,
    ("us-sdn", "2021-07-01"): 8976,
    ("us-sdn", "2022-05-05"): 10025,  # multi-list CSV, SDN rows
    ("us-sdn", "2023-01-01"): 11443,
    ("us-cons", "2024-05-06"): 443,
    ("us-cons", "2025-03-28"): 443,
    ("us-cons", "2025-10-22"): 443,
    ("us-cons", "2025-12-01"): 442,  # cons_prim.csv, folder month
    ("us-cons", "2025-12-18"): 442,
    ("us-cons", "2026-01-08"): 442,
    ("un-sc", "2024-05-15"): 875,
    ("un-sc", "2025-04-19"): 877,
    ("un-sc", "2025-11-15"): 1000,
    ("un-sc", "2025-12-09"): 1000,
    ("un-sc", "2025-12-10"): 999,
    ("un-sc", "2026-02-27"): 1003,
    ("gb-ofsi", "2022-05-05"): 3430,  # multi-list CSV, "UK Cons"
    ("gb-ofsi", "2023-06-05"): 3993,
    ("gb-ofsi", "2025-04-14"): 4688,
    ("eu-fsf", "2022-05-05"): 3372,
    ("us-el", "2022-05-05"): 2001,
    ("us-ssi", "2022-05-05"): 290,
    ("ca-sema", "2025-05-01"): 4759,
    # SOURCES.md counts 2925 rows typed exactly "Primary Name"; 137 more primaries are typed
    # "Primary name" / "primary Name": 3062 references in all.
    ("au-dfat", "2024-12-01"): 3062,
}


@pytest.fixture(scope="module")
def summary(full_store: FullStore) -> dict[tuple[str, str], int]:
    with full_store.engine.connect() as conn:
        data = lists_summary(conn)
    return {
        (lst["id"], snap["date"]): snap["entities"]
        for authority in data["authorities"]
        for lst in authority["lists"]
        for snap in lst["snapshots"]
    }


def test_every_folder_imports_except_the_partial_one(full_store: FullStore) -> None:
    report = full_store.report
    assert len(report.refused) == 1
    assert "2025-12_watchman_partial" in report.refused[0] and "sdn.csv" in report.refused[0]


@pytest.mark.parametrize(("key", "count"), sorted(EXPECTED.items()))
def test_snapshot_counts_match_sources_md(summary: dict[tuple[str, str], int], key: tuple[str, str], count: int) -> None:
    assert summary.get(key) == count


def test_every_authority_is_present(full_store: FullStore) -> None:
    with full_store.engine.connect() as conn:
        codes = {a["code"] for a in lists_summary(conn)["authorities"]}
    assert codes == {"us", "un", "eu", "gb", "ca", "au"}
