#!/usr/bin/env bash
# bench/whatif: the cost of one what-if, against its baselines, measured in one run.
#   bench/whatif/run.sh [N calls per measurement] [rounds]
# (a) autopilot.whatif(query, ARRAY[ddl])           one call: hypothetical index + plan + JSON plan
# (b) EXPLAIN (FORMAT JSON) query                    the same query on a twin table with the index built
# (c) HypoPG: hypopg_create_index + EXPLAIN + hypopg_reset, three round trips
# (d) autopilot.whatif_batch, 100 queries per call (time per plan, without JSON plans)
# Rounds interleave a, b, c, d; prints median and spread (min-max) of the mean latency per call,
# the ratios a/b, a/c, d/b, then the size estimates of ours and HypoPG's against pg_relation_size.
# Uses the server in PG* (it needs hypopg: Debian's postgresql-15-hypopg); without PGHOST it starts
# the embedded cluster (scripts/pg-local.sh). Run by hand, not by scripts/test.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/lib.sh"
N=${1:-2000}
ROUNDS=${2:-5}
if [ -z "${PGHOST:-}" ]; then
    "$AUTOPILOT_ROOT/scripts/pg-local.sh" start >/dev/null
    eval "$("$AUTOPILOT_ROOT/scripts/pg-local.sh" env)"
fi
PGBENCH=${PGBENCH:-$(command -v pgbench || echo "$PG_BINDIR/pgbench")}
psql -X -q -v ON_ERROR_STOP=1 -f "$here/setup.sql"

# Mean latency (ms) of one pgbench run of `script`, N transactions on one connection.
latency() {
    "$PGBENCH" -n -c 1 -t "$1" -M simple -f "$here/$2" 2>&1 | sed -n 's/^latency average = \([0-9.]*\) ms$/\1/p'
}
stats() {  # median and spread of the numbers on stdin
    sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
                                        printf "%.4f %.4f %.4f\n", m, v[1], v[NR] }'
}

a=() b=() c=() d=()
latency 200 whatif.pgbench >/dev/null; latency 200 explain.pgbench >/dev/null; latency 200 hypopg.pgbench >/dev/null  # warm-up
for r in $(seq "$ROUNDS"); do
    a+=("$(latency "$N" whatif.pgbench)")
    b+=("$(latency "$N" explain.pgbench)")
    c+=("$(latency "$N" hypopg.pgbench)")
    d+=("$(awk -v x="$(latency $((N / 100 > 1 ? N / 100 : 1)) batch.pgbench)" 'BEGIN { printf "%.5f", x / 100 }')")
    log "round $r: whatif ${a[-1]} ms, EXPLAIN ${b[-1]} ms, HypoPG ${c[-1]} ms, batch ${d[-1]} ms per plan"
done
read -r am amin amax < <(printf '%s\n' "${a[@]}" | stats)
read -r bm bmin bmax < <(printf '%s\n' "${b[@]}" | stats)
read -r cm cmin cmax < <(printf '%s\n' "${c[@]}" | stats)
read -r dm dmin dmax < <(printf '%s\n' "${d[@]}" | stats)
echo "N=$N per measurement, $ROUNDS rounds; mean latency per call, median [min-max]:"
printf '  (a) whatif             %8.4f ms [%s-%s]\n' "$am" "$amin" "$amax"
printf '  (b) EXPLAIN            %8.4f ms [%s-%s]\n' "$bm" "$bmin" "$bmax"
printf '  (c) HypoPG round trip  %8.4f ms [%s-%s]\n' "$cm" "$cmin" "$cmax"
printf '  (d) whatif_batch/plan  %8.4f ms [%s-%s]\n' "$dm" "$dmin" "$dmax"
awk -v a="$am" -v b="$bm" -v c="$cm" -v d="$dm" \
    'BEGIN { printf "  a/b = %.3f (goal <= 1.1)   a/c = %.3f (goal < 1)   d/b = %.3f\n", a / b, a / c, d / b }'

echo "size estimates against pg_relation_size (same shapes as tests/integration/test_hypo_size.sh):"
psql -X -q -At -v ON_ERROR_STOP=1 -f "$here/sizes.sql"
