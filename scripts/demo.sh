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

# ---- lifecycle: an administrator approves in psql, the daemon builds it ----------------------------
step "lifecycle: a recommendation, approved in psql, built by autopilotd"
# The daemon builds indexes as a member of the tables' owner role (docs/decisions.md).
psql -X -v ON_ERROR_STOP=1 -q <<'SQL'
SET client_min_messages = warning;
DO $$ BEGIN CREATE ROLE demo_owner; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT demo_owner TO autopilot_daemon;
CREATE SCHEMA IF NOT EXISTS lifecycle_demo AUTHORIZATION demo_owner;
CREATE TABLE IF NOT EXISTS lifecycle_demo.orders AS
    SELECT g AS id, g % 1000 AS customer, now() - g * interval '1 minute' AS placed FROM generate_series(1, 100000) g;
ALTER TABLE lifecycle_demo.orders OWNER TO demo_owner;
-- The advisor plans the warehouse's statements: it needs to read (not write) the schemas they use.
-- Building its recommendations there would also need the warehouse owner's role (not granted here).
GRANT USAGE ON SCHEMA bronze, silver, gold TO autopilot_daemon;
GRANT SELECT ON ALL TABLES IN SCHEMA bronze, silver, gold TO autopilot_daemon;
-- Until the advisor has run, one recommendation is written the way the daemon writes them.
SET ROLE autopilot_daemon;
SELECT autopilot.recommend('lifecycle_demo.orders', ARRAY['customer'], 900, 85, 2 * 1024 * 1024, '[]', 0.9,
                           'demo: orders are looked up by customer') AS demo_recommendation \gset
RESET ROLE;
SQL
demo_id=$(psql -X -Atq -c "SELECT max(id) FROM autopilot.recommendations WHERE table_name = 'orders' AND schema_name = 'lifecycle_demo'")
psql -X -c "SELECT id, \"table\", columns, size, gain_pct, confidence, rationale FROM autopilot.pending"
echo "psql> SELECT autopilot.approve($demo_id, 'looks good');"
psql -X -v ON_ERROR_STOP=1 -Atq -o /dev/null \
    -c "SELECT autopilot.approve(id, 'looks good') FROM autopilot.recommendations WHERE id = $demo_id AND status = 'pending'"
demo_conf=$(mktemp /tmp/autopilotd-demo.XXXXXX.toml)
printf '[database]\nconninfo = "host=%s port=%s dbname=%s user=autopilot_daemon"\n[metrics]\nlisten = ""\n' \
    "$PGHOST" "$PGPORT" "$PGDATABASE" >"$demo_conf"
"${AUTOPILOT_BUILD_DIR:-$AUTOPILOT_ROOT/build}/autopilotd" --config "$demo_conf" --once
rm -f "$demo_conf"
psql -X -c "SELECT id, status, index_name, decided_by, applied_at FROM autopilot.recommendations WHERE id = $demo_id" \
        -c "SELECT at, actor, from_status, to_status, detail FROM autopilot.recommendation_events WHERE recommendation_id = $demo_id ORDER BY id"
echo "The advisor's own recommendations for the warehouse, from the same cycle (approve one with autopilot.approve):"
psql -X -c "SELECT id, \"table\", columns, size, gain_pct, saved_ms_per_hour, queries FROM autopilot.pending LIMIT 8"

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

step "the dashboard: autopilot-web on the embedded default"
psql -X -q -v ON_ERROR_STOP=1 -f web/sql/web_role.sql >/dev/null
web_port=${WEB_PORT:-8080}
if curl -fsS "http://127.0.0.1:$web_port/api/health" >/dev/null 2>&1; then
    echo "something already answers on port $web_port (a dashboard from an earlier run?): http://127.0.0.1:$web_port/"
else
    nohup "$AUTOPILOT_ROOT/build/autopilot-web" --port "$web_port" --conninfo "user=autopilot_web" \
        >"$AUTOPILOT_ROOT/.autopilot/autopilot-web.log" 2>&1 &
    for _ in $(seq 50); do curl -fsS "http://127.0.0.1:$web_port/api/health" >/dev/null 2>&1 && break; sleep 0.1; done
    if curl -fsS "http://127.0.0.1:$web_port/api/health" >/dev/null 2>&1; then
        echo "dashboard: http://127.0.0.1:$web_port/  (log: .autopilot/autopilot-web.log; stop it with: pkill -f autopilot-web)"
    else
        echo "warning: the dashboard did not start (see .autopilot/autopilot-web.log)" >&2
    fi
fi

printf '\nDone. The cluster keeps running: eval "$(scripts/pg-local.sh env)" && psql; scripts/pg-local.sh stop ends it.\n'
