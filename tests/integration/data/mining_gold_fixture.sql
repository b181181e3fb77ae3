-- A small, deterministic gold star schema for the mining tests when the full pipeline is not
-- wanted: 6 stores (one closed), 40 products of 4 brands, 400 customers, 420 days of sales with a
-- weekly pattern, one planted store-day spike and one three-week stock-out (about 15 orders of Nike
-- expected at S003: a silence that chance would explain once in millions). Only the columns mining reads.
-- Needs the (empty) gold tables of the warehouse's own DDL, etl/sql/gold.sql.
SELECT setseed(0.42);
INSERT INTO gold.dim_store (store_id, store_name, city, opened_on, closed_on)
SELECT 'S00' || i, 'Store ' || i, (ARRAY['Chennai','Coimbatore','Madurai'])[1 + i % 3], DATE '2023-01-01',
       CASE WHEN i = 6 THEN DATE '2024-06-01' END
FROM generate_series(1, 6) i;
INSERT INTO gold.dim_product (product_sk, product_id, sku, brand, model, release_date, msrp, is_limited,
                              valid_from, valid_to, is_current)
SELECT i, 'P' || lpad(i::text, 6, '0'), 'NK-DZ' || (5000 + i) || '-' || (100 + i),
       (ARRAY['Nike','Adidas','Puma','Asics'])[1 + i % 4], 'Model ' || i, DATE '2023-06-01' + i * 3,
       6000 + 250 * i, i % 7 = 0, '2023-01-01', 'infinity', true
FROM generate_series(1, 40) i;
INSERT INTO gold.dim_channel (channel_key, channel, is_online) VALUES (1, 'store', false), (2, 'web', true)
ON CONFLICT DO NOTHING;
-- Sales: per day, store and product, Poisson-ish counts from a weekly and product-popularity rate.
WITH days AS (SELECT d::date AS day FROM generate_series(DATE '2024-01-01', DATE '2025-02-23', '1 day') d),
rates AS (
    SELECT day, s.store_id, p.product_sk, p.product_id, p.msrp,
           (0.9 / sqrt(p.product_sk)) * (CASE extract(isodow FROM day) WHEN 6 THEN 1.8 WHEN 7 THEN 1.5 ELSE 1 END)
           * CASE WHEN s.store_id = 'S002' AND day = DATE '2024-09-10' THEN 6 ELSE 1 END
           * CASE WHEN s.store_id = 'S003' AND p.brand = 'Nike' AND day BETWEEN DATE '2024-11-01' AND DATE '2024-11-21' THEN 0 ELSE 1 END
           AS rate
    FROM days, gold.dim_store s, gold.dim_product p
    WHERE s.closed_on IS NULL OR day < s.closed_on),
draws AS (SELECT *, floor(-ln(1 - random()) * rate * 1.0 + random() * rate)::int AS qty FROM rates)
INSERT INTO gold.fact_sales (order_item_id, order_id, line_no, date_key, order_date, order_ts, customer_sk,
                             customer_id, product_sk, product_id, store_id, channel_key, quantity, unit_price,
                             discount, revenue, cost, is_returned, returned_qty, etl_run_id)
SELECT 'OI' || row_number() OVER (), 'O' || row_number() OVER (), 1, to_char(day, 'YYYYMMDD')::int, day,
       day + time '12:00', c, 'C' || lpad(c::text, 7, '0'), product_sk, product_id, store_id,
       1 + (c % 2), qty, msrp, 0, qty * msrp, qty * msrp * 0.6, false, 0, 1
FROM (SELECT *, 1 + floor(random() * 400)::int AS c FROM draws WHERE qty > 0) x;
