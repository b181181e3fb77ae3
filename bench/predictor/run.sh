#!/usr/bin/env bash
# bench/predictor: the latency model vs the optimizer-cost baseline, on a private cluster.
#   bench/predictor/run.sh [OUTDIR [RECIPE OPTIONS...]]   (default /tmp/autopilot-bench-predictor)
# Starts its own cluster (AUTOPILOT_HOME=$OUTDIR/pg, port $AUTOPILOT_PORT or 54391), loads
# schema.sql, collects 3600 samples under three index configurations, evaluates both held-out
# splits over 3 seeds and leave-templates-out over 5 folds, and measures decision accuracy on
# (statement, candidate index) pairs run for real. RECIPE OPTIONS (e.g. --members 1) go to
# evaluate and decide.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-/tmp/autopilot-bench-predictor}
shift || true
export AUTOPILOT_HOME=$out/pg AUTOPILOT_PORT=${AUTOPILOT_PORT:-54391}
mkdir -p "$out"
"$root/scripts/pg-local.sh" start
eval "$("$root/scripts/pg-local.sh" env)"
trap '"$root/scripts/pg-local.sh" stop' EXIT
psql -X -q -v ON_ERROR_STOP=1 -f "$root/bench/predictor/schema.sql" >/dev/null
cmake --build "$root/build" --target bench_predictor -j2 >/dev/null
bench="$root/build/bench_predictor"
"$bench" collect --out "$out/data" --samples 3600 --seed 11
"$bench" evaluate --from "$out/data" --reps 3 --folds 5 "$@" | tee "$out/evaluate.txt"
"$bench" decide --from "$out/data" --per-candidate 3 --folds 5 --seed 23 "$@" | tee "$out/decide.txt"
