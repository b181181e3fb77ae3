-- autopilot-etl check: data quality checks of the warehouse. Each check writes one row into
-- etl.quality_results for the check run current_setting('etl.check_run_id'): what was observed
-- (usually a count of offending rows), what was expected, and whether it passed. Critical checks
-- make the command exit non-zero. Runs in one read-only snapshot (REPEATABLE READ), so counts
-- from different tables agree with each other.
CREATE FUNCTION pg_temp.chk(p_name text, p_category text, p_severity text, p_observed numeric, p_expected text,
                            p_passed boolean, p_detail text) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO etl.quality_results (check_run_id, check_name, category, severity, passed, observed, expected, detail)
    VALUES (current_setting('etl.check_run_id')::bigint, p_name, p_category, p_severity, coalesce(p_passed, false),
            p_observed, p_expected, p_detail)
$$;

-- The bronze batches silver has read (per step watermark).
CREATE TEMP TABLE loaded_batches AS
SELECT w.step, b.batch_id
FROM etl.watermarks w JOIN bronze.load_batches b ON b.status = 'complete' AND b.batch_id <= w.high_water
WHERE w.step LIKE 'silver.%';

-- ===== reconciliation: every bronze row is in silver or in silver.rejects ==========================
-- Entities without merges: bronze rows read = silver rows + rejected rows, exactly.
SELECT pg_temp.chk('reconcile.' || t.step, 'reconciliation', 'critical', t.bronze - t.silver - t.rejected, '0',
                   t.bronze = t.silver + t.rejected,
                   format('bronze %s = silver %s + rejected %s', t.bronze, t.silver, t.rejected))
FROM (
    SELECT 'silver.order_items' AS step,
           (SELECT count(*) FROM bronze.order_items WHERE _batch_id IN
               (SELECT batch_id FROM loaded_batches WHERE step = 'silver.order_items')) AS bronze,
           (SELECT count(*) FROM silver.order_items) AS silver,
           (SELECT count(*) FROM silver.rejects WHERE source = 'bronze.order_items' AND action = 'rejected') AS rejected
    UNION ALL
    SELECT 'silver.inventory_movements',
           (SELECT count(*) FROM bronze.inventory_movements WHERE _batch_id IN
               (SELECT batch_id FROM loaded_batches WHERE step = 'silver.inventory_movements')),
           (SELECT count(*) FROM silver.inventory_movements),
           (SELECT count(*) FROM silver.rejects WHERE source = 'bronze.inventory_movements' AND action = 'rejected')
    UNION ALL
    SELECT 'silver.reviews',
           (SELECT count(*) FROM bronze.reviews WHERE _batch_id IN
               (SELECT batch_id FROM loaded_batches WHERE step = 'silver.reviews')),
           (SELECT count(*) FROM silver.reviews),
           (SELECT count(*) FROM silver.rejects WHERE source = 'bronze.reviews' AND action = 'rejected')
    UNION ALL
    SELECT 'silver.sessions',
           (SELECT count(*) FROM bronze.sessions WHERE _batch_id IN
               (SELECT batch_id FROM loaded_batches WHERE step = 'silver.sessions')),
           (SELECT count(*) FROM silver.sessions),
           (SELECT count(*) FROM silver.rejects WHERE source = 'bronze.sessions' AND action = 'rejected')
    UNION ALL
    SELECT 'silver.clickstream',
           (SELECT count(*) FROM bronze.clickstream_events WHERE _batch_id IN
               (SELECT batch_id FROM loaded_batches WHERE step = 'silver.clickstream')),
           (SELECT count(*) FROM silver.clickstream),
           (SELECT count(*) FROM silver.rejects WHERE source = 'bronze.clickstream_events' AND action = 'rejected')
) t;

-- Entities with re-deliveries (updates, SCD2 versions): every bronze key is in silver or rejected.
SELECT pg_temp.chk('reconcile.silver.orders', 'reconciliation', 'critical', count(*), '0', count(*) = 0,
                   'bronze order ids neither in silver.orders nor in silver.rejects')
FROM (SELECT DISTINCT btrim(order_id) AS k FROM bronze.orders
      WHERE _batch_id IN (SELECT batch_id FROM loaded_batches WHERE step = 'silver.orders') AND order_id IS NOT NULL) b
WHERE NOT EXISTS (SELECT 1 FROM silver.orders s WHERE s.order_id = b.k)
  AND NOT EXISTS (SELECT 1 FROM silver.rejects r WHERE r.source = 'bronze.orders' AND r.source_key = b.k);

SELECT pg_temp.chk('reconcile.silver.customers', 'reconciliation', 'critical', count(*), '0', count(*) = 0,
                   'bronze customer ids neither in silver.customers nor in silver.rejects')
FROM (SELECT DISTINCT btrim(customer_id) AS k FROM bronze.customers
      WHERE _batch_id IN (SELECT batch_id FROM loaded_batches WHERE step = 'silver.customers') AND customer_id IS NOT NULL) b
WHERE NOT EXISTS (SELECT 1 FROM silver.customers s WHERE s.customer_id = b.k)
  AND NOT EXISTS (SELECT 1 FROM silver.rejects r WHERE r.source = 'bronze.customers' AND r.source_key = b.k);

SELECT pg_temp.chk('reconcile.silver.products', 'reconciliation', 'critical', count(*), '0', count(*) = 0,
                   'bronze product ids neither in silver.products nor in silver.rejects')
FROM (SELECT DISTINCT btrim(product_id) AS k FROM bronze.products
      WHERE _batch_id IN (SELECT batch_id FROM loaded_batches WHERE step = 'silver.products') AND product_id IS NOT NULL) b
WHERE NOT EXISTS (SELECT 1 FROM silver.products s WHERE s.product_id = b.k)
  AND NOT EXISTS (SELECT 1 FROM silver.rejects r WHERE r.source = 'bronze.products' AND r.source_key = b.k);

-- silver -> gold: every order line is a fact row; aggregates add up to the facts.
SELECT pg_temp.chk('reconcile.gold.fact_sales', 'reconciliation', 'critical', s.n - g.n, '0', s.n = g.n,
                   format('silver.order_items %s, gold.fact_sales %s', s.n, g.n))
FROM (SELECT count(*) AS n FROM silver.order_items) s, (SELECT count(*) AS n FROM gold.fact_sales) g;

CREATE TEMP TABLE fact_total AS SELECT coalesce(sum(revenue), 0) AS revenue, coalesce(sum(quantity), 0) AS units
FROM gold.fact_sales;

SELECT pg_temp.chk('reconcile.gold.' || a.name, 'reconciliation', 'critical', a.revenue - f.revenue, '0',
                   a.revenue = f.revenue, format('revenue %s vs fact_sales %s', a.revenue, f.revenue))
FROM fact_total f, (
    SELECT 'daily_sales_summary' AS name, coalesce(sum(revenue), 0) AS revenue FROM gold.daily_sales_summary
    UNION ALL SELECT 'daily_brand_sales', coalesce(sum(revenue), 0) FROM gold.daily_brand_sales
    UNION ALL SELECT 'city_daily_metrics', coalesce(sum(revenue), 0) FROM gold.city_daily_metrics
    UNION ALL SELECT 'daily_store_sales', coalesce(sum(revenue), 0) FROM gold.daily_store_sales
    UNION ALL SELECT 'daily_product_sales', coalesce(sum(revenue), 0) FROM gold.daily_product_sales
    UNION ALL SELECT 'customer_360', coalesce(sum(revenue), 0) FROM gold.customer_360
    UNION ALL SELECT 'product_performance', coalesce(sum(revenue), 0) FROM gold.product_performance
) a;

-- An order has one day, one store and one channel: the per-city and per-store-and-channel order
-- counts add up to the day's (the dashboard sums them over days, stores and channels).
SELECT pg_temp.chk('reconcile.gold.' || a.name || '_orders', 'reconciliation', 'critical', a.orders - d.orders, '0',
                   a.orders = d.orders, format('orders %s vs daily_sales_summary %s', a.orders, d.orders))
FROM (SELECT coalesce(sum(orders), 0) AS orders FROM gold.daily_sales_summary) d, (
    SELECT 'city_daily_metrics' AS name, coalesce(sum(orders), 0) AS orders FROM gold.city_daily_metrics
    UNION ALL SELECT 'daily_store_sales', coalesce(sum(orders), 0) FROM gold.daily_store_sales
) a;

SELECT pg_temp.chk('reconcile.gold.customer_360_rows', 'reconciliation', 'critical', c.n - s.n, '0', c.n = s.n,
                   format('customer_360 %s rows, current customers %s', c.n, s.n))
FROM (SELECT count(*) AS n FROM gold.customer_360) c,
     (SELECT count(*) AS n FROM silver.customers WHERE is_current) s;

SELECT pg_temp.chk('reconcile.gold.product_performance_rows', 'reconciliation', 'critical', c.n - s.n, '0', c.n = s.n,
                   format('product_performance %s rows, current products %s', c.n, s.n))
FROM (SELECT count(*) AS n FROM gold.product_performance) c,
     (SELECT count(*) AS n FROM silver.products WHERE is_current) s;

-- ===== uniqueness ================================================================================
SELECT pg_temp.chk('unique.silver.customers.version', 'uniqueness', 'critical', count(*), '0', count(*) = 0,
                   'customer versions sharing (customer_id, valid_from)')
FROM (SELECT 1 FROM silver.customers GROUP BY customer_id, valid_from HAVING count(*) > 1) x;

SELECT pg_temp.chk('unique.silver.products.version', 'uniqueness', 'critical', count(*), '0', count(*) = 0,
                   'product versions sharing (product_id, valid_from)')
FROM (SELECT 1 FROM silver.products GROUP BY product_id, valid_from HAVING count(*) > 1) x;

SELECT pg_temp.chk('unique.silver.clickstream.event_id', 'uniqueness', 'critical', count(*), '0', count(*) = 0,
                   'event ids stored on more than one day')
FROM (SELECT 1 FROM silver.clickstream GROUP BY event_id HAVING count(*) > 1) x;

SELECT pg_temp.chk('unique.gold.dim_date.full_date', 'uniqueness', 'critical', count(*), '0', count(*) = 0,
                   'calendar days with more than one row')
FROM (SELECT 1 FROM gold.dim_date GROUP BY full_date HAVING count(*) > 1) x;

-- ===== not null (columns silver keeps nullable because the source may omit them) ===================
SELECT pg_temp.chk('not_null.silver.customers.email', 'not_null', 'warning', round(100.0 * nulls / nullif(n, 0), 2),
                   '<= 5 % NULL', nulls <= 0.05 * n, format('%s of %s current customers without a valid email', nulls, n))
FROM (SELECT count(*) AS n, count(*) FILTER (WHERE email IS NULL) AS nulls FROM silver.customers WHERE is_current) x;

SELECT pg_temp.chk('not_null.silver.products.brand', 'not_null', 'warning', round(100.0 * bad / nullif(n, 0), 2),
                   '<= 2 % unknown', bad <= 0.02 * n, format('%s of %s current products with brand unknown', bad, n))
FROM (SELECT count(*) AS n, count(*) FILTER (WHERE brand = 'unknown') AS bad FROM silver.products WHERE is_current) x;

SELECT pg_temp.chk('not_null.silver.orders.store_id', 'not_null', 'warning', count(*), '0', count(*) = 0,
                   'orders without a store')
FROM silver.orders WHERE store_id IS NULL;

SELECT pg_temp.chk('not_null.gold.fact_sales.cost', 'not_null', 'warning', count(*), '0', count(*) = 0,
                   'fact rows without a known cost (cost 0)')
FROM gold.fact_sales WHERE cost = 0;

-- ===== referential integrity ======================================================================
SELECT pg_temp.chk('ref.' || name, 'referential', 'critical', n, '0', n = 0, detail)
FROM (
    SELECT 'gold.fact_sales.customer_sk' AS name, 'fact rows whose customer version is not in dim_customer' AS detail,
           (SELECT count(*) FROM gold.fact_sales f
            WHERE NOT EXISTS (SELECT 1 FROM gold.dim_customer d WHERE d.customer_sk = f.customer_sk)) AS n
    UNION ALL
    SELECT 'gold.fact_sales.product_sk', 'fact rows whose product version is not in dim_product',
           (SELECT count(*) FROM gold.fact_sales f
            WHERE NOT EXISTS (SELECT 1 FROM gold.dim_product d WHERE d.product_sk = f.product_sk))
    UNION ALL
    SELECT 'gold.fact_sales.store_id', 'fact rows whose store is not in dim_store',
           (SELECT count(*) FROM gold.fact_sales f
            WHERE NOT EXISTS (SELECT 1 FROM gold.dim_store d WHERE d.store_id = f.store_id))
    UNION ALL
    SELECT 'gold.fact_sales.date_key', 'fact rows whose day is not in dim_date',
           (SELECT count(*) FROM gold.fact_sales f
            WHERE NOT EXISTS (SELECT 1 FROM gold.dim_date d WHERE d.date_key = f.date_key))
    UNION ALL
    SELECT 'gold.fact_sales.channel_key', 'fact rows whose channel is not in dim_channel',
           (SELECT count(*) FROM gold.fact_sales f
            WHERE NOT EXISTS (SELECT 1 FROM gold.dim_channel d WHERE d.channel_key = f.channel_key))
    UNION ALL
    SELECT 'silver.order_items.order_id', 'order lines without their order',
           (SELECT count(*) FROM silver.order_items i
            WHERE NOT EXISTS (SELECT 1 FROM silver.orders o WHERE o.order_id = i.order_id))
    UNION ALL
    SELECT 'silver.order_items.product_id', 'order lines of unknown products',
           (SELECT count(*) FROM silver.order_items i
            WHERE NOT EXISTS (SELECT 1 FROM silver.products p WHERE p.product_id = i.product_id))
    UNION ALL
    SELECT 'silver.orders.customer_id', 'orders of unknown customers',
           (SELECT count(*) FROM silver.orders o
            WHERE NOT EXISTS (SELECT 1 FROM silver.customers c WHERE c.customer_id = o.customer_id))
    UNION ALL
    SELECT 'silver.clickstream.session_id', 'events of unknown sessions',
           (SELECT count(*) FROM silver.clickstream e
            WHERE NOT EXISTS (SELECT 1 FROM silver.sessions s WHERE s.session_id = e.session_id))
) r;

SELECT pg_temp.chk('ref.silver.orders.store_id', 'referential', 'warning', count(*), '0', count(*) = 0,
                   'orders naming a store silver.stores does not know')
FROM silver.orders o
WHERE o.store_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM silver.stores s WHERE s.store_id = o.store_id);

-- ===== value ranges ===============================================================================
SELECT pg_temp.chk('range.gold.fact_sales.amounts', 'range', 'critical', count(*), '0', count(*) = 0,
                   'fact rows with quantity <= 0, a negative price, a discount outside [0, gross] or revenue <> gross - discount')
FROM gold.fact_sales
WHERE quantity <= 0 OR unit_price < 0 OR discount < 0 OR discount > quantity * unit_price
   OR revenue <> quantity * unit_price - discount OR returned_qty NOT BETWEEN 0 AND quantity;

SELECT pg_temp.chk('range.silver.reviews.rating', 'range', 'critical', count(*), '0', count(*) = 0,
                   'ratings outside 1..5')
FROM silver.reviews WHERE rating NOT BETWEEN 1 AND 5;

SELECT pg_temp.chk('range.silver.stores.location', 'range', 'warning', count(*), '0', count(*) = 0,
                   'stores outside Tamil Nadu (lat 8..13.6, lon 76..80.4) or without coordinates')
FROM silver.stores
WHERE latitude IS NULL OR longitude IS NULL OR latitude NOT BETWEEN 8 AND 13.6 OR longitude NOT BETWEEN 76 AND 80.4;

SELECT pg_temp.chk('range.silver.orders.order_date', 'range', 'warning', count(*), '0', count(*) = 0,
                   'orders dated after the last day of the loaded bronze batches')
FROM silver.orders
WHERE order_date > (SELECT max(last_day) FROM bronze.load_batches WHERE status = 'complete');

SELECT pg_temp.chk('range.silver.products.prices', 'range', 'warning', count(*), '0', count(*) = 0,
                   'current products without a positive MSRP and list price')
FROM silver.products WHERE is_current AND (msrp IS NULL OR msrp <= 0 OR list_price IS NULL OR list_price <= 0);

-- ===== SCD type 2 invariants ======================================================================
SELECT pg_temp.chk('scd2.' || t || '.one_current', 'scd2', 'critical', n, '0', n = 0, t || ' keys without exactly one current version')
FROM (
    SELECT 'silver.customers' AS t, (SELECT count(*) FROM (SELECT customer_id FROM silver.customers GROUP BY 1
                                      HAVING count(*) FILTER (WHERE is_current) <> 1) x) AS n
    UNION ALL
    SELECT 'silver.products', (SELECT count(*) FROM (SELECT product_id FROM silver.products GROUP BY 1
                                HAVING count(*) FILTER (WHERE is_current) <> 1) x)
    UNION ALL
    SELECT 'gold.dim_customer', (SELECT count(*) FROM (SELECT customer_id FROM gold.dim_customer GROUP BY 1
                                  HAVING count(*) FILTER (WHERE is_current) <> 1) x)
    UNION ALL
    SELECT 'gold.dim_product', (SELECT count(*) FROM (SELECT product_id FROM gold.dim_product GROUP BY 1
                                 HAVING count(*) FILTER (WHERE is_current) <> 1) x)
) s;

-- Versions of a key tile time: each ends where the next begins, none is empty, the last is open.
SELECT pg_temp.chk('scd2.' || t || '.no_overlap', 'scd2', 'critical', n, '0', n = 0,
                   t || ' versions that overlap, leave a gap, are empty, or whose is_current disagrees with valid_to')
FROM (
    SELECT 'silver.customers' AS t, count(*) AS n
    FROM (SELECT valid_from, valid_to, is_current,
                 lead(valid_from) OVER (PARTITION BY customer_id ORDER BY valid_from) AS next_from
          FROM silver.customers) v
    WHERE valid_from >= valid_to OR valid_to IS DISTINCT FROM coalesce(next_from, 'infinity')
       OR is_current <> (valid_to = 'infinity')
    UNION ALL
    SELECT 'silver.products', count(*)
    FROM (SELECT valid_from, valid_to, is_current,
                 lead(valid_from) OVER (PARTITION BY product_id ORDER BY valid_from) AS next_from
          FROM silver.products) v
    WHERE valid_from >= valid_to OR valid_to IS DISTINCT FROM coalesce(next_from, 'infinity')
       OR is_current <> (valid_to = 'infinity')
) s;

SELECT pg_temp.chk('scd2.gold.dims_match_silver', 'scd2', 'critical', abs(g.n - s.n), '0', g.n = s.n,
                   format('dim_customer + dim_product %s versions, silver %s', g.n, s.n))
FROM (SELECT (SELECT count(*) FROM gold.dim_customer) + (SELECT count(*) FROM gold.dim_product) AS n) g,
     (SELECT (SELECT count(*) FROM silver.customers) + (SELECT count(*) FROM silver.products) AS n) s;

-- ===== freshness ==================================================================================
SELECT pg_temp.chk('freshness.silver_watermarks', 'freshness', 'critical', count(*), '0', count(*) = 0,
                   'silver steps behind the last complete bronze batch: ' || coalesce(string_agg(step, ', '), 'none'))
FROM (SELECT w.step FROM etl.watermarks w
      WHERE w.step LIKE 'silver.%'
        AND w.high_water < (SELECT coalesce(max(batch_id), 0) FROM bronze.load_batches WHERE status = 'complete')
      UNION ALL
      SELECT 'no run yet' WHERE NOT EXISTS (SELECT 1 FROM etl.watermarks)) x;

SELECT pg_temp.chk('freshness.gold_fact_sales', 'freshness', 'critical', coalesce(s.d - g.d, 0), '0 days behind silver',
                   g.d IS NOT DISTINCT FROM s.d, format('last sale day: silver %s, gold %s', s.d, g.d))
FROM (SELECT max(order_date) AS d FROM silver.orders) s, (SELECT max(order_date) AS d FROM gold.fact_sales) g;

SELECT pg_temp.chk('freshness.last_run', 'freshness', 'warning', NULL,
                   'a successful run after the last complete batch',
                   coalesce(r.finished_at >= b.finished_at, false),
                   format('last successful run %s, last batch finished %s', r.finished_at, b.finished_at))
FROM (SELECT max(finished_at) AS finished_at FROM etl.runs WHERE status = 'succeeded') r,
     (SELECT max(finished_at) AS finished_at FROM bronze.load_batches WHERE status = 'complete') b;

-- Late arrivals are loaded, not lost: reported for information (rows that landed > 2 days late).
SELECT pg_temp.chk('info.late_arrivals_loaded', 'freshness', 'warning', count(*), 'reported', true,
                   'orders loaded that landed more than 2 days after they were placed')
FROM silver.orders WHERE ingested_at > order_ts + interval '2 days';
