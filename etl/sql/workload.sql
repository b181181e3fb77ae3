-- The BI workload of `autopilot-etl workload`: parameter pools and query templates.
--
-- A block starts with "-- pool: NAME" or "-- template: NAME", then "-- key: value" lines, then
-- the SQL (one statement). Pools return one text column: the real values templates draw their
-- parameters from (sampled once per run, after setseed(), so a seed gives the same values).
-- Templates use $1, $2, ... with explicit casts; "-- params:" names the pool of each in order.
-- "-- protocol:" is simple (literals inlined, as BI tools send them), extended (prepared, values
-- bound) or both (either, at random). "-- weight:" is the relative frequency. "-- note:" says
-- whether an index on a column the warehouse ships without would help (the advisor's targets).

-- ===== pools =====================================================================================
-- pool: customer_id
SELECT customer_id FROM silver.customers WHERE is_current ORDER BY random() LIMIT 400

-- pool: email
SELECT email FROM silver.customers WHERE is_current AND email IS NOT NULL ORDER BY random() LIMIT 400

-- pool: phone
SELECT phone FROM silver.customers WHERE is_current AND phone IS NOT NULL ORDER BY random() LIMIT 400

-- pool: order_id
SELECT order_id FROM silver.orders ORDER BY random() LIMIT 400

-- pool: product_id
SELECT product_id FROM silver.products WHERE is_current ORDER BY random() LIMIT 400

-- pool: sku
SELECT sku FROM silver.products WHERE is_current AND sku IS NOT NULL ORDER BY random() LIMIT 400

-- pool: brand
SELECT DISTINCT brand FROM silver.products WHERE brand <> 'unknown'

-- pool: category
SELECT DISTINCT category FROM silver.products WHERE category IS NOT NULL

-- pool: city
SELECT DISTINCT city FROM silver.stores

-- pool: store_id
SELECT store_id FROM silver.stores

-- pool: session_id
SELECT session_id FROM silver.sessions ORDER BY random() LIMIT 400

-- pool: promotion_code
SELECT promotion_code FROM silver.promotions

-- pool: day
SELECT sale_date::text FROM gold.daily_sales_summary

-- pool: recent_day
SELECT sale_date::text FROM gold.daily_sales_summary
WHERE sale_date > (SELECT max(sale_date) - 30 FROM gold.daily_sales_summary)

-- pool: month
SELECT DISTINCT date_trunc('month', sale_date)::date::text FROM gold.daily_sales_summary

-- pool: order_ts
SELECT order_ts::text FROM silver.orders ORDER BY random() LIMIT 400

-- pool: top_n
SELECT unnest(ARRAY['5', '10', '20', '50'])

-- pool: window_days
SELECT unnest(ARRAY['7', '14', '30'])

-- pool: event_type
SELECT unnest(ARRAY['product_view', 'add_to_cart', 'begin_checkout', 'purchase'])

-- ===== point look-ups (an index on the filtered column helps a lot) ================================
-- template: customer_by_email
-- weight: 8
-- params: email
-- protocol: both
-- note: index silver.customers(email)
SELECT customer_id, first_name, last_name, city, loyalty_tier, signup_at
FROM silver.customers WHERE email = $1::text AND is_current

-- template: customer_by_phone
-- weight: 3
-- params: phone
-- protocol: simple
-- note: index silver.customers(phone)
SELECT customer_id, first_name, last_name, email FROM silver.customers WHERE phone = $1::text AND is_current

-- template: customer_history
-- weight: 2
-- params: customer_id
-- protocol: extended
-- note: index silver.customers(customer_id)
SELECT customer_sk, city, loyalty_tier, valid_from, valid_to, is_current
FROM silver.customers WHERE customer_id = $1::text ORDER BY valid_from

-- template: customer_360_by_email
-- weight: 6
-- params: email
-- protocol: both
-- note: index gold.customer_360(email)
SELECT * FROM gold.customer_360 WHERE email = $1::text

-- template: customer_recent_orders
-- weight: 8
-- params: customer_id
-- protocol: both
-- note: index silver.orders(customer_id)
SELECT order_id, order_ts, channel, status, order_total
FROM silver.orders WHERE customer_id = $1::text ORDER BY order_ts DESC LIMIT 20

-- template: customer_lifetime_lines
-- weight: 4
-- params: customer_id
-- protocol: simple
-- note: index gold.fact_sales(customer_id)
SELECT f.order_date, p.brand, p.model, f.quantity, f.revenue, f.is_returned
FROM gold.fact_sales f JOIN gold.dim_product p ON p.product_sk = f.product_sk
WHERE f.customer_id = $1::text ORDER BY f.order_date DESC

-- template: order_lines
-- weight: 7
-- params: order_id
-- protocol: both
-- note: index silver.order_items(order_id)
SELECT i.line_no, i.product_id, p.product_name, i.size, i.quantity, i.unit_price, i.discount_amount
FROM silver.order_items i JOIN silver.products p ON p.product_id = i.product_id AND p.is_current
WHERE i.order_id = $1::text ORDER BY i.line_no

-- template: order_by_id
-- weight: 4
-- params: order_id
-- protocol: extended
-- note: primary key: already fast
SELECT * FROM silver.orders WHERE order_id = $1::text

-- template: session_events
-- weight: 6
-- params: session_id
-- protocol: both
-- note: index silver.clickstream(session_id): without it every daily partition is scanned
SELECT event_seq, event_ts, event_type, page_url, product_id
FROM silver.clickstream WHERE session_id = $1::text ORDER BY event_seq

-- template: customer_sessions
-- weight: 3
-- params: customer_id
-- protocol: simple
-- note: index silver.sessions(customer_id)
SELECT session_id, channel, device, traffic_source, started_at, ended_at
FROM silver.sessions WHERE customer_id = $1::text ORDER BY started_at DESC LIMIT 20

-- template: customer_recent_clicks
-- weight: 4
-- params: customer_id, recent_day
-- protocol: both
-- note: index silver.clickstream(customer_id, event_date); partitions pruned by day
SELECT event_date, event_type, count(*) AS events
FROM silver.clickstream
WHERE customer_id = $1::text AND event_date BETWEEN $2::date - 7 AND $2::date
GROUP BY event_date, event_type ORDER BY event_date

-- template: product_by_sku
-- weight: 4
-- params: sku
-- protocol: simple
-- note: index silver.products(sku)
SELECT product_id, brand, model, colourway, msrp, list_price FROM silver.products WHERE sku = $1::text AND is_current

-- template: product_price_history
-- weight: 2
-- params: product_id
-- protocol: extended
-- note: index silver.products(product_id)
SELECT valid_from, valid_to, list_price, msrp FROM silver.products WHERE product_id = $1::text ORDER BY valid_from

-- template: product_reviews
-- weight: 4
-- params: product_id
-- protocol: both
-- note: index silver.reviews(product_id)
SELECT rating, title, review_ts, verified_purchase, helpful_votes
FROM silver.reviews WHERE product_id = $1::text ORDER BY review_ts DESC LIMIT 10

-- template: customer_reviews
-- weight: 2
-- params: customer_id
-- protocol: simple
-- note: index silver.reviews(customer_id)
SELECT product_id, rating, review_ts FROM silver.reviews WHERE customer_id = $1::text

-- template: product_daily_sales
-- weight: 5
-- params: product_id, recent_day, window_days
-- protocol: both
-- note: index gold.fact_sales(product_id, order_date)
SELECT order_date, sum(quantity) AS units, sum(revenue) AS revenue
FROM gold.fact_sales
WHERE product_id = $1::text AND order_date BETWEEN $2::date - $3::int AND $2::date
GROUP BY order_date ORDER BY order_date

-- template: product_returns
-- weight: 2
-- params: product_id
-- protocol: simple
-- note: index gold.fact_sales(product_id)
SELECT order_item_id, order_date, returned_qty FROM gold.fact_sales WHERE product_id = $1::text AND is_returned

-- template: stock_by_product_store
-- weight: 3
-- params: product_id, store_id
-- protocol: both
-- note: index silver.inventory_movements(product_id, store_id)
SELECT movement_type, sum(quantity) AS qty, max(movement_ts) AS last_movement
FROM silver.inventory_movements WHERE product_id = $1::text AND store_id = $2::text
GROUP BY movement_type

-- template: store_day_orders
-- weight: 4
-- params: store_id, recent_day
-- protocol: simple
-- note: index silver.orders(store_id, order_date)
SELECT order_id, customer_id, channel, order_total, status
FROM silver.orders WHERE store_id = $1::text AND order_date = $2::date ORDER BY order_ts

-- template: orders_in_hour
-- weight: 4
-- params: order_ts
-- protocol: extended
-- note: index silver.orders(order_ts): a recent-activity range scan
SELECT order_id, customer_id, channel, store_id, order_total
FROM silver.orders WHERE order_ts >= $1::timestamptz AND order_ts < $1::timestamptz + interval '1 hour'

-- template: promotion_orders
-- weight: 2
-- params: promotion_code, month
-- protocol: simple
-- note: index silver.orders(promotion_code, order_date)
SELECT order_date, count(*) AS orders, sum(order_total) AS total
FROM silver.orders
WHERE promotion_code = $1::text AND order_date >= $2::date AND order_date < $2::date + interval '1 month'
GROUP BY order_date ORDER BY order_date

-- template: product_funnel
-- weight: 3
-- params: product_id, recent_day
-- protocol: both
-- note: index silver.clickstream(product_id) within the pruned partitions
SELECT event_type, count(*) AS events, count(DISTINCT session_id) AS sessions
FROM silver.clickstream
WHERE product_id = $1::text AND event_date BETWEEN $2::date - 6 AND $2::date
GROUP BY event_type

-- ===== dashboards and analysis (aggregates, windows, star joins) =================================
-- template: dashboard_kpis
-- weight: 8
-- params: recent_day, window_days
-- protocol: both
-- note: small aggregate table: no index needed
SELECT sum(orders) AS orders, sum(units) AS units, sum(revenue) AS revenue,
       round(sum(revenue) / nullif(sum(orders), 0), 2) AS aov, sum(returned_units) AS returns
FROM gold.daily_sales_summary WHERE sale_date BETWEEN $1::date - $2::int AND $1::date

-- template: brand_trend
-- weight: 5
-- params: brand, recent_day
-- protocol: simple
-- note: primary key (sale_date, brand) serves the date range
SELECT sale_date, units, revenue,
       avg(revenue) OVER (ORDER BY sale_date ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS revenue_7d_avg
FROM gold.daily_brand_sales WHERE brand = $1::text AND sale_date BETWEEN $2::date - 90 AND $2::date
ORDER BY sale_date

-- template: city_trend
-- weight: 4
-- params: city, recent_day
-- protocol: both
-- note: primary key (sale_date, city) serves the date range
SELECT sale_date, orders, revenue, customers FROM gold.city_daily_metrics
WHERE city = $1::text AND sale_date BETWEEN $2::date - 60 AND $2::date ORDER BY sale_date

-- template: top_products_month
-- weight: 3
-- params: month, top_n
-- protocol: simple
-- note: index gold.fact_sales(order_date) narrows the star join to one month
SELECT p.brand, p.model, p.colourway, sum(f.quantity) AS units, sum(f.revenue) AS revenue
FROM gold.fact_sales f JOIN gold.dim_product p ON p.product_sk = f.product_sk
WHERE f.order_date >= $1::date AND f.order_date < $1::date + interval '1 month'
GROUP BY p.brand, p.model, p.colourway ORDER BY revenue DESC LIMIT $2::int

-- template: city_brand_mix
-- weight: 3
-- params: city, month
-- protocol: both
-- note: star join; an index on gold.fact_sales(order_date) helps
SELECT p.brand, sum(f.revenue) AS revenue, sum(f.quantity) AS units
FROM gold.fact_sales f
JOIN gold.dim_store s ON s.store_id = f.store_id
JOIN gold.dim_product p ON p.product_sk = f.product_sk
WHERE s.city = $1::text AND f.order_date >= $2::date AND f.order_date < $2::date + interval '1 month'
GROUP BY p.brand ORDER BY revenue DESC

-- template: channel_mix
-- weight: 3
-- params: month
-- protocol: simple
-- note: star join over one month
SELECT c.channel, count(DISTINCT f.order_id) AS orders, sum(f.revenue) AS revenue
FROM gold.fact_sales f JOIN gold.dim_channel c ON c.channel_key = f.channel_key
WHERE f.order_date >= $1::date AND f.order_date < $1::date + interval '1 month'
GROUP BY c.channel

-- template: store_leaderboard
-- weight: 3
-- params: recent_day, window_days
-- protocol: both
-- note: star join over a recent window
SELECT s.store_name, s.city, sum(f.revenue) AS revenue,
       rank() OVER (ORDER BY sum(f.revenue) DESC) AS rank
FROM gold.fact_sales f JOIN gold.dim_store s ON s.store_id = f.store_id
WHERE f.order_date BETWEEN $1::date - $2::int AND $1::date
GROUP BY s.store_name, s.city ORDER BY revenue DESC

-- template: festival_uplift
-- weight: 1
-- params: month
-- protocol: simple
-- note: full scan of the facts joined to dim_date: no index helps
SELECT d.year, d.is_festival_season, d.is_holiday, count(DISTINCT d.full_date) AS days,
       round(sum(f.revenue) / count(DISTINCT d.full_date), 2) AS revenue_per_day
FROM gold.fact_sales f JOIN gold.dim_date d ON d.date_key = f.date_key
WHERE d.full_date >= $1::date - interval '1 year'
GROUP BY d.year, d.is_festival_season, d.is_holiday ORDER BY 1, 2, 3

-- template: top_customers_city
-- weight: 3
-- params: city, top_n
-- protocol: both
-- note: index gold.customer_360(city, revenue)
SELECT customer_id, full_name, orders, revenue, last_order_date
FROM gold.customer_360 WHERE city = $1::text ORDER BY revenue DESC LIMIT $2::int

-- template: sku_rank_in_brand
-- weight: 3
-- params: brand, top_n
-- protocol: simple
-- note: index gold.sku_popularity_rank(brand, rank_in_brand)
SELECT sku, category, units_30d, revenue_30d, rank_in_brand
FROM gold.sku_popularity_rank WHERE brand = $1::text ORDER BY rank_in_brand LIMIT $2::int

-- template: category_performance
-- weight: 3
-- params: category, top_n
-- protocol: both
-- note: index gold.product_performance(category)
SELECT sku, brand, model, units, revenue, return_rate, avg_rating
FROM gold.product_performance WHERE category = $1::text ORDER BY revenue DESC LIMIT $2::int

-- template: signup_cohorts
-- weight: 1
-- params: top_n
-- protocol: simple
-- note: full scan of customer_360: no index helps
SELECT date_trunc('month', signup_date)::date AS cohort, count(*) AS customers,
       round(avg(orders), 2) AS avg_orders, round(avg(revenue), 2) AS avg_revenue
FROM gold.customer_360 GROUP BY 1 ORDER BY 1 DESC LIMIT $1::int

-- template: daily_funnel
-- weight: 2
-- params: recent_day
-- protocol: both
-- note: one partition scanned in full: no index helps much
SELECT event_type, count(*) AS events, count(DISTINCT session_id) AS sessions
FROM silver.clickstream WHERE event_date = $1::date GROUP BY event_type

-- template: abandoned_carts
-- weight: 1
-- params: recent_day
-- protocol: simple
-- note: sessions of one day with a cart and no purchase; partition pruned, hash anti-join
SELECT s.channel, s.device, count(*) AS abandoned
FROM silver.sessions s
WHERE s.started_at >= $1::date::timestamptz AND s.started_at < $1::date::timestamptz + interval '1 day'
  AND EXISTS (SELECT 1 FROM silver.clickstream c
              WHERE c.event_date = $1::date AND c.session_id = s.session_id AND c.event_type = 'add_to_cart')
  AND NOT EXISTS (SELECT 1 FROM silver.clickstream c
                  WHERE c.event_date = $1::date AND c.session_id = s.session_id AND c.event_type = 'purchase')
GROUP BY s.channel, s.device

-- template: repeat_buyers
-- weight: 1
-- params: month
-- protocol: both
-- note: aggregation over one month of facts
SELECT count(*) FILTER (WHERE orders > 1) AS repeat_buyers, count(*) AS buyers
FROM (SELECT customer_id, count(DISTINCT order_id) AS orders FROM gold.fact_sales
      WHERE order_date >= $1::date AND order_date < $1::date + interval '1 month' GROUP BY customer_id) c

-- template: revenue_running_total
-- weight: 2
-- params: month
-- protocol: simple
-- note: window function over the small daily summary
SELECT sale_date, revenue, sum(revenue) OVER (ORDER BY sale_date) AS running_total
FROM gold.daily_sales_summary
WHERE sale_date >= $1::date AND sale_date < $1::date + interval '1 month' ORDER BY sale_date

-- template: event_type_recent
-- weight: 2
-- params: event_type, recent_day
-- protocol: extended
-- note: index silver.clickstream(event_type) is not selective enough to help
SELECT product_id, count(*) AS events FROM silver.clickstream
WHERE event_type = $1::text AND event_date BETWEEN $2::date - 2 AND $2::date AND product_id IS NOT NULL
GROUP BY product_id ORDER BY events DESC LIMIT 10
