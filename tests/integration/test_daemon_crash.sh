#!/usr/bin/env bash
# Crash safety: SIGKILL in the middle of a build, then a restart reconciles (the orphaned build is
# cancelled by the server, its INVALID index dropped, the row retried and built). SIGTERM in the
# middle of a build cancels it and leaves no INVALID or untagged index.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/daemon_lib.sh"
setup_warehouse daemon_crash

# Hold the build deterministically: an open transaction that wrote to the table makes CREATE INDEX
# CONCURRENTLY wait (its INVALID index already exists) until the transaction ends.
hold_builds() {
    psql -X -q -c "SET application_name = 'it_holder'" -c "BEGIN" -c "INSERT INTO wh.orders VALUES (0, 0, 'x')" \
         -c "SELECT pg_sleep(300)" >/dev/null 2>&1 &
    holder=$!
    wait_for "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'it_holder' AND state = 'active'" 1 20
}
release_builds() {
    q -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'it_holder'" >/dev/null
    wait "$holder" 2>/dev/null || true
}
build_waiting() {
    wait_for "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'autopilotd build $id' AND wait_event_type = 'Lock'" 1 30
    [ "$(index_state "$idx")" = invalid ] || fail "expected the build's INVALID index while it waits"
}

write_config "$WORK_DIR/d.toml" "[cycle]" 'interval = "1s"' "[metrics]" 'listen = ""' "[apply]" 'lock_timeout = "5min"'

# ---- SIGTERM mid-build --------------------------------------------------------------------------
id=$(recommend wh.orders customer)
idx=$(index_of "$id")
hold_builds
start_daemon "$WORK_DIR/d.toml"
q -c "SELECT autopilot.approve($id)" >/dev/null
build_waiting
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID"; rc=$?
DAEMON_PID=""
[ "$rc" = 0 ] || fail "SIGTERM mid-build: exit code $rc"
release_builds
[ "$(rec_status "$id")" = approved ] || fail "after SIGTERM mid-build the status is $(rec_status "$id"), not approved"
# The drop of the INVALID index waited for the holder (lock_timeout 5min) or was left to
# reconcile; either way no untagged valid index exists.
[ "$(index_state "$idx")" != valid ] || fail "SIGTERM left a valid untagged index"
pass "SIGTERM mid-build cancels the build and puts the recommendation back to approved"
# The INVALID index the cancelled build left (its drop could not wait for the holder) goes at the
# next start, and the recommendation is built.
start_daemon "$WORK_DIR/d.toml"
wait_for "SELECT status FROM autopilot.recommendations WHERE id = $id" applied 60
[ "$(invalid_indexes)" = 0 ] || fail "an INVALID index is left after the restart"
stop_daemon
pass "after SIGTERM mid-build, the restart cleans up and builds"

# ---- SIGKILL mid-build --------------------------------------------------------------------------
id=$(recommend wh.orders note)
idx=$(index_of "$id")
hold_builds
start_daemon "$WORK_DIR/d.toml"
q -c "SELECT autopilot.approve($id)" >/dev/null
build_waiting
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null || true
DAEMON_PID=""
[ "$(rec_status "$id")" = applying ] || fail "after SIGKILL the status is $(rec_status "$id")"
# The server notices the dead client (client_connection_check_interval) and cancels the build.
wait_for "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'autopilotd build $id'" 0 30
release_builds
start_daemon "$WORK_DIR/d.toml"
wait_for "SELECT status FROM autopilot.recommendations WHERE id = $id" applied 60
grep -q "reconcile: recommendation $id" "$DAEMON_LOG" || fail "no reconcile logged"
[ "$(index_state "$idx")" = valid ] || fail "index not valid after reconcile"
[ "$(q -c "SELECT obj_description('wh.$idx'::regclass, 'pg_class')")" = "autopilot recommendation $id" ] || fail "index untagged"
[ "$(invalid_indexes)" = 0 ] || fail "an INVALID index is left"
q -c "SELECT from_status || '>' || to_status FROM autopilot.recommendation_events WHERE recommendation_id = $id ORDER BY id" \
    | tr '\n' ' ' | grep -q "applying>approved approved>applying applying>applied" || fail "reconcile did not retry the build"
pass "SIGKILL mid-build, then restart: reconcile drops the INVALID index, retries, and the index is built"
