#!/usr/bin/env bash
# Entry point of the one-shot warehouse job: generate, ETL, quality checks and mining once (each
# idempotent), then a workload loop so the optimizer has something to learn from.
set -euo pipefail
cd "$(dirname "$0")/.."
etl=${AUTOPILOT_BUILD_DIR:-build}/autopilot-etl
if [ "$(psql -XAtc "SELECT to_regclass('gold.fact_sales') IS NOT NULL")" != t ]; then
    "$etl" generate --scale "${SCALE:-0.1}" --seed "${SEED:-42}"
fi
"$etl" run
"$etl" check || echo "warning: quality checks reported failures (see etl.quality_results)" >&2
"$etl" mine all || echo "warning: mining failed (see mining.model_runs)" >&2
psql -X -q -f web/sql/web_role.sql
[ "${WORKLOAD_LOOP:-1}" = 1 ] || exit 0
while true; do
    "$etl" workload --seconds "${WORKLOAD_SECONDS:-300}" --clients "${WORKLOAD_CLIENTS:-2}"
    sleep "${WORKLOAD_PAUSE:-60}"
done
