#!/usr/bin/env bash
# autopilotd's command line, configuration errors, exit codes, --once/--dry-run, the extension
# version check and the systemd unit.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/daemon_lib.sh"

expect_exit() {  # expect_exit CODE PATTERN ARGS...
    local want=$1 pattern=$2; shift 2
    local rc=0 out
    out=$("$AUTOPILOTD" "$@" 2>&1) || rc=$?
    [ "$rc" = "$want" ] || fail "autopilotd $*: exit $rc, expected $want: $out"
    grep -q -- "$pattern" <<<"$out" || fail "autopilotd $*: output lacks \"$pattern\": $out"
}

version=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$AUTOPILOT_ROOT/sql/autopilot.control")
expect_exit 0 "autopilotd $version" --version
expect_exit 0 "exit codes" --help
expect_exit 2 'unknown option "--frobnicate"' --frobnicate
pass "--version, --help and a bad option"

bad() { printf '%b' "$1" >"$WORK_DIR/bad.toml"; expect_exit 2 "$2" --config "$WORK_DIR/bad.toml" --check-config; }
bad '[apply]\nlock_timout = "5s"\n' '"apply.lock_timout": unknown key'
bad '[verify]\nauto_revert = "yes"\n' '"verify.auto_revert": must be true or false'
bad '[cycle]\ninterval = "soon"\n' '"cycle.interval"'
bad '[apply]\nwindow = "25:00-26:00"\n' '"apply.window"'
bad '[verify\n' 'invalid TOML'
expect_exit 2 'cannot read configuration file' --config "$WORK_DIR/none.toml"
expect_exit 0 "is valid" --config "$AUTOPILOT_ROOT/daemon/autopilotd.toml.example" --check-config
pass "bad configuration: exit 2 with a message naming the key; the example is valid"

# The extension is missing: exit 3 with a hint.
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS it_daemon_cli_noext" -c "CREATE DATABASE it_daemon_cli_noext"
printf '[database]\nconninfo = "host=%s port=%s dbname=it_daemon_cli_noext user=autopilot_daemon"\n[metrics]\nlisten = ""\n' \
    "$PGHOST" "$PGPORT" >"$WORK_DIR/noext.toml"
expect_exit 3 'CREATE EXTENSION autopilot' --config "$WORK_DIR/noext.toml" --once
psql -X -q -d postgres -c "DROP DATABASE it_daemon_cli_noext"
pass "a database without the extension: exit 3 with a hint"

setup_warehouse daemon_cli
id=$(recommend wh.orders customer)
q -c "SELECT autopilot.approve($id)" >/dev/null
write_config "$WORK_DIR/d.toml" "[metrics]" 'listen = ""'
expect_exit 0 "would build recommendation $id" --config "$WORK_DIR/d.toml" --once --dry-run
[ "$(rec_status "$id")" = approved ] || fail "--dry-run changed the status"
[ "$(index_state "$(index_of "$id")")" = missing ] || fail "--dry-run built an index"
pass "--dry-run builds nothing"
expect_exit 0 "built recommendation $id" --config "$WORK_DIR/d.toml" --once
[ "$(rec_status "$id")" = applied ] || fail "--once did not apply"
pass "--once runs one cycle and exits 0"

# The unit: --print-unit prints the shipped file, and systemd-analyze accepts it (with ExecStart
# pointing at this build, since the installed path does not exist here).
diff <("$AUTOPILOTD" --print-unit) "$AUTOPILOT_ROOT/daemon/autopilotd.service" >/dev/null || fail "--print-unit differs from daemon/autopilotd.service"
mkdir -p "$WORK_DIR/unit"
sed "s|^ExecStart=/usr/local/bin/autopilotd|ExecStart=$AUTOPILOTD|" "$AUTOPILOT_ROOT/daemon/autopilotd.service" \
    >"$WORK_DIR/unit/autopilotd.service"
out=$(systemd-analyze verify "$WORK_DIR/unit/autopilotd.service" 2>&1) || fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify complained: $out"
for key in 'Type=notify' 'NoNewPrivileges=yes' 'ProtectSystem=strict' 'ExecReload=' 'Restart=on-failure' 'WatchdogSec=' 'User=autopilot'; do
    grep -q "^$key" "$AUTOPILOT_ROOT/daemon/autopilotd.service" || fail "the unit lacks $key"
done
grep -q '^ExecStart=/' "$AUTOPILOT_ROOT/daemon/autopilotd.service" || fail "ExecStart is not absolute"
pass "systemd-analyze verify accepts the hardened unit; --print-unit prints it"
