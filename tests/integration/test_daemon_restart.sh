#!/usr/bin/env bash
# autopilotd survives a PostgreSQL restart mid-cycle: it reconnects with back-off and goes on
# applying approvals. Runs its own private cluster (restarting the shared one would disturb the
# other tests).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/daemon_lib.sh"

home=$BUILD_DIR/it-daemon-restart
port=$((PGPORT + 120))
pg_private() { AUTOPILOT_HOME=$home AUTOPILOT_PORT=$port "$AUTOPILOT_ROOT/scripts/pg-local.sh" "$@"; }
restart_cleanup() { stop_daemon; pg_private destroy >/dev/null 2>&1 || true; daemon_cleanup; }
trap restart_cleanup EXIT
pg_private destroy >/dev/null 2>&1 || true
pg_private start 2>/dev/null
eval "$(pg_private env)"
setup_warehouse daemon_restart
id=$(recommend wh.orders customer)

write_config "$WORK_DIR/d.toml" "[cycle]" 'interval = "1s"' "[metrics]" 'listen = "127.0.0.1:0"'
start_daemon "$WORK_DIR/d.toml"
wait_for_log "connected to database"
wait_for_metric autopilot_cycles_total 2

pg_private stop 2>/dev/null
wait_for_log "database unavailable" 30
pass "the daemon notices PostgreSQL going away"

pg_private start 2>/dev/null
deadline=$((SECONDS + 30))
until [ "$(grep -c "connected to database" "$DAEMON_LOG")" -ge 2 ]; do
    [ $SECONDS -lt $deadline ] || fail "the daemon did not reconnect"
    kill -0 "$DAEMON_PID" || fail "the daemon died"
    sleep 0.2
done
q -c "SELECT autopilot.approve($id)" >/dev/null
wait_for "SELECT status FROM autopilot.recommendations WHERE id = $id" applied 30
wait_for_metric autopilot_database_up 1
pass "after the restart the daemon reconnects and applies approvals"
stop_daemon

pg_private stop 2>/dev/null
rc=0
"$AUTOPILOTD" --config "$WORK_DIR/d.toml" --once >"$WORK_DIR/once.log" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "--once with PostgreSQL down: exit code $rc, expected 1"
grep -q "database unavailable" "$WORK_DIR/once.log" || fail "--once did not say the database is unavailable"
pass "--once with PostgreSQL down exits 1"
