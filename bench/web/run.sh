#!/usr/bin/env bash
# bench/web: p50/p95 latency of the dashboard's API endpoints on the warehouse, without and with
# Autopilot's recommended indexes, interleaved in one run (REPS rounds of: drop the indexes, measure;
# build them, measure). The indexes are the advisor's create_index recommendations for the current
# workload, built directly for the measurement and dropped at the end. ADVISE=1 first produces them:
# the dashboard's sales requests are exercised (captured by the extension and pg_stat_statements),
# then `autopilotd --once` records its recommendations.
#   SCALE=1 REPS=3 REQUESTS=40 [ADVISE=1] bench/web/run.sh   (needs a warehouse at that scale; see below)
# The sales endpoints answer from the gold aggregates when the filters allow; "+category"
# (kpis, trend, map) reads gold.fact_sales, the fallback path. Goal: every endpoint's p95 < 200 ms with the
# recommendations.
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
cd "$AUTOPILOT_ROOT"
BUILD_DIR=${AUTOPILOT_BUILD_DIR:-build}
REPS=${REPS:-3}
REQUESTS=${REQUESTS:-40}
PORT=${PORT:-18080}

scripts/pg-local.sh start >/dev/null
eval "$(scripts/pg-local.sh env)"
if [ "$(psql -XAtc "SELECT to_regclass('gold.fact_sales') IS NOT NULL")" != t ]; then
    "$BUILD_DIR/autopilot-etl" generate --scale "${SCALE:-1}" --seed 42
    "$BUILD_DIR/autopilot-etl" run
fi
psql -X -q -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS autopilot CASCADE"
psql -X -q -f web/sql/web_role.sql
# A warehouse after its load: statistics and the visibility map (index-only scans) up to date.
psql -XAtqc "VACUUM ANALYZE"

names=()
"$BUILD_DIR/autopilot-web" --port "$PORT" --conninfo "user=autopilot_web" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; for n in "${names[@]}"; do psql -XAtqc "DROP INDEX IF EXISTS $n"; done' EXIT
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$PORT/api/health" >/dev/null 2>&1 && break; sleep 0.1; done

filters=$(curl -fsS "http://127.0.0.1:$PORT/api/filters")
to=$(jq -r .max_date <<<"$filters")
from=$(date -d "$to - 89 days" +%F)
brand=$(jq -r '.brands[0] | @uri' <<<"$filters")
category=$(jq -r '.categories[0] | @uri' <<<"$filters")
city=$(jq -r '.cities[0] | @uri' <<<"$filters")
# label -> request; the label names the filters (and the sales/top variant).
declare -A endpoints=(
    ["sales/kpis"]="sales/kpis?from=$from&to=$to" ["sales/kpis+brand"]="sales/kpis?from=$from&to=$to&brand=$brand"
    ["sales/kpis+category"]="sales/kpis?from=$from&to=$to&category=$category"
    ["sales/trend"]="sales/trend?from=$from&to=$to" ["sales/trend+category"]="sales/trend?from=$from&to=$to&category=$category"
    ["sales/top?by=sku"]="sales/top?by=sku&from=$from&to=$to" ["sales/top?by=brand"]="sales/top?by=brand&from=$from&to=$to"
    ["sales/map"]="sales/map?from=$from&to=$to" ["sales/map+category"]="sales/map?from=$from&to=$to&category=$category"
    ["filters"]="filters" ["recommendations"]="recommendations" ["optimizer/statements"]="optimizer/statements"
    ["anomalies"]="anomalies?from=$from&to=$to" ["segments"]="segments")

if [ "${ADVISE:-0}" = 1 ]; then
    # The dashboard's sales requests over a few ranges and filters, then one advisor cycle.
    for r in $(seq "${ADVISE_ROUNDS:-4}"); do
        for days in 29 89 179; do
            f=$(date -d "$to - $days days - $((r * 7)) days" +%F)
            for q in "" "&brand=$brand" "&category=$category" "&city=$city" "&category=$category&city=$city"; do
                for ep in kpis trend "top?by=sku" "top?by=brand" map; do
                    sep='?'; [[ $ep == *\?* ]] && sep='&'
                    curl -fsS -o /dev/null "http://127.0.0.1:$PORT/api/sales/$ep${sep}from=$f&to=$to$q"
                done
            done
        done
    done
    cfg=$(mktemp)
    printf '[metrics]\nlisten = ""\n[advisor]\nstorage_budget = "1GB"\n' >"$cfg"
    "$BUILD_DIR/autopilotd" --config "$cfg" --once >&2 || echo "autopilotd --once failed" >&2
    rm -f "$cfg"
fi

mapfile -t ddls < <(psql -XAtc "SELECT replace(ddl, ' CONCURRENTLY', '') FROM autopilot.recommendations
                                WHERE kind = 'create_index' AND status IN ('pending', 'approved', 'applied', 'verified')")
mapfile -t names < <(psql -XAtc "SELECT quote_ident(schema_name) || '.' || quote_ident(index_name) FROM autopilot.recommendations
                                 WHERE kind = 'create_index' AND status IN ('pending', 'approved', 'applied', 'verified')")
echo "comparing with ${#ddls[@]} recommended index(es)"
for n in "${names[@]}"; do psql -XAtqc "DROP INDEX IF EXISTS $n"; done
psql -XAtc "SELECT id, ddl, status FROM autopilot.recommendations WHERE kind = 'create_index'" >&2

results=$(mktemp)
measure() {  # $1 variant
    for label in "${!endpoints[@]}"; do
        for _ in $(seq "$REQUESTS"); do
            t=$(curl -fsS -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT/api/${endpoints[$label]}")
            echo "$1 $label $t" >>"$results"
        done
    done
}
for r in $(seq "$REPS"); do
    for n in "${names[@]}"; do psql -XAtqc "DROP INDEX IF EXISTS $n"; done
    measure without
    for d in "${ddls[@]}"; do psql -XAtqc "$d"; done
    psql -XAtqc "ANALYZE"
    measure with
    echo "round $r of $REPS done" >&2
done

echo
printf '%-28s %10s %10s %10s %10s %8s\n' endpoint "p50 w/o" "p95 w/o" "p50 with" "p95 with" "ok<200"
awk '{print $2}' "$results" | sort -u | while read -r ep; do
    pct() { grep " $ep " <<<"$(grep "^$1 " "$results")" | awk '{print $3*1000}' | sort -n |
            awk -v p="$2" '{a[NR]=$1} END {i=int(NR*p+0.999); if(i<1)i=1; printf "%.1f", a[i]}'; }
    p95w=$(pct with 0.95)
    printf '%-28s %10s %10s %10s %10s %8s\n' "$ep" "$(pct without 0.5)" "$(pct without 0.95)" "$(pct with 0.5)" "$p95w" \
        "$(awk -v v="$p95w" 'BEGIN{print (v<200)?"yes":"NO"}')"
done
echo "(milliseconds; $REPS interleaved rounds x $REQUESTS requests per endpoint and variant)"
