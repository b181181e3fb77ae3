#!/usr/bin/env bash
# Verify measures the affected statements' real latency before and after the build
# (pg_stat_statements): a forced regression is reverted when auto_revert is on and only reported
# when it is off; an improvement is verified with its measured gain.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/daemon_lib.sh"
setup_warehouse daemon_verify

# The "workload": statements whose latency the test controls, so the regression is certain.
q -c "CREATE TABLE wh.knob (name text PRIMARY KEY, ms float8)" \
  -c "INSERT INTO wh.knob VALUES ('a', 1), ('b', 1), ('c', 25)" \
  -c "CREATE FUNCTION wh.work(k text) RETURNS int LANGUAGE plpgsql AS \$\$
      BEGIN PERFORM pg_sleep((SELECT ms FROM wh.knob WHERE name = k) / 1000.0); RETURN 1; END \$\$"
# One statement (one query id) per knob: aliases and constants do not change a query id, a
# different function does.
for k in a b c; do q -c "CREATE FUNCTION wh.work_$k() RETURNS int LANGUAGE sql AS \$\$ SELECT wh.work('$k') \$\$"; done
set_knob() { q -c "UPDATE wh.knob SET ms = $2 WHERE name = '$1'" >/dev/null; }
# run_work KNOB N: N executions of one normalized statement per knob.
run_work() {
    local k=$1 n=$2
    for _ in $(seq 1 "$n"); do echo "SELECT wh.work_$k();"; done | psql -X -q -o /dev/null
}
queryid() {
    q -c "SELECT queryid FROM pg_stat_statements WHERE query = 'SELECT wh.work_$1()'
           AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
}
recommend_for() {  # recommend_for COLUMN QUERYID
    q -c "SET ROLE autopilot_daemon" \
      -c "SELECT autopilot.recommend('wh.orders', ARRAY['$1'], affected_queries => jsonb_build_array(jsonb_build_object('queryid', $2::bigint)))"
}
measured() { q -c "SELECT round(measured_benefit_pct) FROM autopilot.recommendations WHERE id = $1"; }

for k in a b c; do run_work "$k" 20; done
ra=$(recommend_for customer "$(queryid a)")
rb=$(recommend_for note "$(queryid b)")
rc=$(recommend_for id "$(queryid c)")

verify_config() {
    write_config "$WORK_DIR/d.toml" "[cycle]" 'interval = "1s"' "[metrics]" 'listen = "127.0.0.1:0"' \
        "[verify]" 'window = "1s"' 'min_calls = 10' 'regression_threshold_pct = 10' "auto_revert = $1"
}

# ---- auto_revert on: a regression is reverted ---------------------------------------------------
verify_config true
start_daemon "$WORK_DIR/d.toml"
q -c "SELECT autopilot.approve($ra)" >/dev/null
wait_for "SELECT status FROM autopilot.recommendations WHERE id = $ra" applied 30
idx_a=$(index_of "$ra")
set_knob a 20
run_work a 15
wait_for "SELECT status FROM autopilot.recommendations WHERE id = $ra" reverted 30
[ "$(index_state "$idx_a")" = missing ] || fail "the regressing index was not dropped"
[ "$(measured "$ra")" -lt -10 ] || fail "measured gain $(measured "$ra") is not a regression"
q -c "SELECT detail FROM autopilot.recommendation_events WHERE recommendation_id = $ra AND to_status = 'reverting'" \
    | grep -q "regression beyond 10.0%" || fail "the revert's reason is not recorded"
wait_for_metric 'autopilot_regressions_total{action="reverted"}' 1
pass "a forced regression is detected and reverted with auto_revert on"
stop_daemon

# ---- auto_revert off: only reported; an improvement is verified --------------------------------
verify_config false
start_daemon "$WORK_DIR/d.toml"
q -c "SELECT autopilot.approve($rb)" -c "SELECT autopilot.approve($rc)" >/dev/null
wait_for "SELECT count(*) FROM autopilot.recommendations WHERE id IN ($rb, $rc) AND status = 'applied'" 2 30
set_knob b 20
set_knob c 1
run_work b 15
run_work c 15
wait_for "SELECT status FROM autopilot.recommendations WHERE id = $rb" verified 30
[ "$(index_state "$(index_of "$rb")")" = valid ] || fail "auto_revert off dropped the index"
[ "$(measured "$rb")" -lt -10 ] || fail "the regression was not measured: $(measured "$rb")"
q -c "SELECT detail FROM autopilot.recommendation_events WHERE recommendation_id = $rb AND to_status = 'verified'" \
    | grep -q "auto_revert is off, reported only" || fail "the regression is not reported"
grep -q "regression after recommendation $rb" "$DAEMON_LOG" || fail "the regression is not logged"
pass "a forced regression is only reported with auto_revert off"

wait_for "SELECT status FROM autopilot.recommendations WHERE id = $rc" verified 30
[ "$(measured "$rc")" -gt 50 ] || fail "the improvement was not measured: $(measured "$rc")"
pass "an improvement is verified with its measured gain ($(measured "$rc")%)"
