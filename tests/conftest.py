"""Shared test fixtures: where the real list files live, and a fresh store per test."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
LISTS = SHARED / "lists"
EVAL = SHARED / "eval"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def lists_dir() -> Path:
    if not LISTS.is_dir():
        pytest.fail(f"shared data not found at {LISTS}")
    return LISTS


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    if not EVAL.is_dir():
        pytest.fail(f"shared data not found at {EVAL}")
    return EVAL
