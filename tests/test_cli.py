"""The command line contract: exit codes, one-line reasons, JSON shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from smartsanctions.cli import app
from tests.conftest import LISTS
from tests.store.conftest import dump_store

runner = CliRunner()


@pytest.fixture()
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.db")


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_import_then_lists_json_shape(db: str) -> None:
    code, _, _ = run("import", str(LISTS / "un" / "2025-12-09_pakote"), "--db", db)
    assert code == 0
    code, stdout, _ = run("lists", "--json", "--db", db)
    assert code == 0
    data = json.loads(stdout)
    (authority,) = data["authorities"]
    assert authority["code"] == "un" and authority["name"]
    (lst,) = authority["lists"]
    assert lst["id"] == "un-sc"
    (snap,) = lst["snapshots"]
    assert snap["entities"] == 1000 and snap["date"] == "2025-12-09" and len(snap["sha256"]) == 64
    assert snap["imported_at"]


def test_show_and_history_of_a_delisted_un_entry(db: str) -> None:
    for version in ("2025-04_kebalkhadka", "2025-11_mkweli"):
        assert run("import", str(LISTS / "un" / version), "--db", db)[0] == 0
    code, stdout, _ = run("show", "un-sc:QDi.317", "--json", "--db", db)
    assert code == 0
    view = json.loads(stdout)
    assert view["current"] is False
    assert any("asset_freeze" in s["measures"] for s in view["sanctions"])
    code, stdout, _ = run("history", "un-sc:QDi.317", "--json", "--db", db)
    events = json.loads(stdout)["events"]
    assert events[-1]["event"] == "delisted"
    assert (events[-1]["after"], events[-1]["not_after"]) == ("2025-04-19", "2025-11-15")


def test_unknown_entity_is_a_one_line_error(db: str) -> None:
    code, _stdout, stderr = run("show", "un-sc:NOPE.1", "--db", db)
    assert code == 1
    assert stderr.strip().startswith("error:") and "un-sc:NOPE.1" in stderr
    assert len(stderr.strip().splitlines()) == 1


def test_bad_file_exits_non_zero_naming_the_file_and_keeps_the_store(db: str, tmp_path: Path) -> None:
    assert run("import", str(LISTS / "un" / "2025-12-09_pakote"), "--db", db)[0] == 0
    from smartsanctions.store.db import open_engine

    before = dump_store(open_engine(db))
    bad = tmp_path / "notalist.txt"
    bad.write_text("hello, this is not a sanctions list\n")
    code, _, stderr = run("import", str(bad), "--db", db)
    assert code == 1 and "notalist.txt" in stderr
    assert dump_store(open_engine(db)) == before


def test_export_ftm_lines_load_in_followthemoney(db: str, tmp_path: Path) -> None:
    from followthemoney import model

    assert run("import", str(LISTS / "un" / "2025-12-09_pakote"), "--db", db)[0] == 0
    target = tmp_path / "out.ftm.json"
    code, _, _ = run("export", "--format", "ftm", "-o", str(target), "--db", db)
    assert code == 0
    schemata = set()
    for line in target.read_text().splitlines():
        data = json.loads(line)
        proxy = model.get_proxy(data)
        schemata.add(proxy.schema.name)
        assert "datasets" in data and "referents" in data
    assert {"Person", "Organization", "Sanction"} <= schemata


def test_screen_json_shape_and_cross_script_hit(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMARTSANCTIONS_CACHE", str(tmp_path / "cache"))
    assert run("import", str(LISTS / "un" / "2025-04_kebalkhadka"), "--db", db)[0] == 0
    for query in ("Abu Mohammed al-Jawlani", "أبو محمد الجولاني"):
        code, stdout, _ = run("screen", query, "--json", "--db", db, "--limit", "3")
        assert code == 0
        data = json.loads(stdout)
        assert data["query"]["name"] == query and data["data_version"]
        top = data["results"][0]
        assert set(top) >= {"id", "caption", "schema", "score", "match", "relation", "datasets", "explanations"}
        assert top["id"] == "un-sc:QDi.317" and top["match"] is True
        assert top["explanations"]["name"]["score"] == top["score"]
    code, _, stderr = run("screen", "x", "--threshold", "3", "--db", db)
    assert code == 1 and "threshold" in stderr


def test_compare_pairs_adds_score_and_match(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("name1,name2,note\nBashar al-Assad,بشار الأسد,same\nBashar al-Assad,Maria Gonzalez,different\n", encoding="utf-8")
    output = tmp_path / "scored.csv"
    code, _, _ = run("compare", "--pairs", str(pairs), "--output", str(output))
    assert code == 0
    import csv

    rows = list(csv.DictReader(output.open(encoding="utf-8")))
    assert [r["note"] for r in rows] == ["same", "different"]
    assert rows[0]["match"] == "true" and rows[1]["match"] == "false"
    assert 0.0 <= float(rows[1]["score"]) < float(rows[0]["score"]) <= 1.0
    bad = tmp_path / "bad.csv"
    bad.write_text("first,second\na,b\n", encoding="utf-8")
    code, _, stderr = run("compare", "--pairs", str(bad), "--output", str(tmp_path / "o.csv"))
    assert code == 1 and "name1" in stderr and "bad.csv" in stderr
