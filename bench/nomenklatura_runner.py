"""Runs inside .venv-bench (nomenklatura 4.17.4): scores query/candidate pairs, times them.

Usage: python nomenklatura_runner.py IN.json OUT.json
IN: {"queries": {qid: {"schema", "names"}}, "candidates": {cid: {...}}, "pairs": [[qid, cid]], "algorithms": [...]}
"""

from __future__ import annotations

import json
import sys
import time

from followthemoney import model
from nomenklatura.matching import get_algorithm


def _proxy(eid: str, data: dict) -> object:
    schema = data.get("schema") or "LegalEntity"
    if schema not in ("Person", "Organization", "Company", "Vessel", "Airplane", "LegalEntity"):
        schema = "LegalEntity"
    proxy = model.make_entity(schema)
    proxy.id = eid
    for name in data["names"]:
        proxy.add("name", name, quiet=True)
    return proxy


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as fh:
        data = json.load(fh)
    queries = {k: _proxy(k, v) for k, v in data["queries"].items()}
    cands = {k: _proxy(k, v) for k, v in data["candidates"].items()}
    scores: dict[str, list] = {}
    timing: dict[str, dict] = {}
    for name in data["algorithms"]:
        algo = get_algorithm(name)
        if algo is None:
            continue
        config = algo.default_config()
        t0 = time.perf_counter()
        # first call loads the algorithm's name data
        first = data["pairs"][0]
        algo.compare(queries[first[0]], cands[first[1]], config)
        t1 = time.perf_counter()
        rows = []
        for q, c in data["pairs"]:
            res = algo.compare(queries[q], cands[c], config)
            rows.append([q, c, float(res.score)])
        t2 = time.perf_counter()
        scores[name] = rows
        timing[name] = {"load_s": t1 - t0, "pairs": len(rows), "seconds": t2 - t1,
                        "pairs_per_s": len(rows) / max(t2 - t1, 1e-9)}
    with open(sys.argv[2], "w", encoding="utf-8") as fh:
        json.dump({"scores": scores, "timing": timing}, fh)


if __name__ == "__main__":
    main()
