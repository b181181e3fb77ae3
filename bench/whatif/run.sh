#!/usr/bin/env bash
# bench/whatif: the cost of one what-if against its baselines, measured in one run.
#   bench/whatif/run.sh [N calls per measurement] [rounds]
# Per round (server.sql), each as dynamic SQL in one backend, N calls each, interleaved:
# (a) autopilot.whatif(query, ARRAY[ddl])             hypothetical index + one plan + the JSON plan
# (b) EXPLAIN (FORMAT JSON) query                      the same query on a twin table with the index built
# (c) HypoPG: hypopg_create_index + EXPLAIN + hypopg_reset
# (d) autopilot.whatif_batch, 100 queries per call     per plan, no JSON plan (the advisor's form)
# Prints median [min-max] over the rounds of the backend's CPU time and wall time per call, the
# ratios a/b, a/c, d/b, then our and HypoPG's size estimates against pg_relation_size.
# CPU time (from /proc) is the primary figure: on a shared machine wall time mostly measures
# waiting for a CPU. In-backend loops leave out client round trips (HypoPG needs three per
# what-if, we need one), which favours HypoPG.
# Uses the server in PG* as a superuser (pg_read_file of /proc/self/stat), with hypopg installed
# (Debian: postgresql-15-hypopg); without PGHOST it starts the embedded cluster (scripts/pg-local.sh).
# Run by hand, not by scripts/test.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/lib.sh"
N=${1:-5000}
ROUNDS=${2:-5}
if [ -z "${PGHOST:-}" ]; then
    "$AUTOPILOT_ROOT/scripts/pg-local.sh" start >/dev/null
    eval "$("$AUTOPILOT_ROOT/scripts/pg-local.sh" env)"
fi
psql -X -q -v ON_ERROR_STOP=1 -f "$here/setup.sql"

out=$(mktemp)
trap 'rm -f "$out"' EXIT
PGOPTIONS="-c bw.n=200" psql -X -q -At -v ON_ERROR_STOP=1 -f "$here/server.sql" >/dev/null  # warm-up
for r in $(seq "$ROUNDS"); do
    PGOPTIONS="-c bw.n=$N" psql -X -q -At -v ON_ERROR_STOP=1 -f "$here/server.sql" | tee -a "$out" \
        | awk -v r="$r" '{ printf "%s%s %s/%s", (NR == 1 ? "round " r ": " : ", "), $1, $3, $2 } END { print " µs cpu/wall" }' >&2
done
stats() {  # median min max of column $2 for rows named $1
    awk -v w="$1" -v c="$2" '$1 == w { print $c }' "$out" | sort -g \
        | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
                                    printf "%.1f %.1f %.1f\n", m, v[1], v[NR] }'
}
echo "N=$N calls per measurement, $ROUNDS rounds; µs per call, median [min-max]:"
declare -A cpu wall
for what in whatif explain hypopg batch; do
    read -r cm cmin cmax < <(stats "$what" 3)
    read -r wm wmin wmax < <(stats "$what" 2)
    cpu[$what]=$cm wall[$what]=$wm
    printf '  %-8s cpu %7s [%s-%s]   wall %7s [%s-%s]\n' "$what" "$cm" "$cmin" "$cmax" "$wm" "$wmin" "$wmax"
done
for kind in cpu wall; do
    declare -n m=$kind
    awk -v k="$kind" -v a="${m[whatif]}" -v b="${m[explain]}" -v c="${m[hypopg]}" -v d="${m[batch]}" \
        'BEGIN { printf "  %-4s a/b = %.3f (goal <= 1.1)   a/c = %.3f (goal < 1)   d/b = %.3f\n", k, a / b, a / c, d / b }'
done

echo "size estimates against pg_relation_size:"
psql -X -q -At -v ON_ERROR_STOP=1 -f "$here/sizes.sql"
