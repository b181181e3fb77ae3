#!/usr/bin/env bash
# autopilot-etl run/check on the generator's data at a small scale: every planted defect is
# caught by silver.rejects (late arrivals are loaded), check passes, an append is processed
# incrementally with SCD2 versions, a second run changes nothing, a regenerated bronze is rebuilt.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/etl_lib.sh"
use_test_database etl_generated

"$ETL" generate --scale 0.02 --seed 11 >/dev/null
"$ETL" run --quiet >/dev/null
missed=$(q -c "SELECT count(*) FROM truth.planted_dirt d
               WHERE d.kind <> 'late_arrival'
                 AND NOT EXISTS (SELECT 1 FROM silver.rejects r
                                 WHERE r.source = 'bronze.' || d.table_name AND r.source_key = d.key)")
[ "$missed" = 0 ] || fail "$missed planted defects not in silver.rejects"
lost=$(q -c "SELECT count(*) FROM truth.planted_dirt d WHERE d.kind = 'late_arrival' AND (
               (d.table_name = 'orders' AND NOT EXISTS (SELECT 1 FROM silver.orders o WHERE o.order_id = d.key))
            OR (d.table_name = 'order_items' AND NOT EXISTS (SELECT 1 FROM silver.order_items i WHERE i.order_item_id = d.key))
            OR (d.table_name = 'clickstream_events' AND NOT EXISTS (SELECT 1 FROM silver.clickstream c WHERE c.event_id = d.key)))
               AND NOT EXISTS (SELECT 1 FROM truth.planted_dirt o WHERE o.key = d.key AND o.kind <> 'late_arrival')")
[ "$lost" = 0 ] || fail "$lost late-arriving rows were not loaded"
[ "$(q -c "SELECT count(*) FROM truth.planted_dirt")" -gt 0 ] || fail "the generator planted nothing"
expect_exit 0 "$ETL" check
pass "every planted defect is rejected or cleaned, late arrivals are loaded, check passes"

before=$(warehouse_checksum)
"$ETL" run --quiet >/dev/null
[ "$(warehouse_checksum)" = "$before" ] || fail "a second run changed the warehouse"
pass "a second run changes nothing"

"$ETL" generate --append --days 7 --seed 11 >/dev/null
"$ETL" run --quiet >/dev/null
delta=$(q -c "SELECT count(*) FROM bronze.orders WHERE _batch_id = (SELECT max(batch_id) FROM bronze.load_batches)")
read_in=$(q -c "SELECT rows_in FROM etl.run_steps WHERE step = 'silver.orders' ORDER BY run_id DESC LIMIT 1")
[ "$delta" = "$read_in" ] || fail "the append run read $read_in orders, the new batch has $delta"
[ "$(q -c "SELECT count(*) FROM (SELECT customer_id FROM silver.customers GROUP BY 1 HAVING count(*) > 1) x")" -gt 0 ] \
    || fail "attribute changes should add customer versions"
expect_exit 0 "$ETL" check
before=$(warehouse_checksum)
"$ETL" run --quiet >/dev/null
[ "$(warehouse_checksum)" = "$before" ] || fail "a run after the append changed the warehouse"
pass "an append is read incrementally, adds SCD2 versions, check passes, a re-run changes nothing"

"$ETL" generate --scale 0.01 --seed 12 >/dev/null
"$ETL" run --quiet >/dev/null
[ "$(q -c "SELECT count(*) FROM silver.orders o WHERE NOT EXISTS (SELECT 1 FROM bronze.orders b WHERE b.order_id = o.order_id)")" = 0 ] \
    || fail "silver kept orders of the replaced bronze"
expect_exit 0 "$ETL" check
pass "a regenerated bronze is rebuilt into silver and gold"
