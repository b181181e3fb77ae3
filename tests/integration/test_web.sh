#!/usr/bin/env bash
# autopilot-web against the private cluster with a small warehouse: every endpoint's shape, filters
# consistent with SQL run directly, bad parameters -> 400, approvals only for a password-checked
# member of autopilot_admin with the CSRF token; then headless Chromium loads each page (no console
# errors, charts and map drawn, screenshots saved) and approves through the page.
source "$(dirname "$0")/lib.sh"
use_test_database web

etl=$BUILD_DIR/autopilot-etl
"$etl" generate --scale 0.01 --seed 11 >/dev/null
"$etl" run >/dev/null
q -f "$AUTOPILOT_ROOT/web/sql/web_role.sql" >/dev/null

# Roles: an administrator and an ordinary user, both with passwords the server really checks.
q <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'it_web_admin') THEN CREATE ROLE it_web_admin LOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'it_web_user') THEN CREATE ROLE it_web_user LOGIN; END IF;
END $$;
ALTER ROLE it_web_admin PASSWORD 'admin-secret';
ALTER ROLE it_web_user PASSWORD 'user-secret';
GRANT autopilot_admin TO it_web_admin;
SQL
hba=$AUTOPILOT_HOME/data/pg_hba.conf
if ! grep -q it_web_admin "$hba"; then
    as_pg sed -i '1i local all it_web_admin scram-sha-256\nlocal all it_web_user scram-sha-256' "$hba"
    q -c "SELECT pg_reload_conf()" >/dev/null
fi

rec_id=$(q -c "INSERT INTO autopilot.recommendations (kind, schema_name, table_name, columns, index_name, ddl,
                 estimated_bytes, predicted_benefit_ms_per_hour, predicted_gain_pct, affected_queries, confidence, rationale, status)
               VALUES ('create_index', 'gold', 'fact_sales', ARRAY['customer_id'], 'autopilot_fact_sales_customer_id_test',
                 'CREATE INDEX CONCURRENTLY autopilot_fact_sales_customer_id_test ON gold.fact_sales (customer_id)',
                 1048576, 1234.5, 42.0, '[{\"queryid\": 1, \"query\": \"SELECT * FROM gold.fact_sales WHERE customer_id = \$1\", \"before_ms\": 12.5, \"after_ms\": 0.4}]',
                 0.8, 'customer look-ups scan fact_sales', 'pending') RETURNING id")
status_of() { q -c "SELECT status FROM autopilot.recommendations WHERE id = $rec_id"; }

port=$((PGPORT + 300))
base=http://127.0.0.1:$port
conninfo="host=$PGHOST port=$PGPORT dbname=$PGDATABASE user=autopilot_web"
"$BUILD_DIR/autopilot-web" --port "$port" --conninfo "$conninfo" >"$BUILD_DIR/it-web.log" 2>&1 &
web_pid=$!
trap 'kill $web_pid 2>/dev/null || true; wait $web_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fsS "$base/api/health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "$base/api/health" >/dev/null || { cat "$BUILD_DIR/it-web.log"; fail "autopilot-web did not start"; }

# One request: sets $code and $body (not in a subshell, so both survive).
get() { code=$(curl -sS -o "/tmp/it-web-body.$$" -w '%{http_code}' "$@"); body=$(cat "/tmp/it-web-body.$$"); }

# ---- shapes -------------------------------------------------------------------------------------
get "$base/api/filters"; filters=$body; [ "$code" = 200 ] || fail "filters: $code"
brand=$(jq -r '.brands[0]' <<<"$filters"); city=$(jq -r '.cities[0]' <<<"$filters")
to=$(jq -r '.max_date' <<<"$filters")
[ "$brand" != null ] && [ "$city" != null ] && [ "$to" != null ] || fail "filters lack brands/cities/dates: $filters"
from=$(date -d "$to - 59 days" +%F)
for ep in kpis trend top map; do
    get "$base/api/sales/$ep?from=$from&to=$to"; body=$body
    [ "$code" = 200 ] || fail "sales/$ep: $code $body"
    jq -e '.data != null and .from != null and .to != null' <<<"$body" >/dev/null || fail "sales/$ep shape: $body"
done
get "$base/api/sales/map?from=$from&to=$to"
jq -e '.data | type == "array" and length > 0 and (.[0] | has("latitude") and has("revenue"))' <<<"$body" >/dev/null || fail "map shape"
get "$base/api/sales/top?by=brand&limit=5&from=$from&to=$to"
jq -e '.data | length <= 5' <<<"$body" >/dev/null || fail "top limit"
for ep in optimizer/statements optimizer/clusters optimizer/models optimizer/capture optimizer/events anomalies segments forecast; do
    get "$base/api/$ep"; body=$body; [ "$code" = 200 ] || fail "$ep: $code $body"
    jq -e 'has("available")' <<<"$body" >/dev/null || fail "$ep shape: $body"
done
pass "every endpoint answers with its shape"

# ---- filters agree with SQL run directly -------------------------------------------------------
sql_revenue() {  # $1: extra SQL condition
    q -c "SELECT coalesce(sum(f.revenue), 0) FROM gold.fact_sales f JOIN gold.dim_product p USING (product_sk)
          JOIN gold.dim_store s USING (store_id)
          WHERE f.order_date BETWEEN '$from' AND '$to' $1"
}
api_revenue() { get "$base/api/sales/kpis?from=$from&to=$to$1"; jq -r '.data.revenue' <<<"$body"; }
all=$(api_revenue ""); [ "$(jq -n "$all == $(sql_revenue '')")" = true ] || fail "total revenue $all != SQL"
b=$(api_revenue "&brand=$(jq -rn --arg v "$brand" '$v|@uri')")
[ "$(jq -n "$b == $(sql_revenue "AND p.brand = '$brand'")")" = true ] || fail "brand revenue $b != SQL"
c=$(api_revenue "&city=$(jq -rn --arg v "$city" '$v|@uri')")
[ "$(jq -n "$c == $(sql_revenue "AND s.city = '$city'")")" = true ] || fail "city revenue $c != SQL"
category=$(jq -r '.categories[0]' <<<"$filters")
k=$(api_revenue "&category=$(jq -rn --arg v "$category" '$v|@uri')")
[ "$(jq -n "$k == $(sql_revenue "AND p.category = '$category'")")" = true ] || fail "category revenue $k != SQL"
[ "$(jq -n "$b < $all and $c < $all and $k < $all")" = true ] || fail "filters did not narrow the totals"
get "$base/api/sales/kpis?from=$from&to=$to&city=$(jq -rn --arg v "$city" '$v|@uri')"
[ "$(jq .data.orders <<<"$body")" = "$(q -c "SELECT count(DISTINCT f.order_id) FROM gold.fact_sales f JOIN gold.dim_store s
     USING (store_id) WHERE f.order_date BETWEEN '$from' AND '$to' AND s.city = '$city'")" ] || fail "city orders != SQL: $body"
pass "filtered KPIs equal the same sums in SQL ($all all, $b for $brand, $c in $city, $k in $category)"

# Each request answered from a gold aggregate gives what the same request gives from fact_sales
# (source=facts); arrays compared as sets, since equal revenues may tie in either order.
channel=store
IFS=$'\t' read -r store store_city < <(q -F $'\t' -c "SELECT f.store_id, s.city FROM gold.fact_sales f JOIN gold.dim_store s USING (store_id)
    WHERE f.channel_key = (SELECT channel_key FROM gold.dim_channel WHERE channel = '$channel')
    AND f.order_date BETWEEN '$from' AND '$to' GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1")
uri() { jq -rn --arg v "$1" '$v|@uri'; }
both_paths() {  # $1: request path and query; $2: the aggregate it must read
    local auto facts
    get "$base/api/$1&from=$from&to=$to"; auto=$body; [ "$code" = 200 ] || fail "$1: $code $body"
    get "$base/api/$1&from=$from&to=$to&source=facts"; facts=$body; [ "$code" = 200 ] || fail "$1 source=facts: $code $body"
    [ "$(jq -r .source <<<"$auto")" = "$2" ] || fail "$1 read $(jq -r .source <<<"$auto"), not $2"
    [ "$(jq -r .source <<<"$facts")" = gold.fact_sales ] || fail "$1 with source=facts read $(jq -r .source <<<"$facts")"
    jq -e '.data | if type == "array" then length > 0 else .orders > 0 end' <<<"$auto" >/dev/null || fail "$1: no data: $auto"
    [ "$(jq -n --argjson a "$auto" --argjson f "$facts" \
          '($a.data | if type == "array" then sort else . end) == ($f.data | if type == "array" then sort else . end)')" = true ] \
        || fail "$1: the aggregate and fact_sales disagree: $auto vs $facts"
}
both_paths "sales/kpis?x=" gold.daily_sales_summary
both_paths "sales/kpis?brand=$(uri "$brand")" gold.daily_brand_sales
both_paths "sales/kpis?city=$(uri "$city")" gold.city_daily_metrics
both_paths "sales/kpis?store=$store&channel=$channel" gold.daily_store_sales
both_paths "sales/trend?grain=day" gold.daily_sales_summary
both_paths "sales/trend?grain=week&brand=$(uri "$brand")" gold.daily_brand_sales
both_paths "sales/trend?city=$(uri "$store_city")&channel=$channel" gold.daily_store_sales
both_paths "sales/top?by=brand&limit=100" gold.daily_brand_sales
both_paths "sales/top?by=brand&limit=100&brand=$(uri "$brand")" gold.daily_brand_sales
both_paths "sales/map?x=" gold.daily_store_sales
both_paths "sales/top?by=sku&limit=100" gold.daily_product_sales
both_paths "sales/top?by=sku&limit=100&category=$(uri "$category")" gold.daily_product_sales
both_paths "sales/map?city=$(uri "$city")" gold.daily_store_sales
# ...and the fallback: filters no aggregate has read fact_sales, with the same numbers as SQL.
get "$base/api/sales/kpis?from=$from&to=$to&category=$(uri "$category")&city=$(uri "$city")"
[ "$(jq -r .source <<<"$body")" = gold.fact_sales ] || fail "category and city did not fall back to fact_sales: $body"
[ "$(jq -c '.data | [.revenue, .orders, .units, .returned_units]' <<<"$body")" = "$(q -c "SELECT json_build_array(sum(f.revenue),
     count(DISTINCT f.order_id), sum(f.quantity), sum(f.returned_qty)) FROM gold.fact_sales f JOIN gold.dim_product p USING (product_sk)
     JOIN gold.dim_store s USING (store_id) WHERE f.order_date BETWEEN '$from' AND '$to' AND p.category = '$category'
     AND s.city = '$city'" | jq -c .)" ] || fail "fallback KPIs != SQL: $body"
get "$base/api/sales/top?by=sku&from=$from&to=$to&city=$(uri "$city")"
[ "$(jq -r .source <<<"$body")" = gold.fact_sales ] || fail "top SKUs in a city did not read fact_sales: $body"
pass "every view reads its gold aggregate when the filters allow, with the numbers fact_sales gives; other filters fall back"

# ---- bad parameters ----------------------------------------------------------------------------
expect_400() {
    local body; get "$base$1"; body=$body
    [ "$code" = 400 ] || fail "$1: expected 400, got $code $body"
    jq -e --arg m "$2" '.error | contains($m)' <<<"$body" >/dev/null || fail "$1: message lacks \"$2\": $body"
}
expect_400 "/api/sales/kpis?brand=NoSuchBrand" 'unknown brand "NoSuchBrand"'
expect_400 "/api/sales/kpis?from=2025-05-01&to=2025-04-01" "must not be after"
expect_400 "/api/sales/kpis?from=1990-01-01&to=$to" "too large"
expect_400 "/api/sales/kpis?from=not-a-date" "YYYY-MM-DD"
expect_400 "/api/sales/kpis?brand=x%27%20OR%20%271%27%3D%271" "unknown brand"
expect_400 "/api/sales/kpis?store=1%20OR%201%3D1" "unknown store"
expect_400 "/api/sales/top?by=email" "by must be one of"
expect_400 "/api/sales/top?limit=100000" "limit must be"
expect_400 "/api/sales/kpis?source=cache" "source must be one of"
expect_400 "/api/recommendations?status=pending%27--" "status must be one of"
[ "$(q -c "SELECT count(*) > 0 FROM gold.fact_sales")" = t ] || fail "data gone after injection attempts"
pass "bad parameters get 400 with a clear message; injection strings do nothing"

# ---- approvals -----------------------------------------------------------------------------------
get "$base/api/recommendations"
jq -e --argjson id "$rec_id" 'map(select(.id == $id and .status == "pending")) | length == 1' \
    <<<"$body" >/dev/null || fail "recommendation $rec_id not listed as pending"
get -X POST --data "" "$base/api/recommendations/$rec_id/approve"; body=$body; [ "$code" = 401 ] || fail "anonymous approve: $code $body"
login() { get -c /tmp/it-web-jar.$$ -b /tmp/it-web-jar.$$ -X POST -H 'Content-Type: application/json' \
              -d "{\"user\":\"$1\",\"password\":\"$2\"}" "$base/api/login"; }
login it_web_user user-secret; [ "$code" = 403 ] || fail "ordinary user login: $code $body"
login it_web_admin wrong-password; [ "$code" = 401 ] || fail "wrong password: $code $body"
get -X POST -d 'user=it_web_admin&password=admin-secret' "$base/api/login"; body=$body; [ "$code" = 400 ] || fail "form-encoded login: $code"
[ "$(status_of)" = pending ] || fail "status changed without an admin"
pass "anonymous, ordinary and wrong-password users cannot approve"

login it_web_admin admin-secret; [ "$code" = 200 ] || fail "admin login: $code $body"
csrf=$(jq -r .csrf <<<"$body")
get -b /tmp/it-web-jar.$$ -X POST --data "" "$base/api/recommendations/$rec_id/approve"; body=$body; [ "$code" = 403 ] || fail "approve without CSRF: $code"
get -b /tmp/it-web-jar.$$ -X POST --data "" -H "X-CSRF-Token: not-the-token" "$base/api/recommendations/$rec_id/approve"; body=$body
[ "$code" = 403 ] || fail "approve with a wrong CSRF token: $code"
[ "$(status_of)" = pending ] || fail "status changed without the CSRF token"
get -b /tmp/it-web-jar.$$ -X POST -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    -d '{"note":"looks right"}' "$base/api/recommendations/$rec_id/approve"
[ "$code" = 200 ] || fail "admin approve: $code $body"
[ "$(status_of)" = approved ] || fail "status is $(status_of) after approve"
[ "$(q -c "SELECT decided_by FROM autopilot.recommendations WHERE id = $rec_id")" = it_web_admin ] || fail "approval not recorded under the admin's role"
get -b /tmp/it-web-jar.$$ -X POST -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
    -d '{"note":"again"}' "$base/api/recommendations/$rec_id/approve"
[ "$code" = 409 ] || fail "approve after approve: $code $body"
jq -e '.error | test("approved")' <<<"$body" >/dev/null || fail "409 does not name the current status: $body"
pass "an admin approves with the CSRF token, recorded under the admin's role; a wrong transition is a 409"

metrics=$(curl -fsS "$base/metrics")
grep -q '^autopilot_web_requests_total{route="approve",method="POST",status="200"} 1' <<<"$metrics" || fail "metrics lack the approve count"
grep -q '^autopilot_web_request_duration_seconds_bucket{route="sales_kpis",le="+Inf"}' <<<"$metrics" || fail "metrics lack latencies"
if command -v promtool >/dev/null; then
    promtool check metrics <<<"$metrics" >/dev/null 2>&1 || promtool check metrics <<<"$metrics" || fail "promtool rejects /metrics"
fi
pass "/metrics counts requests and latencies in Prometheus format"

# ---- the browser -----------------------------------------------------------------------------------
second=$(q -c "INSERT INTO autopilot.recommendations (kind, schema_name, table_name, columns, index_name, ddl, estimated_bytes,
                 predicted_gain_pct, confidence, rationale, status)
               VALUES ('create_index', 'gold', 'fact_sales', ARRAY['product_id'], 'autopilot_fact_sales_product_id_test',
                 'CREATE INDEX CONCURRENTLY autopilot_fact_sales_product_id_test ON gold.fact_sales (product_id)',
                 2097152, 20.0, 0.7, 'product look-ups scan fact_sales', 'pending') RETURNING id")
shots=$BUILD_DIR/screenshots
mkdir -p "$shots"
/usr/bin/python3 "$AUTOPILOT_ROOT/tests/integration/web_browser.py" --base "$base" --shots "$shots" \
    --rec "$second" --user it_web_admin --password admin-secret || fail "browser test failed"
[ "$(q -c "SELECT status FROM autopilot.recommendations WHERE id = $second")" = approved ] || fail "approve through the page did not reach the database"
pass "pages render in Chromium without console errors; approve through the page works only after login (screenshots in $shots)"
