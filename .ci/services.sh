#!/usr/bin/env bash
# Services for the test suite: a local PostgreSQL server with the test role and database, and
# headless Chromium for the Data Docs rendering test, and Java for Spark in local mode.
# Idempotent: safe to run on a machine where they already exist. Needs root (CI runs as root).
set -euo pipefail

missing=()
command -v pg_lsclusters >/dev/null 2>&1 || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || missing+=(chromium chromium-driver)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)  # Spark in local mode
if [ "${#missing[@]}" -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
read -r version cluster _ < <(pg_lsclusters -h | head -n 1)
pg_ctlcluster "$version" "$cluster" start 2>/dev/null || true
for _ in $(seq 1 30); do
    pg_isready -q -h localhost && break
    sleep 1
done
pg_isready -h localhost

as_postgres() { su postgres -c "$1"; }
if [ "$(as_postgres "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='gxfm'\"")" != "1" ]; then
    as_postgres "psql -qc \"CREATE ROLE gxfm LOGIN PASSWORD 'gxfm' CREATEDB\""
fi
if [ "$(as_postgres "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='gxfm_test'\"")" != "1" ]; then
    as_postgres "createdb -O gxfm gxfm_test"
fi
