#!/usr/bin/env bash
# scripts/pg-local.sh: start twice is harmless, stop when stopped is harmless, a busy port is named.
source "$(dirname "$0")/lib.sh"

home=$BUILD_DIR/it-pg-local
port=$((PGPORT + 100))
pg_local() { AUTOPILOT_HOME=$home AUTOPILOT_PORT=$port "$AUTOPILOT_ROOT/scripts/pg-local.sh" "$@"; }
trap 'pg_local destroy >/dev/null 2>&1 || true; AUTOPILOT_HOME=$home-2 AUTOPILOT_PORT=$port "$AUTOPILOT_ROOT/scripts/pg-local.sh" destroy >/dev/null 2>&1 || true' EXIT
pg_local destroy >/dev/null 2>&1 || true

AUTOPILOT_LISTEN=127.0.0.1 pg_local start
pg_local start 2>&1 | grep -q "already running" || fail "second start did not say already running"
pass "start twice is harmless"

[ "$(pg_local psql -XAtc 'SHOW shared_preload_libraries')" = "pg_stat_statements,autopilot" ] || fail "preload not set"
[ "$(pg_local psql -XAtc 'SHOW compute_query_id')" = "on" ] || fail "compute_query_id not on"
pg_local psql -XAtqc "CREATE EXTENSION autopilot CASCADE" 
[ -n "$(pg_local psql -XAtc 'SELECT autopilot.version()')" ] || fail "extension not usable"
pass "cluster has the preload and the extension works"

# Another cluster on the same port must refuse with a clear message.
out=$(AUTOPILOT_HOME=$home-2 AUTOPILOT_PORT=$port "$AUTOPILOT_ROOT/scripts/pg-local.sh" start 2>&1) && fail "start on a busy port succeeded"
grep -q "port $port is already in use" <<<"$out" || fail "busy port message unclear: $out"
pass "a busy port is refused with a clear message"

pg_local stop
pg_local stop 2>&1 | grep -q "not running" || fail "second stop did not say not running"
pg_local status >/dev/null 2>&1 && fail "status says running after stop"
pass "stop when stopped is harmless"
