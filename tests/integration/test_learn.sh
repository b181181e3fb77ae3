#!/usr/bin/env bash
# The learn step on real captured samples: `autopilotd --once` trains a latency model from
# autopilot.samples, saves it in models_dir, registers it active in autopilot.models and clusters
# the workload; the next cycle loads it instead of retraining; a corrupt model file is refused with
# a clear message and replaced by a retrained model. Small data: a few seconds of training.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/daemon_lib.sh"
setup_warehouse learn

q -c "CREATE TABLE wh.customers (id int PRIMARY KEY, region int, name text)" \
  -c "INSERT INTO wh.customers SELECT g, g % 20, md5(g::text) FROM generate_series(1, 2000) g" \
  -c "CREATE INDEX ON wh.orders (id)" -c "ANALYZE"

# Twelve statement shapes (scans, index lookups, joins, aggregates, sorts), twelve runs each.
workload() {
    local i
    echo "SET autopilot.sample_rate = 1;"
    for i in $(seq 1 12); do
        cat <<SQL
SELECT count(*) FROM wh.orders WHERE customer = $i;
SELECT * FROM wh.orders WHERE id = $((i * 97));
SELECT note FROM wh.orders WHERE id BETWEEN $i AND $((i * 300));
SELECT customer, count(*) FROM wh.orders GROUP BY customer ORDER BY 2 DESC LIMIT $i;
SELECT o.id, c.name FROM wh.orders o JOIN wh.customers c ON c.id = o.customer WHERE c.region = $((i % 20));
SELECT c.region, sum(o.id) FROM wh.orders o JOIN wh.customers c ON c.id = o.customer GROUP BY c.region;
SELECT * FROM wh.orders ORDER BY note LIMIT $((i * 10));
SELECT count(DISTINCT note) FROM wh.orders WHERE customer < $((i * 40));
SELECT max(name) FROM wh.customers WHERE region = $((i % 20));
SELECT id FROM wh.orders WHERE note LIKE '$(printf '%x' "$i")%';
SELECT count(*) FROM wh.customers c WHERE EXISTS (SELECT 1 FROM wh.orders o WHERE o.customer = c.id AND o.id < $((i * 500)));
SELECT customer FROM wh.orders WHERE id IN ($i, $((i + 1)), $((i + 2)));
SQL
    done
}
workload | q -o /dev/null
stored=$(q -c "SELECT autopilot.capture_collect()")
[ "$stored" -ge 100 ] || fail "only $stored samples captured"

MODELS=$WORK_DIR/models
write_config "$WORK_DIR/d.toml" "[metrics]" 'listen = ""' "[model]" "models_dir = \"$MODELS\"" \
    "min_samples = 60" "members = 2" "rounds = 30"
once() {
    DAEMON_LOG=$WORK_DIR/once.$(date +%s%N).log
    "$AUTOPILOTD" --config "$WORK_DIR/d.toml" --once >"$DAEMON_LOG" 2>&1 || fail "the cycle failed"
}

# ---- first cycle: a model is trained, saved, registered and active --------------------------------
once
grep -q "learn: model latency-.* is active" "$DAEMON_LOG" || fail "no model was activated"
[ "$(q -c "SELECT count(*) FROM autopilot.models WHERE active")" = 1 ] || fail "no active model registered"
path=$(q -c "SELECT path FROM autopilot.models WHERE active")
[ -f "$path" ] || fail "the registered model file $path does not exist"
[ "$(q -c "SELECT (metadata->>'rows')::int >= 60 AND (metrics->'splits'->'fingerprint'->'model'->>'median')::float8 >= 1
             AND feature_version > 0 FROM autopilot.models WHERE active")" = t ] ||
    fail "the registered model lacks its rows, metrics or feature version"
pass "the learn step trains a model from captured samples and registers it active"

[ "$(q -c "SELECT sum(statements) FROM autopilot.workload_clusters")" -ge 5 ] || fail "the workload was not clustered"
[ "$(q -c "SELECT round(sum(share_of_time), 2) FROM autopilot.workload_clusters")" = 1.00 ] ||
    fail "cluster shares of time do not add up to 1"
q -c "SELECT array_to_string(tables, ',') FROM autopilot.workload_clusters" | grep -q "wh.orders" ||
    fail "clusters do not name their tables"
pass "the workload is clustered into autopilot.workload_clusters"

# ---- second cycle: the registered model is loaded, not retrained --------------------------------
once
grep -q "learn: using latency model latency-" "$DAEMON_LOG" || fail "the registered model was not loaded"
[ "$(q -c "SELECT count(*) FROM autopilot.models")" = 1 ] || fail "the second cycle retrained without new samples"
pass "the next cycle loads the registered model instead of retraining"

# ---- a corrupt model file is refused and replaced ------------------------------------------------
member=$(dirname "$path")/$(q -c "SELECT metadata->'members'->0->>'file' FROM autopilot.models WHERE active")
printf 'garbage' >>"$member"
once
grep -q "model refused: model file .* is corrupt (checksum mismatch)" "$DAEMON_LOG" ||
    fail "the corrupt file was not refused with a clear message"
[ "$(q -c "SELECT count(*) FROM autopilot.models")" = 2 ] || fail "no replacement model was trained"
[ "$(q -c "SELECT path <> '$path' FROM autopilot.models WHERE active")" = t ] || fail "the corrupt model is still active"
pass "a corrupt model file is refused with a clear message and a new model replaces it"

# ---- privileges: the daemon may not do more than register models --------------------------------
if q -c "SET ROLE autopilot_daemon" -c "DELETE FROM autopilot.models" 2>/dev/null; then
    fail "the daemon role may delete registered models"
fi
pass "the daemon role registers models but cannot delete them"
