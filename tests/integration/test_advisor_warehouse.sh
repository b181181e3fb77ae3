#!/usr/bin/env bash
# The advisor on the warehouse at a small scale with its BI workload: `autopilotd --once` records
# recommendations, each one builds (valid), and the same seeded workload afterwards costs less and
# reads fewer buffers. Asserted on optimizer costs and on blocks touched (pg_stat_statements), which
# do not depend on the machine's load; the workload's server time is printed, never asserted.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/etl_lib.sh"
use_test_database advisor_warehouse
WORK=$(mktemp -d /tmp/it-advisor-warehouse.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
printf '[metrics]\nlisten = ""\n' >"$WORK/autopilotd.toml"

"$ETL" generate --scale 0.02 --seed 3 --quiet >/dev/null
"$ETL" run --quiet >/dev/null

# Runs the seeded workload on a clean pg_stat_statements; prints "blocks exec_ms" of its statements.
run_workload() {
    q -c "SELECT pg_stat_statements_reset()" >/dev/null
    PGOPTIONS="-c autopilot.sample_rate=1" "$ETL" workload --queries 300 --clients 1 --seed 5 >"$WORK/workload.out" \
        || fail "workload failed: $(cat "$WORK/workload.out")"
    q -F ' ' -c "SELECT sum(shared_blks_hit + shared_blks_read + local_blks_hit + local_blks_read),
                        round(sum(total_exec_time)::numeric, 1)
                   FROM pg_stat_statements
                  WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                    AND query !~* 'pg_stat_statements'"
}
# The optimizer's total cost of one captured real text per statement of the workload.
workload_cost() {
    q -c "SELECT round(sum(it_cost(query))::numeric, 1)
            FROM (SELECT DISTINCT ON (queryid) query FROM autopilot.samples
                   WHERE status = 'ok' AND nested_level = 0 AND query !~ '\\\$[0-9]'
                     AND query ~* '^\\s*(WITH|SELECT)' AND query ~ '(silver|gold)\\.'
                   ORDER BY queryid, captured_at DESC) s"
}
q -c "CREATE FUNCTION public.it_cost(q text) RETURNS float8 LANGUAGE plpgsql AS \$\$
      DECLARE p json; BEGIN EXECUTE 'EXPLAIN (FORMAT JSON) ' || q INTO p; RETURN (p->0->'Plan'->>'Total Cost')::float8; END \$\$"

read -r blocks_before ms_before < <(run_workload)
out=$("$BUILD_DIR/autopilotd" --config "$WORK/autopilotd.toml" --once 2>&1) || fail "cycle failed: $out"
n=$(q -c "SELECT count(*) FROM autopilot.recommendations WHERE status = 'pending' AND origin = 'advisor'")
[ "$n" -ge 2 ] || fail "expected at least 2 recommendations on the warehouse, got $n: $out"
q -c "SELECT count(*) FROM autopilot.recommendations
       WHERE rationale IS NULL OR estimated_bytes IS NULL OR jsonb_array_length(affected_queries) = 0" |
    grep -qx 0 || fail "a recommendation lacks rationale, size or affected statements"
pass "$n recommendations on the warehouse: $(q -c "SELECT string_agg(format('%s.%s(%s)', schema_name, table_name,
                                                   array_to_string(columns, ',')), ' ' ORDER BY id)
                                              FROM autopilot.recommendations WHERE status = 'pending'")"

cost_before=$(workload_cost)
[ -n "$cost_before" ] || fail "no captured statement to cost"
while IFS='|' read -r id ddl; do
    q -c "$ddl" >/dev/null || fail "recommendation $id does not build: $ddl"
done < <(q -F '|' -c "SELECT id, ddl FROM autopilot.recommendations WHERE status = 'pending' ORDER BY id")
invalid=$(q -c "SELECT count(*) FROM autopilot.recommendations r
                  JOIN pg_class c ON c.relname = r.index_name JOIN pg_index i ON i.indexrelid = c.oid
                 WHERE r.status = 'pending' AND NOT i.indisvalid")
built=$(q -c "SELECT count(*) FROM autopilot.recommendations r JOIN pg_class c ON c.relname = r.index_name
               WHERE r.status = 'pending'")
[ "$invalid" = 0 ] && [ "$built" = "$n" ] || fail "$built of $n indexes built, $invalid invalid"
q -c "ANALYZE"
pass "every recommendation builds (CREATE INDEX CONCURRENTLY, valid)"

cost_after=$(workload_cost)
python3 -c "import sys; sys.exit(0 if $cost_after < 0.9 * $cost_before else 1)" ||
    fail "the workload's estimated cost did not drop by 10%: $cost_before -> $cost_after"
pass "the workload's estimated cost $cost_before -> $cost_after"

read -r blocks_after ms_after < <(run_workload)
python3 -c "import sys; sys.exit(0 if $blocks_after < 0.9 * $blocks_before else 1)" ||
    fail "the workload did not read 10% fewer buffers: $blocks_before -> $blocks_after"
pass "the same workload reads $blocks_before -> $blocks_after buffers (server time $ms_before -> $ms_after ms)"
