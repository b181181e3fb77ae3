#!/usr/bin/env bash
# Entry point of the postgres service: the same embedded cluster scripts/pg-local.sh runs locally,
# kept in the foreground for the container's lifetime.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/pg-local.sh start
eval "$(scripts/pg-local.sh env)"
psql -X -q -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS autopilot CASCADE"
trap 'scripts/pg-local.sh stop; exit 0' TERM INT
tail -F "${AUTOPILOT_HOME}/postgresql.log" &
wait $!
