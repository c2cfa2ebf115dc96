"""Dependencies point one way down the data's path: sources -> store -> consolidate ->
screening -> analysis -> api/web -> cli. ``names`` is a leaf library any stage may use."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "smartsanctions"
LAYERS = {"names": 0, "sources": 1, "store": 2, "consolidate": 3, "screening": 4, "analysis": 5, "api": 6, "web": 6}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m.split(".")[1] for m in found if m.startswith("smartsanctions.") and m.count(".") >= 1}


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_package_imports_only_earlier_stages(package: str) -> None:
    level = LAYERS[package]
    offenders = []
    for path in sorted((PACKAGE / package).rglob("*.py")):
        for imported in _imports(path):
            if imported in LAYERS and LAYERS[imported] > level and imported != package:
                offenders.append(f"{path.relative_to(PACKAGE)} imports smartsanctions.{imported}")
    assert not offenders, offenders
