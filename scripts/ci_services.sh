#!/usr/bin/env bash
# Services the store/API/browser tests need on a Debian machine (run as root):
# PostgreSQL (a running server with a test role and database) and headless Chromium.
# Safe to run again. Prints the PostgreSQL URL on its last line; exports nothing.
set -euo pipefail

PG_USER="${PG_USER:-smartsanctions}"
PG_PASSWORD="${PG_PASSWORD:-smartsanctions}"
PG_DB="${PG_DB:-smartsanctions_test}"
PG_PORT="${PG_PORT:-5432}"

need=()
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
if [ ${#need[@]} -gt 0 ]; then
    echo "installing system packages: ${need[*]}" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
fi

# Start the (first) cluster Debian created; create one if there is none.
cluster=$(pg_lsclusters --no-header 2>/dev/null | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -1)
    pg_createcluster "$version" main --port "$PG_PORT" >&2
    cluster="$version main"
fi
# shellcheck disable=SC2086
set -- $cluster
if ! pg_lsclusters --no-header | awk -v v="$1" -v c="$2" '$1==v && $2==c {print $4}' | grep -q online; then
    pg_ctlcluster "$1" "$2" start >&2
fi
port=$(pg_lsclusters --no-header | awk -v v="$1" -v c="$2" '$1==v && $2==c {print $3}')

for _ in $(seq 1 30); do
    if su postgres -c "psql -p $port -tAc 'select 1'" >/dev/null 2>&1; then break; fi
    sleep 1
done

psql_admin() { su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -tAc \"$1\""; }
if [ "$(psql_admin "select 1 from pg_roles where rolname='$PG_USER'")" != "1" ]; then
    psql_admin "create role $PG_USER login password '$PG_PASSWORD'" >&2
fi
if [ "$(psql_admin "select 1 from pg_database where datname='$PG_DB'")" != "1" ]; then
    psql_admin "create database $PG_DB owner $PG_USER" >&2
fi

echo "postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$port/$PG_DB"
