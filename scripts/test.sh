#!/usr/bin/env bash
# Runs every test: Catch2 units, pg_regress (with and without the preload) and the integration
# scripts, all under CTest, against private clusters that are torn down afterwards.
# Ends with one line "N passed, N failed"; exits non-zero on any failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$AUTOPILOT_ROOT"

"$AUTOPILOT_ROOT/scripts/setup.sh"
BUILD_DIR=${AUTOPILOT_BUILD_DIR:-$AUTOPILOT_ROOT/build}
# Tests run this checkout's extension from a private installation under the build directory.
PG_BINDIR=$(make_test_install "$BUILD_DIR")
export PG_BINDIR

# A port of our own, held by a lock for the whole run, so parallel runs never share a cluster.
port=""
for p in $(seq 54340 54399); do
    exec {lockfd}>"/tmp/autopilot-test-port-$p.lock"
    if flock -n "$lockfd" && ! tcp_port_in_use "$p"; then port=$p; break; fi
    exec {lockfd}>&-
done
[ -n "$port" ] || die "no free test port in 54340-54399"

export AUTOPILOT_HOME=$BUILD_DIR/test-cluster-$port AUTOPILOT_PORT=$port
# A throw-away cluster: durability off for speed.
export AUTOPILOT_PGCONF=$'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nshared_buffers = 256MB'
"$AUTOPILOT_ROOT/scripts/pg-local.sh" destroy >/dev/null 2>&1 || true
cleanup() {
    "$AUTOPILOT_ROOT/scripts/pg-local.sh" stop >/dev/null 2>&1 || true
    if [ "${KEEP_TEST_CLUSTER:-0}" != 1 ]; then rm -rf "$AUTOPILOT_HOME"; fi
}
trap cleanup EXIT
"$AUTOPILOT_ROOT/scripts/pg-local.sh" start
eval "$("$AUTOPILOT_ROOT/scripts/pg-local.sh" env)"

set +e
# shellcheck disable=SC2086
ctest --test-dir "$BUILD_DIR" --output-on-failure -j"${TEST_JOBS:-2}" --timeout 1500 ${CTEST_ARGS:-} 2>&1 \
    | tee "$BUILD_DIR/ctest.log"
status=${PIPESTATUS[0]}
set -e

if grep -E "terminated by signal" "$AUTOPILOT_HOME/postgresql.log" >/dev/null 2>&1; then
    log "FAIL: a backend of the test cluster crashed:"
    grep -E "terminated by signal" "$AUTOPILOT_HOME/postgresql.log" >&2
    status=1
fi

summary=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$BUILD_DIR/ctest.log" | tail -n 1 || true)
total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$summary")
failed=$(sed -E 's/.*tests passed, ([0-9]+) tests? failed.*/\1/' <<<"$summary")
if [ -z "$summary" ]; then total=0; failed=1; status=1; fi
echo "$((total - failed)) passed, $failed failed"
exit "$status"
