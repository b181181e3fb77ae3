#!/usr/bin/env bash
# autopilot-etl run on a hand-made bronze load with one case of each kind of dirt: rejects with
# their reasons, SCD2 (attribute change, unchanged re-delivery, late-arriving change), late orders,
# idempotence (a second run changes nothing), incremental appends, check, and bad input.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/etl_lib.sh"
use_test_database etl_run

# --- bad input ---------------------------------------------------------------------------------
expect_exit 2 "$ETL" run --no-such-flag
grep -q 'unknown option "--no-such-flag"' <<<"$OUT" || fail "unknown flag message: $OUT"
expect_exit 1 "$ETL" run
grep -q 'schema bronze does not exist.*autopilot-etl generate' <<<"$OUT" || fail "missing bronze message: $OUT"
expect_exit 1 "$ETL" check
pass "bad input is refused with clear messages"

# --- first load ----------------------------------------------------------------------------------
load_fixture 1
"$ETL" run --quiet >/dev/null
rejects=$(q -c "SELECT string_agg(source || ':' || coalesce(source_key, '-') || ':' || reason || ':' || action, E'\n'
                ORDER BY source, source_key, reason) FROM silver.rejects")
expected="bronze.clickstream_events:W00000000001-2:duplicate:rejected
bronze.clickstream_events:W00000000001-4:malformed event_ts:rejected
bronze.clickstream_events:W00000000009-1:unknown session:rejected
bronze.customers:C0000002:malformed email:cleaned
bronze.customers:C0000003:duplicate:rejected
bronze.customers:C0000004:malformed phone:cleaned
bronze.inventory_movements:M000000005:unknown product:rejected
bronze.order_items:O000000002-2:negative quantity:rejected
bronze.order_items:O000000002-3:unknown product:rejected
bronze.order_items:O000000002-4:missing unit_price:rejected
bronze.order_items:O000000003-1:duplicate:rejected
bronze.order_items:O000000004-1:unknown or rejected order:rejected
bronze.orders:O000000003:duplicate:rejected
bronze.orders:O000000004:missing customer_id:rejected
bronze.orders:O000000005:malformed order_ts:rejected
bronze.products:P000003:missing brand:cleaned
bronze.reviews:R00000002:invalid rating:rejected"
[ "$rejects" = "$expected" ] || fail "rejects differ:
$rejects"
[ "$(q -c "SELECT count(*) FROM gold.fact_sales")" = 4 ] || fail "fact_sales should hold the 4 clean lines"
[ "$(q -c "SELECT revenue FROM gold.fact_sales WHERE order_item_id = 'O000000001-1'")" = 28891.50 ] \
    || fail "revenue = quantity * unit_price - discount"
[ "$(q -c "SELECT cost FROM gold.fact_sales WHERE order_item_id = 'O000000001-1'")" = 18200.00 ] \
    || fail "cost comes from the sale movement"
[ "$(q -c "SELECT is_pongal FROM gold.dim_date WHERE full_date = '2025-01-14'")" = t ] || fail "Pongal flag"
[ "$(q -c "SELECT count(*) FROM pg_inherits WHERE inhparent = 'silver.clickstream'::regclass")" = 3 ] \
    || fail "clickstream should have one partition per IST day (15, 16 and 17 January: a session crosses midnight)"
pass "the first run rejects every planted defect with its reason and loads the clean rows"

# --- idempotence ---------------------------------------------------------------------------------
before=$(warehouse_checksum)
out=$("$ETL" run 2>&1)
[ "$(warehouse_checksum)" = "$before" ] || fail "a second run changed the warehouse"
grep -q "silver rows written 0" <<<"$out" || fail "second run should write nothing: $out"
pass "a second run changes nothing"

expect_exit 0 "$ETL" check
pass "check passes on the first load"

# --- the append: SCD2 and late arrivals ------------------------------------------------------------
load_fixture 2
"$ETL" run --quiet >/dev/null
[ "$(q -c "SELECT rows_in FROM etl.run_steps s JOIN etl.runs r USING (run_id)
           WHERE s.step = 'silver.customers' ORDER BY run_id DESC LIMIT 1")" = 3 ] \
    || fail "the append run should read only the 3 new customer rows"
[ "$(q -c "SELECT string_agg(city || ':' || is_current, ',' ORDER BY valid_from) FROM silver.customers
           WHERE customer_id = 'C0000001'")" = "Chennai:false,Madurai:true" ] || fail "attribute change: new version"
[ "$(q -c "SELECT count(*) FROM silver.customers WHERE customer_id = 'C0000003'")" = 1 ] \
    || fail "unchanged re-delivery must not add a version"
[ "$(q -c "SELECT string_agg(city || ':' || is_current || ':' || (valid_to = 'infinity'), ',' ORDER BY valid_from)
           FROM silver.customers WHERE customer_id = 'C0000004'")" = "Erode:false:false,Salem:true:true" ] \
    || fail "late-arriving change goes before the current version"
[ "$(q -c "SELECT c.city FROM gold.fact_sales f JOIN gold.dim_customer c USING (customer_sk)
           WHERE f.order_item_id = 'O000000006-1'")" = Madurai ] || fail "a new order points at the new version"
[ "$(q -c "SELECT c.city FROM gold.fact_sales f JOIN gold.dim_customer c USING (customer_sk)
           WHERE f.order_item_id = 'O000000001-1'")" = Chennai ] || fail "an old order keeps the old version"
[ "$(q -c "SELECT p.list_price FROM gold.fact_sales f JOIN gold.dim_product p USING (product_sk)
           WHERE f.order_item_id = 'O000000006-1'")" = 12999.00 ] || fail "price change: new product version"
[ "$(q -c "SELECT orders FROM gold.daily_sales_summary WHERE sale_date = '2025-01-20'")" = 1 ] \
    || fail "the late order must reach its day's summary"
expect_exit 0 "$ETL" check
pass "an append adds SCD2 versions (change, no change, late change) and late orders; check passes"

before=$(warehouse_checksum)
"$ETL" run --quiet >/dev/null
[ "$(warehouse_checksum)" = "$before" ] || fail "a run after the append changed the warehouse"
pass "a run after the append changes nothing"

# --- a second concurrent run is refused -------------------------------------------------------------
psql -X -q -c "SELECT pg_advisory_lock(x'6175746f706c6574'::bigint)" -c "SELECT pg_sleep(30)" >/dev/null 2>&1 &
holder=$!
held=0
for _ in $(seq 1 600); do  # up to 60 s: psql can take long to start on a loaded machine
    # This database's lock only: tests running in parallel hold advisory locks of their own.
    if [ "$(q -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")" -ge 1 ]; then
        held=1; break
    fi
    sleep 0.1
done
[ "$held" = 1 ] || fail "the test's lock holder did not take the run lock"
expect_exit 1 "$ETL" run
kill "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true
grep -q "another autopilot-etl run is already running" <<<"$OUT" || fail "concurrent run message: $OUT"
pass "a second concurrent run is refused"

# --- a failing step leaves nothing half-loaded --------------------------------------------------------
use_test_database etl_run_fail
load_fixture 1
q -c "CREATE SCHEMA silver" -c "CREATE TABLE silver.order_items (order_item_id text PRIMARY KEY, order_id text NOT NULL,
      line_no int NOT NULL, product_id text NOT NULL, size numeric(4,1), quantity int NOT NULL CHECK (quantity < 2),
      unit_price numeric(12,2) NOT NULL, discount_amount numeric(12,2) NOT NULL, returned boolean NOT NULL,
      return_reason text, returned_at timestamptz, etl_run_id bigint NOT NULL)"
expect_exit 1 "$ETL" run --quiet
grep -q "step silver.order_items failed" <<<"$OUT" || fail "failure message names the step: $OUT"
[ "$(q -c "SELECT count(*) FROM silver.order_items")" = 0 ] || fail "the failed step left rows behind"
[ "$(q -c "SELECT count(*) FROM etl.watermarks WHERE step = 'silver.order_items'")" = 0 ] \
    || fail "the failed step advanced its watermark"
[ "$(q -c "SELECT status FROM etl.runs ORDER BY run_id DESC LIMIT 1")" = failed ] || fail "run not marked failed"
q -c "ALTER TABLE silver.order_items DROP CONSTRAINT order_items_quantity_check"
"$ETL" run --quiet >/dev/null
[ "$(q -c "SELECT count(*) FROM gold.fact_sales")" = 4 ] || fail "the re-run should recover"
expect_exit 0 "$ETL" check
pass "a failed step rolls back alone; the next run resumes and recovers"
