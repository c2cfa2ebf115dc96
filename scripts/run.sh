#!/usr/bin/env bash
# The main job on the embedded default store (SQLite file ./smartsanctions.db):
# set up, import every list (official URLs when online, else the shared mirror), consolidate,
# then serve the API and web UI on http://127.0.0.1:8000 (Ctrl-C stops it).
# SMARTSANCTIONS_NO_SERVE=1 stops after the data steps.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
SS=.venv/bin/smartsanctions
export SMARTSANCTIONS_DB="${SMARTSANCTIONS_DB:-smartsanctions.db}"
MIRROR="${SMARTSANCTIONS_MIRROR:-../shared/data/lists}"

update_rc=0
if .venv/bin/python -c "import httpx; httpx.head('https://www.treasury.gov/ofac/downloads/sdn.csv', timeout=5)" >/dev/null 2>&1; then
    echo "online: fetching lists from their official URLs"
    $SS update || update_rc=$?
else
    echo "offline: importing from the mirror $MIRROR"
    $SS update --mirror "$MIRROR" || update_rc=$?
fi
# Exit code 2 means some versions were refused (each reason printed above); the rest landed.
if [ "$update_rc" -ne 0 ] && [ "$update_rc" -ne 2 ]; then exit "$update_rc"; fi
$SS lists
$SS consolidate
if [ -z "${SMARTSANCTIONS_NO_SERVE:-}" ]; then
    echo "serving on http://127.0.0.1:8000 (web UI at /ui, API docs at /docs)"
    exec $SS serve --host 127.0.0.1 --port 8000
fi
