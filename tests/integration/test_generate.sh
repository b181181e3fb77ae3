#!/usr/bin/env bash
# autopilot-etl generate: bad input, counts proportional to scale, determinism (checksums),
# planted dirt as truth says, funnel consistency, append (new days, SCD2 material), and a load
# whose connections are killed mid-COPY fails cleanly and a re-run recovers.
source "$(dirname "$0")/lib.sh"
use_test_database generate
ETL=$BUILD_DIR/autopilot-etl
SCALE=0.02

expect_exit() {  # expect_exit CODE PATTERN -- command...
    local code=$1 pattern=$2; shift 3
    local out rc=0
    out=$("$@" 2>&1) || rc=$?
    [ "$rc" = "$code" ] || fail "$* exited $rc, expected $code: $out"
    grep -qE "$pattern" <<<"$out" || fail "$* said \"$out\", expected /$pattern/"
}

[ "$(q -c "SELECT count(*) FROM pg_namespace WHERE nspname IN ('bronze','truth')")" = 0 ] || fail "schemas exist before generate"

# ---- bad input -------------------------------------------------------------------------------
expect_exit 2 'unknown option "--bogus"' -- "$ETL" generate --bogus
expect_exit 2 'scale must be greater than 0' -- "$ETL" generate --scale 0
expect_exit 2 'scale must be greater than 0' -- "$ETL" generate --scale -1
expect_exit 2 'a number is expected' -- "$ETL" generate --scale abc
expect_exit 2 'needs --append' -- "$ETL" generate --days 3
expect_exit 2 'unknown command' -- "$ETL" frobnicate
expect_exit 2 'nothing to append to' -- "$ETL" generate --append --days 3 --quiet
expect_exit 1 'could not connect' -- "$ETL" generate --scale $SCALE -d "host=/nonexistent dbname=x"
pass "bad input is refused with clear messages and exit codes (2 usage, 1 runtime)"

# ---- a generation into a database without the schemas ----------------------------------------
out=$("$ETL" generate --scale $SCALE --seed 7)
grep -q "rows into bronze" <<<"$out" || fail "no one-line summary: $out"
[ "$(q -c "SELECT status FROM bronze.load_batches ORDER BY batch_id DESC LIMIT 1")" = complete ] || fail "batch not complete"
pass "generate creates the schemas and completes its batch"

# ---- counts proportional to the scale-1 figures ----------------------------------------------
check_count() {  # table scale1_count tolerance_pct
    local n; n=$(q -c "SELECT count(*) FROM bronze.$1")
    awk -v n="$n" -v e="$2" -v s=$SCALE -v tol="$3" 'BEGIN { x = e * s; d = (n - x) / x; if (d < 0) d = -d; exit !(d <= tol / 100) }' \
        || fail "bronze.$1 has $n rows, expected $2 x $SCALE within $3%"
}
check_count customers 10000 3
check_count products 5000 3
check_count orders 112501 3
check_count order_items 337563 3
check_count inventory_movements 363063 3
check_count reviews 41106 8
check_count sessions 365000 3
check_count clickstream_events 6389784 5
[ "$(q -c "SELECT count(*) FROM bronze.stores")" -ge 40 ] || fail "fewer than 40 stores"
pass "row counts are proportional to the scale-1 figures"

checksum() {
    q -c "SELECT string_agg(t || ':' || h, ' ' ORDER BY t) FROM (
      SELECT 'orders' t, md5(string_agg(md5((to_jsonb(x) - '_batch_id')::text), '' ORDER BY md5((to_jsonb(x) - '_batch_id')::text))) h FROM bronze.orders x UNION ALL
      SELECT 'order_items', md5(string_agg(md5((to_jsonb(x) - '_batch_id')::text), '' ORDER BY md5((to_jsonb(x) - '_batch_id')::text))) FROM bronze.order_items x UNION ALL
      SELECT 'customers', md5(string_agg(md5((to_jsonb(x) - '_batch_id')::text), '' ORDER BY md5((to_jsonb(x) - '_batch_id')::text))) FROM bronze.customers x UNION ALL
      SELECT 'products', md5(string_agg(md5((to_jsonb(x) - '_batch_id')::text), '' ORDER BY md5((to_jsonb(x) - '_batch_id')::text))) FROM bronze.products x UNION ALL
      SELECT 'movements', md5(string_agg(md5((to_jsonb(x) - '_batch_id')::text), '' ORDER BY md5((to_jsonb(x) - '_batch_id')::text))) FROM bronze.inventory_movements x UNION ALL
      SELECT 'reviews', md5(string_agg(md5((to_jsonb(x) - '_batch_id')::text), '' ORDER BY md5((to_jsonb(x) - '_batch_id')::text))) FROM bronze.reviews x UNION ALL
      SELECT 'sessions', md5(string_agg(md5((to_jsonb(x) - '_batch_id')::text), '' ORDER BY md5((to_jsonb(x) - '_batch_id')::text))) FROM bronze.sessions x UNION ALL
      SELECT 'events', md5(string_agg(md5((to_jsonb(x) - '_batch_id')::text), '' ORDER BY md5((to_jsonb(x) - '_batch_id')::text))) FROM bronze.clickstream_events x UNION ALL
      SELECT 'dirt', md5(string_agg(md5((to_jsonb(x) - 'batch_id')::text), '' ORDER BY md5((to_jsonb(x) - 'batch_id')::text))) FROM truth.planted_dirt x UNION ALL
      SELECT 'segments', md5(string_agg(md5(x::text), '' ORDER BY md5(x::text))) FROM truth.customer_segments x) s"
}

# ---- determinism -----------------------------------------------------------------------------
first=$(checksum)
"$ETL" generate --scale $SCALE --seed 7 --jobs 1 --quiet
second=$(checksum)
[ "$first" = "$second" ] || fail "same seed, different data (1 vs 2 jobs): $first / $second"
"$ETL" generate --scale $SCALE --seed 8 --quiet
third=$(checksum)
[ "$first" != "$third" ] || fail "a different seed gave the same data"
"$ETL" generate --scale $SCALE --seed 7 --quiet
[ "$(q -c "SELECT count(*) FROM bronze.load_batches WHERE status = 'replaced'")" = 3 ] || fail "replaced batches not marked"
pass "the same seed gives identical checksums whatever the number of jobs; another seed differs"

# ---- planted dirt is where truth says ---------------------------------------------------------
for kind in duplicate null_value malformed_email malformed_phone negative_quantity unknown_product late_arrival; do
    [ "$(q -c "SELECT count(*) FROM truth.planted_dirt WHERE kind = '$kind'")" -gt 0 ] || fail "no planted $kind"
done
bad=$(q -c "
  SELECT (SELECT count(*) FROM truth.planted_dirt d WHERE kind = 'unknown_product'
            AND EXISTS (SELECT 1 FROM bronze.order_items i JOIN bronze.products p USING (product_id) WHERE i.order_item_id = d.key))
       + (SELECT count(*) FROM truth.planted_dirt d WHERE kind = 'negative_quantity'
            AND NOT EXISTS (SELECT 1 FROM bronze.order_items i WHERE i.order_item_id = d.key AND i.quantity::int < 0))
       + (SELECT count(*) FROM truth.planted_dirt d WHERE kind = 'malformed_email'
            AND EXISTS (SELECT 1 FROM bronze.customers c WHERE c.customer_id = d.key AND c.email ~ '^[^@ ]+@[^@ ]+\.[a-z]+$'))
       + (SELECT count(*) FROM truth.planted_dirt d WHERE kind = 'duplicate' AND table_name = 'orders'
            AND (SELECT count(*) FROM bronze.orders o WHERE o.order_id = d.key) < 2)
       + (SELECT count(*) FROM truth.planted_dirt d WHERE kind = 'late_arrival' AND table_name = 'orders'
            AND NOT EXISTS (SELECT 1 FROM bronze.orders o WHERE o.order_id = d.key AND CASE WHEN o.order_ts ~ '^[0-9]{4}-' THEN o._ingested_at - o.order_ts::timestamptz > interval '2 days' END))")
[ "$bad" = 0 ] || fail "$bad planted defects are not where truth.planted_dirt says"
# Clean rows are clean: no negative quantity or unknown product that truth does not list.
unlisted=$(q -c "
  SELECT count(*) FROM bronze.order_items i
  WHERE (i.quantity::int < 0 OR NOT EXISTS (SELECT 1 FROM bronze.products p WHERE p.product_id = i.product_id))
    AND NOT EXISTS (SELECT 1 FROM truth.planted_dirt d WHERE d.key = i.order_item_id AND d.kind IN ('negative_quantity', 'unknown_product'))")
[ "$unlisted" = 0 ] || fail "$unlisted defective order lines are missing from truth.planted_dirt"
pass "every planted defect is recorded in truth.planted_dirt, and only those"

# ---- consistency between orders, sessions and clickstream ------------------------------------
orphans=$(q -c "
  SELECT count(*) FROM bronze.orders o
  WHERE o.channel IN ('online', 'app')
    AND NOT EXISTS (SELECT 1 FROM bronze.clickstream_events e WHERE e.order_id = o.order_id AND e.event_type = 'purchase'
                    AND e.session_id = o.session_id)")
[ "$orphans" = 0 ] || fail "$orphans online orders without a purchase event in their session"
[ "$(q -c "SELECT count(*) FROM truth.customer_segments")" -ge 190 ] || fail "latent segments missing"
[ "$(q -c "SELECT count(DISTINCT segment) FROM truth.customer_segments")" = 5 ] || fail "not five segments"
[ "$(q -c "SELECT count(*) FROM truth.anomalies")" -gt 0 ] || fail "no planted anomalies"
pass "online orders match purchase events; truth has segments and anomalies"

# ---- append ----------------------------------------------------------------------------------
before=$(q -c "SELECT count(*) FROM bronze.orders")
"$ETL" generate --append --days 10 --quiet
q -c "SELECT kind, status, first_day, last_day FROM bronze.load_batches ORDER BY batch_id DESC LIMIT 1" | grep -q "append|complete|2026-01-01|2026-01-10" \
    || fail "append batch wrong: $(q -c "SELECT * FROM bronze.load_batches ORDER BY batch_id DESC LIMIT 1")"
[ "$(q -c "SELECT count(*) FROM bronze.orders")" -gt "$before" ] || fail "append added no orders"
[ "$(q -c "SELECT count(*) FROM bronze.reviews r JOIN bronze.load_batches b ON b.batch_id = r._batch_id WHERE b.kind = 'append' AND r.order_id IN (SELECT order_id FROM bronze.orders o JOIN bronze.load_batches b2 ON b2.batch_id = o._batch_id WHERE b2.kind = 'initial')")" -gt 0 ] \
    || fail "no rows about earlier days landed in the append"
redelivered=$(q -c "SELECT count(*) FROM bronze.customers c JOIN bronze.load_batches b ON b.batch_id = c._batch_id
                    WHERE b.kind = 'append' AND c.customer_id IN (SELECT customer_id FROM bronze.customers c2 JOIN bronze.load_batches b2 ON b2.batch_id = c2._batch_id WHERE b2.kind = 'initial')")
[ "$redelivered" -gt 0 ] || fail "append re-delivered no existing customers"
[ "$(q -c "SELECT count(*) FROM truth.attribute_changes")" -gt 0 ] || fail "no attribute changes recorded"
expect_exit 2 'differs from the loaded data' -- "$ETL" generate --append --days 2 --seed 99 --quiet
pass "append adds days after the last load, with re-delivered customers and recorded attribute changes"

# ---- a lost connection mid-COPY fails cleanly; a re-run recovers ----------------------------
log=$(mktemp)
"$ETL" generate --append --days 120 --quiet >"$log" 2>&1 &
gen=$!
killed=0
for _ in $(seq 1 400); do
    killed=$(q -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                   WHERE datname = current_database() AND application_name = 'autopilot-etl generate' AND query LIKE 'COPY bronze.%'")
    [ "$killed" -gt 0 ] && break
    kill -0 "$gen" 2>/dev/null || break
    sleep 0.05
done
rc=0; wait "$gen" || rc=$?
if [ "$killed" -gt 0 ]; then
    [ "$rc" = 1 ] || fail "killed load exited $rc: $(cat "$log")"
    grep -q "marked incomplete" "$log" || fail "unclear failure message: $(cat "$log")"
    failed=$(q -c "SELECT batch_id FROM bronze.load_batches WHERE status <> 'complete' AND kind = 'append' ORDER BY batch_id DESC LIMIT 1")
    [ -n "$failed" ] || fail "the killed batch is not marked incomplete"
    "$ETL" generate --append --days 120 --quiet
    [ "$(q -c "SELECT count(*) FROM bronze.clickstream_events WHERE _batch_id = $failed")" = 0 ] || fail "rows of the failed batch remain"
    [ "$(q -c "SELECT status FROM bronze.load_batches ORDER BY batch_id DESC LIMIT 1")" = complete ] || fail "re-run did not complete"
    pass "a load killed mid-COPY exits 1, leaves its batch incomplete, and a re-run removes it and completes"
else
    echo "note: the load finished before it could be interrupted; interruption not exercised (rc=$rc)"
fi
rm -f "$log"
