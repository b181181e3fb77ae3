# Helpers for the autopilotd integration tests (sourced after lib.sh): a warehouse table owned by
# a role the daemon is a member of, a daemon started in the background and always stopped, and
# polling with a bounded timeout instead of fixed sleeps.
# shellcheck shell=bash

AUTOPILOTD=$BUILD_DIR/autopilotd
[ -x "$AUTOPILOTD" ] || fail "autopilotd not built: $AUTOPILOTD"
DAEMON_PID=""
DAEMON_LOG=""
WORK_DIR=$(mktemp -d "/tmp/autopilotd-it.XXXXXX")

stop_daemon() {
    if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
        kill -TERM "$DAEMON_PID" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$DAEMON_PID" 2>/dev/null || true
    fi
    DAEMON_PID=""
}
daemon_cleanup() {
    local rc=$?
    stop_daemon
    if [ "$rc" != 0 ] && [ -n "$DAEMON_LOG" ] && [ -f "$DAEMON_LOG" ]; then
        echo "---- daemon log ($DAEMON_LOG) ----" >&2
        tail -n 60 "$DAEMON_LOG" >&2
    fi
    rm -rf "$WORK_DIR"
}
trap daemon_cleanup EXIT

# Sets up the test database with schema wh owned by it_<name>_owner, granted to autopilot_daemon
# (how the daemon gets the right to build indexes: docs/decisions.md).
setup_warehouse() {
    local name=$1 owner="it_${1}_owner"
    use_test_database "$name"
    q -c "DO \$\$ BEGIN CREATE ROLE $owner; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END \$\$" \
      -c "GRANT $owner TO autopilot_daemon" \
      -c "CREATE SCHEMA wh AUTHORIZATION $owner" \
      -c "CREATE TABLE wh.orders (id int, customer int, note text)" \
      -c "ALTER TABLE wh.orders OWNER TO $owner" \
      -c "INSERT INTO wh.orders SELECT g, g % 500, md5(g::text) FROM generate_series(1, 20000) g"
}

# write_config FILE [TOML lines...]: a configuration for this test's database plus the given lines.
write_config() {
    local file=$1; shift
    {
        echo "[database]"
        echo "conninfo = \"host=$PGHOST port=$PGPORT dbname=$PGDATABASE user=autopilot_daemon\""
        echo "reconnect_backoff_max = \"1s\""
        # The capture ring is one per cluster and tests share the cluster: leave it to the capture
        # and advisor tests (which hold the capture_ring resource lock).
        echo "[advisor]"
        echo "collect_samples = false"
        printf '%s\n' "$@"
    } >"$file"
}

# start_daemon CONFIG [args]: runs autopilotd in the background, logging to $DAEMON_LOG.
start_daemon() {
    local config=$1; shift
    DAEMON_LOG=$WORK_DIR/autopilotd.$(date +%s%N).log
    "$AUTOPILOTD" --config "$config" "$@" >"$DAEMON_LOG" 2>&1 &
    DAEMON_PID=$!
    wait_for_log "autopilotd started" 20
}

# wait_for SQL EXPECTED [SECONDS]: polls until the query returns EXPECTED.
wait_for() {
    local sql=$1 expected=$2 timeout=${3:-30} got=""
    local deadline=$((SECONDS + timeout))
    while [ $SECONDS -lt $deadline ]; do
        got=$(q -c "$sql" 2>/dev/null || true)
        [ "$got" = "$expected" ] && return 0
        sleep 0.1
    done
    fail "timed out after ${timeout}s waiting for [$sql] = [$expected], last [$got]"
}

wait_for_log() {
    local pattern=$1 timeout=${2:-30}
    local deadline=$((SECONDS + timeout))
    while [ $SECONDS -lt $deadline ]; do
        grep -q -- "$pattern" "$DAEMON_LOG" 2>/dev/null && return 0
        if [ -n "$DAEMON_PID" ] && ! kill -0 "$DAEMON_PID" 2>/dev/null; then
            fail "autopilotd exited while waiting for \"$pattern\""
        fi
        sleep 0.1
    done
    fail "timed out after ${timeout}s waiting for \"$pattern\" in the daemon log"
}

# recommend TABLE COLS...: a pending recommendation, made as the daemon role would.
recommend() {
    local table=$1; shift
    local cols
    cols=$(printf "'%s'," "$@")
    q -c "SET ROLE autopilot_daemon" -c "SELECT autopilot.recommend('$table', ARRAY[${cols%,}])"
}

rec_status() { q -c "SELECT status FROM autopilot.recommendations WHERE id = $1"; }
index_of() { q -c "SELECT index_name FROM autopilot.recommendations WHERE id = $1"; }
# valid | invalid | missing
index_state() {
    q -c "SELECT coalesce((SELECT CASE WHEN i.indisvalid THEN 'valid' ELSE 'invalid' END
                            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                           WHERE c.relname = '$1'), 'missing')"
}
invalid_indexes() { q -c "SELECT count(*) FROM pg_index WHERE NOT indisvalid"; }

metrics_url() { grep -o 'http://127.0.0.1:[0-9]*/metrics' "$DAEMON_LOG" | head -n 1; }
# wait_for_metric NAME MIN [SECONDS]: polls the daemon's /metrics until the sample is >= MIN
# (counters may move past an exact value between two polls).
wait_for_metric() {
    local name=$1 min=$2 timeout=${3:-30} got=""
    local deadline=$((SECONDS + timeout))
    while [ $SECONDS -lt $deadline ]; do
        got=$(curl -fsS "$(metrics_url)" 2>/dev/null | awk -v n="$name" '$1 == n { print $2 }')
        if [ -n "$got" ] && awk -v g="$got" -v m="$min" 'BEGIN { exit !(g + 0 >= m + 0) }'; then
            return 0
        fi
        sleep 0.1
    done
    fail "timed out waiting for metric $name >= $min (last: ${got:-none})"
}

# start_blocker SQL: a session that runs SQL in an open transaction and stays open (as the
# application it_blocker) until end_blocker; returns once it is running.
BLOCKER_PID=""
start_blocker() {
    psql -X -q -c "SET application_name = 'it_blocker'" -c "BEGIN" -c "$1" -c "SELECT pg_sleep(300)" >/dev/null 2>&1 &
    BLOCKER_PID=$!
    wait_for "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'it_blocker' AND datname = current_database() AND state = 'active'" 1 20
}
end_blocker() {
    # This database's blocker only: tests run side by side on one cluster.
    q -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'it_blocker' AND datname = current_database()" >/dev/null || true
    wait "$BLOCKER_PID" 2>/dev/null || true
}
