#!/usr/bin/env bash
# bench/advisor: the index advisor against its peers on the warehouse, in one run, on a private
# cluster of its own. After a training workload (capture and pg_qualstats both sampling every
# statement), four index configurations are compared:
#   (a) primary keys only (the warehouse as shipped)
#   (b) our recommendations (`autopilotd --once --dry-run`, budget = the storage of (c))
#   (c) pg_qualstats' pg_qualstats_index_advisor() (Debian postgresql-15-pg-qualstats)
#   (d) one single-column B-tree on every column the workload filters with a constant (pg_qualstats)
# Each repetition builds every configuration in turn (interleaved a b c d a b c d ...) and runs the
# same seeded evaluation workload (another seed than the training one); the workload's time is the
# server's execution time summed over its statements (pg_stat_statements). Prints per configuration
# the median and spread of that time, index storage, the advisor's runtime, what-if calls and cache
# hit rate (ours), statements more than 10% slower than in (a) (medians over the repetitions, and
# at least 0.05 ms slower: below that is timer noise), then the ratios a/b, c/b and d/b.
#   bench/advisor/run.sh                          # SCALE=0.3 REPS=3
#   SCALE=0.3 REPS=3 TRAIN_QUERIES=1500 EVAL_QUERIES=800 BENCH_PORT=55596 bench/advisor/run.sh
# Run by hand, never by scripts/test.sh.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../../scripts/lib.sh"
cd "$AUTOPILOT_ROOT"

SCALE=${SCALE:-0.3}
REPS=${REPS:-3}
TRAIN_QUERIES=${TRAIN_QUERIES:-1500}
EVAL_QUERIES=${EVAL_QUERIES:-800}
build=${AUTOPILOT_BUILD_DIR:-$AUTOPILOT_ROOT/build}
ETL=$build/autopilot-etl
AUTOPILOTD=$build/autopilotd
export AUTOPILOT_ETL_SQL_DIR=${AUTOPILOT_ETL_SQL_DIR:-$AUTOPILOT_ROOT/etl/sql}

if ! dpkg -s postgresql-15-pg-qualstats >/dev/null 2>&1; then
    apt-get install -y -qq -o DPkg::Lock::Timeout=600 postgresql-15-pg-qualstats >/dev/null
    rm -f "$build/tmp_install/.complete"  # the private install copies the server's libraries again
fi
# BENCH_NO_SETUP=1: use the build directory as it is (e.g. a copy taken while the checkout rebuilds).
if [ -z "${BENCH_NO_SETUP:-}" ]; then
    "$AUTOPILOT_ROOT/scripts/setup.sh" >/dev/null
    PG_BINDIR=$(make_test_install "$build")
else
    PG_BINDIR=$build/tmp_install$(pg_config --bindir)
fi
export PG_BINDIR
export AUTOPILOT_HOME=$build/bench-advisor AUTOPILOT_PORT=${BENCH_PORT:-55596} AUTOPILOT_DB=bench_advisor
export AUTOPILOT_PGCONF="shared_preload_libraries = 'pg_stat_statements,autopilot,pg_qualstats'
pg_qualstats.sample_rate = 1
pg_qualstats.max = 10000
pg_stat_statements.max = 10000
shared_buffers = 512MB
fsync = off
synchronous_commit = off
full_page_writes = off
max_parallel_workers_per_gather = 0
jit = off"
cluster() { "$AUTOPILOT_ROOT/scripts/pg-local.sh" "$@"; }
cluster destroy >/dev/null 2>&1 || true
work=$(mktemp -d /tmp/bench-advisor.XXXXXX)
trap 'cluster destroy >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
cluster start >/dev/null
eval "$(cluster env)"
q() { psql -X -v ON_ERROR_STOP=1 -Atq "$@"; }
q -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS autopilot CASCADE" \
  -c "CREATE EXTENSION IF NOT EXISTS pg_qualstats"

log "generating the warehouse at scale $SCALE"
"$ETL" generate --scale "$SCALE" --seed 1 --quiet >/dev/null
"$ETL" run --quiet >/dev/null
q -c "VACUUM ANALYZE"
# The indexes the warehouse ships with (primary keys, constraints): configuration (a).
q -c "CREATE TABLE public.bench_baseline AS SELECT indexrelid AS oid FROM pg_index"

log "training workload: $TRAIN_QUERIES queries (capture and pg_qualstats sample every statement)"
q -c "SELECT pg_stat_statements_reset(), pg_qualstats_reset(), autopilot.capture_reset()" >/dev/null
PGOPTIONS="-c autopilot.sample_rate=1" "$ETL" workload --queries "$TRAIN_QUERIES" --clients 2 --seed 1 >"$work/train.out"

# ---- the configurations' DDL ---------------------------------------------------------------------
# (c) pg_qualstats' advisor, with its defaults.
start=$(date +%s.%N)
q -c "SELECT v FROM json_array_elements_text(pg_qualstats_index_advisor() -> 'indexes') v" >"$work/c.sql"
c_seconds=$(python3 -c "print(f'{$(date +%s.%N) - $start:.2f}')")
# Its output names an index once per scan it saw: on a partitioned table the same partition index
# may come several times. Build each distinct one once (duplicates would only add storage).
sed -i 's/$/;/' "$work/c.sql"
sort -u -o "$work/c.sql" "$work/c.sql"
# (d) every column filtered with a constant, on the partition root when the scan was on a partition.
q -c "SELECT DISTINCT format('CREATE INDEX ON %s (%I);', coalesce(pg_partition_root(q.lrelid), q.lrelid)::regclass, a.attname)
        FROM pg_qualstats() q
        JOIN pg_attribute a ON a.attrelid = q.lrelid AND a.attnum = q.lattnum
        JOIN pg_class c ON c.oid = q.lrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE q.lrelid IS NOT NULL AND q.rrelid IS NULL AND q.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'autopilot')
         AND NOT EXISTS (SELECT FROM pg_index i WHERE i.indrelid = coalesce(pg_partition_root(q.lrelid), q.lrelid)
                                                  AND i.indkey[0] = (SELECT attnum FROM pg_attribute
                                                                      WHERE attrelid = coalesce(pg_partition_root(q.lrelid), q.lrelid)
                                                                        AND attname = a.attname))" >"$work/d.sql"

# Builds a configuration from its DDL file after dropping every index the baseline does not have.
reset_indexes() {
    q -c "DO \$\$ DECLARE r record; BEGIN
            FOR r IN SELECT i.indexrelid::regclass AS idx FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                      WHERE i.indexrelid NOT IN (SELECT oid FROM public.bench_baseline)
                        AND NOT EXISTS (SELECT FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)
                        AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'autopilot'::regnamespace) LOOP
                EXECUTE format('DROP INDEX %s', r.idx);
            END LOOP; END \$\$"
}
index_bytes() {
    q -c "SELECT coalesce(sum(pg_relation_size(i.indexrelid)), 0) FROM pg_index i
           WHERE i.indexrelid NOT IN (SELECT oid FROM public.bench_baseline)
             AND i.indrelid NOT IN (SELECT oid FROM pg_class WHERE relnamespace = 'autopilot'::regnamespace)"
}
apply_config() {
    reset_indexes
    case $1 in
        a) ;;
        *) q -f "$work/$1.sql" >/dev/null ;;
    esac
}

# (b) ours, under the storage (c) takes. The dry run prints the DDL and records nothing.
apply_config c
c_bytes=$(index_bytes)
reset_indexes
budget=$c_bytes
[ "$budget" -gt 0 ] || budget=$((1 << 30))
printf '[metrics]\nlisten = ""\n[advisor]\nstorage_budget = %s\nmin_window = "24h"\n' "$budget" >"$work/autopilotd.toml"
"$AUTOPILOTD" --config "$work/autopilotd.toml" --once --dry-run >"$work/b.report" 2>"$work/b.log" \
    || { cat "$work/b.log" >&2; die "autopilotd --once --dry-run failed"; }
sed -n 's/^ *DDL: \(.*\)$/\1;/p' "$work/b.report" >"$work/b.sql"
stats_line=$(grep '^what-if:' "$work/b.report")
b_calls=$(sed -E 's/^what-if: ([0-9]+) calls \(\+([0-9]+).*/\1+\2/' <<<"$stats_line")
b_hits=$(sed -E 's/.* ([0-9.]+)% cache hits.*/\1/' <<<"$stats_line")
b_seconds=$(sed -E 's/.*advisor ([0-9.]+) s.*/\1/' <<<"$stats_line")
cat "$work/b.report" >&2

# ---- measurement ---------------------------------------------------------------------------------
: >"$work/totals" ; : >"$work/statements"
for rep in $(seq 1 "$REPS"); do
    for cfg in a b c d; do
        apply_config "$cfg"
        bytes=$(index_bytes)
        q -c "CHECKPOINT" -c "SELECT pg_stat_statements_reset()" >/dev/null
        "$ETL" workload --queries "$EVAL_QUERIES" --clients 1 --seed 2 >"$work/eval.out"
        q -F ' ' -c "SELECT queryid, calls, total_exec_time FROM pg_stat_statements
                      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                        AND toplevel AND query !~* 'pg_stat_statements'" \
            | sed "s/^/$cfg $rep /" >>"$work/statements"
        total=$(awk -v c="$cfg" -v r="$rep" '$1 == c && $2 == r { s += $5 } END { printf "%.1f", s }' "$work/statements")
        echo "$cfg $rep $total $bytes" >>"$work/totals"
        printf 'rep %d  (%s)  %10.1f ms  %8.1f MB of indexes\n' "$rep" "$cfg" "$total" "$(python3 -c "print($bytes / 1048576)")" >&2
    done
done
reset_indexes

python3 - "$work" "$c_seconds" "$b_seconds" "$b_calls" "$b_hits" <<'PY'
import collections, statistics, sys
work, c_seconds, b_seconds, b_calls, b_hits = sys.argv[1:]
totals = collections.defaultdict(list); storage = {}
for line in open(f"{work}/totals"):
    cfg, rep, total, nbytes = line.split()
    totals[cfg].append(float(total)); storage[cfg] = int(nbytes)
per = collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(f"{work}/statements"):
    cfg, rep, qid, calls, ms = line.split()
    per[cfg][qid].append(float(ms) / max(float(calls), 1))
med = {c: statistics.median(v) for c, v in totals.items()}
def slower(cfg):
    n = 0
    for qid, vals in per[cfg].items():
        base = per["a"].get(qid)
        if not base:
            continue
        x, a = statistics.median(vals), statistics.median(base)
        if x > 1.10 * a and x - a > 0.05:
            n += 1
    return n
names = {"a": "(a) primary keys only", "b": "(b) autopilot advisor", "c": "(c) pg_qualstats advisor",
         "d": "(d) one index per filtered column"}
advisor = {"a": "-", "b": f"{b_seconds} s", "c": f"{c_seconds} s", "d": "-"}
print(f"\n{'configuration':36} {'workload ms median [min-max]':>32} {'indexes':>10} {'advisor':>9} {'>10% slower':>11}")
for c in "abcd":
    v = totals[c]
    print(f"{names[c]:36} {med[c]:>12.0f} [{min(v):.0f}-{max(v):.0f}]{'':>3} {storage[c] / 1048576:>8.1f}MB {advisor[c]:>9} {slower(c):>11}")
print(f"\nours: what-if calls {b_calls} (search + drop advice), cache hits {b_hits}%")
print(f"a/b = {med['a'] / med['b']:.2f}   c/b = {med['c'] / med['b']:.2f}   d/b = {med['d'] / med['b']:.2f}")
best = min(med['c'], med['d'])
print(f"goal b <= 0.9 x best(c, d): b/best = {med['b'] / best:.2f}; storage b <= c: {storage['b'] <= storage['c']}")
PY
