#!/usr/bin/env bash
# Create .venv and install smartsanctions with its pinned dependencies.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
pkg-config --exists icu-uc 2>/dev/null || need_apt+=(libicu-dev)
command -v g++ >/dev/null 2>&1 || need_apt+=(g++)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "installing system packages: ${need_apt[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    .venv/bin/pip install -q --upgrade pip
    # PyICU (pulled in by followthemoney) builds from source: about two minutes.
    .venv/bin/pip install -q -c requirements.lock -e ".[dev]"
    rm -f .venv/.installed-*
    touch "$stamp"
fi
echo "environment ready: $(.venv/bin/python --version), smartsanctions $(.venv/bin/python -c 'import smartsanctions; print(smartsanctions.__version__)')"
