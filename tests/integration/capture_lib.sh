# Helpers for the capture integration tests (sourced after lib.sh). Capture state is cluster-wide
# (one shared ring), so each capture test runs a private cluster of its own: other tests' statements
# and drains cannot disturb its counts, and it can set PGC_POSTMASTER settings like the ring's size.
# shellcheck shell=bash

# start_capture_cluster NAME [EXTRA_CONF]: starts build/it-capture-NAME and points PG* at it.
start_capture_cluster() {
    local name=$1 extra=${2:-}
    CAPTURE_HOME=$BUILD_DIR/it-capture-$name
    local p
    CAPTURE_PORT=""
    for p in $(seq 55400 55499); do
        exec {capture_lockfd}>"/tmp/autopilot-test-port-$p.lock"
        if flock -n "$capture_lockfd" && ! tcp_port_in_use "$p"; then CAPTURE_PORT=$p; break; fi
        exec {capture_lockfd}>&-
    done
    [ -n "$CAPTURE_PORT" ] || fail "no free port for a capture test cluster"
    capture_cluster() { AUTOPILOT_HOME=$CAPTURE_HOME AUTOPILOT_PORT=$CAPTURE_PORT "$AUTOPILOT_ROOT/scripts/pg-local.sh" "$@"; }
    capture_cluster destroy >/dev/null 2>&1 || true
    trap capture_finish EXIT
    AUTOPILOT_PGCONF=$'shared_buffers = 64MB\nfsync = off\nsynchronous_commit = off\n'"$extra" \
        capture_cluster start 2>/dev/null || fail "the capture test cluster did not start"
    eval "$(capture_cluster env)"
    export PGDATABASE=autopilot
    # The test's own sessions are never sampled; the workload under test sets its own rate.
    export PGOPTIONS="-c autopilot.sample_rate=0"
    q -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS autopilot CASCADE"
}

# capture_tmp VAR [-d]: a temporary file (directory with -d) in VAR, removed when the test exits.
capture_tmp_paths=()
capture_tmp() {
    local var=$1 path
    shift
    path=$(mktemp "$@")
    capture_tmp_paths+=("$path")
    printf -v "$var" '%s' "$path"
}

# On exit: fails the test when a backend of the private cluster crashed, then removes the cluster.
capture_finish() {
    local status=$?
    [ ${#capture_tmp_paths[@]} -eq 0 ] || rm -rf "${capture_tmp_paths[@]}"
    if grep -E "terminated by signal|was terminated" "$CAPTURE_HOME/postgresql.log" >&2 2>/dev/null; then
        echo "FAIL: a backend of the capture test cluster crashed" >&2
        status=1
    fi
    if [ "$status" != 0 ] && [ -f "$CAPTURE_HOME/postgresql.log" ]; then
        echo "---- last lines of the capture test cluster's log ----" >&2
        tail -n 15 "$CAPTURE_HOME/postgresql.log" >&2
    fi
    capture_cluster destroy >/dev/null 2>&1 || true
    exit "$status"
}

# status_value COLUMN: one column of autopilot.capture_status.
status_value() { q -c "SELECT $1 FROM autopilot.capture_status"; }
