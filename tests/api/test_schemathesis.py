"""Property-based API fuzzing from /openapi.json: no generated request may cause a server error.

Every operation is driven with schemathesis's generated cases, valid and invalid
(schemathesis's pytest plugin does not run under this pytest, so the strategies are
driven with hypothesis directly). An admin key is sent, so write endpoints run their
logic instead of stopping at the key check.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is in the dev extra")
from schemathesis import GenerationMode

EXAMPLES = 15


def test_no_server_errors(app: FastAPI, keys: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = {"Authorization": f"ApiKey {keys['admin']}"}
    failures: list[str] = []
    exercised = 0
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case: Any) -> None:
                response = case.call(headers=headers)
                if response.status_code >= 500:
                    failures.append(
                        f"{case.method} {case.formatted_path} {case.query} {case.body!r:.200}: "
                        f"{response.status_code} {response.text[:300]}"
                    )

            try:
                run()
                exercised += 1
            except Unsatisfiable:
                assert mode == GenerationMode.NEGATIVE  # nothing invalid to send (no parameters)
    assert exercised >= len(operations)
    assert not failures, "\n".join(failures[:20])
