#!/usr/bin/env bash
# Install (Debian packages, when missing) and start a local PostgreSQL server, create the test
# role and database `milo_test`, and print, as the last line of stdout:
#   MILO_TEST_POSTGRES_URL=postgresql+psycopg://milo_test:...@127.0.0.1:5432/milo_test
# Usage (as root, on Debian/Ubuntu):  export "$(.ci/postgres.sh | tail -n 1)"
# Idempotent: running it again reuses the cluster, the role and the database.
set -euo pipefail

DB_NAME="${MILO_TEST_DB:-milo_test}"
DB_USER="${MILO_TEST_DB_USER:-milo_test}"
DB_PASSWORD="${MILO_TEST_DB_PASSWORD:-milo_test_password}"
PORT="${MILO_TEST_DB_PORT:-5432}"

log() { echo "[postgres.sh] $*" >&2; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    log "PostgreSQL absent : installation des paquets Debian"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
fi

VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VERSION main"; then
    log "création du cluster $VERSION/main"
    pg_createcluster "$VERSION" main --port "$PORT" >&2
fi
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $4}' | grep -q online; then
    log "démarrage du cluster $VERSION/main"
    pg_ctlcluster "$VERSION" main start >&2
fi
for _ in $(seq 1 30); do
    if runuser -u postgres -- pg_isready -q -h 127.0.0.1 -p "$PORT"; then break; fi
    sleep 1
done
runuser -u postgres -- pg_isready -h 127.0.0.1 -p "$PORT" >&2

psql_admin() { runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qAt -p "$PORT" "$@"; }
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" != "1" ]; then
    psql_admin -c "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD'"
else
    psql_admin -c "ALTER ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD'"
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != "1" ]; then
    psql_admin -c "CREATE DATABASE $DB_NAME OWNER $DB_USER"
fi
log "base $DB_NAME prête sur 127.0.0.1:$PORT"
echo "MILO_TEST_POSTGRES_URL=postgresql+psycopg://$DB_USER:$DB_PASSWORD@127.0.0.1:$PORT/$DB_NAME"
