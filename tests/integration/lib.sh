# Helpers for integration tests (sourced). Each test runs against the cluster scripts/test.sh
# started (PG* in the environment) and works in a database of its own, so tests run in parallel.
# shellcheck shell=bash
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/lib.sh"
BUILD_DIR=${AUTOPILOT_BUILD_DIR:-$AUTOPILOT_ROOT/build}

if [ -z "${PGHOST:-}" ] || [ -z "${PGPORT:-}" ]; then
    echo "skipped: no test cluster (run through scripts/test.sh)"
    exit 77
fi

fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
pass() { printf 'ok: %s\n' "$*"; }
q() { psql -X -v ON_ERROR_STOP=1 -Atq "$@"; }

# Creates (fresh) and exports the test's own database: PGDATABASE=it_<name>.
use_test_database() {
    local name="it_$1"
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name"
    export PGDATABASE=$name
    q -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS autopilot CASCADE"
}
