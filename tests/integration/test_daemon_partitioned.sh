#!/usr/bin/env bash
# An index recommended on a partitioned table is built without blocking writes, the PostgreSQL 15
# way (CREATE INDEX ... ON ONLY the table, CREATE INDEX CONCURRENTLY on each leaf, ATTACH): the
# stored DDL is the plain statement it equals; a build that fails half-way leaves no INVALID and no
# unattached index behind; approved again it completes, with every leaf's index attached and the
# table's index valid and tagged; revert drops the whole tree.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/daemon_lib.sh"
setup_warehouse daemon_partitioned
owner=it_daemon_partitioned_owner
q -c "CREATE TABLE wh.events (day date NOT NULL, session_id int, kind text) PARTITION BY RANGE (day)" \
  -c "CREATE TABLE wh.events_q1 PARTITION OF wh.events FOR VALUES FROM ('2024-01-01') TO ('2024-04-01')" \
  -c "CREATE TABLE wh.events_q2 PARTITION OF wh.events FOR VALUES FROM ('2024-04-01') TO ('2024-07-01')" \
  -c "CREATE TABLE wh.events_h2 PARTITION OF wh.events FOR VALUES FROM ('2024-07-01') TO ('2025-01-01') PARTITION BY RANGE (day)" \
  -c "CREATE TABLE wh.events_q3 PARTITION OF wh.events_h2 FOR VALUES FROM ('2024-07-01') TO ('2024-10-01')" \
  -c "CREATE TABLE wh.events_q4 PARTITION OF wh.events_h2 FOR VALUES FROM ('2024-10-01') TO ('2025-01-01')" \
  -c "INSERT INTO wh.events SELECT date '2024-01-01' + g % 366, g % 3000, 'view' FROM generate_series(1, 30000) g" \
  -c "DO \$\$ DECLARE t text; BEGIN FOR t IN SELECT relid::text FROM pg_partition_tree('wh.events') LOOP
        EXECUTE format('ALTER TABLE %s OWNER TO $owner', t); END LOOP; END \$\$" \
  -c "ANALYZE wh.events"
id=$(recommend wh.events session_id)
idx=$(index_of "$id")
ddl=$(q -c "SELECT ddl FROM autopilot.recommendations WHERE id = $id")
[ "$ddl" = "CREATE INDEX $idx ON wh.events USING btree (session_id)" ] || fail "unexpected DDL: $ddl"
steps=$(q -c "SET ROLE autopilot_daemon" -c "SELECT string_agg(ddl || coalesce(' / ' || attach, ''), E'\n' ORDER BY step) FROM autopilot.build_steps($id)")
[ "$(wc -l <<<"$steps")" = 6 ] || fail "expected 6 build steps (table, 2 leaves, a sub-partitioned partition, 2 leaves):
$steps"
grep -q "^CREATE INDEX $idx ON ONLY wh.events USING btree (session_id)$" <<<"$steps" || fail "no ON ONLY step: $steps"
grep -q "^CREATE INDEX CONCURRENTLY autopilot_events_q1_session_id_[0-9a-f]* ON wh.events_q1 .* / ALTER INDEX wh.$idx ATTACH PARTITION wh.autopilot_events_q1_session_id_" <<<"$steps" \
    || fail "no concurrent leaf build attached to the table's index: $steps"
grep -q "^CREATE INDEX autopilot_events_h2_session_id_[0-9a-f]* ON ONLY wh.events_h2 " <<<"$steps" \
    || fail "the sub-partitioned partition is not indexed ON ONLY: $steps"
pass "a recommendation on a partitioned table: plain DDL, built ON ONLY + CONCURRENTLY per leaf + ATTACH"

# Half-way failure: a transaction that wrote to one leaf (not through the table) stays open, so
# the first concurrent leaf build waits for it and hits lock_timeout after the table's index exists.
start_blocker "INSERT INTO wh.events_q4 VALUES ('2024-12-31', 1, 'x')"
write_config "$WORK_DIR/d.toml" "[cycle]" 'interval = "1s"' "[metrics]" 'listen = ""' \
    "[apply]" 'lock_timeout = "300ms"' 'max_attempts = 1'
start_daemon "$WORK_DIR/d.toml"
q -c "SELECT autopilot.approve($id)" >/dev/null
wait_for "SELECT status FROM autopilot.recommendations WHERE id = $id" failed 60
end_blocker
ours="SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'wh' AND c.relname LIKE 'autopilot_events%' AND c.relkind IN ('i', 'I')"
wait_for "$ours" 0 30
[ "$(invalid_indexes)" = 0 ] || fail "an INVALID index is left"
pass "a partitioned build failing half-way leaves no index behind (INVALID or unattached)"

q -c "SELECT autopilot.approve($id, 'blocker gone')" >/dev/null
wait_for "SELECT status FROM autopilot.recommendations WHERE id = $id" applied 60
[ "$(index_state "$idx")" = valid ] || fail "the table's index is not valid"
[ "$(q -c "SELECT c.relkind FROM pg_class c WHERE c.relname = '$idx'")" = I ] || fail "$idx is not a partitioned index"
[ "$(q -c "SELECT count(*) FROM pg_partition_tree('wh.$idx') WHERE isleaf")" = 4 ] || fail "not every leaf has an attached index"
[ "$(q -c "SELECT count(*) FROM pg_partition_tree('wh.$idx') t JOIN pg_index i ON i.indexrelid = t.relid WHERE NOT i.indisvalid")" = 0 ] \
    || fail "an attached index is invalid"
[ "$(q -c "SELECT obj_description('wh.$idx'::regclass, 'pg_class')")" = "autopilot recommendation $id" ] \
    || fail "$idx is not tagged with its recommendation"
plan=$(q -c "SET enable_seqscan = off" -c "EXPLAIN (COSTS OFF) SELECT * FROM wh.events WHERE session_id = 7")
grep -q "autopilot_events_q3_session_id" <<<"$plan" || fail "the plan does not use the partitions' indexes: $plan"
pass "approved again: built on every leaf, attached, valid, tagged, used by the planner"

q -c "SELECT autopilot.revert($id)" >/dev/null
wait_for "SELECT status FROM autopilot.recommendations WHERE id = $id" reverted 30
[ "$(q -c "$ours")" = 0 ] || fail "revert left partition indexes behind"
pass "revert drops the index of the table and of every partition"
