#!/usr/bin/env bash
# autopilot-etl mine: each job end to end (writes its tables, is deterministic for a seed, skips an
# unchanged input) on a small hand-made gold (tests/integration/data) plus a generated resale
# marketplace, the listing checker on an obvious fake and an obvious genuine listing, and bad
# input: no gold, empty gold, too little history, a closed store, absurd checker fields.
source "$(dirname "$0")/lib.sh"
ETL=$BUILD_DIR/autopilot-etl
MODELS=$(mktemp -d)
trap 'rm -rf "$MODELS"' EXIT
export AUTOPILOT_MODELS_DIR=$MODELS
use_test_database mining

expect_exit() {  # expect_exit CODE CMD...: runs CMD, keeps its output in $OUT
    local want=$1 got=0
    shift
    OUT=$("$@" 2>&1) || got=$?
    [ "$got" = "$want" ] || fail "expected exit $want, got $got from $*: $OUT"
}
check_error() {  # check_error SQLSTATE PATTERN SQL
    local out
    out=$(psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -c "\\set VERBOSITY verbose" -c "$3" 2>&1) && fail "accepted: $3"
    grep -q "$1" <<<"$out" || fail "wrong SQLSTATE for $3: $out"
    grep -q "$2" <<<"$out" || fail "unclear message for $3: $out"
}

# --- the systemd units verify (ExecStart pointed at this build's binary) -----------------------
units=$(mktemp -d)
cp "$AUTOPILOT_ROOT"/etl/systemd/*.service "$AUTOPILOT_ROOT"/etl/systemd/*.timer "$units/"
sed -i "s#/usr/local/bin/autopilot-etl#$ETL#" "$units"/*.service
out=$(systemd-analyze verify "$units"/*.service "$units"/*.timer 2>&1) || fail "systemd-analyze verify: $out"
rm -rf "$units"
pass "the systemd service and timer units verify"

# --- bad input before any data ----------------------------------------------------------------
expect_exit 2 "$ETL" mine
expect_exit 2 "$ETL" mine nonsense
grep -q 'unknown job "nonsense"' <<<"$OUT" || fail "unknown job message: $OUT"
expect_exit 1 "$ETL" mine anomalies
grep -q 'gold.fact_sales does not exist' <<<"$OUT" || fail "missing gold message: $OUT"
# The warehouse's own gold DDL (etl/sql/gold.sql), empty.
q -c "SET client_min_messages = warning" -f "$AUTOPILOT_ROOT/etl/sql/gold.sql" >/dev/null
expect_exit 1 "$ETL" mine all
grep -q 'gold.fact_sales is empty' <<<"$OUT" || fail "empty gold message: $OUT"
[ "$(q -c "SELECT count(*) FROM mining.model_runs WHERE status = 'complete'")" = 0 ] || fail "a run on empty gold completed"
[ "$(q -c "SELECT count(*) FROM mining.anomalies") $(q -c "SELECT count(*) FROM mining.customer_segments")" = "0 0" ] \
    || fail "results left behind by failed runs"
pass "no gold and empty gold are refused with clear messages and leave no result"

# --- a hand-made gold: one planted spike, one stock-out, a closed store; a generated marketplace --
"$ETL" generate --scale 0.05 --seed 7 >/dev/null
q -c "SET client_min_messages = warning" -f "$AUTOPILOT_ROOT/tests/integration/data/mining_gold_fixture.sql" >/dev/null
# The checker before any model is trained.
check_error 55000 "no authenticity model has been trained" "SELECT * FROM mining.check_listing('P000001', 9, 5000)"
pass "the checker without a trained model says so (55000)"

"$ETL" mine all --seed 7 >"$MODELS/first.log" || fail "mine all failed: $(cat "$MODELS/first.log")"
for job in forecast anomalies segments authenticity; do
    [ "$(q -c "SELECT status FROM mining.latest_runs WHERE job = '$job'")" = complete ] || fail "$job did not complete"
done
ls "$MODELS"/authenticity-*.meta.json "$MODELS"/forecast-*.meta.json >/dev/null || fail "models not saved"
pass "mine all completes every job and saves its models"

found=$(q -c "SELECT string_agg(entity_kind || ' ' || entity || ' ' || metric || ' ' || day || '..' || end_day || ' ' || direction, E'\n' ORDER BY 1)
              FROM mining.anomalies WHERE entity_kind <> 'brand'")
grep -q "store S002 revenue 2024-09-10..2024-09-10 spike" <<<"$found" || fail "planted spike not found: $found"
[ "$(q -c "SELECT count(*) FROM mining.anomalies WHERE entity = 'S003/Nike' AND direction = 'drop'
             AND day <= DATE '2024-11-01' AND end_day >= DATE '2024-11-21'")" = 1 ] || fail "planted stock-out not found: $found"
q -c "SELECT string_agg(entity, ',') FROM mining.anomalies WHERE day >= DATE '2024-06-01'" | grep -q "S006" \
    && fail "a closed store was reported after it closed"
q -c "SELECT reason FROM mining.anomalies WHERE entity = 'S002' AND metric = 'revenue'" | grep -q "the usual for a Tuesday.*orders where about" \
    || fail "no reason for the spike"
pass "planted spike and stock-out found with reasons; the closed store is not flagged after closing"

[ "$(q -c "SELECT count(DISTINCT horizon) FROM mining.demand_forecast")" = 28 ] || fail "forecast horizons"
q -c "SELECT skipped::text FROM mining.latest_runs WHERE job = 'forecast'" | grep -q "too few sales\|too little history" \
    || fail "series with little history not reported as skipped"
[ "$(q -c "SELECT count(*) FROM mining.demand_forecast WHERE NOT (lower_80 <= units AND units <= upper_80 AND lower_80 >= 0)")" = 0 ] \
    || fail "forecast outside its own interval"
q -c "SELECT metrics ? 'mase' AND baseline ? 'mase' AND metrics ? 'coverage_80' FROM mining.latest_runs WHERE job = 'forecast'" | grep -q t \
    || fail "forecast metrics missing"
pass "forecast writes 28 days with intervals, backtest metrics beside the seasonal naive, and the series it skipped"

[ "$(q -c "SELECT count(*) FROM mining.customer_segments")" = "$(q -c "SELECT count(DISTINCT customer_id) FROM gold.fact_sales")" ] \
    || fail "not every customer with a purchase is segmented"
[ "$(q -c "SELECT count(*) FROM mining.segment_profiles WHERE label = ''")" = 0 ] || fail "a segment without a label"
pass "every customer with a purchase gets a labelled segment"

[ "$(q -c "SELECT count(*) FROM mining.listing_checks")" = "$(q -c "SELECT count(*) FROM bronze.resale_listings WHERE authentication_result IS NULL")" ] \
    || fail "not every unauthenticated listing was checked"
q -c "SELECT (metrics->>'sql_vs_xgboost_max_abs_diff')::float8 < 1e-4 FROM mining.latest_runs WHERE job = 'authenticity'" | grep -q t \
    || fail "SQL scoring disagrees with XGBoost"
pass "every listing not yet authenticated is checked in SQL, in agreement with XGBoost"

digest() {
    q -c "SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
            SELECT product_id || city || forecast_date::text || round(units::numeric, 6)::text AS x FROM mining.demand_forecast
            UNION ALL SELECT entity || metric || day::text || round(score::numeric, 6)::text FROM mining.anomalies
            UNION ALL SELECT customer_id || cluster::text || label FROM mining.customer_segments
            UNION ALL SELECT listing_id::text || round(probability::numeric, 6)::text || verdict FROM mining.listing_checks) t"
}
before=$(digest)
runs=$(q -c "SELECT count(*) FROM mining.model_runs")
[ "$("$ETL" mine all --seed 7 | grep -c "nothing to do")" = 4 ] || fail "unchanged input was mined again"
[ "$(q -c "SELECT count(*) FROM mining.model_runs")" = "$runs" ] || fail "a skipped run was recorded"
"$ETL" mine all --seed 7 --force >/dev/null
[ "$(digest)" = "$before" ] || fail "a second run with the same seed gave different results"
[ "$(q -c "SELECT count(DISTINCT run_id) FROM mining.listing_checks")" = 1 ] || fail "older results kept"
pass "deterministic with a seed; unchanged input is skipped; one result set per job"

# --- the checker ------------------------------------------------------------------------------
# A product the marketplace lists often enough to have a resale median.
read -r pid sku msrp <<<"$(q -F' ' -c "SELECT p.product_id, p.sku, p.msrp FROM gold.dim_product p
    JOIN bronze.resale_listings l USING (product_id) GROUP BY 1, 2, 3 ORDER BY count(*) DESC, 1 LIMIT 1")"
market=$(q -c "SELECT round(mining.market_price(model_version, '$pid', NULL, $msrp)) FROM mining.authenticity_models WHERE active")
fake=$(q -F'|' -c "SELECT verdict, cardinality(reasons), reasons::text FROM mining.check_listing(
    product_id => '$pid', size => 9, asking_price => round($market * 0.25), sku_code => 'sku999999', photo_count => 1,
    description => 'UA 1:1 mirror quality, no box', seller_joined_on => current_date - 3, seller_sales => 0)")
grep -q "^likely counterfeit|[1-3]|" <<<"$fake" || fail "obvious fake not flagged: $fake"
genuine=$(q -F'|' -c "SELECT verdict, cardinality(reasons) FROM mining.check_listing(
    product_id => '$pid', size => 9, asking_price => $market, sku_code => '$sku', photo_count => 8,
    description => 'deadstock, original box included, receipt available', seller_joined_on => current_date - 1500,
    seller_sales => 300, seller_rating => 4.9)")
grep -q "^likely genuine|[1-3]$" <<<"$genuine" || fail "obvious genuine listing not passed: $genuine"
pass "the checker flags an obvious fake and passes an obvious genuine listing, with reasons"

check_error 22004 "must not be null" "SELECT * FROM mining.check_listing(NULL, 9, 100)"
check_error 22023 "asking price -1 is out of range" "SELECT * FROM mining.check_listing('$pid', 9, -1)"
check_error 22023 "out of range" "SELECT * FROM mining.check_listing('$pid', 9, 1e9)"
check_error 22023 'product "nope" does not exist' "SELECT * FROM mining.check_listing('nope', 9, 100)"
check_error 22023 "size 99 is out of range" "SELECT * FROM mining.check_listing('$pid', 99, 100)"
check_error 22023 "seller rating 9 is out of range" "SELECT * FROM mining.check_listing('$pid', 9, 100, seller_rating => 9)"
check_error 22023 "photo count -2" "SELECT * FROM mining.check_listing('$pid', 9, 100, photo_count => -2)"
check_error 22023 'condition must be "new" or "used"' "SELECT * FROM mining.check_listing('$pid', 9, 100, condition => 'mint')"
check_error 22023 "seller joined on" "SELECT * FROM mining.check_listing('$pid', 9, 100, seller_joined_on => current_date + 3)"
check_error 22023 "seller sales -1 must not be negative" "SELECT * FROM mining.check_listing('$pid', 9, 100, seller_sales => -1)"
pass "NULL and absurd checker fields are refused with SQLSTATEs and clear messages"

# A product nobody sold or listed: no resale median, the MSRP stands in; every optional field NULL.
q -c "INSERT INTO gold.dim_product (product_sk, product_id, sku, brand, release_date, msrp, valid_from, valid_to, is_current)
      VALUES (999, 'P000999', 'NK-ZZ9999-999', 'Nike', DATE '2024-01-01', 9000, '2023-01-01', 'infinity', true)" >/dev/null
nosales=$(q -F'|' -c "SELECT verdict IN ('likely genuine', 'review', 'likely counterfeit'), probability BETWEEN 0 AND 1
                      FROM mining.check_listing('P000999', 8, 9000, sku_code => NULL, photo_count => NULL)")
[ "$nosales" = "t|t" ] || fail "a product without sales or listings was not scored: $nosales"
pass "a product without sales or listings is scored against its MSRP"
