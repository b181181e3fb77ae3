#!/usr/bin/env bash
# The whole loop on the embedded default (a private cluster under ./.autopilot/).
# Works alone on a fresh Debian 12 machine as root: it does all the set-up itself.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$AUTOPILOT_ROOT"

step() { printf '\n==> %s\n' "$*"; }

step "set-up (packages, build, extension)"
scripts/setup.sh

step "start the embedded PostgreSQL cluster"
scripts/pg-local.sh start
eval "$(scripts/pg-local.sh env)"

step "create the extension"
psql -X -v ON_ERROR_STOP=1 -q -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS autopilot CASCADE"
psql -X -v ON_ERROR_STOP=1 -c "SELECT autopilot.version()"

step "generate the warehouse's raw data into bronze (scale ${SCALE:-0.1}; SCALE=1 for the full 7.6M rows)"
"$AUTOPILOT_ROOT/build/autopilot-etl" generate --scale "${SCALE:-0.1}" --seed "${SEED:-42}"

step "ETL: bronze -> silver -> gold, quality checks, a short BI workload"
"$AUTOPILOT_ROOT/build/autopilot-etl" run
"$AUTOPILOT_ROOT/build/autopilot-etl" check --failures-only
"$AUTOPILOT_ROOT/build/autopilot-etl" workload --seconds 10 --clients 2

printf '\nDone. The cluster keeps running: eval "$(scripts/pg-local.sh env)" && psql; scripts/pg-local.sh stop ends it.\n'
