-- silver -> gold dimensions: dim_date over the span of the orders (plus 120 days ahead for
-- forecasts), dim_channel and dim_store refreshed, dim_product / dim_customer versions merged from
-- the silver rows written since the step's watermark (a silver run id).
CREATE TEMP TABLE span ON COMMIT DROP AS
SELECT min(order_date) - 7 AS lo, max(order_date) + 120 AS hi
FROM silver.orders;

CREATE TEMP TABLE new_dates ON COMMIT DROP AS
SELECT d::date AS full_date
FROM span, generate_series(span.lo, span.hi, interval '1 day') AS d
WHERE span.lo IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM gold.dim_date x WHERE x.date_key = to_char(d, 'YYYYMMDD')::int);

INSERT INTO gold.dim_date (date_key, full_date, day_of_week, day_name, day_of_month, week_of_year, month,
                           month_name, quarter, year, is_weekend, is_holiday, festival, is_pongal, is_diwali,
                           is_festival_season)
SELECT to_char(n.full_date, 'YYYYMMDD')::int, n.full_date, extract(isodow FROM n.full_date),
       to_char(n.full_date, 'FMDay'), extract(day FROM n.full_date), extract(week FROM n.full_date),
       extract(month FROM n.full_date), to_char(n.full_date, 'FMMonth'), extract(quarter FROM n.full_date),
       extract(year FROM n.full_date), extract(isodow FROM n.full_date) >= 6,
       f.festival IS NOT NULL, f.festival, coalesce(f.festival = 'Pongal', false),
       coalesce(f.festival = 'Diwali', false),
       EXISTS (SELECT 1 FROM gold.festivals m
               WHERE m.festival IN ('Pongal', 'Diwali', 'Ayudha Pooja')
                 AND m.festival_date BETWEEN n.full_date AND n.full_date + 7)
FROM new_dates n LEFT JOIN gold.festivals f ON f.festival_date = n.full_date;

-- Channels the orders use that the seed rows do not name get the next keys.
INSERT INTO gold.dim_channel (channel_key, channel, is_online)
SELECT (SELECT max(channel_key) FROM gold.dim_channel) + row_number() OVER (ORDER BY channel), channel,
       channel <> 'store'
FROM (SELECT DISTINCT channel FROM silver.orders
      WHERE etl_run_id > (SELECT etl.watermark('gold.dimensions'))) o
WHERE NOT EXISTS (SELECT 1 FROM gold.dim_channel c WHERE c.channel = o.channel);

MERGE INTO gold.dim_store t
USING (SELECT * FROM silver.stores WHERE etl_run_id > (SELECT etl.watermark('gold.dimensions'))) s
ON t.store_id = s.store_id
WHEN MATCHED THEN
    UPDATE SET store_code = s.store_code, store_name = s.store_name, store_type = s.store_type, city = s.city,
               district = s.district, state = s.state, latitude = s.latitude, longitude = s.longitude,
               population = s.population, opened_on = s.opened_on, closed_on = s.closed_on
WHEN NOT MATCHED THEN
    INSERT (store_id, store_code, store_name, store_type, city, district, state, latitude, longitude, population,
            opened_on, closed_on)
    VALUES (s.store_id, s.store_code, s.store_name, s.store_type, s.city, s.district, s.state, s.latitude,
            s.longitude, s.population, s.opened_on, s.closed_on);

-- Unit cost per product: the average cost of its stock receipts (recomputed when receipts arrive).
CREATE TEMP TABLE product_cost ON COMMIT DROP AS
SELECT product_id, round(avg(unit_cost), 2) AS unit_cost
FROM silver.inventory_movements
WHERE movement_type = 'receipt' AND unit_cost IS NOT NULL
  AND product_id IN (SELECT product_id FROM silver.inventory_movements
                     WHERE etl_run_id > (SELECT etl.watermark('gold.dimensions'))
                     UNION
                     SELECT product_id FROM silver.products
                     WHERE etl_run_id > (SELECT etl.watermark('gold.dimensions')))
GROUP BY product_id;

CREATE TEMP TABLE changed_products ON COMMIT DROP AS
SELECT p.*, pc.unit_cost AS receipt_cost
FROM silver.products p LEFT JOIN product_cost pc USING (product_id)
WHERE p.etl_run_id > (SELECT etl.watermark('gold.dimensions'))
   OR p.product_id IN (SELECT product_id FROM product_cost);

MERGE INTO gold.dim_product t
USING changed_products s ON t.product_sk = s.product_sk
WHEN MATCHED AND (t.valid_to, t.is_current, t.unit_cost)
                 IS DISTINCT FROM (s.valid_to, s.is_current, coalesce(s.receipt_cost, t.unit_cost)) THEN
    UPDATE SET valid_to = s.valid_to, is_current = s.is_current, unit_cost = coalesce(s.receipt_cost, t.unit_cost)
WHEN NOT MATCHED THEN
    INSERT (product_sk, product_id, sku, product_name, brand, model, category, gender, colourway, release_date,
            msrp, list_price, unit_cost, is_limited, valid_from, valid_to, is_current)
    VALUES (s.product_sk, s.product_id, s.sku, s.product_name, s.brand, s.model, s.category, s.gender,
            s.colourway, s.release_date, s.msrp, s.list_price, s.receipt_cost, s.is_limited, s.valid_from,
            s.valid_to, s.is_current);

CREATE TEMP TABLE changed_customers ON COMMIT DROP AS
SELECT * FROM silver.customers WHERE etl_run_id > (SELECT etl.watermark('gold.dimensions'));

MERGE INTO gold.dim_customer t
USING changed_customers s ON t.customer_sk = s.customer_sk
WHEN MATCHED THEN
    UPDATE SET valid_to = s.valid_to, is_current = s.is_current
WHEN NOT MATCHED THEN
    INSERT (customer_sk, customer_id, full_name, email, phone, gender, city, loyalty_tier, signup_date,
            valid_from, valid_to, is_current)
    VALUES (s.customer_sk, s.customer_id, concat_ws(' ', s.first_name, s.last_name), s.email, s.phone, s.gender,
            s.city, s.loyalty_tier, etl.business_day(s.signup_at), s.valid_from, s.valid_to, s.is_current);

SELECT etl.advance('gold.dimensions', etl.current_run());

SELECT (SELECT count(*) FROM changed_products) + (SELECT count(*) FROM changed_customers) AS rows_in,
       (SELECT count(*) FROM new_dates) + (SELECT count(*) FROM changed_products)
           + (SELECT count(*) FROM changed_customers) AS rows_out,
       0 AS rows_rejected;
