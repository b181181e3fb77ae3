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

step "mining: demand forecasts, anomalies, customer segments, listing checks (docs/mining.md)"
if "$AUTOPILOT_ROOT/build/autopilot-etl" mine all; then
    psql -X -v ON_ERROR_STOP=1 \
        -c "SELECT product_id, city, forecast_date, round(units::numeric, 2) AS units, round(lower_80::numeric, 2) AS lower_80, round(upper_80::numeric, 2) AS upper_80 FROM mining.demand_forecast ORDER BY units DESC LIMIT 5" \
        -c "SELECT entity_kind, entity, metric, day, direction, reason FROM mining.anomalies ORDER BY abs(score) DESC LIMIT 5" \
        -c "SELECT label, customers, round(recency_days) AS recency_days, orders, round(monetary) AS monetary FROM mining.segment_profiles ORDER BY monetary DESC" \
        -c "SELECT listing_id, round(probability::numeric, 3) AS probability, verdict, reasons[1] AS top_reason FROM mining.listing_checks ORDER BY probability DESC LIMIT 5"
else
    log "mining did not complete (see the message above); the rest of the demo goes on"
fi

printf '\nDone. The cluster keeps running: eval "$(scripts/pg-local.sh env)" && psql; scripts/pg-local.sh stop ends it.\n'
