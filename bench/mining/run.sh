#!/usr/bin/env bash
# bench/mining: the mining jobs' quality against the generator's ground truth, each metric beside
# its baseline measured in the same run (forecast vs seasonal naive, anomalies vs a global z-score,
# segments vs RFM tertile rules, authenticity vs a price-only rule). REPS generations with seeds
# 1..REPS at SCALE; prints every repetition, then median and spread (min..max) per metric.
#   bench/mining/run.sh            # SCALE=0.3 REPS=3
# Needs a running cluster (PG* environment, e.g. eval "$(scripts/pg-local.sh env)").
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
SCALE=${SCALE:-0.3}
REPS=${REPS:-3}
ETL=${ETL:-$AUTOPILOT_ROOT/build/autopilot-etl}
DB=${BENCH_DB:-bench_mining}
export AUTOPILOT_MODELS_DIR=${AUTOPILOT_MODELS_DIR:-$(mktemp -d)}
results=$(mktemp)
for seed in $(seq 1 "$REPS"); do
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
    export PGDATABASE=$DB
    log "seed $seed: generate --scale $SCALE, run, mine all"
    "$ETL" generate --scale "$SCALE" --seed "$seed" >/dev/null
    "$ETL" run >/dev/null
    start=$(date +%s)
    "$ETL" mine all --seed "$seed" >&2
    log "seed $seed: mining took $(( $(date +%s) - start )) s"
    psql -X -q -f "$AUTOPILOT_ROOT/bench/mining/evaluate.sql" | sed "s/^/$seed /" | tee -a "$results" >&2
done
printf '\n%-38s %22s %22s\n' "metric (scale $SCALE, $REPS seeds)" "model median [min..max]" "baseline median [min..max]"
awk '
    { m[$2] = m[$2] " " $3; b[$2] = b[$2] " " $4; if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 } }
    function stats(s,   a, k, i, j, t) {
        k = split(s, a, " ")
        if (a[1] == "n/a") return "n/a"
        for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
        return sprintf("%s [%s..%s]", (k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2), a[1], a[k])
    }
    END { for (i = 1; i <= n; i++) printf "%-38s %22s %22s\n", order[i], stats(m[order[i]]), stats(b[order[i]]) }
' "$results"
rm -f "$results"
