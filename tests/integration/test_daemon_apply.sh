#!/usr/bin/env bash
# autopilotd applies what was approved, within moments of the NOTIFY, and nothing else: approve ->
# built, tagged and applied; reject -> never built; concurrent decisions -> one winner; revert ->
# dropped; metrics served on loopback; SIGTERM -> exit 0.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/daemon_lib.sh"
setup_warehouse daemon_apply

approved=$(recommend wh.orders customer)
rejected=$(recommend wh.orders note)
raced=$(recommend wh.orders id)

# A cycle interval of an hour: after the first cycle, only the NOTIFY can make the daemon build.
write_config "$WORK_DIR/d.toml" "[cycle]" 'interval = "1h"' "[metrics]" 'listen = "127.0.0.1:0"' \
    "[verify]" 'window = "1h"'
start_daemon "$WORK_DIR/d.toml"
wait_for_log "connected to database"
wait_for_metric autopilot_cycles_total 1

q -c "SELECT autopilot.reject($rejected, 'not needed')" >/dev/null
q -c "SELECT autopilot.approve($approved, 'integration test')" >/dev/null
wait_for "SELECT status FROM autopilot.recommendations WHERE id = $approved" applied 30
idx=$(index_of "$approved")
[ "$(index_state "$idx")" = valid ] || fail "index $idx is not valid"
[ "$(q -c "SELECT obj_description('wh.$idx'::regclass, 'pg_class')")" = "autopilot recommendation $approved" ] \
    || fail "index $idx is not tagged with its recommendation"
grep -q "notification autopilot_approved (recommendation $approved)" "$DAEMON_LOG" || fail "no NOTIFY seen"
pass "approve -> built, tagged and applied within seconds of the NOTIFY"

[ "$(index_state "$(index_of "$rejected")")" = missing ] || fail "a rejected recommendation was built"
[ "$(rec_status "$rejected")" = rejected ] || fail "rejected recommendation changed status"
pass "reject -> never built"

# Two administrators decide on one recommendation at the same moment: exactly one wins.
q -c "BEGIN" -c "SELECT autopilot.reject($raced, 'first')" -c "SELECT pg_sleep(1)" -c "COMMIT" >/dev/null &
first=$!
sleep 0.3
second_out=$(q -c "SELECT autopilot.approve($raced)" 2>&1) && fail "both decisions won: $second_out"
wait "$first" || fail "the first decision failed"
grep -q "its status is \"rejected\"" <<<"$second_out" || fail "the loser's error does not name the status: $second_out"
[ "$(rec_status "$raced")" = rejected ] || fail "race ended in $(rec_status "$raced")"
[ "$(q -c "SELECT count(*) FROM autopilot.recommendation_events WHERE recommendation_id = $raced AND from_status = 'pending'")" = 1 ] \
    || fail "more than one decision recorded"
pass "concurrent reject/approve of one recommendation: exactly one winner"

metrics=$(curl -fsS "$(metrics_url)") || fail "metrics endpoint unreachable"
grep -q '^autopilot_builds_total{result="ok"} 1$' <<<"$metrics" || fail "builds metric missing: $metrics"
grep -q '^autopilot_recommendations{status="applied"} 1$' <<<"$metrics" || fail "status gauge missing"
grep -q '^autopilot_cycles_total [1-9]' <<<"$metrics" || fail "cycles metric missing"
grep -q '^autopilot_database_up 1$' <<<"$metrics" || fail "database_up missing"
pass "metrics served on loopback in Prometheus text format"

# SIGHUP reloads the configuration; a broken file is refused and the previous one kept.
printf '[verify\n' >"$WORK_DIR/d.toml"
kill -HUP "$DAEMON_PID"
wait_for_log "reload failed, keeping the previous configuration" 10
write_config "$WORK_DIR/d.toml" "[cycle]" 'interval = "1h"' "[metrics]" 'listen = "127.0.0.1:0"' \
    "[verify]" 'window = "1h"' "[log]" 'level = "debug"'
kill -HUP "$DAEMON_PID"
wait_for_log "reloaded the configuration" 10
kill -0 "$DAEMON_PID" || fail "the daemon died on SIGHUP"
pass "SIGHUP reloads the configuration and refuses a broken one"

q -c "SELECT autopilot.revert($approved)" >/dev/null
wait_for "SELECT status FROM autopilot.recommendations WHERE id = $approved" reverted 30
[ "$(index_state "$idx")" = missing ] || fail "revert did not drop $idx"
pass "admin revert -> index dropped, status reverted"

kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID"; rc=$?
DAEMON_PID=""
[ "$rc" = 0 ] || fail "SIGTERM exit code $rc"
grep -q "autopilotd stopped" "$DAEMON_LOG" || fail "no clean stop logged"
pass "SIGTERM stops cleanly with exit code 0"
