#!/usr/bin/env bash
# Start a local PostgreSQL (Debian's package) for the server tests and the benchmarks.
# Prints the SQLAlchemy URL of a test database on 127.0.0.1. Idempotent; runs as root.
set -euo pipefail

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "== installing PostgreSQL (Debian package)" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$version main$"; then
    pg_createcluster "$version" main >&2
fi
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $4}' | grep -q online; then
    pg_ctlcluster "$version" main start >&2
fi
for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p "$port" && break
    sleep 1
done
pg_isready -h 127.0.0.1 -p "$port" >&2

psql_admin() { su postgres -c "psql -q -v ON_ERROR_STOP=1 -p $port $*" >&2; }
psql_admin "-c \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fieldvisit') THEN CREATE ROLE fieldvisit LOGIN PASSWORD 'fieldvisit'; END IF; END \\\$\\\$;\""
if ! su postgres -c "psql -p $port -tAc \"SELECT 1 FROM pg_database WHERE datname = 'fieldvisit_test'\"" | grep -q 1; then
    su postgres -c "createdb -p $port -O fieldvisit fieldvisit_test" >&2
fi
echo "postgresql+psycopg://fieldvisit:fieldvisit@127.0.0.1:$port/fieldvisit_test"
