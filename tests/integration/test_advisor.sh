#!/usr/bin/env bash
# The advisor end to end on a small hand-made schema (not the warehouse): after a workload,
# `autopilotd --once --dry-run` prints recommendations, `autopilotd --once` records them, each one
# builds, each affected statement's plan then uses the new index, and the workload's total
# estimated cost drops. Plans and costs are compared, never timings.
source "$(dirname "$0")/lib.sh"
DATA=$AUTOPILOT_ROOT/tests/integration/data
use_test_database advisor
# No metrics endpoint: a fixed port could be taken by another daemon on this machine.
CONFIG=$(mktemp /tmp/it-advisor.XXXXXX.toml)
trap 'rm -f "$CONFIG"' EXIT
printf '[metrics]\nlisten = ""\n' >"$CONFIG"

q -f "$DATA/advisor_schema.sql" >/dev/null
q -c "SELECT pg_stat_statements_reset()" >/dev/null
(echo "SET autopilot.sample_rate = 1;"; cat "$DATA/advisor_workload.sql") | q >/dev/null

# Total estimated cost of the workload's representative statements.
workload_cost() {
    local total=0 c
    while IFS= read -r stmt; do
        [ -n "$stmt" ] || continue
        c=$(q -c "EXPLAIN (FORMAT JSON) $stmt" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Plan"]["Total Cost"])')
        total=$(python3 -c "print($total + $c)")
    done <"$DATA/advisor_queries.sql"
    echo "$total"
}
before=$(workload_cost)

out=$("$BUILD_DIR/autopilotd" --config "$CONFIG" --once --dry-run 2>&1) || fail "dry run failed: $out"
grep -q "DDL: CREATE INDEX" <<<"$out" || fail "dry run printed no recommendation: $out"
grep -q "cache hits" <<<"$out" || fail "dry run printed no what-if statistics"
[ "$(q -c "SELECT count(*) FROM autopilot.recommendations")" = 0 ] || fail "dry run wrote recommendations"
pass "dry run prints recommendations and writes nothing"

out=$("$BUILD_DIR/autopilotd" --config "$CONFIG" --once 2>&1) || fail "cycle failed: $out"
n=$(q -c "SELECT count(*) FROM autopilot.recommendations WHERE kind = 'create_index' AND status = 'pending'")
[ "$n" -ge 2 ] || fail "expected at least 2 pending recommendations, got $n"
q -c "SELECT count(*) FROM autopilot.recommendations WHERE rationale IS NULL OR jsonb_array_length(affected_queries) = 0 OR estimated_bytes IS NULL" |
    grep -qx 0 || fail "a recommendation lacks rationale, affected statements or size"
pass "$n recommendations recorded with rationale, size and affected statements"

# A second cycle does not duplicate them, and leaves a hand-made recommendation alone (the advisor
# supersedes only its own stale advice).
manual=$(q -c "SELECT autopilot.recommend('shop.customers', ARRAY['signup'], rationale => 'by hand')")
"$BUILD_DIR/autopilotd" --config "$CONFIG" --once >/dev/null 2>&1 || fail "second cycle failed"
m=$(q -c "SELECT count(*) FROM autopilot.recommendations WHERE status = 'pending' AND origin = 'advisor'")
[ "$m" = "$n" ] || fail "second cycle changed the pending count from $n to $m"
pass "a second cycle does not duplicate recommendations"
got=$(q -c "SELECT status || ' ' || origin || ' ' || rationale FROM autopilot.recommendations WHERE id = $manual")
[ "$got" = "pending manual by hand" ] || fail "the advisor touched a hand-made recommendation: $got"
pass "a hand-made recommendation is neither refreshed nor superseded by the advisor"
q -c "SELECT autopilot.reject($manual, 'only there to be left alone')" >/dev/null

# Build each one (what apply would do) and check it is valid.
while IFS='|' read -r id ddl; do
    q -c "${ddl/CONCURRENTLY /}" >/dev/null || fail "recommendation $id does not build: $ddl"
done < <(q -F '|' -c "SELECT id, ddl FROM autopilot.recommendations WHERE status = 'pending' ORDER BY id")
q -c "ANALYZE shop.orders, shop.customers, shop.visits"
invalid=$(q -c "SELECT count(*) FROM pg_index i JOIN autopilot.recommendations r ON r.index_name = i.indexrelid::regclass::text OR i.indexrelid = to_regclass(quote_ident(r.schema_name) || '.' || quote_ident(r.index_name)) WHERE NOT i.indisvalid")
[ "$invalid" = 0 ] || fail "$invalid recommended indexes are invalid"
pass "every recommendation builds"

# Every recommended index is used by at least one workload statement's plan.
plans=""
while IFS= read -r stmt; do
    [ -n "$stmt" ] && plans+=$(q -c "EXPLAIN $stmt")$'\n'
done <"$DATA/advisor_queries.sql"
while IFS= read -r name; do
    # An index on a partitioned table shows in plans as its partitions' indexes.
    names=$(q -c "SELECT string_agg(c.relname, '|') FROM pg_class c
                   WHERE c.relname = '$name'
                      OR c.oid IN (SELECT relid FROM pg_partition_tree((SELECT oid FROM pg_class WHERE relname = '$name')))")
    grep -Eq "$names" <<<"$plans" || fail "no workload plan uses $name"
done < <(q -c "SELECT index_name FROM autopilot.recommendations WHERE status = 'pending'")
pass "each recommended index is used by a workload plan"
[ "$(q -c "SELECT count(*) FROM autopilot.recommendations WHERE status = 'pending' AND table_name = 'visits' AND columns[1] = 'customer_id'")" = 1 ] \
    || fail "no recommendation for the partitioned table shop.visits"
pass "the partitioned table gets its index"

after=$(workload_cost)
python3 -c "import sys; sys.exit(0 if $after < 0.5 * $before else 1)" ||
    fail "workload estimated cost did not drop enough: $before -> $after"
pass "workload estimated cost $before -> $after"
