-- gold.fact_sales -> the aggregates. Only the keys the delta touches are recomputed (days for the
-- daily tables, customers for customer_360, products for product_performance), from the whole
-- fact table, so a late-arriving line corrects its day. sku_popularity_rank is global (ranks move
-- together) and is rebuilt whenever anything changed.
CREATE TEMP TABLE wm ON COMMIT DROP AS SELECT etl.watermark('gold.aggregates') AS v;

CREATE TEMP TABLE touched_facts ON COMMIT DROP AS
SELECT order_date, customer_id, product_id FROM gold.fact_sales WHERE etl_run_id > (SELECT v FROM wm);

CREATE TEMP TABLE touched_days ON COMMIT DROP AS SELECT DISTINCT order_date FROM touched_facts;

CREATE TEMP TABLE touched_customers ON COMMIT DROP AS
SELECT customer_id FROM touched_facts
UNION SELECT customer_id FROM silver.sessions WHERE etl_run_id > (SELECT v FROM wm) AND customer_id IS NOT NULL
UNION SELECT customer_id FROM silver.reviews WHERE etl_run_id > (SELECT v FROM wm)
UNION SELECT customer_id FROM silver.customers WHERE etl_run_id > (SELECT v FROM wm);

CREATE TEMP TABLE touched_products ON COMMIT DROP AS
SELECT product_id FROM touched_facts
UNION SELECT product_id FROM silver.reviews WHERE etl_run_id > (SELECT v FROM wm)
UNION SELECT product_id FROM silver.products WHERE etl_run_id > (SELECT v FROM wm);
ANALYZE touched_days, touched_customers, touched_products;

-- Daily tables -----------------------------------------------------------------------------------
DELETE FROM gold.daily_sales_summary WHERE sale_date IN (SELECT order_date FROM touched_days);
INSERT INTO gold.daily_sales_summary
SELECT f.order_date, count(DISTINCT f.order_id), count(*), sum(f.quantity), sum(f.revenue), sum(f.cost),
       sum(f.discount), sum(f.revenue) - sum(f.cost), sum(f.returned_qty), count(DISTINCT f.customer_id),
       round(sum(f.revenue) / count(DISTINCT f.order_id), 2)
FROM gold.fact_sales f WHERE f.order_date IN (SELECT order_date FROM touched_days)
GROUP BY f.order_date;

DELETE FROM gold.daily_brand_sales WHERE sale_date IN (SELECT order_date FROM touched_days);
INSERT INTO gold.daily_brand_sales
SELECT f.order_date, p.brand, count(DISTINCT f.order_id), sum(f.quantity), sum(f.revenue), sum(f.returned_qty)
FROM gold.fact_sales f JOIN gold.dim_product p ON p.product_sk = f.product_sk
WHERE f.order_date IN (SELECT order_date FROM touched_days)
GROUP BY f.order_date, p.brand;

DELETE FROM gold.city_daily_metrics WHERE sale_date IN (SELECT order_date FROM touched_days);
INSERT INTO gold.city_daily_metrics
SELECT f.order_date, s.city, count(DISTINCT f.order_id), sum(f.quantity), sum(f.revenue),
       count(DISTINCT f.customer_id), sum(f.returned_qty)
FROM gold.fact_sales f JOIN gold.dim_store s ON s.store_id = f.store_id
WHERE f.order_date IN (SELECT order_date FROM touched_days)
GROUP BY f.order_date, s.city;

DELETE FROM gold.daily_store_sales WHERE sale_date IN (SELECT order_date FROM touched_days);
INSERT INTO gold.daily_store_sales
SELECT f.order_date, f.store_id, f.channel_key, count(DISTINCT f.order_id), sum(f.quantity), sum(f.revenue),
       sum(f.returned_qty)
FROM gold.fact_sales f
WHERE f.order_date IN (SELECT order_date FROM touched_days)
GROUP BY f.order_date, f.store_id, f.channel_key;

DELETE FROM gold.daily_product_sales WHERE sale_date IN (SELECT order_date FROM touched_days);
INSERT INTO gold.daily_product_sales
SELECT f.order_date, f.product_sk, sum(f.quantity), sum(f.revenue), sum(f.returned_qty)
FROM gold.fact_sales f
WHERE f.order_date IN (SELECT order_date FROM touched_days)
GROUP BY f.order_date, f.product_sk;

-- customer_360 -------------------------------------------------------------------------------------
CREATE TEMP TABLE c_sales ON COMMIT DROP AS
SELECT f.customer_id, min(f.order_date) AS first_order_date, max(f.order_date) AS last_order_date,
       count(DISTINCT f.order_id) AS orders, sum(f.quantity) AS units, sum(f.revenue) AS revenue,
       sum(f.returned_qty) AS returned_units
FROM gold.fact_sales f WHERE f.customer_id IN (SELECT customer_id FROM touched_customers)
GROUP BY f.customer_id;

CREATE TEMP TABLE c_brand ON COMMIT DROP AS
SELECT DISTINCT ON (f.customer_id) f.customer_id, p.brand
FROM gold.fact_sales f JOIN gold.dim_product p ON p.product_sk = f.product_sk
WHERE f.customer_id IN (SELECT customer_id FROM touched_customers)
GROUP BY f.customer_id, p.brand
ORDER BY f.customer_id, sum(f.revenue) DESC, p.brand;

CREATE TEMP TABLE c_channel ON COMMIT DROP AS
SELECT DISTINCT ON (f.customer_id) f.customer_id, c.channel
FROM gold.fact_sales f JOIN gold.dim_channel c ON c.channel_key = f.channel_key
WHERE f.customer_id IN (SELECT customer_id FROM touched_customers)
GROUP BY f.customer_id, c.channel
ORDER BY f.customer_id, count(DISTINCT f.order_id) DESC, c.channel;

DELETE FROM gold.customer_360 WHERE customer_id IN (SELECT customer_id FROM touched_customers);
INSERT INTO gold.customer_360
SELECT c.customer_id, c.full_name, c.email, c.city, c.loyalty_tier, c.signup_date, s.first_order_date,
       s.last_order_date, coalesce(s.orders, 0), coalesce(s.units, 0), coalesce(s.revenue, 0),
       round(s.revenue / nullif(s.orders, 0), 2), coalesce(s.returned_units, 0), b.brand, ch.channel,
       coalesce(se.sessions, 0), coalesce(r.reviews, 0), r.avg_rating
FROM gold.dim_customer c
LEFT JOIN c_sales s USING (customer_id)
LEFT JOIN c_brand b USING (customer_id)
LEFT JOIN c_channel ch USING (customer_id)
LEFT JOIN (SELECT customer_id, count(*) AS sessions FROM silver.sessions
           WHERE customer_id IN (SELECT customer_id FROM touched_customers) GROUP BY customer_id) se USING (customer_id)
LEFT JOIN (SELECT customer_id, count(*) AS reviews, round(avg(rating), 2) AS avg_rating FROM silver.reviews
           WHERE customer_id IN (SELECT customer_id FROM touched_customers) GROUP BY customer_id) r USING (customer_id)
WHERE c.is_current AND c.customer_id IN (SELECT customer_id FROM touched_customers);

-- product_performance ------------------------------------------------------------------------------
DELETE FROM gold.product_performance WHERE product_id IN (SELECT product_id FROM touched_products);
INSERT INTO gold.product_performance
SELECT p.product_id, p.sku, p.brand, p.model, p.category, coalesce(s.orders, 0), coalesce(s.units, 0),
       coalesce(s.revenue, 0), coalesce(s.cost, 0), coalesce(s.revenue, 0) - coalesce(s.cost, 0),
       coalesce(s.returned_units, 0), round(s.returned_units::numeric / nullif(s.units, 0), 4),
       coalesce(r.reviews, 0), r.avg_rating, s.first_sale_date, s.last_sale_date
FROM gold.dim_product p
LEFT JOIN (SELECT product_id, count(DISTINCT order_id) AS orders, sum(quantity) AS units, sum(revenue) AS revenue,
                  sum(cost) AS cost, sum(returned_qty) AS returned_units, min(order_date) AS first_sale_date,
                  max(order_date) AS last_sale_date
           FROM gold.fact_sales WHERE product_id IN (SELECT product_id FROM touched_products)
           GROUP BY product_id) s USING (product_id)
LEFT JOIN (SELECT product_id, count(*) AS reviews, round(avg(rating), 2) AS avg_rating FROM silver.reviews
           WHERE product_id IN (SELECT product_id FROM touched_products) GROUP BY product_id) r USING (product_id)
WHERE p.is_current AND p.product_id IN (SELECT product_id FROM touched_products);

-- sku_popularity_rank -------------------------------------------------------------------------------
CREATE TEMP TABLE changed ON COMMIT DROP AS
SELECT EXISTS (SELECT 1 FROM touched_facts) OR EXISTS (SELECT 1 FROM touched_products) AS anything;

DELETE FROM gold.sku_popularity_rank WHERE (SELECT anything FROM changed);
INSERT INTO gold.sku_popularity_rank
WITH asof AS (SELECT max(order_date) AS d FROM gold.fact_sales),
     recent AS (
         SELECT f.product_id, sum(f.quantity) FILTER (WHERE f.order_date > asof.d - 30) AS units_30d,
                sum(f.revenue) FILTER (WHERE f.order_date > asof.d - 30) AS revenue_30d,
                sum(f.quantity) AS units_total
         FROM gold.fact_sales f, asof GROUP BY f.product_id)
SELECT p.product_id, p.sku, p.brand, p.category, asof.d, coalesce(r.units_30d, 0), coalesce(r.revenue_30d, 0),
       coalesce(r.units_total, 0),
       rank() OVER (ORDER BY coalesce(r.units_30d, 0) DESC, coalesce(r.revenue_30d, 0) DESC),
       rank() OVER (PARTITION BY p.brand ORDER BY coalesce(r.units_30d, 0) DESC, coalesce(r.revenue_30d, 0) DESC),
       rank() OVER (PARTITION BY p.category ORDER BY coalesce(r.units_30d, 0) DESC, coalesce(r.revenue_30d, 0) DESC)
FROM gold.dim_product p CROSS JOIN asof LEFT JOIN recent r USING (product_id)
WHERE p.is_current AND asof.d IS NOT NULL AND (SELECT anything FROM changed);

SELECT etl.advance('gold.aggregates', etl.current_run());

SELECT (SELECT count(*) FROM touched_facts) AS rows_in,
       (SELECT count(*) FROM touched_days) + (SELECT count(*) FROM touched_customers)
           + (SELECT count(*) FROM touched_products) AS rows_out,
       0 AS rows_rejected;
