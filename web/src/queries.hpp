// The dashboard's SQL, one named constant per query. Every value arrives as a bind parameter;
// results are built as JSON by PostgreSQL (json_agg), so the C++ passes them through untouched.
#pragma once

namespace autopilot::web::sql {

// Every sales query binds the same parameters: $1 from, $2 to (dates), $3 brand, $4 category,
// $5 city, $6 channel, $7 store id ('' = any), and $8 for the trend's grain or the top list's
// limit. sales_source.cpp chooses among them per request: a gold aggregate when it has every
// dimension the request filters on, else fact_sales.
//
// fact_sales: dimension filters are semi-joins, not joins: the server plans each request with its
// values, so an unused filter ('' = '') folds away and the query reads fact_sales alone. Queries
// aggregate the facts first (per order, per product, per store) and join the few resulting keys:
// counting orders as groups of a hash aggregate instead of count(DISTINCT), which sorts every line.
// Every fact row has its dimension rows (`autopilot-etl check` verifies referential integrity), so
// this counts exactly what joins would count.
#define AUTOPILOT_SALES_FILTER                                                                                  \
    " WHERE f.order_date BETWEEN $1::date AND $2::date"                                                        \
    "   AND ($3 = '' OR f.product_sk IN (SELECT product_sk FROM gold.dim_product WHERE brand = $3))"           \
    "   AND ($4 = '' OR f.product_sk IN (SELECT product_sk FROM gold.dim_product WHERE category = $4))"        \
    "   AND ($5 = '' OR f.store_id IN (SELECT store_id FROM gold.dim_store WHERE city = $5))"                  \
    "   AND ($6 = '' OR f.channel_key IN (SELECT channel_key FROM gold.dim_channel WHERE channel = $6))"       \
    "   AND ($7 = '' OR f.store_id = $7)"
#define AUTOPILOT_SALES_SCOPE " FROM gold.fact_sales f" AUTOPILOT_SALES_FILTER
// One row per order (an order has one day and one store: `autopilot-etl check` verifies it).
#define AUTOPILOT_SALES_ORDERS                                                                                  \
    " FROM (SELECT f.order_id, f.order_date, f.store_id, sum(f.revenue) AS revenue, sum(f.quantity) AS units,"  \
    "       sum(f.returned_qty) AS returned_units" AUTOPILOT_SALES_SCOPE                                        \
    "       GROUP BY f.order_id, f.order_date, f.store_id) o"

// The gold aggregates (etl/sql/gold.sql) hold orders, units, revenue and returned units per day
// and one dimension, summed from the same fact rows, with every order status. Each scope names the
// filters its table cannot apply as "must be empty" (a constant the planner folds away), so a
// request it cannot answer returns nothing rather than a wrong sum; the chooser never sends one.
#define AUTOPILOT_AGG_DATES " WHERE a.sale_date BETWEEN $1::date AND $2::date"
#define AUTOPILOT_DAYS_SCOPE                                                                                    \
    " FROM gold.daily_sales_summary a" AUTOPILOT_AGG_DATES " AND $3::text || $4::text || $5::text || $6::text || $7::text = ''"
#define AUTOPILOT_BRANDS_SCOPE                                                                                  \
    " FROM gold.daily_brand_sales a" AUTOPILOT_AGG_DATES " AND ($3 = '' OR a.brand = $3)"                      \
    " AND $4::text || $5::text || $6::text || $7::text = ''"
#define AUTOPILOT_CITIES_SCOPE                                                                                  \
    " FROM gold.city_daily_metrics a" AUTOPILOT_AGG_DATES " AND ($5 = '' OR a.city = $5)"                      \
    " AND $3::text || $4::text || $6::text || $7::text = ''"
#define AUTOPILOT_STORES_SCOPE                                                                                  \
    " FROM gold.daily_store_sales a" AUTOPILOT_AGG_DATES                                                       \
    " AND ($5 = '' OR a.store_id IN (SELECT store_id FROM gold.dim_store WHERE city = $5))"                    \
    " AND ($6 = '' OR a.channel_key IN (SELECT channel_key FROM gold.dim_channel WHERE channel = $6))"         \
    " AND ($7 = '' OR a.store_id = $7) AND $3::text || $4::text = ''"
#define AUTOPILOT_PRODUCTS_SCOPE                                                                                \
    " FROM gold.daily_product_sales a" AUTOPILOT_AGG_DATES                                                     \
    " AND ($3 = '' OR a.product_sk IN (SELECT product_sk FROM gold.dim_product WHERE brand = $3))"           \
    " AND ($4 = '' OR a.product_sk IN (SELECT product_sk FROM gold.dim_product WHERE category = $4))"        \
    " AND $5::text || $6::text || $7::text = ''"

inline constexpr const char *kKnownValues = R"SQL(
SELECT json_build_object(
  'brands',     (SELECT coalesce(json_agg(DISTINCT brand ORDER BY brand), '[]') FROM gold.dim_product WHERE brand IS NOT NULL),
  'categories', (SELECT coalesce(json_agg(DISTINCT category ORDER BY category), '[]') FROM gold.dim_product WHERE category IS NOT NULL),
  'cities',     (SELECT coalesce(json_agg(DISTINCT city ORDER BY city), '[]') FROM gold.dim_store),
  'channels',   (SELECT coalesce(json_agg(channel ORDER BY channel_key), '[]') FROM gold.dim_channel),
  'stores',     (SELECT coalesce(json_agg(json_build_object('store', store_id, 'name', store_name, 'city', city)
                                          ORDER BY store_id), '[]') FROM gold.dim_store),
  'min_date',   (SELECT to_char(min(full_date), 'YYYY-MM-DD') FROM gold.dim_date d
                  WHERE EXISTS (SELECT 1 FROM gold.daily_sales_summary x WHERE x.sale_date = d.full_date)),
  'max_date',   (SELECT to_char(max(sale_date), 'YYYY-MM-DD') FROM gold.daily_sales_summary))
)SQL";

// KPIs: o = one row per order (facts) or a = the aggregate's rows.
#define AUTOPILOT_KPIS(orders)                                                                                  \
    "SELECT json_build_object('revenue', coalesce(sum(x.revenue), 0), 'orders', coalesce(" orders ", 0),"      \
    " 'units', coalesce(sum(x.units), 0), 'returned_units', coalesce(sum(x.returned_units), 0),"              \
    " 'avg_order_value', CASE WHEN " orders " > 0 THEN round(sum(x.revenue) / " orders ", 2) ELSE 0 END)"
inline constexpr const char *kKpis = AUTOPILOT_KPIS("count(*)") " FROM (SELECT *" AUTOPILOT_SALES_ORDERS ") x";
inline constexpr const char *kKpisFromDays = AUTOPILOT_KPIS("sum(x.orders)") " FROM (SELECT *" AUTOPILOT_DAYS_SCOPE ") x";
inline constexpr const char *kKpisFromBrands = AUTOPILOT_KPIS("sum(x.orders)") " FROM (SELECT *" AUTOPILOT_BRANDS_SCOPE ") x";
inline constexpr const char *kKpisFromCities = AUTOPILOT_KPIS("sum(x.orders)") " FROM (SELECT *" AUTOPILOT_CITIES_SCOPE ") x";
inline constexpr const char *kKpisFromStores = AUTOPILOT_KPIS("sum(x.orders)") " FROM (SELECT *" AUTOPILOT_STORES_SCOPE ") x";

// Trend by $8 'day' or 'week'.
#define AUTOPILOT_TREND(day, orders, from)                                                                      \
    "SELECT coalesce(json_agg(t ORDER BY t.period), '[]') FROM ("                                              \
    " SELECT to_char(date_trunc($8, x." day "), 'YYYY-MM-DD') AS period,"                                       \
    " sum(x.revenue) AS revenue, " orders " AS orders, sum(x.units) AS units FROM (SELECT *" from ") x GROUP BY 1) t"
inline constexpr const char *kTrend = AUTOPILOT_TREND("order_date", "count(*)", AUTOPILOT_SALES_ORDERS);
inline constexpr const char *kTrendFromDays = AUTOPILOT_TREND("sale_date", "sum(x.orders)", AUTOPILOT_DAYS_SCOPE);
inline constexpr const char *kTrendFromBrands = AUTOPILOT_TREND("sale_date", "sum(x.orders)", AUTOPILOT_BRANDS_SCOPE);
inline constexpr const char *kTrendFromCities = AUTOPILOT_TREND("sale_date", "sum(x.orders)", AUTOPILOT_CITIES_SCOPE);
inline constexpr const char *kTrendFromStores = AUTOPILOT_TREND("sale_date", "sum(x.orders)", AUTOPILOT_STORES_SCOPE);

// $8: limit. Per product version first, then per SKU (a SKU's versions).
#define AUTOPILOT_TOP_SKUS(rows)                                                                                \
    "SELECT coalesce(json_agg(t ORDER BY t.revenue DESC), '[]') FROM ("                                        \
    " SELECT p.sku, min(p.brand) AS brand, min(p.model) AS model, sum(a.units) AS units, sum(a.revenue) AS revenue" \
    " FROM (SELECT x.product_sk, sum(x.units) AS units, sum(x.revenue) AS revenue FROM (" rows ") x"           \
    "       GROUP BY x.product_sk) a JOIN gold.dim_product p ON p.product_sk = a.product_sk"                  \
    " GROUP BY p.sku ORDER BY sum(a.revenue) DESC LIMIT $8) t"
inline constexpr const char *kTopSkus =
    AUTOPILOT_TOP_SKUS("SELECT f.product_sk, f.quantity AS units, f.revenue" AUTOPILOT_SALES_SCOPE);
inline constexpr const char *kTopSkusFromProducts = AUTOPILOT_TOP_SKUS("SELECT *" AUTOPILOT_PRODUCTS_SCOPE);

// Per brand and order first (an order may hold several brands), then per brand.
#define AUTOPILOT_TOP_BRANDS(orders, from)                                                                      \
    "SELECT coalesce(json_agg(t ORDER BY t.revenue DESC), '[]') FROM ("                                        \
    " SELECT x.brand, sum(x.units) AS units, sum(x.revenue) AS revenue, " orders " AS orders"                 \
    " FROM (SELECT *" from ") x GROUP BY x.brand ORDER BY sum(x.revenue) DESC LIMIT $8) t"
inline constexpr const char *kTopBrands = AUTOPILOT_TOP_BRANDS(
    "count(*)", " FROM (SELECT p.brand, f.order_id, sum(f.quantity) AS units, sum(f.revenue) AS revenue"
                " FROM gold.fact_sales f JOIN gold.dim_product p ON p.product_sk = f.product_sk" AUTOPILOT_SALES_FILTER
                " GROUP BY p.brand, f.order_id) b");
inline constexpr const char *kTopBrandsFromBrands = AUTOPILOT_TOP_BRANDS("sum(x.orders)", AUTOPILOT_BRANDS_SCOPE);

#define AUTOPILOT_STORE_MAP(orders, from)                                                                       \
    "SELECT coalesce(json_agg(t ORDER BY t.revenue DESC), '[]') FROM ("                                        \
    " SELECT s.store_id AS store, s.store_name AS name, s.city, s.latitude, s.longitude, a.revenue, a.orders"  \
    " FROM (SELECT x.store_id, sum(x.revenue) AS revenue, " orders " AS orders FROM (SELECT *" from ") x"      \
    "       GROUP BY x.store_id) a JOIN gold.dim_store s ON s.store_id = a.store_id"                          \
    " WHERE s.latitude IS NOT NULL) t"
inline constexpr const char *kStoreMap = AUTOPILOT_STORE_MAP("count(*)", AUTOPILOT_SALES_ORDERS);
inline constexpr const char *kStoreMapFromStores = AUTOPILOT_STORE_MAP("sum(x.orders)", AUTOPILOT_STORES_SCOPE);

// The latest complete run of a mining job; $1 job.
#define AUTOPILOT_LATEST_RUN(job) \
    "(SELECT max(run_id) FROM mining.model_runs WHERE job = '" job "' AND status = 'complete')"

// $1 from, $2 to
inline constexpr const char *kAnomalies =
    "SELECT coalesce(json_agg(a ORDER BY a.day, a.score DESC), '[]') FROM ("
    " SELECT entity_kind, entity, metric, to_char(day, 'YYYY-MM-DD') AS day, actual, expected, score, direction, reason"
    " FROM mining.anomalies WHERE run_id = " AUTOPILOT_LATEST_RUN("anomalies")
    " AND day BETWEEN $1::date AND $2::date ORDER BY abs(score) DESC LIMIT 500) a";

inline constexpr const char *kSegments =
    "SELECT coalesce(json_agg(s ORDER BY s.customers DESC), '[]') FROM ("
    " SELECT label, customers, recency_days, tenure_days, orders, monetary, online_share"
    " FROM mining.segment_profiles WHERE run_id = " AUTOPILOT_LATEST_RUN("segments") ") s";

// The forecast for the filter's brand/category/city: the sum of the per-series forecasts and of their
// 80% bounds (an approximate band for the total). $1 brand, $2 category, $3 city.
inline constexpr const char *kForecast =
    "SELECT coalesce(json_agg(t ORDER BY t.day), '[]') FROM ("
    " SELECT to_char(fc.forecast_date, 'YYYY-MM-DD') AS day, sum(fc.units) AS units,"
    " sum(fc.lower_80) AS lower_80, sum(fc.upper_80) AS upper_80"
    " FROM mining.demand_forecast fc"
    " JOIN gold.dim_product p ON p.product_id::text = fc.product_id AND p.is_current"
    " WHERE fc.run_id = " AUTOPILOT_LATEST_RUN("forecast")
    " AND ($1 = '' OR p.brand = $1) AND ($2 = '' OR p.category = $2) AND ($3 = '' OR fc.city = $3)"
    " GROUP BY fc.forecast_date) t";

inline constexpr const char *kRelationExists = "SELECT to_regclass($1) IS NOT NULL";

// $1 status ('' = all), $2 limit
inline constexpr const char *kRecommendations =
    "SELECT coalesce(json_agg(r ORDER BY r.id DESC), '[]') FROM ("
    " SELECT * FROM autopilot.recommendations WHERE $1 = '' OR status = $1 ORDER BY id DESC LIMIT $2) r";

inline constexpr const char *kRecommendationEvents =
    "SELECT coalesce(json_agg(e), '[]') FROM ("
    " SELECT * FROM autopilot.recommendation_events ORDER BY 1 DESC LIMIT 100) e";

inline constexpr const char *kTopStatements =
    "SELECT coalesce(json_agg(t), '[]') FROM ("
    " SELECT queryid::text AS queryid, calls, round(total_exec_time::numeric, 1) AS total_ms,"
    " round(mean_exec_time::numeric, 2) AS mean_ms, rows, left(query, 400) AS query"
    " FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
    " ORDER BY total_exec_time DESC LIMIT $1) t";

inline constexpr const char *kAllRows = "SELECT coalesce(json_agg(t), '[]') FROM (SELECT * FROM %s LIMIT 200) t";

// Gauges for /metrics that describe the database's state (the daemon exports its own activity).
inline constexpr const char *kCaptureGauges =
    "SELECT json_build_object('sampled', sampled, 'dropped', dropped, 'drained', drained, 'truncated', truncated,"
    " 'used_bytes', used_bytes, 'capacity_bytes', capacity_bytes) FROM autopilot.capture_status";
inline constexpr const char *kEtlGauges =
    "SELECT json_build_object('finished', extract(epoch FROM r.finished_at), 'total_ms', r.total_ms,"
    " 'succeeded', r.status = 'succeeded', 'steps', (SELECT coalesce(json_agg(json_build_object('step', s.step,"
    " 'rows_out', s.rows_out)), '[]') FROM etl.run_steps s WHERE s.run_id = r.run_id))"
    " FROM etl.runs r WHERE r.status <> 'running' ORDER BY r.run_id DESC LIMIT 1";
// Numeric leaves of the active latency model's metrics, flattened to dotted names.
inline constexpr const char *kModelGauges =
    "WITH RECURSIVE m AS (SELECT id, metrics FROM autopilot.models WHERE active ORDER BY created_at DESC LIMIT 1),"
    " leaves(path, value) AS (SELECT e.key, e.value FROM m, jsonb_each(m.metrics) e"
    "  UNION ALL SELECT l.path || '.' || e.key, e.value FROM leaves l, jsonb_each(l.value) e"
    "  WHERE jsonb_typeof(l.value) = 'object')"
    " SELECT coalesce(json_object_agg(path, value::text::float8), '{}') FROM leaves WHERE jsonb_typeof(value) = 'number'";

// $1: the listing as JSON (the authenticity form's fields).
inline constexpr const char *kCheckListing =
    "SELECT row_to_json(r) FROM mining.check_listing("
    " $1::jsonb->>'product', ($1::jsonb->>'size')::numeric, ($1::jsonb->>'asking_price')::numeric,"
    " $1::jsonb->>'sku_code', ($1::jsonb->>'photo_count')::int, $1::jsonb->>'description',"
    " ($1::jsonb->>'seller_joined_on')::date, ($1::jsonb->>'seller_sales')::int,"
    " ($1::jsonb->>'seller_rating')::numeric, coalesce($1::jsonb->>'condition', 'new')) r";

inline constexpr const char *kApprove = "SELECT autopilot.approve($1::bigint, NULLIF($2, ''))";
inline constexpr const char *kReject = "SELECT autopilot.reject($1::bigint, $2)";
inline constexpr const char *kIsAdmin = "SELECT pg_has_role(current_user, 'autopilot_admin', 'MEMBER')";

}  // namespace autopilot::web::sql
