#!/usr/bin/env bash
# bench/web: p50/p95 latency of the dashboard's API endpoints on the warehouse, without and with
# Autopilot's recommended indexes, interleaved in one run (REPS rounds of: drop the indexes, measure;
# build them, measure). The indexes are what the advisor recommends for the current workload
# (autopilotd --once --dry-run), built directly for the measurement and dropped at the end.
#   SCALE=1 REPS=3 REQUESTS=40 bench/web/run.sh        (needs a warehouse at that scale; see below)
# Goal: every endpoint's p95 < 200 ms with the recommendations.
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
psql -X -q -f web/sql/web_role.sql

# The indexes to compare: the advisor's pending create_index recommendations (run a workload and
# autopilotd --once first to have them), or INDEXES_SQL given by hand.
mapfile -t ddls < <(psql -XAtc "SELECT replace(ddl, ' CONCURRENTLY', '') FROM autopilot.recommendations
                                WHERE kind = 'create_index' AND status IN ('pending', 'approved', 'applied', 'verified')")
mapfile -t names < <(psql -XAtc "SELECT quote_ident(schema_name) || '.' || quote_ident(index_name) FROM autopilot.recommendations
                                 WHERE kind = 'create_index' AND status IN ('pending', 'approved', 'applied', 'verified')")
echo "comparing with ${#ddls[@]} recommended index(es)"

"$BUILD_DIR/autopilot-web" --port "$PORT" --conninfo "user=autopilot_web" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; for n in "${names[@]}"; do psql -XAtqc "DROP INDEX IF EXISTS $n"; done' EXIT
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$PORT/api/health" >/dev/null 2>&1 && break; sleep 0.1; done

to=$(curl -fsS "http://127.0.0.1:$PORT/api/filters" | jq -r .max_date)
from=$(date -d "$to - 89 days" +%F)
brand=$(curl -fsS "http://127.0.0.1:$PORT/api/filters" | jq -r '.brands[0] | @uri')
endpoints=("sales/kpis?from=$from&to=$to" "sales/kpis?from=$from&to=$to&brand=$brand" "sales/trend?from=$from&to=$to"
           "sales/top?by=sku&from=$from&to=$to" "sales/top?by=brand&from=$from&to=$to" "sales/map?from=$from&to=$to"
           "filters" "recommendations" "optimizer/statements" "anomalies?from=$from&to=$to" "segments")
results=$(mktemp)
measure() {  # $1 variant
    for ep in "${endpoints[@]}"; do
        for _ in $(seq "$REQUESTS"); do
            t=$(curl -fsS -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT/api/$ep")
            echo "$1 ${ep%%\?*}$( [[ $ep == *brand=* ]] && echo '+brand') $t" >>"$results"
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
