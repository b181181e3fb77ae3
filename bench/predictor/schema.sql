-- Synthetic retail schema for bench/predictor: skewed (Zipf-like) foreign keys, correlated columns
-- and a rare status, so that the optimizer's estimates are wrong in the usual ways.
-- Deterministic: setseed() before every random() stream.
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;
SET search_path = bench;
SELECT setseed(0.42);

CREATE TABLE customers AS
SELECT g AS id,
       (ARRAY['north','south','east','west','centre','islands','alps','coast','plains','capital'])
           [1 + floor(9.99 * power(random(), 3))::int] AS region,
       (ARRAY['consumer','small_business','enterprise'])[1 + floor(2.99 * power(random(), 2))::int] AS segment,
       date '2020-01-01' + (random() * 1800)::int AS signup_date,
       18 + (random() * 60)::int AS age
FROM generate_series(1, 20000) g;
ALTER TABLE customers ADD PRIMARY KEY (id);

CREATE TABLE products AS
SELECT g AS id,
       1 + floor(49.99 * power(random(), 2))::int AS category,
       1 + (g % 200) AS brand,
       round((5 + random() * 495)::numeric, 2) AS price,
       md5(g::text) AS name
FROM generate_series(1, 5000) g;
ALTER TABLE products ADD PRIMARY KEY (id);

CREATE TABLE stores AS
SELECT g AS id, 'city_' || (g % 60) AS city,
       (ARRAY['north','south','east','west','centre'])[1 + g % 5] AS region
FROM generate_series(1, 200) g;
ALTER TABLE stores ADD PRIMARY KEY (id);

-- Orders: customer ids follow a power law; order_date is correlated with id (append order);
-- 2% of orders are 'returned', 0.5% 'fraud_review'.
CREATE TABLE orders AS
SELECT g AS id,
       1 + floor(19999.99 * power(random(), 4))::int AS customer_id,
       1 + floor(199.99 * random())::int AS store_id,
       timestamp '2022-01-01' + (g * interval '10 minutes') + random() * interval '8 minutes' AS ordered_at,
       CASE WHEN r < 0.005 THEN 'fraud_review' WHEN r < 0.025 THEN 'returned' WHEN r < 0.08 THEN 'open'
            ELSE 'done' END AS status,
       (ARRAY['web','app','store','phone'])[1 + floor(3.99 * power(random(), 1.5))::int] AS channel
FROM (SELECT g, random() AS r FROM generate_series(1, 100000) g) s;
ALTER TABLE orders ADD PRIMARY KEY (id);

CREATE TABLE order_items AS
SELECT o.id AS order_id, i AS line,
       1 + floor(4999.99 * power(random(), 3))::int AS product_id,
       1 + floor(random() * random() * 10)::int AS qty,
       round((random() * 0.3)::numeric, 2) AS discount
FROM orders o, generate_series(1, 1 + (o.id % 5)) i;
ALTER TABLE order_items ADD PRIMARY KEY (order_id, line);

CREATE TABLE events AS
SELECT g AS id,
       1 + floor(19999.99 * power(random(), 2))::int AS customer_id,
       (ARRAY['view','click','cart','search','login','logout'])[1 + floor(5.99 * power(random(), 2))::int] AS kind,
       timestamp '2023-01-01' + random() * interval '700 days' AS ts,
       (random() * 2000)::int AS payload_len
FROM generate_series(1, 120000) g;
ALTER TABLE events ADD PRIMARY KEY (id);

VACUUM ANALYZE;
